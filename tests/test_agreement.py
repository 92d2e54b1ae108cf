"""The DOCX and the PDF say the same thing, in the same order."""
from __future__ import annotations

import zipfile
from collections import Counter

from lxml import etree

from assembler.cli import main
from assembler.document import Table
from assembler.render.pdf import CONTINUED
from assembler.loading import load
from assembler.view import build_document

from .conftest import EXAMPLE, FIXTURES, normalise, pdf_pages

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_blocks(path, kinds: bool = False) -> list:
    """Return the text of every paragraph and table cell of the DOCX body, in order.

    With ``kinds``, return (text, kind) pairs, kind being "header" for a
    table's repeating header rows, "loose" for a row that may split across
    pages (no w:cantSplit), else "body".
    """
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    out = []
    for p in body.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t"))
        if not text.strip():
            continue
        kind = "body"
        row = next((a for a in p.iterancestors(f"{W}tr")), None)
        if row is not None:
            if row.find(f"{W}trPr/{W}tblHeader") is not None:
                kind = "header"
            elif row.find(f"{W}trPr/{W}cantSplit") is None:
                kind = "loose"
        out.append((text, kind) if kinds else text)
    return out


def assert_same_text(source, pdf_path, docx_path, parts=None) -> int:
    """Assert the DOCX's text stands in the PDF in the same order, and nothing else does.

    Table headers repeat on every page in the PDF: each table's whole header
    (all its cells, in order) must appear, and is then set aside. A row too
    tall to keep whole may split across pages and interleave its cells' text:
    that text is checked as a whole (the same characters in any order).
    ``parts`` (part keys) compares an extract built with ``--parts``.
    """
    blocks = docx_blocks(docx_path, kinds=True)
    plan, _ = load(source)
    # a form's code stands at the top of each of its pages, under the page number,
    # in the page's top margin (a margin box: should it reach the body, its text comes last)
    heads = {normalise(s.running_head) for s in build_document(plan, parts=parts).sections if s.running_head}
    bodies = []
    for _, body in pdf_pages(pdf_path):
        body = normalise(body)
        for head in heads:
            body = body.removesuffix(head)
        bodies.append(body)
    pdf = "".join(bodies)
    def text(rows):
        return "".join(normalise(p.full_text) for row in rows for c in row for p in c.paras)

    tables = [b for s in build_document(plan, parts=parts).sections for b in s.blocks if isinstance(b, Table)]
    for header in sorted({text(b.header) for b in tables}, key=len, reverse=True):
        assert header in pdf, f"table header missing from the PDF: {header[:60]}"
        pdf = pdf.replace(header, "")
    # a table that fills its pages repeats a shorter header on the pages after its first
    for header in sorted({text(b.continued_header) for b in tables if b.continued_header}, key=len, reverse=True):
        pdf = pdf.replace(header, "")
    # a merged cell carried onto a continuation page repeats its text with "(ต่อ)"
    # (and a row split across pages starts its rest with its number and "(ต่อ)")
    carried = {
        normalise(f"{c.paras[0].full_text} {CONTINUED}")
        for s in build_document(plan, parts=parts).sections
        for b in s.blocks
        if isinstance(b, Table)
        for r, row in enumerate(b.body)
        for i, c in enumerate(row)
        if c.paras and (c.rowspan > 1 or (i == 0 and (r in b.loose_rows or b.fill_pages)))
    }
    for text in sorted(carried, key=len, reverse=True):
        pdf = pdf.replace(text, "")
    pos, leftover, loose_text = 0, "", ""
    for block, kind in blocks:
        wanted = normalise(block)
        if kind == "loose":
            loose_text += wanted
        if kind != "body":
            continue
        at = pdf.find(wanted, pos)
        assert at >= 0, f"DOCX text missing from the PDF after position {pos}: {block[:60]!r}"
        leftover += pdf[pos:at]
        pos = at + len(wanted)
    leftover += pdf[pos:]
    extra, missing = Counter(leftover) - Counter(loose_text), Counter(loose_text) - Counter(leftover)
    message = f"PDF has {dict(extra)} more and {dict(missing)} less than the split rows: {leftover[:300]}"
    assert not extra and not missing, message
    return len(blocks)


def test_docx_and_pdf_carry_the_same_text(example_build):
    assert assert_same_text(EXAMPLE, example_build["pdf"], example_build["docx"]) > 500


def test_operational_plan_docx_and_pdf_agree(tmp_path):
    source = sorted((EXAMPLE.parent).glob("operations-*.yaml"))
    source = source[0] if source else FIXTURES / "operations-minimal.yaml"
    assert main(["build", str(source), "-o", str(tmp_path)]) == 0
    assert assert_same_text(source, tmp_path / f"{source.stem}.pdf", tmp_path / f"{source.stem}.docx") > 40
