"""Time and peak memory of building the example book, per output format.

Each measurement runs in a fresh process (so peak RSS belongs to that format
alone) and is repeated; where LibreOffice is installed, the time
`soffice --headless --convert-to pdf` takes on the same DOCX is measured in
the same run as a reference.

    python bench/bench.py [RECORDS] [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
t0 = time.perf_counter()
from assembler.build import build
t1 = time.perf_counter()
build(Path(sys.argv[1]), Path(sys.argv[2]), (sys.argv[3],))
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "build_s": t2 - t1,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(records: Path, fmt: str, out: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, str(records), str(out), fmt], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("records", nargs="?", default=str(ROOT / "examples" / "anticorruption.yaml"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records = Path(args.records)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        print(f"records: {records}")
        print(f"{'format':8} {'best build s':>12} {'median s':>9} {'peak MiB':>9}")
        for fmt in ("pdf", "docx"):
            runs = [measure(records, fmt, out) for _ in range(args.repeat)]
            times = sorted(r["build_s"] for r in runs)
            peak = max(r["peak_mib"] for r in runs)
            print(f"{fmt:8} {times[0]:12.2f} {times[len(times) // 2]:9.2f} {peak:9.0f}")
        print("(a DOCX build lays the book out once too: its สารบัญ takes the PDF's page numbers)")
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        docx = out / f"{records.stem}.docx"
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


if __name__ == "__main__":
    main()
