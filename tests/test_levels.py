"""The levels larger towns print: a sub-heading under a ยุทธศาสตร์ (5.1) and แนวทางย่อย (3.5) under a แนวทาง.

(The anti-corruption plan's third-level ภารกิจ ๓.๑.๑ with no ๓.๑ heading: tests/test_numbers.py.)
"""
from __future__ import annotations

from openpyxl import load_workbook

from assembler.cli import main
from assembler.loading import load
from assembler.view import build_document

from .conftest import FIXTURES, normalise, pdf_pages
from .test_numbers import built_text

LEVELS = FIXTURES / "operations-levels.yaml"


def test_sub_headings_and_sub_plans_are_printed_in_their_place(tmp_path):
    plan, _ = load(LEVELS)
    document = build_document(plan, thai_digits=False)
    tables = [b for s in document.sections for b in s.blocks if getattr(b, "style", "") == "schedule"]
    captions = [[c.paras[0].text for row in t.header[:-2] for c in row] for t in tables]
    assert captions[0] == [
        "ยุทธศาสตร์ที่ 5 การบริหารจัดการที่ดี",
        "5.1 บริหารจัดการที่ระดับเทศบาล",  # between the ยุทธศาสตร์ and its objective
        "- วัตถุประสงค์ของยุทธศาสตร์ เพื่อพัฒนาการบริหารจัดการองค์กร",
        "- วัตถุประสงค์ เพื่อบริหารจัดการเทศบาลโดยใช้หลักธรรมาภิบาล",  # the sub-heading's own
        "แนวทางการพัฒนาที่ 3 พัฒนาระบบการสื่อสาร",
        "3.5 ประชาสัมพันธ์ผ่านสื่อมวลชน",  # a แนวทางย่อย, its own table
    ]
    assert captions[1][-1] == "3.6 ศูนย์ข้อมูลข่าวสาร"
    assert captions[2][1:] == [
        "5.2 บริหารจัดการที่ระดับชุมชน", "- วัตถุประสงค์ของยุทธศาสตร์ เพื่อพัฒนาการบริหารจัดการองค์กร",
        "แนวทางการพัฒนาที่ 1 สนับสนุนองค์กรชุมชน",
    ]
    assert [t.body[0][1].paras[0].text for t in tables] == [
        "โครงการแถลงข่าวผลการดำเนินงาน", "โครงการปรับปรุงศูนย์ข้อมูลข่าวสาร", "โครงการเทศบาลพบสภาชุมชน",
    ]
    summary = next(b for s in document.sections for b in s.blocks if getattr(b, "style", "") == "summary")
    rows = [[p.text for c in row for p in c.paras] for row in summary.body]
    assert rows[1] == ["5.1 บริหารจัดการที่ระดับเทศบาล"]
    # ผด.01 counts a แนวทาง's projects over its แนวทางย่อย
    assert rows[2][:4] == ["5.1.3 แนวทางการพัฒนาที่ 3 พัฒนาระบบการสื่อสาร", "2", "66.67", "250,000"]
    assert rows[3] == ["5.2 บริหารจัดการที่ระดับชุมชน"]
    pdf, docx = built_text(LEVELS, tmp_path)
    order = ["ยุทธศาสตร์ที่ 5", "5.1 บริหารจัดการที่ระดับเทศบาล", "วัตถุประสงค์ของยุทธศาสตร์", "แนวทางการพัฒนาที่ 3", "3.5 ประชาสัมพันธ์"]
    ผด02 = normalise("".join(body for top, body in pdf_pages(tmp_path / "operations-levels.pdf") if normalise("ผด.02") in normalise(top)))
    at = [ผด02.find(normalise(words)) for words in order]
    assert -1 not in at and at == sorted(at), at
    for words in order + ["3.6 ศูนย์ข้อมูลข่าวสาร", "5.2 บริหารจัดการที่ระดับชุมชน"]:
        assert normalise(words) in pdf and normalise(words) in docx, words


def test_a_workbook_places_each_level_under_the_right_one(tmp_path, capsys):
    xlsx = tmp_path / "levels.xlsx"
    assert main(["convert", str(LEVELS), str(xlsx)]) == 0
    ws = load_workbook(xlsx)["ยุทธศาสตร์"]
    assert [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=3)] == [
        ("1", "ยุทธศาสตร์"), ("1.1", "หัวข้อย่อย"), ("1.1.1", "แนวทางการพัฒนา"), ("1.1.1.1", "แนวทางย่อย"),
        ("1.1.1.2", "แนวทางย่อย"), ("1.2", "หัวข้อย่อย"), ("1.2.1", "แนวทางการพัฒนา"),
    ]
    assert load(xlsx)[0] == load(LEVELS)[0]
    # a แนวทางย่อย directly under its ยุทธศาสตร์ is refused, with its cell
    wb = load_workbook(xlsx)
    wb["ยุทธศาสตร์"]["B4"] = "แนวทางย่อย"
    wb.save(xlsx)
    assert main(["validate", str(xlsx)]) == 2
    err = capsys.readouterr().err
    assert "ยุทธศาสตร์!A4" in err and "cannot stand under the ยุทธศาสตร์ 1" in err
