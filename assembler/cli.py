"""The ``planbook`` command: build, watch, validate, workbook, convert, schema, doctor; serve, worker, admin.

Exit codes: 0 success, 1 validation problems, 2 bad input or usage.
``main(argv)`` runs in-process, which is how the tests drive it.
"""
from __future__ import annotations

import atexit
import json
import os
import platform
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import EXIT_INPUT, EXIT_OK, EXIT_VALIDATION, PlanbookError

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="สร้างเล่มแผนของ อปท. (DOCX และ PDF) จากข้อมูลแผน / Build Thai local-government plan books from records.",
)


class Digits(str, Enum):
    thai = "thai"
    arabic = "arabic"


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _version(value: bool) -> None:
    if value:
        print(f"planbook {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """planbook."""


def _formats(value: str) -> tuple[str, ...]:
    from .batch import FORMATS

    chosen = tuple(f.strip() for f in value.split(",") if f.strip())
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise typer.BadParameter(f"use docx, pdf or docx,pdf (got {value!r})")
    return chosen


def _parts(value: str) -> tuple[str, ...]:
    """Return the part names of --parts; each must name a part of some book type."""
    from .books import BOOKS
    from .view.common import name_key

    chosen = tuple(p.strip() for p in value.split(",") if p.strip())
    keys: dict[str, set[str]] = {}  # a name → the part keys it stands for, over every book type
    for parts in (b.parts for b in BOOKS.values()):
        for part in parts:
            for n in part.names:
                keys.setdefault(name_key(n), set()).add(part.key)
    bad = [p for p in chosen if name_key(p) not in keys]
    if bad or not chosen:
        raise typer.BadParameter(
            f"ไม่รู้จักส่วน {', '.join(bad) or value!r} (ดู planbook parts BOOK) / "
            f"unknown part {', '.join(bad) or value!r} (see planbook parts BOOK)"
        )
    # one spelling per part where every book type agrees (คำนำ = foreword), so an extract
    # asked for by its Thai or English names is the same extract (and up to date)
    names = [next(iter(keys[name_key(p)])) if len(keys[name_key(p)]) == 1 else name_key(p) for p in chosen]
    return tuple(sorted(set(names)))


@app.command()
def build(
    files: List[Path] = typer.Argument(..., help="Records files (.yaml, .yml, .json, .xlsx) or folders of them (searched recursively)."),
    output: Path = typer.Option(Path("output"), "-o", "--output", help="Output folder."),
    format: str = typer.Option("docx,pdf", "--format", help="docx, pdf or docx,pdf."),
    digits: Optional[Digits] = typer.Option(None, "--digits", help="thai (default) or arabic digits."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Build this many books at once, each in its own process."),
    force: bool = typer.Option(False, "--force", help="Rebuild every book, even those unchanged since their last build."),
    parts: Optional[str] = typer.Option(
        None, "--parts", help="Build only these parts, comma-separated (planbook parts BOOK lists them), e.g. ผด.02 or details."
    ),
) -> None:
    """Build the books of FILES into the output folder (FILE.yaml → DIR/FILE.docx, DIR/FILE.pdf).

    A book whose records, templates, fonts and options are unchanged since its
    last build into the same folder is skipped (DIR/.planbook-manifest.json).
    With --parts, an extract of those parts (cover, สารบัญ and its own page
    numbers) is written as DIR/FILE-PART.docx and .pdf.
    """
    from .batch import Options, build_many, collect

    options = Options(
        _formats(format), None if digits is None else digits == Digits.thai, strict, _parts(parts) if parts is not None else ()
    )
    try:
        sources = collect(files)
    except PlanbookError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code)
    try:
        code, _ = build_many(sources, output, options, jobs=jobs, force=force)
    except KeyboardInterrupt:
        _err("หยุดแล้ว / interrupted")
        raise typer.Exit(130)
    raise typer.Exit(code)


@app.command()
def watch(
    folder: Path = typer.Argument(..., help="Folder of records files to watch (recursively).", exists=True, file_okay=False),
    output: Path = typer.Option(Path("output"), "-o", "--output", help="Output folder."),
    format: str = typer.Option("docx,pdf", "--format", help="docx, pdf or docx,pdf."),
    digits: Optional[Digits] = typer.Option(None, "--digits", help="thai (default) or arabic digits."),
    strict: bool = typer.Option(False, "--strict", help="Treat warnings as errors."),
) -> None:
    """Build FOLDER's books that are out of date, then rebuild each book whenever its records file is saved.

    Ctrl-C stops.
    """
    from .batch import Options
    from .batch import watch as watch_folder

    options = Options(_formats(format), None if digits is None else digits == Digits.thai, strict)
    try:
        watch_folder(folder, output, options)
    except KeyboardInterrupt:
        print("หยุดเฝ้าดูแล้ว / stopped watching")
    raise typer.Exit(EXIT_OK)


@app.command()
def validate(files: List[Path] = typer.Argument(..., help="Records files or folders to check.")) -> None:
    """Check records files and report every problem with its file, path and line."""
    from .batch import collect
    from .build import validate as validate_one

    code = EXIT_OK
    try:
        files = collect(files)
    except PlanbookError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code)
    for path in files:
        try:
            problems = validate_one(path)
        except PlanbookError as exc:
            _err(str(exc))
            code = max(code, exc.exit_code)
            continue
        for problem in problems:
            _err(problem.format())
        problems = [p for p in problems if p.severity != "notice"]
        if problems:
            code = max(code, EXIT_VALIDATION)
            print(f"✗ {path}: พบ {len(problems)} ปัญหา / {len(problems)} problems")
        else:
            print(f"✓ {path}: ถูกต้อง / no problems")
    raise typer.Exit(code)


@app.command()
def workbook(
    args: List[str] = typer.Argument(..., metavar="[BOOK] OUT.xlsx", help="Book type (anticorruption, operations) and the workbook to write."),
    source: Optional[Path] = typer.Option(None, "--from", help="Fill the workbook from this records file (.yaml, .json, .xlsx)."),
    force: bool = typer.Option(False, "--force", help="Replace OUT.xlsx if it exists."),
) -> None:
    """Write an Excel workbook to fill in: blank for BOOK, or filled from records (--from).

    planbook workbook anticorruption plan.xlsx
    planbook workbook --from examples/operations-2567.yaml plan-2567.xlsx
    """
    from .convert import write_workbook

    if source is None and len(args) != 2:
        _err("ใช้: planbook workbook BOOK OUT.xlsx หรือ planbook workbook --from RECORDS OUT.xlsx\n"
             "usage: planbook workbook BOOK OUT.xlsx, or planbook workbook --from RECORDS OUT.xlsx")
        raise typer.Exit(EXIT_INPUT)
    if source is not None and len(args) != 1:
        _err("ใช้ --from กับไฟล์ผลลัพธ์ไฟล์เดียว: planbook workbook --from RECORDS OUT.xlsx\n"
             "with --from give only the output: planbook workbook --from RECORDS OUT.xlsx")
        raise typer.Exit(EXIT_INPUT)
    out = Path(args[-1])
    notices = write_workbook(out, book=args[0] if source is None else None, source=source, force=force)
    for problem in notices:
        _err(problem.format())
    print(f"✓ {out}")


@app.command()
def convert(
    source: Path = typer.Argument(..., help="Records to read: .yaml, .yml, .json or .xlsx."),
    out: Path = typer.Argument(..., help="File to write: .xlsx, .yaml, .yml or .json."),
    force: bool = typer.Option(False, "--force", help="Replace OUT if it exists."),
) -> None:
    """Convert records between YAML/JSON and Excel, both ways (the records are checked first)."""
    from .convert import convert as convert_records

    for problem in convert_records(source, out, force=force):
        _err(problem.format())
    print(f"✓ {source} → {out}")


@app.command()
def schema(book: str = typer.Argument(..., help="Book type, e.g. anticorruption.")) -> None:
    """Print the JSON Schema of a book's records."""
    from .books import BOOKS

    if book not in BOOKS:
        _err(f"ไม่รู้จักประเภทเล่ม '{book}' / unknown book type '{book}' (known: {', '.join(BOOKS)})")
        raise typer.Exit(EXIT_INPUT)
    print(json.dumps(BOOKS[book].model.model_json_schema(), ensure_ascii=False, indent=2))


@app.command()
def parts(book: str = typer.Argument(..., help="Book type (anticorruption, operations) or a records file.")) -> None:
    """List the parts of a book that build --parts can choose, by their English and Thai names."""
    from .books import BOOKS
    from .loading import load

    if book not in BOOKS and Path(book).is_file():
        book = load(Path(book))[0].book
    if book not in BOOKS:
        _err(f"ไม่รู้จักประเภทเล่ม {book!r} / unknown book type {book!r} (known: {', '.join(BOOKS)})")
        raise typer.Exit(EXIT_INPUT)
    print(f"ส่วนของเล่ม {book} (ใช้กับ planbook build --parts) / the parts of {book} books (for build --parts):")
    for part in BOOKS[book].parts:
        also = f"  (หรือ/or: {', '.join(part.aliases)})" if part.aliases else ""
        print(f"  {part.key:<14}{part.thai}{also}")


@app.command()
def doctor() -> None:
    """Print the versions of Python, WeasyPrint, Pango and the fonts found (for bug reports)."""
    import docx
    import pydantic
    import pythainlp
    import weasyprint
    from fontTools.ttLib import TTFont
    from weasyprint.text.ffi import pango

    from .fonts import find_fonts, project_root

    v = pango.pango_version()
    print(f"planbook   {__version__} ({project_root()})")
    print(f"python     {platform.python_version()} ({sys.executable})")
    print(f"weasyprint {weasyprint.__version__}")
    print(f"pango      {v // 10000}.{v // 100 % 100}.{v % 100}")
    print(f"python-docx {docx.__version__ if hasattr(docx, '__version__') else '?'}")
    print(f"pydantic   {pydantic.VERSION}")
    print(f"pythainlp  {pythainlp.__version__}")
    try:
        fonts = find_fonts()
    except PlanbookError as exc:
        _err(str(exc))
        raise typer.Exit(EXIT_INPUT)
    for path in (fonts.regular, fonts.bold):
        with TTFont(path, lazy=True) as font:
            name = font["name"]
            print(f"font       {path} — {name.getDebugName(4)}, {name.getDebugName(5)}")
    print(f"DOCX font  {fonts.docx_family}")


from .service.cli import register as _register_service  # noqa: E402  (serve, worker, admin)

_register_service(app)


def main(argv: list[str] | None = None) -> int:
    """Run planbook with ``argv`` and return its exit code (no traceback for known errors)."""
    try:
        app(args=argv, prog_name="planbook", standalone_mode=True)
    except SystemExit as exc:  # typer ends every run, usage errors included, this way
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT
    except PlanbookError as exc:
        _err(str(exc))
        return exc.exit_code
    except Exception as exc:  # a bug: say so briefly, details on request
        if os.environ.get("PLANBOOK_DEBUG"):
            raise
        _err(f"ข้อผิดพลาดภายในโปรแกรม / internal error: {type(exc).__name__}: {exc} (PLANBOOK_DEBUG=1 shows details)")
        return 3
    return EXIT_OK


def entry() -> None:
    """Console-script entry point.

    It ends the process without freeing its objects one by one (the word
    dictionary and a book's layout: half a second and more): the exit
    handlers (temporary font folders…) run and the output is flushed first.
    """
    code = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    entry()
