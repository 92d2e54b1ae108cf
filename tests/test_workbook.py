"""Excel workbooks: blank and filled workbooks, round trips, forgiving reading, refused files."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from assembler.cli import main
from assembler.loading import load

from .conftest import FIXTURES, ROOT

RECORDS = sorted((ROOT / "examples").glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml"))


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("source", RECORDS, ids=lambda p: p.name)
def test_round_trip_is_lossless(source, tmp_path, capsys):
    """YAML → XLSX → YAML gives back the same records, and the same workbook again."""
    original, _ = load(source)
    xlsx, back = tmp_path / "plan.xlsx", tmp_path / "back.yaml"
    assert run(capsys, "convert", source, xlsx)[0] == 0
    from_xlsx, located = load(xlsx)
    assert from_xlsx == original
    assert located.notices == []
    assert run(capsys, "convert", xlsx, back)[0] == 0
    assert load(back)[0] == original
    again = tmp_path / "again.xlsx"
    assert run(capsys, "convert", back, again)[0] == 0
    assert again.read_bytes() == xlsx.read_bytes()


@pytest.mark.parametrize("name", ["anticorruption-workbook.xlsx", "operations-2567-workbook.xlsx"])
def test_example_workbooks_hold_the_example_records(name):
    """The workbooks in examples/ are the workbook form of their YAML books (kept in step)."""
    yaml_name = name.replace("-workbook.xlsx", ".yaml")
    assert load(ROOT / "examples" / name)[0] == load(ROOT / "examples" / yaml_name)[0]


@pytest.mark.parametrize("book", ["anticorruption", "operations"])
def test_blank_workbook_is_ready_to_fill(book, tmp_path, capsys):
    out = tmp_path / "blank.xlsx"
    code, stdout, _ = run(capsys, "workbook", book, out)
    assert code == 0 and str(out) in stdout
    wb = load_workbook(out)
    expected = {
        "anticorruption": ["วิธีกรอก", "ข้อมูลแผน", "หน่วยงาน", "ข้อความ", "มิติและภารกิจ", "รายการ", "รายละเอียด"],
        "operations": ["วิธีกรอก", "ข้อมูลแผน", "หน่วยงาน", "ข้อความ", "ยุทธศาสตร์", "โครงการ", "รายละเอียด", "ระยะเวลา"],
    }[book]
    assert wb.sheetnames == expected
    assert wb["วิธีกรอก"].max_row > 30  # the instructions
    lists: dict[str, str] = {}
    for ws in wb.worksheets[2:]:
        assert ws.freeze_panes == "A3"
        headers = [c.value for c in ws[1]]
        hints = [c.value for c in ws[2]]
        assert all(headers) and all(hints) and len(headers) == len(hints)
        assert ws.max_row == 2, "a blank workbook has no records"
        for column in "AB":
            assert ws.column_dimensions[column].width > 5
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                lists[f"{ws.title}!{ws.cell(1, rng.min_col).value}"] = dv.formula1
    if book == "anticorruption":
        assert "โครงการ" in lists["รายการ!ประเภท"] and "แนวปฏิบัติงาน" in lists["รายการ!ประเภท"]
        assert lists["รายการ!หน่วยงาน"].startswith("'หน่วยงาน'!$A$3")
        assert lists["รายการ!ภารกิจ"].startswith("'มิติและภารกิจ'!$A$3")
        assert "เป้าหมายเชิงปริมาณ" in lists["รายละเอียด!หัวข้อ"]
    else:
        assert lists["ระยะเวลา!เดือนเริ่ม"] == '"ต.ค.,พ.ย.,ธ.ค.,ม.ค.,ก.พ.,มี.ค.,เม.ย.,พ.ค.,มิ.ย.,ก.ค.,ส.ค.,ก.ย."'
        assert lists["โครงการ!แนวทาง"].startswith("'ยุทธศาสตร์'!$A$3")
        assert lists["โครงการ!หน่วยดำเนินการ"].startswith("'หน่วยงาน'!$A$3")
    # and it is refused as records until filled in, with each missing part located
    code, _, err = run(capsys, "validate", out)
    assert code == 2
    assert "ข้อมูลแผน!B3 (ชื่อ อปท.)" in err and "Field required" in err


def test_workbook_never_overwrites_without_force(tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    out.write_bytes(b"somebody's week of work")
    code, _, err = run(capsys, "workbook", "anticorruption", out)
    assert code == 2 and "--force" in err
    assert out.read_bytes() == b"somebody's week of work"
    assert run(capsys, "workbook", "anticorruption", out, "--force")[0] == 0
    assert out.read_bytes()[:2] == b"PK"
    code, _, err = run(capsys, "convert", out, out, "--force")
    assert code == 2 and "input" in err


def _rows(ws) -> dict[str, int]:
    return {str(ws.cell(r, 1).value).strip(): r for r in range(1, ws.max_row + 1)}


def _fill(ws, rows: list[list]) -> None:
    for r, values in enumerate(rows, start=3):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)


def fill_minimal_by_hand(path: Path) -> None:
    """Fill a blank anticorruption workbook with tests/fixtures/minimal.yaml, as staff would type it.

    Thai digits, numbers typed as text, stray spaces, merged cells, a blank
    meaning "same as above", an extra column, an extra sheet and a hidden row.
    """
    wb = load_workbook(path)
    info = wb["ข้อมูลแผน"]
    at = _rows(info)
    for label, value in {
        "ชื่อ อปท.": "องค์การบริหารส่วนตำบลทดสอบ  ",
        "ประเภท อปท.": "อบต.",
        "จังหวัด": " ลำปาง",
        "ผู้จัดทำ": "สำนักปลัด",
        "ปีแรกของแผน": "๒๕๖๖",
        "ปีสุดท้ายของแผน": 2568,
    }.items():
        info.cell(at[label], 2, value)
    _fill(wb["หน่วยงาน"], [["สป.", "สำนักปลัด"], ["คลัง ", "กองคลัง"]])
    texts = wb["ข้อความ"]
    _fill(texts, [
        ["คำนำ", None, "องค์การบริหารส่วนตำบลทดสอบจัดทำแผนปฏิบัติการป้องกันการทุจริตเพื่อใช้เป็นกรอบการดำเนินงานในปีงบประมาณ พ.ศ. ๒๕๖๖ ถึง ๒๕๖๘"],
        ["จุดแข็ง", None, "มีโครงสร้างชัดเจน"],
        [None, None, "ผู้บริหารสนับสนุน"],
        ["จุดอ่อน", None, "บุคลากรน้อย"],
        ["โอกาส", None, "มีนโยบายชัดเจน"],
        ["อุปสรรค", None, "งบประมาณจำกัด"],
        ["อุปสรรค", None, "ภัยธรรมชาติ"],
        ["หลักการและเหตุผล", None, "การทุจริตเป็นปัญหาสำคัญที่ต้องแก้ไขร่วมกันทุกภาคส่วน"],
        ["วัตถุประสงค์", "๑", "เพื่อเป็นกรอบการดำเนินงาน"],
        ["เป้าหมาย", 1, "บุคลากรมีจิตสำนึก"],
        ["ประโยชน์", None, "ประชาชนเชื่อมั่น"],
    ])
    texts.merge_cells("A4:A5")  # จุดแข็ง over both of its rows
    _fill(wb["มิติและภารกิจ"], [
        ["1", "การสร้างสังคมที่ไม่ทนต่อการทุจริต"],
        ["๑.๑", "การสร้างจิตสำนึกแก่บุคลากร"],
        [1.2, "การสร้างจิตสำนึกแก่เยาวชน"],
        [2, "การบริหารราชการเพื่อป้องกันการทุจริต"],
        ["2.1", "มาตรการสร้างความโปร่งใส"],
        ["2.1.1", "ด้านการจัดซื้อจัดจ้าง"],
    ])
    items = wb["รายการ"]
    header = [c.value for c in items[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    extra = len(header) + 1
    items.cell(1, extra, "หมายเหตุภายใน")  # a column of the office's own
    rows = [
        {"ที่": "๑", "ภารกิจ": "1.1", "ประเภท": "โครงการ", "ชื่อ": "โครงการอบรมคุณธรรม", "หน่วยงาน": "สป.",
         "งบประมาณ ปีที่ 1": "๒๐,๐๐๐", "งบประมาณ ปีที่ 2": " 25000 ", "งบประมาณ ปีที่ 3": "-"},
        {"ที่": "2", "ประเภท": "กิจกรรม", "ชื่อ": "กิจกรรมเผยแพร่ข่าวสาร", "หน่วยงาน": "คลัง",
         "งบประมาณทุกปี": "ไม่ใช้งบประมาณ"},
        {"ที่": "99", "ภารกิจ": "1.1", "ประเภท": "โครงการ", "ชื่อ": "โครงการที่ตัดออกแล้ว", "หน่วยงาน": "สป."},
        {"ที่": 3, "ภารกิจ": "2.1.1", "ประเภท": "มาตรการ", "ชื่อ": "มาตรการเผยแพร่แผนจัดซื้อจัดจ้าง", "หน่วยงาน": "คลัง",
         "งบประมาณทุกปี": 5000.0},
    ]
    for r, row in enumerate(rows, start=3):
        for key, value in row.items():
            items.cell(r, col[key], value)
    items.merge_cells(start_row=3, start_column=col["ภารกิจ"], end_row=4, end_column=col["ภารกิจ"])
    items.cell(3, extra, "ตรวจแล้ว")
    items.row_dimensions[5].hidden = True  # a withdrawn item, hidden rather than deleted
    _fill(wb["รายละเอียด"], [
        ["1", "หลักการและเหตุผล", None, "บุคลากรต้องมีคุณธรรม"],
        [None, "วัตถุประสงค์", None, "เพื่อให้บุคลากรมีคุณธรรม"],
        [None, None, None, "เพื่อสร้างเครือข่าย"],
        [None, "เป้าหมายเชิงปริมาณ", None, "บุคลากร ๓๐ คน"],
        [None, "เป้าหมายเชิงคุณภาพ", None, "บุคลากรมีจิตสำนึก"],
        [None, "พื้นที่ดำเนินการ", None, "สำนักงาน"],
        [None, "วิธีดำเนินการ", 1, "เสนอโครงการ"],
        [None, "วิธีดำเนินการ", 1, "จัดอบรม"],
        [None, "วิธีดำเนินการ", "๒", "บรรยาย"],
        [None, "วิธีดำเนินการ", 2, "ศึกษาดูงาน"],
        [None, "เดือนเริ่ม", None, "ต.ค. ๒๕๖๕"],
        [None, "เดือนสิ้นสุด", None, "2567-09"],
        [None, "ตัวชี้วัด", None, "ร้อยละ ๘๐ ผ่านการประเมิน"],
    ])
    wb.create_sheet("ร่าง")["A1"] = "บันทึกของฝ่ายแผน"
    wb.save(path)


def test_workbook_filled_by_hand_builds_the_same_book(tmp_path, capsys):
    """A blank workbook filled as a person would builds the book the equivalent YAML builds, byte for byte."""
    xlsx = tmp_path / "by-hand.xlsx"
    assert run(capsys, "workbook", "anticorruption", xlsx)[0] == 0
    fill_minimal_by_hand(xlsx)
    assert load(xlsx)[0] == load(FIXTURES / "minimal.yaml")[0]

    out_x, out_y = tmp_path / "from-xlsx", tmp_path / "from-yaml"
    code, _, err = run(capsys, "build", xlsx, "-o", out_x)
    assert code == 0, err
    # what was skipped is said, with its place
    assert "ร่าง" in err and "this sheet is not part of the records" in err
    assert "skipped hidden rows: 5" in err
    assert "this column is not part of the workbook layout" in err
    assert run(capsys, "build", FIXTURES / "minimal.yaml", "-o", out_y)[0] == 0
    for fmt in ("pdf", "docx"):
        assert (out_x / f"by-hand.{fmt}").read_bytes() == (out_y / f"minimal.{fmt}").read_bytes(), fmt


def test_workbook_saved_by_libreoffice_reads_the_same(capsys):
    """A workbook edited and saved by LibreOffice Calc (formulas, merged and Thai-digit cells) is read right.

    tests/fixtures/make_libreoffice_fixture.py made it; its formula cells hold
    the values Calc calculated.
    """
    path = FIXTURES / "operations-libreoffice.xlsx"
    wb = load_workbook(path)
    assert any(c.data_type == "f" for row in wb["โครงการ"].iter_rows() for c in row), "the fixture keeps its formulas"
    assert wb["ระยะเวลา"].merged_cells.ranges
    assert load(path)[0] == load(FIXTURES / "operations-minimal.yaml")[0]


def test_notices_do_not_fail_validation(tmp_path, capsys):
    xlsx = tmp_path / "plan.xlsx"
    assert run(capsys, "convert", FIXTURES / "operations-minimal.yaml", xlsx)[0] == 0
    wb = load_workbook(xlsx)
    wb.create_sheet("notes")
    wb.save(xlsx)
    code, out, err = run(capsys, "validate", xlsx)
    assert code == 0, err
    assert "notes" in err and "notice" in err


def test_folders_skip_excel_lock_files(tmp_path, capsys):
    xlsx = tmp_path / "plan.xlsx"
    assert run(capsys, "convert", FIXTURES / "operations-minimal.yaml", xlsx)[0] == 0
    (tmp_path / "~$plan.xlsx").write_bytes(b"\x00lock")
    code, out, err = run(capsys, "validate", tmp_path)
    assert code == 0, err
    assert "~$" not in out + err


def test_workbook_from_records_holds_them(tmp_path, capsys):
    out = tmp_path / "filled.xlsx"
    code, stdout, _ = run(capsys, "workbook", "--from", FIXTURES / "operations-minimal.yaml", out)
    assert code == 0 and str(out) in stdout
    assert load(out)[0] == load(FIXTURES / "operations-minimal.yaml")[0]
    projects = load_workbook(out)["โครงการ"]
    assert [projects.cell(r, 1).value for r in range(3, projects.max_row + 1)] == ["1", "2", "2.1", "2.2"]
    code, _, err = run(capsys, "workbook", "operations", "--from", FIXTURES / "operations-minimal.yaml", out)
    assert code == 2 and "--from" in err
