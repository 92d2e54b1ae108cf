"""Explicit numbers: ยุทธศาสตร์ที่ 5 alone, แนวทางการพัฒนาที่ 3, มิติ ๓ with ภารกิจ ๓.๑.๑, printed everywhere."""
from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from assembler.checks import check
from assembler.cli import main
from assembler.document import Table, Toc
from assembler.loading import load
from assembler.view import build_document

from .conftest import FIXTURES, normalise, pdf_pages

OPS = FIXTURES / "operations-numbers.yaml"
AC = FIXTURES / "anticorruption-numbers.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def texts(document) -> tuple[list[str], list[str], list[str]]:
    """Return the document's paragraphs, table cell texts and สารบัญ entries."""
    paras, cells, toc = [], [], []
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                cells += [p.full_text for row in block.header + block.body for c in row for p in c.paras]
            elif isinstance(block, Toc):
                toc += [e.text for e in block.entries]
            else:
                paras.append(block.full_text)
    return paras, cells, toc


def built_text(source, tmp_path) -> tuple[str, str]:
    assert main(["build", str(source), "-o", str(tmp_path)]) == 0
    pdf = normalise("".join(body for _, body in pdf_pages(tmp_path / f"{source.stem}.pdf")))
    with zipfile.ZipFile(tmp_path / f"{source.stem}.docx") as z:
        body = etree.fromstring(z.read("word/document.xml"))
    docx = normalise("".join(t.text or "" for t in body.iter(f"{W}t")))
    return pdf, docx


def test_an_operational_plan_prints_the_numbers_its_records_give(tmp_path):
    plan, _ = load(OPS)
    paras, cells, toc = texts(build_document(plan, thai_digits=False))
    strategy = "ยุทธศาสตร์ที่ 5 การบริหารจัดการที่ดี"
    assert strategy in toc  # สารบัญ
    assert strategy in cells  # ผด.01 heading row and ผด.02 captions
    assert "5.3 แนวทางการพัฒนาที่ 3 พัฒนาระบบการสื่อสาร" in cells  # ผด.01
    assert "5.5 แนวทางการพัฒนาที่ 5 พัฒนาระบบบริการ" in cells
    assert "แนวทางการพัฒนาที่ 3 พัฒนาระบบการสื่อสาร" in cells  # ผด.02 caption
    assert not any(t.startswith(("ยุทธศาสตร์ที่ 1", "แนวทางการพัฒนาที่ 1", "5.1 ", "1.1 แนวทาง", "1.2 ")) for t in paras + cells + toc)
    pdf, docx = built_text(OPS, tmp_path)
    for words in (strategy, "5.3 แนวทางการพัฒนาที่ 3", "แนวทางการพัฒนาที่ 5 พัฒนาระบบบริการ"):
        assert normalise(words) in pdf and normalise(words) in docx, words


def test_an_anticorruption_plan_prints_the_numbers_its_records_give(tmp_path):
    plan, _ = load(AC)
    paras, cells, toc = texts(build_document(plan))
    assert "มิติที่ ๓ การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน" in toc  # สารบัญ
    assert "มิติที่ ๓ การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน" in paras  # the table's heading
    assert "๓. การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน" in cells  # the matrix's มิติ cell
    assert "๓.๒ การรับฟังความคิดเห็นของประชาชน" in cells  # ภารกิจ cells
    assert "๓.๑.๑ การเปิดเผยข้อมูลข่าวสารผ่านศูนย์ข้อมูลข่าวสาร" in cells  # ๓.๑.๑ with no ๓.๑ heading
    assert not any(t.startswith(("๓.๑ ", "๑. การส่งเสริม", "๑.๑ การรับฟัง", "๑.๒ การเปิดเผย", "มิติที่ ๑")) for t in cells + paras + toc)
    assert "มิติที่ ๓ ภารกิจ ๓.๑.๑" in paras and "มิติที่ ๓ ภารกิจ ๓.๒" in paras  # detail sheets
    assert any(c.startswith("มิติที่ ๓ ") for c in cells)  # the grand-total table
    pdf, docx = built_text(AC, tmp_path)
    for words in ("๓.๑.๑ การเปิดเผยข้อมูล", "มิติที่ ๓ ภารกิจ ๓.๑.๑", "๓.๒ การรับฟัง"):
        assert normalise(words) in pdf and normalise(words) in docx, words


@pytest.mark.parametrize(
    "source,old,new,where,words",
    [
        (OPS, "  - number: 5\n    title: การบริหารจัดการที่ดี",
         "  - number: 5\n    title: การบริหารจัดการที่ดี\n    plans: [{title: ก, projects: [{name: โครงการ ก, area: ก, units: กวช., schedule: [ม.ค.]}]}]\n"
         "  - number: 5\n    title: การบริหารจัดการที่ดี",
         "strategies[1].number", "strategy 5 is numbered like the one before it"),
        (OPS, "", "", "strategies[0].plans[1].number", "plan 5 follows plan 3 (a gap, or out of order)"),
        (AC, '      - number: "1.1"', '      - number: "2"', "dimensions[0].missions[1].number", "mission 3.2 is numbered like the one before it"),
        (AC, '      - number: "1.1"', '      - number: "4"', "dimensions[0].missions[1].number", "mission 3.4 follows mission 3.2"),
    ],
    ids=["strategy twice", "plan gap", "mission twice", "mission gap"],
)
def test_repeated_and_skipped_numbers_are_warned(source, old, new, where, words, tmp_path):
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new, 1) if old else text, encoding="utf-8")
    plan, located = load(path)
    found = [p for p in check(plan, located) if p.where == where]
    assert len(found) == 1 and words in found[0].english and found[0].severity == "warning", found
    # numbers given in order warn nothing
    assert not [p for p in check(*load(AC)) if p.where.endswith("number")]
