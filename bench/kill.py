"""Kill builds with SIGKILL at random points and check what they leave (issue 10).

Builds RECORDS once for reference (and once with other budgets, for an
"earlier" pair), then N times: the output folder starts with the earlier
pair, a build starts with --force and is killed after a random delay
(seeded) between 0 and 1.2 × the reference build time. After each kill the
folder must hold the earlier pair unchanged or the new pair complete (never
one of each, never a torn file). Each run has its own TMPDIR; after the
next build there, no `.planbook-*.part` file and no WeasyPrint font folder
may be left.

    python bench/kill.py [RECORDS] [--runs 20] [--seed 1]
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build(source: Path, out: Path, env: dict) -> float:
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "assembler", "build", str(source), "-o", str(out), "--force"],
        cwd=ROOT, env=env, check=True, capture_output=True,
    )
    return time.monotonic() - started


def _digests(folder: Path, stem: str) -> dict[str, str]:
    return {
        fmt: hashlib.sha256((folder / f"{stem}.{fmt}").read_bytes()).hexdigest()
        for fmt in ("docx", "pdf")
        if (folder / f"{stem}.{fmt}").exists()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("records", nargs="?", type=Path, default=ROOT / "tests" / "fixtures" / "minimal.yaml")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="planbook-kill-"))
    try:
        text = args.records.read_text(encoding="utf-8")
        source = work / "book.yaml"
        earlier_source = work / "earlier" / "book.yaml"
        earlier_source.parent.mkdir()
        earlier_source.write_text(text.replace("0000", "0001"), encoding="utf-8")
        source.write_text(text, encoding="utf-8")
        env = {**os.environ, "TMPDIR": str(work / "tmp")}
        (work / "tmp").mkdir()
        new_out, old_out = work / "new", work / "old"
        seconds = _build(source, new_out, env)
        _build(earlier_source, old_out, env)
        new, old = _digests(new_out, "book"), _digests(old_out, "book")
        assert new != old and len(new) == len(old) == 2
        results = {"earlier pair": 0, "new pair": 0, "mixed or torn": 0}
        leftovers = 0
        for run in range(args.runs):
            out = work / f"run{run}"
            out.mkdir()
            for fmt in ("docx", "pdf"):
                shutil.copy(old_out / f"book.{fmt}", out / f"book.{fmt}")
            delay = rng.uniform(0, 1.2 * seconds)
            proc = subprocess.Popen(
                [sys.executable, "-m", "assembler", "build", str(source), "-o", str(out), "--force"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            found = _digests(out, "book")
            kind = "earlier pair" if found == old else "new pair" if found == new else "mixed or torn"
            results[kind] += 1
            # the next build there removes what the killed one left
            _build(source, out, env)
            left = [p.name for p in out.iterdir() if p.name.endswith(".part")]
            left += [p.name for p in (work / "tmp").iterdir()]
            leftovers += bool(left)
            print(f"run {run + 1:2}: killed after {delay:5.2f} s: {kind}; left after the next build: {left or 'nothing'}")
        print(f"reference build {seconds:.1f} s; {results}; runs leaving files after the next build: {leftovers}")
        return 0 if results["mixed or torn"] == 0 and leftovers == 0 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
