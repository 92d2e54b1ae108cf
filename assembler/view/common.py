"""View parts every book shares: cover, คำนำ with its signature, สารบัญ, list entries."""
from __future__ import annotations

from ..document import Cell, Para, Toc, TocEntry
from ..records.common import Foreword, ListEntry, Organisation
from ..thai import Numerals


def front_matter(num: Numerals, cover: list[str], org: Organisation, foreword: Foreword, toc: list[TocEntry]):
    """Yield the cover, คำนำ and สารบัญ blocks (the unnumbered front section)."""
    yield Para(num.digits(cover[0]), "cover-title")
    for line in cover[1:]:
        yield Para(num.digits(line), "cover")
    yield Para(num.digits(f"จังหวัด{org.province}"), "cover-small")
    yield Para("จัดทำโดย", "cover")
    for line in org.prepared_by:
        yield Para(num.digits(line), "cover-small")
    yield Para(num.digits(org.name), "cover-small")

    yield Para("คำนำ", "title", break_before=True)
    for i, text in enumerate(foreword.paragraphs, 1):
        # the last paragraph stays with the signature below it
        yield Para(num.digits(text), "body", keep_with_next=i == len(foreword.paragraphs))
    signature = foreword.signature or [*org.prepared_by, org.name]
    for i, line in enumerate(signature):
        yield Para(num.digits(line), "signature", keep_with_next=i < len(signature) - 1)

    yield Para("สารบัญ", "title", break_before=True)
    yield Toc(("เรื่อง", "หน้า"), tuple(toc))


def entries(num: Numerals, items: list[ListEntry], numbering, level: int = 0):
    """Yield numbered list paragraphs; nested entries are numbered (๑), (๒)…"""
    for i, entry in enumerate(items, 1):
        yield Para(num.digits(entry.text), "item", number=numbering(i), level=level)
        if entry.items:
            yield from entries(num, entry.items, lambda j: f"({num.digits(j)})", level + 1)


def head(text: str) -> Cell:
    """Return a shaded, bold, centred header cell."""
    return Cell((Para(text, "cell-bold-center"),), shade=True)


def cell(text: str, style: str = "cell", **kw) -> Cell:
    """Return a one-paragraph cell."""
    return Cell((Para(text, style),), **kw)
