"""The JSON API (/api/…), documented at /docs and /openapi.json."""
from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from ..errors import PlanbookError
from . import actions, books
from .actions import ActionError
from .auth import SESSION_COOKIE, SESSION_DAYS, authenticate, find_token, new_token
from .deps import Principal, api_principal, get_db
from .metrics import BUILDS_REQUESTED, UPLOADS
from .models import Book, Build, Revision, as_utc, problem_dicts

router = APIRouter(prefix="/api", tags=["api"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# ------------------------------------------------------------------ schemas


class Login(BaseModel):
    username: str
    password: str


class Membership(BaseModel):
    organisation_id: int
    organisation: str
    role: str


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    organisations: list[Membership]
    csrf_token: str | None = None


class TokenRequest(BaseModel):
    name: str = ""


class TokenOut(BaseModel):
    token: str
    name: str


class ProblemOut(BaseModel):
    severity: str
    file: str
    where: str
    line: int | None
    thai: str
    english: str


class BookIn(BaseModel):
    organisation_id: int
    name: str
    book_type: str


class BuildOut(BaseModel):
    id: int
    revision_id: int
    status: str
    message: str
    pages: int
    queue_position: int | None
    created_at: datetime
    finished_at: datetime | None
    warnings: list[ProblemOut]
    reused: bool = False
    pdf_url: str | None
    docx_url: str | None
    thumbnail_urls: list[str] = []


class RevisionOut(BaseModel):
    id: int
    book_id: int
    number: int
    filename: str
    size: int
    note: str
    uploaded_by: str | None
    uploaded_at: datetime
    records_book: str | None
    error_count: int
    warning_count: int
    problems: list[ProblemOut]


class BookOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    name: str
    book_type: str
    can_edit: bool
    latest_revision: RevisionOut | None = None
    latest_build: BuildOut | None = None


class BookDetail(BookOut):
    revisions: list[RevisionOut]


class BookType(BaseModel):
    key: str
    thai: str
    blank_workbook_url: str


class Checked(BaseModel):
    book: str | None
    error_count: int
    problems: list[ProblemOut]


# ------------------------------------------------------------------ helpers


def fail(exc: ActionError):
    raise HTTPException(exc.status, exc.detail())


def me_out(principal: Principal) -> Me:
    user = principal.user
    return Me(
        id=user.id, username=user.username, display_name=user.display_name,
        organisations=[Membership(organisation_id=m.organisation_id, organisation=m.organisation.name, role=m.role)
                       for m in user.memberships],
        csrf_token=principal.csrf or None,
    )


def build_out(db: Session, build: Build, reused: bool = False) -> BuildOut:
    done = build.status == "done"
    return BuildOut(
        id=build.id, revision_id=build.revision_id, status=build.status, message=build.message, pages=build.pages,
        queue_position=actions.queue_position(db, build), created_at=as_utc(build.created_at),
        finished_at=as_utc(build.finished_at),
        warnings=build.warnings or [], reused=reused,
        pdf_url=f"/api/builds/{build.id}/pdf" if done else None,
        docx_url=f"/api/builds/{build.id}/docx" if done else None,
        thumbnail_urls=[thumbnail_url(build.id, page) for page in actions.thumbnail_pages(db, build)],
    )


def thumbnail_url(build_id: int, page: int) -> str:
    return f"/api/builds/{build_id}/thumbnails/{page}.png"


def revision_out(revision: Revision) -> RevisionOut:
    return RevisionOut(
        id=revision.id, book_id=revision.book_id, number=revision.number, filename=revision.filename,
        size=revision.size, note=revision.note,
        uploaded_by=revision.uploaded_by.display_name if revision.uploaded_by else None,
        uploaded_at=as_utc(revision.uploaded_at), records_book=revision.records_book, error_count=revision.error_count,
        warning_count=revision.warning_count, problems=revision.problems or [],
    )


def book_out(db: Session, principal: Principal, book: Book) -> BookOut:
    revisions = actions.revisions_of(db, book)
    latest = actions.latest_build(db, [r.id for r in revisions])
    return BookOut(
        id=book.id, organisation_id=book.organisation_id, organisation=book.organisation.name, name=book.name,
        book_type=book.book_type, can_edit=actions.can_write(principal.user, book.organisation_id),
        latest_revision=revision_out(revisions[0]) if revisions else None,
        latest_build=build_out(db, latest) if latest else None,
    )


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})


async def read_upload(request: Request, file: UploadFile) -> tuple[str, bytes]:
    """Return an upload's name and bytes, refusing (413) one larger than the limit."""
    limit = request.app.state.settings.max_upload
    data = await file.read(limit + 1)
    if len(data) > limit:
        fail(actions.too_large(limit))
    return file.filename or "upload", data


# ------------------------------------------------------------------ routes


LOGIN_CROSS_SITE = ActionError(
    403, "คำขอเข้าสู่ระบบต้องส่งเป็น JSON (Content-Type: application/json) จากหน้าเว็บของบริการนี้เท่านั้น",
    "a log-in request must be JSON (Content-Type: application/json) sent from this service's own pages",
)


def json_from_this_site(request: Request) -> None:
    """Refuse a log-in another site's page could make a browser send (login CSRF).

    Such a page can post a form or plain text without asking, but JSON only after a CORS
    preflight, which this service never grants; browsers also say when a request is cross-site.
    """
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    json_type = content_type == "application/json" or (content_type.startswith("application/")
                                                        and content_type.endswith("+json"))
    fetched_from = request.headers.get("sec-fetch-site", "").lower()
    if not json_type or fetched_from in ("cross-site", "same-site"):
        raise HTTPException(403, LOGIN_CROSS_SITE.detail())


@router.post("/login", response_model=Me, summary="Log in: sets the session cookie; returns the CSRF token",
             dependencies=[Depends(json_from_this_site)],
             responses={403: {"description": "not JSON, or sent from another site"}})
def login(body: Login, request: Request, response: Response, db: Session = Depends(get_db)) -> Me:
    user = authenticate(db, body.username, body.password)
    if user is None:
        fail(ActionError(401, "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", "wrong user name or password"))
    secret, row = new_token(db, user, "session")
    db.commit()
    set_session_cookie(request, response, secret)
    return me_out(Principal(user, "session", row.csrf))


def set_session_cookie(request: Request, response: Response, secret: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, secret, max_age=SESSION_DAYS * 86400, httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies, path="/",
    )


@router.post("/logout", status_code=204, summary="End the session")
def logout(request: Request, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> Response:
    if principal.kind == "session":
        row = find_token(db, request.cookies.get(SESSION_COOKIE), "session")
        if row is not None:
            db.delete(row)
            db.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=Me, summary="Who is logged in, in which organisations")
def me(principal: Principal = Depends(api_principal)) -> Me:
    return me_out(principal)


@router.post("/tokens", response_model=TokenOut, status_code=201, summary="Create an API token for scripts (shown once)")
def create_token(body: TokenRequest, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> TokenOut:
    secret, row = new_token(db, principal.user, "api", body.name)
    db.commit()
    return TokenOut(token=secret, name=row.name)


@router.get("/book-types", response_model=list[BookType], summary="The book types, each with its blank workbook")
def book_types(principal: Principal = Depends(api_principal)) -> list[BookType]:
    return [BookType(key=k, thai=v, blank_workbook_url=f"/api/book-types/{k}/blank.xlsx") for k, v in books.book_types().items()]


@router.get("/book-types/{book_type}/blank.xlsx", summary="A blank workbook to fill in",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
def blank(book_type: str, principal: Principal = Depends(api_principal)) -> Response:
    if book_type not in books.book_types():
        fail(ActionError(404, *actions.NOT_FOUND))
    return attachment(books.blank_workbook(book_type), XLSX, f"{book_type}-blank.xlsx")


@router.get("/books", response_model=list[BookOut], summary="The books of the caller's organisations, with their latest status")
def list_books(principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> list[BookOut]:
    return [book_out(db, principal, b) for b in actions.visible_books(db, principal.user)]


@router.post("/books", response_model=BookOut, status_code=201, summary="Create a book (editors)")
def create_book(body: BookIn, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> BookOut:
    try:
        book = actions.create_book(db, principal.user, body.organisation_id, body.name, body.book_type)
    except ActionError as exc:
        fail(exc)
    return book_out(db, principal, book)


@router.get("/books/{book_id}", response_model=BookDetail, summary="A book and its revisions")
def get_book(book_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> BookDetail:
    try:
        book = actions.get_book(db, principal.user, book_id)
    except ActionError as exc:
        fail(exc)
    out = book_out(db, principal, book)
    return BookDetail(**out.model_dump(), revisions=[revision_out(r) for r in actions.revisions_of(db, book)])


@router.post("/books/{book_id}/revisions", response_model=RevisionOut, status_code=201,
             summary="Upload a revision (.xlsx, .yaml, .yml, .json); its problems come back with it",
             responses={413: {"description": "file too large"}, 422: {"description": "not a records file"}})
async def upload_revision(
    book_id: int, request: Request, file: UploadFile = File(...), note: str = Form(""),
    principal: Principal = Depends(api_principal), db: Session = Depends(get_db),
) -> RevisionOut:
    try:
        book = actions.get_book(db, principal.user, book_id, write=True)
        filename, data = await read_upload(request, file)
        revision = actions.upload(db, principal.user, book, filename, data, note, request.app.state.settings.max_upload)
    except ActionError as exc:
        UPLOADS.labels("refused").inc()
        fail(exc)
    UPLOADS.labels("invalid" if revision.error_count else "ok").inc()
    return revision_out(revision)


@router.post("/validate", response_model=Checked, summary="Check a records file without keeping it")
async def validate(request: Request, file: UploadFile = File(...), principal: Principal = Depends(api_principal)) -> Checked:
    try:
        filename, data = await read_upload(request, file)
        checked = actions.check_upload(filename, data, request.app.state.settings.max_upload)
    except ActionError as exc:
        fail(exc)
    return Checked(book=checked.book, error_count=len(checked.errors), problems=problem_dicts(checked.problems))


@router.get("/revisions/{revision_id}", response_model=RevisionOut, summary="A revision and its problems")
def get_revision(revision_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> RevisionOut:
    try:
        return revision_out(actions.get_revision(db, principal.user, revision_id))
    except ActionError as exc:
        fail(exc)


@router.get("/revisions/{revision_id}/file", summary="The revision's file as uploaded", response_class=Response)
def revision_file(revision_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> Response:
    try:
        revision = actions.get_revision(db, principal.user, revision_id)
    except ActionError as exc:
        fail(exc)
    return attachment(revision.content, "application/octet-stream", revision.filename)


@router.get("/revisions/{revision_id}/workbook.xlsx", summary="The revision's records as a workbook",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
def revision_workbook(revision_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> Response:
    try:
        revision = actions.get_revision(db, principal.user, revision_id)
        try:
            blob = books.records_workbook(revision.filename, revision.content)
        except PlanbookError as exc:
            raise ActionError(422, "อ่านข้อมูลในไฟล์นี้ไม่ได้ จึงทำเป็นสมุดงานไม่ได้",
                              "the records in this file cannot be read, so there is no workbook of them",
                              problem_dicts(exc.problems)) from None
    except ActionError as exc:
        fail(exc)
    stem = revision.filename.rsplit(".", 1)[0]
    return attachment(blob, XLSX, f"{stem}-r{revision.number}.xlsx")


@router.post("/revisions/{revision_id}/builds", response_model=BuildOut, status_code=202,
             summary="Build the revision (a job); identical inputs return the earlier build at once (200)")
def build_revision(revision_id: int, request: Request, principal: Principal = Depends(api_principal),
                   db: Session = Depends(get_db)):
    try:
        revision = actions.get_revision(db, principal.user, revision_id, write=True)
        requested = actions.request_build(db, principal.user, revision, request.app.state.enqueue)
    except ActionError as exc:
        fail(exc)
    BUILDS_REQUESTED.labels("reused" if requested.reused else "queued").inc()
    out = build_out(db, requested.build, requested.reused)
    return JSONResponse(out.model_dump(mode="json"), status_code=200 if requested.reused else 202)


@router.get("/builds/{build_id}", response_model=BuildOut, summary="Poll a build job")
def get_build(build_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> BuildOut:
    try:
        return build_out(db, actions.get_build(db, principal.user, build_id))
    except ActionError as exc:
        fail(exc)


def _output(db: Session, principal: Principal, build_id: int, kind: str) -> Response:
    try:
        build = actions.get_build(db, principal.user, build_id)
    except ActionError as exc:
        fail(exc)
    if build.status != "done":
        fail(ActionError(409, "ยังสร้างเล่มไม่เสร็จ", f"the build is {build.status}, not done"))
    revision = build.revision
    stem = f"{revision.book.name}-r{revision.number}"
    if kind == "pdf":
        return attachment(build.pdf, "application/pdf", f"{stem}.pdf")
    return attachment(build.docx, DOCX, f"{stem}.docx")


@router.get("/builds/{build_id}/pdf", summary="The built PDF", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
def build_pdf(build_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> Response:
    return _output(db, principal, build_id, "pdf")


@router.get("/builds/{build_id}/docx", summary="The built DOCX", response_class=Response,
            responses={200: {"content": {DOCX: {}}}})
def build_docx(build_id: int, principal: Principal = Depends(api_principal), db: Session = Depends(get_db)) -> Response:
    return _output(db, principal, build_id, "docx")


@router.get("/builds/{build_id}/thumbnails/{page}.png", summary="A small PNG of one of the built PDF's first pages",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
def build_thumbnail(build_id: int, page: int, principal: Principal = Depends(api_principal),
                    db: Session = Depends(get_db)) -> Response:
    try:
        png = actions.get_thumbnail(db, principal.user, build_id, page)
    except ActionError as exc:
        fail(exc)
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})
