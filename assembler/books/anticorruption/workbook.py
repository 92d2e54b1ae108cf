"""The anti-corruption plan's workbook: its sheets, the rows a plan fills, and reading them back."""
from __future__ import annotations

from ...errors import Place
from ...workbook.reader import Row, Value, drop_empty
from ...workbook.sheets import (
    AMOUNT_HINT, DIGITS, ENTRY_HINT, FOREWORD_TEXTS, ORG, ORIENTATIONS, UNITS, Column, Field, Section, Sheet, texts_sheet,
)
from ...workbook.writer import amount_cell, section_rows, text_number
from .records import KINDS, AntiCorruptionPlan

TEXTS = (
    *FOREWORD_TEXTS,
    Section("จุดแข็ง", "introduction.swot.strengths", "paragraphs", "๑.๑ จุดแข็ง (S)"),
    Section("จุดอ่อน", "introduction.swot.weaknesses", "paragraphs", "๑.๑ จุดอ่อน (W)"),
    Section("โอกาส", "introduction.swot.opportunities", "paragraphs", "๑.๑ โอกาส (O)"),
    Section("อุปสรรค", "introduction.swot.threats", "paragraphs", "๑.๑ อุปสรรค (T)"),
    Section("หลักการและเหตุผล", "introduction.rationale", "paragraphs", "๑.๒ หนึ่งย่อหน้าต่อแถว"),
    Section("วัตถุประสงค์", "introduction.objectives", "entries", "๑.๓ " + ENTRY_HINT),
    Section("เป้าหมาย", "introduction.goals", "entries", "๑.๔ " + ENTRY_HINT),
    Section("ประโยชน์", "introduction.benefits", "entries", "๑.๕ " + ENTRY_HINT),
)

DETAILS = (
    Section("หลักการและเหตุผล", "rationale", "paragraphs", "๒ หนึ่งย่อหน้าต่อแถว"),
    Section("วัตถุประสงค์", "objectives", "entries", "๓"),
    Section("เป้าหมาย", "targets.items", "entries", "๔ ถ้าไม่แยกเชิงปริมาณ/เชิงคุณภาพ"),
    Section("เป้าหมายเชิงปริมาณ", "targets.quantitative", "entries", "๔"),
    Section("เป้าหมายเชิงคุณภาพ", "targets.qualitative", "entries", "๔"),
    Section("พื้นที่ดำเนินการ", "area", "entries", "๕ หนึ่งแห่งต่อแถว"),
    Section("วิธีดำเนินการ", "method", "steps", "๖ แถวที่ขึ้นต้นด้วย | เป็นแถวของตารางใต้ขั้นตอนข้างบน: | ตำแหน่ง | จำนวน | หน้าที่ |"),
    Section("เดือนเริ่ม", "period.start", "month", "๗ เช่น ต.ค. 2564; ไม่มี = ตลอดแผน"),
    Section("เดือนสิ้นสุด", "period.end", "month", "๗ เช่น ก.ย. 2568"),
    Section("ระยะเวลา", "period.text", "single", "๗ ข้อความ เช่น จำนวน ๔ ครั้ง (พิมพ์ต่อจากเดือนเริ่ม–สิ้นสุด ถ้ามี)"),
    Section("งบประมาณต่อปี", "budget.per_year", "amount", "๘ ตามที่รายละเอียดระบุ; ไม่มี = ตามตารางส่วนที่ ๒"),
    Section("งบประมาณรวม", "budget.total", "amount", "๘ รวมทั้งแผน"),
    Section("งบประมาณ", "budget.text", "paragraphs", "๘ ข้อความที่พิมพ์ตามที่เขียน แทนยอดที่คำนวณ"),
    Section("งบประมาณว่าง", "budget.blank", "flag", "๘ ใช่ = ไม่พิมพ์ยอดเงินในหัวข้อ ๘"),
    Section("คำอธิบายงบประมาณ", "budget.note", "single", "๘ เช่น ๑๐ แห่งๆ ละ ๕๐,๐๐๐ บาท"),
    Section("ผู้รับผิดชอบ", "responsible", "paragraphs", "๙ หนึ่งบรรทัดต่อแถว; ไม่มี = ชื่อเต็มของหน่วยงาน"),
    Section("ตัวชี้วัด", "indicators", "entries", "๑๐"),
)


#: the ข้อมูลแผน form (after its ประเภทเล่ม field)
INFO = (
    *ORG,
    Field("plan.title", "ชื่อแผน", "ตามที่พิมพ์บนปก", required=False),
    Field("plan.first", "ปีแรกของแผน", "ปีงบประมาณ พ.ศ. เช่น 2565", "int"),
    Field("plan.last", "ปีสุดท้ายของแผน", "แผน ๓ หรือ ๔ ปี เช่น 2568", "int"),
    Field("layout.digits", "ตัวเลขในเล่ม", "ไทย หรือ อารบิก", "choice", required=False, choices=DIGITS),
    Field("layout.matrix_orientation", "แนวตารางส่วนที่ ๒", "อัตโนมัติ: แนวนอนเมื่อตารางกว้างเกินหน้าแนวตั้ง", "choice",
          required=False, choices=ORIENTATIONS),
    Field("layout.table_font_pt", "ขนาดอักษรในตาราง", "pt 10–16 (ว่าง = ตามค่าเริ่มต้น)", "int", required=False),
)

SHEETS = (
    UNITS,
    texts_sheet(TEXTS),
    Sheet(
        "missions",
        "มิติและภารกิจ",
        "มิติและภารกิจตามลำดับที่พิมพ์: รหัส 1 = มิติที่ 1, 1.1 = ภารกิจที่ 1.1, 1.1.1 = ภารกิจย่อย",
        (
            Column("code", "รหัส", "1, 1.1, 1.1.1", 10, "code", required=True),
            Column("title", "ชื่อ", "ชื่อมิติหรือภารกิจ", 100, required=True),
            Column("number", "เลขที่", "เลขที่พิมพ์ถ้าไม่ตามลำดับ: มิติ 3, ภารกิจ 2 หรือ 1.1 (→ 3.1.1); ว่าง = ตามลำดับ", 10, "code"),
        ),
    ),
    Sheet(
        "items",
        "รายการ",
        "โครงการ กิจกรรม มาตรการ และแนวปฏิบัติงาน (ตารางส่วนที่ ๒) เรียงตามลำดับที่พิมพ์ "
        "งบประมาณ: กรอกช่อง ทุกปี ถ้าเท่ากันทุกปี หรือกรอกรายปี (ช่องว่าง = ไม่มี)",
        (
            Column("id", "ที่", "เลขรายการ", 8, "code"),
            Column("mission", "ภารกิจ", "รหัส เช่น 1.1", 9, "code", required=True, source=("missions", "code")),
            Column("kind", "ประเภท", "เลือกจากรายการ", 14, "text", required=True, choices=KINDS),
            Column("name", "ชื่อ", "ชื่อตามที่พิมพ์ เช่น โครงการ…", 60, required=True),
            Column("unit", "หน่วยงาน", "ชื่อย่อจากแผ่นงาน หน่วยงาน หรือข้อความ; หลายหน่วยคั่นด้วย ,", 12, required=True,
                   source=("units", "abbr"), strict=False),
            Column("every_year", "งบประมาณทุกปี", AMOUNT_HINT + " (เท่ากันทุกปี)", 14, "amount"),
            Column("year", "งบประมาณ ปี", AMOUNT_HINT, 13, "amount"),
            Column("remarks", "หมายเหตุ", "เพิ่มจากชื่อย่อหน่วยงาน", 20),
        ),
        per_year="year",
    ),
    Sheet(
        "details",
        "รายละเอียด",
        "ส่วนที่ ๓ รายละเอียดโครงการ: แถวละหนึ่งย่อหน้าหรือหนึ่งข้อ ช่อง ที่ อ้างเลขในแผ่นงาน รายการ",
        (
            Column("id", "ที่", "เลขรายการ; ว่าง = ตามแถวบน", 8, "code", source=("items", "id"),
                   same_as_above=True),
            Column("section", "หัวข้อ", "เลือกจากรายการ; ว่าง = ตามแถวบน", 22, "choice",
                   choices=tuple(s.label for s in DETAILS), same_as_above=True, required=True),
            Column("level", "ระดับ", "1 หลัก, 2 ย่อย", 8, "level"),
            Column("text", "ข้อความ", "หนึ่งย่อหน้าหรือหนึ่งข้อต่อแถว", 90, required=True),
        ),
    ),
)


#: the sheets of sections (a section label per row) and their sections
SECTIONS = {"texts": TEXTS, "details": DETAILS}


def rows(plan: AntiCorruptionPlan):
    for unit in plan.units:
        yield "units", {"abbr": unit.abbr, "name": unit.name}
    yield from section_rows(TEXTS, plan, "texts")
    items = []

    def missions(list_, prefix):
        for m, mission in enumerate(list_, start=1):
            code = f"{prefix}.{m}"
            yield "missions", {"code": code, "title": mission.title, "number": mission.number}
            items.extend((code, item) for item in mission.items)
            yield from missions(mission.missions, code)

    for d, dim in enumerate(plan.dimensions, start=1):
        yield "missions", {"code": str(d), "title": dim.title, "number": text_number(dim.number)}
        yield from missions(dim.missions, str(d))
    for number, (code, item) in enumerate(items, start=1):
        row = {"id": str(number), "mission": code, "kind": item.kind, "name": item.name, "unit": ", ".join(item.unit),
               "remarks": item.remarks}
        if item.budget.years:
            row.update({f"year:{y}": amount_cell(v) for y, v in item.budget.years.items()})
        else:
            row["every_year"] = amount_cell(item.budget.every_year)
        yield "items", row
    for number, (_, item) in enumerate(items, start=1):
        if item.detail is not None:
            yield from section_rows(DETAILS, item.detail, "details", id=str(number))



def read(r, form: dict, tables: dict) -> dict:
    sections = SECTIONS
    data: dict = {"book": "anticorruption"}
    r._info(data, form, skip=("book", "plan.first", "plan.last"))
    first, last = (form.get(k, [None])[0] for k in ("plan.first", "plan.last"))
    plan = data.setdefault("plan", {})
    years: list[int] = []
    if first is not None and last is not None:
        if not 2 <= last.value - first.value <= 3:
            r.error(
                last.place,
                f"แผนต้องครอบคลุม ๓ หรือ ๔ ปี (ปีแรก {first.value} ปีสุดท้าย {last.value})",
                f"a plan covers 3 or 4 years (first {first.value}, last {last.value})",
            )
        else:
            years = list(range(first.value, last.value + 1))
            plan["years"] = years
            for i in range(len(years)):
                r.loc.at(("plan", "years", i), first.place)
    r.loc.at(("plan", "years"), first.place if first else r.loc.places[("plan", "first")])
    r._units(data, tables["units"])
    r._fill_sections(data, (), r._sectioned(tables["texts"], sections["texts"]), sections["texts"], sheet="ข้อความ")
    drop_empty(data, ("foreword", "introduction"))  # parts without rows are left out of the book

    codes = r._codes(tables["missions"], 3)
    nodes: dict[str, tuple[dict, tuple]] = {}
    dimensions: list = []
    for code, row in codes.items():
        parts = code.split(".")
        if len(parts) == 1:
            node, path = {"missions": []}, ("dimensions", len(dimensions))
            dimensions.append(node)
        else:
            parent, ppath = nodes[".".join(parts[:-1])]
            node, path = {"items": [], "missions": []}, ppath + ("missions", len(parent["missions"]))
            parent["missions"].append(node)
        nodes[code] = (node, path)
        r.loc.at(path, row.place("code"))
        r._put(node, "number", row, "number", path)
        r._put(node, "title", row, "title", path)
    data["dimensions"] = dimensions
    r.loc.at(("dimensions",), Place("มิติและภารกิจ"))

    items: dict[str, tuple[dict, tuple, Row]] = {}
    for row in tables["items"]:
        code = row.get("mission")
        if code is None:
            r.error(row.place("mission"), "ไม่ได้กรอกรหัสภารกิจ", "the mission code is missing")
            continue
        if code not in nodes:
            r.error(row.place("mission"), f"ไม่พบภารกิจรหัส {code} ในแผ่นงาน มิติและภารกิจ", f"no mission {code} in the sheet มิติและภารกิจ")
            continue
        if "." not in code:
            r.error(row.place("mission"), f"รหัส {code} เป็นมิติ ต้องระบุภารกิจ เช่น {code}.1", f"{code} is a dimension; name a mission such as {code}.1")
            continue
        mission, mpath = nodes[code]
        item: dict = {}
        path = mpath + ("items", len(mission["items"]))
        mission["items"].append(item)
        r.loc.at(path, row.place("mission"))
        for key in ("kind", "name", "unit", "remarks"):
            r._put(item, key, row, key, path)
        if isinstance(item.get("unit"), str) and "," in item["unit"]:
            item["unit"] = [u.strip() for u in item["unit"].split(",") if u.strip()]
        _budget(r, item, row, path, years)
        ident = row.get("id")
        if ident is not None:
            if ident in items:
                r.error(row.place("id"), f"เลขที่ {ident} ซ้ำกับแถว {items[ident][2].number}", f"the number {ident} repeats row {items[ident][2].number}")
            else:
                items[ident] = (item, path, row)

    details: dict[str, list] = {}
    listed = {row.get("id") for row in tables["items"]}
    for found in r._sectioned(tables["details"], sections["details"]):
        if r._refers(found[0], items, listed, "รายการ", "item"):
            details.setdefault(found[0].get("id"), []).append(found)
    for ident, rows in details.items():
        item, path, _ = items[ident]
        detail: dict = {}
        first_place = rows[0][0].place("id")
        dpath = path + ("detail",)
        r.loc.at(dpath, first_place.relabel(f"รายละเอียดของรายการที่ {ident}"))
        for section in sections["details"]:
            r.loc.at(dpath + tuple(section.target.split(".")), first_place.relabel(f"ที่ {ident}: {section.label}"))
        r._fill_sections(detail, dpath, rows, sections["details"], f"ที่ {ident}: ")
        item["detail"] = detail
    return data


def _budget(r, item: dict, row: Row, path: tuple, years: list[int]) -> None:
    every = row.value("every_year")
    per_year: dict[int, Value] = {}
    for key in row.values:
        cell = row.value(key)
        if key.startswith("year:"):
            per_year[int(key[5:])] = cell
        elif key.startswith("year#"):
            index = int(key[5:]) - 1
            if index >= len(years):
                r.error(
                    cell.place,
                    f"แผนมี {len(years)} ปี จึงไม่มีปีที่ {index + 1}",
                    f"the plan has {len(years)} years, so there is no year {index + 1}",
                )
            else:
                per_year[years[index]] = cell
    r.loc.at(path + ("budget",), row.places.get("every_year", row.place("mission")))
    if every is not None and per_year:
        r.error(
            every.place,
            "กรอกงบประมาณทุกปี หรือกรอกรายปี อย่างใดอย่างหนึ่ง",
            "give the budget for every year or year by year, not both",
        )
        return
    if every is not None:
        item["budget"] = every.value
        r.loc.at(path + ("budget", "every_year"), every.place)
    elif per_year:
        item["budget"] = {year: cell.value for year, cell in per_year.items()}
        for year, cell in per_year.items():
            r.loc.at(path + ("budget", year), cell.place)
            r.loc.at(path + ("budget", "years", year), cell.place)

# -- shared parts --------------------------------------------------------------
