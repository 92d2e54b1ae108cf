"""Records: files in, validated book models out (with the line of every node)."""
from __future__ import annotations

from pathlib import Path
from typing import Union

from pydantic import ValidationError

from ..errors import InputError, Located, simple
from .anticorruption import AntiCorruptionPlan
from .loader import problems_from_validation, read_records
from ..messages import say
from .operations import OperationsPlan, fiscal_index, month_label, month_number, month_year

WORKBOOK_SUFFIXES = (".xlsx",)
OLD_WORKBOOK_SUFFIXES = (".xls", ".xlsm", ".ods")

#: Book type → its records model. ``planbook schema BOOK`` prints these.
BOOKS = {"anticorruption": AntiCorruptionPlan, "operations": OperationsPlan}

Plan = Union[AntiCorruptionPlan, OperationsPlan]


def load(path: Path) -> tuple[Plan, Located]:
    """Return the validated records in ``path``; raise InputError with locations."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from ..workbook.reader import read_workbook

        data, located = read_workbook(path)
    elif path.suffix.lower() in OLD_WORKBOOK_SUFFIXES:
        raise simple(path, *say("old_workbook"))
    else:
        data, located = read_records(path)
    if not isinstance(data, dict):
        raise InputError(located.problem((), *say("not_a_mapping")))
    book = data.get("book")
    if book not in BOOKS:
        raise InputError(located.problem(("book",), *say("unknown_book", book=book, known=list(BOOKS))))
    try:
        model = BOOKS[book].model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, located)) from None
    problems = structural_problems(model, located)
    if problems:
        raise InputError(problems)
    return model, located


def structural_problems(plan: Plan, located: Located) -> list:
    """Return the input errors a schema cannot express: years outside the plan."""
    if isinstance(plan, OperationsPlan):
        return _operations_problems(plan, located)
    years = plan.plan.years
    out = []
    for path, item in plan.walk_items():
        for year in item.budget.years:
            if year not in years:
                out.append(located.problem(path + ("budget", year), *say("budget_year_outside", year=year, first=years[0], last=years[-1])))
    return out


def _operations_problems(plan: OperationsPlan, located: Located) -> list:
    """Every schedule lies in the fiscal year (ต.ค. before to ก.ย.) and runs forward."""
    fy = plan.fiscal_year
    out = []
    for spath, schedule in plan.walk_schedules():
        for e, entry in enumerate(schedule):
            for field in ("start", "end"):
                month = getattr(entry, field)
                year = month_year(month) if month else None
                if year is None:
                    continue
                expected = fy - 1 if int(month[-2:]) >= 10 else fy
                if year != expected:
                    out.append(located.problem(
                        spath + (e, field),
                        *say("month_outside_fiscal_year", month=month_label(month), year=fy, before=fy - 1),
                    ))
            start, end = entry.start, entry.last
            if month_year(start) and month_year(end):
                # both dated: only a reversed range is wrong here (a month outside the year is reported above)
                if (month_year(end), month_number(end)) < (month_year(start), month_number(start)):
                    out.append(located.problem(
                        spath + (e, "end"), *say("schedule_reversed", start=month_label(start), end=month_label(end))
                    ))
            elif fiscal_index(end) < fiscal_index(start):
                # ส.ค. to พ.ย.: the พ.ย. after ส.ค. belongs to the next fiscal year
                out.append(located.problem(
                    spath + (e, "end"),
                    *say("schedule_crosses_fiscal_year", start=month_label(start), end=month_label(end), year=fy, before=fy - 1),
                ))
    return out
