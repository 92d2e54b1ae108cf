"""Errors and problems planbook reports, with where they were found.

Hierarchy::

    PlanbookError                 any error planbook reports itself (no traceback)
    ├── InputError                bad input: unreadable file, malformed YAML,
    │                             wrong types, unknown or missing fields.  Exit 2.
    ├── ValidationFailed          the records contradict themselves (and the
    │                             build is strict).  Exit 1.
    └── RenderError               a renderer could not produce the book.  Exit 2.

A :class:`Problem` is one located finding; both InputError and
ValidationFailed carry a list of them. Every message has a Thai and an English
sentence, because the people who read them are planning officers.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

EXIT_OK = 0
EXIT_VALIDATION = 1
EXIT_INPUT = 2


@dataclass(frozen=True)
class Problem:
    """One finding in a records file: where, and what, in Thai and English."""

    file: str
    where: str  # YAML path such as dimensions[0].missions[1].items[2].budget
    line: int | None
    thai: str
    english: str
    severity: str = "error"  # "error", "warning", or "notice" (input read with a guess or skipped)

    def format(self) -> str:
        """Return the problem as the lines planbook prints."""
        place = f"{self.file}:{self.line}" if self.line else self.file
        if self.where:
            place += f": {self.where}"
        label = {"warning": "คำเตือน/warning", "notice": "หมายเหตุ/notice"}.get(self.severity, "ข้อผิดพลาด/error")
        return f"{place}: {label}\n    {self.thai}\n    {self.english}"


class PlanbookError(Exception):
    """Base of every error planbook reports without a traceback."""

    exit_code = EXIT_INPUT

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, str):
            problems = [Problem("", "", None, problems, problems)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class InputError(PlanbookError):
    """The input could not be read as records of the book."""

    exit_code = EXIT_INPUT


class ValidationFailed(PlanbookError):
    """The records contradict themselves."""

    exit_code = EXIT_VALIDATION


class RenderError(PlanbookError):
    """A renderer failed (missing font, unwritable output…)."""

    exit_code = EXIT_INPUT


def simple(file: Path | str, thai: str, english: str) -> InputError:
    """Return an InputError about a whole file."""
    return InputError(Problem(str(file), "", None, thai, english))


@dataclass
class Located:
    """Line numbers of every node of a records file, by path.

    ``notices`` are what reading the file skipped or guessed (a workbook's
    extra sheets, hidden rows); they are reported with the warnings but never
    fail a strict build. ``digest`` is the sha256 of the bytes read.
    """

    file: str
    lines: dict[tuple, int] = field(default_factory=dict)
    notices: list[Problem] = field(default_factory=list)
    #: sha256 of the bytes read (what the book is built from)
    digest: str = ""

    def mention(self, path: tuple) -> tuple[str, str]:
        """Return where ``path`` stands as a reader would say it, in Thai and English."""
        line = self.line_of(path)
        return f"บรรทัด {line}", f"line {line}"

    def line_of(self, path: tuple) -> int | None:
        """Return the line of ``path`` or of its nearest ancestor present."""
        return nearest(self.lines, path)

    def problem(self, path: tuple, thai: str, english: str, severity: str = "error") -> Problem:
        """Return a Problem located at ``path``."""
        return Problem(self.file, format_path(path), self.line_of(path), thai, english, severity)


def nearest(by_path: dict[tuple, object], path: tuple):
    """Return the entry of ``path`` (parts as text) or of its nearest ancestor present, or None."""
    path = tuple(str(p) for p in path)
    while path and path not in by_path:
        path = path[:-1]
    return by_path.get(path)


def format_path(path: tuple) -> str:
    """Return a YAML path as text: dimensions[0].missions[1].title."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass(frozen=True)
class Place:
    """A cell of a workbook (or a whole sheet when ``ref`` is None) and what it holds."""

    sheet: str
    ref: str | None = None
    label: str = ""

    def relabel(self, label: str) -> "Place":
        """Return the same cell described by ``label``."""
        return replace(self, label=label)

    def text(self) -> str:
        where = f"{self.sheet}!{self.ref}" if self.ref else self.sheet
        return f"{where} ({self.label})" if self.label else where


@dataclass
class WorkbookLocated(Located):
    """The sheet and cell of every value read from a workbook, by records path."""

    places: dict[tuple, Place] = field(default_factory=dict)

    def at(self, path: tuple, place: Place) -> None:
        """Record that ``path`` was read from ``place``."""
        self.places[tuple(str(p) for p in path)] = place

    def place_of(self, path: tuple) -> Place | None:
        """Return the place of ``path`` or of its nearest ancestor recorded."""
        return nearest(self.places, path)

    def line_of(self, path: tuple) -> int | None:
        return None

    def mention(self, path: tuple) -> tuple[str, str]:
        place = self.place_of(path)
        text = place.text() if place else "?"
        return text, text

    def problem(self, path: tuple, thai: str, english: str, severity: str = "error") -> Problem:
        place = self.place_of(path)
        return Problem(self.file, place.text() if place else "", None, thai, english, severity)
