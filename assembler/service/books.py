"""The service's one adapter to the rest of planbook.

Everything the service needs from loading, the checks, the build, the
workbook writer and the book-type registry (assembler/books) goes through
here, so that only this module changes when those do.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..errors import PlanbookError, Problem

#: The suffixes an upload may have (the CLI's records files).
SUFFIXES = (".xlsx", ".yaml", ".yml", ".json")

def book_types() -> dict[str, str]:
    """Return the known book types, each with its Thai name (the registry's)."""
    from ..books import BOOKS

    return {name: book.title for name, book in BOOKS.items()}


def safe_name(filename: str) -> str:
    """Return an upload's base name, safe to use as a file name (no folders, no control characters)."""
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f/]", "_", name).strip() or "upload"
    return name[-120:]


@dataclass
class Checked:
    """Records read from an upload: the book type and every problem (errors stop a build)."""

    book: str | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def _with_file(filename: str, data: bytes, action):
    """Run ``action(path)`` on ``data`` written to a temporary file named like the upload."""
    with tempfile.TemporaryDirectory(prefix="planbook-") as tmp:
        path = Path(tmp) / safe_name(filename)
        path.write_bytes(data)
        return action(path, Path(tmp))


def _named(problems: list[Problem], filename: str) -> list[Problem]:
    """Return ``problems`` naming the uploaded file rather than its temporary copy."""
    from dataclasses import replace

    name = safe_name(filename)
    return [replace(p, file=name) for p in problems]


def check(filename: str, data: bytes) -> Checked:
    """Read and check uploaded records; input errors come back as problems, never raised."""
    from ..checks import check as check_records
    from ..loading import load

    def action(path: Path, _tmp: Path) -> Checked:
        try:
            plan, located = load(path)
        except PlanbookError as exc:
            return Checked(None, _named(exc.problems, filename))
        return Checked(plan.book, _named(check_records(plan, located), filename))

    return _with_file(filename, data, action)


@dataclass
class Built:
    pdf: bytes
    docx: bytes
    pages: int
    warnings: list[Problem]


def build(filename: str, data: bytes) -> Built:
    """Build the uploaded records into a PDF and a DOCX (raises PlanbookError on bad input)."""
    from ..build import build as build_book

    def action(path: Path, tmp: Path) -> Built:
        out = tmp / "out"
        try:
            # one process per build: the worker's time limit and memory cap hold for all of it
            result = build_book(path, out, ("pdf", "docx"), render_jobs=1)
        except PlanbookError as exc:
            raise type(exc)(_named(exc.problems, filename)) from None
        blobs = {p.suffix: p.read_bytes() for p in result.outputs}
        return Built(blobs[".pdf"], blobs[".docx"], result.pages, _named(result.warnings, filename))

    return _with_file(filename, data, action)


def prepare() -> None:
    """Load what a build needs (a worker process does this once, before its memory is capped)."""
    import openpyxl  # noqa: F401  (an uploaded workbook)
    import pikepdf  # noqa: F401  (the pieces merged)

    from .. import build  # noqa: F401
    from ..render import docx, pdf, pieces  # noqa: F401  (WeasyPrint: imported by a build)


#: how many first pages get a thumbnail, and its width in pixels
THUMBNAIL_PAGES = 3
THUMBNAIL_WIDTH = 200


def thumbnails(pdf: bytes, pages: int = THUMBNAIL_PAGES, width: int = THUMBNAIL_WIDTH) -> list[bytes]:
    """Return PNGs of the first ``pages`` pages of ``pdf``, ``width`` pixels wide (poppler's pdftoppm)."""
    import subprocess

    with tempfile.TemporaryDirectory(prefix="planbook-thumbs-") as tmp:
        source = Path(tmp) / "book.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", str(pages), "-scale-to-x", str(width),
                        "-scale-to-y", "-1", str(source), str(Path(tmp) / "page")],
                       check=True, capture_output=True, timeout=120)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("page-*.png"))]


def blank_workbook(book: str) -> bytes:
    """Return a blank workbook for ``book`` (a key of book_types())."""
    from ..workbook.writer import blank_workbook as blank

    return blank(book)


def records_workbook(filename: str, data: bytes) -> bytes:
    """Return the uploaded records as a workbook (raises PlanbookError when they cannot be read)."""
    from ..loading import load
    from ..workbook.writer import workbook_from

    def action(path: Path, _tmp: Path) -> bytes:
        try:
            plan, _ = load(path)
        except PlanbookError as exc:
            raise type(exc)(_named(exc.problems, filename)) from None
        return workbook_from(plan)

    return _with_file(filename, data, action)


@lru_cache(maxsize=1)
def environment() -> str:
    """Return the digest of everything besides the records that shapes a book (templates, fonts, code)."""
    from ..batch import environment_digest

    return environment_digest()


def input_hash(filename: str, data: bytes, options: str = "pdf,docx") -> str:
    """Return the hash of a build's inputs: records, the kind of file, options, planbook version and environment."""
    digest = hashlib.sha256()
    for part in (__version__, environment(), options, Path(safe_name(filename)).suffix.lower()):
        digest.update(part.encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def version() -> str:
    return __version__


def fonts_found() -> str:
    """Return the fonts the books are set in (raises PlanbookError when they are missing)."""
    from ..fonts import find_fonts

    fonts = find_fonts()
    return f"{fonts.regular.name}, {fonts.bold.name}"


def font_files() -> dict[str, Path]:
    """Return the book fonts' regular and bold files (the web page uses them too: old PCs may lack a Thai font)."""
    from ..fonts import find_fonts

    fonts = find_fonts()
    return {"regular": fonts.regular, "bold": fonts.bold}
