"""Consistency checks of an anti-corruption plan: what the records contradict, as located warnings."""
from __future__ import annotations

from collections import defaultdict

from ...checks import duplicates, looks_abbreviated, numbering
from ...errors import Located, Problem
from ...messages import baht, say
from ...thai import NOT_BUDGETED
from ...records.months import month_text
from .records import KINDS, AntiCorruptionPlan, mission_code

#: ส่วนที่ ๑ sections of an anti-corruption plan a book may leave out: field → (Thai, English) names
INTRODUCTION_SECTIONS = {
    "swot": ("การวิเคราะห์ความเสี่ยง (SWOT)", "risk analysis (SWOT)"),
    "rationale": ("หลักการและเหตุผล", "rationale"),
    "objectives": ("วัตถุประสงค์ของการจัดทำแผน", "objectives"),
    "goals": ("เป้าหมาย", "goals"),
    "benefits": ("ประโยชน์ของการจัดทำแผน", "benefits"),
}


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


def structural(plan: AntiCorruptionPlan, located: Located) -> list[Problem]:
    """Return the input errors a schema cannot express: budget years outside the plan."""
    years = plan.plan.years
    out = []
    for path, item in plan.walk_items():
        for year in item.budget.years:
            if year not in years:
                out.append(located.problem(path + ("budget", year), *say("budget_year_outside", year=year, first=years[0], last=years[-1])))
    return out
