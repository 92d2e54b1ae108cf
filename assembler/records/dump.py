"""Validated records back to plain data and YAML (``planbook convert`` from a workbook).

The data is written as a person would write the records file: defaults left
out, a budget as one value or per year, a list entry without sub-entries as
plain text, months as ต.ค. or 2564-10. Loading it gives back the same model.
"""
from __future__ import annotations

import json

import yaml
from pydantic import BaseModel

from .common import Record


def plain(value: object) -> object:
    """Return ``value`` (a records model or part of one) as YAML-ready data."""
    if isinstance(value, Record):
        short = value.short()  # the short form a person writes (unit: กวช., a step as its text …)
        if short is not ...:
            return plain(short)
    if isinstance(value, BaseModel):
        out = {}
        for name, info in type(value).model_fields.items():
            field_value = getattr(value, name)
            if not info.is_required() and field_value == info.get_default(call_default_factory=True):
                continue
            out[name] = plain(field_value)
            if name in getattr(value, "ONE_AS_TEXT", ()) and isinstance(out[name], list) and len(out[name]) == 1:
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
