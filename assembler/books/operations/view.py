"""The annual operational plan as a Document: ผด.01 figures, ผด.02 rows and bars, digits.

Project counts, percentages that add up to 100, budget sums (a parent is the
sum of its sub-activities), ลำดับที่ and the months each bar covers are all
computed here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from ...document import Cell, Document, Para, Section, Table, TocEntry
from .records import (
    Activity,
    OperationsPlan,
    PlanGroup,
    Project,
    ScheduleEntry,
    Strategy,
    SubHeading,
    SubPlan,
)
from ...records.months import fiscal_index
from ...tablelayout import PT_PER_CM, TABLE_LINE, TEXT_WIDTH_CM, Measure, shortest_rows, table_columns
from ...thai import FISCAL_MONTHS, MONTHS_ABBR, Numerals
from ...view import common
from ...view.common import cell, head

#: ผด.02 text size unless the records' layout sets one, and its cell padding
SCHEDULE_FONT_PT = 12.0
SCHEDULE_PADDING_PT = 1.5
#: ผด.01 (and the default for every table of an operational plan)
TABLE_FONT_PT = 14.0
TABLE_PADDING_PT = 3.0
#: a ผด.02 row of more lines than this may split across pages in the layout that
#: measures the rows (render/pages.py): WeasyPrint mislays a table whose
#: unsplittable row does not fit under its repeated header
KEEP_ROW_LINES = 20


def project_budget(project: Project) -> int | None:
    """Return a project's budget: the sum of its sub-activities when it has them."""
    if project.activities:
        amounts = [a.budget for a in project.activities if isinstance(a.budget, int)]
        return sum(amounts) if amounts else None
    return project.budget if isinstance(project.budget, int) else None


def bar_months(schedule: list[ScheduleEntry]) -> list[str]:
    """Return, for each fiscal month (ต.ค. … ก.ย.), its bar part: "", start, mid, end or single."""
    marks = [""] * 12
    for entry in schedule:
        first, last = fiscal_index(entry.start), fiscal_index(entry.last)
        for i in range(first, last + 1):
            part = "single" if first == last else "start" if i == first else "end" if i == last else "mid"
            # overlapping entries join into one bar
            if marks[i] and marks[i] != part:
                part = "mid"
            marks[i] = part
    return marks


def estimated_lines(row: tuple[Cell, ...], columns: tuple[float, ...], measure: Measure) -> int:
    """Return about how many lines the tallest cell of a ผด.02 row takes at ``columns`` (cm)."""
    tallest = 0
    for column, width in zip(row, columns):
        room = max(1.0, width * PT_PER_CM - measure.extra_pt)
        lines = sum(max(1, math.ceil(measure.para_widths(p)[1] / room)) for p in column.paras)
        tallest = max(tallest, lines)
    return tallest


def shares(values: list[int], places: int = 2) -> list[Decimal]:
    """Return each value's percentage of the total, rounded so they add up to exactly 100.

    Largest-remainder rounding: round every share down, then give the units
    left over to the shares that lost the most.
    """
    total = sum(values)
    if total == 0:
        return [Decimal(0)] * len(values)
    unit = Decimal(1).scaleb(-places)
    exact = [Decimal(v) * 100 / total for v in values]
    floors = [e.quantize(unit, rounding=ROUND_DOWN) for e in exact]
    left = int((Decimal(100) - sum(floors)) / unit)
    order = sorted(range(len(values)), key=lambda i: (exact[i] - floors[i], -i), reverse=True)
    for i in order[:left]:
        floors[i] += unit
    return floors


@dataclass(frozen=True)
class PlanFigures:
    """ผด.01 figures of one แนวทาง/แผนงาน."""

    projects: int
    budget: int
    project_share: Decimal
    budget_share: Decimal
    units: tuple[str, ...]


def group_projects(group: PlanGroup) -> list[Project]:
    """Return a แนวทาง/แผนงาน's projects, with those of its แนวทางย่อย."""
    return group.projects + [p for sub in group.plans for p in sub.projects]


def plan_figures(plan: OperationsPlan) -> list[list[PlanFigures]]:
    """Return the ผด.01 figures per ยุทธศาสตร์, per แนวทาง/แผนงาน (in the order of plan.groups)."""
    per_strategy = [[group for _, _, _, group in plan.groups(s)] for s in range(len(plan.strategies))]
    groups = [g for strategy_groups in per_strategy for g in strategy_groups]
    counts = [len(group_projects(g)) for g in groups]
    budgets = [sum(project_budget(p) or 0 for p in group_projects(g)) for g in groups]
    count_shares, budget_shares = shares(counts), shares(budgets)
    figures = []
    for g, group in enumerate(groups):
        units: list[str] = []
        for project in group_projects(group):
            for unit in project.units + [u for a in project.activities for u in a.units]:
                if unit not in units:
                    units.append(unit)
        figures.append(PlanFigures(counts[g], budgets[g], count_shares[g], budget_shares[g], tuple(units)))
    out, i = [], 0
    for strategy_groups in per_strategy:
        out.append(figures[i : i + len(strategy_groups)])
        i += len(strategy_groups)
    return out


#: the parts ``planbook build --parts`` chooses from, in book order
PARTS = (
    common.Part("foreword", "คำนำ"),
    common.Part("introduction", "บทนำ", ("ส่วนที่ 1", "part1")),
    common.Part("summary", "ผด.01", ("ส่วนที่ 2", "part2", "pd01", "บัญชีสรุปจำนวนโครงการและงบประมาณ")),
    common.Part("schedule", "ผด.02", ("ส่วนที่ 3", "part3", "pd02", "บัญชีโครงการ/กิจกรรม/งบประมาณ")),
)


class OperationsView:
    """Builds the Document of one operational plan (of only some of its parts, when ``parts`` names them)."""

    def __init__(self, plan: OperationsPlan, thai_digits: bool | None = None, parts: tuple[str, ...] | None = None):
        self.plan = plan
        if thai_digits is None:
            thai_digits = plan.layout.digits == "thai"
        self.num = Numerals(thai_digits)
        self.fy = plan.fiscal_year
        self.parts = set(parts if parts is not None else (p.key for p in PARTS))

    def has(self, part: str) -> bool:
        """Return whether the book prints ``part``: chosen, and in the records."""
        present = {"foreword": self.plan.foreword is not None, "introduction": bool(self.plan.introduction)}
        return part in self.parts and present.get(part, True)

    def t(self, text: str) -> str:
        return self.num.digits(text)

    @property
    def table_font_pt(self) -> float:
        return self.plan.layout.table_font_pt or TABLE_FONT_PT

    @property
    def schedule_font_pt(self) -> float:
        return self.plan.layout.table_font_pt or SCHEDULE_FONT_PT

    def percent(self, value: Decimal) -> str:
        return self.num.digits(f"{value:.2f}")

    # -- headings ---------------------------------------------------------
    @property
    def year_label(self) -> str:
        return f"ประจำปีงบประมาณ พ.ศ. {self.num.digits(self.fy)}"

    def part_heading(self, n: int, title: str) -> str:
        return f"ส่วนที่ {self.num.digits(n)} {title}"

    # s and g are positions (1, 2 …): a heading prints its record's number, else its position
    def strategy_heading(self, s: int, strategy: Strategy) -> str:
        return f"ยุทธศาสตร์ที่ {self.num.digits(strategy.number or s)} {self.t(strategy.title)}"

    def group_heading(self, g: int, group: PlanGroup) -> str:
        if group.kind == "แผนงาน":
            title = group.title if group.title.startswith("แผนงาน") else f"แผนงาน{group.title}"
            return self.t(title)
        return f"{group.kind}ที่ {self.num.digits(group.number or g)} {self.t(group.title)}"

    def subheading_code(self, s: int, strategy: Strategy, sub: tuple[int, SubHeading] | None) -> str:
        """Return the code of a ยุทธศาสตร์'s sub-heading (5.1), or the ยุทธศาสตร์'s number when there is none."""
        code = self.num.digits(strategy.number or s)
        return f"{code}.{self.num.digits(sub[1].number or sub[0])}" if sub else code

    def subheading_heading(self, s: int, strategy: Strategy, sub: tuple[int, SubHeading]) -> str:
        return f"{self.subheading_code(s, strategy, sub)} {self.t(sub[1].title)}"

    def group_code(self, s: int, strategy: Strategy, g: int, group: PlanGroup, sub=None) -> str:
        """Return the ผด.01 code of a แนวทาง/แผนงาน: 5.3 (its ยุทธศาสตร์'s number, then its own), 5.1.3 under a sub-heading."""
        return f"{self.subheading_code(s, strategy, sub)}.{self.num.digits(group.number or g)}"

    def subplan_heading(self, g: int, group: PlanGroup, p: int, subplan: SubPlan) -> str:
        """Return a แนวทางย่อย's heading: "3.5 …" (its แนวทาง's number, then its own)."""
        return f"{self.num.digits(group.number or g)}.{self.num.digits(subplan.number or p)} {self.t(subplan.title)}"

    SUMMARY_TITLE = "บัญชีสรุปจำนวนโครงการและงบประมาณ"
    SCHEDULE_TITLE = "บัญชีโครงการ/กิจกรรม/งบประมาณ"

    def document(self) -> Document:
        plan = self.plan
        sections = [Section(tuple(self.front()), numbered=False)]
        if self.has("introduction"):
            sections.append(Section(tuple(self.introduction())))
        if self.has("summary"):
            sections.append(Section(tuple(self.summary_part()), orientation="landscape", running_head=self.t("แบบ ผด.01")))
        if self.has("schedule"):
            sections.append(Section(tuple(self.schedule_part()), orientation="landscape", running_head=self.t("แบบ ผด.02")))
        return Document(
            title=f"{plan.title} {self.year_label} {plan.organisation.name}",
            author=plan.organisation.name,
            thai_digits=self.num.thai,
            sections=tuple(sections),
        )

    def front(self):
        plan = self.plan
        cover = [plan.title, self.year_label, f"ของ{plan.organisation.name}"]
        foreword = plan.foreword if self.has("foreword") else None
        toc = list(self.toc_entries())  # (an extract of the คำนำ alone has no สารบัญ)
        yield from common.front_matter(self.num, cover, plan.organisation, foreword, toc, contents=bool(toc))

    def toc_entries(self):
        if self.has("introduction"):
            yield TocEntry(1, self.part_heading(1, "บทนำ"), "part1")
            for i, section in enumerate(self.plan.introduction, 1):
                yield TocEntry(2, f"{self.num.digits(1)}.{self.num.digits(i)} {self.t(section.title)}", f"intro-{i}")
        if self.has("summary"):
            yield TocEntry(1, self.part_heading(2, f"{self.SUMMARY_TITLE} (แบบ ผด.01)"), "part2")
        if self.has("schedule"):
            yield TocEntry(1, self.part_heading(3, f"{self.SCHEDULE_TITLE} (แบบ ผด.02)"), "part3")
            for s, strategy in enumerate(self.plan.strategies, 1):
                yield TocEntry(2, self.strategy_heading(s, strategy), f"strategy-{s}")

    # -- ส่วนที่ ๑ ---------------------------------------------------------
    def introduction(self):
        yield Para(self.part_heading(1, "บทนำ"), "part", anchor="part1")
        for i, section in enumerate(self.plan.introduction, 1):
            title = f"{self.num.digits(1)}.{self.num.digits(i)} {self.t(section.title)}"
            yield Para(title, "h2", anchor=f"intro-{i}", keep_with_next=True)
            for text in section.paragraphs:
                yield Para(self.t(text), "body")
            yield from common.entries(self.num, section.items, lambda j: f"{self.num.digits(j)}.")

    # -- ส่วนที่ ๒ ผด.01 ----------------------------------------------------
    def summary_part(self):
        yield Para(self.part_heading(2, self.SUMMARY_TITLE), "part", anchor="part2")
        yield Para(f"{self.year_label} {self.t(self.plan.organisation.name)}", "center")
        yield self.summary_table()

    def summary_table(self) -> Table:
        header = (
            head("ยุทธศาสตร์/แนวทางการพัฒนา"),
            head("จำนวนโครงการที่ดำเนินการ"),
            head("คิดเป็นร้อยละของโครงการทั้งหมด"),
            head("จำนวนงบประมาณ (บาท)"),
            head("คิดเป็นร้อยละของงบประมาณทั้งหมด"),
            head("หน่วยดำเนินการ"),
        )
        rows, keep = [], []  # rows kept with the row above: a heading's first row, รวม rows
        figures = plan_figures(self.plan)
        for s, (strategy, groups) in enumerate(zip(self.plan.strategies, figures), 1):
            rows.append((cell(self.strategy_heading(s, strategy), "cell-bold", colspan=6),))
            keep.append(len(rows))
            last_sub = None
            for (_, sub, g, group), fig in zip(self.plan.groups(s - 1), groups):
                if sub and sub != last_sub:
                    keep.append(len(rows) + 1)  # a sub-heading stays with its first row
                    rows.append((cell(self.subheading_heading(s, strategy, sub), "cell-bold", colspan=6),))
                    last_sub = sub
                rows.append(
                    (
                        cell(f"{self.group_code(s, strategy, g, group, sub)} {self.group_heading(g, group)}"),
                        cell(self.num.number(fig.projects), "cell-center"),
                        cell(self.percent(fig.project_share), "cell-center"),
                        cell(self.num.money(fig.budget or None), "cell-right"),
                        cell(self.percent(fig.budget_share), "cell-center"),
                        cell(self.t(", ".join(fig.units)), "cell", keep_words=True),
                    )
                )
            keep.append(len(rows))
            rows.append(self.total_row("รวม", groups))
        keep.append(len(rows))
        rows.append(self.total_row("รวมทั้งสิ้น", [f for groups in figures for f in groups]))
        note = common.units_row(self.plan.units, self.t, len(header))
        if note:
            keep.append(len(rows))  # with รวมทั้งสิ้น
            rows.append(note)
        header, body = (header,), tuple(rows)
        columns = table_columns(len(header[0]), header, body, TEXT_WIDTH_CM["landscape"], self.table_font_pt, TABLE_PADDING_PT)
        return Table(
            columns, header, body, style="summary", font_size_pt=self.table_font_pt,
            padding_pt=TABLE_PADDING_PT, line_height=TABLE_LINE, keep_with_previous=tuple(keep),
        )

    def total_row(self, label: str, figures: list[PlanFigures]) -> tuple[Cell, ...]:
        return (
            cell(label, "cell-bold-center", shade=True),
            cell(self.num.number(sum(f.projects for f in figures)), "cell-bold-center", shade=True),
            cell(self.percent(sum((f.project_share for f in figures), Decimal(0))), "cell-bold-center", shade=True),
            cell(self.num.money(sum(f.budget for f in figures) or None), "cell-bold-right", shade=True),
            cell(self.percent(sum((f.budget_share for f in figures), Decimal(0))), "cell-bold-center", shade=True),
            cell("", shade=True),
        )

    # -- ส่วนที่ ๓ ผด.02 ----------------------------------------------------
    def schedule_part(self):
        yield Para(self.part_heading(3, self.SCHEDULE_TITLE), "part", anchor="part3")
        yield Para(f"{self.year_label} {self.t(self.plan.organisation.name)}", "center")
        # Every แนวทาง/แผนงาน has its table under its ยุทธศาสตร์ and objective.
        # Those headings are caption rows of the table's header, so they are
        # never left behind; the pages after a table's first repeat one short
        # line in their place. Rows split at the page foot (fill_pages: the PDF
        # plans its pages, render/pages.py). Every table has the same columns,
        # measured over all of them.
        tables = []
        started = set()
        for branch in self.plan.branches():
            (s, strategy), sub, (g, group) = branch.strategy, branch.subheading, branch.group
            first = s not in started
            started.add(s)
            captions = [Para(self.strategy_heading(s, strategy), "h2" if first else "h3", anchor=f"strategy-{s}" if first else "")]
            if sub:
                captions.append(Para(self.subheading_heading(s, strategy, sub), "cell-bold"))
            # at the table's text size: the captions repeat on every page of the table
            if strategy.objective:
                captions.append(Para(f"- วัตถุประสงค์ของยุทธศาสตร์ {self.t(strategy.objective)}", "cell"))
            if sub and sub[1].objective:
                captions.append(Para(f"- วัตถุประสงค์ {self.t(sub[1].objective)}", "cell"))
            captions.append(Para(self.group_heading(g, group), "cell-bold"))
            if branch.subplan:
                captions.append(Para(self.subplan_heading(g, group, *branch.subplan), "cell-bold"))
            # pages after a table's first name its ยุทธศาสตร์ and แนวทาง in one line
            label = self.group_heading(g, group) if group.kind == "แผนงาน" else f"{group.kind}ที่ {self.num.digits(group.number or g)}"
            if branch.subplan:
                label = self.subplan_heading(g, group, *branch.subplan).split(" ", 1)[0]
                label = f"{group.kind}ที่ {label}" if group.kind != "แผนงาน" else label
            short = Para(f"ยุทธศาสตร์ที่ {self.num.digits(strategy.number or s)} {label} (ต่อ)", "cell-bold")
            tables.append((captions, short, self.schedule_rows(branch.projects)))
        header = self.schedule_header()
        every = tuple(r for *_, rows in tables for r in rows)
        size, padding = self.schedule_font_pt, SCHEDULE_PADDING_PT
        columns = shortest_rows(18, header, every, TEXT_WIDTH_CM["landscape"], size, padding, (tuple(range(6, 18)),))
        measure = Measure(size, padding)
        for captions, short, rows in tables:
            caption_rows = tuple((Cell((p,), colspan=18, frame=False),) for p in captions)
            loose = tuple(i for i, row in enumerate(rows) if estimated_lines(row, columns, measure) > KEEP_ROW_LINES)
            yield Table(
                columns, caption_rows + header, rows, style="schedule",
                font_size_pt=size, padding_pt=padding, line_height=TABLE_LINE, loose_rows=loose, fill_pages=True,
                keep_with_previous=self.continued_rows(rows, columns, measure),
                continued_header=((Cell((short,), colspan=18, frame=False),), *header),
            )

    def schedule_header(self) -> tuple:
        # header text a size smaller than the rows: the labels' longest words and
        # the month names set the narrowest columns, and the rows gain the width
        span = lambda text: Cell((Para(text, "cell-head-small"),), rowspan=2, shade=True)  # noqa: E731
        row1 = (
            span("ลำดับที่"),
            span("โครงการ/กิจกรรม"),
            span("รายละเอียดของกิจกรรม (ผลผลิต)"),
            span("งบประมาณ (บาท)"),
            span("พื้นที่ (สถานที่ดำเนินการ)"),
            span("หน่วยดำเนินการ"),
            Cell((Para(f"พ.ศ. {self.num.digits(self.fy - 1)}", "cell-head-small"),), colspan=3, shade=True),
            Cell((Para(f"พ.ศ. {self.num.digits(self.fy)}", "cell-head-small"),), colspan=9, shade=True),
        )
        # the month names fill their narrow columns, as the bars below them do
        row2 = tuple(Cell((Para(MONTHS_ABBR[m], "cell-head-small"),), shade=True, tight=True) for m in FISCAL_MONTHS)
        return row1, row2

    def schedule_rows(self, projects: list[Project]) -> tuple[tuple[Cell, ...], ...]:
        """Return the ผด.02 rows of one แนวทาง/แผนงาน (or แนวทางย่อย): each project, then its sub-activities.

        A project (or sub-activity) whose detail lines or labelled schedule
        entries carry their own bars takes several table rows, one per bar
        line, drawn without rules between them so they read as one row.
        """
        rows: list[tuple[Cell, ...]] = []
        for n, project in enumerate(projects, 1):
            rows += self.schedule_row(self.num.digits(n), project, project_budget(project))
            for a, activity in enumerate(project.activities, 1):
                number = f"{self.num.digits(n)}.{self.num.digits(a)}"
                rows += self.schedule_row(number, activity, activity.budget, project)
        return tuple(rows)

    @staticmethod
    def continued_rows(rows: tuple[tuple[Cell, ...], ...], columns: tuple[float, ...], measure: Measure) -> tuple[int, ...]:
        """Return the rows kept with the row above: the bar lines of a project, when the project fits
        on a page (KEEP_ROW_LINES); the lines of a taller one may start a page."""
        out, block = [], []
        for i, row in enumerate(rows + ((Cell(()),),)):
            if block and not row[0].open_above:
                if sum(estimated_lines(rows[r], columns, measure) for r in block) <= KEEP_ROW_LINES:
                    out += block[1:]
                block = []
            block.append(i)
        return tuple(out)

    def bar_lines(self, item: Project | Activity) -> list[tuple[list[Para], list[ScheduleEntry]]]:
        """Return the lines of a row's details cell, grouped by the bar drawn beside them.

        The first group holds the row's own schedule (entries without a label)
        and the detail lines before the first that has its own schedule; each
        detail line with a schedule starts a group (its steps follow it); each
        labelled schedule entry is a line of its own, its label beside its bar
        (after the row's details, or under its detail line).
        """
        groups: list[tuple[list[Para], list[ScheduleEntry]]] = [([], [e for e in item.schedule if not e.label])]

        def labelled(schedule, level: int) -> None:
            groups.extend(([Para(f"- {self.t(e.label)}", "cell", level=level)], [e]) for e in schedule if e.label)

        def walk(lines, depth: int) -> None:
            for i, line in enumerate(lines, 1):
                if depth == 0:
                    para = Para(f"- {self.t(line.text)}", "cell")
                else:
                    mark = f"{self.num.digits(i)}." if depth == 1 else f"({self.num.digits(i)})"
                    para = Para(f"{mark} {self.t(line.text)}", "cell", level=depth)
                if line.schedule:  # (its bar, or its labelled entries' below it)
                    groups.append(([para], [e for e in line.schedule if not e.label]))
                else:
                    groups[-1][0].append(para)
                labelled(line.schedule, depth + 1)
                walk(line.items, depth + 1)

        walk(item.details, 0)
        labelled(item.schedule, 0)
        if isinstance(item, Project) and item.funding:
            groups[-1][0].append(Para(f"({self.t(item.funding)})", "cell"))
        if len(groups) > 1 and not groups[0][0] and not groups[0][1]:
            groups.pop(0)
        return groups

    def schedule_row(self, number, item: Project | Activity, budget, parent: Project | None = None) -> list[tuple[Cell, ...]]:
        area = item.area or (parent.area if parent else "")
        units = item.units or (parent.units if parent else [])
        groups = self.bar_lines(item)
        out = []
        for g, (paras, schedule) in enumerate(groups):
            edges = {"open_above": g > 0, "open_below": g < len(groups) - 1}
            first = g == 0
            row = [
                cell(number if first else "", "cell-center", **edges),
                cell(self.t(item.name) if first else "", **edges),
                Cell(tuple(paras) or (Para("", "cell"),), **edges),
                cell(self.num.money(budget if isinstance(budget, int) else None) if first else "", "cell-right", **edges),
                cell(self.t(area) if first else "", **edges),
                cell(self.t(", ".join(units)) if first else "", keep_words=True, **edges),
            ]
            row += [Cell((), bar=mark, **edges) for mark in bar_months(schedule)]
            out.append(tuple(row))
        return out


def build_document(plan: OperationsPlan, thai_digits: bool | None = None, parts: tuple[str, ...] | None = None) -> Document:
    """Return the Document of an operational plan, or of the ``parts`` (keys of PARTS) chosen."""
    return OperationsView(plan, thai_digits, parts).document()

