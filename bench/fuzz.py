"""Fuzz planbook with mutated records files and workbooks (issue 10).

Each case is one of the examples, mutated (seeded: case N of seed S is always
the same file): lines deleted, repeated or cut, values replaced by hostile
ones (aliases, tags, huge or infinite numbers, dates, control characters,
formulas, deep nesting…), cells of a workbook overwritten, headers renamed,
rows and sheets removed, bytes flipped. ``planbook validate`` reads it; when
that passes (exit 0 or 1), ``planbook convert`` writes it in the other format,
which must work too.

Every case runs in its own process (forked from one that imported planbook
once), with a time limit (SIGALRM) and a memory limit (RLIMIT_AS), and the
run reports the exit codes counted, the slowest case and the largest peak
memory (the child's maximum resident set). A case is a failure when it exits
with anything but 0, 1 or 2 (3 is an internal error, 4 is "validate passed
but convert failed", 5 is the fuzzer's own error, a signal is a timeout or
a crash); failing cases and the
slowest one are kept in the output folder to reproduce.

    python bench/fuzz.py [--records 10000] [--workbooks 2000] [--seed 1] [--jobs 2]
                         [--timeout 20] [--memory-mb 2048] [--keep DIR]

tests/test_fuzz.py runs a few hundred cases of the same mutators in the test
suite.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RECORDS = sorted((ROOT / "examples").glob("*.yaml"))
WORKBOOKS = sorted((ROOT / "examples").glob("*.xlsx"))

#: values a hostile or clumsy hand puts in a records file (as YAML text)
HOSTILE_YAML = [
    ".inf", "-.inf", ".nan", "1e308", "1.0e+308", "-1", "0", "1.5", "9" * 5000, "99999999999999999999",
    "2566-02-29", "2566-02-28", "2001-12-14t21:59:43.10-05:00", "10:30", "0x1F", "0o17", "1_000",
    "[anticorruption]", "{a: 1}", "[]", "{}", "~", "null", "yes", "no", "on", "true", "''", '""',
    "!!binary aGVsbG8=", "!!int 5", "!!str x", "!!python/object:os.system x", "!thing x", "!!set {a, b}",
    "!!timestamp 2001-12-14", "!!float 1", "&a [*a]", "*nowhere", "=", "<<", "=cmd|' /C calc'!A0",
    "'=1+1'", '"\\u202Eเบิก"', '"\\x01\\x02"', '"\\0"', '"\\ud800"', '"\\uFFFE"', '"\\t\\r\\n"',
    '"' + "ก" * 12000 + '"', "[" * 200 + "]" * 200, "|\n  literal\n  block", ">\n  folded",
    "&b {x: 1}", "- a\n- b", "{{ x }}", "<b>bold</b>", "'%s%s%n'", "ไม่ใช้งบประมาณ", "'-'", "'๑,๐๐๐'",
]

#: cell values for workbooks
HOSTILE_CELLS = [
    None, "", " ", "=1/0", "=SUM(A1:A3)", "=cmd|' /C calc'!A0", "#DIV/0!", "#N/A", -1, 0, 1.5, 10**20,
    float("inf"), float("nan"), 1e308, True, False, "2566-02-29", "ต.ค.", "13", "1.1.1.1.1", "ก" * 40000,
    "\u202eกลับ", "abc", "๑๒๓", "1,000,000", "ไม่ใช้งบประมาณ", "-", "| a | b |", "\\|", "x" * 300,
]


# --------------------------------------------------------------------------- records


def _alias_bomb(levels: int) -> str:
    lines = ["b0: &b0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"b{i}: &b{i} [" + ", ".join([f"*b{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def mutate_records(text: str, rng: random.Random) -> bytes:
    """Return a mutant of the records ``text``: one to four edits, from lines to bytes."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(12)
        i = rng.randrange(len(lines)) if lines else 0
        if not lines:
            lines = ["book: anticorruption"]
        elif kind == 0:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif kind == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind in (3, 4, 5, 6):  # a value replaced by a hostile one
            head, sep, _ = lines[i].partition(": ")
            value = rng.choice(HOSTILE_YAML)
            if sep:
                lines[i] = f"{head}: {value}"
            else:
                stripped = lines[i].lstrip()
                indent = lines[i][: len(lines[i]) - len(stripped)]
                lines[i] = f"{indent}- {value}" if stripped.startswith("- ") else f"{lines[i]} {value}"
        elif kind == 7:  # indentation shifted
            lines[i] = (" " * rng.choice((1, 2, 4)) + lines[i]) if rng.random() < 0.5 else lines[i].lstrip()
        elif kind == 8:  # a key renamed or added
            head, sep, rest = lines[i].partition(":")
            lines[i] = f"{head}{rng.choice(['x', '_', ' ', 'ส'])}{sep}{rest}"
        elif kind == 9:
            lines.insert(0, _alias_bomb(rng.randint(2, 9)))
        elif kind == 10:  # cut short
            lines = lines[: rng.randrange(len(lines) + 1)]
        else:  # a byte flipped
            blob = bytearray("\n".join(lines).encode())
            if blob:
                blob[rng.randrange(len(blob))] = rng.randrange(256)
            return bytes(blob) + b"\n"
    return ("\n".join(lines) + "\n").encode()


# --------------------------------------------------------------------------- workbooks


_BOOKS: dict[Path, bytes] = {}


def _workbook(path: Path):
    from openpyxl import load_workbook

    if path not in _BOOKS:
        _BOOKS[path] = path.read_bytes()
    return load_workbook(io.BytesIO(_BOOKS[path]))


def _edit_workbook(wb, rng: random.Random) -> None:
    kind = rng.randrange(10)
    ws = rng.choice(wb.worksheets)
    rows, cols = max(ws.max_row, 1), max(ws.max_column, 1)
    r, c = rng.randint(1, rows), rng.randint(1, cols)
    if kind in (0, 1, 2, 3):
        value = rng.choice(HOSTILE_CELLS)
        try:
            ws.cell(r, c).value = value
        except (ValueError, TypeError):  # openpyxl refuses some (illegal characters)
            pass
    elif kind == 4:  # a header renamed
        cell = ws.cell(1, c)
        cell.value = f"{cell.value or ''}{rng.choice(['x', ' ', 'ที่', ''])}" if rng.random() < 0.8 else None
    elif kind == 5:
        ws.delete_rows(r, rng.randint(1, 3))
    elif kind == 6:
        ws.insert_rows(r, rng.randint(1, 3))
    elif kind == 7 and len(wb.worksheets) > 1:
        if rng.random() < 0.5:
            wb.remove(ws)
        else:
            ws.title = ws.title[:20] + rng.choice(["x", "1", " "])
    elif kind == 8:
        r2, c2 = min(rows, r + rng.randint(0, 2)), min(cols, c + rng.randint(0, 2))
        if (r2, c2) != (r, c):
            ws.merge_cells(start_row=r, start_column=c, end_row=r2, end_column=c2)
    else:
        ws.row_dimensions[r].hidden = True


def mutate_workbook(path: Path, rng: random.Random) -> bytes:
    """Return a mutant of the workbook at ``path``: cells, headers, rows, sheets or bytes changed."""
    wb = _workbook(path)
    for _ in range(rng.randint(1, 4)):
        try:
            _edit_workbook(wb, rng)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):  # openpyxl refuses some edits
            pass
    out = io.BytesIO()
    wb.save(out)
    blob = out.getvalue()
    if rng.random() < 0.1:  # damaged package: bytes flipped or cut short
        data = bytearray(blob)
        if rng.random() < 0.5:
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        else:
            data = data[: rng.randrange(len(data))]
        blob = bytes(data)
    return blob


# --------------------------------------------------------------------------- one case


def case(index: int, seed: int, records: int) -> tuple[str, bytes]:
    """Return the file name and bytes of case ``index`` (records first, then workbooks)."""
    rng = random.Random(f"{seed}:{index}")
    if index < records:
        source = rng.choice(RECORDS)
        return f"case{index}.yaml", mutate_records(source.read_text(encoding="utf-8"), rng)
    source = rng.choice(WORKBOOKS)
    return f"case{index}.xlsx", mutate_workbook(source, rng)


def run_case(path: Path) -> int:
    """Validate ``path``; when valid, convert it to the other format. Return the worst exit code (4: convert failed)."""
    from assembler.cli import main

    code = main(["validate", str(path)])
    if code in (0, 1):
        out = path.with_name(path.stem + ("-out.xlsx" if path.suffix == ".yaml" else "-out.yaml"))
        if main(["convert", str(path), str(out), "--force"]) != 0:
            return 4
    return code


# --------------------------------------------------------------------------- the run


def _child(index: int, seed: int, records: int, folder: Path, timeout: int, memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.alarm(timeout)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    code = 5
    try:
        name, blob = case(index, seed, records)
        path = folder / name
        path.write_bytes(blob)
        code = run_case(path)
    except BaseException:  # noqa: BLE001 - counted as a failure by its code
        code = 5
    finally:
        sys.stdout.flush()
        os._exit(code)


def run(records: int, workbooks: int, seed: int, jobs: int, timeout: int, memory_mb: int, keep: Path) -> dict:
    """Run every case, ``jobs`` at a time; return the figures."""
    # everything a case runs is imported once, before the forks (fast children, and one
    # version of the code even when the files change during a long run)
    import assembler.build  # noqa: F401
    import assembler.checks  # noqa: F401
    import assembler.cli  # noqa: F401
    import assembler.convert  # noqa: F401
    import assembler.records.dump  # noqa: F401
    import assembler.workbook.reader  # noqa: F401
    import assembler.workbook.writer  # noqa: F401

    for path in WORKBOOKS:
        _workbook(path)  # parsed once too
    keep.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="planbook-fuzz-"))
    total = records + workbooks
    codes: Counter = Counter()
    failures: list[dict] = []
    slowest = {"seconds": 0.0}
    peak = {"mb": 0.0}
    running: dict[int, tuple[int, float, Path]] = {}
    started = time.monotonic()
    next_index = 0

    def reap() -> None:
        pid, status, usage = os.wait4(-1, 0)
        index, t0, folder = running.pop(pid)
        seconds = time.monotonic() - t0
        code = os.waitstatus_to_exitcode(status)
        label = f"signal {-code}" if code < 0 else str(code)
        codes[label] += 1
        mb = usage.ru_maxrss / 1024
        name = next((p for p in folder.glob("case*") if "-out" not in p.name), None)
        if code not in (0, 1, 2):
            failures.append({"case": index, "exit": label, "seconds": round(seconds, 2)})
            if name is not None:
                shutil.copy(name, keep / name.name)
        if seconds > slowest["seconds"]:
            slowest.update(case=index, seconds=round(seconds, 2), exit=label)
            if name is not None:
                for old in keep.glob("slowest-*"):
                    old.unlink()
                shutil.copy(name, keep / f"slowest-{name.name}")
        if mb > peak["mb"]:
            peak.update(case=index, mb=round(mb, 1))
        shutil.rmtree(folder, ignore_errors=True)

    while next_index < total or running:
        while next_index < total and len(running) < jobs:
            folder = work / str(next_index)
            folder.mkdir()
            pid = os.fork()
            if pid == 0:
                _child(next_index, seed, records, folder, timeout, memory_mb * 1024 * 1024)
            running[pid] = (next_index, time.monotonic(), folder)
            next_index += 1
        reap()
        done = sum(codes.values())
        if done % 500 == 0:
            print(f"  {done}/{total} {dict(codes)} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "records": records,
        "workbooks": workbooks,
        "seed": seed,
        "exit_codes": dict(sorted(codes.items())),
        "failures": failures[:50],
        "failed": len(failures),
        "slowest": slowest,
        "peak_memory": peak,
        "seconds": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--workbooks", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=20, help="seconds per case")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address space per case (RLIMIT_AS)")
    parser.add_argument("--keep", type=Path, default=Path("fuzz-cases"), help="where failing and slowest cases are kept")
    args = parser.parse_args(argv)
    figures = run(args.records, args.workbooks, args.seed, args.jobs, args.timeout, args.memory_mb, args.keep)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
    return 1 if figures["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
