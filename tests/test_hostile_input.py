"""Hostile and broken records (issue 10): refused with a located Thai/English message and exit 2,
quickly, in bounded memory; never a hang, a crash (exit 3) or a book a later step cannot write."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assembler.cli import main
from assembler.loading import load
from assembler.records.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_FILE_BYTES

from .conftest import ROOT
from .test_bad_input import MINIMAL, line_of, write  # the same records and helpers


def bilingual(err: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in err) and any(ch.isascii() and ch.isalpha() for ch in err)


def _limits() -> None:
    limit = 1024**3  # 1 GB of address space beyond what Python itself maps
    resource.setrlimit(resource.RLIMIT_AS, (limit + 600 * 1024**2, resource.RLIM_INFINITY))


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """Run planbook in a child process with a time and memory limit (a bomb must not take the tests down)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "assembler", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=ROOT,
            preexec_fn=_limits,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"planbook {' '.join(args)} ran past {timeout} s")


def assert_refused(proc: subprocess.CompletedProcess, path: Path, *words: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert str(path) in proc.stderr and bilingual(proc.stderr)
    for word in words:
        assert word in proc.stderr


# --------------------------------------------------------------------------- YAML features records never need


def test_alias_bomb_is_refused_quickly(tmp_path):
    """Issue 10, 1: a 500-byte file whose aliases expand to 10^8 values."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("book: anticorruption")
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert path.stat().st_size < 800
    started = time.monotonic()
    proc = run_cli("validate", str(path), timeout=60)
    assert time.monotonic() - started < 20
    assert_refused(proc, path, f"{MAX_ALIAS_NODES:,}")


def test_small_aliases_are_still_read(tmp_path):
    text = MINIMAL.replace("prepared_by: [สำนักปลัด]", "prepared_by: &who [สำนักปลัด]").replace(
        "  paragraphs:\n", "  signature: *who\n  paragraphs:\n"
    )
    plan, _ = load(write(tmp_path, text))
    assert plan.foreword.signature == plan.organisation.prepared_by == ["สำนักปลัด"]


YAML_CASES = {
    # name: (text to put in place of "  province: ลำปาง", words the message must hold)
    "self-referencing alias": ("  province: &p [*p]", ("*p",)),
    "merge key": ("  base: &b {x: 1}\n  other:\n    <<: *b", ("<<",)),
    "int tag": ("  province: !!int 5", ("tag:yaml.org,2002:int",)),
    "binary tag": ("  province: !!binary aGVsbG8=", ("tag:yaml.org,2002:binary",)),
    "python tag": ("  province: !!python/object:os.system x", ("python/object",)),
    "local tag": ("  province: !thing ลำปาง", ("!thing",)),
    "mapping as a key": ("  ? {a: 1}\n  : ลำปาง", ("keys",)),
    "list as a key": ("  ? [a, b]\n  : ลำปาง", ("keys",)),
    "4,300-digit number": ("  province: " + "9" * 4400, ("digits",)),
    "infinite number": ("  province: .inf", ("finite",)),
    "NaN": ("  province: .nan", ("finite",)),
    "overflowing float": ("  province: 1.0e+400", ("finite",)),
    "two documents": ("  province: ลำปาง\n---\nbook: operations", ("document",)),
}


@pytest.mark.parametrize("case", list(YAML_CASES))
def test_yaml_features_records_never_need_are_refused(case, tmp_path, capsys):
    """Issue 10, 3: these ended in RecursionError, TypeError, ValueError… (exit 3)."""
    replacement, words = YAML_CASES[case]
    text = MINIMAL.replace("  province: ลำปาง", replacement)
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and bilingual(err)
    lines = replacement.strip().splitlines()
    first = {"two documents": "---", "mapping as a key": lines[0], "list as a key": lines[0]}.get(case, lines[-1])
    assert f"{path}:{line_of(text, first)}:" in err, err
    for word in words:
        assert word in err


@pytest.mark.parametrize("opening,closing", [("[", "]"), ("{a: ", "}"), ("- ", "")])
def test_deep_nesting_is_refused(opening, closing, tmp_path, capsys):
    """Issue 10, 3: 3,000 levels of [ ran past Python's recursion limit."""
    depth = 3000
    body = opening * depth + "x" + closing * depth
    path = write(tmp_path, "book: anticorruption\nunits:\n  " + body + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    # refused by planbook's limit, or by libyaml's own (1,000 levels) before it
    assert f"more than {MAX_DEPTH} levels" in err or "nesting depth" in err
    assert f"{path}:3:" in err


def test_nesting_past_the_limit_is_refused(tmp_path, capsys):
    path = write(tmp_path, "book: anticorruption\nunits:\n  " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    assert main(["validate", str(path)]) == 2
    assert f"{path}:3: units" in capsys.readouterr().err


def test_nesting_within_the_limit_is_read(tmp_path):
    path = write(tmp_path, "a: " + "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1) + "\n")
    from assembler.records.loader import read_records

    data, _ = read_records(path)
    for _ in range(MAX_DEPTH - 1):
        data = data["a"] if isinstance(data, dict) else data[0]
    assert data == ["x"]


def test_keys_are_text_as_written(tmp_path, capsys):
    """`yes:` is a misspelt field, not True; a year key still reads as a year."""
    text = MINIMAL.replace("  province: ลำปาง", "  province: ลำปาง\n  yes: 1")
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line_of(text, 'yes: 1')}: organisation.yes" in err
    plan, _ = load(write(tmp_path, MINIMAL, "ok.yaml"))
    assert plan.dimensions[0].missions[0].items[0].budget.years == {2566: 20000, 2567: 25000, 2568: None}


def test_book_that_is_not_a_word(tmp_path, capsys):
    """Issue 10, 3: `book: [anticorruption]` was unhashable (TypeError, exit 3)."""
    text = MINIMAL.replace("book: anticorruption", "book: [anticorruption]")
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:1: book" in err and "internal error" not in err


def test_date_like_text_is_text(tmp_path):
    """Issue 10, 3: `remarks: 2566-02-29` was read as a date (and 2566 has no 29 February)."""
    text = MINIMAL.replace("budget: 5000", "budget: 5000\n                remarks: 2566-02-29")
    plan, _ = load(write(tmp_path, text))
    item = plan.dimensions[1].missions[0].missions[0].items[0]
    assert item.remarks == "2566-02-29"
    text = MINIMAL.replace("budget: 5000", "budget: 5000\n                remarks: 2566-02-28 10:30:00")
    plan, _ = load(write(tmp_path, text))
    assert plan.dimensions[1].missions[0].missions[0].items[0].remarks == "2566-02-28 10:30:00"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize("value", [".inf", ".nan", "1.0e+308", "1000000000001", "\"1,000,000,000,001\"", "1.0e+13"])
def test_budgets_are_finite_and_plausible(value, tmp_path, capsys):
    """Issue 10, 3 and 8: `.inf` overflowed, NaN gave English only, 1e308 was accepted."""
    text = MINIMAL.replace("budget: 5000", f"budget: {value}")
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line_of(text, f'budget: {value}')}:" in err and bilingual(err.split("\n", 1)[1])
    assert "internal error" not in err


def test_a_trillion_baht_is_still_a_budget(tmp_path):
    plan, _ = load(write(tmp_path, MINIMAL.replace("budget: 5000", "budget: 1000000000000")))
    assert plan.dimensions[1].missions[0].missions[0].items[0].budget.every_year == 10**12


# --------------------------------------------------------------------------- files that are not records files


@pytest.mark.parametrize("name", ["plan.yaml", "plan.xlsx"])
def test_fifo_is_refused_without_waiting(name, tmp_path):
    """Issue 10, 7: `validate` waited forever on a FIFO."""
    path = tmp_path / name
    os.mkfifo(path)
    assert_refused(run_cli("validate", str(path), timeout=20), path, "regular file")


def test_symlink_to_dev_zero_is_refused(tmp_path):
    """Issue 10, 7: a symlink to /dev/zero ended in MemoryError."""
    path = tmp_path / "plan.yaml"
    path.symlink_to("/dev/zero")
    assert_refused(run_cli("validate", str(path), timeout=20), path, "regular file")


def test_folder_named_like_records_is_refused(tmp_path):
    from assembler.errors import InputError
    from assembler.records.loader import read_records

    path = tmp_path / "plan.yaml"
    path.mkdir()
    with pytest.raises(InputError) as info:
        read_records(path)
    assert "regular file" in str(info.value)


def test_file_past_the_size_limit_is_refused(tmp_path, capsys):
    path = write(tmp_path, MINIMAL + "#" * MAX_FILE_BYTES + "\n")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "MB" in err and bilingual(err)


def test_reading_stops_at_the_limit(tmp_path):
    from assembler.errors import InputError
    from assembler.records import loader

    path = write(tmp_path, "book: x\n" + "#" * 5000)
    with pytest.raises(InputError) as info:
        loader.read_bytes(path, limit=1000)
    assert "larger than" in str(info.value)
    data = loader.read_bytes(path, limit=6000)
    assert len(data) == path.stat().st_size


# --------------------------------------------------------------------------- text later steps cannot write


TEXT_CASES = {
    "right-to-left override": ("name: โครงการอบรมคุณธรรม", "name: \"โครงการ\\u202Eอบรมคุณธรรม\"", "U+202E"),
    "control character": ("name: โครงการอบรมคุณธรรม", "name: \"โครงการ\\x01อบรม\"", "U+0001"),
    "form feed": ("province: ลำปาง", "province: \"ลำ\\fปาง\"", "U+000C"),
    "isolate": ("title: การสร้างจิตสำนึกแก่เยาวชน", "title: \"\\u2067การสร้าง\\u2069\"", "U+2067"),
    "text too long": ("province: ลำปาง", "province: " + "ก" * 10_001, "10,000"),
}


@pytest.mark.parametrize("case", list(TEXT_CASES))
def test_text_that_cannot_be_written_is_refused_by_validate(case, tmp_path, capsys):
    """Issue 10, 4 and 8: such text passed `validate`, then reversed a paragraph or crashed `convert`."""
    old, new, words = TEXT_CASES[case]
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line_of(text, new[:12])}:" in err and words in err and bilingual(err)


# --------------------------------------------------------------------------- valid means every step works


LONG_TITLE = "แผนปฏิบัติการป้องกันการทุจริตขององค์การบริหารส่วนตำบลทดสอบ" * 6  # 342 characters


def test_a_long_title_builds_whole_and_cuts_only_the_docx_property(tmp_path):
    """Issue 10, 4: a title over ~233 characters passed validate and crashed build (DOCX core property)."""
    import docx

    from assembler.render.docx import CORE_PROPERTY_CHARS

    assert len(LONG_TITLE) > CORE_PROPERTY_CHARS
    text = MINIMAL.replace("  years: [2566, 2567, 2568]", f"  years: [2566, 2567, 2568]\n  title: {LONG_TITLE}")
    path = write(tmp_path, text)
    out = tmp_path / "out"
    assert main(["build", str(path), "-o", str(out)]) == 0
    document = docx.Document(str(out / "plan.docx"))
    title = document.core_properties.title
    assert len(title) == CORE_PROPERTY_CHARS and title.endswith("…")
    assert LONG_TITLE.startswith(title[:-1])
    body = "".join(p.text for p in document.paragraphs).replace("\u200b", "")
    assert LONG_TITLE in body  # the book prints it whole


def test_text_with_tabs_and_line_breaks_goes_through_every_step(tmp_path):
    """What validate accepts, build, workbook --from and convert can write (and read back)."""
    text = MINIMAL.replace("budget: 5000", 'budget: 5000\n                remarks: "ก\\tข\\nค"')
    path = write(tmp_path, text)
    assert main(["validate", str(path)]) == 1  # warnings only: items without detail sheets
    assert main(["workbook", "--from", str(path), str(tmp_path / "plan.xlsx")]) == 0
    assert main(["convert", str(tmp_path / "plan.xlsx"), str(tmp_path / "back.yaml")]) == 0
    plan, _ = load(tmp_path / "back.yaml")
    assert plan.dimensions[1].missions[0].missions[0].items[0].remarks == "ก\tข\nค"


@pytest.mark.parametrize("example", ["anticorruption-workbook.xlsx", "operations-2567-workbook.xlsx"])
@pytest.mark.parametrize("sheet,header", [("ข้อความ", "ส่วน"), ("ข้อความ", "ข้อความ")])
def test_workbook_with_a_renamed_header_names_the_column(example, sheet, header, tmp_path, capsys):
    """Issue 10, 3: a workbook whose header ส่วน was renamed ended in KeyError (exit 3)."""
    import openpyxl

    wb = openpyxl.load_workbook(ROOT / "examples" / example)
    cell = next(c for c in wb[sheet][1] if c.value == header)
    cell.value = header + "ที่"
    path = tmp_path / example
    wb.save(path)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err
    assert f"{sheet}!A1" in err and header in err and "missing" in err


# --------------------------------------------------------------------------- workbooks store text as text


FORMULAS = ["=cmd|' /C calc'!A0", "=1+1", "=HYPERLINK(\"http://example.com\",\"x\")", "= ราคากลาง"]


@pytest.mark.parametrize("command", ["workbook", "convert"])
def test_text_starting_with_equals_is_a_string_cell_and_reads_back(command, tmp_path):
    """Issue 10, 2: record text starting with "=" was written as a live formula and did not round trip."""
    import zipfile

    import openpyxl

    text = (
        MINIMAL.replace("name: โครงการอบรมคุณธรรม", f"name: {yaml_quote(FORMULAS[0])}")
        .replace("budget: 5000", f"budget: 5000\n                remarks: {yaml_quote(FORMULAS[1])}")
        .replace("province: ลำปาง", f"province: {yaml_quote(FORMULAS[2])}")
        .replace("title: การสร้างจิตสำนึกแก่เยาวชน", f"title: {yaml_quote(FORMULAS[3])}")
    )
    path = write(tmp_path, text)
    xlsx = tmp_path / "plan.xlsx"
    args = ["workbook", "--from", str(path), str(xlsx)] if command == "workbook" else ["convert", str(path), str(xlsx)]
    assert main(args) == 0
    with zipfile.ZipFile(xlsx) as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any(b"<f>" in s or b"<f " in s for s in sheets)
    wb = openpyxl.load_workbook(xlsx)
    found = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in FORMULAS}
    assert found == set(FORMULAS)
    assert all(c.data_type == "s" for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value in FORMULAS)
    plan, _ = load(xlsx)
    original, _ = load(path)
    assert plan == original


def yaml_quote(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def test_a_megabyte_of_records_is_read_within_two_seconds(tmp_path):
    """Issue 10, acceptance: a records file of at most 1 MB is read (or refused) within 2 s."""
    from assembler.checks import check

    text = (ROOT / "examples" / "anticorruption.yaml").read_text(encoding="utf-8")
    head, sep, dimensions = text.partition("\ndimensions:\n")
    body = dimensions
    while len((head + sep + body + dimensions).encode()) <= 1_000_000:
        body += dimensions
    path = write(tmp_path, head + sep + body)
    assert 800_000 < path.stat().st_size <= 1_000_000
    started = time.process_time()
    plan, located = load(path)
    check(plan, located)
    assert time.process_time() - started < 2
    assert len(plan.dimensions) > 20


def test_a_workbook_with_100000_extra_rows_is_refused_quickly(tmp_path, capsys):
    """Issue 10, 8: a workbook with 100,000 extra rows took 25 s before it was refused."""
    import zipfile

    from assembler.records.limits import MAX_WORKBOOK_CELLS

    source = ROOT / "examples" / "operations-2567-workbook.xlsx"
    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "xl/worksheets/sheet6.xml":
                rows = "".join(
                    f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{r}</t></is></c></row>' for r in range(1000, 101_000)
                )
                data = data.replace(b"</sheetData>", rows.encode() + b"</sheetData>")
            zout.writestr(info, data)
    started = time.process_time()
    assert main(["validate", str(path)]) == 2
    assert time.process_time() - started < 5
    err = capsys.readouterr().err
    assert f"more than {MAX_WORKBOOK_CELLS:,} cells" in err and err.count("error") == 1


def test_a_workbook_with_a_damaged_sheet_stream_is_bad_input(tmp_path, capsys):
    """Found by the fuzz test: a corrupt deflate stream (zlib.error) while counting cells was exit 3."""
    import zipfile

    source = ROOT / "examples" / "anticorruption-workbook.xlsx"
    blob = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for offset in range(start + 100, start + info.compress_size - 100, 997):
        blob[offset] ^= 0x5A
    path = tmp_path / "plan.xlsx"
    path.write_bytes(bytes(blob))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "damaged" in err and "internal error" not in err
