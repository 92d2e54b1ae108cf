"""A new book type is one package that registers a BookType: loading, checks and both renderers follow."""
from __future__ import annotations

import zipfile
from typing import Literal

from assembler import books
from assembler.build import build
from assembler.document import Document, Para, Section
from assembler.records.common import Record, Text

from .conftest import normalise, pdf_pages


class ToyPlan(Record):
    book: Literal["toy"]
    title: Text
    lines: list[Text]


class ToyView:
    def __init__(self, plan):
        self.plan = plan

    def has(self, part: str) -> bool:
        return True


def toy_document(plan, thai_digits=None, parts=None) -> Document:
    paras = (Para(plan.title, "title"), *(Para(line, "body") for line in plan.lines))
    return Document(plan.title, "planbook", True, (Section(paras),))


def test_a_registered_book_type_is_loaded_checked_and_built(tmp_path, monkeypatch):
    toy = books.BookType(
        name="toy", title="เล่มทดลอง", model=ToyPlan, structural=lambda plan, located: [],
        check=lambda plan, located: [], build_document=toy_document, view=ToyView,
    )
    monkeypatch.setitem(books.BOOKS, "toy", toy)
    source = tmp_path / "toy.yaml"
    source.write_text("book: toy\ntitle: แผนทดลอง\nlines: [บรรทัดแรกของเล่ม, บรรทัดที่สอง]\n", encoding="utf-8")
    result = build(source, tmp_path / "out")
    assert [p.suffix for p in result.outputs] == [".docx", ".pdf"]
    text = "".join(normalise(body) for _, body in pdf_pages(tmp_path / "out" / "toy.pdf"))
    assert normalise("บรรทัดแรกของเล่ม") in text and normalise("แผนทดลอง") in text
    with zipfile.ZipFile(tmp_path / "out" / "toy.docx") as z:
        assert "บรรทัดที่สอง" in z.read("word/document.xml").decode().replace("\u200b", "")
