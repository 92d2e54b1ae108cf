"""Table layout (content-driven widths, orientation) and pagination a reader would accept."""
from __future__ import annotations

import dataclasses
import io
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pdfplumber
import pytest
from lxml import etree

from assembler.document import Cell, Document, Para, Section, Table, grid_cells
from assembler.loading import load
from assembler.render import pdf as pdf_render
from assembler.render.docx import cm, render_docx
from assembler.tablelayout import (
    MERGED_MAX_LINES,
    PT_PER_CM,
    STEP_CM,
    TEXT_WIDTH_CM,
    Measure,
    _cell_lines,
    column_needs,
    distribute,
    pieces,
    shortest_rows,
    table_columns,
)
from assembler.thai import Numerals
from assembler.view import build_document
from assembler.view.common import cell, front_matter, head

from .conftest import EXAMPLE, FIXTURES, normalise

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def document():
    plan, _ = load(EXAMPLE)
    return build_document(plan)


def tables(document):
    return [(s, b) for s in document.sections for b in s.blocks if isinstance(b, Table)]


# -- the layout algorithm --------------------------------------------------------------------


def test_columns_fill_the_text_width_and_respect_minimums(document):
    for section, table in tables(document):
        assert sum(table.columns) == pytest.approx(TEXT_WIDTH_CM[section.orientation], abs=0.01)
        if table.style == "swot":
            continue
        measure = Measure(table.font_size_pt, table.padding_pt)
        needs = column_needs(len(table.columns), table.header, table.body, measure)
        for width, minimum in zip(table.columns, needs.minimum):
            assert width * PT_PER_CM >= minimum - 0.01


def test_money_columns_are_as_wide_as_their_widest_figure(document):
    matrix = next(t for _, t in tables(document) if t.style == "matrix")
    measure = Measure(matrix.font_size_pt, matrix.padding_pt)
    years = range(3, len(matrix.columns) - 1)
    widest = 0.0
    for _, table in tables(document):
        if table.style != "matrix" or len(table.columns) != len(matrix.columns):
            continue
        for line in grid_cells(len(table.columns), table.body):
            for col, c in line:
                if col in years and c.colspan == 1:
                    for p in c.paras:
                        widest = max(widest, measure.text_pt(p.text, p.style.startswith("cell-bold")))
    assert widest > 0
    for col in years:
        # the figure plus padding, rules and slack: no more (nothing shared out to money)
        assert matrix.columns[col] * PT_PER_CM == pytest.approx(widest + measure.extra_pt, abs=0.05)


def test_figures_and_abbreviations_are_never_cut():
    assert pieces("๓,๐๐๐,๐๐๐") == ("๓,๐๐๐,๐๐๐",)
    assert pieces("เม.ย.") == ("เม.ย.",)
    assert pieces("(๑) โครงการ") == ("(๑)", "โครงการ")
    # the words the renderers break between keep a unit's abbreviation whole
    from assembler.thai import segment

    assert segment("ศึกษา, กวช.")[-1] == "กวช." and "อปพร." in segment("(อปพร.)")
    assert segment("ดำเนินการพ.ศ.") == ("ดำเนินการ", "พ.ศ.")


def test_a_long_column_gets_the_spare_width_and_short_ones_their_text():
    rows = (
        (cell("สั้น"), cell("ข้อความยาวมาก " * 20), cell("๑,๐๐๐", "cell-right")),
        (cell("สั้น"), cell("ข้อความ"), cell("๑๐๐,๐๐๐", "cell-right")),
    )
    columns = table_columns(3, (), rows, 16.0, 14.0, 3.0)
    assert sum(columns) == pytest.approx(16.0, abs=0.01)
    measure = Measure(14.0, 3.0)
    assert columns[2] * PT_PER_CM == pytest.approx(measure.text_pt("๑๐๐,๐๐๐", False) + measure.extra_pt, abs=0.01)
    assert columns[1] > 3 * columns[0]


def test_a_cell_spanning_many_rows_is_not_set_narrower_than_a_page_can_hold():
    """The 1,000-item book: a ภารกิจ of 60 items counted its long name once against their names, got
    under 2 cm, ran down a page's height and pushed its table off the page of its heading."""
    mission = dataclasses.replace(cell("๑.๑ การสร้างจิตสำนึกและความตระหนักแก่บุคลากรทั้งข้าราชการการเมืองฝ่ายบริหาร "
                                       "ข้าราชการการเมืองฝ่ายสภาท้องถิ่น และฝ่ายประจำขององค์กรปกครองส่วนท้องถิ่น"), rowspan=60)
    rows = tuple(
        ((mission,) if r == 0 else ()) + (cell(f"({r + 1}) โครงการส่งเสริมคุณธรรมและจริยธรรมของบุคลากรและการบริหารงานอย่างโปร่งใสตรวจสอบได้ ชุดที่ {r}"), cell("-"))
        for r in range(60)
    )
    measure = Measure(14.0, 3.0)
    needs = column_needs(3, (), rows, measure)
    shared = distribute(dataclasses.replace(needs, merged=()), 16 * PT_PER_CM)  # by text alone
    columns = table_columns(3, (), rows, 16.0, 14.0, 3.0)
    assert sum(columns) == pytest.approx(16.0, abs=0.01)

    def lines(width_cm: float) -> int:
        paras = tuple(measure.para_widths(p)[1] for p in mission.paras)
        return _cell_lines(paras, width_cm * PT_PER_CM - measure.extra_pt)

    assert lines(shared[0] / PT_PER_CM) > MERGED_MAX_LINES  # what it was
    assert lines(columns[0]) <= MERGED_MAX_LINES
    assert columns[1] > columns[0]  # the items still get the most


def test_a_few_more_words_in_one_row_move_no_column():
    """Text columns come in whole STEP_CM: renaming one item of many leaves every column where it was
    (or ส่วนที่ ๒ would be laid out again whole: render/pieces.py)."""
    rows = tuple((cell(f"ภารกิจการส่งเสริมความโปร่งใสในการบริหารงาน ข้อ {r}"),
                  cell(f"โครงการพัฒนาศักยภาพบุคลากรด้านคุณธรรมจริยธรรมและการป้องกันการทุจริต ชุดที่ {r}"),
                  cell("๔๐,๐๐๐", "cell-right"))
                 for r in range(40))
    renamed = rows[:7] + ((rows[7][0], cell(f"{rows[7][1].paras[0].text} (แก้ไข)"), rows[7][2]),) + rows[8:]
    before, after = (table_columns(3, (), r, 16.0, 14.0, 3.0) for r in (rows, renamed))
    assert before == after
    assert sum(before) == pytest.approx(16.0, abs=0.005)
    assert abs(before[0] / STEP_CM - round(before[0] / STEP_CM)) < 1e-6  # the narrower text column: whole steps


def test_shortest_rows_moves_width_to_the_column_that_makes_rows_tall():
    # the second column holds one long paragraph per row, the first a longer
    # one-line text in a single row: by text share the first column keeps
    # width that only one row uses
    rows = tuple((cell("ข้อความ " * 3), cell("รายละเอียดของกิจกรรม " * 12)) for _ in range(6))
    rows += ((cell("ชื่อโครงการที่ยาว " * 20), cell("สั้น")),)
    measure = Measure(12.0, 1.5)

    def total_lines(columns):
        return sum(
            max(-(-measure.para_widths(c.paras[0])[1] // (w * PT_PER_CM - measure.extra_pt)) for c, w in zip(row, columns))
            for row in rows
        )

    start = tuple(w / PT_PER_CM for w in distribute(column_needs(2, (), rows, measure), 12.0 * PT_PER_CM))
    columns = shortest_rows(2, (), rows, 12.0, 12.0, 1.5)
    assert sum(columns) == pytest.approx(12.0, abs=0.01)
    assert total_lines(columns) < total_lines(start)
    needs = column_needs(2, (), rows, measure)
    assert all(w * PT_PER_CM >= lo for w, lo in zip(columns, needs.minimum))


def test_docx_widths_are_the_pdf_widths(document, tmp_path):
    blob = render_docx(document)
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    grids = [[int(c.get(f"{W}w")) for c in g.iter(f"{W}gridCol")] for g in body.iter(f"{W}tblGrid")]
    expected = [t.columns for _, t in tables(document)]
    assert len(grids) == len(expected)
    for got, columns in zip(grids, expected):
        assert all(abs(g - cm(c)) <= len(columns) for g, c in zip(got, columns))
    # and the PDF draws the same columns: the HTML gives each column its width in cm
    html = pdf_render.render_html(document)
    for columns in expected:
        assert "".join(f'<col style="width: {c:.3f}cm">' for c in columns) in html


def test_orientation_follows_whether_the_matrix_fits(tmp_path):
    plan, _ = load(EXAMPLE)
    assert build_document(plan).sections[2].orientation == "landscape"  # four years of long names
    plan, _ = load(FIXTURES / "minimal.yaml")
    assert build_document(plan).sections[2].orientation == "portrait"  # three years of short ones
    for choice in ("portrait", "landscape"):
        source = tmp_path / f"{choice}.yaml"
        text = EXAMPLE.read_text(encoding="utf-8").replace("matrix_orientation: auto", f"matrix_orientation: {choice}")
        source.write_text(text, encoding="utf-8")
        section = build_document(load(source)[0]).sections[2]
        assert section.orientation == choice
        for table in (b for b in section.blocks if isinstance(b, Table)):
            assert sum(table.columns) == pytest.approx(TEXT_WIDTH_CM[choice], abs=0.01)


# -- pagination ---------------------------------------------------------------------------


def small_document(*blocks) -> Document:
    return Document("t", "a", True, (Section(tuple(blocks)),))


def row_pages(weasy) -> dict[str, int]:
    """Return the first page of every element with an id."""
    out: dict[str, int] = {}
    for number, page in enumerate(weasy.pages):
        for box in pdf_render._descendants(page._page_box):
            element = getattr(box, "element", None)
            if element is not None and element.get("id"):
                out.setdefault(element.get("id"), number)
    return out


def lines(n: int, start: int = 0) -> tuple:
    return tuple((cell(f"รายการที่ {i}"), cell("๑,๐๐๐", "cell-right")) for i in range(start, start + n))


def simple_table(rows, keep=()) -> Table:
    return Table((12.0, 4.0), ((head("รายการ"), head("บาท")),), rows, font_size_pt=14.0, keep_with_previous=keep)


def test_a_total_row_is_never_alone_under_a_repeated_header():
    laid = pdf_render.layout(small_document(simple_table(lines(120))))
    first = min(pdf_render.Breaks.of(laid.weasy).starts[(0, 0)])  # the first row on page 2
    total = ((cell("รวม", "cell-bold-center"), cell("๙,๙๙๙", "cell-bold-right")),)
    rows = lines(first) + total
    loose = pdf_render.Breaks.of(pdf_render.layout(small_document(simple_table(rows))).weasy)
    assert first in loose.starts[(0, 0)]  # without the rule the รวม row would open page 2 alone
    kept = pdf_render.Breaks.of(pdf_render.layout(small_document(simple_table(rows, keep=(first,)))).weasy)
    assert first not in kept.starts[(0, 0)] and first - 1 in kept.starts[(0, 0)]


def test_a_heading_stays_with_its_table():
    heading_pages = set()
    for filler in range(18, 30):
        blocks = [Para(f"บรรทัดที่ {i}", "plain") for i in range(filler)]
        blocks += [Para("มิติที่ ๑ หัวข้อ", "h2", anchor="h", keep_with_next=True), simple_table(lines(3))]
        laid = pdf_render.layout(small_document(*blocks))
        pages = row_pages(laid.weasy)
        assert pages["h"] == pages[f"r-0-{filler + 1}-0"], f"heading alone at a page foot after {filler} lines"
        heading_pages.add(pages["h"])
    assert heading_pages == {0, 1}  # the heading did reach the foot of a page


def test_the_foreword_signature_stays_with_its_last_paragraph():
    org = SimpleNamespace(province="นครสวรรค์", prepared_by=["กองวิชาการและแผนงาน"], name="เทศบาลเมืองบึงสายทอง")
    text = "ข้อความคำนำของแผนฉบับนี้ที่จัดทำขึ้นเพื่อเป็นแนวทางในการดำเนินงาน " * 4
    signature_pages = set()
    for count in range(8, 14):
        foreword = SimpleNamespace(paragraphs=[f"{i} {text}" for i in range(count)], signature=["ผู้จัดทำ", "กองวิชาการ"])
        blocks = list(front_matter(Numerals(True), ["ปก"], org, foreword, []))
        blocks = blocks[: next(i for i, b in enumerate(blocks) if isinstance(b, Para) and b.text == "สารบัญ")]
        laid = pdf_render.layout(small_document(*blocks))
        for number, page in enumerate(laid.weasy.pages):
            styles = [
                box.element.get("class", "").split()[0]
                for box in pdf_render._descendants(page._page_box)
                if getattr(box, "element_tag", "") == "p" and box.element is not None
            ]
            if "s-signature" in styles:
                signature_pages.add(number)
                assert styles[0] != "s-signature", f"signature alone at the top of a page ({count} paragraphs)"
                break
    assert len(signature_pages) > 1  # the signature moved across pages during the sweep


def test_a_row_split_across_pages_is_marked_on_the_next():
    tall = (cell("๒๑", "cell-center"), Cell(tuple(Para(f"บรรทัดที่ {i} ของรายการยาว", "cell") for i in range(16))))
    rows = tuple((cell(f"{i}", "cell-center"), cell(f"รายการที่ {i}")) for i in range(20))
    table = Table((2.0, 14.0), ((head("ที่"), head("รายการ")),), rows + (tall,), font_size_pt=14.0, loose_rows=(20,))
    document = small_document(table)
    root = pdf_render.project_root()
    fonts = pdf_render.find_fonts(root / "fonts")
    first = pdf_render.Breaks.of(pdf_render._weasy(pdf_render.render_html(document, fonts, root), root))
    assert 20 in first.split[(0, 0)]  # laid out as it stands, the tall row is cut by the page break
    laid = pdf_render.layout(document, fonts, root)
    assert not pdf_render.Breaks.of(laid.weasy).split[(0, 0)]  # written as two rows, none cut
    pages = [
        [b for b in pdf_render._descendants(page._page_box) if getattr(b, "element_tag", "") == "tr" and b.element.get("id")]
        for page in laid.weasy.pages
    ]
    assert pages[1][0].element.get("id") == "r-0-0-20-1"
    number = "".join(getattr(b, "text", "") for b in pdf_render._descendants(pages[1][0].children[0]))
    assert number.replace("\u200b", "").split() == ["๒๑", pdf_render.CONTINUED]
    text = "".join(getattr(b, "text", "") for page in laid.weasy.pages for b in pdf_render._descendants(page._page_box))
    assert all(f"บรรทัดที่ {i} ของรายการยาว".replace(" ", "") in text.replace(" ", "").replace("\u200b", "") for i in range(16))


def test_a_table_that_fills_its_pages_breaks_where_planned():
    """Rows of a fill_pages table split at every page foot, their rest marked, as planned."""
    from weasyprint.formatting_structure.boxes import TableRowBox

    def lines(n, i):
        return Cell(tuple(Para(f"รายการ {i} บรรทัดที่ {j}", "cell") for j in range(n)))

    rows = tuple((cell(f"{i}", "cell-center"), lines(3 + (i * 7) % 13, i)) for i in range(40))
    caption = ((Cell((Para("หัวเรื่องของตาราง", "cell-bold"),), colspan=2, frame=False),),)
    header = ((head("ที่"), head("รายการ")),)
    short = ((Cell((Para("หัวเรื่อง (ต่อ)", "cell-bold"),), colspan=2, frame=False),),)
    table = Table(
        (2.0, 14.0), caption + header, rows, font_size_pt=14.0, fill_pages=True, continued_header=short + header
    )
    document = small_document(Para("ชื่อส่วน", "part"), table)
    root = pdf_render.project_root()
    fonts = pdf_render.find_fonts(root / "fonts")
    laid = pdf_render.layout(document, fonts, root)
    breaks = pdf_render.find_breaks(document, fonts, root)
    assert not any(pdf_render.Breaks.of(laid.weasy).split.values())  # WeasyPrint cut no row itself
    pieces = [
        [b for b in pdf_render._descendants(page._page_box) if isinstance(b, TableRowBox) and b.element.get("id", "").startswith("r-")]
        for page in laid.weasy.pages
    ]
    assert len(pieces) > 3
    line = None
    for number, page in enumerate(pieces[1:], 1):
        first = page[0].element.get("id")
        row, *part = (int(x) for x in first.split("-")[3:])
        assert (row, part[0] if part else 0) in breaks.forced[(0, 1)], f"page {number + 1} starts with {first}, unplanned"
        text = "".join(getattr(b, "text", "") for b in pdf_render._descendants(laid.weasy.pages[number]._page_box))
        assert "หัวเรื่อง(ต่อ)" in text.replace("\u200b", "").replace(" ", "") and "หัวเรื่องของตาราง" not in text
        if part:  # the rest of a row: its number, then "(ต่อ)"
            number_cell = "".join(getattr(b, "text", "") for b in pdf_render._descendants(page[0].children[0]))
            assert number_cell.replace("\u200b", "").split() == [str(row), pdf_render.CONTINUED]
        # the page before is filled: less than four lines are left at its foot
        previous = laid.weasy.pages[number - 1]._page_box
        bottom = previous.content_box_y() + previous.height
        last = pieces[number - 1][-1]
        line = line or min(b.height for b in pdf_render._descendants(last) if type(b).__name__ == "LineBox")
        assert bottom - (last.position_y + last.height) < 4 * line, f"page {number} leaves its foot empty"
    text = "".join(getattr(b, "text", "") for page in laid.weasy.pages for b in pdf_render._descendants(page._page_box))
    text = text.replace(" ", "").replace("\u200b", "")
    for i, (_, body) in enumerate(rows):
        assert all(p.full_text.replace(" ", "") in text for p in body.paras), f"row {i} lost text"


def test_rows_kept_together_start_a_page_together_in_a_table_that_fills_its_pages():
    rows = tuple((cell(f"{i}", "cell-center"), cell(f"รายการที่ {i}")) for i in range(60))
    table = Table((2.0, 14.0), ((head("ที่"), head("รายการ")),), rows, font_size_pt=14.0, fill_pages=True)
    root = pdf_render.project_root()
    fonts = pdf_render.find_fonts(root / "fonts")
    alone = pdf_render.layout(small_document(table), fonts, root)
    first = row_pages(alone.weasy)
    last = max(r for r in range(60) if first[f"r-0-0-{r}"] == 0)  # the last row on the first page
    kept = (last, last + 1, last + 2)  # rows last-1 … last+2 go together: they cannot stay on page 1
    table = dataclasses.replace(table, keep_with_previous=kept)
    pages = row_pages(pdf_render.layout(small_document(table), fonts, root).weasy)
    assert {pages[f"r-0-0-{r}"] for r in range(last - 1, last + 3)} == {1}
    assert pages[f"r-0-0-{last - 2}"] == 0


@pytest.fixture(scope="module")
def matrix_pdf(document, tmp_path_factory):
    """Return the PDF of ส่วนที่ ๒ laid out alone (as the book lays it out) and its Document section."""
    section = next(s for s in document.sections if any(isinstance(b, Table) and b.style == "matrix" for b in s.blocks))
    alone = dataclasses.replace(document, sections=(section,))
    path = tmp_path_factory.mktemp("matrix") / "part2.pdf"
    path.write_bytes(pdf_render.layout(alone).write_pdf())
    return path, section


def page_texts(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.split("\f")


def test_continuation_pages_name_their_dimension_and_mission(matrix_pdf):
    path, section = matrix_pdf
    texts = [normalise(t) for t in page_texts(path) if t.strip()]
    assert len(texts) > 2
    continued = normalise(pdf_render.CONTINUED)
    starts_table = [any(normalise(b.text) in t[:200] for b in section.blocks if isinstance(b, Para) and b.style == "h2") for t in texts]
    checked = 0
    for text, fresh in zip(texts[1:], starts_table[1:]):
        if fresh or normalise("ภารกิจตามมิติ") not in text:  # a new มิติ, or the summary table
            continue
        # a page that goes on with a มิติ table names its มิติ (and ภารกิจ) before any item
        first_item = text.find("(๑)") if "(๑)" in text else len(text)
        assert continued in text[: max(first_item, 1) + 400], text[:200]
        checked += 1
    assert checked >= 1


def test_borders_are_complete_at_every_page_break(matrix_pdf):
    path, _ = matrix_pdf
    with pdfplumber.open(path) as doc:
        for page in doc.pages:
            edges = [e for e in page.edges if e["orientation"] == "h" and e["width"] > 1]
            if not edges:
                continue
            left = min(e["x0"] for e in edges)
            right = max(e["x1"] for e in edges)
            bottom = max(e["top"] for e in edges)
            spans = sorted((e["x0"], e["x1"]) for e in edges if abs(e["top"] - bottom) < 1.5)
            reach = left
            for x0, x1 in spans:
                assert x0 <= reach + 1, f"gap in the bottom rule at x={reach:.0f} on page {page.page_number}"
                reach = max(reach, x1)
            assert reach >= right - 1


def test_the_form_code_follows_the_books_digits():
    from assembler.loading import load as load_records

    examples = sorted((EXAMPLE.parent).glob("operations-*.yaml"))
    seen = set()
    for source in examples:
        plan, _ = load_records(source)
        document = build_document(plan)
        heads = [s.running_head for s in document.sections if s.running_head]
        num = Numerals(document.thai_digits)
        assert heads == [num.digits("แบบ ผด.01"), num.digits("แบบ ผด.02")]
        seen.add(document.thai_digits)
    assert seen == {True, False}


# -- density, measured on the built example books ---------------------------------------------


def matrix_page_count(pdf: Path, document) -> int:
    """Return how many pages ส่วนที่ ๒ (the มิติ tables and the summary) takes in a built book."""
    from .conftest import pdf_pages

    part2 = next(s for s in document.sections if any(isinstance(b, Table) and b.style == "matrix" for b in s.blocks))
    part3 = document.sections[document.sections.index(part2) + 1]
    first, after = (normalise(s.blocks[0].text) for s in (part2, part3))
    bodies = [normalise(body) for _, body in pdf_pages(pdf)]
    toc = normalise("สารบัญ")
    start = next(i for i, b in enumerate(bodies) if b.startswith(first) and toc not in b)
    end = next(i for i, b in enumerate(bodies) if i > start and b.startswith(after))
    return end - start


def test_the_example_matrix_takes_at_most_seven_pages(example_build, document):
    pages = matrix_page_count(example_build["pdf"], document)
    print(f"matrix pages: {pages}")
    assert pages <= 7
