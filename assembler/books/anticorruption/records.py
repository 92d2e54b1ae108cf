"""Records of the anti-corruption action plan (แผนปฏิบัติการป้องกันการทุจริต).

Glossary (Thai term → field):
    องค์กรปกครองส่วนท้องถิ่น → organisation      ปีงบประมาณ → plan.years
    คำนำ → foreword                            ส่วนที่ ๑ บทนำ → introduction
    จุดแข็ง/จุดอ่อน/โอกาส/อุปสรรค → swot.strengths/weaknesses/opportunities/threats
    หลักการและเหตุผล → rationale     วัตถุประสงค์ → objectives    เป้าหมาย → goals
    ประโยชน์ → benefits              มิติ → dimensions           ภารกิจ → missions
    โครงการ/กิจกรรม/มาตรการ/แนวปฏิบัติงาน → items (kind)
    หน่วยงานรับผิดชอบ → unit (abbreviation from units)        หมายเหตุ → remarks
    งบประมาณ → budget              รายละเอียดโครงการ (ส่วนที่ ๓) → detail
    เชิงปริมาณ/เชิงคุณภาพ → targets.quantitative/qualitative
    ระยะเวลาดำเนินการ → detail.period     ตัวชี้วัด/ผลลัพธ์ → detail.indicators

Counts, totals, numbering and Thai digits are never typed in records: the view
model computes them.
"""
from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal, Optional, Union

from pydantic import BeforeValidator, Field, model_validator

from ...messages import RecordsValueError
from ...records.common import Amount, Code, Entry, Foreword, Number, Organisation, Record, Text, Unit, parse_amount

KINDS = ("โครงการ", "กิจกรรม", "มาตรการ", "แนวปฏิบัติงาน")
ItemKind = Literal["โครงการ", "กิจกรรม", "มาตรการ", "แนวปฏิบัติงาน"]


class Plan(Record):
    """Which plan this is: its title and fiscal years (พ.ศ.)."""

    title: Text = "แผนปฏิบัติการป้องกันการทุจริต"
    years: list[Annotated[int, Field(ge=2500, le=2700)]] = Field(
        min_length=3, max_length=4, description="ปีงบประมาณ พ.ศ. ที่แผนครอบคลุม ๓ หรือ ๔ ปีติดกัน"
    )

    @model_validator(mode="after")
    def _consecutive(self) -> "Plan":
        if any(b != a + 1 for a, b in zip(self.years, self.years[1:])):
            raise RecordsValueError("plan_years_consecutive")
        return self


class Swot(Record):
    """๑.๑ risk analysis."""

    strengths: list[Text] = Field(min_length=1)
    weaknesses: list[Text] = Field(min_length=1)
    opportunities: list[Text] = Field(min_length=1)
    threats: list[Text] = Field(min_length=1)


class Introduction(Record):
    """ส่วนที่ ๑ บทนำ: every section is optional; those present are numbered ๑.๑, ๑.๒ … in order."""

    swot: Optional[Swot] = Field(default=None, description="๑.๑ การวิเคราะห์ความเสี่ยง (SWOT); ไม่มีก็ได้")
    rationale: list[Text] = Field(default=[], description="หลักการและเหตุผล (ย่อหน้า)")
    objectives: list[Entry] = Field(default=[], description="วัตถุประสงค์ของการจัดทำแผน")
    goals: list[Entry] = Field(default=[], description="เป้าหมาย")
    benefits: list[Entry] = Field(default=[], description="ประโยชน์ของการจัดทำแผน")


class Targets(Record):
    """๔ เป้าหมาย/ผลผลิต, as one list or split into เชิงปริมาณ / เชิงคุณภาพ."""

    def short(self) -> object:
        return self.items if not (self.quantitative or self.qualitative) else ...

    items: list[Entry] = []
    quantitative: list[Entry] = []
    qualitative: list[Entry] = []

    @model_validator(mode="after")
    def _something(self) -> "Targets":
        if not (self.items or self.quantitative or self.qualitative):
            raise RecordsValueError("targets_empty")
        return self


def _targets(value: object) -> object:
    return {"items": value} if isinstance(value, (list, str)) else value


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _month(value: object) -> object:
    text = str(value).strip()
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise RecordsValueError("detail_month_format", value=value)
    return f"{int(match.group(1))}-{int(match.group(2)):02d}"


Month = Annotated[str, BeforeValidator(_month)]


def _period(value: object) -> object:
    return {"text": value} if isinstance(value, (str, int)) and not isinstance(value, bool) else value


class Period(Record):
    """๗ ระยะเวลาดำเนินการ: first and last month, Buddhist era (2565-10), or text as written."""

    def short(self) -> object:
        return self.text if not self.months else ...

    start: Optional[Month] = Field(default=None, description="เดือนเริ่ม ปี พ.ศ.-เดือน เช่น 2564-10")
    end: Optional[Month] = Field(default=None, description="เดือนสิ้นสุด เช่น 2565-09")
    text: Optional[Text] = Field(
        default=None, description="ข้อความตามที่พิมพ์ เช่น ๒ เดือน ต่อ ๑ ครั้ง รวม ๖ ครั้ง (พิมพ์ต่อจากช่วงเดือน ถ้ามี)"
    )

    @property
    def start_ym(self) -> tuple[int, int]:
        y, m = self.start.split("-")
        return int(y), int(m)

    @property
    def end_ym(self) -> tuple[int, int]:
        y, m = self.end.split("-")
        return int(y), int(m)

    @property
    def months(self) -> bool:
        """True when the period names its months (start and end)."""
        return self.start is not None and self.end is not None

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if (self.start is None) != (self.end is None):
            raise RecordsValueError("period_needs_both")
        if self.start is None and self.text is None:
            raise RecordsValueError("period_needs_months_or_text")
        if self.months and self.end_ym < self.start_ym:
            raise RecordsValueError("period_reversed", start=self.start, end=self.end)
        return self


def _detail_budget(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return {"blank": True}
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return {"text": value}
    return value


def _lines(value: object) -> object:
    return [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value


#: one line of text, or several (each printed on its own line)
Lines = Annotated[list[Text], BeforeValidator(_lines, json_schema_input_type=Union[str, list[str]])]


class DetailBudget(Record):
    """๘ งบประมาณดำเนินการ as the detail sheet states it (checked against the matrix).

    Printed: ``text`` as written when given, nothing when ``blank``, else the
    amounts of the matrix (ปีละ …, รวม …); then ``note``.
    """

    ONE_AS_TEXT: ClassVar[frozenset[str]] = frozenset({"text"})

    def short(self) -> object:
        if self.blank:
            return ""
        if self.text and self == DetailBudget(text=self.text):
            return self.text[0] if len(self.text) == 1 else self.text
        return ...

    per_year: Amount = Field(default=None, description="จำนวนต่อปีตามที่รายละเอียดโครงการระบุ")
    total: Amount = Field(default=None, description="รวมทั้งแผนตามที่รายละเอียดโครงการระบุ")
    text: Lines = Field(
        default=[], description="ข้อความที่พิมพ์ตามที่เขียน (แทนยอดที่คำนวณ); เป็นตัวเลขล้วนจะตรวจกับตารางส่วนที่ ๒"
    )
    blank: bool = Field(default=False, description="true = หัวข้อ ๘ ว่างไว้ ไม่พิมพ์ยอดเงิน")
    note: Optional[Text] = Field(default=None, description="คำอธิบายเพิ่ม เช่น ๑๐ แห่งๆ ละ ๕๐,๐๐๐ บาท")

    @model_validator(mode="after")
    def _one_way(self) -> "DetailBudget":
        if self.blank and (self.text or self.note):
            raise RecordsValueError("blank_budget_with_text")
        return self

    @property
    def stated_amount(self) -> object:
        """Return the amount a one-line text states ("50,000 บาท"), else None."""
        if len(self.text) != 1:
            return None
        try:
            return parse_amount(self.text[0])
        except ValueError:
            return None


def _cell(value: object) -> object:
    return "" if value is None else str(value)


class Table(Record):
    """A simple table inside a ๖ step: the first row is the header, every row the same width."""

    def short(self) -> object:
        return self.rows

    rows: list[list[Annotated[str, BeforeValidator(_cell)]]] = Field(min_length=2)

    @model_validator(mode="after")
    def _even(self) -> "Table":
        width = len(self.rows[0])
        if not 1 <= width <= 8:
            raise RecordsValueError("table_width", width=width)
        for r, row in enumerate(self.rows[1:], 2):
            if len(row) != width:
                raise RecordsValueError("table_uneven", row=r, cells=len(row), width=width)
        return self


def _table(value: object) -> object:
    return {"rows": value} if isinstance(value, list) else value


def _step(value: object) -> object:
    return {"text": value} if isinstance(value, (str, int)) and not isinstance(value, bool) else value


class Step(Record):
    """A ๖ วิธีดำเนินการ step: text, an optional table (a committee), then sub-steps."""

    def short(self) -> object:
        return self.text if not (self.table or self.items) else ...

    text: Text
    table: Optional[Annotated[Table, BeforeValidator(_table, json_schema_input_type=Union[list[list[Union[str, int]]], Table])]] = Field(
        default=None, description="ตารางใต้ขั้นตอน: แถวแรกเป็นหัวตาราง เช่น [[ตำแหน่ง, จำนวน, หน้าที่], [...]]"
    )
    items: list[Entry] = []


class Detail(Record):
    """ส่วนที่ ๓: the ten-section detail sheet of one item."""

    ONE_AS_TEXT: ClassVar[frozenset[str]] = frozenset({"area", "responsible"})

    rationale: list[Text] = Field(min_length=1, description="๒ หลักการและเหตุผล (ย่อหน้า)")
    objectives: list[Entry] = Field(min_length=1, description="๓ วัตถุประสงค์")
    targets: Annotated[Targets, BeforeValidator(_targets)] = Field(description="๔ เป้าหมาย/ผลผลิต")
    area: Annotated[list[Entry], BeforeValidator(_lines, json_schema_input_type=Union[str, list[Entry]])] = Field(
        min_length=1, description="๕ พื้นที่ดำเนินการ: ข้อความ หรือรายการหลายแห่ง"
    )
    method: list[Annotated[Step, BeforeValidator(_step, json_schema_input_type=Union[str, Step])]] = Field(min_length=1, description="๖ วิธีดำเนินการ")
    period: Optional[Annotated[Period, BeforeValidator(_period, json_schema_input_type=Union[str, Period])]] = Field(
        default=None, description="๗ ระยะเวลา: {start, end}, ข้อความ หรือว่างไว้ = ตลอดแผน"
    )
    budget: Optional[Annotated[DetailBudget, BeforeValidator(_detail_budget, json_schema_input_type=Union[str, DetailBudget])]] = Field(
        default=None, description="๘ งบประมาณ: ข้อความตามที่เขียน, \"\" = ว่างไว้, ไม่ระบุ = ตามตารางส่วนที่ ๒"
    )
    responsible: Lines = Field(
        default=[], description="๙ ผู้รับผิดชอบ: ข้อความหรือหลายบรรทัด; ว่างไว้ = ชื่อเต็มของหน่วยงาน"
    )
    indicators: list[Entry] = Field(min_length=1, description="๑๐ ตัวชี้วัด/ผลลัพธ์")


def _unit_text(value: object) -> object:
    if isinstance(value, str) and "," in value:
        raise RecordsValueError("unit_with_comma", value=value)
    return value


UnitText = Annotated[Text, BeforeValidator(_unit_text)]


def _budget(value: object) -> object:
    if isinstance(value, dict):
        return {"years": value}
    return {"every_year": value}


class Budget(Record):
    """Budget per plan year; a single value in records means every year."""

    def short(self) -> object:
        return dict(self.years) if self.years else self.every_year

    every_year: Amount = None
    years: dict[int, Amount] = {}


class Item(Record):
    """A โครงการ, กิจกรรม, มาตรการ or แนวปฏิบัติงาน."""

    ONE_AS_TEXT: ClassVar[frozenset[str]] = frozenset({"unit"})

    kind: ItemKind
    name: Text = Field(description="ชื่อตามที่พิมพ์ เช่น โครงการรวมพลังสร้างเมืองสีขาว")
    unit: Annotated[list[UnitText], BeforeValidator(_lines, json_schema_input_type=Union[str, list[str]])] = Field(
        min_length=1,
        description="หน่วยงานรับผิดชอบ: ชื่อย่อใน units หรือข้อความ เช่น ทุกกอง/สำนัก; หลายหน่วยเป็นรายการ",
    )
    budget: Annotated[Budget, BeforeValidator(_budget)] = Field(
        default=Budget(), description="งบประมาณต่อปี {2565: 100000, 2566: '-'} หรือค่าเดียวทุกปี"
    )
    remarks: Optional[Text] = Field(default=None, description="หมายเหตุเพิ่มจากชื่อย่อหน่วยงาน")
    detail: Optional[Detail] = None

    def amount(self, year: int) -> object:
        """Return the budget for ``year``: baht, None or NOT_BUDGETED."""
        return self.budget.years.get(year, self.budget.every_year)


class Mission(Record):
    """ภารกิจตามมิติ; may hold third-level ภารกิจ (๓.๑.๑)."""

    number: Code = Field(
        default=None,
        description="เลขของภารกิจใต้มิติหรือภารกิจแม่ เช่น 2 (→ ๓.๒) หรือ 1.1 (→ ๓.๑.๑ โดยไม่มีหัวข้อ ๓.๑); ว่างไว้ = ตามลำดับ",
    )
    title: Text
    items: list[Item] = []
    missions: list["Mission"] = []


def mission_code(parent: tuple[int, ...], position: int, mission: Mission) -> tuple[int, ...]:
    """Return a ภารกิจ's code: its parent's, then its number (1.1 under มิติ 3: 3.1.1) or its position."""
    if mission.number:
        return parent + tuple(int(p) for p in mission.number.split("."))
    return parent + (position,)


class Dimension(Record):
    """มิติ."""

    number: Number = Field(default=None, description="เลขที่พิมพ์ (มิติที่ 3); ว่างไว้ = ตามลำดับ")
    title: Text
    missions: list[Mission] = Field(min_length=1)


class Layout(Record):
    """Choices about how the book is set."""

    digits: Literal["thai", "arabic"] = "thai"
    matrix_orientation: Literal["auto", "portrait", "landscape"] = "auto"
    #: the text size of the book's tables in pt (none: the book's default, 12 in dense tables)
    table_font_pt: Optional[Annotated[int, Field(ge=10, le=16, description="ขนาดอักษรในตาราง (pt)")]] = None


class AntiCorruptionPlan(Record):
    """A whole anti-corruption action plan book."""

    book: Literal["anticorruption"]
    organisation: Organisation
    plan: Plan
    layout: Layout = Layout()
    units: list[Unit] = Field(default=[], description="ชื่อย่อและชื่อเต็มของหน่วยงาน (ไม่มีก็ได้)")
    foreword: Optional[Foreword] = Field(default=None, description="คำนำ; ไม่มีก็ได้ (เล่มไม่มีหน้าคำนำ)")
    introduction: Optional[Introduction] = Field(default=None, description="ส่วนที่ ๑ บทนำ; ไม่มีก็ได้")
    dimensions: list[Dimension] = Field(min_length=1)

    def walk_items(self):
        """Yield (path, item) for every item, in book order."""
        for d, dim in enumerate(self.dimensions):
            yield from _walk_missions(dim.missions, ("dimensions", d))


def _walk_missions(missions: list[Mission], path: tuple):
    for m, mission in enumerate(missions):
        mpath = path + ("missions", m)
        for i, item in enumerate(mission.items):
            yield mpath + ("items", i), item
        yield from _walk_missions(mission.missions, mpath)
