"""Validated records back to plain data and YAML (``planbook convert`` from a workbook).

The data is written as a person would write the records file: defaults left
out, a budget as one value or per year, a list entry without sub-entries as
plain text, months as ต.ค. or 2564-10. Loading it gives back the same model.
"""
from __future__ import annotations

import json

import yaml
from pydantic import BaseModel

from .anticorruption import Budget, Detail, DetailBudget, Item, Period, Step, Table, Targets
from .common import ListEntry
from .operations import DetailLine, ScheduleEntry, month_text


#: list fields written as one value when they hold one plain text (unit: กวช.)
ONE_AS_TEXT = {(Item, "unit"), (Detail, "area"), (Detail, "responsible"), (DetailBudget, "text")}


def plain(value: object) -> object:
    """Return ``value`` (a records model or part of one) as YAML-ready data."""
    if isinstance(value, Step) and not (value.table or value.items):
        return value.text
    if isinstance(value, Table):
        return plain(value.rows)
    if isinstance(value, Period) and not value.months:
        return value.text
    if isinstance(value, DetailBudget) and value.blank:
        return ""
    if isinstance(value, DetailBudget) and value.text and value == DetailBudget(text=value.text):
        return value.text[0] if len(value.text) == 1 else plain(value.text)
    if isinstance(value, Budget):
        return {y: a for y, a in value.years.items()} if value.years else value.every_year
    if isinstance(value, ListEntry) and not value.items:
        return value.text
    if isinstance(value, DetailLine) and not value.items and not value.schedule:
        return value.text
    if isinstance(value, Targets) and not (value.quantitative or value.qualitative):
        return plain(value.items)
    if isinstance(value, ScheduleEntry):
        out = {"start": month_text(value.start)}
        if value.end:
            out["end"] = month_text(value.end)
        if value.label:
            out["label"] = value.label
        return out
    if isinstance(value, BaseModel):
        out = {}
        for name, info in type(value).model_fields.items():
            field_value = getattr(value, name)
            if not info.is_required() and field_value == info.get_default(call_default_factory=True):
                continue
            out[name] = plain(field_value)
            if (type(value), name) in ONE_AS_TEXT and isinstance(out[name], list) and len(out[name]) == 1:
                if isinstance(out[name][0], str):
                    out[name] = out[name][0]
        return out
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def to_yaml(plan: BaseModel, comment: str = "") -> str:
    """Return ``plan`` as a YAML records file, optionally headed by a comment line."""
    text = yaml.safe_dump(plain(plan), allow_unicode=True, sort_keys=False, width=1_000_000, default_flow_style=False)
    head = "".join(f"# {line}\n" for line in comment.splitlines())
    return head + text


def to_json(plan: BaseModel) -> str:
    """Return ``plan`` as a JSON records file."""
    return json.dumps(plain(plan), ensure_ascii=False, indent=2) + "\n"
