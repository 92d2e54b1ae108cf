"""What a planbook workbook holds: its sheets, columns, hints and drop-down lists.

One description serves the writer (blank and filled workbooks) and the reader,
so a header the writer puts in row 1 is the header the reader looks for.

Every sheet but ข้อมูลแผน is a table: headers in row 1, a grey hint row in
row 2, one record per row below. ข้อมูลแผน is a form: one field per row
(หัวข้อ | ข้อมูล | คำอธิบาย).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..thai import FISCAL_MONTHS, MONTHS_ABBR, NOT_BUDGETED

HEADER_ROW = 1
HINT_ROW = 2
FIRST_ROW = 3
#: Rows given drop-down lists and text formats in a written workbook.
LAST_FORMATTED_ROW = 2000

DIGITS = (("ไทย", "thai"), ("อารบิก", "arabic"))
ORIENTATIONS = (("อัตโนมัติ", "auto"), ("แนวตั้ง", "portrait"), ("แนวนอน", "landscape"))
ORG_KINDS = ("เทศบาลนคร", "เทศบาลเมือง", "เทศบาลตำบล", "องค์การบริหารส่วนตำบล", "องค์การบริหารส่วนจังหวัด")
MONTH_CHOICES = tuple(MONTHS_ABBR[m] for m in FISCAL_MONTHS)
AMOUNT_HINT = f'บาท, "-" หรือ {NOT_BUDGETED}'


@dataclass(frozen=True)
class Column:
    """One column of a table sheet."""

    key: str
    header: str
    hint: str
    width: float
    kind: str = "text"  # text | int | amount | month | code | level | choice
    required: bool = False
    choices: tuple = ()  # drop-down values; (label, value) pairs for choice columns
    source: tuple[str, str] | None = None  # drop-down from (sheet key, column key)
    strict: bool = True  # refuse values outside the drop-down in Excel/Calc
    same_as_above: bool = False  # a blank cell repeats the value above (continuation rows)


@dataclass(frozen=True)
class Sheet:
    """A table sheet: its English key (accepted as a sheet name too) and Thai name."""

    key: str
    name: str
    about: str
    columns: tuple[Column, ...]
    #: the key of a column the writer repeats once per plan year (anticorruption budgets)
    per_year: str | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Field:
    """One row of the ข้อมูลแผน form."""

    key: str
    label: str
    hint: str
    kind: str = "text"  # text | int | choice
    required: bool = True
    repeat: bool = False  # several rows, one value each (ผู้จัดทำ)
    choices: tuple = ()
    strict: bool = True


@dataclass(frozen=True)
class Section:
    """A value of the ส่วน/หัวข้อ column of a long sheet: where its rows go."""

    label: str
    target: str
    form: str  # paragraphs | entries | steps | single | amount | month | flag | heading
    hint: str = ""


INFO_NAME = "ข้อมูลแผน"
INFO_KEY = "plan"
INSTRUCTIONS_NAME = "วิธีกรอก"
INFO_COLUMNS = ("หัวข้อ", "ข้อมูล", "คำอธิบาย")

ORG = (
    Field("organisation.name", "ชื่อ อปท.", "ชื่อเต็ม เช่น เทศบาลเมืองบึงสายทอง"),
    Field("organisation.kind", "ประเภท อปท.", "เลือกหรือพิมพ์ เช่น เทศบาลเมือง", "choice", choices=ORG_KINDS, strict=False),
    Field("organisation.province", "จังหวัด", "เช่น นครสวรรค์"),
    Field("organisation.prepared_by", "ผู้จัดทำ", "หนึ่งบรรทัดต่อแถว เพิ่มแถว ผู้จัดทำ ได้หลายแถว", repeat=True),
)

UNITS = Sheet(
    "units",
    "หน่วยงาน",
    "หน่วยงานที่รับผิดชอบ: ชื่อย่อที่พิมพ์ในตาราง และชื่อเต็ม ชื่อย่อในแผ่นงานอื่นต้องมีในแผ่นงานนี้",
    (
        Column("abbr", "ชื่อย่อ", "เช่น กวช.", 14, required=True),
        Column("name", "ชื่อเต็ม", "เช่น กองวิชาการและแผนงาน", 50, required=True),
    ),
)

ENTRY_HINT = "หนึ่งข้อต่อแถว; ข้อย่อยใส่ระดับ 2"

FOREWORD_TEXTS = (
    Section("คำนำ", "foreword.paragraphs", "paragraphs", "หนึ่งย่อหน้าต่อแถว"),
    Section("ลงท้ายคำนำ", "foreword.signature", "paragraphs", "บรรทัดลงท้าย; ไม่มี = ผู้จัดทำ + ชื่อ อปท."),
)

#: what a "flag" section's cell says for yes (the writer writes the first)
YES = ("ใช่", "yes", "true", "x")

#: A หัวข้อบทนำ row starts an introduction section; the rows below it fill INTRO_TEXTS.
INTRO_HEADING = Section("หัวข้อบทนำ", "title", "heading", "เริ่มหัวข้อใหม่ของส่วนที่ ๑ เช่น ความเป็นมา")
INTRO_TEXTS = (
    Section("ย่อหน้าบทนำ", "paragraphs", "paragraphs", "ย่อหน้าใต้หัวข้อบทนำที่อยู่เหนือขึ้นไป"),
    Section("ข้อบทนำ", "items", "entries", "ข้อใต้หัวข้อบทนำที่อยู่เหนือขึ้นไป; " + ENTRY_HINT),
)
def texts_sheet(sections: tuple[Section, ...]) -> Sheet:
    columns = (
        Column("section", "ส่วน", "เลือกจากรายการ; ว่าง = ตามแถวบน", 24, "choice",
               choices=tuple(s.label for s in sections), same_as_above=True, required=True),
        Column("level", "ระดับ", "1 หลัก, 2 ย่อย", 8, "level"),
        Column("text", "ข้อความ", "หนึ่งย่อหน้าหรือหนึ่งข้อต่อแถว", 100, required=True),
    )
    return Sheet(
        "texts",
        "ข้อความ",
        "คำนำและส่วนที่ ๑ บทนำ: หนึ่งย่อหน้าหรือหนึ่งข้อต่อแถว เรียงตามลำดับที่พิมพ์ "
        "ส่วนใดไม่มีแถว เล่มจะไม่มีส่วนนั้น (เช่น ไม่มีคำนำ)",
        columns,
    )


# -- each book type's layout (assembler/books/<book>/workbook.py) ------------------------
def book_names() -> dict[str, str]:
    """Return book type → its Thai name, for every registered book type."""
    from ..books import BOOKS

    return {name: book.title for name, book in BOOKS.items()}


def layout(book: str) -> tuple[tuple[Field, ...], tuple[Sheet, ...]]:
    """Return a book type's ข้อมูลแผน form fields (ประเภทเล่ม first) and its table sheets."""
    from ..books import BOOKS

    kind = Field("book", "ประเภทเล่ม", "ไม่ต้องแก้", "choice", choices=tuple((v, k) for k, v in book_names().items()))
    return (kind, *BOOKS[book].workbook.INFO), BOOKS[book].workbook.SHEETS


def sections(book: str) -> dict[str, tuple[Section, ...]]:
    """Return a book type's sheets of sections (ข้อความ, รายละเอียด) and their sections."""
    from ..books import BOOKS

    return BOOKS[book].workbook.SECTIONS
