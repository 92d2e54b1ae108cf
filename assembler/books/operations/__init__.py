"""แผนดำเนินงาน: the annual operational plan, forms ผด.01 and ผด.02 (records, checks, view, workbook)."""
from __future__ import annotations

from .. import BookType, register
from . import checks, records, view, workbook

BOOK = register(BookType(
    name="operations",
    title="แผนดำเนินงาน",
    model=records.OperationsPlan,
    structural=checks.structural,
    check=checks.check_operations,
    build_document=view.build_document,
    view=view.OperationsView,
    parts=view.PARTS,
    workbook=workbook,
))
