"""The anti-corruption action plan as a Document: numbering, counts, totals, Thai digits.

Everything a reader counts or adds up in the printed book is computed here
from the records, once; the renderers never count.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property

from ...document import Cell, Document, Para, Section, Table, TocEntry
from .records import (
    KINDS,
    AntiCorruptionPlan,
    Dimension,
    Item,
    Mission,
    Period,
    Step,
    mission_code,
)
from .records import Table as StepTable
from ...records.common import ListEntry
from ...tablelayout import TABLE_LINE, TEXT_WIDTH_CM, fits, table_columns
from ...thai import DASH, NOT_BUDGETED, Numerals, baht_in_words
from ...view import common
from ...view.common import front_matter, head

SWOT_HEADERS = (
    ("จุดแข็ง (Strength)", "จุดอ่อน (Weakness)"),
    ("โอกาส (Opportunity)", "อุปสรรค (Threat)"),
)
#: ส่วนที่ ๒ tables: their text size unless the records' layout sets one (offices set
#: such tables at 14–15 pt) and cell padding
MATRIX_FONT_PT = 12.0
MATRIX_PADDING_PT = 2.0

SHEET_LABELS = (
    "ชื่อโครงการ/กิจกรรม/มาตรการ",
    "หลักการและเหตุผล/ที่มาของโครงการ",
    "วัตถุประสงค์",
    "เป้าหมาย/ผลผลิต",
    "พื้นที่ดำเนินการ",
    "วิธีดำเนินการ",
    "ระยะเวลาดำเนินการ",
    "งบประมาณดำเนินการ",
    "ผู้รับผิดชอบ",
    "ตัวชี้วัด/ผลลัพธ์",
)


@dataclass(frozen=True)
class NumberedItem:
    """An item with the numbers the book gives it."""

    item: Item
    seq: int  # ลำดับที่ over the whole book (ส่วนที่ ๓)
    local: int  # (๑), (๒)… within its ภารกิจ
    dimension_no: int
    mission_code: tuple[int, ...]  # (1, 2) for ๑.๒, (3, 1, 1) for ๓.๑.๑
    mission_title: str
    dimension_title: str


def number_items(plan: AntiCorruptionPlan) -> list[NumberedItem]:
    """Return every item in book order with its numbers."""
    out: list[NumberedItem] = []

    def walk(missions: list[Mission], code: tuple[int, ...], dim_no: int, dim: Dimension):
        for m, mission in enumerate(missions, 1):
            mcode = mission_code(code, m, mission)
            for local, item in enumerate(mission.items, 1):
                out.append(NumberedItem(item, len(out) + 1, local, dim_no, mcode, mission.title, dim.title))
            walk(mission.missions, mcode, dim_no, dim)

    for d, dim in enumerate(plan.dimensions, 1):
        walk(dim.missions, (dim.number or d,), dim.number or d, dim)
    return out


def count_by_kind(items: list[Item]) -> Counter:
    """Return how many items of each kind."""
    return Counter(item.kind for item in items)


def year_total(items: list[Item], year: int) -> int | None:
    """Return the baht of ``items`` in ``year``, or None when none has an amount."""
    amounts = [a for a in (i.amount(year) for i in items) if isinstance(a, int)]
    return sum(amounts) if amounts else None


def mission_items(mission: Mission) -> list[Item]:
    """Return the items of a ภารกิจ and of its sub-ภารกิจ."""
    items = list(mission.items)
    for sub in mission.missions:
        items += mission_items(sub)
    return items


def dimension_items(dim: Dimension) -> list[Item]:
    """Return every item of a มิติ."""
    return [i for m in dim.missions for i in mission_items(m)]


#: the parts ``planbook build --parts`` chooses from, in book order
PARTS = (
    common.Part("foreword", "คำนำ"),
    common.Part("introduction", "บทนำ", ("ส่วนที่ 1", "part1")),
    common.Part("matrix", "แผนปฏิบัติการ", ("ส่วนที่ 2", "part2")),
    common.Part("details", "รายละเอียดโครงการ", ("ส่วนที่ 3", "part3", "รายละเอียด")),
)


class AntiCorruptionView:
    """Builds the Document of one plan (of only some of its parts, when ``parts`` names them)."""

    def __init__(self, plan: AntiCorruptionPlan, thai_digits: bool | None = None, parts: tuple[str, ...] | None = None):
        self.plan = plan
        if thai_digits is None:
            thai_digits = plan.layout.digits == "thai"
        self.num = Numerals(thai_digits)
        self.years = plan.plan.years
        self.units = {u.abbr: u for u in plan.units}
        self.parts = set(parts if parts is not None else (p.key for p in PARTS))

    def has(self, part: str) -> bool:
        """Return whether the book prints ``part``: chosen, and in the records."""
        if part == "foreword":
            return part in self.parts and self.plan.foreword is not None
        if part == "introduction":
            return part in self.parts and bool(self.part1_sections())
        return part in self.parts

    # -- small formatters -------------------------------------------------
    def t(self, text: str) -> str:
        """Return record text with its digits in the book's style."""
        return self.num.digits(text)

    def code(self, parts: tuple[int, ...]) -> str:
        return ".".join(self.num.digits(p) for p in parts)

    def counts_text(self, items: list[Item]) -> str:
        """Return "๔ โครงการ ๓ กิจกรรม" (kinds with no item are left out)."""
        counts = count_by_kind(items)
        parts = [f"{self.num.digits(counts[k])} {k}" for k in KINDS if counts[k]]
        return " ".join(parts) if parts else DASH

    @property
    def years_label(self) -> str:
        return f"(พ.ศ. {self.num.year_range(self.years[0], self.years[-1])})"

    # -- document ---------------------------------------------------------
    def document(self) -> Document:
        plan = self.plan
        sections = [Section(tuple(self.front()), numbered=False)]
        if self.has("introduction"):
            sections.append(Section(tuple(self.part1())))
        if self.has("matrix"):
            sections.append(Section(tuple(self.part2()), orientation=self.matrix_orientation))
        if self.has("details"):
            sections.append(Section(tuple(self.part3())))
        return Document(
            title=f"{plan.plan.title} {self.years_label} {plan.organisation.name}",
            author=plan.organisation.name,
            thai_digits=self.num.thai,
            sections=tuple(sections),
        )

    @property
    def table_font_pt(self) -> float:
        return self.plan.layout.table_font_pt or MATRIX_FONT_PT

    @cached_property
    def matrix_orientation(self) -> str:
        """Return the orientation of ส่วนที่ ๒: portrait when its tables fit a portrait page readably.

        "Readably" (``tablelayout.fits``): every column gets its widest word
        or figure, and every text column 3 cm or its one-line width.
        """
        choice = self.plan.layout.matrix_orientation
        if choice != "auto":
            return choice
        width = TEXT_WIDTH_CM["portrait"]
        header, bodies = self.matrix_contents()
        ok = fits(len(header[0]), header, bodies, width, self.table_font_pt, MATRIX_PADDING_PT, self.year_columns(3))
        summary_header, summary_body = self.summary_contents()
        ok = ok and fits(2 + len(self.years), summary_header, summary_body, width, self.table_font_pt, MATRIX_PADDING_PT, self.year_columns(2))
        return "portrait" if ok else "landscape"

    def year_columns(self, first: int) -> tuple[tuple[int, ...]]:
        """Return the budget columns (from column ``first``), set one width."""
        return (tuple(range(first, first + len(self.years))),)

    def part2_table(self, columns, header, body, note=None) -> Table:
        """Return a ส่วนที่ ๒ table; its last row (รวม, รวมทั้งสิ้น) stays with a row above it, and
        ``note`` (the unit abbreviations) with it."""
        keep = (len(body) - 1,) + ((len(body),) if note else ())
        return Table(
            columns, header, body + ((note,) if note else ()), style="matrix", font_size_pt=self.table_font_pt,
            padding_pt=MATRIX_PADDING_PT, line_height=TABLE_LINE, keep_with_previous=keep,
        )

    def front(self):
        plan = self.plan
        cover = [plan.plan.title, self.years_label, f"ของ{plan.organisation.name}"]
        foreword = plan.foreword if self.has("foreword") else None
        toc = list(self.toc_entries())  # (an extract of the คำนำ alone has no สารบัญ)
        yield from front_matter(self.num, cover, plan.organisation, foreword, toc, contents=bool(toc))

    def toc_entries(self):
        if self.has("introduction"):
            yield TocEntry(1, "ส่วนที่ ๑ บทนำ" if self.num.thai else "ส่วนที่ 1 บทนำ", "part1")
            for i, (code, title, _) in enumerate(self.part1_sections(), 1):
                yield TocEntry(2, f"{code} {title}", f"part1-{i}")
        if self.has("matrix"):
            yield TocEntry(1, self.part2_heading, "part2")
            for d, dim in enumerate(self.plan.dimensions, 1):
                yield TocEntry(2, self.dimension_heading(d, dim), f"dim-{d}")
            yield TocEntry(2, self.summary_heading, "summary")
        if self.has("details"):
            yield TocEntry(1, self.part3_heading, "part3")

    # -- ส่วนที่ ๑ --------------------------------------------------------
    PART1_NAMES = {
        "swot": "การวิเคราะห์ความเสี่ยงในการเกิดการทุจริตในองค์กร",
        "rationale": "หลักการและเหตุผล",
        "objectives": "วัตถุประสงค์ของการจัดทำแผน",
        "goals": "เป้าหมาย",
        "benefits": "ประโยชน์ของการจัดทำแผน",
    }

    def part1_sections(self) -> list[tuple[str, str, str]]:
        """Return (code, title, field) of each ส่วนที่ ๑ section the records hold, numbered ๑.๑ … in order."""
        intro = self.plan.introduction
        if intro is None:
            return []
        present = [name for name in self.PART1_NAMES if getattr(intro, name)]
        return [(self.code((1, i)), self.PART1_NAMES[name], name) for i, name in enumerate(present, 1)]

    def part1(self):
        intro = self.plan.introduction
        yield Para(self.t("ส่วนที่ 1 บทนำ"), "part", anchor="part1")
        for i, (code, title, name) in enumerate(self.part1_sections(), 1):
            yield Para(f"{code} {title}", "h2", anchor=f"part1-{i}", keep_with_next=True)
            if name == "swot":
                swot = intro.swot
                for (left_head, right_head), left, right in zip(
                    SWOT_HEADERS, (swot.strengths, swot.opportunities), (swot.weaknesses, swot.threats)
                ):
                    yield self.two_lists_table(left_head, right_head, left, right)
            elif name == "rationale":
                for text in intro.rationale:
                    yield Para(self.t(text), "body")
            else:
                yield from self.entries(getattr(intro, name), lambda i: f"{self.num.digits(i)}.")

    def two_lists_table(self, left_head: str, right_head: str, left: list[str], right: list[str]) -> Table:
        header = ((Cell((Para(left_head, "cell-bold-center"),), shade=True), Cell((Para(right_head, "cell-bold-center"),), shade=True)),)
        rows = []
        for i in range(max(len(left), len(right))):
            row = []
            for side in (left, right):
                text = f"{self.num.digits(i + 1)}. {self.t(side[i])}" if i < len(side) else ""
                row.append(Cell((Para(text, "cell"),)))
            rows.append(tuple(row))
        half = TEXT_WIDTH_CM["portrait"] / 2
        return Table((half, half), header, tuple(rows), style="swot", font_size_pt=self.table_font_pt)

    def entries(self, items: list[ListEntry], numbering, level: int = 0):
        """Yield numbered list paragraphs; nested entries are numbered (๑), (๒)…"""
        return common.entries(self.num, items, numbering, level)

    # -- ส่วนที่ ๒ --------------------------------------------------------
    @property
    def part2_heading(self) -> str:
        return self.t("ส่วนที่ 2 ") + self.t(self.plan.plan.title)

    @property
    def part2_subheading(self) -> str:
        return f"โครงการ/กิจกรรม/มาตรการ และจำนวนงบประมาณที่ดำเนินการ {self.years_label}"

    @property
    def summary_heading(self) -> str:
        return "สรุปจำนวนโครงการ/กิจกรรม/มาตรการ และงบประมาณ ทุกมิติ"

    def dimension_heading(self, d: int, dim: Dimension) -> str:
        """Return "มิติที่ ๓ …": the มิติ's number, else its position ``d``."""
        return f"มิติที่ {self.num.digits(dim.number or d)} {self.t(dim.title)}"

    def part2(self):
        yield Para(self.part2_heading, "part", anchor="part2", keep_with_next=True)
        yield Para(self.part2_subheading, "center", keep_with_next=True)
        width = TEXT_WIDTH_CM[self.matrix_orientation]
        header, bodies = self.matrix_contents()
        # every มิติ table has the same columns, measured over all of them
        columns = table_columns(len(header[0]), header, bodies, width, self.table_font_pt, MATRIX_PADDING_PT, self.year_columns(3))
        for d, (dim, body) in enumerate(zip(self.plan.dimensions, self.matrix_bodies), 1):
            # a มิติ need not start a page: its heading stays with its table
            yield Para(self.dimension_heading(d, dim), "h2", anchor=f"dim-{d}", keep_with_next=True)
            yield self.part2_table(columns, header, body)
        yield Para(self.summary_heading, "h2", anchor="summary", keep_with_next=True)
        summary_header, summary_body = self.summary_contents()
        note = common.units_row(self.plan.units, self.t, 2 + len(self.years))
        columns = table_columns(2 + len(self.years), summary_header, summary_body, width, self.table_font_pt, MATRIX_PADDING_PT, self.year_columns(2))
        yield self.part2_table(columns, summary_header, summary_body, note)

    def matrix_contents(self) -> tuple[tuple, tuple]:
        """Return the matrix header rows and the body rows of every มิติ together."""
        row1, row2 = self.matrix_header("มิติ", "ภารกิจตามมิติ", "โครงการ/กิจกรรม/มาตรการ")
        row1.append(Cell((Para("หมายเหตุ", "cell-bold-center"),), rowspan=2, shade=True))
        return (tuple(row1), tuple(row2)), tuple(r for body in self.matrix_bodies for r in body)

    def matrix_header(self, first: str, second: str, third: str) -> tuple:
        row1 = [Cell((Para(first, "cell-bold-center"),), rowspan=2, shade=True)]
        if second:
            row1.append(Cell((Para(second, "cell-bold-center"),), rowspan=2, shade=True))
        row1.append(Cell((Para(third, "cell-bold-center"),), rowspan=2, shade=True))
        row1 += [head(f"ปี {self.num.digits(y)}") for y in self.years]
        row2 = [head("งบประมาณ (บาท)") for _ in self.years]
        return row1, row2

    @cached_property
    def matrix_bodies(self) -> list[tuple]:
        """Return the body rows of each มิติ table."""
        return [self.matrix_body(d, dim) for d, dim in enumerate(self.plan.dimensions, 1)]

    def matrix_body(self, d: int, dim: Dimension) -> tuple:
        """Return the rows of one มิติ: merged มิติ/ภารกิจ cells, items, a รวม row."""
        rows: list[list[Cell]] = []
        for m, mission in enumerate(dim.missions, 1):
            code = mission_code((dim.number or d,), m, mission)
            mission_rows = self.mission_rows(mission, code)
            mission_cell = Cell((Para(f"{self.code(code)} {self.t(mission.title)}", "cell"),), rowspan=len(mission_rows))
            mission_rows[0].insert(0, mission_cell)
            rows += mission_rows
        rows[0].insert(0, Cell((Para(f"{self.num.digits(dim.number or d)}. {self.t(dim.title)}", "cell"),), rowspan=len(rows)))

        items = dimension_items(dim)
        total = [Cell((Para("รวม", "cell-bold-center"),), colspan=2, shade=True), Cell((Para(self.counts_text(items), "cell-bold"),), shade=True)]
        total += [Cell((Para(self.num.money(year_total(items, y)), "cell-bold-right"),), shade=True) for y in self.years]
        total.append(Cell((Para("", "cell"),), shade=True))
        rows.append(total)
        return tuple(tuple(r) for r in rows)

    def mission_rows(self, mission: Mission, code: tuple[int, ...]) -> list[list[Cell]]:
        """Return the rows of a ภารกิจ without its own cell: items, sub-ภารกิจ, or "-"."""
        rows = [self.item_row(local, item) for local, item in enumerate(mission.items, 1)]
        for s, sub in enumerate(mission.missions, 1):
            sub_code = mission_code(code, s, sub)
            rows.append(self.blank_row(Para(f"{self.code(sub_code)} {self.t(sub.title)}", "cell-bold")))
            rows += self.mission_rows(sub, sub_code)
        if not rows:
            rows.append(self.blank_row(Para(DASH, "cell-center"), dash=True))
        return rows

    def blank_row(self, para: Para, dash: bool = False) -> list[Cell]:
        fill = DASH if dash else ""
        row = [Cell((para,))]
        row += [Cell((Para(fill, "cell-center"),)) for _ in self.years]
        row.append(Cell((Para("", "cell"),)))
        return row

    def item_row(self, local: int, item: Item) -> list[Cell]:
        row = [Cell((Para(f"({self.num.digits(local)}) {self.t(item.name)}", "cell"),))]
        for year in self.years:
            amount = item.amount(year)
            row.append(Cell((Para(self.num.money(amount if isinstance(amount, int) else None), "cell-right"),)))
        units = ", ".join(item.unit)
        remark = self.t(units if not item.remarks else f"{units} {item.remarks}")
        row.append(Cell((Para(remark, "cell-center"),)))
        return row

    def summary_contents(self) -> tuple[tuple, tuple]:
        """Return the header and body rows of the grand-total table over all มิติ."""
        row1, row2 = self.matrix_header("มิติ", "", "จำนวนโครงการ/กิจกรรม/มาตรการ")
        rows = []
        for d, dim in enumerate(self.plan.dimensions, 1):
            items = dimension_items(dim)
            row = [Cell((Para(self.dimension_heading(d, dim), "cell"),)), Cell((Para(self.counts_text(items), "cell"),))]
            row += [Cell((Para(self.num.money(year_total(items, y)), "cell-right"),)) for y in self.years]
            rows.append(tuple(row))
        every = [i for dim in self.plan.dimensions for i in dimension_items(dim)]
        total = [Cell((Para("รวมทั้งสิ้น", "cell-bold-center"),), shade=True), Cell((Para(self.counts_text(every), "cell-bold"),), shade=True)]
        total += [Cell((Para(self.num.money(year_total(every, y)), "cell-bold-right"),), shade=True) for y in self.years]
        rows.append(tuple(total))
        return (tuple(row1), tuple(row2)), tuple(rows)

    # -- ส่วนที่ ๓ --------------------------------------------------------
    @property
    def part3_heading(self) -> str:
        return self.t("ส่วนที่ 3 ") + "รายละเอียดโครงการ/กิจกรรม/มาตรการ ตามแผนปฏิบัติการฯ"

    def part3(self):
        yield Para(self.part3_heading, "part", anchor="part3")
        for n in number_items(self.plan):
            yield from self.sheet(n)

    def sheet(self, n: NumberedItem):
        item, detail = n.item, n.item.detail
        yield Para(f"ลำดับที่ {self.num.digits(n.seq)}", "sheet-no", anchor=f"item-{n.seq}", break_before=n.seq > 1, keep_with_next=True)
        context = f"มิติที่ {self.num.digits(n.dimension_no)} ภารกิจ {self.code(n.mission_code)}"
        yield Para(context, "sheet-context", keep_with_next=True)
        label = lambda k: Para(SHEET_LABELS[k - 1], "label", number=f"{self.num.digits(k)}.", keep_with_next=True)  # noqa: E731
        yield label(1)
        yield Para(self.t(item.name), "plain")
        if detail is None:
            yield Para("(ยังไม่มีรายละเอียดโครงการ)", "plain")
            return
        yield label(2)
        for text in detail.rationale:
            yield Para(self.t(text), "body")
        yield label(3)
        yield from self.section_entries(3, detail.objectives)
        yield label(4)
        targets = detail.targets
        numbered = len(targets.items) + len(targets.quantitative) + len(targets.qualitative) > 1
        yield from self.section_entries(4, targets.items, numbered=numbered)
        start = len(targets.items)
        for group, entries in (("เชิงปริมาณ", targets.quantitative), ("เชิงคุณภาพ", targets.qualitative)):
            if entries:
                yield Para(group, "group", keep_with_next=True)
                yield from self.section_entries(4, entries, start, numbered)
                start += len(entries)
        yield label(5)
        yield from self.section_entries(5, detail.area)
        yield label(6)
        yield from self.method(detail.method)
        yield label(7)
        for line in self.period_lines(detail.period):
            yield Para(line, "plain")
        yield label(8)
        stated = detail.budget
        if stated is None or not (stated.blank or stated.text):
            lines = self.budget_lines(item)
        else:
            lines = [self.t(line) for line in stated.text]
        for line in lines:
            yield Para(line, "plain")
        if stated and stated.note:
            yield Para(self.t(stated.note), "plain")
        yield label(9)
        for line in detail.responsible or [self.unit_name(u) for u in item.unit]:
            yield Para(self.t(line), "plain")
        yield label(10)
        yield from self.section_entries(10, detail.indicators)

    def unit_name(self, unit: str) -> str:
        """Return a unit's full name when ``unit`` is an abbreviation in units, else ``unit`` as written."""
        known = self.units.get(unit)
        return known.name if known else unit

    def method(self, steps: list[Step]):
        """Yield ๖ วิธีดำเนินการ: steps numbered ๖.๑ (one plain step unnumbered), each with its table."""
        numbered = len(steps) > 1 or any(s.items or s.table for s in steps)
        for i, step in enumerate(steps, 1):
            keep = step.table is not None  # a step stays with its table
            if numbered:
                yield Para(self.t(step.text), "item", number=self.code((6, i)), keep_with_next=keep)
            else:
                yield Para(self.t(step.text), "plain", keep_with_next=keep)
            if step.table:
                yield self.step_table(step.table)
            yield from self.entries(step.items, lambda j: f"({self.num.digits(j)})", level=1)

    def step_table(self, table: StepTable) -> Table:
        """Return a table inside a ๖ step: its first row the header, a sheet's width."""
        header = (tuple(head(self.t(text)) for text in table.rows[0]),)
        body = tuple(tuple(Cell((Para(self.t(text), "cell"),)) for text in row) for row in table.rows[1:])
        width = TEXT_WIDTH_CM["portrait"]
        columns = table_columns(len(table.rows[0]), header, body, width, self.plan.layout.table_font_pt or 14.0, 3.0)
        return Table(columns, header, body, style="grid", font_size_pt=self.plan.layout.table_font_pt)

    def section_entries(self, k: int, entries: list[ListEntry], start: int = 0, numbered: bool | None = None):
        """Yield a sheet section's entries: one entry plain, several numbered k.1, k.2…"""
        if numbered is None:
            numbered = len(entries) > 1 or any(e.items for e in entries)
        if not numbered:
            for entry in entries:
                yield Para(self.t(entry.text), "plain")
            return
        yield from self.entries(entries, lambda i: self.code((k, start + i)))

    def period_lines(self, period: Period | None) -> list[str]:
        """Return ๗ ระยะเวลาดำเนินการ: the months (when the records name them), then the text as written."""
        if period is not None and not period.months:
            return [self.t(period.text)]
        lines = [self.period_text(period)]
        if period is not None and period.text:
            lines.append(self.t(period.text))
        return lines

    def period_text(self, period: Period | None) -> str:
        """Return ๗ ระยะเวลาดำเนินการ: whole fiscal years or a month range."""
        if period is None:
            return f"ปีงบประมาณ พ.ศ. {self.num.year_range(self.years[0], self.years[-1])}"
        (sy, sm), (ey, em) = period.start_ym, period.end_ym
        if sm == 10 and em == 9:
            return f"ปีงบประมาณ พ.ศ. {self.num.year_range(sy + 1, ey)}"
        return f"{self.num.month_year(sy, sm)} {chr(0x2013)} {self.num.month_year(ey, em)}"

    def budget_lines(self, item: Item) -> list[str]:
        """Return ๘ งบประมาณดำเนินการ, from the same amounts as the matrix."""
        amounts = {y: item.amount(y) for y in self.years}
        money = {y: a for y, a in amounts.items() if isinstance(a, int)}
        if not money:
            return [NOT_BUDGETED if NOT_BUDGETED in amounts.values() else DASH]
        total = sum(money.values())
        if len(money) == len(self.years) and len(set(money.values())) == 1:
            lines = [f"ปีละ {self.num.number(next(iter(money.values())))} บาท"]
        else:
            lines = []
            for y, a in amounts.items():
                shown = f"{self.num.number(a)} บาท" if isinstance(a, int) else (NOT_BUDGETED if a == NOT_BUDGETED else DASH)
                lines.append(f"ปี {self.num.digits(y)} {shown}")
        lines.append(f"รวม {self.num.number(total)} บาท ({baht_in_words(total)})")
        return lines


def build_document(plan: AntiCorruptionPlan, thai_digits: bool | None = None, parts: tuple[str, ...] | None = None) -> Document:
    """Return the Document of an anti-corruption plan, or of the ``parts`` (keys of PARTS) chosen."""
    return AntiCorruptionView(plan, thai_digits, parts).document()
