"""Consistency checks: what the records contradict, as located warnings.

These are the mistakes found in hand-made books: a detail sheet whose budget
differs from the matrix, a period outside the plan's years, duplicate items,
units nobody defined, an item whose name says another kind. They do not stop
a build unless it is strict.
"""
from __future__ import annotations

from collections import defaultdict

from .errors import Located, Problem
from .records.anticorruption import KINDS, AntiCorruptionPlan
from .records.operations import OperationsPlan
from .thai import NOT_BUDGETED


def looks_abbreviated(unit: str) -> bool:
    """Return True for a unit written like an abbreviation (กวช., ช่าง): one short word, or one ending in ".".

    A unit that is not in units is printed as written ("ทุกกอง/สำนัก"); one
    that looks like an abbreviation is reported, as it is most likely a typo.
    """
    if " " in unit or "/" in unit:
        return False
    return len(unit) <= 6 or (unit.endswith(".") and len(unit) <= 12)


def check(plan, located: Located) -> list[Problem]:
    """Return what reading skipped (notices), then every consistency problem, in file order."""
    if isinstance(plan, OperationsPlan):
        return located.notices + omitted_parts(plan, located) + check_operations(plan, located)
    return located.notices + omitted_parts(plan, located) + check_anticorruption(plan, located)


#: ส่วนที่ ๑ sections of an anti-corruption plan: field → (Thai, English) names
INTRODUCTION_SECTIONS = {
    "swot": ("การวิเคราะห์ความเสี่ยง (SWOT)", "risk analysis (SWOT)"),
    "rationale": ("หลักการและเหตุผล", "rationale"),
    "objectives": ("วัตถุประสงค์ของการจัดทำแผน", "objectives"),
    "goals": ("เป้าหมาย", "goals"),
    "benefits": ("ประโยชน์ของการจัดทำแผน", "benefits"),
}


def omitted_parts(plan, located: Located) -> list[Problem]:
    """Return a notice for each front-matter part the records leave out (the book goes without it)."""
    out = []
    notice = lambda path, thai, english: out.append(located.problem(path, thai, english, "notice"))  # noqa: E731
    if plan.foreword is None:
        notice(("foreword",), "ไม่มีคำนำ (foreword): เล่มนี้ไม่มีหน้าคำนำ", "no foreword: the book goes without its คำนำ page")
    intro = plan.introduction
    if not intro:
        notice(("introduction",), "ไม่มีบทนำ (introduction): เล่มนี้ไม่มีส่วนที่ ๑", "no introduction: the book goes without ส่วนที่ ๑ บทนำ")
    elif isinstance(plan, AntiCorruptionPlan):
        for name, (thai, english) in INTRODUCTION_SECTIONS.items():
            if not getattr(intro, name):
                notice(
                    ("introduction", name),
                    f"ส่วนที่ ๑ ไม่มีหัวข้อ{thai}: หัวข้อที่มีจะเรียงเลขต่อกัน",
                    f"ส่วนที่ ๑ has no {english} section: the sections it has are numbered in order",
                )
    return out


def duplicates(names: dict[str, list[tuple]], located: Located, thai: str, english: str) -> list[Problem]:
    """Return a warning for every name used again after its first place."""
    out = []
    for name, paths in names.items():
        first_th, first_en = located.mention(paths[0] + ("name",))
        out += [
            located.problem(
                path + ("name",),
                f"{thai} {name!r} ซ้ำกับ{thai}ที่{first_th}",
                f"the {english} {name!r} duplicates the one at {first_en}",
                "warning",
            )
            for path in paths[1:]
        ]
    return out


def check_operations(plan: OperationsPlan, located: Located) -> list[Problem]:
    """Return the problems of an operational plan: budgets, units, duplicates."""
    out: list[Problem] = []
    warn = lambda path, thai, english: out.append(located.problem(path, thai, english, "warning"))  # noqa: E731
    units = {u.abbr for u in plan.units}
    names_of_units = {u.name for u in plan.units}
    names: dict[str, list[tuple]] = defaultdict(list)
    for path, project in plan.walk_projects():
        names[project.name].append(path)
        used = [(path + ("units", u), unit) for u, unit in enumerate(project.units)]
        for a, activity in enumerate(project.activities):
            used += [(path + ("activities", a, "units", u), unit) for u, unit in enumerate(activity.units)]
        for upath, unit in used:
            if unit not in units and unit not in names_of_units and looks_abbreviated(unit):
                warn(upath, f"ไม่รู้จักหน่วยงาน {unit!r} (ไม่มีใน units)", f"unknown unit {unit!r} (not in units)")
        if project.activities and isinstance(project.budget, int):
            total = sum(a.budget for a in project.activities if isinstance(a.budget, int))
            if total != project.budget:
                warn(
                    path + ("budget",),
                    f"งบประมาณโครงการ ({project.budget:,} บาท) ไม่เท่ากับผลรวมของกิจกรรมย่อย ({total:,} บาท)",
                    f"the project budget ({project.budget:,} baht) differs from the sum of its sub-activities ({total:,} baht)",
                )
    out += duplicates(names, located, "โครงการ", "project")
    out.sort(key=lambda p: p.line or 0)
    return out


def check_anticorruption(plan: AntiCorruptionPlan, located: Located) -> list[Problem]:
    """Return every consistency problem of an anti-corruption plan, in book order."""
    out: list[Problem] = []
    warn = lambda path, thai, english: out.append(located.problem(path, thai, english, "warning"))  # noqa: E731
    years = plan.plan.years
    first_month, last_month = (years[0] - 1, 10), (years[-1], 9)
    units = {u.abbr for u in plan.units}
    names_of_units = {u.name for u in plan.units}
    seen_units: dict[str, tuple] = {}
    for u, unit in enumerate(plan.units):
        if unit.abbr in seen_units:
            warn(("units", u, "abbr"), f"ชื่อย่อหน่วยงาน {unit.abbr} ซ้ำกัน", f"unit abbreviation {unit.abbr} is defined twice")
        seen_units[unit.abbr] = ("units", u)

    names: dict[str, list[tuple]] = defaultdict(list)
    for path, item in plan.walk_items():
        names[item.name].append(path)
        for u, unit in enumerate(item.unit):
            if unit not in units and unit not in names_of_units and looks_abbreviated(unit):
                warn(
                    path + (("unit", u) if len(item.unit) > 1 else ("unit",)),
                    f"ไม่รู้จักหน่วยงาน {unit!r} (ไม่มีใน units)",
                    f"unknown responsible unit {unit!r} (not in units)",
                )
        for kind in KINDS:
            if item.name.startswith(kind) and kind != item.kind:
                warn(
                    path + ("kind",),
                    f"ชื่อขึ้นต้นว่า {kind} แต่ระบุประเภทเป็น {item.kind}",
                    f"the name starts with {kind} but the kind is {item.kind}",
                )
        detail = item.detail
        if detail is None:
            warn(path, "ไม่มีรายละเอียดโครงการ (ส่วนที่ ๓)", "the item has no detail sheet (part 3)")
            continue
        if detail.period is not None and detail.period.months:
            p = detail.period
            if p.start_ym < first_month or p.end_ym > last_month:
                warn(
                    path + ("detail", "period"),
                    f"ระยะเวลา {p.start} ถึง {p.end} อยู่นอกช่วงของแผน ({first_month[0]}-10 ถึง {last_month[0]}-09)",
                    f"the period {p.start} to {p.end} lies outside the plan ({first_month[0]}-10 to {last_month[0]}-09)",
                )
        stated = detail.budget
        if stated is None:
            continue
        amounts = [item.amount(y) for y in years]
        money = [a for a in amounts if isinstance(a, int)]
        per_year = stated.per_year if stated.per_year is not None else stated.stated_amount
        where = "per_year" if stated.per_year is not None else "text"
        if per_year is not None:
            if per_year == NOT_BUDGETED:
                if money:
                    warn(
                        path + ("detail", "budget", where),
                        f"รายละเอียดโครงการว่าไม่ใช้งบประมาณ แต่ตารางส่วนที่ ๒ มีงบประมาณ {money}",
                        f"the detail sheet says not budgeted but the matrix budgets {money}",
                    )
            else:
                differing = [(y, a) for y, a in zip(years, amounts) if isinstance(a, int) and a != per_year]
                if differing or not money:
                    shown = ", ".join(f"{y}: {a}" for y, a in zip(years, amounts))
                    warn(
                        path + ("detail", "budget", where),
                        f"งบประมาณในรายละเอียดโครงการ ({per_year:,} บาทต่อปี) ไม่ตรงกับตารางส่วนที่ ๒ ({shown})",
                        f"the detail sheet budget ({per_year:,} baht a year) differs from the matrix ({shown})",
                    )
        if isinstance(stated.total, int) and stated.total != sum(money):
            warn(
                path + ("detail", "budget", "total"),
                f"งบประมาณรวมในรายละเอียดโครงการ ({stated.total:,} บาท) ไม่ตรงกับผลรวมในตารางส่วนที่ ๒ ({sum(money):,} บาท)",
                f"the detail sheet total ({stated.total:,} baht) differs from the matrix sum ({sum(money):,} baht)",
            )

    out += duplicates(names, located, "รายการ", "item")
    for d, dim in enumerate(plan.dimensions):
        titles: dict[str, int] = {}
        for m, mission in enumerate(dim.missions):
            if mission.title in titles:
                warn(
                    ("dimensions", d, "missions", m, "title"),
                    f"ภารกิจ {mission.title!r} ซ้ำกันในมิติเดียวกัน",
                    f"the mission {mission.title!r} appears twice in one dimension",
                )
            titles[mission.title] = m
    out.sort(key=lambda p: p.line or 0)
    return out
