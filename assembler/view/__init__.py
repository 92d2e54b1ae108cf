"""View models: book records → Document, with every number computed once."""
from __future__ import annotations

from ..document import Document
from ..records.anticorruption import AntiCorruptionPlan
from ..records.operations import OperationsPlan
from . import anticorruption, operations
from .common import Part

#: book type → the parts ``planbook build --parts`` chooses from (``planbook parts BOOK``)
PARTS: dict[str, tuple[Part, ...]] = {"anticorruption": anticorruption.PARTS, "operations": operations.PARTS}


def build_document(
    plan: AntiCorruptionPlan | OperationsPlan, thai_digits: bool | None = None, parts: tuple[str, ...] | None = None
) -> Document:
    """Return the Document of any book; ``parts`` (keys of PARTS[book]) builds only those parts."""
    if isinstance(plan, OperationsPlan):
        return operations.build_document(plan, thai_digits, parts)
    return anticorruption.build_document(plan, thai_digits, parts)


def present_parts(plan: AntiCorruptionPlan | OperationsPlan) -> tuple[str, ...]:
    """Return the keys of the parts the records hold (a book without คำนำ has no foreword part)."""
    view = operations.OperationsView(plan) if isinstance(plan, OperationsPlan) else anticorruption.AntiCorruptionView(plan)
    return tuple(p.key for p in PARTS[plan.book] if view.has(p.key))
