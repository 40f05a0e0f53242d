"""Financial standing of one consortium option: the entry point, its result, the overall risk and the
findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding, Severity
from ..model import ConsortiumOption, MemberRole, Metric, Regime, Structure, Tender, add_months, stored_id
from ..money import format_decimal, format_gbp
from ..workspace import Workspace
from .cures import Fail, _bond, _guarantee, _Joined, _joined, _what_it_would_take
from .organisation import OrganisationStanding, organisation_metrics
from .reserved import ReservedEligibility, reserved_eligibility
from .tested import (
    ContractShares,
    TestedEntity,
    TurnoverTest,
    _evaluate_group,
    _failing,
    _Group,
    _latest,
    _parties,
    _Party,
    _plan,
    contract_shares,
)
from .thresholds import (
    DEFAULT_PARAMS,
    ReservedVerdict,
    Risk,
    StandingParams,
    Status,
    Threshold,
    thresholds_for,
)


@dataclass(frozen=True, slots=True)
class MemberStanding:
    member_id: int | None
    organisation_id: int | None
    name: str
    role: MemberRole
    guarantee: Decimal | None
    relied_upon: bool  # its accounts count toward a tested entity
    share_of_acv: Decimal | None
    standing: OrganisationStanding


@dataclass(frozen=True, slots=True)
class StandingResult:
    option_id: int
    option_name: str
    tender_id: int | None
    tender_name: str
    structure: Structure
    regime: Regime
    annual_value: Decimal
    share_basis: str
    members: tuple[MemberStanding, ...]
    tested: tuple[TestedEntity, ...]  # one, or one per provider in an alliance
    fails: tuple[Fail, ...]
    risk: Risk
    risk_explanation: str
    reserved: ReservedEligibility
    warnings: tuple[str, ...]
    params: StandingParams

    @property
    def fail_count(self) -> int:
        return len(self.fails)

    @property
    def turnover_tests(self) -> tuple[TurnoverTest, ...]:
        return tuple(t.turnover_test for t in self.tested)

    @property
    def turnover_test(self) -> TurnoverTest:
        return self.tested[0].turnover_test


def risk_for(fail_count: int) -> Risk:
    """0 fails Low, 1 Medium, 2 or more High [U]."""
    if fail_count <= 0:
        return Risk.LOW
    return Risk.MEDIUM if fail_count == 1 else Risk.HIGH


@dataclass(frozen=True, slots=True)
class StandingTests:
    """What the buyer tests and which tests fail, without the cures or the words (``standing_tests``): each
    tested entity as (its name, the rule that makes it the one tested), each failed test as (the tested
    entity's name, the metric)."""

    tested: tuple[tuple[str, str], ...]
    failed: tuple[tuple[str, Metric], ...]
    risk: Risk
    reserved: ReservedEligibility


def _planned(ws: Workspace, option_id: int, params: StandingParams, warnings: list[str]) -> tuple[
        ConsortiumOption, Tender, dict[Metric, Threshold], ContractShares, list[_Party], list[_Group]]:
    """What ``standing`` and ``standing_tests`` both start from: the option, its tender, the thresholds, the
    contract shares, the parties and the groups the buyer tests (warnings added to ``warnings``)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"consortium option {option.name!r} has no tender")
    thresholds = thresholds_for(ws, tender, params)
    shares = contract_shares(ws, option_id, tender.annual_value)
    warnings.extend(shares.warnings)
    parties = _parties(ws, option_id, warnings)
    multiple = thresholds[Metric.TURNOVER_RATIO].threshold
    if tender.regime is Regime.PCR15 and multiple > 2:
        warnings.append(f"PCR15 reg 58(9): the minimum turnover asked for may not exceed twice the estimated "
                        f"contract value unless the buyer justifies it; this tender asks for "
                        f"{format_decimal(multiple)} ×.")
    return option, tender, thresholds, shares, parties, _plan(ws, option, tender, parties, shares, warnings)


def standing_tests(ws: Workspace, option_id: int, params: StandingParams = DEFAULT_PARAMS) -> StandingTests:
    """The entities the buyer tests, the tests they fail, the risk and the reserved-contract eligibility, as
    ``standing`` finds them, without searching for each failure's cures (the guarantees, bond and "what it
    would take" that make most of ``standing``'s time), writing the tests' explanations or looking at the
    earlier years. For a caller that reads only these: the structure advisor, weighing every structure on
    every edit. ``tests/domain/test_standing.py`` checks they agree."""
    _option, tender, thresholds, _shares, _parties_, groups = _planned(ws, option_id, params, [])
    failed = tuple((g.name, m) for g in groups for m in _failing(ws, g, thresholds, tender))
    return StandingTests(tuple((g.name, g.rule) for g in groups), failed, risk_for(len(failed)),
                         reserved_eligibility(ws, option_id))


def standing(ws: Workspace, option_id: int, params: StandingParams = DEFAULT_PARAMS) -> StandingResult:
    """Financial standing of one consortium option against its tender."""
    warnings: list[str] = []
    option, tender, thresholds, shares, parties, groups = _planned(ws, option_id, params, warnings)
    acv = tender.annual_value
    relied_ids = {p.org.id for g in groups for p in g.parties}
    member_results = []
    for p in parties:
        assert p.member is not None
        share = shares.of(p.member.id)
        basis = share if option.structure is Structure.ALLIANCE else acv
        member_results.append(MemberStanding(
            p.member.id, p.org.id, p.org.name, p.member.role, p.member.guarantee, p.org.id in relied_ids, share,
            organisation_metrics(ws, stored_id(p.org), tender, share_of_acv=share, annual_value=basis,
                                 params=params)))
    member_org_ids = {p.org.id for p in parties} | ({option.lead_organisation_id} - {None})
    outsiders = [o for o in ws.organisations() if o.id not in member_org_ids and ws.financial_years(o.id)]

    tested = []
    fails: list[Fail] = []
    for g in groups:
        entity, ctx = _evaluate_group(ws, g, thresholds, tender, params)
        tested.append(entity)
        red = [r for r in entity.metrics if r.status is Status.RED]
        if red:
            parts = [_latest(ws, p.org) for p in g.parties]
            in_group = {p.org.id for p in g.parties}
            # each candidate's accounts, and the group's with them, once for all of the group's failures
            members = [_Joined(p, *_joined(ws, parts, p.org)) for p in parties if p.org.id not in in_group]
            others = [_Joined(_Party(None, o), *_joined(ws, parts, o)) for o in outsiders]
            fails.extend(Fail(entity.name, r, _guarantee(entity, ctx, r, parts, members, params),
                              _bond(entity, tender, params), _what_it_would_take(entity, ctx, r, others))
                         for r in red)
        _entity_warnings(ws, entity, g, tender, params, warnings)

    risk = risk_for(len(fails))
    not_run = sum(1 for t in tested for r in t.metrics if r.status is Status.NOT_GIVEN)
    failed_labels = ", ".join(f.result.label + (f" ({f.entity_name})" if len(tested) > 1 else "") for f in fails)
    risk_text = (f"{len(fails)} test{'s' if len(fails) != 1 else ''} failed"
                 f"{': ' + failed_labels if fails else ''}, so the risk is {risk.label.lower()} [U]")
    if not_run:
        risk_text += f"; {not_run} test{'s' if not_run != 1 else ''} could not be run for want of figures"
    risk_text += "."

    reserved = reserved_eligibility(ws, option_id)
    if tender.reserved_for_mutuals and reserved.verdict is ReservedVerdict.NOT_ELIGIBLE:
        warnings.append("The tender is reserved for public service mutuals and this option does not qualify: "
                        + " ".join(reserved.reasons))
    return StandingResult(
        option_id=option_id, option_name=option.name, tender_id=tender.id, tender_name=tender.name,
        structure=option.structure, regime=tender.regime, annual_value=acv, share_basis=shares.basis,
        members=tuple(member_results), tested=tuple(tested), fails=tuple(fails), risk=risk,
        risk_explanation=risk_text, reserved=reserved, warnings=tuple(dict.fromkeys(warnings)), params=params,
    )


def _entity_warnings(ws: Workspace, entity: TestedEntity, group: _Group, tender: Tender, params: StandingParams,
                     warnings: list[str]) -> None:
    ends = [(p.org.name, _latest(ws, p.org).year_end) for p in group.parties]
    known = [(n, d) for n, d in ends if d is not None]
    if len(known) > 1:
        lo, hi = min(d for _, d in known), max(d for _, d in known)
        if (hi - lo).days > 183:
            listing = ", ".join(f"{n} to {d.isoformat()}" for n, d in known)
            warnings.append(f"{entity.name}: the accounts combined cover different years ({listing}).")
    reference = tender.deadline or tender.published
    if reference is not None:
        cutoff = add_months(reference, -params.stale_after_months)
        for n, d in known:
            if d < cutoff:
                warnings.append(f"{n}'s latest accounts end {d.isoformat()}, more than {params.stale_after_months} "
                                "months before the bid deadline; buyers may ask for newer figures.")
    if entity.line_items.ebitda_derived:
        warnings.append(f"{entity.name}: EBITDA is not given for everyone, so operating surplus + depreciation is "
                        "used in its place.")
    no_amount = [p.org.name for p in group.parties if p.member is not None and p.member.role is MemberRole.GUARANTOR
                 and (p.member.guarantee is None or p.member.guarantee <= 0)]
    if no_amount:
        warnings.append(f"{', '.join(no_amount)} {'is' if len(no_amount) == 1 else 'are'} relied upon as "
                        "guarantor but no guarantee amount is given.")


def findings(result: StandingResult) -> list[Finding]:
    """Each failed test of the entity the buyer tests, with its cure (``fail_finding``), then the analysis's
    warnings."""
    out = [fail_finding(f) for f in result.fails]
    out.extend(Finding("standing_warning", w, Severity.WARNING) for w in result.warnings)
    return out


def fail_finding(f: Fail) -> Finding:
    """A failed test is serious when something in reach cures it, blocking when nothing does [U]:

    1. guarantees from members not yet relied upon whose accounts, added in, pass the test (the amount
       each, and who);
    2. otherwise an organisation outside the option whose accounts would pass it, brought in as guarantor;
    3. otherwise, for any test but turnover, a performance bond (the amount and its yearly cost): the
       mitigation the Cabinet Office guidance lets a buyer accept from a bidder that is not low risk. A
       minimum turnover is a selection threshold (PCR15 reg 58(9)) that a bond does not meet;
    4. otherwise blocking: "what it would take" is stated, but no one in the workspace can supply it.
    """
    g, bond, take = f.guarantee, f.bond, f.what_it_would_take
    code = f"standing_fail_{f.metric.value}"
    message = f.result.explanation
    figures = tuple((k, v) for k, v in (("value", f.result.value), ("threshold", f.result.threshold))
                    if v is not None)
    label = f.result.label
    if g.cure_with:
        names = [c.name for c in g.candidates if c.organisation_id in g.cure_with]
        who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        each = " each" if len(names) > 1 else ""
        return Finding(code, message, Severity.SERIOUS, figures=figures,
                       cure=f"A guarantee of {format_gbp(g.amount, pence=False)}{each} from {who} brings "
                            f"{'their' if len(names) > 1 else 'its'} accounts into the test and passes the {label} "
                            "test.",
                       cure_figures=(("guarantee", g.amount), ("guarantors", Decimal(len(names)))))
    if take.closers:
        closer = take.closers[0]
        return Finding(code, message, Severity.SERIOUS, figures=figures,
                       cure=f"Bring {closer.name} (outside the option) in as a guarantor of {format_gbp(g.amount, pence=False)}: "
                            f"its accounts added in pass the {label} test.",
                       cure_figures=(("guarantee", g.amount),))
    if f.metric is not Metric.TURNOVER_RATIO and bond.amount > 0:
        return Finding(code, message, Severity.SERIOUS, figures=figures,
                       cure=f"Offer a performance bond of {format_gbp(bond.amount, pence=False)} (about "
                            f"{format_gbp(bond.annual_cost, pence=False)} a year) as the mitigation for the {label} "
                            "fail, if the buyer accepts one; no guarantee in the workspace passes the test.",
                       cure_figures=(("bond", bond.amount), ("bond_cost_a_year", bond.annual_cost)))
    what = (f" {take.entity_name} would need {format_gbp(take.extra, pence=False)} more {take.line_item_label} to pass."
            if take.extra is not None else "")
    return Finding(code, message + " No guarantee, guarantor or bond in reach cures it." + what, Severity.BLOCKING,
                   figures=figures + ((("extra_needed", take.extra),) if take.extra is not None else ()))
