"""View parts every book shares: cover, คำนำ with its signature, สารบัญ, list entries."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ..document import Cell, Para, Toc, TocEntry
from ..records.common import Foreword, ListEntry, Organisation
from ..thai import Numerals, thai_digit_to_arabic_digit


@dataclass(frozen=True)
class Part:
    """A part of a book that ``planbook build --parts`` can choose: its English and Thai names."""

    key: str
    thai: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, self.thai, *self.aliases)


def name_key(name: str) -> str:
    """Return a part name as compared: Arabic digits, no spaces or dots, lower case, no leading แบบ."""
    text = thai_digit_to_arabic_digit(name).lower().removeprefix("แบบ")
    return re.sub(r"[\s.]+", "", text)


def choose_parts(parts: tuple[Part, ...], names: Iterable[str]) -> tuple[str, ...]:
    """Return the keys of the parts ``names`` choose, in book order; raise KeyError(name) for an unknown name."""
    by_name = {name_key(n): part.key for part in parts for n in part.names}
    chosen = set()
    for name in names:
        key = by_name.get(name_key(name))
        if key is None:
            raise KeyError(name)
        chosen.add(key)
    return tuple(p.key for p in parts if p.key in chosen)


def front_matter(
    num: Numerals, cover: list[str], org: Organisation, foreword: Foreword | None, toc: list[TocEntry], contents: bool = True
):
    """Yield the cover, คำนำ (when there is one) and สารบัญ (unless not ``contents``): the unnumbered front section."""
    yield Para(num.digits(cover[0]), "cover-title")
    for line in cover[1:]:
        yield Para(num.digits(line), "cover")
    yield Para(num.digits(f"จังหวัด{org.province}"), "cover-small")
    yield Para("จัดทำโดย", "cover")
    for line in org.prepared_by:
        yield Para(num.digits(line), "cover-small")
    yield Para(num.digits(org.name), "cover-small")

    if foreword is not None:
        yield Para("คำนำ", "title", break_before=True)
        for i, text in enumerate(foreword.paragraphs, 1):
            # the last paragraph stays with the signature below it
            yield Para(num.digits(text), "body", keep_with_next=i == len(foreword.paragraphs))
        signature = foreword.signature or [*org.prepared_by, org.name]
        for i, line in enumerate(signature):
            yield Para(num.digits(line), "signature", keep_with_next=i < len(signature) - 1)

    if contents:
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


def units_row(units, t, columns: int) -> tuple[Cell, ...] | None:
    """Return a table's last row spelling out the unit abbreviations its cells print, or None.

    ``units`` are the records' units (abbr, name); ``t`` formats record text (digits).
    """
    if not units:
        return None
    text = "หมายเหตุ ชื่อย่อหน่วยงาน: " + ", ".join(f"{t(u.abbr)} {t(u.name)}" for u in units)
    return (Cell((Para(text, "cell"),), colspan=columns),)
