"""Loading: a records file (YAML, JSON) or a workbook → the validated model of its book type,
with the place (line, or sheet and cell) of every node."""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from .books import BOOKS
from .errors import InputError, Located, simple
from .messages import say
from .records.limits import text_fault
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
    problems = text_problems(data, located)
    if problems:
        raise InputError(problems)
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


def text_problems(data: object, located: Located) -> list:
    """Return a problem for each text (value or key) that no book or workbook can hold (limits.text_fault)."""
    out = []
    todo = [((), data)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, str):
            fault = text_fault(value)
            if fault:
                out.append(located.problem(path, *fault))
        elif isinstance(value, dict):
            for key, child in value.items():
                fault = text_fault(key) if isinstance(key, str) else None
                if fault:
                    out.append(located.problem(path + (key,), *fault))
                else:
                    todo.append((path + (key,), child))
        elif isinstance(value, list):
            todo.extend((path + (i,), child) for i, child in enumerate(value))
    return sorted(out, key=lambda p: (p.line or 0, p.where))
