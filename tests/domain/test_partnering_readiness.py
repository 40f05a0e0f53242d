"""Partner readiness and fit: divergence from the other partners' median, the weakest links named, low
principles, due diligence with issues, and the heads of terms with bid costs shared by participation."""

from __future__ import annotations

from decimal import Decimal as D

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import (
    DueDiligenceArea,
    DueDiligenceItem,
    DueDiligenceStatus,
    HeadsOfTermsItem,
    ReadinessDimension,
    ReadinessScore,
    Structure,
    TermsHead,
    TermsStatus,
)
from consortium_planner.domain.partnering import readiness as r
from consortium_planner.domain.workspace import Workspace
from partnering_support import OPTION, A, B, C, workspace

TRUST, VALUES, NEED = ReadinessDimension.TRUST, ReadinessDimension.VALUES, ReadinessDimension.NEED


def scored(scores: dict[int, dict[ReadinessDimension, int]], **kw) -> Workspace:
    ws = workspace(volumes=(6000, 4000, 2000), **kw)
    n = 100
    for member_id, by_dim in scores.items():
        for dim, score in by_dim.items():
            n += 1
            ws.put(ReadinessScore(id=n, member_id=member_id, dimension=dim, score=score))
    return ws


def test_divergence_is_the_distance_from_the_other_partners_median():
    ws = scored({A: {TRUST: 4, VALUES: 5}, B: {TRUST: 4, VALUES: 4}, C: {TRUST: 1, VALUES: 4}})
    res = r.readiness(ws, OPTION)
    assert res.dimensions == r.PRINCIPLES + r.CULTURE
    c = res.cell(C, TRUST)
    assert (c.score, c.others_median, c.divergence, c.fit) == (1, D(4), D(3), r.Fit.WEAK)
    a = res.cell(A, TRUST)
    assert (a.others_median, a.divergence, a.fit) == (D("2.5"), D("1.5"), r.Fit.WATCH)
    assert res.cell(A, VALUES).fit is r.Fit.WATCH and res.cell(B, VALUES).fit is r.Fit.GOOD
    assert res.cell(A, NEED).fit is r.Fit.UNSCORED
    [weakest] = res.weakest_links
    assert (weakest.member_id, weakest.dimension) == (C, TRUST)
    assert "scores 1 where the others' median is 4" in weakest.why and "only 1 of 5" in weakest.why
    summary = next(s for s in res.summaries if s.dimension is TRUST)
    assert (summary.scored, summary.mean, summary.spread) == (3, D(3), 3)
    f = next(f for f in r.readiness_findings(res) if f.code == "readiness_weak_links")
    assert f.severity is Severity.WARNING and "C on trust" in f.message


def test_a_principle_the_partners_score_low_on_average():
    ws = scored({A: {NEED: 2}, B: {NEED: 2}, C: {NEED: 3}})
    codes = {f.code for f in r.readiness_findings(r.readiness(ws, OPTION))}
    assert "readiness_low_principle" in codes


def test_unscored_partners_and_due_diligence():
    ws = scored({A: {TRUST: 4}})
    ws.put(DueDiligenceItem(id=1, member_id=B, area=DueDiligenceArea.PENSIONS, status=DueDiligenceStatus.ISSUE,
                            notes="LGPS deficit of £120k on exit"))
    ws.put(DueDiligenceItem(id=2, member_id=B, area=DueDiligenceArea.ACCOUNTS, status=DueDiligenceStatus.CLEAR))
    res = r.readiness(ws, OPTION)
    assert res.unscored == ("B", "C")
    assert len(res.due_diligence) == 3 * len(DueDiligenceArea)
    row = next(x for x in res.due_diligence if x.member_id == B and x.area is DueDiligenceArea.PENSIONS)
    assert row.stated and row.status is DueDiligenceStatus.ISSUE
    counts = dict(res.diligence_counts)
    assert counts[DueDiligenceStatus.ISSUE] == 1 and counts[DueDiligenceStatus.CLEAR] == 1
    assert counts[DueDiligenceStatus.NOT_STARTED] == 3 * len(DueDiligenceArea) - 2
    findings = {f.code: f for f in r.readiness_findings(res)}
    assert "LGPS deficit of £120k on exit" in findings["due_diligence_issue"].message
    assert findings["readiness_unscored"].severity is Severity.INFO
    assert findings["due_diligence_open"].figure("open") == 28


def test_heads_of_terms_every_head_listed_with_bid_costs_split_by_participation():
    ws = workspace(volumes=(6000, 4000, 2000), structure=Structure.SPV)
    ws.put(HeadsOfTermsItem(id=1, option_id=OPTION, head=TermsHead.BID_COSTS, status=TermsStatus.AGREED,
                            amount=D("30000"), position="Shared by participation"))
    ws.put(HeadsOfTermsItem(id=2, option_id=OPTION, head=TermsHead.EXIT_STEP_IN, status=TermsStatus.DISPUTED,
                            notes="step-in rights for the council"))
    t = r.heads_of_terms(ws, OPTION)
    assert [x.head for x in t.rows] == list(TermsHead)
    assert (t.agreed, t.disputed, t.not_discussed) == (1, 1, 8)
    assert [b.amount for b in t.bid_cost_shares] == [D("10000.00")] * 3  # a third each
    assert sum(b.amount for b in t.bid_cost_shares) == D("30000")
    bid = next(x for x in t.rows if x.head is TermsHead.BID_COSTS)
    assert bid.stated and "A £10,000.00" in bid.from_workspace
    vehicle = next(x for x in t.rows if x.head is TermsHead.VEHICLE_FORMS)
    assert not vehicle.stated and "formed and registered before service start" in vehicle.from_workspace
    codes = {f.code: f.severity for f in r.terms_findings(t)}
    assert codes == {"terms_disputed": Severity.WARNING, "terms_not_discussed": Severity.INFO}
