"""The Risks tab's Qt-free parts: the register scored and rated, its matrices, and the findings not in it
(the same builders the investment case uses, so the tab and the PDF agree)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...domain import risk_register as _rr
from ...domain.findings import Finding, Severity
from ...domain.model import Risk
from ...domain.workspace import Workspace
from ...reports.document import Cell, Chart, Column, Table, status_of
from ...reports.sections.risks import collect_risks, risk_matrix

__all__ = ["Counts", "counts", "entries", "matrices", "unregistered_table"]


def entries(ws: Workspace, option_id: int, findings: Sequence[Finding] | None) -> tuple[_rr.RegisterEntry, ...]:
    """The option's register as stored now, worst first; with ``findings``, what the analyses say of each."""
    return _rr.register(ws.children(Risk, option_id), findings)


@dataclass(frozen=True, slots=True)
class Counts:
    """Risks still to manage by band, before and after mitigation, and what is closed or resolved."""

    before: dict[_rr.Rating, int]
    after: dict[_rr.Rating, int]
    active: int
    done: int


def counts(register: Sequence[_rr.RegisterEntry]) -> Counts:
    before = dict.fromkeys(_rr.Rating, 0)
    after = dict.fromkeys(_rr.Rating, 0)
    active = [e for e in register if e.active]
    for e in active:
        before[e.rating] += 1
        likelihood, impact = e.after_mitigation
        after[_rr.rating(likelihood * impact)] += 1
    return Counts(before, after, len(active), len(register) - len(active))


def matrices(register: Sequence[_rr.RegisterEntry]) -> tuple[Chart, Chart]:
    """The risk matrix before and after mitigation (``reports.sections.risks.risk_matrix``), the scale by its
    numbers (the words are in each cell's tooltip)."""
    return risk_matrix(register, words=False), risk_matrix(register, after_mitigation=True, words=False)


def unregistered(ws: Workspace, option_id: int, findings: Sequence[Finding]) -> list[Finding]:
    """The findings that would seed a risk and are not in the register yet (warnings or worse)."""
    return _rr.unregistered(findings, ws.children(Risk, option_id))


def unregistered_table(ws: Workspace, option_id: int, findings: Sequence[Finding]) -> Table:
    """The findings not in the register, most severe first, a long run of one kind shortened (as the case's
    Risks section lists them)."""
    rows = tuple((Cell(area), Cell(severity.label, status_of(severity)), Cell(text))
                 for area, severity, text in collect_risks(unregistered(ws, option_id, findings)))
    return Table("unregistered", (Column("Area"), Column("Level"), Column("Finding")), rows)


def severity_text(e: _rr.RegisterEntry, *, complete: bool = True) -> tuple[str, Severity | None]:
    """What the analyses say of a risk now: its finding's severity, that it has gone, or nothing (a user's).
    ``complete`` False: the entry was made from some of the findings (the long analyses still to come), so a
    finding not among them may yet be raised: it is "checking…", never "no longer raised"."""
    if e.finding_raised is None:
        return "", None
    if e.resolved_by_analyses:
        return "resolved: no longer raised", None
    if e.finding_raised and e.finding_severity is not None:
        return f"{e.finding_severity.label} now", e.finding_severity
    if not complete:
        return "checking…", None
    return "no longer raised: refresh", None
