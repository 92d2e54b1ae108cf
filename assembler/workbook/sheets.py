"""What a planbook workbook holds: its sheets, columns, hints and drop-down lists.

One description serves the writer (blank and filled workbooks) and the reader,
so a header the writer puts in row 1 is the header the reader looks for.

Every sheet but ข้อมูลแผน is a table: headers in row 1, a grey hint row in
row 2, one record per row below. ข้อมูลแผน is a form: one field per row
(หัวข้อ | ข้อมูล | คำอธิบาย).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..records.anticorruption import KINDS
from ..thai import FISCAL_MONTHS, MONTHS_ABBR, NOT_BUDGETED

HEADER_ROW = 1
HINT_ROW = 2
FIRST_ROW = 3
#: Rows given drop-down lists and text formats in a written workbook.
LAST_FORMATTED_ROW = 2000

BOOK_NAMES = {"anticorruption": "แผนปฏิบัติการป้องกันการทุจริต", "operations": "แผนดำเนินงาน"}
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

_ORG = (
    Field("organisation.name", "ชื่อ อปท.", "ชื่อเต็ม เช่น เทศบาลเมืองบึงสายทอง"),
    Field("organisation.kind", "ประเภท อปท.", "เลือกหรือพิมพ์ เช่น เทศบาลเมือง", "choice", choices=ORG_KINDS, strict=False),
    Field("organisation.province", "จังหวัด", "เช่น นครสวรรค์"),
    Field("organisation.prepared_by", "ผู้จัดทำ", "หนึ่งบรรทัดต่อแถว เพิ่มแถว ผู้จัดทำ ได้หลายแถว", repeat=True),
)
_BOOK = Field("book", "ประเภทเล่ม", "ไม่ต้องแก้", "choice", choices=tuple((v, k) for k, v in BOOK_NAMES.items()))

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

AC_TEXTS = (
    *FOREWORD_TEXTS,
    Section("จุดแข็ง", "introduction.swot.strengths", "paragraphs", "๑.๑ จุดแข็ง (S)"),
    Section("จุดอ่อน", "introduction.swot.weaknesses", "paragraphs", "๑.๑ จุดอ่อน (W)"),
    Section("โอกาส", "introduction.swot.opportunities", "paragraphs", "๑.๑ โอกาส (O)"),
    Section("อุปสรรค", "introduction.swot.threats", "paragraphs", "๑.๑ อุปสรรค (T)"),
    Section("หลักการและเหตุผล", "introduction.rationale", "paragraphs", "๑.๒ หนึ่งย่อหน้าต่อแถว"),
    Section("วัตถุประสงค์", "introduction.objectives", "entries", "๑.๓ " + ENTRY_HINT),
    Section("เป้าหมาย", "introduction.goals", "entries", "๑.๔ " + ENTRY_HINT),
    Section("ประโยชน์", "introduction.benefits", "entries", "๑.๕ " + ENTRY_HINT),
)

#: what a "flag" section's cell says for yes (the writer writes the first)
YES = ("ใช่", "yes", "true", "x")

#: A หัวข้อบทนำ row starts an introduction section; the rows below it fill INTRO_TEXTS.
INTRO_HEADING = Section("หัวข้อบทนำ", "title", "heading", "เริ่มหัวข้อใหม่ของส่วนที่ ๑ เช่น ความเป็นมา")
INTRO_TEXTS = (
    Section("ย่อหน้าบทนำ", "paragraphs", "paragraphs", "ย่อหน้าใต้หัวข้อบทนำที่อยู่เหนือขึ้นไป"),
    Section("ข้อบทนำ", "items", "entries", "ข้อใต้หัวข้อบทนำที่อยู่เหนือขึ้นไป; " + ENTRY_HINT),
)
OPS_TEXTS = (*FOREWORD_TEXTS, INTRO_HEADING, *INTRO_TEXTS)

AC_DETAILS = (
    Section("หลักการและเหตุผล", "rationale", "paragraphs", "๒ หนึ่งย่อหน้าต่อแถว"),
    Section("วัตถุประสงค์", "objectives", "entries", "๓"),
    Section("เป้าหมาย", "targets.items", "entries", "๔ ถ้าไม่แยกเชิงปริมาณ/เชิงคุณภาพ"),
    Section("เป้าหมายเชิงปริมาณ", "targets.quantitative", "entries", "๔"),
    Section("เป้าหมายเชิงคุณภาพ", "targets.qualitative", "entries", "๔"),
    Section("พื้นที่ดำเนินการ", "area", "entries", "๕ หนึ่งแห่งต่อแถว"),
    Section("วิธีดำเนินการ", "method", "steps", "๖ แถวที่ขึ้นต้นด้วย | เป็นแถวของตารางใต้ขั้นตอนข้างบน: | ตำแหน่ง | จำนวน | หน้าที่ |"),
    Section("เดือนเริ่ม", "period.start", "month", "๗ เช่น ต.ค. 2564; ไม่มี = ตลอดแผน"),
    Section("เดือนสิ้นสุด", "period.end", "month", "๗ เช่น ก.ย. 2568"),
    Section("ระยะเวลา", "period.text", "single", "๗ ข้อความ เช่น จำนวน ๔ ครั้ง (พิมพ์ต่อจากเดือนเริ่ม–สิ้นสุด ถ้ามี)"),
    Section("งบประมาณต่อปี", "budget.per_year", "amount", "๘ ตามที่รายละเอียดระบุ; ไม่มี = ตามตารางส่วนที่ ๒"),
    Section("งบประมาณรวม", "budget.total", "amount", "๘ รวมทั้งแผน"),
    Section("งบประมาณ", "budget.text", "paragraphs", "๘ ข้อความที่พิมพ์ตามที่เขียน แทนยอดที่คำนวณ"),
    Section("งบประมาณว่าง", "budget.blank", "flag", "๘ ใช่ = ไม่พิมพ์ยอดเงินในหัวข้อ ๘"),
    Section("คำอธิบายงบประมาณ", "budget.note", "single", "๘ เช่น ๑๐ แห่งๆ ละ ๕๐,๐๐๐ บาท"),
    Section("ผู้รับผิดชอบ", "responsible", "paragraphs", "๙ หนึ่งบรรทัดต่อแถว; ไม่มี = ชื่อเต็มของหน่วยงาน"),
    Section("ตัวชี้วัด", "indicators", "entries", "๑๐"),
)


def _texts(sections: tuple[Section, ...]) -> Sheet:
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


ANTICORRUPTION_INFO = (
    _BOOK,
    *_ORG,
    Field("plan.title", "ชื่อแผน", "ตามที่พิมพ์บนปก", required=False),
    Field("plan.first", "ปีแรกของแผน", "ปีงบประมาณ พ.ศ. เช่น 2565", "int"),
    Field("plan.last", "ปีสุดท้ายของแผน", "แผน ๓ หรือ ๔ ปี เช่น 2568", "int"),
    Field("layout.digits", "ตัวเลขในเล่ม", "ไทย หรือ อารบิก", "choice", required=False, choices=DIGITS),
    Field("layout.matrix_orientation", "แนวตารางส่วนที่ ๒", "อัตโนมัติ: แนวนอนเมื่อตารางกว้างเกินหน้าแนวตั้ง", "choice",
          required=False, choices=ORIENTATIONS),
    Field("layout.table_font_pt", "ขนาดอักษรในตาราง", "pt 10–16 (ว่าง = ตามค่าเริ่มต้น)", "int", required=False),
)

ANTICORRUPTION = (
    UNITS,
    _texts(AC_TEXTS),
    Sheet(
        "missions",
        "มิติและภารกิจ",
        "มิติและภารกิจตามลำดับที่พิมพ์: รหัส 1 = มิติที่ 1, 1.1 = ภารกิจที่ 1.1, 1.1.1 = ภารกิจย่อย",
        (
            Column("code", "รหัส", "1, 1.1, 1.1.1", 10, "code", required=True),
            Column("title", "ชื่อ", "ชื่อมิติหรือภารกิจ", 100, required=True),
        ),
    ),
    Sheet(
        "items",
        "รายการ",
        "โครงการ กิจกรรม มาตรการ และแนวปฏิบัติงาน (ตารางส่วนที่ ๒) เรียงตามลำดับที่พิมพ์ "
        "งบประมาณ: กรอกช่อง ทุกปี ถ้าเท่ากันทุกปี หรือกรอกรายปี (ช่องว่าง = ไม่มี)",
        (
            Column("id", "ที่", "เลขรายการ", 8, "code"),
            Column("mission", "ภารกิจ", "รหัส เช่น 1.1", 9, "code", required=True, source=("missions", "code")),
            Column("kind", "ประเภท", "เลือกจากรายการ", 14, "text", required=True, choices=KINDS),
            Column("name", "ชื่อ", "ชื่อตามที่พิมพ์ เช่น โครงการ…", 60, required=True),
            Column("unit", "หน่วยงาน", "ชื่อย่อจากแผ่นงาน หน่วยงาน หรือข้อความ; หลายหน่วยคั่นด้วย ,", 12, required=True,
                   source=("units", "abbr"), strict=False),
            Column("every_year", "งบประมาณทุกปี", AMOUNT_HINT + " (เท่ากันทุกปี)", 14, "amount"),
            Column("year", "งบประมาณ ปี", AMOUNT_HINT, 13, "amount"),
            Column("remarks", "หมายเหตุ", "เพิ่มจากชื่อย่อหน่วยงาน", 20),
        ),
        per_year="year",
    ),
    Sheet(
        "details",
        "รายละเอียด",
        "ส่วนที่ ๓ รายละเอียดโครงการ: แถวละหนึ่งย่อหน้าหรือหนึ่งข้อ ช่อง ที่ อ้างเลขในแผ่นงาน รายการ",
        (
            Column("id", "ที่", "เลขรายการ; ว่าง = ตามแถวบน", 8, "code", source=("items", "id"),
                   same_as_above=True),
            Column("section", "หัวข้อ", "เลือกจากรายการ; ว่าง = ตามแถวบน", 22, "choice",
                   choices=tuple(s.label for s in AC_DETAILS), same_as_above=True, required=True),
            Column("level", "ระดับ", "1 หลัก, 2 ย่อย", 8, "level"),
            Column("text", "ข้อความ", "หนึ่งย่อหน้าหรือหนึ่งข้อต่อแถว", 90, required=True),
        ),
    ),
)

OPERATIONS_INFO = (
    _BOOK,
    *_ORG,
    Field("fiscal_year", "ปีงบประมาณ", "พ.ศ. เช่น 2567", "int"),
    Field("title", "ชื่อเล่ม", "ตามที่พิมพ์บนปก", required=False),
    Field("layout.digits", "ตัวเลขในเล่ม", "ไทย หรือ อารบิก", "choice", required=False, choices=DIGITS),
    Field("layout.table_font_pt", "ขนาดอักษรในตาราง", "pt 10–16 (ว่าง = ตามค่าเริ่มต้น)", "int", required=False),
)

PLAN_KINDS = ("ยุทธศาสตร์", "แนวทางการพัฒนา", "แผนงาน")

OPERATIONS = (
    UNITS,
    _texts(OPS_TEXTS),
    Sheet(
        "strategies",
        "ยุทธศาสตร์",
        "ยุทธศาสตร์และแนวทางการพัฒนา/แผนงาน ตามลำดับที่พิมพ์: รหัส 1 = ยุทธศาสตร์ที่ 1, "
        "1.1 = แนวทางการพัฒนาหรือแผนงานแรกของยุทธศาสตร์ที่ 1",
        (
            Column("code", "รหัส", "1, 1.1", 10, "code", required=True),
            Column("kind", "ประเภท", "ยุทธศาสตร์ / แนวทางการพัฒนา / แผนงาน", 18, choices=PLAN_KINDS),
            Column("title", "ชื่อ", "ชื่อยุทธศาสตร์ แนวทาง หรือแผนงาน", 80, required=True),
            Column("objective", "วัตถุประสงค์", "เฉพาะแถวยุทธศาสตร์", 60),
        ),
    ),
    Sheet(
        "projects",
        "โครงการ",
        "โครงการของ ผด.02 เรียงตามลำดับที่พิมพ์: ช่อง ที่ 1, 2, 3 … เป็นโครงการ; 3.1, 3.2 เป็นกิจกรรมย่อยของโครงการที่ 3 "
        "(กิจกรรมย่อยไม่ต้องกรอกแนวทาง)",
        (
            Column("id", "ที่", "1 โครงการ, 1.1 กิจกรรมย่อย", 9, "code", required=True),
            Column("plan", "แนวทาง", "รหัส เช่น 1.1", 9, "code", source=("strategies", "code")),
            Column("name", "ชื่อ", "ชื่อโครงการหรือกิจกรรมย่อย", 55, required=True),
            Column("budget", "งบประมาณ", AMOUNT_HINT, 14, "amount"),
            Column("area", "พื้นที่", "สถานที่ดำเนินการ", 30),
            Column("units", "หน่วยดำเนินการ", "ชื่อย่อ; หลายหน่วยคั่นด้วย ,", 16, source=("units", "abbr"), strict=False),
            Column("funding", "แหล่งงบประมาณ", "เช่น เงินอุดหนุนทั่วไป (เฉพาะโครงการ)", 20),
        ),
    ),
    Sheet(
        "details",
        "รายละเอียด",
        "รายละเอียดของกิจกรรม (ผลผลิต): หนึ่งข้อต่อแถว ช่อง ที่ อ้างเลขในแผ่นงาน โครงการ",
        (
            Column("id", "ที่", "เลขโครงการ; ว่าง = ตามแถวบน", 9, "code", source=("projects", "id"),
                   same_as_above=True, required=True),
            Column("level", "ระดับ", "1 หลัก, 2 ย่อย", 8, "level"),
            Column("text", "ข้อความ", "หนึ่งข้อต่อแถว", 100, required=True),
        ),
    ),
    Sheet(
        "schedule",
        "ระยะเวลา",
        "ช่วงเดือนที่ดำเนินการ (แถบใน ผด.02): หนึ่งช่วงต่อแถว; เดือนเดียวไม่ต้องกรอกเดือนสิ้นสุด",
        (
            Column("id", "ที่", "เลขโครงการ; ว่าง = ตามแถวบน", 9, "code", source=("projects", "id"),
                   same_as_above=True),
            Column("start", "เดือนเริ่ม", "เช่น ต.ค.", 11, "month", required=True, choices=MONTH_CHOICES),
            Column("end", "เดือนสิ้นสุด", "ว่าง = เดือนเดียว", 11, "month", choices=MONTH_CHOICES),
            Column("label", "ชื่อช่วง", "ถ้ามี เช่น ก่อนฤดูฝน", 30),
        ),
    ),
)

#: book → (form fields of ข้อมูลแผน, table sheets)
LAYOUTS = {"anticorruption": (ANTICORRUPTION_INFO, ANTICORRUPTION), "operations": (OPERATIONS_INFO, OPERATIONS)}
SECTIONS = {"anticorruption": {"texts": AC_TEXTS, "details": AC_DETAILS}, "operations": {"texts": OPS_TEXTS}}
