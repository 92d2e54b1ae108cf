"""Messages as data: Thai and English apart, values as the book prints them, one table."""
from __future__ import annotations

import string

import pytest

from assembler.checks import check
from assembler.errors import InputError
from assembler.messages import MESSAGES, baht, say
from assembler.loading import load

from .conftest import FIXTURES

MINIMAL = FIXTURES / "minimal.yaml"
OPS = FIXTURES / "operations-minimal.yaml"


def write(tmp_path, source, old: str, new: str):
    text = source.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / source.name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_budget_warning_shows_amounts_as_the_book_prints_them(tmp_path):
    """It printed "2568: None" and "1500000"."""
    path = write(
        tmp_path, MINIMAL,
        "              indicators: [ร้อยละ ๘๐ ผ่านการประเมิน]\n          - kind: กิจกรรม",
        "              indicators: [ร้อยละ ๘๐ ผ่านการประเมิน]\n              budget: {per_year: 1500000, total: 2000000}\n"
        "          - kind: กิจกรรม",
    )
    plan, located = load(path)
    problems = [p for p in check(plan, located) if "budget" in p.where]
    assert len(problems) == 2
    differs = next(p for p in problems if p.where.endswith("per_year"))
    assert differs.english == "the detail sheet budget (1,500,000 baht a year) differs from the matrix (2566: 20,000, 2567: 25,000, 2568: -)"
    assert differs.thai == "งบประมาณในรายละเอียดโครงการ (1,500,000 บาทต่อปี) ไม่ตรงกับตารางส่วนที่ ๒ (2566: 20,000, 2567: 25,000, 2568: -)"
    total = next(p for p in problems if p.where.endswith("total"))
    assert "(2,000,000 baht) differs from the matrix sum (45,000 baht)" in total.english
    for p in problems:
        assert "None" not in p.thai + p.english and "1500000" not in p.thai + p.english


def test_a_value_holding_a_slash_stays_in_both_sentences(tmp_path):
    """A message was split into Thai and English at its first " / ", which broke on such a value."""
    path = write(tmp_path, OPS, "{start: ส.ค.}", "{start: ส.ค. / ก.ย.}")
    with pytest.raises(InputError) as caught:
        load(path)
    (problem,) = caught.value.problems
    assert problem.thai.startswith("ไม่รู้จักเดือน 'ส.ค. / ก.ย.' (เขียนเช่น")
    assert problem.english == "unknown month 'ส.ค. / ก.ย.' (write e.g. ต.ค., ตุลาคม, ต.ค. 2565 or 2565-10)"


def test_the_period_warning_names_months_as_the_book_does(tmp_path):
    path = write(tmp_path, MINIMAL, "period: {start: 2565-10, end: 2567-09}", "period: {start: 2563-10, end: 2564-09}")
    plan, located = load(path)
    (problem,) = [p for p in check(plan, located) if p.where.endswith("period")]
    assert problem.english == "the period ต.ค. 2563 to ก.ย. 2564 lies outside the plan (ต.ค. 2565 to ก.ย. 2568)"


def test_one_table_holds_every_message_in_both_languages():
    fields = lambda text: {f for _, f, _, _ in string.Formatter().parse(text) if f}  # noqa: E731
    for key, (thai, english) in MESSAGES.items():
        assert thai and english and thai != english, key
        # the English names the same values (an _en variant where the words differ)
        assert {f.removesuffix("_en") for f in fields(english)} <= fields(thai) | {"thing"}, key
    assert say("amount_fraction", value=1.5) == ("งบประมาณต้องเป็นบาทเต็มจำนวน (พบ 1.5)", "a budget is whole baht (found 1.5)")
    assert [baht(v) for v in (3000000, None, "ไม่ใช้งบประมาณ")] == ["3,000,000", "-", "ไม่ใช้งบประมาณ"]
