"""แผนปฏิบัติการป้องกันการทุจริต: the anti-corruption action plan (records, checks, view, workbook)."""
from __future__ import annotations

from .. import BookType, register
from . import checks, records, view, workbook

BOOK = register(BookType(
    name="anticorruption",
    title="แผนปฏิบัติการป้องกันการทุจริต",
    model=records.AntiCorruptionPlan,
    structural=checks.structural,
    check=checks.check_anticorruption,
    build_document=view.build_document,
    view=view.AntiCorruptionView,
    parts=view.PARTS,
    workbook=workbook,
    introduction_sections=checks.INTRODUCTION_SECTIONS,
))
