"""Nothing accepted is lost: every text the records of every example and fixture hold is printed,
in the DOCX and in the PDF.

The records are walked leaf by leaf (the YAML as written). A text leaf must stand in both
outputs as written, white space and digits aside (the book prints Thai digits, and lines
break anywhere). A table row cut by a page break prints its text in two pieces, so in
the PDF a leaf may also stand as its start at the foot of one page and its rest on the next.

Leaves that are not text to print are named below with the reason: choices the layout
takes (digits, orientation), the book type, and values the book prints in another form
that other tests check (budgets: tests of the sums; months: the bar tests and the
detail-sheet tests; years: the header tests; printed numbers: tests/test_numbers.py).
"""
from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest
import yaml

from assembler.build import build

from .conftest import FIXTURES, ROOT, normalise, pdf_pages

SOURCES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(FIXTURES.glob("*.yaml"))

#: keys whose values are not text the book prints as written (see the module's docstring)
NOT_TEXT = {
    "book", "layout", "digits", "matrix_orientation", "table_font_pt",  # choices of the layout
    "years", "fiscal_year", "budget", "per_year", "total", "blank",  # figures, printed computed
    "start", "end", "schedule",  # months: bars in ผด.02, ๗ ระยะเวลา on detail sheets
    "number",  # printed numbers: tests/test_numbers.py
    "kind",  # an item's kind is its name's first word; a แนวทาง/แผนงาน kind heads its title
}
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def leaves(node, path=()):
    """Yield (path, text) for every text leaf of parsed records, skipping NOT_TEXT keys."""
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key) not in NOT_TEXT:
                yield from leaves(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from leaves(value, path + (i,))
    elif isinstance(node, str) and re.search(r"[\u0e01-\u0e4fA-Za-z]", node):
        yield path, node


def canonical(text: str) -> str:
    return normalise(text).translate(THAI_DIGITS)


@pytest.fixture(scope="module", params=SOURCES, ids=lambda p: p.name)
def built(request, tmp_path_factory):
    source = request.param
    out = tmp_path_factory.mktemp(source.stem)
    build(source, out)
    with zipfile.ZipFile(out / f"{source.stem}.docx") as z:
        xml = z.read("word/document.xml").decode("utf-8")
    docx = canonical(html.unescape("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))))
    pages = [canonical(body) for _, body in pdf_pages(out / f"{source.stem}.pdf")]
    return source, docx, pages


def in_pdf(text: str, pages: list[str]) -> bool:
    """Return whether ``text`` stands on a page, or begins on one and goes on on the next (a cut row;
    each piece at least four characters)."""
    if any(text in page for page in pages):
        return True
    for page, following in zip(pages, pages[1:]):
        # the row's other cells may stand between the two pieces, and the next page's headings
        if any(text[:cut] in page and text[cut:] in following for cut in range(4, len(text) - 3)):
            return True
    return False


def test_every_text_of_the_records_is_printed_in_both_outputs(built):
    source, docx, pages = built
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    texts = list(leaves(data))
    assert len(texts) > 5
    lost_docx = [(path, text) for path, text in texts if canonical(text) not in docx]
    lost_pdf = [(path, text) for path, text in texts if not in_pdf(canonical(text), pages)]
    assert not lost_docx and not lost_pdf, f"{source.name}: not in the DOCX: {lost_docx[:5]}; not in the PDF: {lost_pdf[:5]}"
