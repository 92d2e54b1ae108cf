"""What the API and the web pages both do: scoped look-ups, uploads, builds.

Every look-up takes the user and returns None for another organisation's
book, revision or build, exactly as for one that does not exist (→ 404).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import Problem
from . import books
from .models import WRITERS, Book, Build, Revision, Thumbnail, User, problem_dicts


class ActionError(Exception):
    """A refused request: HTTP status and a Thai and an English message (and problems, if any)."""

    def __init__(self, status: int, thai: str, english: str, problems: list[dict] | None = None):
        super().__init__(f"{thai} / {english}")
        self.status, self.thai, self.english, self.problems = status, thai, english, problems or []

    def detail(self) -> dict:
        return {"message": str(self), "thai": self.thai, "english": self.english, "problems": self.problems}


NOT_FOUND = ("ไม่พบรายการนี้", "not found")
READ_ONLY = ("บัญชีนี้ดูได้อย่างเดียว แก้ไขหรือสร้างเล่มไม่ได้", "this account may only read: it cannot upload or build")


def can_write(user: User, organisation_id: int) -> bool:
    return user.role_in(organisation_id) in WRITERS


def visible_books(db: Session, user: User) -> list[Book]:
    ids = user.organisation_ids
    if not ids:
        return []
    return list(db.scalars(select(Book).where(Book.organisation_id.in_(ids)).order_by(Book.organisation_id, Book.name)))


def get_book(db: Session, user: User, book_id: int, write: bool = False) -> Book:
    book = db.get(Book, book_id)
    if book is None or book.organisation_id not in user.organisation_ids:
        raise ActionError(404, *NOT_FOUND)
    if write and not can_write(user, book.organisation_id):
        raise ActionError(403, *READ_ONLY)
    return book


def get_revision(db: Session, user: User, revision_id: int, write: bool = False) -> Revision:
    revision = db.get(Revision, revision_id)
    if revision is None:
        raise ActionError(404, *NOT_FOUND)
    get_book(db, user, revision.book_id, write)
    return revision


def get_build(db: Session, user: User, build_id: int) -> Build:
    build = db.get(Build, build_id)
    if build is None:
        raise ActionError(404, *NOT_FOUND)
    get_revision(db, user, build.revision_id)
    return build


def create_book(db: Session, user: User, organisation_id: int, name: str, book_type: str) -> Book:
    if organisation_id not in user.organisation_ids:
        raise ActionError(404, *NOT_FOUND)
    if not can_write(user, organisation_id):
        raise ActionError(403, *READ_ONLY)
    types = books.book_types()
    if book_type not in types:
        raise ActionError(422, f"ไม่รู้จักประเภทเล่ม {book_type!r} (ใช้ได้: {', '.join(types)})",
                          f"unknown book type {book_type!r} (known: {', '.join(types)})")
    name = name.strip()
    if not name:
        raise ActionError(422, "ต้องตั้งชื่อเล่ม", "the book needs a name")
    if db.scalar(select(Book).where(Book.organisation_id == organisation_id, Book.name == name)):
        raise ActionError(409, f"มีเล่มชื่อ {name} อยู่แล้ว", f"there is already a book named {name}")
    book = Book(organisation_id=organisation_id, name=name, book_type=book_type)
    db.add(book)
    db.commit()
    return book


def check_upload(filename: str, data: bytes, max_upload: int) -> books.Checked:
    """Check an upload's size, type and content; raise ActionError for what cannot be kept at all."""
    if len(data) > max_upload:
        raise too_large(max_upload)
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in books.SUFFIXES:
        raise ActionError(
            422,
            f"ไฟล์ {books.safe_name(filename)} ไม่ใช่ไฟล์ข้อมูลแผน (ใช้ .xlsx, .yaml, .yml หรือ .json)",
            f"{books.safe_name(filename)} is not a records file (use .xlsx, .yaml, .yml or .json)",
        )
    if not data:
        raise ActionError(422, "ไฟล์ว่างเปล่า", "the file is empty")
    checked = books.check(filename, data)
    if checked.book is None and all(not p.where and not p.line for p in checked.errors):
        # nothing in it could be read (not a workbook, encrypted, a zip bomb, not UTF-8…)
        problems = checked.errors
        raise ActionError(422, " ".join(p.thai for p in problems), " ".join(p.english for p in problems),
                          problem_dicts(problems))
    return checked


def too_large(max_upload: int) -> ActionError:
    mb = max_upload / (1024 * 1024)
    return ActionError(413, f"ไฟล์ใหญ่เกินกำหนด (ไม่เกิน {mb:g} MB)", f"the file is larger than the limit ({mb:g} MB)")


def upload(db: Session, user: User, book: Book, filename: str, data: bytes, note: str, max_upload: int) -> Revision:
    """Keep an upload as the book's next revision, with the problems found in it."""
    checked = check_upload(filename, data, max_upload)
    problems = list(checked.problems)
    if checked.book is not None and checked.book != book.book_type:
        types = books.book_types()
        problems.insert(0, Problem(
            books.safe_name(filename), "book", None,
            f"ข้อมูลเป็น{types.get(checked.book, checked.book)} ({checked.book}) แต่เล่มนี้เป็น"
            f"{types.get(book.book_type, book.book_type)} ({book.book_type})",
            f"the records are of a {checked.book} book but this book is {book.book_type}",
        ))
    number = (db.scalar(select(func.max(Revision.number)).where(Revision.book_id == book.id)) or 0) + 1
    revision = Revision(
        book_id=book.id, number=number, filename=books.safe_name(filename), content=data, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), note=note.strip(), uploaded_by_id=user.id,
        records_book=checked.book, problems=problem_dicts(problems),
        error_count=sum(p.severity == "error" for p in problems),
        warning_count=sum(p.severity == "warning" for p in problems),
    )
    db.add(revision)
    db.commit()
    return revision


@dataclass
class Requested:
    build: Build
    reused: bool


def request_build(db: Session, user: User, revision: Revision, enqueue) -> Requested:
    """Queue a build of ``revision``, or return the earlier build of identical inputs in the same organisation."""
    get_book(db, user, revision.book_id, write=True)
    if revision.error_count:
        raise ActionError(409, "แก้ข้อผิดพลาดในไฟล์ก่อน จึงจะสร้างเล่มได้",
                          "fix the errors in the file before building", revision.problems)
    digest = books.input_hash(revision.filename, revision.content)
    earlier = db.scalar(
        select(Build).join(Revision).join(Book)
        .where(Build.input_hash == digest, Book.organisation_id == revision.book.organisation_id,
               Build.status.in_(("queued", "running", "done")))
        .order_by(Build.id.desc())
    )
    if earlier is not None:
        return Requested(earlier, True)
    build = Build(revision_id=revision.id, input_hash=digest, requested_by_id=user.id, status="queued")
    db.add(build)
    db.commit()
    enqueue(build.id)
    db.refresh(build)
    return Requested(build, False)


def latest_build(db: Session, revision_ids: list[int]) -> Build | None:
    if not revision_ids:
        return None
    return db.scalar(select(Build).where(Build.revision_id.in_(revision_ids)).order_by(Build.id.desc()))


def revisions_of(db: Session, book: Book) -> list[Revision]:
    return list(db.scalars(select(Revision).where(Revision.book_id == book.id).order_by(Revision.number.desc())))


def builds_of(db: Session, revision: Revision) -> list[Build]:
    return list(db.scalars(select(Build).where(Build.revision_id == revision.id).order_by(Build.id.desc())))


def queue_position(db: Session, build: Build) -> int | None:
    """Return how many queued builds are ahead of ``build`` plus one (None unless queued)."""
    if build.status != "queued":
        return None
    return (db.scalar(select(func.count()).select_from(Build).where(Build.status == "queued", Build.id < build.id)) or 0) + 1


def thumbnail_pages(db: Session, build: Build) -> list[int]:
    """Return the page numbers that ``build`` has a thumbnail of (none unless done)."""
    if build.status != "done":
        return []
    return list(db.scalars(select(Thumbnail.page).where(Thumbnail.build_id == build.id).order_by(Thumbnail.page)))


def get_thumbnail(db: Session, user: User, build_id: int, page: int) -> bytes:
    build = get_build(db, user, build_id)
    thumbnail = db.get(Thumbnail, (build.id, page))
    if thumbnail is None:
        raise ActionError(404, *NOT_FOUND)
    return thumbnail.png


def latest_done_build(db: Session, book: Book) -> Build | None:
    """Return the newest finished build of any revision of ``book`` (its pages are shown on the book's page)."""
    return db.scalar(select(Build).join(Revision).where(Revision.book_id == book.id, Build.status == "done")
                     .order_by(Build.id.desc()))
