"""Every message the records checks give, in one table: Thai and English apart.

A message is a key and its values. :func:`say` fills both sentences; values
are shown as the book prints them (baht with thousands separators, "-" for
none, months as ต.ค. 2565), never as Python writes them. Records validators
raise :class:`RecordsValueError`, which carries its two sentences through
pydantic untouched (nothing splits a sentence at " / ").

Values: ``baht(...)`` formats money; text is put in quotes by the templates
where a reader needs to see where it starts and ends ('…'); years and counts
are plain numbers.
"""
from __future__ import annotations

from .thai import DASH, NOT_BUDGETED

#: key → (Thai, English); {name} placeholders are filled by say()
MESSAGES: dict[str, tuple[str, str]] = {
    # -- reading records ---------------------------------------------------------
    "cannot_read": ("อ่านไฟล์ไม่ได้ ({reason})", "cannot read the file ({reason})"),
    "too_large": (
        "ไฟล์ใหญ่เกิน {megabytes} MB จึงไม่ใช่ข้อมูลแผน", "the file is larger than {megabytes} MB: too large to be plan records"
    ),
    "not_regular": (
        "ไม่ใช่ไฟล์ธรรมดา (เป็นโฟลเดอร์ อุปกรณ์ หรือท่อ) จึงไม่อ่าน", "not a regular file (a folder, a device or a pipe): it is not read"
    ),
    "several_documents": ("ไฟล์มีเอกสาร YAML มากกว่าหนึ่งชุด (---)", "the file holds more than one YAML document (---)"),
    "yaml_tag": ("ไม่รองรับแท็ก YAML ({tag})", "YAML tags ({tag}) are not supported"),
    "anchor_undefined": ("ไม่พบจุดยึด &{anchor}", "the anchor &{anchor} is not defined"),
    "alias_self": ("นามแฝง *{anchor} อ้างถึงตัวเอง", "the alias *{anchor} refers to itself"),
    "alias_budget": (
        "นามแฝง (*) ทำซ้ำข้อมูลเกิน {limit} ค่า: เขียนข้อมูลออกมาแทน",
        "aliases (*) repeat more than {limit} values: write the data out instead",
    ),
    "nested_too_deep": ("ข้อมูลซ้อนกันลึกเกิน {depth} ชั้น", "the data is nested more than {depth} levels deep"),
    "number_too_long": (
        "ตัวเลขยาวเกิน {digits} หลัก (ถ้าเป็นข้อความ ให้ครอบด้วยเครื่องหมายคำพูด)",
        "a number longer than {digits} digits (put text in quotes)",
    ),
    "number_not_finite": ("ตัวเลขต้องมีค่าจำกัด (พบ {value})", "a number must be finite (found {value})"),
    "not_utf8": ("ไฟล์ไม่ได้เข้ารหัส UTF-8 (ไบต์ที่ {byte})", "the file is not UTF-8 text (byte {byte})"),
    "malformed": ("รูปแบบ YAML/JSON ไม่ถูกต้อง: {detail}", "malformed YAML/JSON: {detail}"),
    "empty_file": ("ไฟล์ว่างเปล่า", "the file is empty"),
    "key_not_plain": ("คีย์ต้องเป็นข้อความ", "keys must be plain values"),
    "merge_key": ("ไม่รองรับการรวมคีย์ (<<)", "YAML merge keys (<<) are not supported"),
    "duplicate_key": ("คีย์ '{key}' ซ้ำกัน", "duplicate key '{key}'"),
    "old_workbook": (
        "planbook อ่านได้เฉพาะ .xlsx: เปิดไฟล์ใน Excel หรือ LibreOffice แล้วบันทึกเป็น .xlsx (Excel Workbook)",
        "planbook reads .xlsx workbooks only: open the file in Excel or LibreOffice and save it as .xlsx",
    ),
    "not_a_mapping": ("ไฟล์ต้องเป็นกลุ่มข้อมูล (mapping) ที่มีช่อง book", "the file must be a mapping with a 'book' field"),
    "unknown_book": ("ไม่รู้จักประเภทเล่ม '{book}' (ใช้ได้: {known})", "unknown book type '{book}' (known: {known})"),
    # -- budgets ------------------------------------------------------------------
    "amount_not_money": ("งบประมาณต้องเป็นจำนวนเงิน", "a budget must be an amount of baht"),
    "amount_negative": ("งบประมาณต้องไม่ติดลบ", "a budget cannot be negative"),
    "amount_fraction": ("งบประมาณต้องเป็นบาทเต็มจำนวน (พบ {value})", "a budget is whole baht (found {value})"),
    "amount_unknown": (
        "งบประมาณต้องเป็นจำนวนเงิน, \"-\" หรือ \"" + NOT_BUDGETED + "\" (พบ '{value}')",
        "a budget is an amount of baht, \"-\" or \"" + NOT_BUDGETED + "\" (found '{value}')",
    ),
    "amount_too_large": ("งบประมาณเกิน {limit} บาท (พบ {value})", "a budget above {limit} baht (found {value})"),
    "budget_year_outside": (
        "ปีงบประมาณ {year} ไม่อยู่ในปีของแผน ({first}–{last})",
        "budget year {year} is outside the plan years ({first}–{last})",
    ),
    # -- months and schedules ----------------------------------------------------------
    "month_unknown": (
        "ไม่รู้จักเดือน '{value}' (เขียนเช่น ต.ค., ตุลาคม, ต.ค. 2565 หรือ 2565-10)",
        "unknown month '{value}' (write e.g. ต.ค., ตุลาคม, ต.ค. 2565 or 2565-10)",
    ),
    "month_outside_fiscal_year": (
        "เดือน {month} อยู่นอกปีงบประมาณ {year} (ต.ค. {before} ถึง ก.ย. {year})",
        "the month {month} is outside fiscal year {year} (Oct {before} to Sep {year})",
    ),
    "schedule_crosses_fiscal_year": (
        "ช่วง {start} ถึง {end} อยู่นอกปีงบประมาณ {year} (ต.ค. {before} ถึง ก.ย. {year}): "
        "{end} หลัง {start} อยู่ในปีงบประมาณถัดไป",
        "the schedule {start} to {end} runs outside fiscal year {year} (Oct {before} to Sep {year}): "
        "the {end} after {start} is in the next fiscal year",
    ),
    "schedule_reversed": (
        "เดือนสิ้นสุด ({end}) มาก่อนเดือนเริ่ม ({start})",
        "the end month ({end}) comes before the start month ({start})",
    ),
    "project_unscheduled": (
        "โครงการต้องมีช่วงเวลาดำเนินการ (schedule) ของโครงการ ของรายละเอียด หรือกิจกรรมย่อย",
        "a project needs a schedule, its own, its details' or sub-activities",
    ),
    "activity_unscheduled": (
        "กิจกรรมย่อยต้องมีช่วงเวลาดำเนินการ (schedule) ของกิจกรรมหรือของรายละเอียด",
        "a sub-activity needs a schedule, its own or its details'",
    ),
    "code_format": (
        "เลขที่ต้องเป็นเลขหรือเลขคั่นด้วยจุด เช่น 2 หรือ 1.1 (พบ '{value}'; ถ้าพิมพ์ 1.10 ให้ใส่เครื่องหมายคำพูด)",
        "a number is a number or numbers joined by dots, e.g. 2 or 1.1 (found '{value}'; quote 1.10)",
    ),
    "plan_projects_or_subplans": (
        "แนวทาง/แผนงานต้องมีโครงการ (projects) หรือแนวทางย่อย (plans) อย่างใดอย่างหนึ่ง",
        "a plan holds either projects or sub-plans (plans), one of them",
    ),
    "strategy_plans_or_subheadings": (
        "ยุทธศาสตร์ต้องมีแนวทาง/แผนงาน (plans) หรือหัวข้อย่อย (subheadings) อย่างใดอย่างหนึ่ง",
        "a strategy holds either plans or sub-headings (subheadings), one of them",
    ),
    "plan_years_consecutive": ("ปีของแผนต้องเรียงติดกัน", "plan years must be consecutive"),
    "targets_empty": ("ต้องมีเป้าหมายอย่างน้อยหนึ่งข้อ", "at least one target is needed"),
    "detail_month_format": (
        "เดือนต้องเขียนเป็น ปี พ.ศ.-เดือน เช่น 2565-10 (พบ '{value}')",
        "a month is written YEAR-MONTH in Buddhist era, e.g. 2565-10 (found '{value}')",
    ),
    "period_needs_both": (
        "ระยะเวลาต้องมีทั้งเดือนเริ่ม (start) และเดือนสิ้นสุด (end)", "a period needs both its start and its end month"
    ),
    "period_needs_months_or_text": (
        "ระยะเวลาต้องมีช่วงเดือน (start, end) หรือข้อความ (text)", "a period needs its months (start, end) or its text"
    ),
    "period_reversed": (
        "เดือนสิ้นสุด {end} มาก่อนเดือนเริ่ม {start}",
        "the end month {end} comes before the start month {start}",
    ),
    # -- detail sheets as written ------------------------------------------------------------
    "blank_budget_with_text": (
        "หัวข้อ ๘ ที่ว่างไว้ (blank) ไม่มีข้อความ (text, note)", "a blank ๘ (blank: true) holds no text or note"
    ),
    "table_width": ("ตารางมีได้ 1 ถึง 8 ช่อง (แถวแรกมี {width})", "a table has 1 to 8 columns (its first row has {width})"),
    "table_uneven": (
        "ทุกแถวของตารางต้องมีจำนวนช่องเท่ากัน: แถวที่ {row} มี {cells} ช่อง แถวแรกมี {width}",
        "every row of a table has the same number of cells: row {row} has {cells}, the first row {width}",
    ),
    "unit_with_comma": (
        "หน่วยงานหนึ่งไม่มีเครื่องหมายจุลภาค (พบ '{value}'): หลายหน่วยเขียนเป็นรายการ [กวช., กค.]",
        "a unit holds no comma (found '{value}'): write several units as a list [กวช., กค.]",
    ),
    # -- parts left out (notices) ---------------------------------------------------------
    "no_foreword": ("ไม่มีคำนำ (foreword): เล่มนี้ไม่มีหน้าคำนำ", "no foreword: the book goes without its คำนำ page"),
    "no_introduction": (
        "ไม่มีบทนำ (introduction): เล่มนี้ไม่มีส่วนที่ ๑", "no introduction: the book goes without ส่วนที่ ๑ บทนำ"
    ),
    "no_introduction_section": (
        "ส่วนที่ ๑ ไม่มีหัวข้อ{section}: หัวข้อที่มีจะเรียงเลขต่อกัน",
        "ส่วนที่ ๑ has no {section_en} section: the sections it has are numbered in order",
    ),
    # -- consistency (warnings) ---------------------------------------------------------
    "duplicate_name": ("{thing} '{name}' ซ้ำกับ{thing}ที่{first}", "the {thing_en} '{name}' duplicates the one at {first_en}"),
    "unknown_unit": ("ไม่รู้จักหน่วยงาน '{unit}' (ไม่มีใน units)", "unknown unit '{unit}' (not in units)"),
    "unknown_responsible_unit": (
        "ไม่รู้จักหน่วยงาน '{unit}' (ไม่มีใน units)", "unknown responsible unit '{unit}' (not in units)"
    ),
    "unit_defined_twice": ("ชื่อย่อหน่วยงาน {abbr} ซ้ำกัน", "unit abbreviation {abbr} is defined twice"),
    "project_budget_differs": (
        "งบประมาณโครงการ ({budget} บาท) ไม่เท่ากับผลรวมของกิจกรรมย่อย ({total} บาท)",
        "the project budget ({budget} baht) differs from the sum of its sub-activities ({total} baht)",
    ),
    "name_says_other_kind": (
        "ชื่อขึ้นต้นว่า {word} แต่ระบุประเภทเป็น {kind}",
        "the name starts with {word} but the kind is {kind}",
    ),
    "no_detail_sheet": ("ไม่มีรายละเอียดโครงการ (ส่วนที่ ๓)", "the item has no detail sheet (part 3)"),
    "period_outside_plan": (
        "ระยะเวลา {start} ถึง {end} อยู่นอกช่วงของแผน ({first} ถึง {last})",
        "the period {start} to {end} lies outside the plan ({first} to {last})",
    ),
    "detail_not_budgeted": (
        "รายละเอียดโครงการว่าไม่ใช้งบประมาณ แต่ตารางส่วนที่ ๒ มีงบประมาณ ({matrix})",
        "the detail sheet says not budgeted but the matrix budgets it ({matrix})",
    ),
    "detail_budget_differs": (
        "งบประมาณในรายละเอียดโครงการ ({stated} บาทต่อปี) ไม่ตรงกับตารางส่วนที่ ๒ ({matrix})",
        "the detail sheet budget ({stated} baht a year) differs from the matrix ({matrix})",
    ),
    "detail_total_differs": (
        "งบประมาณรวมในรายละเอียดโครงการ ({stated} บาท) ไม่ตรงกับผลรวมในตารางส่วนที่ ๒ ({total} บาท)",
        "the detail sheet total ({stated} baht) differs from the matrix sum ({total} baht)",
    ),
    "number_repeated": (
        "{thing}ที่ {number} ซ้ำกับ{thing}ก่อนหน้า",
        "{thing_en} {number} is numbered like the one before it",
    ),
    "number_gap": (
        "{thing}ที่ {number} ตามหลัง{thing}ที่ {previous} (ข้ามเลขหรือเรียงไม่ตามลำดับ)",
        "{thing_en} {number} follows {thing_en} {previous} (a gap, or out of order)",
    ),
    "mission_twice": (
        "ภารกิจ '{title}' ซ้ำกันในมิติเดียวกัน",
        "the mission '{title}' appears twice in one dimension",
    ),
}

#: Thai wording for the pydantic error types records are likely to hit (the English is pydantic's)
PYDANTIC_THAI = {
    "missing": "ขาดข้อมูลที่จำเป็น",
    "extra_forbidden": "ไม่รู้จักช่องข้อมูลนี้ (สะกดผิดหรือวางผิดที่)",
    "string_type": "ต้องเป็นข้อความ",
    "int_type": "ต้องเป็นจำนวนเต็ม",
    "int_parsing": "ต้องเป็นจำนวนเต็ม",
    "list_type": "ต้องเป็นรายการ (list)",
    "dict_type": "ต้องเป็นกลุ่มข้อมูล (mapping)",
    "model_type": "ต้องเป็นกลุ่มข้อมูล (mapping)",
    "literal_error": "ค่าไม่อยู่ในตัวเลือกที่กำหนด",
    "greater_than_equal": "ค่าน้อยเกินไป",
    "less_than_equal": "ค่ามากเกินไป",
    "too_short": "จำนวนรายการน้อยเกินไป",
    "too_long": "จำนวนรายการมากเกินไป",
    "string_too_short": "ข้อความต้องไม่ว่าง",
    "string_pattern_mismatch": "รูปแบบข้อความไม่ถูกต้อง",
    "bool_type": "ต้องเป็น true หรือ false",
}


def shown(value: object) -> str:
    """Return a value as a message shows it: text as written, None as "-", a list joined by commas."""
    if value is None:
        return DASH
    if isinstance(value, (list, tuple)):
        return ", ".join(shown(v) for v in value)
    return str(value)


def baht(value: object) -> str:
    """Return an amount as the book prints it: 3,000,000, "-" for none, or ไม่ใช้งบประมาณ."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return shown(value)


def say(key: str, /, **values: object) -> tuple[str, str]:
    """Return the Thai and English sentences of message ``key`` with ``values`` filled in."""
    thai, english = MESSAGES[key]
    filled = {name: shown(value) for name, value in values.items()}
    return thai.format(**filled), english.format(**filled)


class RecordsValueError(ValueError):
    """A records validator's error: a message key and its values (pydantic passes it on as it is)."""

    def __init__(self, key: str, /, **values: object):
        self.key = key
        self.thai, self.english = say(key, **values)
        super().__init__(self.english)
