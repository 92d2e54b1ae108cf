"""ผด.02 lines: nested detail lines and bar labels are printed, a detail line draws its own bar on its line."""
from __future__ import annotations

import zipfile

import pdfplumber
import pytest
from lxml import etree
from openpyxl import load_workbook

from assembler.cli import main
from assembler.loading import load
from assembler.thai import FISCAL_MONTHS, MONTHS_ABBR
from assembler.view import build_document

from .conftest import FIXTURES, normalise, pdf_pages

STEPS = FIXTURES / "operations-steps.yaml"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MONTHS = [MONTHS_ABBR[m] for m in FISCAL_MONTHS]


@pytest.fixture(scope="module")
def steps_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("steps")
    assert main(["build", str(STEPS), "-o", str(out)]) == 0
    return out / "operations-steps.pdf", out / "operations-steps.docx"


def docx_rows(docx) -> list[tuple[str, list[bool]]]:
    """Return (details text, [bar in each month]) of every ผด.02 body row of the DOCX."""
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    rows = []
    for tr in body.iter(f"{W}tr"):
        cells = tr.findall(f"{W}tc")
        if len(cells) != 18 or tr.find(f"{W}trPr/{W}tblHeader") is not None:
            continue
        text = "".join(t.text or "" for t in cells[2].iter(f"{W}t"))
        bars = [tc.find(f"{W}p/{W}pPr/{W}pBdr/{W}bottom") is not None for tc in cells[6:]]
        rows.append((normalise(text), bars))
    return rows


def test_nested_details_and_bar_labels_are_printed(tmp_path):
    """Steps under a detail line and the labels of schedule entries were accepted and dropped."""
    source = (FIXTURES / "operations-minimal.yaml").read_text(encoding="utf-8")
    old_details, old_schedule = "details: [ก่อสร้างถนนคอนกรีตเสริมเหล็ก กว้าง 5 เมตร]", "schedule: [{start: ม.ค., end: มี.ค.}, {start: ส.ค.}]"
    assert old_details in source and old_schedule in source
    source = source.replace(old_details, "details: [{text: ก่อสร้างถนนคอนกรีตเสริมเหล็ก, items: [ปรับระดับดินเดิม, เทคอนกรีตหนา 15 เซนติเมตร]}]")
    source = source.replace(old_schedule, "schedule: [{start: ม.ค., end: มี.ค., label: ก่อนฤดูฝน}, {start: ส.ค.}]")
    path = tmp_path / "ops.yaml"
    path.write_text(source, encoding="utf-8")
    assert main(["build", str(path), "-o", str(tmp_path)]) == 0
    plan, _ = load(path)
    table = next(b for s in build_document(plan, thai_digits=False).sections for b in s.blocks if getattr(b, "style", "") == "schedule")
    steps = [p for row in table.body for p in row[2].paras if p.text.startswith(("1.", "2."))]
    assert [p.text for p in steps] == ["1. ปรับระดับดินเดิม", "2. เทคอนกรีตหนา 15 เซนติเมตร"]
    assert all(p.level == 1 for p in steps)  # indented under their detail line
    pdf_text = normalise("".join(body for _, body in pdf_pages(tmp_path / "ops.pdf")))
    docx_text = "".join(text for text, _ in docx_rows(tmp_path / "ops.docx"))
    for words in ("ปรับระดับดินเดิม", "เทคอนกรีตหนา 15 เซนติเมตร", "ก่อนฤดูฝน"):
        assert normalise(words) in pdf_text, words
        assert normalise(words) in docx_text, words
    # the labelled entry's bar is drawn on the label's own line; the other stays on the project's line
    rows = docx_rows(tmp_path / "ops.docx")
    label = next(bars for text, bars in rows if text == normalise("- ก่อนฤดูฝน"))
    assert {m for m, on in zip(MONTHS, label) if on} == {"ม.ค.", "ก.พ.", "มี.ค."}
    first = next(bars for text, bars in rows if text.startswith(normalise("- ก่อสร้างถนน")))
    assert {m for m, on in zip(MONTHS, first) if on} == {"ส.ค."}


def test_each_detail_line_draws_its_own_bar_on_its_line_in_the_docx(steps_build):
    _, docx = steps_build
    rows = docx_rows(docx)
    wanted = {
        "จัดทำโครงการเพื่อเสนอขออนุมัติ": {"ม.ค."},
        "แต่งตั้งคณะกรรมการและเจ้าหน้าที่": {"ม.ค."},
        "ดำเนินงานตามกำหนดการ ดังนี้": {"ก.พ.", "มี.ค.", "เม.ย."},
        "รายงานผู้บริหาร": {"มิ.ย."},
        "หลังฤดูฝน": {"ต.ค.", "พ.ย.", "ธ.ค."},
        "ก่อนฤดูฝน": {"มี.ค.", "เม.ย.", "พ.ค."},
    }
    for words, months in wanted.items():
        row = next(bars for text, bars in rows if text.startswith(normalise(f"- {words}")))
        assert {m for m, on in zip(MONTHS, row) if on} == months, words
    # the project's first line (its name, no bar of its own) and the lines after it are one row:
    # no rule between them
    with zipfile.ZipFile(docx) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    opened = [tc for tc in body.iter(f"{W}tc") if tc.find(f"{W}tcPr/{W}tcBorders/{W}top[@{W}val='nil']") is not None]
    assert len(opened) >= 18 * 4


def test_each_detail_line_draws_its_own_bar_on_its_line_in_the_pdf(steps_build):
    pdf, _ = steps_build
    checked = 0
    with pdfplumber.open(pdf) as doc:
        page = next(p for p in doc.pages if "ก่อนฤดูฝน" in normalise(p.extract_text() or ""))
        words = page.extract_words(x_tolerance=1, keep_blank_chars=True)
        heads = sorted((w for w in words if normalise(w["text"]) in {normalise(m) for m in MONTHS}), key=lambda w: w["top"])[:12]
        heads.sort(key=lambda w: w["x0"])
        centres = [(w["x0"] + w["x1"]) / 2 for w in heads]
        bars = [r for r in page.rects if r["height"] < 6 and r["width"] > 2 and r["top"] > heads[0]["bottom"]]
        # the lines of the details column, top to bottom, and the months of the bar beside each
        lines = [
            ("-จัดทำ", {"ม.ค."}), ("-แต่ง", {"ม.ค."}), ("-ดำเนินงาน", {"ก.พ.", "มี.ค.", "เม.ย."}),
            ("3.รับ", {"ก.ค."}),  # a step with its own bar
            ("-สรุปผล", set()), ("-รายงาน", {"มิ.ย."}), ("-ขุดลอก", set()),
            ("-หลังฤดูฝน", {"ต.ค.", "พ.ย.", "ธ.ค."}), ("-ก่อนฤดูฝน", {"มี.ค.", "เม.ย.", "พ.ค."}),
        ]
        tops = [next(w for w in words if normalise(w["text"]).startswith(normalise(text)))["top"] for text, _ in lines]
        assert tops == sorted(tops)
        for i, (text, months) in enumerate(lines):
            below = tops[i + 1] if i + 1 < len(lines) else tops[i] + 20
            beside = [b for b in bars if tops[i] - 2 <= (b["top"] + b["bottom"]) / 2 < below - 2]
            covered = {MONTHS[m] for b in beside for m, x in enumerate(centres) if b["x0"] - 2 <= x <= b["x1"] + 2}
            assert covered == months, text
            checked += 1
    assert checked == 9


def test_a_detail_line_schedule_outside_the_fiscal_year_is_located(tmp_path, capsys):
    text = STEPS.read_text(encoding="utf-8").replace("schedule: [{start: ก.พ., end: เม.ย.}]", "schedule: [{start: ก.พ. 2567, end: เม.ย.}]")
    path = tmp_path / "ops.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "ก.พ. 2567" in l)
    assert f"{path}:{line}: strategies[0].plans[0].projects[0].details[2].schedule[0].start" in err


def test_a_workbook_schedule_row_names_the_detail_line_of_its_bar(tmp_path, capsys):
    xlsx = tmp_path / "steps.xlsx"
    assert main(["convert", str(STEPS), str(xlsx)]) == 0
    ws = load_workbook(xlsx)["ระยะเวลา"]
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, (c.value for c in row))) for row in ws.iter_rows(min_row=3)]
    assert [r["ข้อ"] for r in rows if r["ที่"] == "1"] == ["1", "2", "3", "3.3", "4"]
    assert load(xlsx)[0] == load(STEPS)[0]
    # a line that is not there is refused, with its cell
    wb = load_workbook(xlsx)
    ws = wb["ระยะเวลา"]
    column = headers.index("ข้อ") + 1
    ws.cell(3, column, "9")
    wb.save(xlsx)
    assert main(["validate", str(xlsx)]) == 2
    err = capsys.readouterr().err
    assert f"ระยะเวลา!{ws.cell(3, column).column_letter}3" in err and "no detail line 9" in err
