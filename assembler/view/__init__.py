"""View models: book records → Document, with every number computed once.

Each book type's view lives in its package (assembler/books/); view/common.py
holds what they share. These functions reach them through the registry.
"""
from __future__ import annotations

from ..document import Document


def build_document(plan, thai_digits: bool | None = None, parts: tuple[str, ...] | None = None) -> Document:
    """Return the Document of any book; ``parts`` (keys of its book type's parts) builds only those parts."""
    from ..books import book_of

    return book_of(plan).build_document(plan, thai_digits, parts)


def present_parts(plan) -> tuple[str, ...]:
    """Return the keys of the parts the records hold (a book without คำนำ has no foreword part)."""
    from ..books import book_of

    book = book_of(plan)
    view = book.view(plan)
    return tuple(p.key for p in book.parts if view.has(p.key))
