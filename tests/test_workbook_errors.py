"""Broken workbooks: each is refused with its sheet and cell, exit code 2, no traceback, no output."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assembler.cli import main
from assembler.ziputil import OLE_MAGIC

from .conftest import FIXTURES


def good_workbook(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "plan.xlsx"
    assert main(["convert", str(FIXTURES / source), str(path)]) == 0
    return path


def edit(tmp_path: Path, source: str, change) -> Path:
    path = good_workbook(tmp_path, source)
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def set_cell(sheet: str, ref: str, value):
    def change(wb):
        wb[sheet][ref] = value

    return change


def error_cell(wb):
    cell = wb["รายการ"]["G3"]
    cell.value = "#DIV/0!"
    cell.data_type = "e"


def duplicate_item(wb):
    ws = wb["รายการ"]
    ws["A4"] = ws["A3"].value


def uncalculated(wb):
    wb["รายการ"]["G3"] = "=20000+5000"  # openpyxl stores no calculated value


def raw(data: bytes):
    def make(tmp_path: Path) -> Path:
        path = tmp_path / "plan.xlsx"
        path.write_bytes(data)
        return path

    return make


def zip_bomb(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (150 * 1024 * 1024))
    path = tmp_path / "plan.xlsx"
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 1024 * 1024
    return path


def renamed_docx(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return raw(buffer.getvalue())(tmp_path)


AC, OPS = "minimal.yaml", "operations-minimal.yaml"
CASES = {
    # name: (make the broken file, expected place, Thai words, English words)
    "wrong type: text in a budget cell": (
        lambda t: edit(t, AC, set_cell("รายการ", "G3", "สองหมื่น")), "รายการ!G3", "งบประมาณต้องเป็นจำนวนเงิน", "found 'สองหมื่น'"),
    "wrong type: text for the plan's first year": (
        lambda t: edit(t, AC, set_cell("ข้อมูลแผน", "B8", "ปีหน้า")), "ข้อมูลแผน!B8", "ต้องเป็นจำนวนเต็ม", "found 'ปีหน้า'"),
    "wrong kind": (lambda t: edit(t, AC, set_cell("รายการ", "C3", "นโยบาย")), "รายการ!C3", "ต้องเป็นหนึ่งใน", "found 'นโยบาย'"),
    "missing sheet": (lambda t: edit(t, AC, lambda wb: wb.remove(wb["หน่วยงาน"])), "หน่วยงาน", "ไม่พบแผ่นงาน", "is missing"),
    "missing column": (lambda t: edit(t, AC, set_cell("รายการ", "D1", "ชื่อโครงการเต็ม")), "รายการ!A1", "ไม่พบหัวคอลัมน์ ชื่อ", "missing"),
    "bad month": (lambda t: edit(t, OPS, set_cell("ระยะเวลา", "B3", "ตุลา")), "ระยะเวลา!B3", "ไม่รู้จักเดือน", "unknown month 'ตุลา'"),
    "month outside the fiscal year": (
        lambda t: edit(t, OPS, set_cell("ระยะเวลา", "B5", "ต.ค. 2566")), "ระยะเวลา!B5", "อยู่นอกปีงบประมาณ 2566", "outside fiscal year"),
    "detail month without a year": (
        lambda t: edit(t, AC, set_cell("รายละเอียด", "D13", "ต.ค.")), "รายละเอียด!D13", "เดือนพร้อมปี", "Buddhist-era year"),
    "duplicate items": (lambda t: edit(t, AC, duplicate_item), "รายการ!A4", "ซ้ำกับแถว 3", "repeats row 3"),
    "duplicate project number": (
        lambda t: edit(t, OPS, set_cell("โครงการ", "A4", "1")), "โครงการ!A4", "ซ้ำกับแถว 3", "repeats row 3"),
    "unknown mission code": (lambda t: edit(t, AC, set_cell("รายการ", "B3", "7.1")), "รายการ!B3", "ไม่พบภารกิจรหัส 7.1", "no mission 7.1"),
    "item under a dimension": (lambda t: edit(t, AC, set_cell("รายการ", "B3", "1")), "รายการ!B3", "เป็นมิติ", "is a dimension"),
    "detail for an unknown item": (lambda t: edit(t, AC, set_cell("รายละเอียด", "A3", "12")), "รายละเอียด!A3", "ไม่พบเลขที่ 12", "no item number 12"),
    "budget both every year and per year": (
        lambda t: edit(t, AC, set_cell("รายการ", "F3", 1000)), "รายการ!F3", "อย่างใดอย่างหนึ่ง", "not both"),
    "sub-entry without a main entry": (
        lambda t: edit(t, AC, set_cell("ข้อความ", "B13", 2)), "ข้อความ!C13", "ต้องอยู่ใต้ข้อระดับ 1", "must follow a level 1"),
    "missing required text": (lambda t: edit(t, AC, set_cell("รายการ", "D3", None)), "รายการ!D3 (ชื่อ)", "ขาดข้อมูลที่จำเป็น", "Field required"),
    "formula error cell": (lambda t: edit(t, AC, error_cell), "รายการ!G3", "ค่าผิดพลาดจากสูตร (#DIV/0!)", "formula error"),
    "formula never calculated": (lambda t: edit(t, AC, uncalculated), "รายการ!G3", "ยังไม่เคยคำนวณ", "never calculated"),
    "not a workbook, renamed .xlsx": (raw("book: anticorruption\n".encode()), "", "ไม่ใช่สมุดงาน Excel", "not an Excel workbook"),
    "a Word file renamed .xlsx": (renamed_docx, "", "ไม่ใช่สมุดงาน Excel", "not an Excel workbook"),
    # encrypted with the password "planbook" by msoffcrypto-tool, as Excel does on "Encrypt with Password"
    "password protected": (raw((FIXTURES / "password-protected.xlsx").read_bytes()), "", "รหัสผ่าน", "password protected"),
    "old .xls saved as .xlsx": (raw(OLE_MAGIC + b"\0" * 512), "", ".xls", "old-style Excel file"),
    "oversized archive (zip bomb)": (zip_bomb, "", "ใหญ่ผิดปกติ", "zip bomb"),
    "empty file": (raw(b""), "", "ไม่ใช่สมุดงาน Excel", "not an Excel workbook"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_broken_workbook_is_refused_with_its_cell(case, tmp_path, capsys):
    make, place, thai, english = CASES[case]
    path = make(tmp_path)
    out_dir = tmp_path / "out"

    code = main(["build", str(path), "-o", str(out_dir)])

    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert f"{path}: {place}" in err if place else f"{path}: ข้อผิดพลาด/error" in err, err
    assert thai in err and english in err, err
    assert not out_dir.exists() or not any(out_dir.iterdir()), "no output on bad input"


def test_every_broken_cell_is_reported_at_once(tmp_path, capsys):
    def change(wb):
        wb["รายการ"]["G3"] = "สองหมื่น"
        wb["รายการ"]["C4"] = "นโยบาย"

    path = edit(tmp_path, AC, change)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "รายการ!G3" in err and "รายการ!C4" in err
