"""Read a records file (YAML or JSON) into plain data plus the line of every node.

PyYAML's composer keeps a start mark on each node; walking the node tree gives
the data and a path → line map at once, which turns a pydantic error location
into "file:line: dimensions[0].missions[1].items[2].budget". JSON is read by the
same YAML parser (JSON is YAML), so it gets lines too.
"""
from __future__ import annotations

import hashlib
import math
import os
import stat
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..errors import InputError, Located, Problem, format_path, simple
from ..messages import PYDANTIC_THAI, RecordsValueError, say, shown
from .limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_FILE_BYTES, MAX_NUMBER_DIGITS

_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_TIMESTAMP, _VALUE, _MERGE = "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:merge"



def read_records(path: Path) -> tuple[object, Located]:
    """Return the data in ``path`` and where each part of it stands."""
    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise simple(path, *say("not_utf8", byte=exc.start)) from None
    located = Located(str(path))
    located.digest = hashlib.sha256(raw).hexdigest()
    try:
        data = _compose(text, located)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or str(exc)
        raise InputError(
            Problem(str(path), "", line, *say("malformed", detail=detail))
        ) from None
    except yaml.YAMLError as exc:
        raise simple(path, *say("malformed", detail=exc)) from None
    return data, located


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Return the bytes of the regular file ``path``, refusing anything else or anything larger than ``limit``.

    A FIFO, a device (/dev/zero) or a folder is refused before it is read, so
    reading never waits or runs out of memory; the file is read in pieces and
    reading stops one byte past the limit.
    """
    def cannot(exc: OSError) -> InputError:
        return simple(path, *say("cannot_read", reason=exc.strerror))

    def not_regular() -> InputError:
        return simple(path, *say("not_regular"))

    def too_large() -> InputError:
        return simple(path, *say("too_large", megabytes=limit // (1024 * 1024)))

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise not_regular()
        # O_NONBLOCK: a file swapped for a FIFO after the check still cannot make open() wait
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise cannot(exc) from None
    with os.fdopen(fd, "rb") as fh:
        try:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise not_regular()
            if info.st_size > limit:
                raise too_large()
            pieces, size = [], 0
            while size <= limit:
                piece = fh.read(min(1 << 20, limit + 1 - size))
                if not piece:
                    break
                pieces.append(piece)
                size += len(piece)
        except OSError as exc:
            raise cannot(exc) from None
    if size > limit:
        raise too_large()
    return b"".join(pieces)


class _Resolver(yaml.resolver.Resolver):
    """YAML 1.1's implicit types minus what records never mean: dates (2566-02-29 is text), '=' and '<<'."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_TIMESTAMP, _VALUE, _MERGE)]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}


def _events(text: str):
    """Yield the YAML events of ``text`` (libyaml's fast parser when present)."""
    if yaml.__with_libyaml__:
        parser = yaml.cyaml.CParser(text)
    else:
        parser = yaml.loader.SafeLoader(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


class _Frame:
    """A mapping or list being read: its value, path, anchor and where its node count started."""

    __slots__ = ("value", "path", "anchor", "start", "key", "line")

    def __init__(self, value, path, anchor, start, line):
        self.value, self.path, self.anchor, self.start, self.line = value, path, anchor, start, line
        self.key = None  # a mapping's key waiting for its value: (text, line)


def _compose(text: str, located: Located) -> object:
    """Return the data of ``text`` with the line of every node in ``located.lines``.

    Built from the parser's events without recursion, refusing on the way
    what records never need: tags, merge keys, keys that are not plain
    values, nesting deeper than MAX_DEPTH, aliases repeating more than
    MAX_ALIAS_NODES values (or themselves), numbers too long or not finite.
    """
    resolver = _Resolver()
    constructor = yaml.constructor.SafeConstructor()
    stack: list[_Frame] = []
    anchors: dict[str, tuple[object, int, bool]] = {}  # name → (value, node count, complete)
    nodes = repeated = documents = 0
    result: list = []

    def fail(path: tuple, line: int, thai: str, english: str) -> InputError:
        return InputError(Problem(located.file, format_path(path), line, thai, english))

    def place(value: object, line: int, anchor: str | None, size: int) -> None:
        if anchor is not None:
            anchors[anchor] = (value, size, True)
        if not stack:
            result.append(value)
            return
        frame = stack[-1]
        if isinstance(frame.value, list):
            path = frame.path + (len(frame.value),)
            located.lines.setdefault(tuple(str(p) for p in path), line)
            frame.value.append(value)
        else:
            frame.value[frame.key[0]] = value
            frame.key = None

    def child_path() -> tuple:
        if not stack:
            return ()
        frame = stack[-1]
        if isinstance(frame.value, list):
            return frame.path + (len(frame.value),)
        return frame.path + (frame.key[0],)

    for event in _events(text):
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise fail((), event.start_mark.line + 1, *say("several_documents"))
            continue
        if not isinstance(event, yaml.NodeEvent):
            if isinstance(event, yaml.CollectionEndEvent):
                frame = stack.pop()
                place(frame.value, frame.line, frame.anchor, nodes - frame.start)
            continue
        line = event.start_mark.line + 1
        awaiting_key = bool(stack) and isinstance(stack[-1].value, dict) and stack[-1].key is None
        path = stack[-1].path if awaiting_key else child_path()
        nodes += 1
        if awaiting_key and not isinstance(event, yaml.ScalarEvent):
            raise fail(path, line, *say("key_not_plain"))
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not (isinstance(event, yaml.ScalarEvent) and any(event.implicit)) and not (
            isinstance(event, yaml.CollectionStartEvent) and event.implicit
        ):
            raise fail(path, line, *say("yaml_tag", tag=tag))
        if isinstance(event, yaml.AliasEvent):
            anchor = anchors.get(event.anchor)
            if anchor is None:
                raise fail(path, line, *say("anchor_undefined", anchor=event.anchor))
            value, size, complete = anchor
            if not complete:
                raise fail(path, line, *say("alias_self", anchor=event.anchor))
            repeated += size
            if repeated > MAX_ALIAS_NODES:
                raise fail(path, line, *say("alias_budget", limit=f"{MAX_ALIAS_NODES:,}"))
            nodes += size - 1
            place(value, line, None, size)
            continue
        if isinstance(event, yaml.ScalarEvent):
            if awaiting_key:
                key = event.value
                if event.implicit[0] and key == "<<":
                    raise fail(path, line, *say("merge_key"))
                frame = stack[-1]
                if key in frame.value:
                    raise fail(path + (key,), line, *say("duplicate_key", key=key))
                frame.key = (key, line)
                # a field is where its key stands, even when its value starts below
                located.lines[tuple(str(p) for p in path + (key,))] = line
                continue
            place(_scalar(event, resolver, constructor, path, line, fail), line, event.anchor, 1)
            continue
        # a mapping or a list starts
        if len(stack) >= MAX_DEPTH:
            raise fail(path, line, *say("nested_too_deep", depth=MAX_DEPTH))
        if event.anchor is not None:
            anchors[event.anchor] = (None, 0, False)
        located.lines.setdefault(tuple(str(p) for p in path), line)
        value = {} if isinstance(event, yaml.MappingStartEvent) else []
        stack.append(_Frame(value, path, event.anchor, nodes, line))
    if not result or result[0] is None:
        raise simple(located.file, *say("empty_file"))
    located.lines[()] = located.lines.get((), 1)
    return result[0]


def _scalar(event, resolver, constructor, path, line, fail) -> object:
    """Return the value of a scalar event: text, a bounded whole number, a finite number, true/false or null."""
    if event.tag == "!" or not event.implicit[0]:
        return event.value  # quoted, or tagged '!': text as written
    tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR:
        return event.value
    if tag == _INT and len(event.value.lstrip("+-").replace("_", "")) > MAX_NUMBER_DIGITS:
        raise fail(path, line, *say("number_too_long", digits=MAX_NUMBER_DIGITS))
    value = constructor.construct_object(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark))
    if isinstance(value, float) and not math.isfinite(value):
        raise fail(path, line, *say("number_not_finite", value=event.value))
    return value


# Thai wording for the pydantic error types records are likely to hit.
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
