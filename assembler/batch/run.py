"""Running a batch: build what is out of date, in this process or in worker processes."""
from __future__ import annotations

import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import EXIT_OK, PlanbookError, Problem
from .manifest import Manifest, Options, combine, environment_digest, fingerprint, sha256_file

EXIT_INTERNAL = 3
BUILT, UNCHANGED, FAILED = "built", "unchanged", "failed"


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


def _render_share(jobs: str) -> None:
    """Set how many processes a batch worker's book lays out its pieces in (render/pieces.py)."""
    os.environ["PLANBOOK_RENDER_JOBS"] = jobs


def build_book(source: Path, out_dir: Path, options: Options) -> Outcome:
    """Build one book (in a worker process or in-process) and return its outcome; never raises for a bad book."""
    started = time.perf_counter()
    try:
        from ..build import build

        result = build(source, out_dir, options.formats, options.thai_digits, options.strict, parts=options.parts)
        hashes = {p.name: sha256_file(p) for p in result.outputs}
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
        from ..render.pieces import render_jobs

        workers = min(jobs, len(todo))
        # the books share the cores: each lays out its pieces in its share of them
        share = os.environ.get("PLANBOOK_RENDER_JOBS") or str(max(1, render_jobs() // workers))
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_render_share,
                                 initargs=(share,)) as pool:
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
