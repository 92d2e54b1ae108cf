"""Build many books at once: collect records files, skip the unchanged, build the rest in worker processes.

A book is *unchanged* when its fingerprint (the records file's bytes, every
file under templates/ and fonts/, planbook's own source and version, and the
build options) matches the one recorded in the output folder's manifest
(``DIR/.planbook-manifest.json``) at its last successful build there, and
every output it wrote then is still there with the same bytes. Deciding that
reads a few small files and imports nothing heavy: WeasyPrint, python-docx
and the records models are imported only when a book must be built.

``watch`` keeps a folder's books up to date as their records files are saved.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import __version__
from .errors import EXIT_OK, InputError, PlanbookError, Problem, simple
from .fonts import project_root

#: Output formats (here, not in build.py, so the fast path does not import the renderers).
FORMATS = ("docx", "pdf")
#: What a folder contributes to a build.
RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
MANIFEST = ".planbook-manifest.json"
MANIFEST_VERSION = 1
EXIT_INTERNAL = 3

BUILT, UNCHANGED, FAILED = "built", "unchanged", "failed"


# --------------------------------------------------------------------------- inputs


def _hidden(relative: Path) -> bool:
    """Hidden files and folders, and the ~$name.xlsx lock files Excel leaves beside open workbooks."""
    return any(part.startswith(".") for part in relative.parts) or relative.name.startswith("~$")


def is_records_file(path: Path, folder: Path | None = None) -> bool:
    """Return whether ``path`` is a records file a folder build picks up (not hidden, right suffix)."""
    if path.suffix.lower() not in RECORD_SUFFIXES:
        return False
    if folder is not None:
        try:
            relative = path.relative_to(folder)
        except ValueError:
            relative = Path(path.name)
    else:
        relative = Path(path.name)
    return not _hidden(relative)


def records_in(folder: Path) -> list[Path]:
    """Return every records file under ``folder``, recursively, sorted, skipping hidden files and folders."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(top) / name
            if not _hidden(Path(name)) and path.suffix.lower() in RECORD_SUFFIXES and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def collect(arguments: Iterable[Path], allow_empty: bool = False) -> list[Path]:
    """Return the records files named by ``arguments`` (files, or folders searched recursively).

    A file named twice is built once. Raise InputError (exit 2) when a folder
    holds no records file or when two files would write the same outputs
    (same stem).
    """
    sources: list[Path] = []
    seen: set[Path] = set()
    for argument in arguments:
        if argument.is_dir():
            found = records_in(argument)
            if not found and not allow_empty:
                raise simple(
                    argument,
                    "ไม่พบไฟล์ข้อมูลแผน (.yaml, .yml, .json, .xlsx) ในโฟลเดอร์นี้",
                    "no records files (.yaml, .yml, .json, .xlsx) in this folder",
                )
        else:
            found = [argument]
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                sources.append(path)
    check_stems(sources)
    return sources


def check_stems(sources: list[Path]) -> None:
    """Raise InputError when two sources would be built to the same DIR/<stem>.docx|pdf."""
    by_stem: dict[str, list[Path]] = {}
    for path in sources:
        by_stem.setdefault(path.stem, []).append(path)
    problems = []
    for stem, paths in by_stem.items():
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(str(p) for p in paths if p is not path)
                problems.append(
                    Problem(
                        str(path),
                        "",
                        None,
                        f"ชื่อไฟล์ซ้ำกับ {others}: ทั้งสองจะเขียนเล่ม {stem}.docx/{stem}.pdf ทับกัน (เปลี่ยนชื่อไฟล์ใดไฟล์หนึ่ง)",
                        f"same name as {others}: both would be built to {stem}.docx/{stem}.pdf (rename one of them)",
                    )
                )
    if problems:
        raise InputError(problems)


# --------------------------------------------------------------------------- fingerprints


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_under(folder: Path) -> list[Path]:
    out = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        out.extend(Path(top) / name for name in files if not name.endswith((".pyc", ".pyo")))
    return sorted(out)


def environment_digest(root: Path | None = None) -> str:
    """Return the sha256 of everything besides the records that shapes a book.

    That is every file under templates/ and fonts/ (names and bytes), planbook's
    own Python source and its version. Computed once per run.
    """
    root = root or project_root()
    digest = hashlib.sha256(f"planbook {__version__}\n".encode())
    folders = [(f"{name}/", root / name) for name in ("templates", "fonts")]
    folders.append(("assembler/", Path(__file__).resolve().parent))
    for label, folder in folders:
        for path in _files_under(folder):
            name = label + path.relative_to(folder).as_posix()
            try:
                blob = _sha256_file(path)
            except OSError:
                blob = "unreadable"
            digest.update(f"{name}\0{blob}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Options:
    """The build options that shape a book's outputs."""

    formats: tuple[str, ...] = FORMATS
    thai_digits: bool | None = None
    strict: bool = False
    #: part names (``--parts``): build extracts of these parts only
    parts: tuple[str, ...] = ()

    def key(self) -> str:
        key = {"formats": sorted(set(self.formats)), "thai_digits": self.thai_digits, "strict": self.strict}
        if self.parts:
            key["parts"] = list(self.parts)
        return json.dumps(key, sort_keys=True)


def fingerprint(source: Path, environment: str, options: Options) -> str | None:
    """Return the input fingerprint of one book, or None when its records file cannot be read."""
    try:
        records = _sha256_file(source)
    except OSError:
        return None
    return combine(environment, options, records)


def combine(environment: str, options: Options, records: str) -> str:
    """Return the fingerprint of a book from the sha256 of its records file's bytes."""
    text = f"{environment}\n{options.key()}\n{records}\n"
    return hashlib.sha256(text.encode()).hexdigest()


# --------------------------------------------------------------------------- manifest


class Manifest:
    """``DIR/.planbook-manifest.json``: per source, its fingerprint and the hashes of the outputs it wrote."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        self.books: dict[str, dict] = self._read()
        self._changed: dict[str, dict] = {}

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("books"), dict):
            return {}
        return data["books"]

    @staticmethod
    def key(source: Path, parts: tuple[str, ...] = ()) -> str:
        """Return a book's entry name: its records file, and the parts of an extract (``--parts``)."""
        return str(source.resolve()) + ("#" + ",".join(parts) if parts else "")

    def current(self, source: Path, fp: str | None, parts: tuple[str, ...] = ()) -> dict | None:
        """Return the recorded entry of ``source`` if it is up to date (same fingerprint, outputs intact)."""
        if fp is None:
            return None
        entry = self.books.get(self.key(source, parts))
        if not isinstance(entry, dict) or entry.get("fingerprint") != fp:
            return None
        outputs = entry.get("outputs")
        if not isinstance(outputs, dict) or not outputs:
            return None
        for name, digest in outputs.items():
            target = self.path.parent / name
            try:
                if not target.is_file() or _sha256_file(target) != digest:
                    return None
            except OSError:
                return None
        return entry

    def record(self, source: Path, fp: str, outputs: dict[str, str], warnings: list[Problem], parts: tuple[str, ...] = ()) -> None:
        entry = {
            "fingerprint": fp,
            "outputs": outputs,
            "warnings": [dataclasses.asdict(w) for w in warnings],
        }
        self.books[self.key(source, parts)] = entry
        self._changed[self.key(source, parts)] = entry

    def save(self) -> None:
        """Write the manifest atomically, merged with what another run may have written meanwhile."""
        if not self._changed:
            return
        books = self._read()
        books.update(self._changed)
        text = json.dumps({"version": MANIFEST_VERSION, "books": books}, ensure_ascii=False, indent=1, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f"{MANIFEST}.", suffix=".part", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(name, 0o644)
            os.replace(name, self.path)
        finally:
            if os.path.exists(name):
                os.unlink(name)
        self._changed.clear()


# --------------------------------------------------------------------------- building


@dataclass
class Outcome:
    """What became of one book in a batch."""

    source: Path
    status: str  # built, unchanged or failed
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)  # output file name → sha256
    pages: int = 0
    warnings: list[Problem] = field(default_factory=list)
    error: str = ""  # the problems that stopped the build, formatted
    exit_code: int = EXIT_OK
    #: sha256 of the records file's bytes the build read (what the outputs were made from)
    digest: str = ""


def build_book(source: Path, out_dir: Path, options: Options) -> Outcome:
    """Build one book (in a worker process or in-process) and return its outcome; never raises for a bad book."""
    started = time.perf_counter()
    try:
        from .build import build

        result = build(source, out_dir, options.formats, options.thai_digits, options.strict, parts=options.parts)
        hashes = {p.name: _sha256_file(p) for p in result.outputs}
    except PlanbookError as exc:
        return Outcome(source, FAILED, time.perf_counter() - started, error=str(exc), exit_code=exc.exit_code)
    except Exception as exc:  # a bug: that book fails, the others go on
        error = f"ข้อผิดพลาดภายในโปรแกรม / internal error: {type(exc).__name__}: {exc} (PLANBOOK_DEBUG=1 shows details)"
        if os.environ.get("PLANBOOK_DEBUG"):
            error = traceback.format_exc() + error
        return Outcome(source, FAILED, time.perf_counter() - started, error=error, exit_code=EXIT_INTERNAL)
    return Outcome(
        source,
        BUILT,
        time.perf_counter() - started,
        outputs=list(result.outputs),
        hashes=hashes,
        pages=result.pages,
        warnings=list(result.warnings),
        digest=result.digest,
    )


def run_batch(
    sources: list[Path],
    out_dir: Path,
    options: Options,
    *,
    jobs: int = 1,
    force: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    environment: str | None = None,
) -> list[Outcome]:
    """Bring the books of ``sources`` up to date in ``out_dir``; return their outcomes in source order.

    ``jobs`` > 1 builds in that many worker processes; 1 builds in this process.
    ``on_outcome`` is called as each book is decided (unchanged) or finished.
    """
    report = on_outcome or (lambda outcome: None)
    environment = environment or environment_digest()
    manifest = Manifest(out_dir)
    outcomes: dict[int, Outcome] = {}
    todo: list[tuple[int, Path]] = []
    for index, source in enumerate(sources):
        fp = fingerprint(source, environment, options)
        entry = None if force else manifest.current(source, fp, options.parts)
        if entry is None:
            todo.append((index, source))
            continue
        warnings = []
        for saved in entry.get("warnings", []):
            try:
                warnings.append(Problem(**{**saved, "file": str(source)}))
            except TypeError:
                pass
        outputs = [out_dir / name for name in entry["outputs"]]
        outcomes[index] = Outcome(source, UNCHANGED, outputs=outputs, hashes=dict(entry["outputs"]), warnings=warnings)
        report(outcomes[index])

    def finish(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        # record the bytes the build read (the file may have been saved again meanwhile: then the
        # next run finds a different fingerprint and builds again)
        if outcome.status == BUILT and outcome.digest:
            built = combine(environment, options, outcome.digest)
            manifest.record(outcome.source, built, outcome.hashes, outcome.warnings, options.parts)
            try:
                manifest.save()
            except OSError as exc:
                reason = exc.strerror or str(exc)
                print(f"{manifest.path}: บันทึกไม่ได้ ({reason}) / cannot write the file ({reason})", file=sys.stderr)
        report(outcome)

    if jobs <= 1 or len(todo) <= 1:
        for index, source in todo:
            finish(index, build_book(source, out_dir, options))
    else:
        import multiprocessing

        # spawn: a worker never inherits this process's threads (progress display, watcher)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context) as pool:
            futures = {pool.submit(build_book, source, out_dir, options): (index, source) for index, source in todo}
            try:
                for future in as_completed(futures):
                    index, source = futures[future]
                    try:
                        outcome = future.result()
                    except Exception as exc:  # the worker died (out of memory, killed…)
                        outcome = Outcome(
                            source,
                            FAILED,
                            error=f"ข้อผิดพลาดภายในโปรแกรม / internal error: {type(exc).__name__}: {exc}",
                            exit_code=EXIT_INTERNAL,
                        )
                    finish(index, outcome)
            except KeyboardInterrupt:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    return [outcomes[i] for i in range(len(sources))]


def exit_code(outcomes: Iterable[Outcome]) -> int:
    """Return the highest exit code of the failed books (0 when none failed)."""
    return max((o.exit_code for o in outcomes if o.status == FAILED), default=EXIT_OK)


# --------------------------------------------------------------------------- display


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def print_outcome(outcome: Outcome, prefix: str = "") -> None:
    """Print one book's warnings and result line (problems to stderr, as a single build does)."""
    for problem in outcome.warnings:
        _err(problem.format())
    if outcome.status == FAILED:
        _err(outcome.error)
        _err(f"{prefix}✗ {outcome.source}: ไม่ได้สร้างเล่ม / not built")
    elif outcome.status == BUILT:
        written = ", ".join(str(p) for p in outcome.outputs)
        print(f"{prefix}✓ {outcome.source} → {written} ({outcome.pages} pages, {outcome.seconds:.1f} s)", flush=True)
    else:
        print(f"{prefix}= {outcome.source}: ไม่เปลี่ยนแปลง / unchanged", flush=True)


def totals(outcomes: Iterable[Outcome]) -> str:
    """Return the closing totals line: built N, unchanged N, failed N."""
    counts = {BUILT: 0, UNCHANGED: 0, FAILED: 0}
    for outcome in outcomes:
        counts[outcome.status] += 1
    return (
        f"สร้าง {counts[BUILT]} ไม่เปลี่ยนแปลง {counts[UNCHANGED]} ไม่สำเร็จ {counts[FAILED]} / "
        f"built {counts[BUILT]}, unchanged {counts[UNCHANGED]}, failed {counts[FAILED]}"
    )


def print_summary(outcomes: list[Outcome], elapsed: float) -> None:
    """Print the summary table (one row per book) and the totals line to stdout."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    labels = {BUILT: "สร้างแล้ว / built", UNCHANGED: "ไม่เปลี่ยนแปลง / unchanged", FAILED: "ไม่สำเร็จ / failed"}
    styles = {BUILT: "green", UNCHANGED: "dim", FAILED: "bold red"}
    table = Table(box=box.SIMPLE, show_edge=False)
    table.add_column("เล่ม / book", overflow="fold")
    table.add_column("ผล / result")
    table.add_column("เวลา / time", justify="right")
    for outcome in outcomes:
        seconds = f"{outcome.seconds:.1f} s" if outcome.status != UNCHANGED else "-"
        table.add_row(str(outcome.source), labels[outcome.status], seconds, style=styles[outcome.status])
    console = Console(highlight=False)
    if not console.is_terminal:  # a log or a pipe: one line per book, however long its path
        console.width = max(console.width, console.measure(table).maximum)
    console.print(table)
    print(f"{totals(outcomes)} ({elapsed:.1f} s)", flush=True)


class _Progress:
    """A rich progress bar on stderr while books build; nothing when stderr is not a terminal."""

    def __init__(self, total: int):
        self.total = total
        self.progress = None
        self.task = None
        if total and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self.progress = Progress(
                TextColumn("สร้างเล่ม / building"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )

    def __enter__(self) -> "_Progress":
        if self.progress is not None:
            self.progress.__enter__()
            self.task = self.progress.add_task("build", total=self.total)
        return self

    def advance(self) -> None:
        if self.progress is not None:
            self.progress.advance(self.task)

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)


def build_many(
    sources: list[Path], out_dir: Path, options: Options, *, jobs: int = 1, force: bool = False, summary: bool = True
) -> tuple[int, list[Outcome]]:
    """Run a batch with its progress display, per-book lines and summary; return (exit code, outcomes)."""
    started = time.perf_counter()
    with _Progress(len(sources)) as progress:

        def on_outcome(outcome: Outcome) -> None:
            if outcome.status != UNCHANGED:
                print_outcome(outcome)
            else:
                for problem in outcome.warnings:
                    _err(problem.format())
            progress.advance()

        outcomes = run_batch(sources, out_dir, options, jobs=jobs, force=force, on_outcome=on_outcome)
    if summary:
        print_summary(outcomes, time.perf_counter() - started)
    return exit_code(outcomes), outcomes


# --------------------------------------------------------------------------- watch


def watch(
    folder: Path,
    out_dir: Path,
    options: Options,
    *,
    stop_event: threading.Event | None = None,
    max_rebuilds: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Build what is out of date in ``folder``, then rebuild each records file as it is saved.

    Runs until ``stop_event`` is set, ``max_rebuilds`` books have been rebuilt
    (or failed), or Ctrl-C (KeyboardInterrupt, left to the caller). Prints one
    line per rebuild; returns the number of books rebuilt after the first pass.
    """
    from watchfiles import Change, DefaultFilter
    from watchfiles import watch as watch_changes

    folder = Path(folder)
    report = on_outcome or (lambda outcome: None)
    try:
        sources = collect([folder], allow_empty=True)
    except InputError as exc:  # two files with one stem: build the others, report the clash
        _err(str(exc))
        clashing = {p.file for p in exc.problems}
        sources = [p for p in records_in(folder) if str(p) not in clashing]
    if sources:
        _, first = build_many(sources, out_dir, options)
        for outcome in first:
            report(outcome)
    default_filter = DefaultFilter()
    root = folder.resolve()

    def wanted(change: Change, path: str) -> bool:
        return change != Change.deleted and is_records_file(Path(path), root) and default_filter(change, path)

    rebuilt = 0
    watching = False
    # the watcher starts with the generator; its first (timeout) yield says it is running
    for changes in watch_changes(folder, watch_filter=wanted, stop_event=stop_event, rust_timeout=1000, yield_on_timeout=True):
        if not watching:
            watching = True
            print(f"เฝ้าดู {folder} (Ctrl-C เพื่อหยุด) / watching {folder} (Ctrl-C stops)", flush=True)
            if on_ready is not None:
                on_ready()
        saved = sorted({Path(path) for _, path in changes})
        environment = environment_digest()  # a template may have changed too
        for path in saved:
            if not path.is_file():
                continue
            source = _as_given(path, folder, root)
            stamp = time.strftime("%H:%M:%S")
            try:
                check_stems(records_in(folder))
            except InputError as exc:
                mine = [p for p in exc.problems if Path(p.file).resolve() == path.resolve()]
                if mine:
                    failed = Outcome(source, FAILED, error=str(InputError(mine)), exit_code=exc.exit_code)
                    print_outcome(failed, f"[{stamp}] ")
                    report(failed)
                    rebuilt += 1
                    continue
            (outcome,) = run_batch([source], out_dir, options, environment=environment)
            print_outcome(outcome, f"[{stamp}] ")
            report(outcome)
            rebuilt += 1
            if max_rebuilds is not None and rebuilt >= max_rebuilds:
                return rebuilt
    return rebuilt


def _as_given(path: Path, folder: Path, root: Path) -> Path:
    """Return a watched path as under ``folder`` as the user wrote it (watchfiles reports absolute paths)."""
    try:
        return folder / path.resolve().relative_to(root)
    except ValueError:
        return path
