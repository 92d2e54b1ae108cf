"""The view model computes counts, totals and numbering from the records."""
from __future__ import annotations

from collections import Counter

import yaml

from assembler.document import Para, Table
from assembler.loading import load
from assembler.thai import Numerals
from assembler.books.anticorruption.view import build_document

from .conftest import EXAMPLE

KIND_ORDER = ("โครงการ", "กิจกรรม", "มาตรการ", "แนวปฏิบัติงาน")


def raw_items(mission: dict) -> list[dict]:
    """Items of a mission and its sub-missions, read straight from the YAML."""
    items = list(mission.get("items", []))
    for sub in mission.get("missions", []):
        items += raw_items(sub)
    return items


def raw_amount(item: dict, year: int) -> int:
    budget = item.get("budget")
    value = budget.get(year) if isinstance(budget, dict) else budget
    return value if isinstance(value, int) else 0


def matrices(document) -> list[Table]:
    return [b for s in document.sections for b in s.blocks if isinstance(b, Table) and b.style == "matrix"]


def cell_text(cell) -> str:
    return " ".join(p.full_text for p in cell.paras)


def test_total_rows_count_and_sum_what_the_records_hold():
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    years = raw["plan"]["years"]
    num = Numerals(True)
    plan, _ = load(EXAMPLE)
    tables = matrices(build_document(plan))
    assert len(tables) == len(raw["dimensions"]) + 1  # one per มิติ and the grand total
    every = []
    for dim, table in zip(raw["dimensions"], tables):
        items = [i for m in dim["missions"] for i in raw_items(m)]
        every += items
        counts = Counter(i["kind"] for i in items)
        expected = " ".join(f"{num.digits(counts[k])} {k}" for k in KIND_ORDER if counts[k])
        total_row = [cell_text(c) for c in table.body[-1]]
        assert total_row[0] == "รวม"
        assert total_row[1] == expected
        for y, shown in zip(years, total_row[2:]):
            total = sum(raw_amount(i, y) for i in items)
            assert shown == (num.number(total) if total else "-")
    # the grand total (then the line spelling out the unit abbreviations)
    grand = [cell_text(c) for c in tables[-1].body[-2]]
    assert grand[0] == "รวมทั้งสิ้น"
    assert cell_text(tables[-1].body[-1][0]).startswith("หมายเหตุ ชื่อย่อหน่วยงาน")
    counts = Counter(i["kind"] for i in every)
    assert grand[1] == " ".join(f"{num.digits(counts[k])} {k}" for k in KIND_ORDER if counts[k])
    for y, shown in zip(years, grand[2:]):
        assert shown == num.number(sum(raw_amount(i, y) for i in every))


def test_items_are_numbered_per_mission_and_sheets_over_the_book():
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    plan, _ = load(EXAMPLE)
    document = build_document(plan)
    # (๑), (๒)… restart under every ภารกิจ: the item cells of the matrices, in order
    numbers = []
    for table in matrices(document)[:-1]:
        for row in table.body:
            for cell in row:
                text = cell_text(cell)
                if text.startswith("(") and ")" in text:
                    numbers.append(text[: text.index(")") + 1])

    def expected_numbers(missions):
        out = []
        for m in missions:
            out += [f"({Numerals(True).digits(i)})" for i in range(1, len(m.get("items", [])) + 1)]
            out += expected_numbers(m.get("missions", []))
        return out

    assert numbers == [n for d in raw["dimensions"] for n in expected_numbers(d["missions"])]
    sheets = [b.text for s in document.sections for b in s.blocks if isinstance(b, Para) and b.style == "sheet-no"]
    total = sum(len(raw_items(m)) for d in raw["dimensions"] for m in d["missions"])
    assert sheets == [f"ลำดับที่ {Numerals(True).digits(n)}" for n in range(1, total + 1)]


def test_empty_mission_shows_a_dash_and_arabic_mode_has_no_thai_digits():
    plan, _ = load(EXAMPLE)
    empty = [m for d in plan.dimensions for m in d.missions if not m.items and not m.missions]
    assert empty, "the example has an empty ภารกิจ"
    arabic = build_document(plan, thai_digits=False)
    from assembler.document import text_blocks

    text = "".join(text_blocks(arabic))
    assert not any("\u0e50" <= ch <= "\u0e59" for ch in text)
    assert any(ch.isdigit() for ch in text)
    for table in matrices(arabic)[:-1]:
        for row in table.body:
            cells = [cell_text(c) for c in row]
            if any(m.title in " ".join(cells) for m in empty):
                assert cells[-5:-1] == ["-"] * 4 or "-" in cells
