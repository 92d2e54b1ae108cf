"""The DOCX and the PDF say the same thing, in the same order."""
from __future__ import annotations

import zipfile

from lxml import etree

from assembler.cli import main
from assembler.document import Table
from assembler.records import load
from assembler.view import build_document

from .conftest import EXAMPLE, FIXTURES, normalise, pdf_pages

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


def assert_same_text(source, pdf_path, docx_path) -> int:
    """Assert every DOCX paragraph and cell stands in the PDF, in order, and nothing else does."""
    blocks = docx_blocks(docx_path)
    pdf = normalise("".join(body for _, body in pdf_pages(pdf_path)))
    # what the PDF may show more than once: table header rows repeated on each page
    plan, _ = load(source)
    repeated = {
        normalise(p.full_text)
        for s in build_document(plan).sections
        for b in s.blocks
        if isinstance(b, Table)
        for row in b.header
        for c in row
        for p in c.paras
    }
    longest_first = sorted(repeated, key=len, reverse=True)
    pos = 0
    for block in blocks:
        wanted = normalise(block)
        at = pdf.find(wanted, pos)
        assert at >= 0, f"DOCX text missing from the PDF after position {pos}: {block[:60]!r}"
        gap = pdf[pos:at]
        for text in longest_first:
            gap = gap.replace(text, "")
        assert gap == "", f"PDF has text the DOCX lacks before {block[:40]!r}: {pdf[pos:at][:80]!r}"
        pos = at + len(wanted)
    tail = pdf[pos:]
    for text in longest_first:
        tail = tail.replace(text, "")
    assert tail == ""
    return len(blocks)


def test_docx_and_pdf_carry_the_same_text(example_build):
    assert assert_same_text(EXAMPLE, example_build["pdf"], example_build["docx"]) > 500


def test_operational_plan_docx_and_pdf_agree(tmp_path):
    source = sorted((EXAMPLE.parent).glob("operations-*.yaml"))
    source = source[0] if source else FIXTURES / "operations-minimal.yaml"
    assert main(["build", str(source), "-o", str(tmp_path)]) == 0
    assert assert_same_text(source, tmp_path / f"{source.stem}.pdf", tmp_path / f"{source.stem}.docx") > 40
