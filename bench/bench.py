"""Time, CPU time and peak memory of planbook's builds, with LibreOffice as the yardstick (issue 12).

    python bench/bench.py [RECORDS] [--repeat N] [--sizes 300,1000] [--quick] [--against OTHER_CHECKOUT]

One run measures, each build in a fresh process:

- RECORDS (default examples/anticorruption.yaml) as PDF alone and as DOCX
  alone, cold (an empty render cache) and warm (a second build, same cache);
- LibreOffice converting that DOCX to PDF (``soffice --headless
  --convert-to pdf``, its own profile under the temporary folder, created by
  one conversion that is not counted), and the ratio of our cold PDF to it;
- generated books of each size (bench/generate.py, written to a temporary
  folder), both formats together, cold, and LibreOffice converting their DOCX;
- one item of the 300-item book renamed (the smallest size when 300 is not
  measured), both formats rebuilt with a warm cache;
- ``planbook build examples/ -o OUT --jobs 2`` twice: the first build, and
  the second that has nothing to do;
- the example written as a workbook and that workbook validated.

Each measurement is repeated ``--repeat`` times (default 3): wall and CPU
time are medians, memory the largest seen. Memory is the peak resident set
(RSS) of planbook's own process and of its largest child (getrusage
RUSAGE_SELF and RUSAGE_CHILDREN), and the peak of their sum, sampled from
/proc every 0.1 s (pages shared between processes count once per process).
The render cache is the folder ``PLANBOOK_CACHE_DIR`` names: a new empty
one for each cold build. ``PLANBOOK_RENDER_JOBS`` is passed on as it is set
(the default when not). The end is a Markdown table to paste into an issue.

``--quick`` measures RECORDS and a 100-item book once each, for trying the
script. ``--against`` builds RECORDS with another checkout too, interleaved
with this one's, and prints the CPU-time ratio (before/after figures):
``git worktree add /tmp/before HEAD~3``.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "anticorruption.yaml"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/generate.py

# planbook's own command line in this process, so RUSAGE_SELF is planbook and RUSAGE_CHILDREN its workers
CLI = r"""
import json, resource, sys
from assembler.cli import main
code = main(sys.argv[1:])
me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print("BENCH " + json.dumps({"code": code, "parent_mib": me.ru_maxrss / 1024, "child_mib": children.ru_maxrss / 1024}))
"""


class Failed(Exception):
    """A measured command failed: its output says why; the other measurements go on."""


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Run:
    """One process's figures: wall and CPU seconds (children included) and peak RSS in MiB."""

    wall_s: float
    cpu_s: float
    parent_mib: float  # the process itself (for soffice: the largest of its processes)
    child_mib: float | None  # its largest child, when it is planbook
    tree_mib: float | None  # the largest sum over the process and its descendants, sampled
    pages: int | None = None


@dataclass
class Row:
    """One line of the summary: a measurement's runs (or a ratio) and the issue's target, if it sets one."""

    label: str
    runs: list[Run] = field(default_factory=list)
    target: str = ""
    max_wall_s: float | None = None
    max_mib: float | None = None
    ratio: float | None = None
    max_ratio: float | None = None

    def wall(self) -> float:
        return statistics.median(r.wall_s for r in self.runs)

    def cpu(self) -> float:
        return statistics.median(r.cpu_s for r in self.runs)

    def peak(self, name: str) -> float | None:
        """Return the largest ``name`` (parent_mib, child_mib or tree_mib) over the runs, or None."""
        values = [getattr(r, name) for r in self.runs if getattr(r, name) is not None]
        return max(values) if values else None

    def met(self) -> bool | None:
        """Return whether the target is met, or None where there is none."""
        checks = []
        if self.max_ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        if self.max_wall_s is not None:
            checks.append(self.wall() <= self.max_wall_s)
        if self.max_mib is not None:
            peaks = [self.peak(n) for n in ("parent_mib", "child_mib", "tree_mib")]
            checks.append(max(p for p in peaks if p is not None) <= self.max_mib)
        return all(checks) if checks else None


def tree_rss(pid: int) -> int:
    """Return the resident bytes of ``pid`` and all its descendants (0 where /proc cannot tell)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            pass  # gone meanwhile, or no /proc
    return total


def run(command: list[str], env: dict | None = None, cwd: Path = ROOT, shown: str | None = None) -> Run:
    """Run ``command`` (``shown`` in messages) in a fresh process; return its figures, or raise Failed with its output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, cwd=cwd, env=env)
        done, peak = threading.Event(), [0]

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # usage covers the process and every child it waited for
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    report = [line[6:] for line in stdout.splitlines() if line.startswith("BENCH ")]
    own = json.loads(report[-1]) if report else {}
    if process.returncode or own.get("code"):
        raise Failed(f"exit {process.returncode or own.get('code')}: {shown or ' '.join(command)}\n{stdout[-1500:]}\n{stderr[-3000:]}")
    pages = [int(n) for n in re.findall(r"\((\d+) pages", stdout)]
    return Run(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        parent_mib=own.get("parent_mib", usage.ru_maxrss / 1024),
        child_mib=own.get("child_mib"),
        tree_mib=peak[0] / 2**20 or None,
        pages=sum(pages) or None,
    )


def planbook(args: list[str], cache: Path, root: Path = ROOT) -> Run:
    """Run ``planbook ARGS`` from checkout ``root`` with its render cache in ``cache``."""
    env = {**os.environ, "PLANBOOK_CACHE_DIR": str(cache), "PYTHONPATH": str(root)}
    return run([sys.executable, "-c", CLI, *args], env=env, cwd=root, shown=f"planbook {' '.join(args)} (in {root})")


class LibreOffice:
    """``soffice --headless --convert-to pdf`` with its own profile, made by a first conversion not counted."""

    def __init__(self, soffice: str, tmp: Path):
        self.soffice, self.profile, self.out, self.ready = soffice, tmp / "lo-profile", tmp / "lo", False

    def convert(self, docx: Path) -> Run:
        command = [self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(self.out), str(docx)]
        if not self.ready:
            run(command)
            self.ready = True
        pdf = self.out / f"{docx.stem}.pdf"
        pdf.unlink(missing_ok=True)
        converted = run(command)
        if not pdf.exists():
            raise Failed(f"LibreOffice wrote no PDF of {docx}")
        return converted


class Bench:
    """The measurements of one run, in the order they are printed and summarised."""

    def __init__(self, tmp: Path, repeat: int):
        self.tmp, self.repeat, self.rows, self._count = tmp, repeat, {}, 0

    def folder(self, name: str) -> Path:
        """Return a new empty folder under the temporary one."""
        self._count += 1
        path = self.tmp / f"{self._count:03}-{name}"
        path.mkdir()
        return path

    def add(self, label: str, measure, **target) -> Run | None:
        """Run ``measure()``, count its Run in the row ``label`` (made with ``target``, Row's target fields,
        the first time) and print it; print why and return None if it failed."""
        try:
            result = measure()
        except Failed as exc:
            print(f"  {label}: failed, not counted\n    " + str(exc).strip().replace("\n", "\n    "), flush=True)
            return None
        row = self.rows.setdefault(label, Row(label, **target))
        row.runs.append(result)
        child = f"{result.child_mib:.0f}" if result.child_mib is not None else "-"
        tree = f"{result.tree_mib:.0f}" if result.tree_mib is not None else "-"
        print(f"  {label:52} {result.wall_s:7.2f} s wall {result.cpu_s:7.2f} s CPU  "
              f"{result.parent_mib:5.0f} / {child:>5} / {tree:>5} MiB", flush=True)
        return result

    def example(self, records: Path, name: str, lo: LibreOffice | None, against: Path | None) -> None:
        """RECORDS per format, cold then warm, and LibreOffice on its DOCX; interleaved, ``repeat`` times."""
        trees = [("", ROOT)] + ([("[against] ", against)] if against else [])
        docx_target = {"target": "≤ 1 s", "max_wall_s": 1.0}
        for _ in range(self.repeat):
            for fmt in ("pdf", "docx"):
                for tag, root in trees:
                    cache, out = self.folder("cache"), self.folder(fmt)
                    args = ["build", str(records), "-o", str(out), "--format", fmt, "--force"]
                    self.add(f"{tag}{name} {fmt.upper()} alone, cold", lambda: planbook(args, cache, root))
                    target = docx_target if fmt == "docx" and not tag else {}
                    self.add(f"{tag}{name} {fmt.upper()} alone, warm", lambda: planbook(args, cache, root), **target)
                    if fmt == "docx" and not tag:
                        docx = out / f"{records.stem}.docx"
            if lo:
                self.add(f"LibreOffice, {name} DOCX → PDF", lambda: lo.convert(docx))
        for fmt in ("PDF", "DOCX") if against else ():
            for state in ("cold", "warm"):
                this, other = self.rows.get(f"{name} {fmt} alone, {state}"), self.rows.get(f"[against] {name} {fmt} alone, {state}")
                if this and other:
                    print(f"  {name} {fmt} {state}: CPU time this/against {this.cpu() / other.cpu():.2f}×")
        pdf, soffice = self.rows.get(f"{name} PDF alone, cold"), self.rows.get(f"LibreOffice, {name} DOCX → PDF")
        if pdf and soffice:
            label = f"{name} PDF cold / LibreOffice, wall (CPU: {pdf.cpu() / soffice.cpu():.2f}×)"
            ratio = Row(label, target="≤ 2.0×", ratio=pdf.wall() / soffice.wall(), max_ratio=2.0)
            self.rows[label] = ratio
            print(f"  {label}: {ratio.ratio:.2f}×")

    def generated(self, sizes: list[int], lo: LibreOffice | None) -> None:
        """Generated books, both formats, cold; LibreOffice on their DOCX; a one-item edit rebuilt warm."""
        from generate import generate, rename_item

        edit = 300 if 300 in sizes else min(sizes)
        for size in sizes:
            records = generate(size, self.folder(f"items-{size}") / f"items-{size}.yaml")
            target = {"target": "≤ 90 s, ≤ 1 GB", "max_wall_s": 90.0, "max_mib": 1e9 / 2**20} if size == 1000 else {}
            for _ in range(self.repeat):
                cache, out = self.folder("cache"), self.folder("out")
                args = ["build", str(records), "-o", str(out), "--force"]
                self.add(f"{size} items, PDF and DOCX, cold", lambda: planbook(args, cache), **target)
            if lo:
                for _ in range(self.repeat):
                    self.add(f"LibreOffice, {size}-item DOCX → PDF", lambda: lo.convert(out / f"{records.stem}.docx"))
            if size == edit:  # on the last cold build's cache and output, each round renames one more item
                for k in range(self.repeat):
                    rename_item(records, size // 2 + k)
                    self.add(f"{size} items, one item renamed, both formats, warm",
                             lambda: planbook(["build", str(records), "-o", str(out)], cache), target="≤ 3 s", max_wall_s=3.0)

    def batch(self) -> None:
        """``planbook build examples/ -o OUT --jobs 2``: a first build, then again with nothing changed."""
        for _ in range(self.repeat):
            cache, out = self.folder("cache"), self.folder("batch")
            args = ["build", str(ROOT / "examples"), "-o", str(out), "--jobs", "2"]
            self.add("examples/ batch --jobs 2, first build, cold", lambda: planbook(args, cache))
            self.add("examples/ batch --jobs 2, again, nothing changed", lambda: planbook(args, cache))

    def workbook(self, records: Path, name: str) -> None:
        """RECORDS written as a workbook, then that workbook read and validated."""
        for _ in range(self.repeat):
            cache, out = self.folder("cache"), self.folder("workbook") / f"{records.stem}.xlsx"
            self.add(f"{name} written as a workbook", lambda: planbook(["convert", str(records), str(out)], cache))
            self.add(f"{name}'s workbook read and validated", lambda: planbook(["validate", str(out)], cache))

    def summary(self) -> str:
        """Return the Markdown table of every measurement (medians; memory the largest seen)."""
        def mib(value: float | None) -> str:
            return f"{value:.0f}" if value is not None else "–"

        lines = [f"| measurement (median of {self.repeat}) | pages | wall s | CPU s | planbook MiB | largest child MiB "
                 "| all processes MiB | target | met |",
                 "|---|--:|--:|--:|--:|--:|--:|---|---|"]
        for row in self.rows.values():
            if row.ratio is not None:
                lines.append(f"| {row.label} | | {row.ratio:.2f}× | | | | | {row.target} | {_met(row.met())} |")
                continue
            pages = sorted({r.pages for r in row.runs} - {None})
            lines.append(
                f"| {row.label} | {'/'.join(map(str, pages))} | {row.wall():.2f} | {row.cpu():.2f} "
                f"| {mib(row.peak('parent_mib'))} | {mib(row.peak('child_mib'))} | {mib(row.peak('tree_mib'))} "
                f"| {row.target} | {_met(row.met())} |"
            )
        return "\n".join(lines)


def _met(met: bool | None) -> str:
    return "" if met is None else ("yes" if met else "**no**")


def _sizes(value: str) -> list[int]:
    try:
        sizes = [int(s) for s in value.split(",") if s.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 16:
        raise argparse.ArgumentTypeError(f"ขนาดเล่มเป็นจำนวนเต็มตั้งแต่ 16 คั่นด้วยจุลภาค / sizes are whole numbers "
                                         f"of at least 16, comma-separated, e.g. 300,1000 (got {value!r})")
    return sizes


def _machine() -> str:
    """Return a line about this machine and its load, for the note the figures go in."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    jobs = os.environ.get("PLANBOOK_RENDER_JOBS", "unset (default)")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    return f"{os.cpu_count()} cores, load average {load}; planbook {commit or '?'}; PLANBOOK_RENDER_JOBS {jobs}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("records", nargs="?", type=Path, default=EXAMPLE, help="the book measured per format (default: the example)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, medians reported (default 3)")
    parser.add_argument("--sizes", type=_sizes, default=[300, 1000], help="generated books' item counts (default 300,1000)")
    parser.add_argument("--quick", action="store_true", help="RECORDS and a 100-item book, once each: for trying the script")
    parser.add_argument("--against", type=Path, help="another planbook checkout (e.g. a git worktree of an earlier commit) "
                        "whose builds of RECORDS are measured in the same run, for before/after figures")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat, args.sizes = 1, [100]
    if args.repeat < 1:
        parser.error(f"--repeat: อย่างน้อย 1 ครั้ง / at least 1 (got {args.repeat})")
    records = args.records.resolve()
    if not records.is_file():
        parser.error(f"ไม่พบไฟล์ข้อมูลแผน {records} / no records file {records}")
    if args.against and not (args.against / "assembler" / "cli.py").is_file():
        parser.error(f"--against: {args.against} ไม่ใช่สำเนาของ planbook / is not a planbook checkout (no assembler/cli.py)")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    print(f"start: {_machine()}")
    with tempfile.TemporaryDirectory(prefix="planbook-bench-") as tmp:
        lo = LibreOffice(soffice, Path(tmp)) if soffice else None
        if not lo:
            print("LibreOffice (soffice) is not installed: no reference measured")
        bench = Bench(Path(tmp), args.repeat)
        print(f"{'':54} {'wall':>9} {'':7} {'CPU':>9}   planbook / largest child / all processes, peak")
        name = "example" if records == EXAMPLE else records.name
        try:
            bench.example(records, name, lo, args.against.resolve() if args.against else None)
            bench.generated(args.sizes, lo)
            bench.batch()
            bench.workbook(records, name)
        except KeyboardInterrupt:
            print("interrupted: the figures so far")
        print(f"end: {_machine()}")
        print()
        print(bench.summary())


if __name__ == "__main__":
    main()
