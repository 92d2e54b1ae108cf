"""Consistency checks: what the records contradict, as located warnings.

These are the mistakes found in hand-made books: a detail sheet whose budget
differs from the matrix, a period outside the plan's years, duplicate items,
units nobody defined, an item whose name says another kind. They do not stop
a build unless it is strict.
"""
from __future__ import annotations

from collections import defaultdict

from .errors import Located, Problem
from .messages import baht, say
from .records.anticorruption import KINDS, AntiCorruptionPlan, mission_code
from .records.operations import OperationsPlan, month_text
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
    notice = lambda path, key, **values: out.append(located.problem(path, *say(key, **values), "notice"))  # noqa: E731
    if plan.foreword is None:
        notice(("foreword",), "no_foreword")
    intro = plan.introduction
    if not intro:
        notice(("introduction",), "no_introduction")
    elif isinstance(plan, AntiCorruptionPlan):
        for name, (thai, english) in INTRODUCTION_SECTIONS.items():
            if not getattr(intro, name):
                notice(("introduction", name), "no_introduction_section", section=thai, section_en=english)
    return out


def duplicates(names: dict[str, list[tuple]], located: Located, thai: str, english: str) -> list[Problem]:
    """Return a warning for every name used again after its first place."""
    out = []
    for name, paths in names.items():
        first_th, first_en = located.mention(paths[0] + ("name",))
        said = say("duplicate_name", thing=thai, thing_en=english, name=name, first=first_th, first_en=first_en)
        out += [located.problem(path + ("name",), *said, "warning") for path in paths[1:]]
    return out


def numbering(entries: list[tuple[tuple, tuple[int, ...]]], located: Located, thing: str, thing_en: str,
              seen: set | None = None) -> list[Problem]:
    """Return warnings for printed numbers (codes) that repeat or skip among siblings (path, code) in order.

    ``seen`` holds the codes already printed elsewhere in the same table (a ภารกิจ ๓.๑.๑ twice).
    """
    out, previous = [], None
    seen = set() if seen is None else seen
    for path, code in entries:
        number = ".".join(str(p) for p in code)
        if code in seen:
            out.append(located.problem(path + ("number",), *say("number_repeated", thing=thing, thing_en=thing_en, number=number), "warning"))
        elif previous and len(code) == len(previous) and code[:-1] == previous[:-1] and code[-1] != previous[-1] + 1:
            before = ".".join(str(p) for p in previous)
            out.append(located.problem(
                path + ("number",),
                *say("number_gap", thing=thing, thing_en=thing_en, number=number, previous=before), "warning",
            ))
        seen.add(code)
        previous = code
    return out


def check_operations(plan: OperationsPlan, located: Located) -> list[Problem]:
    """Return the problems of an operational plan: budgets, units, duplicates."""
    out: list[Problem] = []
    warn = lambda path, key, **values: out.append(located.problem(path, *say(key, **values), "warning"))  # noqa: E731
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
                warn(upath, "unknown_unit", unit=unit)
        if project.activities and isinstance(project.budget, int):
            total = sum(a.budget for a in project.activities if isinstance(a.budget, int))
            if total != project.budget:
                warn(path + ("budget",), "project_budget_differs", budget=baht(project.budget), total=baht(total))
    out += duplicates(names, located, "โครงการ", "project")
    strategies = [(("strategies", s), (strategy.number or s + 1,)) for s, strategy in enumerate(plan.strategies)]
    out += numbering(strategies, located, "ยุทธศาสตร์", "strategy")
    for s, strategy in enumerate(plan.strategies):
        subs = [(("strategies", s, "subheadings", h), (sub.number or h + 1,)) for h, sub in enumerate(strategy.subheadings)]
        out += numbering(subs, located, "หัวข้อย่อย", "sub-heading")
        parents = [(("strategies", s), strategy)] + [(path, sub) for (path, _), sub in zip(subs, strategy.subheadings)]
        for ppath, parent in parents:
            groups = [(ppath + ("plans", g), (group.number or g + 1,)) for g, group in enumerate(parent.plans)]
            out += numbering(groups, located, "แนวทาง/แผนงาน", "plan")
            for (gpath, _), group in zip(groups, parent.plans):
                subplans = [(gpath + ("plans", p), (sp.number or p + 1,)) for p, sp in enumerate(group.plans)]
                out += numbering(subplans, located, "แนวทางย่อย", "sub-plan")
    out.sort(key=lambda p: p.line or 0)
    return out


def check_anticorruption(plan: AntiCorruptionPlan, located: Located) -> list[Problem]:
    """Return every consistency problem of an anti-corruption plan, in book order."""
    out: list[Problem] = []
    warn = lambda path, key, **values: out.append(located.problem(path, *say(key, **values), "warning"))  # noqa: E731
    years = plan.plan.years
    first_month, last_month = (years[0] - 1, 10), (years[-1], 9)
    units = {u.abbr for u in plan.units}
    names_of_units = {u.name for u in plan.units}
    seen_units: dict[str, tuple] = {}
    for u, unit in enumerate(plan.units):
        if unit.abbr in seen_units:
            warn(("units", u, "abbr"), "unit_defined_twice", abbr=unit.abbr)
        seen_units[unit.abbr] = ("units", u)

    names: dict[str, list[tuple]] = defaultdict(list)
    for path, item in plan.walk_items():
        names[item.name].append(path)
        for u, unit in enumerate(item.unit):
            if unit not in units and unit not in names_of_units and looks_abbreviated(unit):
                warn(path + (("unit", u) if len(item.unit) > 1 else ("unit",)), "unknown_responsible_unit", unit=unit)
        for kind in KINDS:
            if item.name.startswith(kind) and kind != item.kind:
                warn(path + ("kind",), "name_says_other_kind", word=kind, kind=item.kind)
        detail = item.detail
        if detail is None:
            warn(path, "no_detail_sheet")
            continue
        if detail.period is not None and detail.period.months:
            p = detail.period
            if p.start_ym < first_month or p.end_ym > last_month:
                warn(
                    path + ("detail", "period"), "period_outside_plan", start=month_text(p.start), end=month_text(p.end),
                    first=f"ต.ค. {first_month[0]}", last=f"ก.ย. {last_month[0]}",
                )
        stated = detail.budget
        if stated is None:
            continue
        amounts = [item.amount(y) for y in years]
        money = [a for a in amounts if isinstance(a, int)]
        matrix = ", ".join(f"{y}: {baht(a)}" for y, a in zip(years, amounts))  # 2565: 50,000, 2566: -
        per_year = stated.per_year if stated.per_year is not None else stated.stated_amount
        where = "per_year" if stated.per_year is not None else "text"
        if per_year is not None:
            if per_year == NOT_BUDGETED:
                if money:
                    warn(path + ("detail", "budget", where), "detail_not_budgeted", matrix=matrix)
            else:
                differing = [(y, a) for y, a in zip(years, amounts) if isinstance(a, int) and a != per_year]
                if differing or not money:
                    warn(path + ("detail", "budget", where), "detail_budget_differs", stated=baht(per_year), matrix=matrix)
        if isinstance(stated.total, int) and stated.total != sum(money):
            warn(path + ("detail", "budget", "total"), "detail_total_differs", stated=baht(stated.total), total=baht(sum(money)))

    out += duplicates(names, located, "รายการ", "item")
    dims = [(("dimensions", d), (dim.number or d + 1,)) for d, dim in enumerate(plan.dimensions)]
    out += numbering(dims, located, "มิติ", "dimension")

    def missions(list_, path, code, seen):
        entries = [(path + ("missions", m), mission_code(code, m + 1, mission)) for m, mission in enumerate(list_)]
        found = numbering(entries, located, "ภารกิจ", "mission", seen)
        for (mpath, mcode), mission in zip(entries, list_):
            found += missions(mission.missions, mpath, mcode, seen)
        return found

    for (dpath, dcode), dim in zip(dims, plan.dimensions):
        out += missions(dim.missions, dpath, dcode, set())
    for d, dim in enumerate(plan.dimensions):
        titles: dict[str, int] = {}
        for m, mission in enumerate(dim.missions):
            if mission.title in titles:
                warn(("dimensions", d, "missions", m, "title"), "mission_twice", title=mission.title)
            titles[mission.title] = m
    out.sort(key=lambda p: p.line or 0)
    return out
