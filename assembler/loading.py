"""Loading: a records file (YAML, JSON) or a workbook → the validated model of its book type,
with the place (line, or sheet and cell) of every node."""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .books import BOOKS
from .errors import InputError, Located, simple
from .messages import say
from .records.loader import problems_from_validation, read_records

WORKBOOK_SUFFIXES = (".xlsx",)
OLD_WORKBOOK_SUFFIXES = (".xls", ".xlsm", ".ods")


def load(path: Path) -> tuple[object, Located]:
    """Return the validated records in ``path``; raise InputError with locations."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from .workbook.reader import read_workbook

        data, located = read_workbook(path)
    elif path.suffix.lower() in OLD_WORKBOOK_SUFFIXES:
        raise simple(path, *say("old_workbook"))
    else:
        data, located = read_records(path)
    if not isinstance(data, dict):
        raise InputError(located.problem((), *say("not_a_mapping")))
    book = data.get("book")
    if not isinstance(book, str) or book not in BOOKS:
        raise InputError(located.problem(("book",), *say("unknown_book", book=book, known=list(BOOKS))))
    try:
        model = BOOKS[book].model.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, located)) from None
    problems = BOOKS[book].structural(model, located)
    if problems:
        raise InputError(problems)
    return model, located
