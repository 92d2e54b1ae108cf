"""Records parts every book shares: organisation, units, คำนำ, budgets, list entries."""
from __future__ import annotations

import math
from typing import Annotated, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..thai import DASH, NOT_BUDGETED, parse_number
from .limits import MAX_BAHT


class Record(BaseModel):
    """Base of every records model: unknown fields are errors, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


Text = Annotated[str, Field(min_length=1)]


def _amount(value: object) -> object:
    """Normalise a budget cell: whole baht, None ("-") or "ไม่ใช้งบประมาณ"."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ValueError("งบประมาณต้องเป็นจำนวนเงิน / a budget must be an amount of baht")
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value) or value < 0:
            raise ValueError(f"งบประมาณต้องเป็นบาทเต็มจำนวน (พบ {value}) / a budget is whole baht (found {value})")
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise ValueError("งบประมาณต้องไม่ติดลบ / a budget cannot be negative")
        return _bounded(value)
    if isinstance(value, str):
        text = value.strip()
        if text in ("", DASH, "none"):
            return None
        if text in (NOT_BUDGETED, "not budgeted"):
            return NOT_BUDGETED
        try:
            number = parse_number(text.removesuffix("บาท").strip())
        except ValueError:
            pass
        else:
            return _bounded(number)
    raise ValueError(
        f"งบประมาณต้องเป็นจำนวนเงิน, \"-\" หรือ \"{NOT_BUDGETED}\" (พบ {value!r}) / "
        f"a budget is an amount of baht, \"-\" or \"{NOT_BUDGETED}\" (found {value!r})"
    )


def _bounded(baht: int) -> int:
    if baht > MAX_BAHT:
        raise ValueError(
            f"งบประมาณเกิน {MAX_BAHT:,} บาท (พบ {baht:,}) / a budget above {MAX_BAHT:,} baht (found {baht:,})"
        )
    return baht


#: the same, for a text that may state an amount ("50,000 บาท")
parse_amount = _amount

#: A budget cell: baht, None (shown "-") or "ไม่ใช้งบประมาณ" (runs without money).
Amount = Annotated[Optional[Union[int, Literal["ไม่ใช้งบประมาณ"]]], BeforeValidator(_amount)]


def _list_entry(value: object) -> object:
    return {"text": value} if isinstance(value, (str, int)) and not isinstance(value, bool) else value


class ListEntry(Record):
    """One entry of a numbered list; ``items`` nests a sub-list under it."""

    text: Text
    items: list["Entry"] = []


Entry = Annotated[ListEntry, BeforeValidator(_list_entry)]


class Organisation(Record):
    """The local government that publishes the plan."""

    name: Text = Field(description="ชื่อ อปท. เช่น เทศบาลเมืองสายธาร")
    kind: Text = Field(description="ประเภท: เทศบาลนคร/เทศบาลเมือง/เทศบาลตำบล/อบต./อบจ.")
    province: Text = Field(description="จังหวัด")
    prepared_by: list[Text] = Field(
        min_length=1, description="ผู้จัดทำ ทีละบรรทัด เช่น ฝ่ายแผนงานและงบประมาณ, กองวิชาการและแผนงาน"
    )


class Unit(Record):
    """A responsible unit and the abbreviation the matrix prints (หมายเหตุ)."""

    abbr: Text = Field(description="ชื่อย่อ เช่น กวช.")
    name: Text = Field(description="ชื่อเต็ม เช่น กองวิชาการและแผนงาน")


class Foreword(Record):
    """คำนำ: paragraphs and the signature block."""

    paragraphs: list[Text] = Field(min_length=1)
    signature: list[Text] = Field(default=[], description="บรรทัดลงท้าย; ว่างไว้ = ผู้จัดทำ + ชื่อ อปท.")
