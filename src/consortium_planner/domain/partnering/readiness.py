"""Partner readiness and fit, due diligence, and the heads of terms (DOMAIN §10).

**Readiness.** Each partner scores the six principles of the Nuffield Partnership Assessment Tool
[V] (1: not at all … 5: fully) and places itself on the six culture-fit dimensions [K] (1 … 5 along
each). Shown side by side, disagreement is what matters: a cell's **divergence** is how far the
partner's score lies from the median of the other partners' scores. Fit [U]: divergence under 1
good, under 2 watch, 2 or more weak; a principle a partner scores 2 or less is weak too. The
**weakest links** are the weak cells, worst first (largest divergence, then lowest score).

**Due diligence** [V]: ten areas per partner (accounts, pensions, funding, contracts, property and
leases, governance, regulators, insurance, litigation, warranties), each not started until a status is
entered. **Heads of terms** [V]: the consortium agreement's heads, each with its status and what is
proposed or agreed, beside what the workspace already says (roles and participation, profit shares,
liability); bid costs to share are split by participation share.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from ..findings import Finding, Severity
from ..model import (
    ConsortiumOption,
    DueDiligenceArea,
    DueDiligenceItem,
    DueDiligenceStatus,
    HeadsOfTermsItem,
    Member,
    MemberRole,
    Organisation,
    ReadinessDimension,
    ReadinessScore,
    TermsHead,
    TermsStatus,
    stored_id,
)
from ..money import HUNDRED, ZERO, allocate, format_decimal, format_gbp
from ..workspace import Workspace
from .choices import lower_first
from .structures import GOVERNANCE
from .vat import VEHICLES

__all__ = ["CULTURE", "PRINCIPLES", "BidCostShare", "DiligenceRow", "DimensionSummary", "Fit", "HeadsOfTerms",
           "ReadinessCell", "ReadinessResult", "TermsRow", "WeakLink", "heads_of_terms", "readiness",
           "readiness_findings", "terms_findings"]

PRINCIPLES = (ReadinessDimension.NEED, ReadinessDimension.PURPOSE, ReadinessDimension.COMMITMENT,
              ReadinessDimension.TRUST, ReadinessDimension.ARRANGEMENTS, ReadinessDimension.LEARNING)
CULTURE = (ReadinessDimension.DECISIONS, ReadinessDimension.RISK, ReadinessDimension.VALUES,
           ReadinessDimension.PAY_HR, ReadinessDimension.GOVERNANCE, ReadinessDimension.COMMUNICATION)
WATCH_AT = Decimal(1)  # [U] divergence from the others' median
WEAK_AT = Decimal(2)  # [U]
LOW_PRINCIPLE = 2  # [U] a principle scored this or less


class Fit(enum.StrEnum):
    GOOD = "good"
    WATCH = "watch"
    WEAK = "weak"
    UNSCORED = "unscored"


@dataclass(frozen=True, slots=True)
class ReadinessCell:
    member_id: int
    dimension: ReadinessDimension
    score: int | None
    others_median: Decimal | None
    divergence: Decimal | None
    fit: Fit
    note: str


@dataclass(frozen=True, slots=True)
class DimensionSummary:
    dimension: ReadinessDimension
    kind: str  # "principle" or "culture"
    scored: int
    mean: Decimal | None
    spread: int | None  # highest − lowest score


@dataclass(frozen=True, slots=True)
class WeakLink:
    member_id: int
    name: str
    dimension: ReadinessDimension
    score: int
    others_median: Decimal | None
    divergence: Decimal | None
    why: str


@dataclass(frozen=True, slots=True)
class DiligenceRow:
    member_id: int
    name: str
    area: DueDiligenceArea
    status: DueDiligenceStatus
    notes: str
    stated: bool  # a row is entered (else not started)


@dataclass(frozen=True, slots=True)
class ReadinessResult:
    option_id: int
    partners: tuple[tuple[int, str], ...]  # member id, name
    dimensions: tuple[ReadinessDimension, ...]
    cells: tuple[tuple[ReadinessCell, ...], ...]  # per partner, per dimension
    summaries: tuple[DimensionSummary, ...]
    weakest_links: tuple[WeakLink, ...]
    unscored: tuple[str, ...]  # partners who scored nothing
    due_diligence: tuple[DiligenceRow, ...]
    diligence_counts: tuple[tuple[DueDiligenceStatus, int], ...]

    def cell(self, member_id: int, dimension: ReadinessDimension) -> ReadinessCell:
        i = next(i for i, (mid, _) in enumerate(self.partners) if mid == member_id)
        return self.cells[i][self.dimensions.index(dimension)]


def _names(ws: Workspace, members: list[Member]) -> dict[int, str]:
    out: dict[int, str] = {}
    for m in members:
        org = ws.get(Organisation, m.organisation_id)
        out[stored_id(m)] = org.name if org is not None else f"Member {m.id}"
    return out


def _partners(ws: Workspace, option_id: int) -> list[Member]:
    return [m for m in ws.members(option_id) if m.role is not MemberRole.GUARANTOR]


def readiness(ws: Workspace, option_id: int) -> ReadinessResult:
    """Readiness and fit of the option's partners, and their due diligence (module docstring)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    members = _partners(ws, option_id)
    names = _names(ws, members)
    dims = PRINCIPLES + CULTURE
    ids = [stored_id(m) for m in members]
    scores: dict[tuple[int, ReadinessDimension], ReadinessScore] = {}
    for mid in ids:
        for entered in sorted(ws.children(ReadinessScore, mid), key=lambda r: r.id or 0):
            scores.setdefault((mid, entered.dimension), entered)
    cells: list[tuple[ReadinessCell, ...]] = []
    links: list[WeakLink] = []
    for mid in ids:
        row: list[ReadinessCell] = []
        for d in dims:
            mine = scores.get((mid, d))
            others = [scores[(o, d)].score for o in ids if o != mid and (o, d) in scores]
            med = Decimal(str(median(others))) if others else None
            if mine is None:
                row.append(ReadinessCell(mid, d, None, med, None, Fit.UNSCORED, ""))
                continue
            div = abs(Decimal(mine.score) - med) if med is not None else None
            low = d in PRINCIPLES and mine.score <= LOW_PRINCIPLE
            if (div is not None and div >= WEAK_AT) or low:
                fit = Fit.WEAK
            elif div is not None and div >= WATCH_AT:
                fit = Fit.WATCH
            else:
                fit = Fit.GOOD
            row.append(ReadinessCell(mid, d, mine.score, med, div, fit, mine.note))
            if fit is Fit.WEAK:
                parts = []
                if div is not None and div >= WEAK_AT:
                    parts.append(f"scores {mine.score} where the others' median is {format_decimal(med, 1)}")
                if low:
                    parts.append(f"scores the principle only {mine.score} of 5")
                links.append(WeakLink(mid, names[mid], d, mine.score, med, div, "; ".join(parts)))
        cells.append(tuple(row))
    summaries = []
    for d in dims:
        got = [scores[(o, d)].score for o in ids if (o, d) in scores]
        summaries.append(DimensionSummary(d, "principle" if d in PRINCIPLES else "culture", len(got),
                                          Decimal(sum(got)) / len(got) if got else None,
                                          (max(got) - min(got)) if got else None))
    links.sort(key=lambda w: (-(w.divergence or ZERO), w.score, dims.index(w.dimension)))
    unscored = tuple(names[o] for o in ids if not any((o, d) in scores for d in dims))
    dd = []
    for mid in ids:
        items = {r.area: r for r in sorted(ws.children(DueDiligenceItem, mid), key=lambda r: r.id or 0)}
        for area in DueDiligenceArea:
            item = items.get(area)
            dd.append(DiligenceRow(mid, names[mid], area, item.status if item else DueDiligenceStatus.NOT_STARTED,
                                   item.notes if item else "", item is not None))
    counts = tuple((st, sum(1 for r in dd if r.status is st)) for st in DueDiligenceStatus)
    return ReadinessResult(option_id, tuple((o, names[o]) for o in ids), dims, tuple(cells),
                           tuple(summaries), tuple(links), unscored, tuple(dd), counts)


def readiness_findings(result: ReadinessResult) -> list[Finding]:
    """The weakest links (a warning naming the worst three), a principle the partners score low on average,
    issues found in due diligence (each a warning), partners yet to score and checks not started (notes)."""
    out: list[Finding] = []
    if result.weakest_links:
        worst = result.weakest_links[:3]
        out.append(Finding("readiness_weak_links",
                           "Weakest links between the partners: " + "; ".join(
                               f"{w.name} on {lower_first(w.dimension.label)} ({w.why})" for w in worst)
                           + (f"; {len(result.weakest_links) - 3} more" if len(result.weakest_links) > 3 else "") + ".",
                           Severity.WARNING, figures=(("weak_links", Decimal(len(result.weakest_links))),)))
    for s in result.summaries:
        if s.kind == "principle" and s.mean is not None and s.scored > 1 and s.mean < Decimal("2.5"):
            out.append(Finding("readiness_low_principle",
                               f"The partners score {lower_first(s.dimension.label)} {format_decimal(s.mean, 1)} of 5 on "
                               "average.", Severity.WARNING))
    for r in result.due_diligence:
        if r.status is DueDiligenceStatus.ISSUE:
            out.append(Finding("due_diligence_issue", f"Due diligence on {r.name}'s {lower_first(r.area.label)}: issue found"
                               + (f": {r.notes}" if r.notes else "") + ".", Severity.WARNING))
    if result.unscored and result.partners:
        out.append(Finding("readiness_unscored", f"Not yet scored for readiness and fit: {', '.join(result.unscored)}.",
                           Severity.INFO))
    open_ = sum(n for s, n in result.diligence_counts if s in (DueDiligenceStatus.NOT_STARTED,
                                                                  DueDiligenceStatus.REQUESTED))
    if open_:
        out.append(Finding("due_diligence_open", f"{open_} of {len(result.due_diligence)} due-diligence checks are not "
                                                 "yet received.", Severity.INFO,
                           figures=(("open", Decimal(open_)),)))
    return out


# --------------------------------------------------------------------------- heads of terms


@dataclass(frozen=True, slots=True)
class TermsRow:
    head: TermsHead
    status: TermsStatus
    position: str
    amount: Decimal | None
    notes: str
    stated: bool
    from_workspace: str  # what the workspace already says under this head


@dataclass(frozen=True, slots=True)
class BidCostShare:
    member_id: int
    name: str
    participation_pct: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class HeadsOfTerms:
    option_id: int
    rows: tuple[TermsRow, ...]
    bid_costs: Decimal | None
    bid_cost_shares: tuple[BidCostShare, ...]
    agreed: int
    disputed: int
    not_discussed: int


def heads_of_terms(ws: Workspace, option_id: int) -> HeadsOfTerms:
    """The consortium agreement checklist of the option, every head listed (module docstring)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    members = ws.members(option_id)
    names = _names(ws, members)
    items = {r.head: r for r in sorted(ws.children(HeadsOfTermsItem, option_id), key=lambda r: r.id or 0)}
    bid = items.get(TermsHead.BID_COSTS)
    bid_costs = bid.amount if bid is not None else None
    shares: list[BidCostShare] = []
    payers = [m for m in members if m.role is not MemberRole.GUARANTOR]
    if bid_costs is not None and payers:
        weights = [m.participation_pct for m in payers]
        for m, part in zip(payers, allocate(bid_costs, weights), strict=True):
            shares.append(BidCostShare(stored_id(m), names[stored_id(m)], m.participation_pct, part))
    facts = _facts(ws, option, members, names, shares)
    rows = []
    for head in TermsHead:
        item = items.get(head)
        rows.append(TermsRow(head, item.status if item else TermsStatus.NOT_DISCUSSED, item.position if item else "",
                             item.amount if item else None, item.notes if item else "", item is not None,
                             facts.get(head, "")))
    return HeadsOfTerms(option_id, tuple(rows), bid_costs, tuple(shares),
                        sum(1 for r in rows if r.status is TermsStatus.AGREED),
                        sum(1 for r in rows if r.status is TermsStatus.DISPUTED),
                        sum(1 for r in rows if r.status is TermsStatus.NOT_DISCUSSED))


def _facts(ws: Workspace, option: ConsortiumOption, members: list[Member], names: dict[int, str],
           shares: list[BidCostShare]) -> dict[TermsHead, str]:
    by_role: dict[str, list[str]] = {}
    for m in members:
        by_role.setdefault(lower_first(m.role.label), []).append(f"{names[stored_id(m)]} {format_decimal(m.participation_pct)}%")
    roles = "; ".join(f"{role}: {', '.join(who)}" for role, who in by_role.items())
    profit = ", ".join(f"{names[stored_id(m)]} {format_decimal(m.profit_share_pct)}%" for m in members if m.profit_share_pct)
    total_profit = sum((m.profit_share_pct for m in members), ZERO)
    s = option.structure
    out = {
        TermsHead.ROLES: f"{option.structure.label}: {roles}" if roles else "no members yet",
        TermsHead.DECISIONS: GOVERNANCE[s],
        TermsHead.PROFIT_LOSS: (f"profit shares {profit}" + (f" ({format_decimal(HUNDRED - total_profit)}% retained)"
                                                             if total_profit < HUNDRED and s in VEHICLES else ""))
        if profit else "no profit shares entered",
        TermsHead.LIABILITY_CAPS: f"liability: {lower_first(option.liability.label)}"
        + ("; guarantees offered: " + ", ".join(f"{names[stored_id(m)]} {format_gbp(m.guarantee)}" for m in members
                                                if m.guarantee) if any(m.guarantee for m in members) else ""),
        TermsHead.VEHICLE_FORMS: ("the vehicle must be formed and registered before service start; often at "
                                  "preferred bidder" if s in VEHICLES else "no new vehicle under this structure"),
    }
    if shares:
        out[TermsHead.BID_COSTS] = "by participation: " + ", ".join(f"{b.name} {format_gbp(b.amount)}" for b in shares)
    return out


def terms_findings(result: HeadsOfTerms) -> list[Finding]:
    """Disputed heads (warnings) and how many are not yet discussed (a note)."""
    out = [Finding("terms_disputed", f"Heads of terms: {lower_first(r.head.label)} is disputed"
                   + (f" ({r.notes})" if r.notes else "") + ".", Severity.WARNING)
           for r in result.rows if r.status is TermsStatus.DISPUTED]
    if result.not_discussed:
        out.append(Finding("terms_not_discussed", f"{result.not_discussed} of {len(result.rows)} heads of terms are not "
                                                   "yet discussed.", Severity.INFO,
                           figures=(("not_discussed", Decimal(result.not_discussed)),)))
    return out
