"""Build one book: records file → checks → Document → PDF and DOCX, written atomically."""
from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .batch import FORMATS
from .checks import check
from .document import Document, Toc
from .errors import Problem, RenderError, ValidationFailed, simple
from .fonts import find_fonts, project_root
from .books import BOOKS
from .loading import load
from . import thai
from .render.cache import Entry
from .thai import Numerals
from .view import build_document, present_parts
from .view.common import choose_parts

if TYPE_CHECKING:
    from .render.cache import RenderCache


@dataclass
class BuildResult:
    """What one build wrote and what it warned about."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    pages: int = 0
    #: sha256 of the records file's bytes the book was built from
    digest: str = ""


def validate(path: Path) -> list[Problem]:
    """Return the consistency problems of a records file (raises InputError on bad input)."""
    plan, located = load(path)
    return check(plan, located)


def with_page_numbers(document: Document, anchor_pages: dict[str, int]) -> Document:
    """Return ``document`` with its TOC entries' pages filled in from a layout."""
    num = Numerals(document.thai_digits)
    sections = []
    for section in document.sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, Toc):
                entries = tuple(
                    dataclasses.replace(e, page=num.digits(anchor_pages[e.anchor])) for e in block.entries
                )
                block = dataclasses.replace(block, entries=entries)
            blocks.append(block)
        sections.append(dataclasses.replace(section, blocks=tuple(blocks)))
    return dataclasses.replace(document, sections=tuple(sections))


def build(
    path: Path,
    out_dir: Path,
    formats: tuple[str, ...] = FORMATS,
    thai_digits: bool | None = None,
    strict: bool = False,
    parts: tuple[str, ...] = (),
    render_jobs: int | None = None,
    cache: "RenderCache | None" = None,
) -> BuildResult:
    """Build the book in ``path`` into ``out_dir``; nothing is written unless all succeed.

    ``parts`` (names from ``planbook parts``) builds an extract of those parts
    only, written as ``DIR/<stem>-<part>….pdf`` beside the whole book.
    The PDF is laid out piece by piece (render/pieces.py) in ``render_jobs``
    processes (None: as many as there are cores), with the pieces kept in
    ``cache`` (None: the default render cache, render/cache.py).
    """
    from .render import pieces
    from .render.cache import default_cache

    plan, located = load(path)
    chosen = chosen_parts(path, plan.book, parts) if parts else None
    result = BuildResult(path, warnings=check(plan, located), digest=located.digest)
    failing = [p for p in result.warnings if p.severity == "warning"]
    if strict and failing:
        raise ValidationFailed([dataclasses.replace(p, severity="error") for p in failing])
    fonts = find_fonts()
    if chosen is not None and not set(chosen) & set(present_parts(plan)):
        raise simple(
            path,
            f"ข้อมูลไม่มีส่วนที่เลือก ({', '.join(parts)}) จึงไม่มีอะไรให้สร้าง",
            f"the records hold none of the chosen parts ({', '.join(parts)}): there is nothing to build",
        )
    cache = default_cache() if cache is None else cache
    words = pieces.words_key(path, project_root())
    known = _remember_words(cache, words)
    thai.start_recording()
    document = build_document(plan, thai_digits, chosen)
    # the DOCX's สารบัญ takes its page numbers from the pieces' layout (or the cache's)
    book = pieces.lay_out(document, fonts, project_root(), cache, render_jobs).finish()
    result.pages = book.page_count
    blobs: dict[str, bytes] = {}
    if "pdf" in formats:
        blobs["pdf"] = book.pdf()
    if "docx" in formats:
        from .render.docx import render_docx

        blobs["docx"] = render_docx(with_page_numbers(document, book.anchor_pages), fonts)
    if thai.memo_size() > known:
        cache.put(words, Entry(json.dumps(thai.memo_state(), ensure_ascii=False).encode(), {"kind": "words"}))
    if cache.misses:  # something was added: keep the folder under its limit
        cache.prune()
    stem = path.stem if chosen is None else "-".join((path.stem, *chosen))
    targets = {fmt: out_dir / f"{stem}.{fmt}" for fmt in blobs}
    write_all(targets, blobs)
    result.outputs = [targets[f] for f in formats if f in targets]
    return result


def _remember_words(cache: "RenderCache", key: str) -> int:
    """Take the word cuts an earlier build of the book kept in the cache.

    Return how many answers are known now, or -1 when the cache had none.
    """
    entry = cache.get(key)
    if entry is None:
        return -1
    try:
        thai.remember(json.loads(entry.pdf))
    except ValueError:
        return -1
    return thai.memo_size()


def chosen_parts(path: Path, book: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """Return the keys of the parts ``names`` choose in a ``book``; an unknown name is an input error."""
    try:
        return choose_parts(BOOKS[book].parts, names)
    except KeyError as exc:
        known = ", ".join(f"{p.key} ({p.thai})" for p in BOOKS[book].parts)
        thai = {p.key: p.thai for b in BOOKS.values() for p in b.parts}
        name = f"{exc.args[0]} ({thai[exc.args[0]]})" if exc.args[0] in thai else exc.args[0]
        raise simple(
            path,
            f"เล่มประเภท {book} ไม่มีส่วน {name} (มี: {known}; ดู planbook parts {book})",
            f"a book of type {book} has no part {name} (it has: {known}; see planbook parts {book})",
        ) from None


#: temporary outputs: short (a long output name still fits), naming the process that writes them
TEMP_PREFIX = ".planbook-"
TEMP_SUFFIX = ".part"


def write_all(targets: dict[str, Path], blobs: dict[str, bytes]) -> None:
    """Write every blob to a temporary file beside its target, then rename them all.

    A reader never sees a half-written file, and a failure before the renames
    leaves every earlier output as it was and no temporary file. Temporary
    files of writers that were killed are removed by the next write there.
    """
    temps: dict[str, Path] = {}
    target = None
    try:
        for fmt, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            sweep_temporary_files(target.parent)
            fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=target.parent)
            temps[fmt] = Path(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(blobs[fmt])
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(name, 0o644)
        for fmt, target in targets.items():
            os.replace(temps[fmt], target)
            del temps[fmt]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RenderError(
            Problem(str(target), "", None, f"เขียนไฟล์ไม่ได้ ({reason})", f"cannot write the file ({reason})")
        ) from None
    finally:
        for temp in temps.values():
            try:
                temp.unlink(missing_ok=True)
            except OSError:
                pass


def sweep_temporary_files(folder: Path) -> None:
    """Remove the temporary outputs in ``folder`` left by planbook processes no longer running."""
    try:
        names = [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX) and p.name.endswith(TEMP_SUFFIX)]
    except OSError:
        return
    for path in names:
        pid = path.name[len(TEMP_PREFIX):].partition("-")[0]
        if pid.isdigit() and not process_running(int(pid)):
            try:
                path.unlink()
            except OSError:
                pass


def process_running(pid: int) -> bool:
    """Return whether the process ``pid`` is running (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True
