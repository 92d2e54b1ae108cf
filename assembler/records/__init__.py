"""Records: files in, validated book models out (with the line of every node)."""
from __future__ import annotations

from pathlib import Path
from typing import Union

from pydantic import ValidationError

from ..errors import InputError, Located, simple
from .anticorruption import AntiCorruptionPlan
from .limits import text_fault
from .loader import problems_from_validation, read_records
from .operations import OperationsPlan, month_label, month_year

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
        raise simple(
            path,
            "planbook อ่านได้เฉพาะ .xlsx: เปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx (Excel Workbook)",
            "planbook reads .xlsx workbooks only: open the file in Excel or LibreOffice and save it as .xlsx",
        )
    else:
        data, located = read_records(path)
    if not isinstance(data, dict):
        raise InputError(located.problem((), "ไฟล์ต้องเป็นกลุ่มข้อมูล (mapping) ที่มีช่อง book", "the file must be a mapping with a 'book' field"))
    problems = text_problems(data, located)
    if problems:
        raise InputError(problems)
    book = data.get("book")
    if not isinstance(book, str) or book not in BOOKS:
        raise InputError(
            located.problem(
                ("book",),
                f"ไม่รู้จักประเภทเล่ม {book!r} (ใช้ได้: {', '.join(BOOKS)})",
                f"unknown book type {book!r} (known: {', '.join(BOOKS)})",
            )
        )
    try:
        model = BOOKS[book].model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, located)) from None
    problems = structural_problems(model, located)
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


def structural_problems(plan: Plan, located: Located) -> list:
    """Return the input errors a schema cannot express: years outside the plan."""
    if isinstance(plan, OperationsPlan):
        return _operations_problems(plan, located)
    years = plan.plan.years
    out = []
    for path, item in plan.walk_items():
        for year in item.budget.years:
            if year not in years:
                out.append(
                    located.problem(
                        path + ("budget", year),
                        f"ปีงบประมาณ {year} ไม่อยู่ในปีของแผน ({years[0]}–{years[-1]})",
                        f"budget year {year} is outside the plan years ({years[0]}–{years[-1]})",
                    )
                )
    return out


def _operations_problems(plan: OperationsPlan, located: Located) -> list:
    """A schedule month that names a year must lie in the fiscal year (ต.ค. before to ก.ย.)."""
    fy = plan.fiscal_year
    out = []
    for path, project in plan.walk_projects():
        schedules = [(path + ("schedule",), project.schedule)]
        schedules += [(path + ("activities", a, "schedule"), act.schedule) for a, act in enumerate(project.activities)]
        for spath, schedule in schedules:
            for e, entry in enumerate(schedule):
                for field in ("start", "end"):
                    month = getattr(entry, field)
                    year = month_year(month) if month else None
                    if year is None:
                        continue
                    expected = fy - 1 if int(month[-2:]) >= 10 else fy
                    if year != expected:
                        out.append(
                            located.problem(
                                spath + (e, field),
                                f"เดือน {month_label(month)} อยู่นอกปีงบประมาณ {fy} (ต.ค. {fy - 1} ถึง ก.ย. {fy})",
                                f"the month {month_label(month)} is outside fiscal year {fy} (Oct {fy - 1} to Sep {fy})",
                            )
                        )
    return out
