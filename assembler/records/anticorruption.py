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
from typing import Annotated, Literal, Optional

from pydantic import BeforeValidator, Field, model_validator

from ..messages import RecordsValueError
from .common import Amount, Code, Entry, Foreword, Number, Organisation, Record, Text, Unit

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
    """ส่วนที่ ๑ บทนำ."""

    swot: Swot
    rationale: list[Text] = Field(min_length=1, description="๑.๒ หลักการและเหตุผล (ย่อหน้า)")
    objectives: list[Entry] = Field(min_length=1, description="๑.๓ วัตถุประสงค์ของการจัดทำแผน")
    goals: list[Entry] = Field(min_length=1, description="๑.๔ เป้าหมาย")
    benefits: list[Entry] = Field(min_length=1, description="๑.๕ ประโยชน์ของการจัดทำแผน")


class Targets(Record):
    """๔ เป้าหมาย/ผลผลิต, as one list or split into เชิงปริมาณ / เชิงคุณภาพ."""

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


class Period(Record):
    """๗ ระยะเวลาดำเนินการ: first and last month, Buddhist era (2565-10)."""

    start: Month
    end: Month

    @property
    def start_ym(self) -> tuple[int, int]:
        y, m = self.start.split("-")
        return int(y), int(m)

    @property
    def end_ym(self) -> tuple[int, int]:
        y, m = self.end.split("-")
        return int(y), int(m)

    @model_validator(mode="after")
    def _ordered(self) -> "Period":
        if self.end_ym < self.start_ym:
            raise RecordsValueError("period_reversed", start=self.start, end=self.end)
        return self


class DetailBudget(Record):
    """๘ งบประมาณดำเนินการ as the detail sheet states it (checked against the matrix)."""

    per_year: Amount = Field(default=None, description="จำนวนต่อปีตามที่รายละเอียดโครงการระบุ")
    total: Amount = Field(default=None, description="รวมทั้งแผนตามที่รายละเอียดโครงการระบุ")
    note: Optional[Text] = Field(default=None, description="คำอธิบายเพิ่ม เช่น ๑๐ แห่งๆ ละ ๕๐,๐๐๐ บาท")


class Detail(Record):
    """ส่วนที่ ๓: the ten-section detail sheet of one item."""

    rationale: list[Text] = Field(min_length=1, description="๒ หลักการและเหตุผล (ย่อหน้า)")
    objectives: list[Entry] = Field(min_length=1, description="๓ วัตถุประสงค์")
    targets: Annotated[Targets, BeforeValidator(_targets)] = Field(description="๔ เป้าหมาย/ผลผลิต")
    area: Text = Field(description="๕ พื้นที่ดำเนินการ")
    method: list[Entry] = Field(min_length=1, description="๖ วิธีดำเนินการ")
    period: Optional[Period] = Field(default=None, description="๗ ระยะเวลา; ว่างไว้ = ตลอดแผน")
    budget: Optional[DetailBudget] = Field(default=None, description="๘ งบประมาณ; ว่างไว้ = ตามตารางส่วนที่ ๒")
    responsible: Optional[Text] = Field(default=None, description="๙ ผู้รับผิดชอบ; ว่างไว้ = ชื่อเต็มของหน่วยงาน")
    indicators: list[Entry] = Field(min_length=1, description="๑๐ ตัวชี้วัด/ผลลัพธ์")


def _budget(value: object) -> object:
    if isinstance(value, dict):
        return {"years": value}
    return {"every_year": value}


class Budget(Record):
    """Budget per plan year; a single value in records means every year."""

    every_year: Amount = None
    years: dict[int, Amount] = {}


class Item(Record):
    """A โครงการ, กิจกรรม, มาตรการ or แนวปฏิบัติงาน."""

    kind: ItemKind
    name: Text = Field(description="ชื่อตามที่พิมพ์ เช่น โครงการรวมพลังสร้างเมืองสีขาว")
    unit: Text = Field(description="ชื่อย่อหน่วยงานรับผิดชอบ (ต้องมีใน units)")
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
    units: list[Unit] = Field(min_length=1)
    foreword: Foreword
    introduction: Introduction
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
