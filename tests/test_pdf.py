"""The PDF: page numbers, สารบัญ, Thai digits, Thai line breaks, fonts, determinism, safety."""
from __future__ import annotations

import re
import subprocess

import pytest
from pypdf import PdfReader

from assembler.cli import main
from assembler.document import Para, Table, grid_cells
from assembler.loading import load
from assembler.tablelayout import BOLD_STYLES, PT_PER_CM, RULE_PT, Measure
from assembler.thai import Numerals, segment, syllables
from assembler.view import build_document

from .conftest import EXAMPLE, FIXTURES, normalise, pdf_pages

THAI_DIGIT = re.compile(r"[\u0e50-\u0e59]+")


def printed_number(page: tuple[str, str]) -> str | None:
    """Return the page number printed at the top of a page, or None."""
    header = page[0].strip()
    assert header == "" or THAI_DIGIT.fullmatch(header), header
    return header or None


@pytest.fixture(scope="module")
def pages(example_build):
    return pdf_pages(example_build["pdf"])


def test_front_matter_is_unnumbered_and_part_one_is_page_one(pages):
    part1 = next(i for i, (_, body) in enumerate(pages) if normalise(body).startswith(normalise("ส่วนที่ ๑ บทนำ")))
    assert all(printed_number(t) is None for t in pages[:part1])
    numbers = [printed_number(t) for t in pages[part1:]]
    assert numbers == [Numerals(True).digits(n) for n in range(1, len(numbers) + 1)]


def test_toc_page_numbers_are_the_pages_where_parts_start(pages):
    plan, _ = load(EXAMPLE)
    document = build_document(plan)
    toc = document.toc()
    toc_flat = next(normalise(body) for _, body in pages if body.lstrip().startswith("สารบัญ"))
    headings = {
        b.anchor: b.full_text for s in document.sections for b in s.blocks if isinstance(b, Para) and b.anchor
    }
    body_start = next(i for i, t in enumerate(pages) if printed_number(t) == "๑")
    checked = 0
    for entry in toc.entries:
        # where the heading really is
        where = next(i for i in range(body_start, len(pages)) if normalise(headings[entry.anchor]) in normalise(pages[i][1]))
        shown = printed_number(pages[where])
        assert normalise(entry.text) + shown in toc_flat, (entry.text, shown)
        checked += 1
    assert checked == len(toc.entries) >= 10


def test_thai_digits_everywhere(pages, example_build):
    from .test_agreement import docx_blocks

    for text in ("".join(h + b for h, b in pages), "".join(docx_blocks(example_build["docx"]))):
        assert THAI_DIGIT.search(text)
        arabic = re.findall(r"[0-9]+", text)
        assert arabic == [], arabic[:20]


def test_arabic_digits_switch(tmp_path):
    assert main(["build", str(FIXTURES / "minimal.yaml"), "-o", str(tmp_path), "--format", "pdf", "--digits", "arabic"]) == 0
    text = "".join(h + b for h, b in pdf_pages(tmp_path / "minimal.pdf"))
    assert not THAI_DIGIT.search(text)
    assert "20,000" in text and "2566" in text


def word_spans(text: str) -> list[tuple[int, int, set[int]]]:
    """Return (start, end, syllable boundaries) of each pythainlp word, in normalised offsets."""
    out, pos = [], 0
    for word in segment(text):
        start, cuts = pos, set()
        for part in syllables(word) if word.strip() else (word,):
            pos += len(normalise(part))
            cuts.add(pos)
        out.append((start, pos, cuts))
    return out


def test_thai_lines_break_only_between_words(example_build):
    """Every break between two Thai letters falls between pythainlp words, or in a word wider than its line."""
    checked = check_line_breaks(EXAMPLE, example_build["pdf"])
    assert checked[False] > 100 and checked[True] > 20, checked


def check_line_breaks(source, pdf) -> dict[bool, int]:
    """Assert the PDF's Thai line breaks are allowed ones; return how many (prose, cell) were checked.

    A break may fall inside a word only when the word is wider than its line
    or cell, and then between syllables. In a table cell "wider" is measured:
    the word's width in the book font (assembler.tablelayout) against the
    cell's text width (its columns less padding and rules). In prose it is
    judged in letters: the word has as many letters as the whole line before
    the break (a full line of the same type).
    """
    plan, _ = load(source)
    checked = {False: 0, True: 0}
    for before, after, found in line_breaks(build_document(plan), pdf):
        cut = len(normalise(before))
        assert any(allowed(original, at, at + cut, cell) for at, original, cell in found), (
            f"break inside a word: …{before[-12:]} | {after[:12]}…"
        )
        checked[found[0][2] is not None] += 1
    return checked


def line_breaks(document, pdf):
    """Yield (line, next line, where) for each line break of ``pdf`` next to a Thai character.

    Only breaks inside one paragraph of ``document`` are yielded (the two
    lines, joined, are found in its text): ``where`` lists each such
    paragraph as (offset of the joined lines in its normalised text, its
    text, None for prose or (room in pt, font size, bold) in a table cell).
    """
    # (paragraph text, None for prose or (room in pt, font size, bold) in a table cell)
    texts: set[tuple[str, tuple | None]] = set()
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Para):
                texts.add((block.text, None))
            elif isinstance(block, Table):
                size = block.font_size_pt or document.table_font_size_pt
                for row in grid_cells(len(block.columns), block.header + block.body):
                    for col, cell in row:
                        room = sum(block.columns[col:col + cell.colspan]) * PT_PER_CM - 2 * block.padding_pt - RULE_PT
                        texts.update((p.text, (room, size, p.style in BOLD_STYLES)) for p in cell.paras)
    # short prose would match anywhere; a cell's text is checked however short
    # (a header such as หน่วยดำเนินการ wraps in its own column)
    by_text = [(normalise(t), (t, cell)) for t, cell in texts if cell or len(normalise(t)) > 20]
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True).stdout
    lines: list[str] = []
    for line in (l for l in raw.split("\n") if l.strip()):
        # pdftotext sometimes puts a mark stacked over a letter on a line of
        # its own; no rendered line starts with a combining mark
        if lines and re.match("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]", line):
            lines[-1] += line
        else:
            lines.append(line)
    for before, after in zip(lines, lines[1:]):
        # a break next to a Thai character ("…ก | ข…", "พ. | ศ."), not at a space
        if not (re.search(r"[\u0e01-\u0e4e]$", before) or re.match(r"[\u0e01-\u0e4e]", after)):
            continue
        if before != before.rstrip() or after != after.lstrip():
            continue
        joined = normalise(before + after)
        # the two lines may stand in several paragraphs (short cell lines
        # especially): the break is right if one of them allows it
        found = [(flat.find(joined), original, cell) for flat, (original, cell) in by_text if joined in flat]
        if found:
            yield before, after, found


def allowed(text: str, line_start: int, cut: int, cell: tuple | None = None) -> bool:
    """Return whether a line of ``text`` starting at ``line_start`` may end at ``cut`` (normalised offsets).

    ``cell`` is (text width in pt, font size, bold) for a table cell's text, None for prose.
    """
    flat = normalise(text)
    for start, end, syllable_cuts in word_spans(text):
        if start < cut < end:  # inside this word: wider than its line, cut between syllables
            if cell is None:
                wider = end - start >= cut - line_start
            else:
                room, size, bold = cell
                wider = Measure(size, 0).text_pt(flat[start:end], bold) > room
            return wider and cut in syllable_cuts
    return True


def test_fonts_are_embedded(example_build):
    reader = PdfReader(example_build["pdf"])
    embedded = set()
    for page in reader.pages[:12]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(descendant.get_object()["/BaseFont"]))
    assert any("Laksaman" in name or "Sarabun" in name for name in embedded), embedded


def test_same_records_give_identical_files(example_build, tmp_path):
    assert main(["build", str(EXAMPLE), "-o", str(tmp_path)]) == 0
    for fmt in ("pdf", "docx"):
        assert (tmp_path / f"anticorruption.{fmt}").read_bytes() == example_build[fmt].read_bytes()


def test_markup_in_records_comes_out_literally(tmp_path):
    from .test_agreement import docx_blocks

    assert main(["build", str(FIXTURES / "literal.yaml"), "-o", str(tmp_path)]) == 0
    pdf = normalise("".join(b for _, b in pdf_pages(tmp_path / "literal.pdf")))
    docx = normalise("".join(docx_blocks(tmp_path / "literal.docx")))
    for literal in ("<b>ตัวหนา</b>", "&{{x}}", "{%if%}", "<script>alert(๑)</script>", "{{๗*๗}}", "</table>", "&lt;&gt;"):
        assert normalise(literal) in pdf, literal
        assert normalise(literal) in docx, literal


def test_weasyprint_fetches_nothing_outside_the_project(tmp_path):
    from assembler.fonts import project_root
    from assembler.render.pdf import ProjectFetcher

    root = project_root()
    fetcher = ProjectFetcher([root / "templates", root / "fonts"])
    assert fetcher.fetch((root / "templates" / "book.css").as_uri()) is not None
    secret = tmp_path / "secret.css"
    secret.write_text("x")
    for url in (secret.as_uri(), "http://example.invalid/x.png", "file:///etc/passwd", (root / "templates" / ".." / "pyproject.toml").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
