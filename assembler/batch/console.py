"""What a batch prints: a line per book, a progress bar, the summary table and totals."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Iterable

from .manifest import Options
from .run import BUILT, FAILED, UNCHANGED, Outcome, exit_code, run_batch


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
