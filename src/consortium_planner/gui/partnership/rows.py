"""The Partnership tab's data, Qt-free: the five analyses run together, and the rows of the two editing
grids (each partner's readiness scores; each partner's due-diligence checklist) read from the workspace.

The tables themselves are the investment case's (``reports/sections/partnership.py``), so the tab, the
PDF and the workbook show the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...domain.model import (
    DueDiligenceArea,
    DueDiligenceItem,
    MemberRole,
    Organisation,
    ReadinessDimension,
    ReadinessScore,
)
from ...domain.partnering.readiness import CULTURE, PRINCIPLES
from ...domain.tasks import NEVER, CancelToken
from ...domain.workspace import Workspace
from ...reports.sections.partnership import ANALYSES
from ...services.analyses import analyse_option
from ...services.pipeline import Refusal, Results

__all__ = ["DIMENSIONS", "PartnershipResult", "compute_partnership", "diligence_cell", "partners", "score_cell"]

DIMENSIONS: tuple[ReadinessDimension, ...] = PRINCIPLES + CULTURE


@dataclass(frozen=True, slots=True)
class PartnershipResult:
    option_id: int
    results: Results

    def get(self, name: str) -> Any:
        """The analysis's value, or None when it was refused or does not apply."""
        return self.results.ok(name)

    def refusal(self, name: str) -> str:
        value = self.results.get(name)
        return value.reason if isinstance(value, Refusal) else ""

    def findings(self) -> list:
        return self.results.findings(ANALYSES)


def compute_partnership(ws: Workspace, option_id: int, cancelled: CancelToken = NEVER) -> PartnershipResult:
    return PartnershipResult(option_id, analyse_option(ws, option_id, ANALYSES, cancelled=cancelled))


def partners(ws: Workspace, option_id: int | None) -> list[tuple[int, str]]:
    """The option's partners (guarantors only are left out), by member id and name."""
    out = []
    for m in ws.members(option_id):
        if m.role is MemberRole.GUARANTOR or m.id is None:
            continue
        org = ws.get(Organisation, m.organisation_id)
        out.append((m.id, org.name if org is not None else f"Member {m.id}"))
    return out


def score_cell(ws: Workspace, member_id: int, dimension: ReadinessDimension) -> ReadinessScore | None:
    """The partner's score of ``dimension`` (None: not scored)."""
    rows = [r for r in ws.children(ReadinessScore, member_id) if r.dimension is dimension]
    return min(rows, key=lambda r: r.id or 0) if rows else None


def diligence_cell(ws: Workspace, member_id: int, area: DueDiligenceArea) -> DueDiligenceItem | None:
    """The partner's due-diligence row for ``area`` (None: not started)."""
    rows = [r for r in ws.children(DueDiligenceItem, member_id) if r.area is area]
    return min(rows, key=lambda r: r.id or 0) if rows else None



