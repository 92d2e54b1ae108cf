"""Book types. Each lives in its own package (its records model, checks, view and
workbook layout) and registers a :class:`BookType` here; everything else reaches a
book type through ``BOOKS`` or :func:`book_of`. A new book type is one new package
and one line below."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class BookType:
    """What planbook needs of one book type."""

    name: str  # the records' ``book:`` value, e.g. "operations"
    title: str  # its Thai name, e.g. "แผนดำเนินงาน"
    model: type  # the records model (pydantic); ``planbook schema`` prints it
    #: model, Located → input errors a schema cannot express (years outside the plan …)
    structural: Callable
    #: model, Located → consistency warnings
    check: Callable
    #: model, thai_digits, parts → Document
    build_document: Callable
    #: model → its view (``has(part)`` says whether the records hold a part)
    view: Callable
    parts: tuple = ()  # the parts ``planbook build --parts`` chooses from
    #: ส่วนที่ ๑ sections a book may leave out: field → (Thai, English) names
    introduction_sections: dict = field(default_factory=dict)
    #: the workbook layout module: INFO, SHEETS, SECTIONS, rows(plan), read(reader, form, tables)
    workbook: object = None


#: book name → its type, in the order ``planbook`` lists them
BOOKS: dict[str, BookType] = {}


def register(book: BookType) -> BookType:
    BOOKS[book.name] = book
    return book


def book_of(plan) -> BookType:
    """Return the type of a records model."""
    return BOOKS[plan.book]


from . import anticorruption, operations  # noqa: E402,F401  (each registers itself)
