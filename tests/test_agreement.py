"""The DOCX and the PDF say the same thing, in the same order."""
from __future__ import annotations

import zipfile

from lxml import etree

from assembler.document import Table
from assembler.records import load
from assembler.view.anticorruption import build_document

from .conftest import EXAMPLE, normalise, pdf_pages

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_blocks(path) -> list[str]:
    """Return the text of every paragraph and table cell of the DOCX body, in order."""
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    out = []
    for p in body.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if text.strip():
            out.append(text)
    return out


def test_docx_and_pdf_carry_the_same_text(example_build):
    blocks = docx_blocks(example_build["docx"])
    pdf = normalise("".join(body for _, body in pdf_pages(example_build["pdf"])))
    # what the PDF may show more than once: table header rows repeated on each page
    plan, _ = load(EXAMPLE)
    repeated = {
        normalise(p.full_text)
        for s in build_document(plan).sections
        for b in s.blocks
        if isinstance(b, Table)
        for row in b.header
        for c in row
        for p in c.paras
    }
    pos = 0
    for block in blocks:
        wanted = normalise(block)
        at = pdf.find(wanted, pos)
        assert at >= 0, f"DOCX text missing from the PDF after position {pos}: {block[:60]!r}"
        gap = pdf[pos:at]
        for text in sorted(repeated, key=len, reverse=True):
            gap = gap.replace(text, "")
        assert gap == "", f"PDF has text the DOCX lacks before {block[:40]!r}: {pdf[pos:at][:80]!r}"
        pos = at + len(wanted)
    tail = pdf[pos:]
    for text in sorted(repeated, key=len, reverse=True):
        tail = tail.replace(text, "")
    assert tail == ""
    assert len(blocks) > 500
