"""``planbook watch``: keep a folder's books up to date as their records files are saved."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from ..errors import InputError
from .collect import check_stems, collect, is_records_file, records_in
from .console import _err, build_many, print_outcome
from .manifest import Options, environment_digest
from .run import FAILED, Outcome, run_batch


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
