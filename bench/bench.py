"""Time and peak memory of building the example book, per output format.

Each measurement runs in a fresh process (so peak RSS belongs to that format
alone) and is repeated; where LibreOffice is installed, the time
`soffice --headless --convert-to pdf` takes on the same DOCX is measured in
the same run as a reference.

Then whole `planbook build` runs, each in a fresh process and a fresh output
folder with --force: one operational plan (examples/operations-2566.yaml,
when there), the whole examples/ folder with --jobs 1 and --jobs 2, and a
second run of examples/ with nothing changed (the incremental fast path).
Peak memory is the planbook process's own and its largest worker's
(getrusage RUSAGE_SELF / RUSAGE_CHILDREN); with --jobs N, together they stay
below parent + N × worker.

    python bench/bench.py [RECORDS] [--repeat N] [--against OTHER_CHECKOUT] [--items N ...]

``--items N`` also builds a generated book of N items (bench/generate.py),
each format once, LibreOffice's conversion of its DOCX, and a rebuild after
renaming one item.

``--against`` measures another checkout's PDF and DOCX builds in the same run,
interleaved with this one's, and prints the CPU-time ratio (for the figures
an issue asks "before and after"): ``git worktree add /tmp/before HEAD~3``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/generate.py

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from assembler.build import build
t1 = time.perf_counter()
build(Path(sys.argv[1]), Path(sys.argv[2]), (sys.argv[3],))
t2 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"import_s": t1 - t0, "build_s": t2 - t1, "cpu_s": usage.ru_utime + usage.ru_stime,
                  "peak_mib": usage.ru_maxrss / 1024}))
"""


WORKBOOK_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from assembler.loading import load
from assembler.workbook.writer import workbook_from
plan, _ = load(Path(sys.argv[1]))
t0 = time.perf_counter()
blob = workbook_from(plan)
t1 = time.perf_counter()
Path(sys.argv[2]).write_bytes(blob)
load(Path(sys.argv[2]))
t2 = time.perf_counter()
print(json.dumps({"write_s": t1 - t0, "read_s": t2 - t1,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def workbook_section(records: Path, out: Path) -> None:
    """Time writing the records as a workbook and reading it back (validation included)."""
    done = subprocess.run([sys.executable, "-c", WORKBOOK_CHILD, str(records), str(out / "bench.xlsx")],
                          capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        print(f"workbook: failed\n{done.stderr[-600:]}")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print()
    print(f"workbook of {records.name}: write {result['write_s']:.2f} s, read and validate {result['read_s']:.2f} s, "
          f"peak {result['peak_mib']:.0f} MiB")


BATCH_CHILD = r"""
import json, resource, sys
from assembler.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code,
                  "parent_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure_cli(args: list[str]) -> dict | None:
    """Run ``planbook ARGS`` in a fresh process; return its wall time and peaks, or None (printed) if it failed."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", BATCH_CHILD, *args], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        result = {"code": done.returncode}
    if done.returncode or result["code"]:
        print(f"  planbook {' '.join(args)}: exit {result['code']}")
        print("  " + "\n  ".join(done.stderr.strip().splitlines()[-6:]))
        return None
    return {**result, "wall_s": wall}


def batch_section(out: Path) -> None:
    print()
    print("batch: planbook build in a fresh process (fresh output folder, --force)")
    print(f"{'what':34} {'wall s':>7} {'parent MiB':>10} {'worker MiB':>10}")

    def row(label: str, args: list[str], jobs: int) -> None:
        result = measure_cli(args)
        if result:
            worker = f"{result['worker_mib']:10.0f}" if jobs > 1 else f"{'-':>10}"
            print(f"{label:34} {result['wall_s']:7.2f} {result['parent_mib']:10.0f} {worker}")

    operations = ROOT / "examples" / "operations-2566.yaml"
    if operations.exists():
        row("operations-2566.yaml", ["build", str(operations), "-o", str(out / "ops"), "--force"], 1)
    else:
        print(f"{'operations-2566.yaml':34} skipped: {operations} does not exist")
    examples = ROOT / "examples"
    for jobs in (1, 2):
        row(f"examples/ --jobs {jobs}", ["build", str(examples), "-o", str(out / f"jobs{jobs}"), "--force", "--jobs", str(jobs)], jobs)
    row("examples/ again, nothing changed", ["build", str(examples), "-o", str(out / "jobs2")], 1)


def items_section(sizes: list[int], out: Path, soffice: str | None) -> None:
    """Build generated books of each size (bench/generate.py), PDF and DOCX apart, once each;
    LibreOffice converting the DOCX; then rename one item and rebuild both formats."""
    from generate import generate

    print()
    print(f"{'generated book':24} {'format':8} {'build s':>9} {'CPU s':>8} {'peak MiB':>9}")
    for size in sizes:
        records = generate(size, out / f"items-{size}.yaml")
        for fmt in ("pdf", "docx"):
            r = measure(records, fmt, out / f"items-{size}")
            print(f"{size:>6} items{'':13} {fmt:8} {r['build_s']:9.1f} {r['cpu_s']:8.1f} {r['peak_mib']:9.0f}")
        docx = out / f"items-{size}" / f"{records.stem}.docx"
        if soffice and docx.exists():
            started = time.perf_counter()
            subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out / "lo"), str(docx)],
                           capture_output=True, check=True)
            print(f"{size:>6} items{'':13} {'soffice':8} {time.perf_counter() - started:9.1f}")
        folder = out / f"edit-{size}"
        if measure_cli(["build", str(records), "-o", str(folder)]) is None:
            continue
        text = records.read_text(encoding="utf-8")
        records.write_text(text.replace("name: ", "name: (แก้ไข) ", 1), encoding="utf-8")
        edited = measure_cli(["build", str(records), "-o", str(folder)])
        if edited:
            print(f"{size:>6} items, one item renamed, both formats rebuilt: {edited['wall_s']:.1f} s wall, "
                  f"peak {max(edited['parent_mib'], edited['worker_mib']):.0f} MiB")


def measure(records: Path, fmt: str, out: Path, root: Path = ROOT) -> dict:
    """Build ``records`` in ``fmt`` in a fresh process with planbook from ``root``; return its figures."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(records), str(out), fmt],
                          capture_output=True, text=True, cwd=root, env=env)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def format_rows(records: Path, out: Path, repeat: int, against: Path | None) -> None:
    """Print build time, CPU time and peak memory per format (and of another checkout, interleaved)."""
    roots = [("this", ROOT)] + ([("against", against)] if against else [])
    print(f"{'format':8} {'tree':8} {'best build s':>12} {'median s':>9} {'median CPU s':>12} {'peak MiB':>9}")
    for fmt in ("pdf", "docx"):
        runs: dict[str, list[dict]] = {name: [] for name, _ in roots}
        for _ in range(repeat):  # interleaved, so both trees see the same machine load
            for name, root in roots:
                runs[name].append(measure(records, fmt, out / name, root))
        cpu = {}
        for name, _ in roots:
            times = sorted(r["build_s"] for r in runs[name])
            cpu[name] = sorted(r["cpu_s"] for r in runs[name])[len(times) // 2]
            peak = max(r["peak_mib"] for r in runs[name])
            print(f"{fmt:8} {name:8} {times[0]:12.2f} {times[len(times) // 2]:9.2f} {cpu[name]:12.2f} {peak:9.0f}")
        if against:
            print(f"{fmt:8} CPU time this/against: {cpu['this'] / cpu['against']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records", nargs="?", default=str(ROOT / "examples" / "anticorruption.yaml"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another planbook checkout (e.g. a git worktree of "
                        "an earlier commit) to measure in the same run, for before/after figures")
    parser.add_argument("--items", type=int, action="append", default=[],
                        help="also build a generated book of this many items (bench/generate.py); repeatable, "
                        "e.g. --items 300 --items 1000")
    args = parser.parse_args()
    records = Path(args.records).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print(f"records: {records}")
        format_rows(records, out, args.repeat, args.against)
        print("(a DOCX build lays the book out once too: its สารบัญ takes the PDF's page numbers)")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        docx = out / "this" / f"{records.stem}.docx"
        if soffice and docx.exists():
            best = None
            for _ in range(args.repeat):
                started = time.perf_counter()
                subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(out / "lo"), str(docx)],
                               capture_output=True, check=True)
                elapsed = time.perf_counter() - started
                best = elapsed if best is None else min(best, elapsed)
            print(f"{'soffice':8} {best:12.2f}   (LibreOffice converting the same DOCX to PDF, reference)")
        else:
            print("soffice: not installed, no reference measured")
        workbook_section(records, out)
        batch_section(out)
        if args.items:
            items_section(args.items, out, soffice)


if __name__ == "__main__":
    main()
