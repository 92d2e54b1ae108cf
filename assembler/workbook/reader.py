"""Read a planbook workbook into records data, with the sheet and cell of every value.

The data has the shape a YAML records file has, so the same pydantic models
validate both, and a model error comes back as ``รายการ!D14 (ชื่อ)`` through
:class:`WorkbookLocated`.

Reading forgives what staff do to spreadsheets: Thai or Arabic digits,
thousands separators, numbers stored as text, stray spaces, merged cells
(every cell of a merge reads the merge's value), formulas (read by the value
last calculated), extra sheets, columns and hidden rows (skipped, with a
notice). It refuses, with the cell, what would change the book silently:
formula errors, formulas never calculated, unknown references, duplicate
numbers, values of the wrong kind.
"""
from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime
from pathlib import Path

from ..errors import InputError, Place, Problem, WorkbookLocated, simple
from ..records.limits import MAX_WORKBOOK_CELLS
from ..records.months import parse_month
from ..thai import parse_number
from ..ziputil import MAX_FILE_BYTES, UnsafeArchive, check_archive, check_size
from .sheets import (
    INFO_COLUMNS,
    INFO_KEY,
    INFO_NAME,
    INSTRUCTIONS_NAME,
    YES,
    Column,
    Field,
    Section,
    Sheet,
    book_names,
    layout,
)

ERROR_VALUES = {"#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
_CODE = re.compile(r"^\d+(\.\d+)*$")
_YEAR_HEADER = re.compile(r"^(?:งบประมาณ)?(?:ปี)?(?:พ\.ศ\.)?(\d{4})$")
_YEAR_INDEX_HEADER = re.compile(r"^(?:งบประมาณ)?ปีที่(\d)$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


@dataclass
class Value:
    """A cell's value after normalising, and where it was read."""

    value: object
    place: Place


@dataclass
class Row:
    """One record row: the values read (blank cells left out) and the cell of every layout column."""

    number: int
    values: dict[str, object]
    places: dict[str, Place]
    sheet: str = ""
    #: the headers of the layout's columns, by key (to name a column the sheet lacks)
    headers: dict[str, str] = dataclass_field(default_factory=dict)

    def get(self, key: str):
        return self.values.get(key)

    def place(self, key: str) -> Place:
        """Return the cell of column ``key`` in this row, or the row itself when the sheet lacks that column."""
        if key in self.places:
            return self.places[key]
        header = self.headers.get(key, key)
        return Place(self.sheet, None, f"แถว {self.number}: ไม่มีคอลัมน์ {header} / row {self.number}: no column {header}")

    def value(self, key: str) -> Value | None:
        return Value(self.values[key], self.places[key]) if key in self.values else None


def read_workbook(path: Path) -> tuple[dict, WorkbookLocated]:
    """Return the records data of the workbook at ``path`` and where each value was read."""
    from openpyxl import load_workbook

    from ..records.loader import read_bytes

    try:
        check_size(path.stat().st_size)
    except OSError as exc:
        raise simple(path, f"อ่านไฟล์ไม่ได้ ({exc.strerror})", f"cannot read the file ({exc.strerror})") from None
    except UnsafeArchive as exc:
        raise simple(path, *exc.args) from None
    data = read_bytes(path, MAX_FILE_BYTES)
    try:
        check_archive(data, ("[Content_Types].xml", "xl/workbook.xml"))
    except UnsafeArchive as exc:
        raise simple(path, *exc.args) from None
    try:
        cells = count_cells(data)
    except Exception as exc:  # zipfile and zlib raise many kinds on damaged packages
        raise _damaged(path, exc) from None
    if cells > MAX_WORKBOOK_CELLS:
        raise simple(
            path,
            f"สมุดงานมีช่องข้อมูลเกิน {MAX_WORKBOOK_CELLS:,} ช่อง (พบ {cells:,}): ข้อมูลแผนมีเพียงไม่กี่พันช่อง "
            "ลบแถวที่ไม่ใช่ข้อมูลแผนออก",
            f"the workbook holds more than {MAX_WORKBOOK_CELLS:,} cells (found {cells:,}), where plan records "
            "hold a few thousand: delete the rows that are not plan records",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it drops
            values = load_workbook(io.BytesIO(data), data_only=True)
            formulas = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged packages
        raise _damaged(path, exc) from None
    records, located = _Reader(path, values, formulas).read()
    located.digest = hashlib.sha256(data).hexdigest()
    return records, located


def _damaged(path: Path, exc: Exception) -> InputError:
    return simple(
        path,
        f"เปิดสมุดงานไม่ได้: ไฟล์อาจเสียหาย ({type(exc).__name__})",
        f"cannot open the workbook: the file may be damaged ({type(exc).__name__}: {exc})",
    )


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def count_cells(data: bytes) -> int:
    """Return how many cells the worksheets of a workbook package hold, read in pieces (before openpyxl)."""
    import zipfile

    total = 0
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            with package.open(name) as entry:
                tail = b""
                while piece := entry.read(1 << 20):
                    chunk = tail + piece
                    # a tag cut at the end of a piece is counted with the next one
                    cut = max(chunk.rfind(b"<"), len(chunk) - 64, 0)
                    total += len(_CELL.findall(chunk, 0, cut))
                    tail = chunk[cut:]
                total += len(_CELL.findall(tail))
    return total


def _norm_header(text: object) -> str:
    return re.sub(r"[\s*]+", "", str(text or "")).translate(_THAI_DIGITS)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


class _Reader:
    def __init__(self, path: Path, values, formulas) -> None:
        self.path = path
        self.values = values
        self.formulas = formulas
        self.loc = WorkbookLocated(str(path))
        self.errors: list[Problem] = []
        self.used_sheets: set[str] = set()
        self.unknown: set[str] = set()

    # -- reporting -------------------------------------------------------------
    def error(self, place: Place, thai: str, english: str) -> None:
        self.errors.append(Problem(self.loc.file, place.text(), None, thai, english))

    def notice(self, place: Place, thai: str, english: str) -> None:
        self.loc.notices.append(Problem(self.loc.file, place.text(), None, thai, english, "notice"))

    # -- the whole workbook ----------------------------------------------------------
    def read(self) -> tuple[dict, WorkbookLocated]:
        book = self._book()
        info, sheets = layout(book)
        form = self._form(info)
        tables = {sheet.key: self._table(sheet) for sheet in sheets}
        for name in self.values.sheetnames:
            if name not in self.used_sheets and name != INSTRUCTIONS_NAME:
                self.notice(Place(name), "แผ่นงานนี้ไม่ได้ใช้สร้างเล่ม จึงข้ามไป", "this sheet is not part of the records; skipped")
        if self.errors:
            raise InputError(self.errors)
        from ..books import BOOKS

        data = BOOKS[book].workbook.read(self, form, tables)
        if self.errors:
            raise InputError(self.errors)
        return data, self.loc

    def _sheet(self, name: str, key: str):
        """Return the (values, formulas) worksheets called ``name`` (or its English ``key``)."""
        wanted = {name.strip(), key.lower()}
        for title in self.values.sheetnames:
            if title.strip() in wanted or title.strip().lower() in wanted:
                self.used_sheets.add(title)
                ws = self.values[title]
                if not hasattr(ws, "merged_cells"):  # a chart sheet
                    return None
                return ws, self.formulas[title]
        return None

    def _book(self) -> str:
        found = self._sheet(INFO_NAME, INFO_KEY)
        if found is not None:
            ws, _ = found
            for row in range(1, min(ws.max_row, 200) + 1):
                if _norm_header(ws.cell(row, 1).value) == _norm_header("ประเภทเล่ม"):
                    value = _text(ws.cell(row, 2).value or "")
                    for key, name in book_names().items():
                        if value in (key, name):
                            return key
                    raise InputError(
                        Problem(
                            self.loc.file,
                            Place(ws.title, f"B{row}", "ประเภทเล่ม").text(),
                            None,
                            f"ไม่รู้จักประเภทเล่ม '{value}' (ต้องเป็น {' หรือ '.join(book_names().values())})",
                            f"unknown book type '{value}' (expected {' or '.join(book_names().values())})",
                        )
                    )
        names = {n.strip() for n in self.values.sheetnames}
        # no ข้อมูลแผน sheet: a sheet only one book type has tells
        sheets = {book: {s.name for s in layout(book)[1]} for book in book_names()}
        for book, own in sheets.items():
            others = set().union(*(n for b, n in sheets.items() if b != book))
            if (own - others) & names:
                return book
        raise simple(
            self.path,
            f"ไม่พบแผ่นงาน {INFO_NAME} ที่บอกประเภทเล่ม: สมุดงานนี้ไม่ได้สร้างด้วย planbook workbook "
            "(สร้างสมุดงานเปล่าด้วย planbook workbook anticorruption ไฟล์.xlsx)",
            f"no {INFO_NAME} sheet naming the book type: this workbook was not made by planbook workbook "
            "(make a blank one with: planbook workbook anticorruption FILE.xlsx)",
        )

    # -- cells -------------------------------------------------------------------
    def _merged(self, ws) -> dict[tuple[int, int], tuple[int, int]]:
        out = {}
        for rng in ws.merged_cells.ranges:
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    out[(r, c)] = (rng.min_row, rng.min_col)
        return out

    def _raw(self, ws, fws, merged, row: int, col: int, place: Place) -> object:
        """Return a cell's value (a merge's value for any cell in it); report formula trouble."""
        r, c = merged.get((row, col), (row, col))
        cell = ws.cell(r, c)
        value = cell.value
        formula = fws.cell(r, c).data_type == "f"
        if cell.data_type == "e" or (isinstance(value, str) and value.strip() in ERROR_VALUES):
            self.error(
                place,
                f"ช่องนี้มีค่าผิดพลาดจากสูตร ({value}) ต้องแก้สูตรหรือพิมพ์ค่าแทน",
                f"the cell holds a formula error ({value}); fix the formula or type the value",
            )
            return None
        if formula and value is None:
            self.error(
                place,
                "ช่องนี้มีสูตรที่ยังไม่เคยคำนวณ: เปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกใหม่ หรือพิมพ์ค่าแทน",
                "the cell holds a formula that was never calculated: open and save the file in Excel or LibreOffice, "
                "or type the value",
            )
        return value

    def _convert(self, kind: str, value: object, place: Place) -> tuple[bool, object]:
        """Return (ok, value) for a non-blank cell of ``kind``; report what was expected."""
        if kind in ("text", "choice"):
            return True, _text(value)
        if kind == "code":
            text = _text(value).translate(_THAI_DIGITS).replace(" ", "").rstrip(".")
            if _CODE.match(text):
                return True, ".".join(str(int(p)) for p in text.split("."))
            return self._expected(place, value, "รหัสตัวเลขคั่นด้วยจุด เช่น 1 หรือ 1.2", "a number code such as 1 or 1.2")
        if kind in ("int", "level"):
            number = None
            if isinstance(value, int) and not isinstance(value, bool):
                number = value
            elif isinstance(value, float) and value.is_integer():
                number = int(value)
            elif isinstance(value, str):
                try:
                    number = parse_number(value.strip())
                except ValueError:
                    number = None
            if kind == "level" and number is not None and not 1 <= number <= 9:
                number = None
            if number is None:
                if kind == "level":
                    return self._expected(place, value, "เลขระดับ 1 ถึง 9", "a level from 1 to 9")
                return self._expected(place, value, "จำนวนเต็ม เช่น 2567", "a whole number such as 2567")
            return True, number
        if kind == "amount":
            if isinstance(value, (datetime, date, bool)):
                return self._expected(place, value, 'จำนวนเงิน, "-" หรือ ไม่ใช้งบประมาณ', 'an amount of baht, "-" or ไม่ใช้งบประมาณ')
            return True, value.strip() if isinstance(value, str) else value
        if kind == "month":
            if isinstance(value, (datetime, date)):
                year = value.year if value.year > 2400 else value.year + 543
                return True, f"{year}-{value.month:02d}"
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return True, value.strip().translate(_THAI_DIGITS) if isinstance(value, str) else value
        raise AssertionError(kind)

    def _expected(self, place: Place, value: object, thai: str, english: str) -> tuple[bool, None]:
        self.error(place, f"ต้องเป็น{thai} (พบ '{_text(value)}')", f"expected {english} (found '{_text(value)}')")
        return False, None

    # -- ข้อมูลแผน --------------------------------------------------------------
    def _form(self, fields: tuple[Field, ...]) -> dict[str, list[Value]]:
        found = self._sheet(INFO_NAME, INFO_KEY)
        out: dict[str, list[Value]] = {}
        by_label = {_norm_header(f.label): f for f in fields}
        for f in fields:
            self.loc.at(tuple(f.key.split(".")), Place(INFO_NAME, None, f.label))
        if found is None:
            self.error(Place(INFO_NAME), f"ไม่พบแผ่นงาน {INFO_NAME}", f"the sheet {INFO_NAME} is missing")
            return out
        ws, fws = found
        merged = self._merged(ws)
        for row in range(1, ws.max_row + 1):
            label = _norm_header(self._raw(ws, fws, merged, row, 1, Place(ws.title, f"A{row}")))
            if not label or label == _norm_header(INFO_COLUMNS[0]):
                continue
            place = Place(ws.title, f"B{row}", str(ws.cell(row, 1).value).strip())
            raw = self._raw(ws, fws, merged, row, 2, place)
            field = by_label.get(label)
            if field is None:
                if not _blank(raw):
                    self.notice(Place(ws.title, f"A{row}"), "ไม่รู้จักหัวข้อนี้ จึงข้ามไป", "unknown field; skipped")
                continue
            if ws.row_dimensions[row].hidden and not _blank(raw):
                self.notice(place, "แถวนี้ซ่อนอยู่ จึงข้ามไป", "the row is hidden; skipped")
                continue
            if _blank(raw):
                if field.key not in out:
                    self.loc.at(tuple(field.key.split(".")), place)
                continue
            if field.key in out and not field.repeat:
                self.error(place, f"หัวข้อ {field.label} ซ้ำกับแถวก่อนหน้า", f"the field {field.label} is given twice")
                continue
            ok, value = self._convert("int" if field.kind == "int" else "text", raw, place)
            if not ok:
                continue
            if field.choices and isinstance(field.choices[0], tuple):
                mapping = {label: v for label, v in field.choices} | {v: v for _, v in field.choices}
                if value not in mapping:
                    self._expected(place, raw, " หรือ ".join(c[0] for c in field.choices), " or ".join(c[0] for c in field.choices))
                    continue
                value = mapping[value]
            out.setdefault(field.key, []).append(Value(value, place))
        return out

    # -- tables -------------------------------------------------------------------
    def _table(self, sheet: Sheet) -> list[Row]:
        found = self._sheet(sheet.name, sheet.key)
        if found is None:
            self.error(Place(sheet.name), f"ไม่พบแผ่นงาน {sheet.name}", f"the sheet {sheet.name} is missing")
            return []
        ws, fws = found
        merged = self._merged(ws)
        header_row, columns = self._headers(sheet, ws, fws, merged)
        if columns is None:
            return []
        hints = {c: _norm_header(col.hint) for c, col in columns.items()}
        start = header_row + 1
        if any(_norm_header(ws.cell(start, c).value) == hints[c] and hints[c] for c in columns):
            start += 1  # the hint row
        rows: list[Row] = []
        headers = {column.key: column.header for column in sheet.columns}
        hidden: list[int] = []
        above: dict[str, object] = {}
        unknown_cols = [c for c in range(1, ws.max_column + 1) if c not in columns]
        noticed: set[int] = set()
        # ws.max_row counts rows that are only formatted; read to the last row holding a value
        last = max((r for (r, _), cell in ws._cells.items() if cell.value is not None), default=0)
        for r in range(start, last + 1):
            raws = {}
            for c, column in columns.items():
                place = Place(ws.title, f"{_letter(c)}{r}", column.header)
                raws[c] = (self._raw(ws, fws, merged, r, c, place), place)
            if all(_blank(v) for v, _ in raws.values()):
                continue
            if ws.row_dimensions[r].hidden:
                hidden.append(r)
                continue
            for c in unknown_cols:
                if c not in noticed and not _blank(ws.cell(*merged.get((r, c), (r, c))).value):
                    noticed.add(c)
                    self.notice(
                        Place(ws.title, f"{_letter(c)}{header_row}"),
                        "คอลัมน์นี้ไม่อยู่ในแบบของสมุดงาน จึงข้ามไป",
                        "this column is not part of the workbook layout; skipped",
                    )
            values, places = {}, {}
            for c, column in columns.items():
                raw, places[column.key] = raws[c]
                if _blank(raw):
                    if column.same_as_above and column.key in above:
                        values[column.key] = above[column.key]
                    continue
                ok, value = self._convert(column.kind, raw, places[column.key])
                if ok:
                    values[column.key] = value
            above.update(values)
            rows.append(Row(r, values, places, ws.title, headers))
        if hidden:
            shown = ", ".join(str(r) for r in hidden[:10]) + (" …" if len(hidden) > 10 else "")
            self.notice(Place(ws.title), f"ข้ามแถวที่ซ่อนอยู่: {shown}", f"skipped hidden rows: {shown}")
        return rows

    def _headers(self, sheet: Sheet, ws, fws, merged) -> tuple[int, dict[int, Column] | None]:
        """Find the header row (one of the first five) and map its columns to the layout."""
        known = {_norm_header(c.header): c for c in sheet.columns if c.key != sheet.per_year}
        known.update({c.key: c for c in sheet.columns if c.key != sheet.per_year})
        best, best_row = {}, 1
        for r in range(1, min(ws.max_row, 5) + 1):
            columns = {}
            for c in range(1, ws.max_column + 1):
                text = _norm_header(ws.cell(r, c).value)
                column = known.get(text) or self._year_column(sheet, text, str(ws.cell(r, c).value).strip())
                if column is not None:
                    columns[c] = column
            if len(columns) > len(best):
                best, best_row = columns, r
        seen: dict[str, int] = {}
        for c, column in list(best.items()):
            if column.key in seen:
                self.error(
                    Place(ws.title, f"{_letter(c)}{best_row}"),
                    f"หัวคอลัมน์ {column.header} ซ้ำกับคอลัมน์ {_letter(seen[column.key])}",
                    f"the column {column.header} appears twice (also column {_letter(seen[column.key])})",
                )
            seen[column.key] = c
        missing = [c.header for c in sheet.columns if c.required and c.key not in seen]
        if not best or missing:
            names = ", ".join(missing or [c.header for c in sheet.columns])
            self.error(
                Place(ws.title, f"A{best_row}"),
                f"ไม่พบหัวคอลัมน์ {names} (แถวแรกต้องเป็นหัวคอลัมน์ตามแบบ)",
                f"the column headers {names} are missing (the first row must hold the layout's headers)",
            )
            return best_row, None
        return best_row, best

    def _year_column(self, sheet: Sheet, text: str, header: str) -> Column | None:
        """Return a per-year budget column for a header such as งบประมาณ ปี 2565 or งบประมาณ ปีที่ 1."""
        if sheet.per_year is None:
            return None
        template = sheet.column(sheet.per_year)
        match = _YEAR_HEADER.match(text)
        if match:
            return Column(f"year:{match.group(1)}", header, template.hint, template.width, "amount")
        match = _YEAR_INDEX_HEADER.match(text)
        if match:
            return Column(f"year#{match.group(1)}", header, template.hint, template.width, "amount")
        return None

    # -- building blocks --------------------------------------------------------
    def _put(self, target: dict, key: str, row: Row, column: str, path: tuple) -> None:
        """Copy ``row``'s ``column`` into ``target[key]`` (when not blank) and record its place."""
        if column not in row.places:
            return
        self.loc.at(path + (key,), row.place(column))
        if column in row.values:
            target[key] = row.values[column]

    def _entries(self, rows: list[tuple[int, Value]], path: tuple) -> list:
        """Return numbered-list entries from (level, text) rows; level 2 nests under the last level 1."""
        out: list = []
        stack: list[tuple[int, dict, tuple]] = []
        for level, text in rows:
            while stack and stack[-1][0] >= level:
                stack.pop()
            if level == 1:
                siblings, base = out, path
            elif stack and stack[-1][0] == level - 1:
                siblings, base = stack[-1][1]["items"], stack[-1][2] + ("items",)
            else:
                self.error(
                    text.place,
                    f"ข้อระดับ {level} ต้องอยู่ใต้ข้อระดับ {level - 1}",
                    f"a level {level} entry must follow a level {level - 1} entry",
                )
                continue
            entry = {"text": text.value, "items": []}
            epath = base + (len(siblings),)
            siblings.append(entry)
            self.loc.at(epath, text.place)
            stack.append((level, entry, epath))
        return out

    def _steps(self, rows: list[tuple[int, Value]], path: tuple) -> list:
        """Return ๖ steps: entries, where a row starting with "|" is a table row of the level 1 step above."""
        entries: list[tuple[int, Value]] = []
        tables: dict[int, list] = {}
        steps = 0
        for level, text in rows:
            if not str(text.value).lstrip().startswith("|"):
                entries.append((level, text))
                steps += level == 1
            elif not steps:
                self.error(text.place, "แถวตารางต้องอยู่ใต้ขั้นตอนระดับ 1", "a table row must follow a level 1 step")
            else:
                table = tables.setdefault(steps - 1, [])
                self.loc.at(path + (steps - 1, "table", "rows", len(table)), text.place)
                self.loc.at(path + (steps - 1, "table"), text.place)
                table.append(table_cells(str(text.value)))
        out = self._entries(entries, path)
        for index, table in tables.items():
            if index < len(out):
                out[index]["table"] = table
        return out

    def _paragraphs(self, rows: list[tuple[int, Value]], path: tuple) -> list:
        out = []
        for level, text in rows:
            if level != 1:
                self.error(text.place, "ย่อหน้าไม่มีระดับย่อย (ใช้ระดับ 1 หรือเว้นว่าง)", "paragraphs have no sub-levels (use level 1 or leave it blank)")
                continue
            self.loc.at(path + (len(out),), text.place)
            out.append(text.value)
        return out

    def _sectioned(self, rows: list[Row], sections: tuple[Section, ...]) -> list[tuple[Row, Section, int, Value]]:
        """Return (row, section, level, text) for the rows of a long sheet, checking each."""
        labels = {_norm_header(s.label): s for s in sections}
        out = []
        for row in rows:
            label = row.get("section")
            section_place = row.place("section")
            if label is None:
                self.error(section_place, "ไม่ได้ระบุส่วน/หัวข้อของแถวนี้", "the row names no section")
                continue
            section = labels.get(_norm_header(label))
            if section is None:
                names = ", ".join(s.label for s in sections)
                self.error(section_place, f"ไม่รู้จักหัวข้อ '{label}' (ใช้ได้: {names})", f"unknown section '{label}' (known: {names})")
                continue
            text = row.value("text")
            if text is None:
                self.error(row.place("text"), "แถวนี้ไม่มีข้อความ", "the row has no text")
                continue
            level = row.get("level") or 1
            if section.form not in ("paragraphs", "entries", "steps") and level != 1:
                self.error(row.place("level"), "หัวข้อนี้ไม่มีระดับย่อย", "this section has no sub-levels")
                continue
            out.append((row, section, level, text))
        return out

    def _fill_sections(
        self, target: dict, path: tuple, found: list, sections: tuple[Section, ...], label: str = "", sheet: str = ""
    ) -> None:
        """Put the rows of each section into ``target`` under its dotted field name.

        With ``sheet``, a section without rows is located at that sheet, and the
        groups it belongs to (foreword, introduction) are made, so a missing
        required section is reported by its own name.
        """
        grouped: dict[str, list] = {}
        for row, section, level, text in found:
            grouped.setdefault(section.target, []).append((level, text, row))
        for section in sections:
            keys = tuple(section.target.split("."))
            rows = grouped.get(section.target)
            spath = path + keys
            if not rows:
                if sheet:
                    parent = target
                    for key in keys[:-1]:
                        parent = parent.setdefault(key, {})
                    for depth in range(1, len(keys) + 1):
                        if path + keys[:depth] not in self.loc.places:
                            self.loc.at(path + keys[:depth], Place(sheet, None, f"ส่วน {section.label}"))
                continue
            first = rows[0][1].place
            self.loc.at(spath, first.relabel(f"{label}{section.label}"))
            parent = target
            for key in keys[:-1]:
                parent = parent.setdefault(key, {})
            if section.form == "paragraphs":
                parent[keys[-1]] = self._paragraphs([(lv, t) for lv, t, _ in rows], spath)
            elif section.form == "entries":
                parent[keys[-1]] = self._entries([(lv, t) for lv, t, _ in rows], spath)
            elif section.form == "steps":
                parent[keys[-1]] = self._steps([(lv, t) for lv, t, _ in rows], spath)
            else:
                for _, text, _ in rows[1:]:
                    self.error(text.place, f"หัวข้อ {section.label} มีได้แถวเดียว", f"the section {section.label} takes one row only")
                value = rows[0][1].value
                if section.form == "month":
                    value = self._month(value, rows[0][1].place)
                elif section.form == "flag":
                    if str(value).strip().lower() not in YES:
                        self._expected(rows[0][1].place, value, "ใช่ (หรือไม่ต้องมีแถวนี้)", "ใช่ (yes), or no such row")
                    value = True
                parent[keys[-1]] = value

    def _month(self, value: object, place: Place) -> object:
        """Return a month with its year as YYYY-MM (ต.ค. 2564 → 2564-10); leave others to the model."""
        try:
            month = parse_month(value)
        except ValueError:
            return value
        if "-" not in month:
            self._expected(place, value, "เดือนพร้อมปี พ.ศ. เช่น ต.ค. 2564", "a month with its Buddhist-era year, e.g. ต.ค. 2564")
        return month

    def _codes(self, rows: list[Row], depth: int) -> dict[str, Row]:
        """Check a code column (1, 1.1, 1.1.1): unique, parents first, at most ``depth`` parts.

        A code that differs from the number the book will print (rows give the
        order) gets a notice.
        """
        out: dict[str, Row] = {}
        printed_as: dict[str, str] = {"": ""}
        counters: dict[str, int] = {}
        for row in rows:
            code = row.get("code")
            if code is None:
                self.error(row.place("code"), "ไม่ได้กรอกรหัส", "the code is missing")
                continue
            place = row.place("code")
            parts = code.split(".")
            parent = ".".join(parts[:-1])
            if code in out:
                self.error(place, f"รหัส {code} ซ้ำกับแถว {out[code].number}", f"the code {code} repeats row {out[code].number}")
                continue
            if len(parts) > depth:
                self.error(place, f"รหัส {code} ลึกเกินไป (ได้ไม่เกิน {depth} ชั้น)", f"the code {code} is too deep (at most {depth} levels)")
                continue
            if parent and parent not in out:
                self.error(
                    place,
                    f"ไม่พบรหัส {parent} ในแถวก่อนหน้า (แถวของรหัส {parent} ต้องอยู่เหนือรหัส {code})",
                    f"no code {parent} above this row (the row of {parent} must come before {code})",
                )
                continue
            counters[parent] = counters.get(parent, 0) + 1
            printed = f"{printed_as[parent]}.{counters[parent]}" if parent else str(counters[parent])
            if printed != code and row.get("number") is None:  # (a เลขที่ prints instead of the order)
                self.notice(place, f"รหัส {code} จะพิมพ์เป็น {printed} ตามลำดับแถว", f"the code {code} prints as {printed}, by row order")
            out[code] = row
            printed_as[code] = printed
        return out

    def _info(self, data: dict, form: dict, skip: tuple = ()) -> None:
        info, _ = layout(data["book"])
        for field in info:
            if field.key in skip:
                continue
            keys = tuple(field.key.split("."))
            parent = data
            for key in keys[:-1]:
                parent = parent.setdefault(key, {})
            if field.key not in form:
                continue
            values = form[field.key]
            if field.repeat:
                parent[keys[-1]] = [v.value for v in values]
                self.loc.at(keys, values[0].place)
                for i, v in enumerate(values):
                    self.loc.at(keys + (i,), v.place)
            else:
                parent[keys[-1]] = values[0].value
                self.loc.at(keys, values[0].place)

    def _units(self, data: dict, rows: list[Row]) -> None:
        units = []
        for row in rows:
            unit: dict = {}
            path = ("units", len(units))
            self.loc.at(path, row.place("abbr"))
            self._put(unit, "abbr", row, "abbr", path)
            self._put(unit, "name", row, "name", path)
            units.append(unit)
        data["units"] = units
        self.loc.at(("units",), Place("หน่วยงาน"))

    def _refers(self, row: Row, known: dict, listed: set, sheet: str, english: str) -> bool:
        """Return whether ``row``'s number names a record read; report a missing or unknown one once.

        A number whose own row was refused (and reported) is skipped quietly.
        """
        ident = row.get("id")
        if ident is None:
            self.error(row.place("id"), f"ไม่ได้กรอกเลขที่จากแผ่นงาน {sheet}", f"the {english} number is missing")
            return False
        if ident in known:
            return True
        if ident not in listed and ident not in self.unknown:
            self.unknown.add(ident)
            self.error(row.place("id"), f"ไม่พบเลขที่ {ident} ในแผ่นงาน {sheet}", f"no {english} number {ident} in the sheet {sheet}")
        return False



def drop_empty(data: dict, keys: tuple[str, ...]) -> None:
    """Remove the groups under ``keys`` that hold nothing (dicts of empty dicts), at any depth."""

    def empty(value) -> bool:
        if isinstance(value, dict):
            for key in [k for k, v in value.items() if empty(v)]:
                del value[key]
            return not value
        return False

    for key in keys:
        if key in data and empty(data[key]):
            del data[key]


def table_cells(text: str) -> list[str]:
    """Return the cells of a table row written "| a | b | c |" ("\\|" stands for a "|" in a cell)."""
    inner = text.strip().removeprefix("|")
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.replace("\\|", "|").strip() for cell in re.split(r"(?<!\\)\|", inner)]


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
