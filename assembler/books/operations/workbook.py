"""The operational plan's workbook: its sheets, the rows a plan fills, and reading them back."""
from __future__ import annotations

import re

from ...errors import Place
from ...records.months import month_text
from ...workbook.reader import Row, drop_empty
from ...workbook.sheets import (
    AMOUNT_HINT, DIGITS, FOREWORD_TEXTS, INTRO_HEADING, INTRO_TEXTS, MONTH_CHOICES, ORG, UNITS, Column, Field, Sheet,
    texts_sheet,
)
from ...workbook.writer import flatten, section_rows, text_number
from .records import OperationsPlan

TEXTS = (*FOREWORD_TEXTS, INTRO_HEADING, *INTRO_TEXTS)

#: the ข้อมูลแผน form (after its ประเภทเล่ม field)
INFO = (
    *ORG,
    Field("fiscal_year", "ปีงบประมาณ", "พ.ศ. เช่น 2567", "int"),
    Field("title", "ชื่อเล่ม", "ตามที่พิมพ์บนปก", required=False),
    Field("layout.digits", "ตัวเลขในเล่ม", "ไทย หรือ อารบิก", "choice", required=False, choices=DIGITS),
    Field("layout.table_font_pt", "ขนาดอักษรในตาราง", "pt 10–16 (ว่าง = ตามค่าเริ่มต้น)", "int", required=False),
)

SUBHEADING_KIND = "หัวข้อย่อย"  # of a ยุทธศาสตร์ (5.1 …)
SUBPLAN_KIND = "แนวทางย่อย"  # of a แนวทาง (3.5 …)
PLAN_KINDS = ("ยุทธศาสตร์", "แนวทางการพัฒนา", "แผนงาน", SUBHEADING_KIND, SUBPLAN_KIND)

SHEETS = (
    UNITS,
    texts_sheet(TEXTS),
    Sheet(
        "strategies",
        "ยุทธศาสตร์",
        "ยุทธศาสตร์และแนวทางการพัฒนา/แผนงาน ตามลำดับที่พิมพ์: รหัส 1 = ยุทธศาสตร์ที่ 1, "
        "1.1 = แนวทางการพัฒนาหรือแผนงานแรกของยุทธศาสตร์ที่ 1; ถ้ามีหัวข้อย่อยของยุทธศาสตร์ (5.1) "
        "หรือแนวทางย่อย (3.5) ให้เลือกประเภทนั้นและใช้รหัสอีกชั้น เช่น 1.1 หัวข้อย่อย, 1.1.1 แนวทาง, 1.1.1.1 แนวทางย่อย",
        (
            Column("code", "รหัส", "1, 1.1, 1.1.1", 10, "code", required=True),
            Column("kind", "ประเภท", "ยุทธศาสตร์ / หัวข้อย่อย / แนวทางการพัฒนา / แผนงาน / แนวทางย่อย", 18, choices=PLAN_KINDS),
            Column("title", "ชื่อ", "ชื่อยุทธศาสตร์ แนวทาง หรือแผนงาน", 80, required=True),
            Column("objective", "วัตถุประสงค์", "เฉพาะแถวยุทธศาสตร์และหัวข้อย่อย", 60),
            Column("number", "เลขที่", "เลขที่พิมพ์ถ้าไม่ตามลำดับ เช่น ยุทธศาสตร์ที่ 5; ว่าง = ตามลำดับ", 10, "code"),
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
            Column("label", "ชื่อช่วง", "ถ้ามี เช่น ก่อนฤดูฝน (พิมพ์เป็นบรรทัดของตัวเอง ข้างแถบ)", 30),
            Column("line", "ข้อ", "ข้อในแผ่นงาน รายละเอียด เช่น 2 หรือ 2.1 (แถบในบรรทัดของข้อนั้น); ว่าง = ทั้งโครงการ", 9, "code"),
        ),
    ),
)

#: the sheets of sections (a section label per row) and their sections
SECTIONS = {"texts": TEXTS}


def rows(plan: OperationsPlan):
    for unit in plan.units:
        yield "units", {"abbr": unit.abbr, "name": unit.name}
    yield from section_rows(FOREWORD_TEXTS, plan, "texts")
    for section in plan.introduction:
        yield "texts", {"section": INTRO_HEADING.label, "text": section.title}
        yield from section_rows(INTRO_TEXTS, section, "texts")
    projects = []

    def groups(parent, prefix: str):
        for g, group in enumerate(parent.plans, start=1):
            code = f"{prefix}.{g}"
            yield "strategies", {"code": code, "kind": group.kind, "title": group.title, "number": text_number(group.number)}
            projects.extend((code, project) for project in group.projects)
            for p, sub in enumerate(group.plans, start=1):
                yield "strategies", {"code": f"{code}.{p}", "kind": SUBPLAN_KIND, "title": sub.title, "number": text_number(sub.number)}
                projects.extend((f"{code}.{p}", project) for project in sub.projects)

    for s, strategy in enumerate(plan.strategies, start=1):
        yield "strategies", {"code": str(s), "kind": "ยุทธศาสตร์", "title": strategy.title, "objective": strategy.objective,
                             "number": text_number(strategy.number)}
        yield from groups(strategy, str(s))
        for h, sub in enumerate(strategy.subheadings, start=1):
            yield "strategies", {"code": f"{s}.{h}", "kind": SUBHEADING_KIND, "title": sub.title, "objective": sub.objective,
                                 "number": text_number(sub.number)}
            yield from groups(sub, f"{s}.{h}")
    details, schedule = [], []
    for number, (code, project) in enumerate(projects, start=1):
        records = [(str(number), project, code)]
        records += [(f"{number}.{a}", act, None) for a, act in enumerate(project.activities, start=1)]
        for ident, record, group in records:
            yield "projects", {
                "id": ident, "plan": group, "name": record.name, "budget": record.budget, "area": record.area,
                "units": ", ".join(record.units) or None, "funding": getattr(record, "funding", None),
            }
            details += [{"id": ident, "level": level, "text": text} for level, text in flatten(record.details)]
            schedule += [_schedule_row(ident, None, e) for e in record.schedule]
            schedule += [_schedule_row(ident, line, e) for line, detail in _numbered(record.details) for e in detail.schedule]
    for row in details:
        yield "details", row
    for row in schedule:
        yield "schedule", row



def _schedule_row(ident: str, line: str | None, entry) -> dict:
    """Return the ระยะเวลา row of one schedule entry (``line``: the detail line it belongs to)."""
    end = month_text(entry.end) if entry.end else None
    return {"id": ident, "line": line, "start": month_text(entry.start), "end": end, "label": entry.label}


def _numbered(details, prefix: str = ""):
    """Yield (number, detail line) for detail lines and their steps: 1, 2, 2.1 …"""
    for i, line in enumerate(details, start=1):
        number = f"{prefix}{i}"
        yield number, line
        yield from _numbered(line.items, number + ".")



def read(r, form: dict, tables: dict) -> dict:
    data: dict = {"book": "operations"}
    r._info(data, form, skip=("book",))
    r._units(data, tables["units"])
    found = r._sectioned(tables["texts"], TEXTS)
    r._fill_sections(data, (), [f for f in found if f[1] in FOREWORD_TEXTS], FOREWORD_TEXTS, sheet="ข้อความ")
    drop_empty(data, ("foreword",))
    intro: list = []
    groups: list[list] = []
    for f in found:
        row, section, level, text = f
        if section is INTRO_HEADING:
            path = ("introduction", len(intro))
            intro.append({"title": text.value})
            r.loc.at(path, text.place)
            r.loc.at(path + ("title",), text.place)
            groups.append([])
        elif section in FOREWORD_TEXTS:
            continue
        elif not intro:
            r.error(text.place, "ต้องมีแถว หัวข้อบทนำ ก่อนย่อหน้าหรือข้อของบทนำ", "an introduction paragraph or entry needs a หัวข้อบทนำ row above it")
        else:
            groups[-1].append(f)
    for i, (section, rows) in enumerate(zip(intro, groups)):
        r._fill_sections(section, ("introduction", i), rows, INTRO_TEXTS)
    data["introduction"] = intro
    r.loc.at(("introduction",), Place("ข้อความ", None, "หัวข้อบทนำ"))

    codes = r._codes(tables["strategies"], 4)
    strategies: list = []
    # code → (level, record, path); levels: strategy, sub (หัวข้อย่อย), group (แนวทาง/แผนงาน), subplan (แนวทางย่อย)
    nodes: dict[str, tuple[str, dict, tuple]] = {}
    parents_of = {"sub": ("strategy",), "group": ("strategy", "sub"), "subplan": ("group",)}
    names = {"strategy": "ยุทธศาสตร์", "sub": SUBHEADING_KIND, "group": "แนวทางการพัฒนาหรือแผนงาน", "subplan": SUBPLAN_KIND}
    for code, row in codes.items():
        kind = row.get("kind")
        if kind is not None and kind not in PLAN_KINDS:
            r._expected(row.place("kind"), kind, " หรือ ".join(PLAN_KINDS), " or ".join(PLAN_KINDS))
            continue
        if "." not in code:
            if kind not in (None, "ยุทธศาสตร์"):
                r.error(row.place("kind"), f"รหัส {code} เป็นยุทธศาสตร์ (แนวทางใช้รหัส {code}.1)", f"the code {code} is a strategy (plans are coded {code}.1)")
                continue
            path = ("strategies", len(strategies))
            strategy: dict = {"plans": []}
            strategies.append(strategy)
            r.loc.at(path, row.place("code"))
            r.loc.at(path + ("plans",), row.place("code").relabel("ไม่มีแนวทางการพัฒนาหรือแผนงานใต้ยุทธศาสตร์นี้"))
            for key in ("number", "title", "objective"):
                r._put(strategy, key, row, key, path)
            nodes[code] = ("strategy", strategy, path)
            continue
        if kind == "ยุทธศาสตร์":
            r.error(row.place("kind"), f"รหัส {code} เป็นแนวทางการพัฒนาหรือแผนงาน", f"the code {code} is a plan, not a strategy")
            continue
        parent_code = code.rsplit(".", 1)[0]
        if parent_code not in nodes:
            continue  # its parent row was refused above
        above, parent, ppath = nodes[parent_code]
        if kind == SUBHEADING_KIND:
            level = "sub"
        elif kind == SUBPLAN_KIND:
            level = "subplan"
        elif kind is not None:
            level = "group"
        else:  # a blank kind: the level under the row above
            level = "subplan" if above == "group" else "group"
        if above not in parents_of[level]:
            r.error(
                row.place("code"),
                f"รหัส {code} ({names[level]}) อยู่ใต้{names[above]} {parent_code} ไม่ได้",
                f"the code {code} ({names[level]}) cannot stand under the {names[above]} {parent_code}",
            )
            continue
        if row.get("objective") is not None and level != "sub":
            r.error(row.place("objective"), "วัตถุประสงค์ใส่ได้เฉพาะแถวยุทธศาสตร์และหัวข้อย่อย", "only strategy and sub-heading rows take an objective")
            continue
        if level == "sub":
            record: dict = {"plans": []}
            siblings, field = parent.setdefault("subheadings", []), "subheadings"
        else:
            record = {"projects": []}
            siblings, field = parent.setdefault("plans", []), "plans"
        path = ppath + (field, len(siblings))
        siblings.append(record)
        r.loc.at(path, row.place("code"))
        if level == "sub":
            r.loc.at(path + ("plans",), row.place("code").relabel("ไม่มีแนวทางการพัฒนาหรือแผนงานใต้หัวข้อนี้"))
        else:
            r.loc.at(path + ("projects",), row.place("code").relabel("ไม่มีโครงการในแนวทางนี้"))
        if level == "group":
            r._put(record, "kind", row, "kind", path)
        for key in ("number", "title") + (("objective",) if level == "sub" else ()):
            r._put(record, key, row, key, path)
        nodes[code] = (level, record, path)
    for level, record, _ in nodes.values():
        if level == "group" and record.get("plans"):
            del record["projects"]  # a แนวทาง with แนวทางย่อย holds their projects
        if level == "strategy" and record.get("subheadings"):
            del record["plans"]
    data["strategies"] = strategies
    r.loc.at(("strategies",), Place("ยุทธศาสตร์"))

    records: dict[str, tuple[dict, tuple, Row]] = {}
    for row in tables["projects"]:
        ident = row.get("id")
        if ident is None:
            r.error(row.place("id"), "ไม่ได้กรอกเลขที่", "the number is missing")
            continue
        place = row.place("id")
        if ident in records:
            r.error(place, f"เลขที่ {ident} ซ้ำกับแถว {records[ident][2].number}", f"the number {ident} repeats row {records[ident][2].number}")
            continue
        parts = ident.split(".")
        if len(parts) > 2:
            r.error(place, f"เลขที่ {ident} ลึกเกินไป (1 = โครงการ, 1.1 = กิจกรรมย่อย)", f"the number {ident} is too deep (1 = project, 1.1 = sub-activity)")
            continue
        record: dict = {"details": [], "schedule": []}
        if len(parts) == 1:
            code = row.get("plan")
            if code is None:
                r.error(row.place("plan"), "ไม่ได้กรอกรหัสแนวทาง", "the plan code is missing")
                continue
            if code not in nodes or nodes[code][0] not in ("group", "subplan"):
                r.error(row.place("plan"), f"ไม่พบแนวทางการพัฒนาหรือแผนงานรหัส {code} ในแผ่นงาน ยุทธศาสตร์", f"no plan coded {code} in the sheet ยุทธศาสตร์")
                continue
            _, group, gpath = nodes[code]
            group.setdefault("projects", [])
            path = gpath + ("projects", len(group["projects"]))
            group["projects"].append(record)
            record["activities"] = []
            r._put(record, "funding", row, "funding", path)
        else:
            parent = records.get(parts[0])
            if parent is None or "activities" not in parent[0]:
                r.error(place, f"ไม่พบโครงการเลขที่ {parts[0]} ในแถวก่อนหน้า", f"no project number {parts[0]} above this row")
                continue
            code = row.get("plan")
            if code is not None and code != parent[2].get("plan"):
                r.error(row.place("plan"), "กิจกรรมย่อยอยู่ในแนวทางเดียวกับโครงการ: เว้นช่องนี้ว่าง", "a sub-activity belongs to its project's plan: leave this cell blank")
                continue
            if row.get("funding") is not None:
                r.error(row.place("funding"), "แหล่งงบประมาณใส่ได้เฉพาะแถวโครงการ", "only project rows take a funding source")
                continue
            path = parent[1] + ("activities", len(parent[0]["activities"]))
            parent[0]["activities"].append(record)
        records[ident] = (record, path, row)
        r.loc.at(path, place)
        r.loc.at(path + ("schedule",), place.relabel(f"ที่ {ident}: ไม่มีแถวในแผ่นงาน ระยะเวลา"))
        for key in ("name", "budget", "area"):
            r._put(record, key, row, key, path)
        units = row.value("units")
        if units is not None:
            record["units"] = [u.strip() for u in re.split(r"[,;\n]+", units.value) if u.strip()]
            for i in range(len(record["units"])):
                r.loc.at(path + ("units", i), units.place)
        r.loc.at(path + ("units",), row.place("units"))

    entries: dict[str, list] = {}
    listed = {row.get("id") for row in tables["projects"]}
    for row in tables["details"]:
        text = row.value("text")
        if not r._refers(row, records, listed, "โครงการ", "project"):
            continue
        if text is None:
            r.error(row.place("text"), "แถวนี้ไม่มีข้อความ", "the row has no text")
            continue
        entries.setdefault(row.get("id"), []).append((row.get("level") or 1, text))
    for ident, rows in entries.items():
        record, path, _ = records[ident]
        record["details"] = r._entries(rows, path + ("details",))
    for row in tables["schedule"]:
        if not r._refers(row, records, listed, "โครงการ", "project"):
            continue
        record, path, _ = records[row.get("id")]
        line = row.get("line")
        if line is not None:
            found = _detail_line(record, path, line)
            if found is None:
                r.error(
                    row.place("line"),
                    f"โครงการที่ {row.get('id')} ไม่มีข้อ {line} ในแผ่นงาน รายละเอียด",
                    f"project {row.get('id')} has no detail line {line} in the sheet รายละเอียด",
                )
                continue
            record, path = found
        entry: dict = {}
        epath = path + ("schedule", len(record.setdefault("schedule", [])))
        record["schedule"].append(entry)
        r.loc.at(epath, row.place("start"))
        for key in ("start", "end", "label"):
            r._put(entry, key, row, key, epath)
    return data


def _detail_line(record: dict, path: tuple, number: str) -> tuple[dict, tuple] | None:
    """Return the detail line numbered ``number`` (2, 2.1 …) of a project's records, and its path."""
    node, lines, node_path = None, record.get("details", []), path + ("details",)
    for part in number.split("."):
        index = int(part) - 1
        if not 0 <= index < len(lines):
            return None
        node, node_path = lines[index], node_path + (index,)
        lines, parent_path = node["items"], node_path
        node_path = node_path + ("items",)
    return node, parent_path

