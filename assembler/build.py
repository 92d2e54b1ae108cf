"""Build one book: records file → checks → Document → PDF and DOCX, written atomically."""
from __future__ import annotations

import dataclasses
import gc
import json
import os
import select
import signal
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .batch import FORMATS
from .checks import check
from .document import Document, Toc
from .errors import Problem, RenderError, ValidationFailed, simple
from .fonts import FontSet, find_fonts, project_root
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
    #: the DOCX was rendered in a child process while the PDF was laid out (its สารบัญ's page numbers
    #: guessed right from the book's last build), not after the PDF
    docx_in_child: bool = False


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


def toc_anchors(document: Document) -> set[str]:
    """Return the anchors whose page numbers the document's สารบัญ prints (what :func:`with_page_numbers` reads)."""
    return {e.anchor for section in document.sections for block in section.blocks if isinstance(block, Toc)
            for e in block.entries}


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

    The DOCX's สารบัญ prints the PDF's page numbers. With more than one
    process allowed and no other thread running, the DOCX is rendered in a
    forked child while the PDF is laid out, with the page numbers the book's
    last build found (kept in the cache); it is taken only if the layout
    gives the same numbers, else rendered here afterwards: the same bytes
    either way.
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
    wanted = toc_anchors(document)
    anchors = guessed = child = None
    if "docx" in formats:
        anchors = pieces.anchors_key(path, project_root(), chosen, document.thai_digits)
        guessed = _last_pages(cache, anchors, wanted)
    jobs = pieces.render_jobs() if render_jobs is None else render_jobs
    try:
        # (a process running threads, the service, does not fork)
        if guessed is not None and jobs > 1 and not other_threads():
            child = DocxChild.start(document, guessed, fonts)
        # the DOCX's สารบัญ takes its page numbers from the pieces' layout (or the cache's)
        book = pieces.lay_out(document, fonts, project_root(), cache, render_jobs).finish()
        result.pages = book.page_count
        pages = {a: book.anchor_pages[a] for a in wanted}
        if child is not None and child.guessed != pages:
            child.stop()  # its numbers are wrong: the merge gets its core
        blobs: dict[str, bytes] = {}
        if "pdf" in formats:
            blobs["pdf"] = book.pdf()
        if "docx" in formats:
            docx = child.take() if child is not None else None
            result.docx_in_child = docx is not None
            if docx is None:
                from .render.docx import render_docx

                docx = render_docx(with_page_numbers(document, book.anchor_pages), fonts)
            blobs["docx"] = docx
    finally:
        if child is not None:
            child.stop()
    if thai.memo_size() > known:
        cache.put(words, Entry(json.dumps(thai.memo_state(), ensure_ascii=False).encode(), {"kind": "words"}))
    if anchors is not None and pages != guessed:
        cache.put(anchors, Entry(json.dumps(pages, sort_keys=True).encode(), {"kind": "anchors"}))
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


def other_threads() -> int:
    """Return how many threads run besides this one (a process running others does not fork)."""
    return threading.active_count() - 1


def _last_pages(cache: "RenderCache", key: str, wanted: set[str]) -> dict[str, int] | None:
    """Return the page numbers of the ``wanted`` anchors the book's last build kept in the cache (None: unknown)."""
    entry = cache.get(key)
    if entry is None:
        return None
    try:
        pages = json.loads(entry.pdf)
    except ValueError:
        return None
    if not isinstance(pages, dict) or pages.keys() != wanted or not all(type(p) is int for p in pages.values()):
        return None
    return pages


class DocxChild:
    """A DOCX rendered in a forked child process, with page numbers guessed before the layout gives them.

    The child writes the DOCX and the word cuts it asked for (this process
    keeps them for the book, see thai.memo_state) to an unnamed temporary
    file and ends without running exit handlers; it prints nothing, and its
    failure only means the DOCX is rendered here.
    """

    #: how long the child is waited for once this process is done with the PDF (then it is killed:
    #: stuck, it holds a lock it copied held)
    PATIENCE = 60.0

    def __init__(self, pid: int, out, guessed: dict[str, int]):
        self.pid: int | None = pid
        self.out = out
        self.guessed = guessed

    @classmethod
    def start(cls, document: Document, guessed: dict[str, int], fonts: FontSet) -> "DocxChild | None":
        """Fork the child (None: it could not be started)."""
        try:
            out = tempfile.TemporaryFile()  # no name: nothing to remove, whoever is killed
        except OSError:
            return None
        try:
            pid = os.fork()
        except OSError:
            out.close()
            return None
        if pid:
            return cls(pid, out, guessed)
        code = 1
        try:
            gc.freeze()  # what it inherits is never walked by its collections (nor copied for them)
            thai.start_recording()  # (its own answers only)
            from .render.docx import render_docx

            docx = render_docx(with_page_numbers(document, guessed), fonts)
            words = json.dumps(thai.memo_state(), ensure_ascii=False).encode()
            data = memoryview(b"".join([len(docx).to_bytes(8, "big"), len(words).to_bytes(8, "big"), docx, words]))
            while data:
                data = data[os.write(out.fileno(), data):]
            code = 0
        finally:
            os._exit(code)

    def take(self) -> bytes | None:
        """Wait for the child; return its DOCX (None: it failed), keeping its word cuts."""
        if self.pid is None or not self._ended(self.PATIENCE):
            return None
        try:
            _, status = os.waitpid(self.pid, 0)
            done = os.waitstatus_to_exitcode(status) == 0
        except ChildProcessError:  # reaped by someone else (SIGCHLD ignored): the file's length tells
            done = True
        self.pid = None
        if not done:
            return None
        self.out.seek(0)
        blob = self.out.read()
        size, words = int.from_bytes(blob[:8], "big"), int.from_bytes(blob[8:16], "big")
        if len(blob) < 16 or len(blob) != 16 + size + words:
            return None
        try:
            thai.remember(json.loads(blob[16 + size:]), asked=True)
        except ValueError:
            return None
        return blob[16:16 + size]

    def _ended(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the child to end; return whether it did (or cannot be watched)."""
        try:
            watch = os.pidfd_open(self.pid)
        except (AttributeError, OSError):  # not Linux (waitpid waits), or reaped already
            return True
        try:
            return bool(select.select([watch], [], [], timeout)[0])
        finally:
            os.close(watch)

    def stop(self) -> None:
        """End the child if it still runs (its result unwanted), reap it, close its file."""
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.pid = None
        self.out.close()


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
