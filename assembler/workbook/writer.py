"""Write planbook workbooks: blank and ready to fill, or filled from records.

The layout comes from :mod:`sheets`; the values from a validated plan. A
workbook written from records reads back as the same records
(``reader.read_workbook``), which the tests check on every example.
"""
from __future__ import annotations

import io
import re
from datetime import datetime

from ..books import BOOKS
from ..records.common import ListEntry
from ..records.months import month_text
from ..thai import NOT_BUDGETED
from ..ziputil import repack
from .sheets import (
    FIRST_ROW,
    HEADER_ROW,
    HINT_ROW,
    INFO_COLUMNS,
    INFO_NAME,
    INSTRUCTIONS_NAME,
    LAST_FORMATTED_ROW,
    YES,
    Column,
    Field,
    Sheet,
    book_names,
    layout,
)
from .sheets import sections as book_sections

FONT = "TH SarabunPSK"
FIXED_DATE = datetime(2000, 1, 1)

#: openpyxl's classes and this module's styles, set by _load_openpyxl
Workbook = Alignment = Border = Font = PatternFill = Side = DataValidation = None
get_column_letter = quote_sheetname = None
_HEADER_FILL = _INFO_FILL = _THIN = _BORDER = _WRAP = None


def _load_openpyxl() -> None:
    """Import openpyxl and make this module's styles, when a workbook is first written.

    The book types import this module's row helpers; a book built from YAML
    never writes a workbook and should not pay for openpyxl (a quarter second).
    """
    if globals()["Workbook"] is not None:
        return
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="A6A6A6")
    globals().update(
        Workbook=Workbook, Alignment=Alignment, Border=Border, Font=Font, PatternFill=PatternFill, Side=Side,
        get_column_letter=get_column_letter, quote_sheetname=quote_sheetname, DataValidation=DataValidation,
        _HEADER_FILL=PatternFill("solid", fgColor="D9E2F3"), _INFO_FILL=PatternFill("solid", fgColor="F2F2F2"),
        _THIN=thin, _BORDER=Border(left=thin, right=thin, top=thin, bottom=thin),
        _WRAP=Alignment(wrap_text=True, vertical="top"),
    )


def year_header(index: int, year: int | None) -> str:
    """Return the header of a per-year budget column: "งบประมาณ ปี 2565" or "งบประมาณ ปีที่ 1"."""
    return f"งบประมาณ ปี {year}" if year else f"งบประมาณ ปีที่ {index + 1}"


def blank_workbook(book: str) -> bytes:
    """Return a ready-to-fill workbook for ``book`` (anticorruption, operations)."""
    return _Writer(book, None).save()


def workbook_from(plan) -> bytes:
    """Return a workbook holding ``plan``'s records."""
    return _Writer(plan.book, plan).save()


def flatten(entries: list[ListEntry], level: int = 1):
    """Yield (level, text) for a list of entries and their sub-entries, in order."""
    for entry in entries:
        yield level, entry.text
        yield from flatten(entry.items, level + 1)


class _Writer:
    def __init__(self, book: str, plan) -> None:
        _load_openpyxl()
        self.book = book
        self.plan = plan
        self.info, self.sheets = layout(book)
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.wb.properties.creator = "planbook"
        self.wb.properties.created = FIXED_DATE
        self.columns: dict[str, list[Column]] = {}
        self.wb.create_sheet(INSTRUCTIONS_NAME)
        self._info_sheet()
        for sheet in self.sheets:
            self._table_sheet(sheet)
        self._instructions()
        rows = BOOKS[plan.book].workbook.rows(plan) if plan is not None else ()
        for key, values in rows:
            self._append(key, values)
        for ws in self.wb.worksheets:
            _fit_rows(ws)
            ws.page_setup.orientation = "landscape"
            ws.page_setup.paperSize = ws.PAPERSIZE_A4
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            if ws.title not in (INSTRUCTIONS_NAME, INFO_NAME):
                ws.print_title_rows = f"{HEADER_ROW}:{HINT_ROW}"
        self.wb.active = 1

    # -- ข้อมูลแผน ---------------------------------------------------------
    def _info_sheet(self) -> None:
        ws = self.wb.create_sheet(INFO_NAME)
        for col, (title, width) in enumerate(zip(INFO_COLUMNS, (24, 60, 50)), start=1):
            cell = ws.cell(HEADER_ROW, col, title)
            _style_header(cell)
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "A2"
        row = HEADER_ROW + 1
        for field in self.info:
            values = self._info_values(field) or [None]
            for value in values:
                label = ws.cell(row, 1, field.label)
                label.font = Font(name=FONT, size=14, bold=True)
                label.fill = _INFO_FILL
                cell = _literal(ws.cell(row, 2, value))
                cell.font = Font(name=FONT, size=14)
                cell.alignment = _WRAP
                cell.number_format = "@" if field.kind == "text" else "General"
                hint = ws.cell(row, 3, field.hint + (" (ต้องกรอก)" if field.required else ""))
                hint.font = Font(name=FONT, size=12, italic=True, color="808080")
                hint.alignment = _WRAP
                for c in (label, cell, hint):
                    c.border = _BORDER
                if field.choices:
                    labels = [c[0] if isinstance(c, tuple) else c for c in field.choices]
                    _validate(ws, f"B{row}", '"' + ",".join(labels) + '"', field.strict)
                row += 1

    def _info_values(self, field: Field) -> list:
        plan = self.plan
        if field.key == "book":
            return [book_names()[self.book]]
        if plan is None:
            value = _default(BOOKS[self.book].model, field.key)
            if value is None:
                return []
        elif field.key == "plan.first":
            return [plan.plan.years[0]]
        elif field.key == "plan.last":
            return [plan.plan.years[-1]]
        else:
            value = plan
            for part in field.key.split("."):
                value = getattr(value, part)
        if field.choices and isinstance(field.choices[0], tuple):
            value = next(label for label, v in field.choices if v == value)
        return list(value) if field.repeat else [value]

    # -- tables -------------------------------------------------------------
    def _expand(self, sheet: Sheet) -> list[Column]:
        out = []
        for column in sheet.columns:
            if column.key != sheet.per_year:
                out.append(column)
                continue
            years = self.plan.plan.years if self.plan is not None else [None] * 4
            for i, year in enumerate(years):
                out.append(Column(f"year:{year or i + 1}", year_header(i, year), column.hint, column.width, "amount"))
        return out

    def _table_sheet(self, sheet: Sheet) -> None:
        ws = self.wb.create_sheet(sheet.name)
        columns = self._expand(sheet)
        self.columns[sheet.key] = columns
        for col, column in enumerate(columns, start=1):
            letter = get_column_letter(col)
            header = ws.cell(HEADER_ROW, col, column.header)
            _style_header(header)
            hint = ws.cell(HINT_ROW, col, column.hint)
            hint.font = Font(name=FONT, size=12, italic=True, color="808080")
            hint.alignment = _WRAP
            hint.border = _BORDER
            dim = ws.column_dimensions[letter]
            dim.width = column.width
            dim.font = Font(name=FONT, size=14)
            dim.alignment = _WRAP
            if column.kind == "code":
                dim.number_format = "@"
            cells = f"{letter}{FIRST_ROW}:{letter}{LAST_FORMATTED_ROW}"
            if column.choices and column.kind != "level":
                labels = [c[0] if isinstance(c, tuple) else c for c in column.choices]
                _validate(ws, cells, '"' + ",".join(labels) + '"', column.strict, column.hint)
            elif column.source:
                _validate(ws, cells, self._source(*column.source), column.strict, column.hint)
            elif column.kind == "level":
                dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True)
                dv.error, dv.errorTitle = "ระดับเป็นเลข 1 ถึง 5", "ระดับ"
                dv.showErrorMessage = True
                ws.add_data_validation(dv)
                dv.add(cells)
        ws.freeze_panes = f"A{FIRST_ROW}"

    def _source(self, sheet_key: str, column_key: str) -> str:
        sheet = next(s for s in self.sheets if s.key == sheet_key)
        col = next(i for i, c in enumerate(self.columns[sheet_key], start=1) if c.key == column_key)
        letter = get_column_letter(col)
        return f"{quote_sheetname(sheet.name)}!${letter}${FIRST_ROW}:${letter}${LAST_FORMATTED_ROW}"

    def _append(self, key: str, values: dict) -> None:
        sheet = next(s for s in self.sheets if s.key == key)
        ws = self.wb[sheet.name]
        row = max(ws.max_row + 1, FIRST_ROW)
        for col, column in enumerate(self.columns[key], start=1):
            value = values.get(column.key)
            if value is None:
                continue
            cell = _literal(ws.cell(row, col, value))
            cell.font = Font(name=FONT, size=14)
            cell.alignment = _WRAP
            if column.kind == "code":
                cell.number_format = "@"
            elif isinstance(value, int):
                cell.number_format = "#,##0"

    # -- วิธีกรอก --------------------------------------------------------------
    def _instructions(self) -> None:
        ws = self.wb[INSTRUCTIONS_NAME]
        ws.column_dimensions["A"].width = 100
        lines: list[tuple[str, str]] = [
            ("title", f"วิธีกรอกสมุดงาน planbook: {book_names()[self.book]}"),
            ("note", "How to fill in this planbook workbook (Thai). Build with: planbook build THIS.xlsx"),
            ("text", "๑. กรอกแผ่นงานละหนึ่งเรื่อง แถวที่ 1 เป็นหัวคอลัมน์ แถวที่ 2 (ตัวเอียงสีเทา) เป็นคำอธิบาย "
                     "เริ่มกรอกที่แถวที่ 3 หนึ่งรายการต่อแถว เรียงตามลำดับที่จะพิมพ์ในเล่ม"),
            ("text", "๒. อย่าเปลี่ยนชื่อแผ่นงานและหัวคอลัมน์ จะเพิ่มคอลัมน์หรือแผ่นงานของตนเองก็ได้ "
                     "โปรแกรมจะข้ามและแจ้งให้ทราบ แถวที่ซ่อนไว้จะถูกข้ามเช่นกัน"),
            ("text", "๓. ตัวเลขใช้ได้ทั้งเลขไทยและเลขอารบิก มีจุลภาคคั่นหลักได้ งบประมาณที่ไม่มีให้ใส่ - "
                     f"ถ้าดำเนินการโดยไม่ใช้เงินให้ใส่ {NOT_BUDGETED} จะใช้สูตรคำนวณก็ได้ โปรแกรมอ่านค่าที่คำนวณแล้ว"),
            ("text", "๔. ไม่ต้องพิมพ์ยอดรวม จำนวนโครงการ ร้อยละ ลำดับที่ หรือเลขหน้า โปรแกรมคำนวณให้เอง"),
            ("text", "๕. ช่องที่มีรายการให้เลือก (ลูกศร) ควรเลือกจากรายการ รหัสและเลขที่ให้พิมพ์เป็นข้อความ เช่น 1.1"),
            ("text", "๖. ตรวจข้อมูล: planbook validate ไฟล์นี้.xlsx   สร้างเล่ม: planbook build ไฟล์นี้.xlsx "
                     "ถ้ามีข้อผิดพลาด โปรแกรมจะบอกแผ่นงานและช่อง เช่น รายการ!D14"),
            ("blank", ""),
            ("head", f"แผ่นงาน {INFO_NAME}"),
            ("text", "ข้อมูลทั่วไปของแผน หนึ่งเรื่องต่อแถว กรอกในคอลัมน์ ข้อมูล"),
        ]
        lines += [("item", f"• {f.label}: {f.hint}" + (" (ต้องกรอก)" if f.required else "")) for f in self.info]
        sections = book_sections(self.book)
        for sheet in self.sheets:
            lines += [("blank", ""), ("head", f"แผ่นงาน {sheet.name}"), ("text", sheet.about)]
            for column in self.columns[sheet.key]:
                lines.append(("item", f"• {column.header}: {column.hint}" + (" (ต้องกรอก)" if column.required else "")))
            for section in sections.get(sheet.key, ()):
                lines.append(("sub", f"    – {section.label}: {section.hint}"))
        fonts = {
            "title": Font(name=FONT, size=20, bold=True),
            "head": Font(name=FONT, size=16, bold=True),
            "note": Font(name=FONT, size=12, italic=True, color="808080"),
        }
        for row, (kind, text) in enumerate(lines, start=1):
            cell = ws.cell(row, 1, text or None)
            cell.font = fonts.get(kind, Font(name=FONT, size=14))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if kind == "title":
                ws.row_dimensions[row].height = 32

    def save(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return repack(out.getvalue(), _fixed_dates)


def _fixed_dates(name: str, data: bytes) -> bytes:
    """Give docProps/core.xml a fixed modification time, so equal records give equal bytes."""
    if name != "docProps/core.xml":
        return data
    stamp = FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data)


#: Thai marks above and below a letter take no width of their own.
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]")
#: Points per line of 14 pt TH SarabunPSK, and letters per unit of column width.
LINE_PT = 21
LETTERS_PER_WIDTH = 1.0


def _fit_rows(ws) -> None:
    """Give each row the height its wrapped text needs (Excel does not do it on opening)."""
    widths = {letter: dim.width for letter, dim in ws.column_dimensions.items()}
    for row in ws.iter_rows(min_row=HINT_ROW if ws.title != INSTRUCTIONS_NAME else 1):
        lines = 1
        for cell in row:
            if cell.value is None or isinstance(cell.value, (int, float)):
                continue
            width = widths.get(cell.column_letter) or 10
            per_line = max(1, int(width * LETTERS_PER_WIDTH * 14 / (cell.font.sz or 14)))
            needed = sum(-(-max(1, len(_MARKS.sub("", part))) // per_line) for part in str(cell.value).split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_PT + 4


def _default(model, key: str):
    """Return the default the records model gives a dotted field (None when it has none)."""
    *parents, name = key.split(".")
    for part in parents:
        if part not in model.model_fields:
            return None  # plan.first, plan.last: not fields of the model
        model = model.model_fields[part].annotation
    info = model.model_fields.get(name)
    return None if info is None or info.is_required() else info.get_default(call_default_factory=True)


def _literal(cell):
    """Keep a record's text as text: openpyxl makes "=…" a live formula, which Excel would run."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _style_header(cell) -> None:
    cell.font = Font(name=FONT, size=14, bold=True)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _validate(ws, cells: str, formula: str, strict: bool, prompt: str = "") -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.errorStyle = "stop" if strict else "information"
    dv.showErrorMessage = True
    dv.errorTitle = "เลือกจากรายการ"
    dv.error = "ค่านี้ไม่อยู่ในรายการ / not in the list"
    if prompt:
        dv.prompt = prompt[:250]
        dv.showInputMessage = True
    ws.add_data_validation(dv)
    dv.add(cells)


# -- rows of each book -------------------------------------------------------


def amount_cell(value):
    """Return a budget as a cell holds it: baht, ไม่ใช้งบประมาณ, or "-" for none."""
    return "-" if value is None else value


def table_row(cells: list[str]) -> str:
    """Return a table row as a รายละเอียด cell holds it: "| a | b | c |" ("|" in a cell as "\\|")."""
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def section_rows(sections, source, key: str, **extra):
    """Yield the rows of a long sheet (ข้อความ, รายละเอียด) for ``source``'s fields."""
    for section in sections:
        value = source
        for part in section.target.split("."):
            value = getattr(value, part, None) if value is not None else None
        if value is None or value == [] or value is False:
            continue
        if section.form == "paragraphs":
            for text in value:
                yield key, {**extra, "section": section.label, "text": text}
        elif section.form == "entries":
            for level, text in flatten(value):
                yield key, {**extra, "section": section.label, "level": level, "text": text}
        elif section.form == "steps":
            for step in value:
                yield key, {**extra, "section": section.label, "level": 1, "text": step.text}
                for cells in step.table.rows if step.table else []:
                    yield key, {**extra, "section": section.label, "text": table_row(cells)}
                for level, text in flatten(step.items, 2):
                    yield key, {**extra, "section": section.label, "level": level, "text": text}
        elif section.form == "month":
            yield key, {**extra, "section": section.label, "text": month_text(value)}
        elif section.form == "flag":
            yield key, {**extra, "section": section.label, "text": YES[0]}
        else:
            yield key, {**extra, "section": section.label, "text": value}


def text_number(number: int | None) -> str | None:
    """Return a printed number as its (text-formatted) cell holds it."""
    return None if number is None else str(number)
