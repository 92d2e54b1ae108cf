"""Records: files in, validated book models out (with the line of every node)."""
from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Located
from .anticorruption import AntiCorruptionPlan
from .loader import problems_from_validation, read_records

#: Book type → its records model. ``planbook schema BOOK`` prints these.
BOOKS = {"anticorruption": AntiCorruptionPlan}


def load(path: Path) -> tuple[AntiCorruptionPlan, Located]:
    """Return the validated records in ``path``; raise InputError with locations."""
    data, located = read_records(path)
    if not isinstance(data, dict):
        raise InputError(located.problem((), "ไฟล์ต้องเป็นกลุ่มข้อมูล (mapping) ที่มีช่อง book", "the file must be a mapping with a 'book' field"))
    book = data.get("book")
    if book not in BOOKS:
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


def structural_problems(plan: AntiCorruptionPlan, located: Located) -> list:
    """Return the input errors a schema cannot express (budget years outside the plan)."""
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
