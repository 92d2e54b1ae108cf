"""Detail sheets as written (issue 9, point 4): ๘ as stated or blank, ๗ as text, ๕ as a list,
a table in a ๖ step, responsible units as text or several."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from lxml import etree

from assembler.cli import main
from assembler.document import Para, Table
from assembler.loading import load
from assembler.view import build_document

from .conftest import FIXTURES, normalise, pdf_pages
from .test_agreement import W, assert_same_text

AS_WRITTEN = FIXTURES / "as-written.yaml"
SOURCE = AS_WRITTEN.read_text(encoding="utf-8")


def sheets() -> list[list]:
    """Return the blocks of each detail sheet of the fixture (ส่วนที่ ๓), split at ลำดับที่."""
    plan, _ = load(AS_WRITTEN)
    blocks = list(build_document(plan).sections[-1].blocks)
    out: list[list] = []
    for block in blocks:
        if isinstance(block, Para) and block.style == "sheet-no":
            out.append([])
        elif out:
            out[-1].append(block)
    return out


def section(sheet: list, k: int) -> list:
    """Return the blocks under label k of a sheet (up to the next label)."""
    labels = [i for i, b in enumerate(sheet) if isinstance(b, Para) and b.style == "label"]
    start = labels[k - 1] + 1
    end = labels[k] if k < len(labels) else len(sheet)
    return sheet[start:end]


def texts(blocks: list) -> list[str]:
    return [b.full_text for b in blocks if isinstance(b, Para)]


def run(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    return code, capsys.readouterr().err


def test_budget_is_printed_as_stated_or_left_blank():
    first, second, third = sheets()
    assert texts(section(first, 8)) == ["๒๐,๐๐๐ บาท"]  # as written, not "ปีละ … รวม …"
    assert section(second, 8) == []  # budget: "" leaves ๘ blank
    assert texts(section(third, 8)) == ["ใช้งบประมาณของกองคลัง", "ปีละ ๕,๐๐๐ บาท", "ค่าจ้างเหมาดูแลเว็บไซต์"]


def test_stated_budget_that_is_a_number_is_still_checked(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(SOURCE, encoding="utf-8")
    assert run(capsys, "validate", path)[0] == 0
    path.write_text(SOURCE.replace('budget: "20,000 บาท"', 'budget: "25,000 บาท"'), encoding="utf-8")
    code, err = run(capsys, "validate", path)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "25,000" in text)
    assert code == 1
    assert f"{path}:{line}:" in err and "differs from the matrix" in err


def test_period_may_be_text():
    first, second, third = sheets()
    assert texts(section(first, 7)) == ["๒ เดือน ต่อ ๑ ครั้ง รวม ๖ ครั้ง"]
    assert texts(section(second, 7)) == ["จำนวน ๔ ครั้ง"]
    # months and text: both printed (and the months still checked against the plan)
    assert texts(section(third, 7)) == ["ปีงบประมาณ พ.ศ. ๒๕๖๖", "ประกาศภายใน ๓ วันทำการหลังลงนามในสัญญา"]


def test_period_months_with_text_are_still_checked(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(SOURCE.replace("start: 2565-10, end: 2566-09, text:", "start: 2562-10, end: 2563-09, text:"), encoding="utf-8")
    code, err = run(capsys, "validate", path)
    assert code == 1 and "outside the plan" in err


def test_area_may_be_a_list():
    first, second, _ = sheets()
    assert texts(section(first, 5)) == ["๕.๑ ห้องประชุมสำนักงานเทศบาล", "๕.๒ ศูนย์พัฒนาเด็กเล็กบ้านทดสอบ"]
    assert texts(section(second, 5)) == ["ทุกส่วนราชการ"]


def test_a_method_step_holds_a_table():
    first = sheets()[0]
    method = section(first, 6)
    assert isinstance(method[0], Para) and method[0].full_text == "๖.๑ แต่งตั้งคณะกรรมการดำเนินงาน ประกอบด้วย"
    table = method[1]
    assert isinstance(table, Table)
    cells = [[c.paras[0].text for c in row] for row in table.header + table.body]
    assert cells == [
        ["ตำแหน่ง", "จำนวน", "หน้าที่"],
        ["ปลัดเทศบาล", "๑", "ประธานกรรมการ"],
        ["หัวหน้าสำนักปลัด | ผู้อำนวยการกองคลัง", "๒", "กรรมการ"],
        ["นักทรัพยากรบุคคล", "๑", "กรรมการและเลขานุการ"],
    ]
    assert abs(sum(table.columns) - 16.0) < 0.01
    assert texts(method[2:]) == ["๖.๒ จัดอบรม", "(๑) บรรยาย", "(๒) ศึกษาดูงาน"]


def test_responsible_may_be_text_or_several_units():
    first, second, third = sheets()
    assert texts(section(first, 9)) == ["งานการเจ้าหน้าที่ สำนักปลัดเทศบาล", "งานการเงิน กองคลัง"]
    assert texts(section(second, 9)) == ["ทุกกอง/สำนัก"]  # not an abbreviation: as written
    assert texts(section(third, 9)) == ["กองคลัง"]  # an abbreviation: its full name
    plan, _ = load(AS_WRITTEN)
    matrix = next(b for b in build_document(plan).sections[2].blocks if isinstance(b, Table))
    remarks = [row[-1].paras[0].text for row in matrix.body[:-1]]
    assert remarks == ["สป., กค.", "ทุกกอง/สำนัก", "กค."]


def test_units_as_text_need_no_abbreviations_but_abbreviation_typos_are_reported(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    # no units at all: a book whose items name their units in full
    no_units = SOURCE.replace("units:\n  - {abbr: สป., name: สำนักปลัดเทศบาล}\n  - {abbr: กค., name: กองคลัง}\n", "")
    no_units = no_units.replace("unit: [สป., กค.]", "unit: [สำนักปลัดเทศบาล, กองคลัง]").replace("unit: กค.", "unit: กองคลัง")
    path.write_text(no_units, encoding="utf-8")
    assert run(capsys, "validate", path)[0] == 0
    path.write_text(SOURCE.replace("unit: [สป., กค.]", "unit: [สป., กคล.]"), encoding="utf-8")
    code, err = run(capsys, "validate", path)
    assert code == 1 and "unknown responsible unit 'กคล.'" in err
    path.write_text(SOURCE.replace("unit: [สป., กค.]", "unit: สป., กค."), encoding="utf-8")
    code, err = run(capsys, "validate", path)
    assert code == 2 and "write several units as a list" in err and "Traceback" not in err


def test_uneven_table_is_refused_with_its_place(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(SOURCE.replace("- [ปลัดเทศบาล, 1, ประธานกรรมการ]", "- [ปลัดเทศบาล, ประธานกรรมการ]"), encoding="utf-8")
    code, err = run(capsys, "validate", path)
    assert code == 2
    assert "method[0].table" in err and "the same number of cells" in err and "Traceback" not in err


def test_tables_and_stated_text_are_in_pdf_and_docx(tmp_path):
    assert main(["build", str(AS_WRITTEN), "-o", str(tmp_path)]) == 0
    pdf, docx = tmp_path / "as-written.pdf", tmp_path / "as-written.docx"
    assert_same_text(AS_WRITTEN, pdf, docx)
    whole = normalise(" ".join(body for _, body in pdf_pages(pdf)))
    for text in ("หัวหน้าสำนักปลัด | ผู้อำนวยการกองคลัง", "๒ เดือน ต่อ ๑ ครั้ง รวม ๖ ครั้ง", "ทุกกอง/สำนัก", "ใช้งบประมาณของกองคลัง"):
        assert normalise(text) in whole
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    rows = [
        ["".join(t.text or "" for t in tc.iter(f"{W}t")).replace("\u200b", "").replace("\u2060", "") for tc in tr.iter(f"{W}tc")]
        for tbl in body.iter(f"{W}tbl")
        for tr in tbl.iter(f"{W}tr")
    ]
    assert ["ตำแหน่ง", "จำนวน", "หน้าที่"] in rows
    assert ["หัวหน้าสำนักปลัด | ผู้อำนวยการกองคลัง", "๒", "กรรมการ"] in rows


def test_workbook_holds_the_sheets_as_written(tmp_path, capsys):
    """A table row is a รายละเอียด row "| a | b | c |" under its step; the round trip keeps everything."""
    xlsx = tmp_path / "plan.xlsx"
    assert main(["convert", str(AS_WRITTEN), str(xlsx)]) == 0
    from openpyxl import load_workbook

    rows = [[c.value for c in row] for row in load_workbook(xlsx)["รายละเอียด"].iter_rows(min_row=3)]
    texts_ = [r[3] for r in rows]
    step = texts_.index("แต่งตั้งคณะกรรมการดำเนินงาน ประกอบด้วย")
    assert texts_[step + 1 : step + 3] == ["| ตำแหน่ง | จำนวน | หน้าที่ |", "| ปลัดเทศบาล | 1 | ประธานกรรมการ |"]
    assert "| หัวหน้าสำนักปลัด \\| ผู้อำนวยการกองคลัง | 2 | กรรมการ |" in texts_
    assert [r for r in rows if r[1] == "งบประมาณว่าง"][0][3] == "ใช่"
    assert load(xlsx)[0] == load(AS_WRITTEN)[0]
    capsys.readouterr()


def test_schema_shows_the_fields_as_written(capsys):
    assert main(["schema", "anticorruption"]) == 0
    defs = json.loads(capsys.readouterr().out)["$defs"]
    assert {"text", "blank", "per_year", "total", "note"} <= set(defs["DetailBudget"]["properties"])
    assert {"start", "end", "text"} <= set(defs["Period"]["properties"])
    assert "table" in defs["Step"]["properties"]
    kinds = lambda prop: {t.get("type") for t in prop["anyOf"]}  # noqa: E731
    assert kinds(defs["Item"]["properties"]["unit"]) == {"string", "array"}
    detail = defs["Detail"]["properties"]
    for name in ("area", "responsible", "period", "budget"):
        assert "string" in kinds(detail[name]), name
