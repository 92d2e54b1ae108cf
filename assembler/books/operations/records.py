"""Records of the annual operational plan (แผนดำเนินงาน, forms ผด.01 and ผด.02).

Glossary (Thai term → field):
    ปีงบประมาณ → fiscal_year             ส่วนที่ ๑ บทนำ → introduction
    ยุทธศาสตร์ → strategies              วัตถุประสงค์ของยุทธศาสตร์ → objective
    แนวทางการพัฒนา / แผนงาน → plans (kind)
    โครงการ → projects                   รายละเอียดของกิจกรรม (ผลผลิต) → details
    งบประมาณ → budget                    พื้นที่ (สถานที่ดำเนินการ) → area
    หน่วยดำเนินการ → units (abbreviations from the top-level units)
    ระยะเวลา (ต.ค.–ก.ย.) → schedule      กิจกรรมย่อย (1.1, 1.2) → activities
    แหล่งงบประมาณ → funding

Counts, percentages, sums and ลำดับที่ are computed by the view model.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Optional

from pydantic import BeforeValidator, Field, model_validator

from ...messages import RecordsValueError
from ...records.common import Amount, Entry, Foreword, Number, Organisation, Record, Text, Unit
from ...records.months import Month, month_text

PlanKind = Literal["แนวทางการพัฒนา", "แผนงาน"]

class ScheduleEntry(Record):
    """One dated activity: a month range within the fiscal year, or a single month."""

    def short(self) -> object:
        out = {"start": month_text(self.start)}
        if self.end:
            out["end"] = month_text(self.end)
        if self.label:
            out["label"] = self.label
        return out

    start: Month
    end: Optional[Month] = None
    label: Optional[Text] = Field(
        default=None, description="ชื่อช่วงกิจกรรม: พิมพ์เป็นบรรทัดของตัวเองในรายละเอียด โดยมีแถบของช่วงนี้ในบรรทัดนั้น"
    )

    @property
    def last(self) -> str:
        return self.end or self.start

    # (whether the months run forward within the fiscal year is checked with the
    # fiscal year: records.structural_problems)


def _schedule(value: object) -> object:
    if isinstance(value, (dict, str, int)):
        value = [value]
    if isinstance(value, list):
        return [{"start": v} if isinstance(v, (str, int)) else v for v in value]
    return value


Schedule = Annotated[list[ScheduleEntry], BeforeValidator(_schedule)]


def _units(value: object) -> object:
    return [value] if isinstance(value, str) else value


def _detail_line(value: object) -> object:
    return {"text": value} if isinstance(value, (str, int)) and not isinstance(value, bool) else value


class DetailLine(Record):
    """A line of รายละเอียดของกิจกรรม: its text, the steps under it, and its own schedule (a bar on its line)."""

    def short(self) -> object:
        return self.text if not self.items and not self.schedule else ...

    text: Text
    items: list["DetailEntry"] = Field(default=[], description="ขั้นตอนย่อยใต้ข้อนี้ (พิมพ์ 1. 2. …)")
    schedule: Schedule = Field(default=[], description="ช่วงเดือนของข้อนี้ (แถบในบรรทัดของข้อนี้)")


DetailEntry = Annotated[DetailLine, BeforeValidator(_detail_line)]
DetailLine.model_rebuild()


def scheduled_lines(details: list[DetailLine]) -> bool:
    """Return whether any detail line, at any depth, carries its own schedule."""
    return any(d.schedule or scheduled_lines(d.items) for d in details)


class Activity(Record):
    """A sub-activity (1.1, 1.2) with its own budget and schedule."""

    name: Text
    details: list[DetailEntry] = []
    budget: Amount = None
    area: Optional[Text] = None
    units: Annotated[list[Text], BeforeValidator(_units)] = []
    schedule: Schedule = []

    @model_validator(mode="after")
    def _scheduled(self) -> "Activity":
        if not self.schedule and not scheduled_lines(self.details):
            raise RecordsValueError("activity_unscheduled")
        return self


class Project(Record):
    """A โครงการ of ผด.02."""

    name: Text
    details: list[DetailEntry] = Field(
        default=[], description="รายละเอียดของกิจกรรม (ผลผลิต): ข้อความ หรือ {text, items, schedule}"
    )
    budget: Amount = Field(default=None, description="งบประมาณ; มีกิจกรรมย่อยแล้วต้องเท่าผลรวม (หรือเว้นไว้)")
    area: Text = Field(description="พื้นที่ (สถานที่ดำเนินการ)")
    units: Annotated[list[Text], BeforeValidator(_units)] = Field(
        min_length=1, description="หน่วยดำเนินการ: ชื่อย่อใน units หรือข้อความ เช่น ทุกกอง/สำนัก"
    )
    schedule: Schedule = Field(default=[], description="ช่วงเดือนที่ดำเนินการ")
    activities: list[Activity] = Field(default=[], description="กิจกรรมย่อย 1.1, 1.2 …")
    funding: Optional[Text] = Field(default=None, description="แหล่งงบประมาณ เช่น เงินอุดหนุนทั่วไป")

    @model_validator(mode="after")
    def _scheduled(self) -> "Project":
        if not self.schedule and not self.activities and not scheduled_lines(self.details):
            raise RecordsValueError("project_unscheduled")
        return self


class SubPlan(Record):
    """แนวทางย่อย (3.5 …) under a แนวทางการพัฒนา/แผนงาน, with its own ผด.02 table."""

    number: Number = Field(default=None, description="เลขใต้แนวทาง (3.5 → 5); ว่างไว้ = ตามลำดับ")
    title: Text
    projects: list[Project] = Field(min_length=1)


class PlanGroup(Record):
    """แนวทางการพัฒนา or แผนงาน under a ยุทธศาสตร์: its projects, or แนวทางย่อย holding them."""

    kind: PlanKind = "แนวทางการพัฒนา"
    number: Number = Field(default=None, description="เลขที่พิมพ์ (แนวทางการพัฒนาที่ 3); ว่างไว้ = ตามลำดับ")
    title: Text
    projects: list[Project] = []
    plans: list[SubPlan] = Field(default=[], description="แนวทางย่อย (3.5 …) แต่ละข้อมีโครงการของตน")

    @model_validator(mode="after")
    def _one_level(self) -> "PlanGroup":
        if bool(self.projects) == bool(self.plans):
            raise RecordsValueError("plan_projects_or_subplans")
        return self


class SubHeading(Record):
    """A numbered sub-heading of a ยุทธศาสตร์ (5.1 …), printed between it and its objective."""

    number: Number = Field(default=None, description="เลขใต้ยุทธศาสตร์ (5.1 → 1); ว่างไว้ = ตามลำดับ")
    title: Text
    objective: Optional[Text] = Field(default=None, description="วัตถุประสงค์ของหัวข้อนี้ (พิมพ์ต่อจากวัตถุประสงค์ของยุทธศาสตร์)")
    plans: list[PlanGroup] = Field(min_length=1)


class Strategy(Record):
    """ยุทธศาสตร์ with its objective: its แนวทาง/แผนงาน, or sub-headings holding them."""

    number: Number = Field(default=None, description="เลขที่พิมพ์ (ยุทธศาสตร์ที่ 5); ว่างไว้ = ตามลำดับ")
    title: Text
    objective: Optional[Text] = Field(default=None, description="วัตถุประสงค์ของยุทธศาสตร์")
    plans: list[PlanGroup] = []
    subheadings: list[SubHeading] = Field(default=[], description="หัวข้อย่อยของยุทธศาสตร์ (5.1 …) แต่ละข้อมีแนวทางของตน")

    @model_validator(mode="after")
    def _one_level(self) -> "Strategy":
        if bool(self.plans) == bool(self.subheadings):
            raise RecordsValueError("strategy_plans_or_subheadings")
        return self


@dataclass(frozen=True)
class Branch:
    """One ผด.02 table: a แนวทาง/แผนงาน (or แนวทางย่อย) holding projects, and the headings above it.

    Positions count from 1 within their parent list; a heading prints its
    record's ``number`` when it has one, else its position.
    """

    path: tuple  # of the record holding ``projects``
    strategy: tuple[int, Strategy]
    subheading: tuple[int, SubHeading] | None
    group: tuple[int, PlanGroup]
    subplan: tuple[int, SubPlan] | None

    @property
    def projects(self) -> list[Project]:
        return (self.subplan or self.group)[1].projects


class IntroSection(Record):
    """A headed section of ส่วนที่ ๑ บทนำ."""

    title: Text
    paragraphs: list[Text] = []
    items: list[Entry] = []


class Layout(Record):
    """Choices about how the book is set."""

    digits: Literal["thai", "arabic"] = "thai"
    #: the text size of the book's tables in pt (none: the book's default, 12 in dense tables)
    table_font_pt: Optional[Annotated[int, Field(ge=10, le=16, description="ขนาดอักษรในตาราง (pt)")]] = None


class OperationsPlan(Record):
    """A whole annual operational plan book for one fiscal year."""

    book: Literal["operations"]
    organisation: Organisation
    fiscal_year: Annotated[int, Field(ge=2500, le=2700, description="ปีงบประมาณ พ.ศ.")]
    title: Text = "แผนดำเนินงาน"
    layout: Layout = Layout()
    units: list[Unit] = Field(default=[], description="ชื่อย่อและชื่อเต็มของหน่วยงาน (ไม่มีก็ได้)")
    foreword: Optional[Foreword] = Field(default=None, description="คำนำ; ไม่มีก็ได้ (เล่มไม่มีหน้าคำนำ)")
    introduction: list[IntroSection] = Field(default=[], description="ส่วนที่ 1 บทนำ; ไม่มีก็ได้")
    strategies: list[Strategy] = Field(min_length=1)

    def groups(self, s: int):
        """Yield (path, sub-heading (position, record) or None, position, แนวทาง/แผนงาน) of strategy ``s`` (0-based)."""
        strategy = self.strategies[s]
        for g, group in enumerate(strategy.plans):
            yield ("strategies", s, "plans", g), None, g + 1, group
        for h, sub in enumerate(strategy.subheadings):
            for g, group in enumerate(sub.plans):
                yield ("strategies", s, "subheadings", h, "plans", g), (h + 1, sub), g + 1, group

    def branches(self):
        """Yield every ผด.02 table's Branch, in book order."""
        for s, strategy in enumerate(self.strategies):
            for path, sub, g, group in self.groups(s):
                if not group.plans:
                    yield Branch(path, (s + 1, strategy), sub, (g, group), None)
                for p, subplan in enumerate(group.plans):
                    yield Branch(path + ("plans", p), (s + 1, strategy), sub, (g, group), (p + 1, subplan))

    def walk_projects(self):
        """Yield (path, project) for every project, in book order."""
        for branch in self.branches():
            for p, project in enumerate(branch.projects):
                yield branch.path + ("projects", p), project

    def walk_schedules(self):
        """Yield (path, schedule) for every schedule: projects', sub-activities' and detail lines'."""

        def lines(path, details):
            for d, line in enumerate(details):
                if line.schedule:
                    yield path + (d, "schedule"), line.schedule
                yield from lines(path + (d, "items"), line.items)

        for path, project in self.walk_projects():
            for rpath, record in [(path, project)] + [(path + ("activities", a), act) for a, act in enumerate(project.activities)]:
                if record.schedule:
                    yield rpath + ("schedule",), record.schedule
                yield from lines(rpath + ("details",), record.details)
