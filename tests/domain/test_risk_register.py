"""The risk register (domain/risk_register.py): ratings, stable keys, seeding and refreshing."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from consortium_planner.domain import risk_register as rr
from consortium_planner.domain.findings import Finding, Severity
from consortium_planner.domain.model import Risk, RiskSource, RiskStatus

GAP = Finding("capacity_gap", "Homecare, Eastmere: 1,200 contact hours a year not allocated (no capacity).",
              Severity.SERIOUS, "Capacity", (("shortfall", D(1200)),))
SHORT = Finding("funding_shortfall", "The funding arranged (£300,000.00) falls £58,000.00 short of the requirement "
                "of £358,000.00.", Severity.SERIOUS, "Funding")
THIN = Finding("capacity_thin", "1 of 15 requirements are thin: covered, but with little headroom.",
               Severity.WARNING, "Capacity")
NOTE = Finding("multiple_irr", "The cash flows change sign more than once.", Severity.INFO, "Returns")


def apply(risks: list[Risk], plan: rr.SeedPlan) -> list[Risk]:
    """The register after a plan, as the session stores it (new rows get the next ids)."""
    gone = {r.id for r in plan.deleted}
    after = {old.id: new for old, new in plan.updated}
    out = [after.get(r.id, r) for r in risks if r.id not in gone]
    next_id = max([r.id for r in risks] + [0]) + 1
    for i, r in enumerate(plan.inserted):
        out.append(dataclasses.replace(r, id=next_id + i))
    return out


def seed(risks, findings, option_id=1):
    return apply(risks, rr.plan_seed(option_id, risks, findings))


@pytest.mark.parametrize(("score", "band"), [(1, "green"), (6, "green"), (8, "amber"), (12, "amber"), (15, "red"),
                                             (25, "red")])
def test_scores_are_rated_as_domain_section_6_says(score, band):
    assert rr.rating(score) == band


def test_a_remembered_key_is_the_key_worked_out_afresh_for_its_own_code_and_message():
    """``seed_key`` remembers keys by the finding's code and message (issue 22): asked again, in any order, for
    findings that share a message but not a code or the other way round, each gets its own key."""
    same_text = dataclasses.replace(GAP, code="capacity_thin")
    findings = [GAP, SHORT, THIN, same_text, dataclasses.replace(GAP, message=SHORT.message), GAP, same_text]
    fresh = [rr._key_of.__wrapped__(f.code, f.message) for f in findings]
    rr._key_of.cache_clear()
    assert [rr.seed_key(f) for f in findings] == fresh
    assert [rr.seed_key(f) for f in reversed(findings)] == fresh[::-1]
    assert len(set(fresh)) == 5  # GAP and same_text differ by code alone; the fifth by message alone


def test_the_key_follows_the_subject_not_the_figures():
    later = Finding("capacity_gap", "Homecare, Eastmere: 2,400 contact hours a year not allocated (members short by "
                    "400).", Severity.SERIOUS)
    other = Finding("capacity_gap", "Homecare, Westmere: 1,200 contact hours a year not allocated.", Severity.SERIOUS)
    assert rr.seed_key(GAP) == rr.seed_key(later) == "capacity_gap|homecare, eastmere"
    assert rr.seed_key(other) != rr.seed_key(GAP)
    cash = [Finding("cash_negative", f"Cash after funding falls to −£{x} in {m} (month {n}): funding comes too late.",
                    Severity.SERIOUS) for x, m, n in (("12,000.00", "March 2028", 13), ("9.50", "June 2029", 28))]
    assert rr.seed_key(cash[0]) == rr.seed_key(cash[1])
    assert rr.seed_key(SHORT) == "funding_shortfall|the funding arranged"


def test_seeding_twice_adds_nothing_and_info_findings_are_not_risks():
    findings = [GAP, SHORT, THIN, NOTE]
    once = seed([], findings)
    assert [(r.finding_code, r.likelihood, r.impact) for r in once] == [
        ("capacity_gap", 4, 4), ("funding_shortfall", 4, 4), ("capacity_thin", 3, 3)]
    assert all(r.source is RiskSource.ANALYSES and r.status is RiskStatus.OPEN for r in once)
    assert not rr.plan_seed(1, once, findings)
    assert seed(once, findings) == once


def test_a_users_edits_survive_a_refresh_and_the_description_follows_the_finding():
    (risk,) = seed([], [SHORT])
    edited = dataclasses.replace(risk, owner="Finance lead", mitigation="Ask Key Fund for £60k more",
                                 residual_likelihood=2, residual_impact=3, status=RiskStatus.MITIGATED,
                                 likelihood=3, impact=5)
    worse = Finding("funding_shortfall", "The funding arranged (£300,000.00) falls £90,000.00 short of the "
                    "requirement of £390,000.00.", Severity.BLOCKING, "Funding")
    (after,) = seed([edited], [worse])
    assert after.id == edited.id and "£90,000.00 short" in after.description and after.seed_severity == "blocking"
    assert (after.owner, after.mitigation, after.residual_likelihood, after.residual_impact, after.status) == (
        "Finance lead", "Ask Key Fund for £60k more", 2, 3, RiskStatus.MITIGATED)
    assert (after.likelihood, after.impact) == (3, 5)  # the user's, not the blocking 5 × 5


def test_untouched_scores_follow_the_severity():
    (risk,) = seed([], [THIN])
    worse = dataclasses.replace(THIN, severity=Severity.SERIOUS)
    (after,) = seed([risk], [worse])
    assert (after.likelihood, after.impact) == (4, 4)


def test_a_finding_that_goes_is_removed_if_untouched_and_marked_if_the_user_worked_on_it():
    gap, short = seed([], [GAP, SHORT])
    owned = dataclasses.replace(short, owner="Finance lead")
    user = Risk(id=9, option_id=1, area="People", description="The registered manager leaves", likelihood=2,
                impact=4)
    after = seed([gap, owned, user], [])
    assert [r.id for r in after] == [owned.id, user.id]
    assert after[0].resolved_by_analyses and after[0].owner == "Finance lead"
    assert after[1] == user  # a user's own risk is never touched
    assert not rr.plan_seed(1, after, [])  # marked once
    back = seed(after, [SHORT])
    assert [r.id for r in back] == [owned.id, user.id] and not back[0].resolved_by_analyses


def test_findings_with_one_key_are_one_risk_with_a_count():
    years = [Finding("over_ceiling", f"Year {y}: price £4,{y}00,000.00 is above the budget ceiling £4,150,000.00: "
                     "the bid would fail.", Severity.SERIOUS, "Pricing") for y in (2, 3, 4)]
    (risk,) = seed([], years)
    assert risk.description.startswith("Year 2: price") and risk.description.endswith("The analyses raise 2 more like it.")


def test_other_options_risks_are_not_touched():
    other = dataclasses.replace(seed([], [GAP], option_id=2)[0], id=50)
    plan = rr.plan_seed(1, [other], [GAP])
    assert len(plan.inserted) == 1 and not plan.deleted and not plan.updated


def test_the_register_lists_the_worst_first_and_the_matrix_counts_before_and_after_mitigation():
    risks = [
        Risk(id=1, option_id=1, area="A", description="amber", likelihood=3, impact=3),
        Risk(id=2, option_id=1, area="B", description="red, mitigated to green", likelihood=5, impact=4,
             residual_likelihood=2, residual_impact=2, status=RiskStatus.MITIGATED),
        Risk(id=3, option_id=1, area="C", description="closed", likelihood=5, impact=5, status=RiskStatus.CLOSED),
        Risk(id=4, option_id=1, area="D", description="green", likelihood=1, impact=2),
    ]
    entries = rr.register(risks)
    assert [e.risk_id for e in entries] == [2, 1, 4, 3]
    assert (entries[0].score, entries[0].rating, entries[0].residual_score, entries[0].residual_rating) == (
        20, "red", 4, "green")
    assert entries[1].residual_score is None and entries[1].finding_raised is None
    before, after = rr.matrix(entries), rr.matrix(entries, after_mitigation=True)
    assert sum(before.values()) == sum(after.values()) == 3  # the closed risk is not counted
    assert before[(5, 4)] == 1 and after[(5, 4)] == 0 and after[(2, 2)] == 1 and after[(3, 3)] == 1


def test_the_register_says_which_seeded_risks_the_analyses_still_raise_and_what_is_not_in_it():
    gap, short = seed([], [GAP, SHORT])
    entries = {e.risk_id: e for e in rr.register([gap, short], [GAP])}
    assert entries[gap.id].finding_raised is True and entries[short.id].finding_raised is False
    assert rr.unregistered([GAP, SHORT, THIN, NOTE], [gap]) == [SHORT, THIN]
