"""The DOCX renderer: Thai fonts, merged cells, TOC field, page numbers, byte-identical output."""
from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from assembler.document import (
    Cell,
    Document,
    Para,
    Section,
    Table,
    Toc,
    TocEntry,
    grid,
    text_blocks,
)
from assembler.loading import load
from assembler.render.docx import TEXT_WIDTH, bookmark_name, render_docx
from assembler.books.anticorruption.view import build_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "anticorruption.yaml"
FONT = "TH SarabunPSK"
TRICKY = "<b>&{{ x }}{% if %}</b> & <w:t>"


def with_pages(document: Document) -> Document:
    """Return ``document`` with made-up TOC pages (the layout normally fills them)."""
    sections = []
    for section in document.sections:
        blocks = []
        for block in section.blocks:
            if isinstance(block, Toc):
                entries = tuple(dataclasses.replace(e, page=f"๑{i}") for i, e in enumerate(block.entries))
                block = dataclasses.replace(block, entries=entries)
            blocks.append(block)
        sections.append(dataclasses.replace(section, blocks=tuple(blocks)))
    return dataclasses.replace(document, sections=tuple(sections))


@pytest.fixture(scope="module")
def plan():
    plan, _ = load(FIXTURES / "minimal.yaml")
    return plan


@pytest.fixture(scope="module")
def document(plan) -> Document:
    return with_pages(build_document(plan))


@pytest.fixture(scope="module")
def blob(document) -> bytes:
    return render_docx(document)


@pytest.fixture(scope="module")
def rendered(blob):
    return docx.Document(io.BytesIO(blob))


def part_xml(blob: bytes, name: str):
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return etree.fromstring(z.read(name))


#: Line-break hints the DOCX adds to Thai text (zero-width space, word joiner): set aside
BREAK_HINTS = re.compile("[\u200b\u2060]")


def para_text(p) -> str:
    """Return the text of a w:p element: w:t text, w:tab as a tab (no field codes, no break hints)."""
    out = []
    for node in p.iter(qn("w:t"), qn("w:tab")):
        if node.tag == qn("w:tab"):
            if node.getparent().tag == qn("w:r"):
                out.append("\t")
        else:
            out.append(BREAK_HINTS.sub("", node.text or ""))
    return "".join(out)


def style_elements(rendered) -> dict:
    styles = rendered.styles.element
    return {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}


def style_of(p) -> str:
    ps = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return ps.get(qn("w:val")) if ps is not None else "Normal"


def tables_in_order(document: Document) -> list[tuple[Table, Section]]:
    return [(b, s) for s in document.sections for b in s.blocks if isinstance(b, Table)]


# -- determinism and package --------------------------------------------------


def test_same_document_gives_same_bytes(document, blob):
    assert render_docx(document) == blob
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        infos = z.infolist()
    assert [i.filename for i in infos][:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
    assert not any("thumbnail" in i.filename for i in infos)


def test_core_properties_are_fixed(rendered, document):
    props = rendered.core_properties
    assert props.title == document.title
    assert props.author == document.author
    assert props.created.year == 2000 and props.modified == props.created
    assert props.last_printed == props.created
    assert props.revision == 1
    assert props.language == "th-TH"


def test_text_is_the_documents_text(rendered, document):
    """Every piece of text of the Document, in order, and nothing else."""
    body = rendered.element.body
    got = "".join(para_text(p) for p in body.iter(qn("w:p")))
    want = "".join(text_blocks(document))
    strip = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    assert strip(got) == strip(want)


# -- fonts ----------------------------------------------------------------------


def assert_thai_rpr(rpr, where: str, size: bool = True):
    assert rpr is not None, where
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts is not None, where
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(attr)) == FONT, (where, attr)
    assert not [a for a in fonts.attrib if "Theme" in a or "theme" in a], where
    if size:
        sz, szcs = rpr.find(qn("w:sz")), rpr.find(qn("w:szCs"))
        assert sz is not None and szcs is not None and sz.get(qn("w:val")) == szcs.get(qn("w:val")), where
    lang = rpr.find(qn("w:lang"))
    assert lang is not None and lang.get(qn("w:bidi")) == "th-TH", where
    assert (rpr.find(qn("w:b")) is None) == (rpr.find(qn("w:bCs")) is None), where


def test_defaults_and_every_used_style_declare_complex_script_font(rendered, blob):
    styles = rendered.styles.element
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert_thai_rpr(default, "docDefaults")
    assert default.find(qn("w:szCs")).get(qn("w:val")) == "32"
    by_id = style_elements(rendered)
    assert_thai_rpr(by_id["Normal"].find(qn("w:rPr")), "Normal")
    roots = [rendered.element.body] + [part_xml(blob, n) for n in ("word/header1.xml", "word/header2.xml")]
    used = {style_of(p) for root in roots for p in root.iter(qn("w:p")) if para_text(p).strip()}
    assert {"PBbody", "Heading1", "Heading2", "TOC1", "TOC2", "PBcell"} <= used
    for style_id in used:
        assert_thai_rpr(by_id[style_id].find(qn("w:rPr")), style_id)


def test_runs_that_override_size_or_bold_set_the_cs_twin(rendered, blob):
    roots = [rendered.element.body, rendered.styles.element, part_xml(blob, "word/header2.xml")]
    runs = 0
    for root in roots:
        for rpr in root.iter(qn("w:rPr")):
            runs += 1
            assert (rpr.find(qn("w:sz")) is None) == (rpr.find(qn("w:szCs")) is None)
            assert (rpr.find(qn("w:b")) is None) == (rpr.find(qn("w:bCs")) is None)
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None and fonts.get(qn("w:ascii")):
                assert fonts.get(qn("w:cs")) == fonts.get(qn("w:ascii"))
    assert runs > 20


def test_cell_styles_use_the_table_font_size(rendered, document):
    by_id = style_elements(rendered)
    size = str(round(document.table_font_size_pt * 2))
    for style_id in ("PBcell", "PBcellcenter", "PBcellright", "PBcellbold", "PBcellboldcenter", "PBcellboldright"):
        rpr = by_id[style_id].find(qn("w:rPr"))
        assert rpr.find(qn("w:szCs")).get(qn("w:val")) == size, style_id
    assert by_id["PBcellbold"].find(qn("w:rPr")).find(qn("w:bCs")) is not None


# -- paragraphs -------------------------------------------------------------------


def test_body_paragraphs_are_thai_distributed(rendered):
    body_style = style_elements(rendered)["PBbody"]
    assert body_style.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "thaiDistribute"
    assert body_style.find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn("w:firstLine")) == "1417"
    paras = [p for p in rendered.element.body.iter(qn("w:p")) if style_of(p) == "PBbody"]
    assert len(paras) >= 3
    for p in paras:  # no paragraph overrides the alignment
        assert p.find(f"{qn('w:pPr')}/{qn('w:jc')}") is None


def test_headings_are_word_headings_for_the_toc(rendered, document):
    by_id = style_elements(rendered)
    assert by_id["Heading1"].find(qn("w:name")).get(qn("w:val")) == "heading 1"
    assert by_id["Heading2"].find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val")) == "1"
    for style_id in ("Heading1", "Heading2"):
        color = by_id[style_id].find(f"{qn('w:rPr')}/{qn('w:color')}")
        assert color.get(qn("w:val")) == "000000" and not color.get(qn("w:themeColor"))
    parts = [b.text for s in document.sections for b in s.blocks if isinstance(b, Para) and b.style == "part"]
    got = [para_text(p) for p in rendered.element.body.iter(qn("w:p")) if style_of(p) == "Heading1"]
    assert got == parts


def test_items_print_number_then_text(rendered, document):
    items = [b for s in document.sections for b in s.blocks if isinstance(b, Para) and b.style == "item"]
    got = [p for p in rendered.element.body.iter(qn("w:p")) if style_of(p) == "PBitem"]
    assert [para_text(p).replace("\t", " ") for p in got] == [i.full_text for i in items]
    nested = [p for p, i in zip(got, items) if i.level == 1]
    assert nested and all(int(p.find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn("w:left"))) > 1247 for p in nested)


def test_break_before_and_bookmarks(rendered, document):
    body = rendered.element.body
    paras = [b for s in document.sections for b in s.blocks if isinstance(b, Para)]
    breaks = [p for p in body.iter(qn("w:p")) if p.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None]
    assert len(breaks) == sum(p.break_before for p in paras) + sum(t.break_before for t, _ in tables_in_order(document))
    names = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    anchors = [p.anchor for p in paras if p.anchor]
    assert names == [bookmark_name(a) for a in anchors]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,39}", n) for n in names)
    ids = [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkStart"))]
    assert ids == [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkEnd"))]


def test_bookmark_names_are_safe_and_deterministic():
    assert bookmark_name("part1-๑.๑") == "_pb_part1_1_1"
    long = bookmark_name("x" * 80)
    assert len(long) <= 40 and long == bookmark_name("x" * 80) != bookmark_name("x" * 81)
    thai = bookmark_name("มิติ-๑")
    assert re.fullmatch(r"_pb_[A-Za-z0-9_]+", thai) and thai != bookmark_name("มิติ-๒")


# -- tables -----------------------------------------------------------------------


def test_tables_match_the_documents_merges(rendered, document):
    tables = rendered.element.body.findall(qn("w:tbl"))
    expected = tables_in_order(document)
    assert len(tables) == len(expected)
    for tbl, (table, section) in zip(tables, expected):
        cols = [int(c.get(qn("w:w"))) for c in tbl.iter(qn("w:gridCol"))]
        assert len(cols) == len(table.columns)
        assert sum(cols) == TEXT_WIDTH[section.orientation]
        assert tbl.find(f"{qn('w:tblPr')}/{qn('w:tblLayout')}").get(qn("w:type")) == "fixed"
        rows = tbl.findall(qn("w:tr"))
        lines = grid(table, table.header) + grid(table, table.body)
        assert len(rows) == len(lines)
        for tr, line in zip(rows, lines):
            tcs = tr.findall(qn("w:tc"))
            assert len(tcs) == len(line)
            for tc, (cell, continuation) in zip(tcs, line):
                span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
                assert (int(span.get(qn("w:val"))) if span is not None else 1) == cell.colspan
                merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                if cell.rowspan == 1:
                    assert merge is None
                else:
                    assert merge.get(qn("w:val")) == ("continue" if continuation else "restart")
                text = "".join(para_text(p) for p in tc.findall(qn("w:p")))
                assert text == ("" if continuation else "".join(p.full_text for p in cell.paras))
                shade = tc.find(f"{qn('w:tcPr')}/{qn('w:shd')}")
                assert (shade is not None and shade.get(qn("w:fill")) == "D9D9D9") == cell.shade


def test_first_matrix_dimension_cell_spans_its_items(rendered, document):
    table = next(t for t, _ in tables_in_order(document) if t.style == "matrix")
    tbl = next(t for t in rendered.element.body.findall(qn("w:tbl")) if len(t.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")) == len(table.columns))
    rows = tbl.findall(qn("w:tr"))[len(table.header):]
    first_cells = [r.find(qn("w:tc")) for r in rows]
    merges = [c.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}") for c in first_cells]
    assert para_text(first_cells[0].find(qn("w:p"))).startswith("๑. ")
    assert merges[0].get(qn("w:val")) == "restart"
    # every item row continues the มิติ cell; the รวม row stands alone, spanning two columns
    assert all(m is not None and m.get(qn("w:val")) == "continue" for m in merges[1:-1])
    assert merges[-1] is None
    assert first_cells[-1].find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}").get(qn("w:val")) == "2"
    assert table.body[0][0].rowspan == len(rows) - 1


def test_header_rows_repeat_and_rows_do_not_split(rendered, document):
    for tbl, (table, _) in zip(rendered.element.body.findall(qn("w:tbl")), tables_in_order(document)):
        rows = tbl.findall(qn("w:tr"))
        flags = [r.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for r in rows]
        assert flags == [True] * len(table.header) + [False] * len(table.body)
        assert all(r.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None for r in rows)


def test_adjacent_tables_are_kept_apart(rendered):
    body = list(rendered.element.body)
    for a, b in zip(body, body[1:]):
        assert not (a.tag == qn("w:tbl") and b.tag == qn("w:tbl"))


# -- TOC --------------------------------------------------------------------------


def test_toc_is_a_filled_in_field(rendered, blob, document):
    body = rendered.element.body
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(re.fullmatch(r'\s*TOC \\o "1-2" \\h \\z \\u\s*', t) for t in instr)
    kinds = [f.get(qn("w:fldCharType")) for f in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    toc = document.toc()
    got = [para_text(p) for p in body.iter(qn("w:p")) if style_of(p) in ("TOC1", "TOC2")]
    assert got == [f"{e.text}\t{e.page}" for e in toc.entries]
    levels = [style_of(p) for p in body.iter(qn("w:p")) if style_of(p) in ("TOC1", "TOC2")]
    assert levels == [f"TOC{e.level}" for e in toc.entries]
    heads = [para_text(p) for p in body.iter(qn("w:p")) if para_text(p) == "\t".join(toc.header)]
    assert len(heads) == 1
    settings = part_xml(blob, "word/settings.xml")
    # Word refreshes the page numbers (they are the PDF's) when it opens the file
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"
    order = [child.tag for child in settings]
    assert order.index(qn("w:updateFields")) < order.index(qn("w:compat"))
    by_id = style_elements(rendered)
    tab = by_id["TOC1"].find(f"{qn('w:pPr')}/{qn('w:tabs')}/{qn('w:tab')}")
    assert tab.get(qn("w:leader")) == "dot" and tab.get(qn("w:val")) == "right"
    assert int(by_id["TOC2"].find(f"{qn('w:pPr')}/{qn('w:ind')}").get(qn("w:left"))) > 0


# -- sections and page numbers ---------------------------------------------------------


def header_instr(section) -> list[str]:
    return [t.text.strip() for t in section.header._element.iter(qn("w:instrText"))]


def test_sections_orientation_and_page_numbers(rendered, document):
    assert document.thai_digits
    assert len(rendered.sections) == len(document.sections)
    started = False
    for docx_section, section in zip(rendered.sections, document.sections):
        sect = docx_section._sectPr
        size = sect.find(qn("w:pgSz"))
        w, h = int(size.get(qn("w:w"))), int(size.get(qn("w:h")))
        assert (w, h) == ((16838, 11906) if section.orientation == "landscape" else (11906, 16838))
        assert (size.get(qn("w:orient")) == "landscape") == (section.orientation == "landscape")
        margins = sect.find(qn("w:pgMar"))
        assert [int(margins.get(qn(f"w:{k}"))) for k in ("left", "right", "top", "bottom")] == [1701, 1134, 1417, 1134]
        assert not docx_section.header.is_linked_to_previous
        num = sect.find(qn("w:pgNumType"))
        if section.numbered:
            assert num.get(qn("w:fmt")) == "thaiNumbers"
            assert num.get(qn("w:start")) == (None if started else "1")
            started = True
            assert header_instr(docx_section) == ["PAGE"]  # no \* ThaiArabic: LibreOffice reads it as Thai letters
            jc = docx_section.header._element.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:jc')}")
            assert jc.get(qn("w:val")) == "right"
        else:
            assert num is None or num.get(qn("w:start")) is None
            assert header_instr(docx_section) == []
            assert docx_section.header._element.xpath("string(.)") == ""
    assert started
    # LibreOffice takes the page number's language from the Header style ("Context" numerals)
    header_lang = style_elements(rendered)["Header"].find(f"{qn('w:rPr')}/{qn('w:lang')}")
    assert header_lang.get(qn("w:val")) == "th-TH"


def test_landscape_section_and_arabic_page_numbers(plan):
    # the view lays the matrix out for the orientation the records ask for
    layout = plan.layout.model_copy(update={"matrix_orientation": "landscape"})
    document = build_document(plan.model_copy(update={"layout": layout}), thai_digits=False)
    rendered = docx.Document(io.BytesIO(render_docx(document)))
    orients = [s._sectPr.find(qn("w:pgSz")).get(qn("w:orient")) for s in rendered.sections]
    assert orients == [None, None, "landscape", None]
    fmts = {s._sectPr.find(qn("w:pgNumType")).get(qn("w:fmt")) for s in rendered.sections[1:]}
    assert fmts == {"decimal"}
    assert not [x for s in rendered.sections for x in s.header._element.iter(qn("w:lang"))]
    assert [para_text(s.header._element.find(qn("w:p"))) for s in rendered.sections] == ["", "1", "1", "1"]
    tbl = rendered.element.body.findall(qn("w:tbl"))[2]  # the first matrix, now landscape
    assert sum(int(c.get(qn("w:w"))) for c in tbl.iter(qn("w:gridCol"))) == TEXT_WIDTH["landscape"]


# -- literal text -----------------------------------------------------------------------


def test_markup_like_text_comes_out_literally():
    cell = Cell((Para(TRICKY, "cell"),), shade=True)
    document = Document(
        title=TRICKY,
        author="ผู้จัดทำ & <co>",
        thai_digits=True,
        sections=(
            Section((Para("สารบัญ", "title"), Toc(("เรื่อง", "หน้า"), (TocEntry(1, TRICKY, "a-1", "๑"),))), numbered=False),
            Section((
                Para(TRICKY, "part", anchor="a-1"),
                Para(TRICKY, "item", number="{{ n }}."),
                Table((1.0, 2.0), ((cell, cell),), ((Cell((Para("-", "cell"),), colspan=2),),), break_before=True),
            )),
        ),
    )
    blob = render_docx(document)
    rendered = docx.Document(io.BytesIO(blob))
    texts = [p.text for p in rendered.paragraphs]
    assert TRICKY in texts
    assert "{{ n }}.\t" + TRICKY in texts
    assert rendered.tables[0].cell(0, 0).text == TRICKY
    assert rendered.core_properties.title == TRICKY
    toc = [para_text(p) for p in rendered.element.body.iter(qn("w:p")) if style_of(p) == "TOC1"]
    assert toc == [TRICKY + "\t๑"]
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        xml = z.read("word/document.xml").decode()
    assert "&lt;b&gt;&amp;{{ x }}{% if %}&lt;/b&gt;" in xml
    assert "<b>" not in xml
    # a table that breaks before: the page break sits on its first cell's paragraph
    first = rendered.element.body.find(qn("w:tbl")).find(f"{qn('w:tr')}/{qn('w:tc')}/{qn('w:p')}")
    assert first.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None


# -- the example book, when it loads ---------------------------------------------------


def test_example_book_renders_deterministically():
    if not EXAMPLE.exists():
        pytest.skip("examples/anticorruption.yaml is not there yet")
    plan, _ = load(EXAMPLE)
    document = with_pages(build_document(plan))
    blob = render_docx(document)
    assert render_docx(document) == blob
    rendered = docx.Document(io.BytesIO(blob))
    assert [s._sectPr.find(qn("w:pgSz")).get(qn("w:orient")) == "landscape" for s in rendered.sections] == [
        s.orientation == "landscape" for s in document.sections
    ]
    got = "".join(para_text(p) for p in rendered.element.body.iter(qn("w:p")))
    assert re.sub(r"\s+", "", got) == re.sub(r"\s+", "", "".join(text_blocks(document)))


# -- line-break hints and header heights ---------------------------------------------------


def test_thai_words_are_marked_for_line_breaks():
    from assembler.render.docx import WORD_JOINER, ZWSP, word_breaks, word_parts
    from assembler.thai import segment

    text = "องค์การบริหารส่วนตำบลจัดทำแผนปฏิบัติการป้องกันการทุจริต ปี ๒๕๖๖ (Plan 2566) ที่สาธารณะ"
    marked = word_breaks(text)
    assert marked.replace(ZWSP, "").replace(WORD_JOINER, "") == text
    pieces = [p.replace(WORD_JOINER, "") for p in re.split(f"{ZWSP}| ", marked) if p]
    words = [w for w in segment(text) if w.strip()]
    assert "".join(pieces) == "".join(words) and len(pieces) > 8
    # a hint only between two Thai letters, never inside a cluster
    for m in re.finditer(ZWSP, marked):
        before, after = marked[m.start() - 1], marked[m.end()]
        assert "\u0e01" <= before <= "\u0e5b" and "\u0e01" <= after <= "\u0e5b"
        assert not re.match("[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]", after) and before not in "เแโใไ"
    assert f"ณ{WORD_JOINER}ะ" in marked  # LibreOffice may not cut สาธารณ|ะ
    assert word_breaks("Plan 2566, no Thai") == "Plan 2566, no Thai"
    # a slash between Thai words is a boundary; between figures it is not
    assert word_breaks("โครงการ/กิจกรรม") == f"โครงการ/{ZWSP}กิจกรรม"
    assert ZWSP not in word_breaks("วันที่ ๑/๒๕๖๖")
    # a word too wide for its cell: cut into dictionary parts, never inside a cluster
    unjoined = lambda marked: marked.replace(WORD_JOINER, "").split(ZWSP)  # noqa: E731
    wide = word_breaks("คอนกรีตเสริมเหล็ก", too_wide=lambda w: len(w) > 10)
    assert unjoined(wide) == ["คอนกรีต", "เสริม", "เหล็ก"]
    # a dictionary part still too wide is cut again, down to its syllables
    wider = word_breaks("สารบรรณอิเล็กทรอนิกส์", too_wide=lambda w: len(w) > 7)
    assert unjoined(wider) == ["สารบรรณ", "อิ", "เล็ก", "ทรอ", "นิกส์"]
    # the punctuation that stays on the word's line counts in its width
    assert ZWSP not in word_breaks("สาธารณสุข ช่าง", too_wide=lambda w: len(w) > 9)
    assert unjoined(word_breaks("สาธารณสุข, ช่าง", too_wide=lambda w: len(w) > 9))[0] == "สา"
    # in a cell, a word (or part) that fits has its letters joined: LibreOffice's
    # dictionary cuts words it does not know (ศาสน|สถาน, (อปพ|ร.)) even between the hints
    cell = word_breaks("ศาสนสถาน (อปพร.) เหล็ก", too_wide=lambda w: len(w) > 12)
    J = WORD_JOINER
    assert cell == f"ศา{J}ส{J}น{J}ส{J}ถา{J}น (อ{J}ป{J}พ{J}ร.) เห{J}ล็{J}ก"
    for marked in (cell, wide, wider):
        for m in re.finditer(J, marked):
            # only before a consonant or a leading vowel, never after a leading vowel
            assert re.match("[\u0e01-\u0e2e\u0e40-\u0e44]", marked[m.end()]) and marked[m.start() - 1] not in "เแโใไ"
    for word in ("คุณภาพชีวิต", "สาธารณสุข", "สวัสดิการ", "ผู้รับผิดชอบ", "องค์กรปกครองส่วนท้องถิ่น"):
        parts = word_parts(word)
        assert "".join(parts) == word
        assert all(not re.match("[\u0e30-\u0e3a\u0e45\u0e47-\u0e4e]", p) and len(p) > 1 for p in parts), parts


def test_merged_header_cells_get_the_height_their_text_needs():
    """A header row under a vertically merged cell states its height (LibreOffice's repeated copies need it)."""
    head = lambda text, **kw: Cell((Para(text, "cell-bold-center"),), **kw)  # noqa: E731
    long = "พื้นที่ (สถานที่ดำเนินการ) " * 3
    table = Table(
        (1.0, 1.0, 1.0),
        ((head(long, rowspan=2), head("พ.ศ. ๒๕๖๖", colspan=2)), (head("ต.ค."), head("พ.ย."))),
        ((Cell((Para("x", "cell"),)), Cell((Para("y", "cell"),)), Cell((Para("z", "cell"),))),),
    )
    document = Document(title="t", author="a", thai_digits=True, sections=(Section((table,)),))
    tbl = docx.Document(io.BytesIO(render_docx(document))).element.body.find(qn("w:tbl"))
    heights = [tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}") for tr in tbl.findall(qn("w:tr"))]
    assert heights[0] is None and heights[2] is None
    # the merged cell's text, in a third of 16 cm at the table size in bold, needs at least width/room lines;
    # the first row holds one line: the second makes up the rest
    from assembler.fonts import find_fonts
    from assembler.render.docx_fonts import Metrics

    fonts = find_fonts()
    size = document.table_font_size_pt
    line = size * fonts.line_em * 20  # twips
    room = (TEXT_WIDTH["portrait"] / 3 - 2 * 60) / 20  # pt, less the cell margins
    lines = -(-Metrics(fonts.regular, fonts.bold).width(long.strip(), size, bold=True) // room)
    assert lines >= 3
    assert heights[1].get(qn("w:hRule")) == "atLeast"
    assert int(heights[1].get(qn("w:val"))) + line + 40 >= lines * line
    short = dataclasses.replace(table, header=((head("ที่", rowspan=2), head("พ.ศ. ๒๕๖๖", colspan=2)), table.header[1]))
    document = dataclasses.replace(document, sections=(Section((short,)),))
    tbl = docx.Document(io.BytesIO(render_docx(document))).element.body.find(qn("w:tbl"))
    assert tbl.find(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:trHeight')}") is None  # two rows hold one line
