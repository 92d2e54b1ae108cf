"""render/weasy.py, planbook's patches to WeasyPrint: still in place, and doing their work."""
from __future__ import annotations

import importlib
import inspect
import re
import subprocess
import tomllib
import unicodedata

import pymupdf
import pytest
import weasyprint

from assembler.document import Para, text_blocks
from assembler.loading import load
from assembler.render import weasy
from assembler.render.pdf import ZWSP, thai_markup
from assembler.view import build_document

from .conftest import EXAMPLE, ROOT, pdf_pages


def test_weasyprint_is_the_version_the_patches_were_written_for():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert f"weasyprint=={weasy.WEASYPRINT_VERSION}" in pyproject["project"]["dependencies"]
    assert weasyprint.__version__ == weasy.WEASYPRINT_VERSION


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    owner = None
    try:
        owner = importlib.import_module(module)
    except ImportError:  # a class: weasyprint.text.line_break.Layout.set_text
        module, _, cls = module.rpartition(".")
        owner = getattr(importlib.import_module(module), cls)
    return getattr(owner, name)


def test_patched_weasyprint_functions_still_have_their_signatures():
    weasy.install()
    for dotted, params in weasy.PATCHED.items():
        original = weasy._original[dotted.split(".")[-1]]
        assert list(inspect.signature(original).parameters) == params, dotted
        # the replacement takes the same parameters
        assert list(inspect.signature(_resolve(dotted)).parameters) == params, dotted


def test_patches_are_in_place():
    weasy.install()
    assert weasy.installed()
    for dotted in weasy.PATCHED:
        assert _resolve(dotted).__module__ == weasy.__name__, dotted
    # the Pango functions declared for the patches are there
    assert weasy.pango.pango_attr_allow_breaks_new(False) != weasy.ffi.NULL


def _lines(html: str) -> list[str]:
    """Return the text of each line of a laid-out HTML snippet (zero-width spaces dropped)."""
    weasy.install()
    document = weasyprint.HTML(string=html, base_url=str(ROOT / "templates") + "/").render()
    out = []

    def walk(box):
        if type(box).__name__ == "LineBox":
            out.append("".join(t.text for t in _texts(box)).replace(ZWSP, "").strip())
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return out


def _texts(box):
    if type(box).__name__ == "TextBox":
        yield box
    for child in getattr(box, "children", []):
        yield from _texts(child)


FACE = f"<style>@font-face {{ font-family: book; src: url({(ROOT / 'fonts' / 'Laksaman.ttf').as_uri()}) }}</style>"
FONT = "font-family: book; font-size: 16pt"


def test_words_stay_whole_and_a_too_wide_word_breaks_between_syllables():
    words = ["ประชาสัมพันธ์", "การบริหาร", "อำนาจ", "ผู้รับผิดชอบ", "ดำเนินการ", "พ.ศ."] * 6
    text = " ".join(words[:3]) + "".join(words[3:])
    html = f'{FACE}<p style="{FONT}; width: 4.3cm">{thai_markup(text)}</p>'
    lines = _lines(html)
    assert len(lines) > 5
    pieces = "".join(lines)
    for line in lines:
        # every line is made of whole words from the list (and spaces)
        assert re.fullmatch("(?:" + "|".join(map(re.escape, words)) + "| )+", line), (line, lines)
    assert pieces.replace(" ", "") == text.replace(" ", "")
    # a word wider than the column by itself breaks, between syllables
    wide = "องค์กรปกครองส่วนท้องถิ่น"
    lines = _lines(f'{FACE}<p style="{FONT}; width: 2cm">{thai_markup("ของ" + wide)}</p>')
    assert lines[0] == "ของ" and "".join(lines[1:]) == wide and len(lines) > 2, lines
    cuts = {len("".join(weasy.syllables(wide)[:i])) for i in range(1, len(weasy.syllables(wide)))}
    done = 0
    for line in lines[1:-1]:
        done += len(line)
        assert done in cuts, lines


@pytest.fixture(scope="module")
def example_pdf(example_build):
    return example_build["pdf"]


def test_pdf_text_is_the_document_text_character_for_character(example_pdf):
    """pdftotext reads every block of the Document, as written (ำ is ำ), in order.

    Only white space and zero-width spaces are set aside; a block may be
    missed in order only where a table row splits across pages, and then its
    text stands somewhere in the PDF all the same.
    """
    plan, _ = load(EXAMPLE)
    blocks = [re.sub(r"\s+", "", b) for b in text_blocks(build_document(plan)) if b.strip()]
    # page numbers (the page headers) set aside: a paragraph may run on over a page
    pdf = re.sub(r"[\s\u200b]+", "", "".join(body for _, body in pdf_pages(example_pdf)))
    assert "\u0e4d\u0e32" not in pdf  # ำ never reads as NIKHAHIT + SARA AA
    assert not re.search("[\ue000-\uf8ff]", pdf)  # nor as a private-use variant
    pos, out_of_order = 0, 0
    for block in blocks:
        at = pdf.find(block, pos)
        if at < 0:
            out_of_order += 1
            assert block in pdf, f"not in the PDF as written: {block[:60]!r}"
            continue
        pos = at + len(block)
    assert out_of_order <= len(blocks) // 50, out_of_order


def test_words_with_sara_am_and_stacked_marks_extract_as_written(example_pdf):
    raw = subprocess.run(["pdftotext", str(example_pdf), "-"], capture_output=True, text=True, check=True).stdout
    mupdf = "".join(page.get_text() for page in pymupdf.open(example_pdf))
    for text in (raw, mupdf):
        for word in ("คำนำ", "ดำเนินการ", "ผู้รับผิดชอบ"):
            assert word in text, word


def test_justified_prose_lines_end_flush_at_the_right_margin(example_pdf):
    """Every line of a body paragraph but its last ends within 0.5 pt of the right margin.

    A line is known to be a body paragraph's by its text and the next line's
    standing together in one body paragraph; its right end is where its last
    glyph's ink box ends (PyMuPDF's glyph trace, not the extracted text).
    """
    plan, _ = load(EXAMPLE)
    paras = [
        _flat(b.full_text) for s in build_document(plan).sections for b in s.blocks
        if isinstance(b, Para) and b.style == "body"
    ]
    left, indent, right_margin = 3 / 2.54 * 72, 2.5 / 2.54 * 72, 2 / 2.54 * 72
    measured = []
    for page in pymupdf.open(example_pdf):
        if page.rect.width > page.rect.height:
            continue  # landscape pages hold the tables, whose cells repeat some body text
        right = page.rect.width - right_margin
        # marks are drawn over their letter, shifted by offsets their box does not show
        glyphs = [
            c[3] for span in page.get_texttrace() for c in span["chars"]
            if c[3][2] > c[3][0] and unicodedata.category(chr(c[0])) != "Mn"
        ]
        lines = [
            (_flat("".join(s["text"] for s in line["spans"])), line["bbox"])
            for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])
        ]
        for (text, (x0, y0, x1, y1)), (following, _) in zip(lines, lines[1:]):
            if min(abs(x0 - left), abs(x0 - left - indent)) > 1.5 or len(text) < 5:
                continue  # not a body line (cells, items, headings)
            if not any(text + following in p for p in paras):
                continue  # not a line of a body paragraph with another line after it
            ink = max(g[2] for g in glyphs if y0 <= (g[1] + g[3]) / 2 <= y1 and g[0] >= x0 - 1)
            measured.append((abs(ink - right), page.number + 1, text[-20:]))
    assert len(measured) > 200
    assert max(measured)[0] <= 0.5, sorted(measured)[-5:]


def _flat(text: str) -> str:
    return re.sub(r"[\s\u200b]+", "", unicodedata.normalize("NFC", text))


def test_a_line_justified_twice_is_justified_once():
    text = "๑. " + "การบริหารงานบุคคล ผู้รับผิดชอบ ดำเนินการ " * 6
    html = f'{FACE}<p style="{FONT}; width: 8cm; text-align: justify">{thai_markup(text)} <b>{thai_markup(text)}</b></p>'
    weasy.install()
    document = weasyprint.HTML(string=html, base_url=str(ROOT / "templates") + "/").render()
    lines = []

    def walk(box):
        if type(box).__name__ == "LineBox":
            lines.append(box)
        for child in getattr(box, "children", []):
            walk(child)

    walk(document.pages[0]._page_box)
    assert len(lines) > 3
    line = next(line for line in lines if len(list(_texts(line))) > 1)  # plain and bold text on one line
    right = 8 / 2.54 * 96 + line.position_x  # CSS px

    def layout_of(line):
        return [(round(b.position_x, 2), round(b.width, 2), round(b.pango_layout.planbook_spacing[0], 2)) for b in _texts(line)]

    first = layout_of(line)
    ends = [b.position_x + b.width for b in _texts(line)]
    assert abs(max(ends) - right) < 0.1 and first[0][2] > 0
    weasy._justify_line(None, line, 0)  # justified again: nothing left to spread
    assert layout_of(line) == first
