"""Records parts every book shares: organisation, units, คำนำ, budgets, list entries."""
from __future__ import annotations

import math
import re
from typing import Annotated, ClassVar, Literal, Optional, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..messages import RecordsValueError
from pythainlp.util import thai_digit_to_arabic_digit

from ..thai import DASH, NOT_BUDGETED, parse_number
from .limits import MAX_BAHT


class Record(BaseModel):
    """Base of every records model: unknown fields are errors, text is trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    #: list fields a records file writes as one value when they hold one text (unit: กวช.)
    ONE_AS_TEXT: ClassVar[frozenset[str]] = frozenset()

    def short(self) -> object:
        """Return the short form a person writes for this value (records/dump.py), or None."""
        return ...


Text = Annotated[str, Field(min_length=1)]


def _number(value: object) -> object:
    """Accept a printed number written with Thai or Arabic digits ("๕" or 5)."""
    if isinstance(value, str):
        try:
            return parse_number(value.strip())
        except ValueError:
            return value
    return value


#: the number a heading prints (ยุทธศาสตร์ที่ 5); none: its position
Number = Optional[Annotated[int, Field(ge=1, le=999), BeforeValidator(_number)]]

_CODE = re.compile(r"^\d+(\.\d+)*$")


def _code(value: object) -> object:
    """Accept a dotted code: 2, "1.1", "๑.๑"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise RecordsValueError("code_format", value=value)  # 1.10 typed as a number is already 1.1
    text = thai_digit_to_arabic_digit(str(value)).strip().rstrip(".")
    if not _CODE.match(text) or any(int(p) == 0 for p in text.split(".")):
        raise RecordsValueError("code_format", value=value)
    return ".".join(str(int(p)) for p in text.split("."))


#: a printed number that may be dotted (a ภารกิจ ๑.๑ under its มิติ prints ๓.๑.๑); none: its position
Code = Optional[Annotated[str, BeforeValidator(_code)]]


def _amount(value: object) -> object:
    """Normalise a budget cell: whole baht, None ("-") or "ไม่ใช้งบประมาณ"."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise RecordsValueError("amount_not_money")
        return None
    if isinstance(value, float):
        if not math.isfinite(value) or value != int(value) or value < 0:
            raise RecordsValueError("amount_fraction", value=value)
        value = int(value)
    if isinstance(value, int):
        if value < 0:
            raise RecordsValueError("amount_negative")
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
    raise RecordsValueError("amount_unknown", value=value)


def _bounded(baht: int) -> int:
    if baht > MAX_BAHT:
        raise RecordsValueError("amount_too_large", limit=f"{MAX_BAHT:,}", value=f"{baht:,}")
    return baht


#: the same, for a text that may state an amount ("50,000 บาท")
parse_amount = _amount

#: A budget cell: baht, None (shown "-") or "ไม่ใช้งบประมาณ" (runs without money).
Amount = Annotated[Optional[Union[int, Literal["ไม่ใช้งบประมาณ"]]], BeforeValidator(_amount)]


def _list_entry(value: object) -> object:
    return {"text": value} if isinstance(value, (str, int)) and not isinstance(value, bool) else value


class ListEntry(Record):
    """One entry of a numbered list; ``items`` nests a sub-list under it."""

    def short(self) -> object:
        return self.text if not self.items else ...

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
