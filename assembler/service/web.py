"""The Thai web pages: plain server-rendered forms (Jinja2), no script needed.

A page asked for without a session goes to /login. Every form that changes
something carries the session's CSRF token (``csrf_token``).
"""
from __future__ import annotations

import secrets
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from . import actions, books
from .actions import ActionError
from .auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, authenticate, find_token, new_token, same
from .deps import CSRF_MISSING, Principal, get_db, principal_of
from .metrics import BUILDS_REQUESTED, UPLOADS
from .thaidate import thai_datetime

router = APIRouter(include_in_schema=False)

templates = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(["html"]),
)
templates.filters["thaidate"] = thai_datetime

STATUS_THAI = {"queued": "รอคิว", "running": "กำลังสร้าง", "done": "เสร็จแล้ว", "failed": "ไม่สำเร็จ"}
ROLE_THAI = {"editor": "ผู้แก้ไข", "viewer": "ผู้อ่าน", "reviewer": "ผู้ตรวจ"}
SEVERITY_THAI = {"error": "ข้อผิดพลาด", "warning": "คำเตือน", "notice": "หมายเหตุ"}
templates.globals.update(STATUS_THAI=STATUS_THAI, ROLE_THAI=ROLE_THAI, SEVERITY_THAI=SEVERITY_THAI)


class LoginRequired(Exception):
    pass


def render(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    html = templates.get_template(name).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code)


def error_page(request: Request, error: ActionError, principal: Principal | None = None) -> str:
    return templates.get_template("error.html").render(request=request, error=error, principal=principal)


def page_principal(request: Request, db: Session = Depends(get_db)) -> Principal:
    principal = principal_of(request, db)
    if principal is None or principal.kind != "session":
        raise LoginRequired()
    return principal


def check_csrf(principal: Principal, token: str) -> None:
    if not same(token, principal.csrf):
        raise CSRF_MISSING


def install(app) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(ActionError)
    async def _refused(request: Request, exc: ActionError):
        return HTMLResponse(error_page(request, exc), status_code=exc.status)


# ------------------------------------------------------------------ fonts, log in and out


@router.get("/fonts/{weight}.ttf")
def font(weight: str) -> FileResponse:
    """The book's Thai font, so that the pages read the same on a PC without one."""
    files = books.font_files()
    if weight not in files:
        raise ActionError(404, "ไม่พบรายการนี้", "not found")
    return FileResponse(files[weight], media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"})



@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", csrf_token=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", path="/login")
    return response


@router.post("/login")
def login(request: Request, username: str = Form(""), password: str = Form(""), csrf_token: str = Form(""),
          db: Session = Depends(get_db)):
    if not same(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CSRF_MISSING
    user = authenticate(db, username, password)
    if user is None:
        token = secrets.token_urlsafe(24)
        response = render(request, "login.html", 401, csrf_token=token, username=username,
                          error="ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", path="/login")
        return response
    secret, _ = new_token(db, user, "session")
    db.commit()
    response = RedirectResponse("/", status_code=303)
    from .api import set_session_cookie

    set_session_cookie(request, response, secret)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, csrf_token: str = Form(""), principal: Principal = Depends(page_principal),
           db: Session = Depends(get_db)):
    check_csrf(principal, csrf_token)
    row = find_token(db, request.cookies.get(SESSION_COOKIE), "session")
    if row is not None:
        db.delete(row)
        db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ------------------------------------------------------------------ pages


@router.get("/")
def home(request: Request, principal: Principal = Depends(page_principal), db: Session = Depends(get_db)):
    rows = []
    for book in actions.visible_books(db, principal.user):
        revisions = actions.revisions_of(db, book)
        rows.append((book, revisions[0] if revisions else None, actions.latest_build(db, [r.id for r in revisions])))
    editable = [m for m in principal.user.memberships if m.role == "editor"]
    return render(request, "books.html", principal=principal, rows=rows, book_types=books.book_types(),
                  editable=editable)


@router.post("/books")
def create_book(request: Request, organisation_id: int = Form(...), name: str = Form(""), book_type: str = Form(""),
                csrf_token: str = Form(""), principal: Principal = Depends(page_principal),
                db: Session = Depends(get_db)):
    check_csrf(principal, csrf_token)
    book = actions.create_book(db, principal.user, organisation_id, name, book_type)
    return RedirectResponse(f"/books/{book.id}", status_code=303)


def book_page(request: Request, db: Session, principal: Principal, book, status_code: int = 200,
              error: ActionError | None = None) -> HTMLResponse:
    revisions = actions.revisions_of(db, book)
    latest = {r.id: actions.latest_build(db, [r.id]) for r in revisions}
    shown = actions.latest_done_build(db, book)
    return render(request, "book.html", status_code, principal=principal, book=book, revisions=revisions,
                  latest=latest, can_edit=actions.can_write(principal.user, book.organisation_id), error=error,
                  book_types=books.book_types(), shown=shown,
                  thumbnails=actions.thumbnail_pages(db, shown) if shown else [])


@router.get("/books/{book_id}")
def book(book_id: int, request: Request, principal: Principal = Depends(page_principal), db: Session = Depends(get_db)):
    return book_page(request, db, principal, actions.get_book(db, principal.user, book_id))


@router.post("/books/{book_id}/upload")
async def upload(book_id: int, request: Request, file: UploadFile = File(...), note: str = Form(""),
                 csrf_token: str = Form(""), principal: Principal = Depends(page_principal),
                 db: Session = Depends(get_db)):
    check_csrf(principal, csrf_token)
    book = actions.get_book(db, principal.user, book_id, write=True)
    limit = request.app.state.settings.max_upload
    data = await file.read(limit + 1)
    try:
        revision = actions.upload(db, principal.user, book, file.filename or "upload", data, note, limit)
    except ActionError as exc:
        UPLOADS.labels("refused").inc()
        return book_page(request, db, principal, book, exc.status, exc)
    UPLOADS.labels("invalid" if revision.error_count else "ok").inc()
    return RedirectResponse(f"/revisions/{revision.id}", status_code=303)


@router.get("/revisions/{revision_id}")
def revision(revision_id: int, request: Request, principal: Principal = Depends(page_principal),
             db: Session = Depends(get_db)):
    revision = actions.get_revision(db, principal.user, revision_id)
    builds = actions.builds_of(db, revision)
    waiting = any(b.status in ("queued", "running") for b in builds)
    positions = {b.id: actions.queue_position(db, b) for b in builds}
    return render(request, "revision.html", principal=principal, revision=revision, book=revision.book, builds=builds,
                  waiting=waiting, positions=positions,
                  can_edit=actions.can_write(principal.user, revision.book.organisation_id))


@router.post("/revisions/{revision_id}/build")
def build(revision_id: int, request: Request, csrf_token: str = Form(""), principal: Principal = Depends(page_principal),
          db: Session = Depends(get_db)):
    check_csrf(principal, csrf_token)
    revision = actions.get_revision(db, principal.user, revision_id, write=True)
    requested = actions.request_build(db, principal.user, revision, request.app.state.enqueue)
    BUILDS_REQUESTED.labels("reused" if requested.reused else "queued").inc()
    return RedirectResponse(f"/revisions/{requested.build.revision_id}", status_code=303)
