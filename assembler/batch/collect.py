"""Which records files a build takes: files named, and folders searched recursively."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from ..errors import InputError, Problem, simple

#: What a folder contributes to a build.
RECORD_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")


def _hidden(relative: Path) -> bool:
    """Hidden files and folders, and the ~$name.xlsx lock files Excel leaves beside open workbooks."""
    return any(part.startswith(".") for part in relative.parts) or relative.name.startswith("~$")


def is_records_file(path: Path, folder: Path | None = None) -> bool:
    """Return whether ``path`` is a records file a folder build picks up (not hidden, right suffix)."""
    if path.suffix.lower() not in RECORD_SUFFIXES:
        return False
    if folder is not None:
        try:
            relative = path.relative_to(folder)
        except ValueError:
            relative = Path(path.name)
    else:
        relative = Path(path.name)
    return not _hidden(relative)


def records_in(folder: Path) -> list[Path]:
    """Return every records file under ``folder``, recursively, sorted, skipping hidden files and folders."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(top) / name
            if not _hidden(Path(name)) and path.suffix.lower() in RECORD_SUFFIXES and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def collect(arguments: Iterable[Path], allow_empty: bool = False) -> list[Path]:
    """Return the records files named by ``arguments`` (files, or folders searched recursively).

    A file named twice is built once. Raise InputError (exit 2) when a folder
    holds no records file or when two files would write the same outputs
    (same stem).
    """
    sources: list[Path] = []
    seen: set[Path] = set()
    for argument in arguments:
        if argument.is_dir():
            found = records_in(argument)
            if not found and not allow_empty:
                raise simple(
                    argument,
                    "ไม่พบไฟล์ข้อมูลแผน (.yaml, .yml, .json, .xlsx) ในโฟลเดอร์นี้",
                    "no records files (.yaml, .yml, .json, .xlsx) in this folder",
                )
        else:
            found = [argument]
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                sources.append(path)
    check_stems(sources)
    return sources


def check_stems(sources: list[Path]) -> None:
    """Raise InputError when two sources would be built to the same DIR/<stem>.docx|pdf."""
    by_stem: dict[str, list[Path]] = {}
    for path in sources:
        by_stem.setdefault(path.stem, []).append(path)
    problems = []
    for stem, paths in by_stem.items():
        if len(paths) > 1:
            for path in paths:
                others = ", ".join(str(p) for p in paths if p is not path)
                problems.append(
                    Problem(
                        str(path),
                        "",
                        None,
                        f"ชื่อไฟล์ซ้ำกับ {others}: ทั้งสองจะเขียนเล่ม {stem}.docx/{stem}.pdf ทับกัน (เปลี่ยนชื่อไฟล์ใดไฟล์หนึ่ง)",
                        f"same name as {others}: both would be built to {stem}.docx/{stem}.pdf (rename one of them)",
                    )
                )
    if problems:
        raise InputError(problems)


