"""Consistency checks of an operational plan: what the records contradict, as located warnings."""
from __future__ import annotations

from collections import defaultdict

from ...checks import duplicates, looks_abbreviated, numbering
from ...errors import Located, Problem
from ...messages import baht, say
from ...records.months import fiscal_index, month_label, month_number, month_year
from .records import OperationsPlan

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


def structural(plan: OperationsPlan, located: Located) -> list[Problem]:
    """Every schedule lies in the fiscal year (ต.ค. before to ก.ย.) and runs forward."""
    fy = plan.fiscal_year
    out = []
    for spath, schedule in plan.walk_schedules():
        for e, entry in enumerate(schedule):
            for field in ("start", "end"):
                month = getattr(entry, field)
                year = month_year(month) if month else None
                if year is None:
                    continue
                expected = fy - 1 if int(month[-2:]) >= 10 else fy
                if year != expected:
                    out.append(located.problem(
                        spath + (e, field),
                        *say("month_outside_fiscal_year", month=month_label(month), year=fy, before=fy - 1),
                    ))
            start, end = entry.start, entry.last
            if month_year(start) and month_year(end):
                # both dated: only a reversed range is wrong here (a month outside the year is reported above)
                if (month_year(end), month_number(end)) < (month_year(start), month_number(start)):
                    out.append(located.problem(
                        spath + (e, "end"), *say("schedule_reversed", start=month_label(start), end=month_label(end))
                    ))
            elif fiscal_index(end) < fiscal_index(start):
                # ส.ค. to พ.ย.: the พ.ย. after ส.ค. belongs to the next fiscal year
                out.append(located.problem(
                    spath + (e, "end"),
                    *say("schedule_crosses_fiscal_year", start=month_label(start), end=month_label(end), year=fy, before=fy - 1),
                ))
    return out
