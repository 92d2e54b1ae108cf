"""View models: book records → Document, with every number computed once."""
from __future__ import annotations

from ..document import Document
from ..records.anticorruption import AntiCorruptionPlan
from ..records.operations import OperationsPlan
from . import anticorruption, operations


def build_document(plan: AntiCorruptionPlan | OperationsPlan, thai_digits: bool | None = None) -> Document:
    """Return the Document of any book."""
    if isinstance(plan, OperationsPlan):
        return operations.build_document(plan, thai_digits)
    return anticorruption.build_document(plan, thai_digits)
