"""Dates as Thai readers write them: Buddhist era, Thai months, Bangkok time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..thai import MONTHS_ABBR

BANGKOK = timezone(timedelta(hours=7), "ICT")


def thai_datetime(moment: datetime | None) -> str:
    """Return "2 ธ.ค. 2569 09:05 น." for a moment (stored in UTC); "-" for none."""
    if moment is None:
        return "-"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(BANGKOK)
    return f"{local.day} {MONTHS_ABBR[local.month]} {local.year + 543} {local:%H:%M} น."
