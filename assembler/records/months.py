"""Months as records write them: ต.ค., ตุลาคม, ต.ค. 2565, 2565-10 or 10, normalised to "M" or "YYYY-MM"."""
from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator

from ..messages import RecordsValueError
from ..thai import FISCAL_MONTHS, MONTHS, MONTHS_ABBR, parse_number

_NAMES = {name: i for i, name in enumerate(MONTHS) if name}
_NAMES.update({abbr: i for i, abbr in enumerate(MONTHS_ABBR) if abbr})
_NAMES.update({abbr.replace(".", ""): i for i, abbr in enumerate(MONTHS_ABBR) if abbr})
_MONTH = re.compile(r"^\s*(?P<name>[^\d\s]+?)\s*(?P<year>[\d\u0e50-\u0e59]{4})?\s*$")
_ISO = re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})\s*$")


def parse_month(value: object) -> object:
    """Normalise a month to "M" or "YYYY-MM": ต.ค. / ตุลาคม / ต.ค. 2565 / 2565-10 / 10."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 12:
        return str(value)
    text = str(value).strip()
    if text.isdigit() and 1 <= int(text) <= 12:  # "10" typed as text
        return str(int(text))
    iso = _ISO.match(text)
    if iso and 1 <= int(iso["month"]) <= 12:
        return f"{int(iso['year'])}-{int(iso['month']):02d}"
    match = _MONTH.match(text)
    if match and match["name"] in _NAMES:
        month = _NAMES[match["name"]]
        return f"{parse_number(match['year'])}-{month:02d}" if match["year"] else str(month)
    raise RecordsValueError("month_unknown", value=value)


Month = Annotated[str, BeforeValidator(parse_month)]


def month_number(month: str) -> int:
    """Return the calendar month of a normalised month."""
    return int(month.split("-")[-1])


def month_year(month: str) -> int | None:
    """Return the Buddhist-era year a normalised month names, if it names one."""
    return int(month.split("-")[0]) if "-" in month else None


def month_label(month: str) -> str:
    """Return a normalised month as a reader writes it: "ต.ค." or "ต.ค. 2565"."""
    year = month_year(month)
    name = MONTHS_ABBR[month_number(month)]
    return f"{name} {year}" if year else name


def month_text(month: str) -> str:
    """Return any normalised month as a person types it: "ต.ค." or "ต.ค. 2564" (for 2564-10)."""
    if "-" in month:
        return f"{MONTHS_ABBR[month_number(month)]} {month_year(month)}"
    return MONTHS_ABBR[month_number(month)]


def fiscal_index(month: str) -> int:
    """Return 0 for ต.ค. … 11 for ก.ย."""
    return FISCAL_MONTHS.index(month_number(month))
