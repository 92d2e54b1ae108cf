"""Optional front matter and extracts (issue 9, point 5): a book without คำนำ, บทนำ or SWOT,
and `planbook build --parts` building only some parts with their own page numbers and สารบัญ."""
from __future__ import annotations

import json

from assembler.cli import main
from assembler.document import Para, Toc
from assembler.loading import load
from assembler.view import build_document

from .conftest import FIXTURES, normalise, pdf_pages
from .test_agreement import assert_same_text

NO_FRONT = FIXTURES / "no-front.yaml"
OPS_NO_FRONT = FIXTURES / "operations-no-front.yaml"
MINIMAL = FIXTURES / "minimal.yaml"
OPS = FIXTURES / "operations-minimal.yaml"


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def paras(document) -> list[Para]:
    return [b for s in document.sections for b in s.blocks if isinstance(b, Para)]


def test_front_matter_parts_may_be_left_out_with_a_notice(capsys):
    code, _, err = run(capsys, "validate", NO_FRONT)
    assert code == 1  # (two items without detail sheets: warnings, as in minimal.yaml)
    assert "no foreword: the book goes without its คำนำ page" in err
    assert "has no risk analysis (SWOT) section" in err and "has no benefits section" in err
    plan, _ = load(NO_FRONT)
    document = build_document(plan)
    texts = [p.full_text for p in paras(document)]
    assert "คำนำ" not in texts
    # the ส่วนที่ ๑ sections present are numbered in order
    headings = [p.full_text for p in paras(document) if p.style == "h2" and p.anchor.startswith("part1")]
    assert headings == ["๑.๑ หลักการและเหตุผล", "๑.๒ เป้าหมาย"]
    toc = [e.text for e in document.toc().entries]
    assert toc[:3] == ["ส่วนที่ ๑ บทนำ", "๑.๑ หลักการและเหตุผล", "๑.๒ เป้าหมาย"]


def test_operational_plan_without_foreword_or_introduction_starts_at_form_one(tmp_path, capsys):
    code, _, err = run(capsys, "build", OPS_NO_FRONT, "-o", tmp_path)
    assert code == 0
    assert "no foreword" in err and "no introduction" in err
    pages = pdf_pages(tmp_path / "operations-no-front.pdf")
    first = next(i for i, (head, _) in enumerate(pages) if head)
    assert pages[first][0].split()[0] == "1"
    assert normalise(pages[first][1]).startswith(normalise("ส่วนที่ 2 บัญชีสรุปจำนวนโครงการและงบประมาณ"))
    whole = normalise(" ".join(body for _, body in pages))
    assert normalise("ส่วนที่ 1 บทนำ") not in whole and normalise("คำนำ") not in whole
    assert_same_text(OPS_NO_FRONT, tmp_path / "operations-no-front.pdf", tmp_path / "operations-no-front.docx")


def test_parts_lists_each_books_parts(capsys):
    code, out, _ = run(capsys, "parts", "operations")
    assert code == 0
    for name in ("foreword", "คำนำ", "introduction", "บทนำ", "summary", "ผด.01", "schedule", "ผด.02"):
        assert name in out
    code, out, _ = run(capsys, "parts", MINIMAL)  # a records file names its book type
    assert code == 0 and "details" in out and "รายละเอียดโครงการ" in out and "ผด.02" not in out
    assert run(capsys, "parts", "nonsense")[0] == 2


def test_build_parts_makes_an_extract_of_form_two_alone(tmp_path, capsys):
    code, out, _ = run(capsys, "build", OPS, "-o", tmp_path, "--parts", "ผด.02")
    assert code == 0
    pdf, docx = tmp_path / "operations-minimal-schedule.pdf", tmp_path / "operations-minimal-schedule.docx"
    assert pdf.is_file() and docx.is_file() and not (tmp_path / "operations-minimal.pdf").exists()
    pages = pdf_pages(pdf)
    numbered = [i for i, (head, _) in enumerate(pages) if head]
    # its own page numbers: 1 is the first page of ผด.02
    assert [pages[i][0].split()[0] for i in numbered] == [str(n) for n in range(1, len(numbered) + 1)]
    assert normalise(pages[numbered[0]][1]).startswith(normalise("ส่วนที่ 3 บัญชีโครงการ/กิจกรรม/งบประมาณ"))
    whole = normalise(" ".join(body for _, body in pages))
    for absent in ("คำนำ", "ส่วนที่ 1 บทนำ", "ส่วนที่ 2 บัญชีสรุปจำนวนโครงการและงบประมาณ"):
        assert normalise(absent) not in whole
    # its own สารบัญ lists only what it holds
    plan, _ = load(OPS)
    toc = build_document(plan, parts=("schedule",)).toc()
    assert [e.anchor for e in toc.entries] == ["part3", "strategy-1"]
    toc_page = next(normalise(body) for _, body in pages if body.lstrip().startswith("สารบัญ"))
    assert normalise("ส่วนที่ 3 บัญชีโครงการ/กิจกรรม/งบประมาณ (แบบ ผด.02)") + "1" in toc_page
    assert_same_text(OPS, pdf, docx, parts=("schedule",))
    # the English name builds the same extract
    again = tmp_path / "again"
    assert run(capsys, "build", OPS, "-o", again, "--parts", "schedule")[0] == 0
    assert (again / "operations-minimal-schedule.pdf").read_bytes() == pdf.read_bytes()


def test_build_parts_makes_an_extract_of_the_detail_sheets_alone(tmp_path, capsys):
    assert run(capsys, "build", MINIMAL, "-o", tmp_path, "--parts", "รายละเอียดโครงการ")[0] == 0
    pdf = tmp_path / "minimal-details.pdf"
    pages = pdf_pages(pdf)
    numbered = [i for i, (head, _) in enumerate(pages) if head]
    assert pages[numbered[0]][0] == "๑"
    assert normalise(pages[numbered[0]][1]).startswith(normalise("ส่วนที่ ๓ รายละเอียดโครงการ"))
    whole = normalise(" ".join(body for _, body in pages))
    assert normalise("ลำดับที่ ๑") in whole
    for absent in ("คำนำ", "ส่วนที่ ๑ บทนำ", "ส่วนที่ ๒"):
        assert normalise(absent) not in whole
    assert_same_text(MINIMAL, pdf, tmp_path / "minimal-details.docx", parts=("details",))


def test_several_parts_and_the_whole_book_build_side_by_side(tmp_path, capsys):
    plan, _ = load(MINIMAL)
    document = build_document(plan, parts=("foreword", "matrix"))
    assert [p.text for p in paras(document) if p.style == "title"] == ["คำนำ", "สารบัญ"]
    assert [e.anchor for e in document.toc().entries][0] == "part2"
    assert run(capsys, "build", MINIMAL, "-o", tmp_path, "--parts", "คำนำ,แผนปฏิบัติการ")[0] == 0
    assert run(capsys, "build", MINIMAL, "-o", tmp_path)[0] == 0
    assert {p.name for p in tmp_path.glob("*.pdf")} == {"minimal.pdf", "minimal-foreword-matrix.pdf"}
    # each is up to date on its own: building either again changes nothing
    manifest = json.loads((tmp_path / ".planbook-manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["books"]) == 2
    # (Thai or English names, in any order, name the same extract)
    _, out, _ = run(capsys, "build", MINIMAL, "-o", tmp_path, "--parts", "matrix, foreword")
    assert "unchanged 1" in out
    _, out, _ = run(capsys, "build", MINIMAL, "-o", tmp_path)
    assert "unchanged 1" in out


def test_unknown_or_absent_parts_are_refused(tmp_path, capsys):
    code, _, err = run(capsys, "build", MINIMAL, "-o", tmp_path, "--parts", "ภาคผนวก")
    assert code == 2 and "unknown part" in err and "Traceback" not in err
    code, _, err = run(capsys, "build", MINIMAL, "-o", tmp_path, "--parts", "ผด.02")
    assert code == 2 and "has no part schedule (ผด.02)" in err and "planbook parts anticorruption" in err
    code, _, err = run(capsys, "build", OPS_NO_FRONT, "-o", tmp_path, "--parts", "บทนำ")
    assert code == 2 and "there is nothing to build" in err
    assert not list(tmp_path.glob("*.pdf"))


def test_a_foreword_alone_has_no_empty_contents_page():
    plan, _ = load(MINIMAL)
    document = build_document(plan, parts=("foreword",))
    assert document.toc() is None
    assert [p.text for p in paras(document) if p.style == "title"] == ["คำนำ"]
    assert not any(isinstance(b, Toc) for s in document.sections for b in s.blocks)


def test_schema_shows_the_front_matter_optional(capsys):
    for book in ("anticorruption", "operations"):
        assert main(["schema", book]) == 0
        schema = json.loads(capsys.readouterr().out)
        assert "foreword" in schema["properties"] and "foreword" not in schema["required"]
        assert "introduction" not in schema["required"] and "units" not in schema["required"]
    assert main(["schema", "anticorruption"]) == 0
    intro = json.loads(capsys.readouterr().out)["$defs"]["Introduction"]
    assert not intro.get("required")
