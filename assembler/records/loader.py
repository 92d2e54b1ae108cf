"""Read a records file (YAML or JSON) into plain data plus the line of every node.

PyYAML's composer keeps a start mark on each node; walking the node tree gives
the data and a path → line map at once, which turns a pydantic error location
into "file:line: dimensions[0].missions[1].items[2].budget". JSON is read by the
same YAML parser (JSON is YAML), so it gets lines too.
"""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import InputError, Located, Problem, format_path, simple
from ..messages import PYDANTIC_THAI, RecordsValueError, say, shown

MAX_BYTES = 20 * 1024 * 1024


def read_records(path: Path) -> tuple[object, Located]:
    """Return the data in ``path`` and where each part of it stands."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise simple(path, *say("cannot_read", reason=exc.strerror)) from None
    if len(raw) > MAX_BYTES:
        raise simple(path, *say("too_large"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise simple(path, *say("not_utf8", byte=exc.start)) from None
    located = Located(str(path))
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or str(exc)
        raise InputError(
            Problem(str(path), "", line, *say("malformed", detail=detail))
        ) from None
    except yaml.YAMLError as exc:
        raise simple(path, *say("malformed", detail=exc)) from None
    if node is None:
        raise simple(path, *say("empty_file"))
    constructor = yaml.SafeLoader("")
    data = _walk(node, (), located, constructor)
    return data, located


def _walk(node: yaml.Node, path: tuple, located: Located, constructor: yaml.SafeLoader) -> object:
    located.lines[tuple(str(p) for p in path)] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(located.problem(path, *say("key_not_plain")))
            key = constructor.construct_object(key_node)
            if key == "<<":
                raise InputError(located.problem(path, *say("merge_key")))
            if key in out:
                line = key_node.start_mark.line + 1
                raise InputError(Problem(located.file, format_path(path + (key,)), line, *say("duplicate_key", key=key)))
            out[key] = _walk(value_node, path + (key,), located, constructor)
            # a field is where its key stands, even when its value starts below
            located.lines[tuple(str(p) for p in path + (key,))] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(child, path + (i,), located, constructor) for i, child in enumerate(node.value)]
    return constructor.construct_object(node)


def problems_from_validation(error: ValidationError, located: Located) -> list[Problem]:
    """Return one located, bilingual Problem per pydantic error."""
    problems = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        kind = err["type"]
        english = err["msg"]
        thai = PYDANTIC_THAI.get(kind, "ข้อมูลไม่ถูกต้อง")
        error = err.get("ctx", {}).get("error")
        if isinstance(error, RecordsValueError):
            # our own validators: a message of assembler/messages.py, both sentences whole
            thai, english = error.thai, error.english
        elif kind == "string_type" and isinstance(err.get("input"), dict):
            # "text: with a colon" in YAML reads as a mapping
            thai += " (ถ้าข้อความมีเครื่องหมาย ': ' ให้ครอบข้อความด้วยเครื่องหมายคำพูด)"
            english += " (text containing ': ' must be put in quotes)"
        elif kind == "literal_error":
            expected = str(err.get("ctx", {}).get("expected", ""))
            found = shown(err.get("input"))
            thai = f"ต้องเป็นหนึ่งใน {expected} (พบ '{found}')"
            english += f" (found '{found}')"
        elif kind == "too_short" and "min_length" in err.get("ctx", {}):
            thai = f"ต้องมีอย่างน้อย {err['ctx']['min_length']} รายการ"
            english = f"at least {err['ctx']['min_length']} needed"
        elif kind not in ("missing",):
            value = err.get("input")
            if not isinstance(value, (dict, list)):
                english += f" (found '{shown(value)}')"
                thai += f" (พบ '{shown(value)}')"
        problems.append(located.problem(loc, thai, english))
    # one fault may surface under several locations: keep the first per place
    seen, unique = set(), []
    for p in problems:
        if (p.where, p.thai) not in seen:
            seen.add((p.where, p.thai))
            unique.append(p)
    return unique
