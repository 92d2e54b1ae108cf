"""``planbook workbook`` and ``planbook convert``: records between YAML/JSON and Excel.

Both read and validate everything before writing, write atomically, and never
replace an existing file unless asked to (a filled-in workbook is somebody's
week of work).
"""
from __future__ import annotations

from pathlib import Path

from .build import write_all
from .errors import Problem, simple
from .books import BOOKS
from .loading import WORKBOOK_SUFFIXES, load
from .records.dump import to_json, to_yaml

YAML_SUFFIXES = (".yaml", ".yml")
OUT_SUFFIXES = (*WORKBOOK_SUFFIXES, *YAML_SUFFIXES, ".json")


def _target(out: Path, force: bool, source: Path | None = None) -> None:
    if out.suffix.lower() not in OUT_SUFFIXES:
        raise simple(
            out,
            f"ไม่รู้จักชนิดไฟล์ผลลัพธ์ {out.suffix or '(ไม่มีนามสกุล)'} (ใช้ .xlsx, .yaml, .yml หรือ .json)",
            f"unknown output type {out.suffix or '(no suffix)'} (use .xlsx, .yaml, .yml or .json)",
        )
    if source is not None and out.resolve() == source.resolve():
        raise simple(out, "ไฟล์ผลลัพธ์ต้องไม่ใช่ไฟล์ต้นทาง", "the output must not be the input file")
    if out.exists() and not force:
        raise simple(
            out,
            "มีไฟล์นี้อยู่แล้ว จึงไม่เขียนทับ (ใช้ --force ถ้าต้องการแทนที่)",
            "the file already exists and is left as it is (use --force to replace it)",
        )


def _write(out: Path, blob: bytes) -> None:
    write_all({"out": out}, {"out": blob})


def write_workbook(out: Path, book: str | None = None, source: Path | None = None, force: bool = False) -> list[Problem]:
    """Write a blank workbook for ``book``, or one filled from the records in ``source``.

    Return the notices met reading ``source``.
    """
    from .workbook.writer import blank_workbook, workbook_from

    if out.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise simple(out, "สมุดงานต้องมีนามสกุล .xlsx", "a workbook's name must end in .xlsx")
    _target(out, force, source)
    if source is not None:
        plan, located = load(source)
        _write(out, workbook_from(plan))
        return located.notices
    if book not in BOOKS:
        raise simple(
            out,
            f"ไม่รู้จักประเภทเล่ม '{book}' (ใช้ได้: {', '.join(BOOKS)})",
            f"unknown book type '{book}' (known: {', '.join(BOOKS)})",
        )
    _write(out, blank_workbook(book))
    return []


def convert(source: Path, out: Path, force: bool = False) -> list[Problem]:
    """Convert the records in ``source`` (YAML, JSON or XLSX) to ``out``'s format; return notices."""
    from .workbook.writer import workbook_from

    _target(out, force, source)
    plan, located = load(source)
    suffix = out.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        blob = workbook_from(plan)
    elif suffix == ".json":
        blob = to_json(plan).encode()
    else:
        blob = to_yaml(plan, f"แปลงจาก {source.name} ด้วย planbook convert / converted from {source.name}").encode()
    _write(out, blob)
    return located.notices
