"""Financial standing: each member's share of the contract, whose accounts the buyer tests under the
option's structure (DOMAIN §2, §4), and the tested entity's metrics, trend and turnover test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from ..model import (
    ConsortiumOption,
    Liability,
    Member,
    MemberRole,
    Metric,
    Organisation,
    Structure,
    Tender,
    stored_id,
)
from ..money import HUNDRED, ZERO, allocate, format_decimal, format_gbp, quantize
from ..workspace import Workspace
from .items import LINE_ITEMS, LineItems, combine, line_items
from .metrics import MetricResult, evaluate, evaluate_all
from .metrics import status as metric_status
from .organisation import MetricTrend, YearStanding, _has_condition, _is_charity, _standing_years
from .thresholds import StandingParams, Status, Threshold

# --------------------------------------------------------------------------- contract shares


@dataclass(frozen=True, slots=True)
class ContractShares:
    basis: str  # "participation", "allocated volume", "sole member", "unknown"
    by_member: tuple[tuple[int | None, Decimal | None], ...]  # member id → £ a year
    warnings: tuple[str, ...]

    def of(self, member_id: int | None) -> Decimal | None:
        return dict(self.by_member).get(member_id)


def contract_shares(ws: Workspace, option_id: int, annual_value: Decimal) -> ContractShares:
    """Each member's share of the annual contract value (rule in the package docstring)."""
    members = ws.members(option_id)
    warnings: list[str] = []
    ids = [m.id for m in members]
    total_pct = sum((m.participation_pct for m in members), ZERO)
    if total_pct > 0:
        if total_pct == HUNDRED:
            parts = allocate(annual_value, [m.participation_pct for m in members])
        else:
            parts = [quantize(annual_value * m.participation_pct / HUNDRED) for m in members]
            warnings.append(f"Members' participation shares add up to {format_decimal(total_pct)}%, not 100%.")
        return ContractShares("participation", tuple(zip(ids, parts, strict=True)), tuple(warnings))
    volumes = {m.id: ZERO for m in members}
    for a in ws.allocations(option_id):
        if a.member_id in volumes:
            volumes[a.member_id] += a.volume
    total_volume = sum(volumes.values(), ZERO)
    if total_volume > 0:
        parts = allocate(annual_value, [volumes[i] for i in ids])
        return ContractShares("allocated volume", tuple(zip(ids, parts, strict=True)), ())
    if len(members) == 1:
        return ContractShares("sole member", ((ids[0], quantize(annual_value)),), ())
    if members:
        warnings.append("No participation shares or allocations are entered, so each member's share of the "
                        "contract (and its contract dependency) is not known.")
    return ContractShares("unknown", tuple((i, None) for i in ids), tuple(warnings))


# --------------------------------------------------------------------------- the tested entity


@dataclass(frozen=True, slots=True)
class TurnoverTest:
    entity_name: str
    turnover: Decimal | None
    annual_value: Decimal | None  # the contract value tested against
    multiple: Decimal
    required: Decimal | None  # multiple × annual value
    shortfall: Decimal | None  # how much more turnover passes; 0 when it passes
    status: Status
    source: str
    explanation: str


@dataclass(frozen=True, slots=True)
class TestedEntity:
    """Whose accounts the buyer tests: one organisation, a combination, or a vehicle's guarantors."""

    __test__ = False  # not a pytest class

    name: str
    kind: str  # "lead", "lead with guarantors", "members combined", "provider", "vehicle guarantors"
    rule: str  # one sentence: why these accounts are tested
    organisation_ids: tuple[int, ...]
    member_ids: tuple[int, ...]
    annual_value: Decimal | None  # the contract value it is tested against
    share_of_acv: Decimal | None  # for contract dependency
    has_track_record: bool  # False for a new vehicle
    line_items: LineItems  # latest year, summed
    metrics: tuple[MetricResult, ...]
    years: tuple[YearStanding, ...]  # combined by position (latest, one before, ...), oldest first
    trends: tuple[MetricTrend, ...]
    turnover_test: TurnoverTest
    reserves_tested: bool

    def result(self, metric: Metric) -> MetricResult:
        return next(r for r in self.metrics if r.metric is metric)


# --------------------------------------------------------------------------- who is tested


@dataclass(frozen=True, slots=True)
class _Party:
    member: Member | None
    org: Organisation


@dataclass(frozen=True, slots=True)
class _Group:
    name: str
    kind: str
    rule: str
    parties: tuple[_Party, ...]
    annual_value: Decimal | None
    share: Decimal | None
    has_track_record: bool = True
    unsupported_vehicle: bool = False


def _relied(m: Member) -> bool:
    return (m.guarantee is not None and m.guarantee > 0) or m.role is MemberRole.GUARANTOR


def _names(parties: Iterable[_Party]) -> str:
    names = [p.org.name for p in parties]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _are(parties: Sequence[_Party]) -> str:
    return "is" if len(parties) == 1 else "are"


def _sum_shares(parties: Sequence[_Party], shares: ContractShares) -> Decimal | None:
    total = ZERO
    for p in parties:
        s = shares.of(p.member.id) if p.member is not None else ZERO
        if s is None:
            return None
        total += s
    return total


def _parties(ws: Workspace, option_id: int, warnings: list[str] | None = None) -> list[_Party]:
    out = []
    for m in ws.members(option_id):
        org = ws.get(Organisation, m.organisation_id)
        if org is None:
            if warnings is not None:
                warnings.append(f"Member {m.id} points at an organisation that is not in the workspace.")
            continue
        out.append(_Party(m, org))
    return out


def _plan(
    ws: Workspace, option: ConsortiumOption, tender: Tender, parties: Sequence[_Party], shares: ContractShares,
    warnings: list[str],
) -> list[_Group]:
    acv = tender.annual_value
    s = option.structure
    if s in (Structure.GO_ALONE, Structure.LEAD_PROVIDER):
        lead = _lead(ws, option, parties, warnings)
        if lead is None:
            return [_Group("No lead chosen", "lead", "The lead is tested, but no lead is chosen.", (), acv, None)]
        guarantors = [p for p in parties if p.member is not None and _relied(p.member) and p.org.id != lead.org.id]
        others = [p for p in parties if p.org.id != lead.org.id and p not in guarantors]
        if s is Structure.GO_ALONE and others:
            warnings.append(f"The option goes alone, but {_names(others)} {_are(others)} listed as members and "
                            "not tested.")
        group = [lead, *guarantors]
        name = lead.org.name if not guarantors else f"{lead.org.name} with guarantors {_names(guarantors)}"
        rule = (f"The lead, {lead.org.name}, is the contracting party and is tested on its own accounts; another "
                "member's standing counts only when it guarantees the lead (PCR15 reg 63, PA23 s22), and then its "
                "line items are added to the lead's.")
        return [_Group(name, "lead with guarantors" if guarantors else "lead", rule, tuple(group), acv,
                       _sum_shares(group, shares))]
    if s is Structure.CONSORTIUM:
        group = [p for p in parties if p.member is not None
                 and (p.member.role in (MemberRole.LEAD, MemberRole.PARTNER) or _relied(p.member))]
        left_out = [p for p in parties if p not in group]
        if left_out:
            warnings.append(f"{_names(left_out)} {_are(left_out)} subcontracting without a guarantee, so not part "
                            "of the combined test.")
        if option.liability is not Liability.JOINT_AND_SEVERAL:
            warnings.append(f"The consortium's liability is '{option.liability.label}'. Buyers usually rely on "
                            "members' combined standing only when they accept joint and several liability "
                            "(PCR15 reg 63, PA23 s22).")
        rule = ("Members who sign an unincorporated consortium's contract are jointly and severally liable, so "
                "their accounts are combined: line items are added together and the ratios computed on the sums.")
        return [_Group(f"{_names(group)} combined" if len(group) > 1 else _names(group) or "No members",
                       "members combined", rule, tuple(group), acv, _sum_shares(group, shares))]
    if s is Structure.ALLIANCE:
        providers = [p for p in parties if p.member is not None
                     and p.member.role not in (MemberRole.GUARANTOR, MemberRole.SUBCONTRACTOR)]
        loose = [p for p in parties if p.member is not None and p.member.role is MemberRole.GUARANTOR]
        if loose:
            offer = "offers a guarantee" if len(loose) == 1 else "offer guarantees"
            warnings.append(f"{_names(loose)} {offer}, but an alliance tests each provider on its own; say which "
                            "provider a guarantee supports.")
        rule = ("In an alliance every provider contracts with the commissioner for its own part, so each is "
                "tested on its own accounts against its share of the contract.")
        out = []
        for p in providers:
            share = shares.of(p.member.id) if p.member is not None else None
            out.append(_Group(p.org.name, "provider", rule, (p,), share, share))
        if not out:
            out.append(_Group("No providers", "provider", rule, (), acv, None))
        return out
    # SPV, LLP, secondary co-operative
    vehicle = option.name if s.label.casefold() in option.name.casefold() else f"{option.name} ({s.label.lower()})"
    guarantors = [p for p in parties if p.member is not None and _relied(p.member)]
    warnings.append(f"The {s.label.lower()} is a new body with no accounts or track record of its own; buyers "
                    "will look to its members' guarantees and may ask for guarantees covering the whole contract.")
    rule = (f"A {s.label.lower()} has no accounts, so its standing is carried by its members' guarantees: the "
            "guarantors' line items are combined and tested.")
    if not guarantors:
        return [_Group(vehicle, "vehicle guarantors", rule, (), acv, None, has_track_record=False,
                       unsupported_vehicle=True)]
    return [_Group(f"{vehicle} guaranteed by {_names(guarantors)}", "vehicle guarantors", rule, tuple(guarantors),
                   acv, _sum_shares(guarantors, shares), has_track_record=False)]


def _lead(ws: Workspace, option: ConsortiumOption, parties: Sequence[_Party], warnings: list[str]) -> _Party | None:
    if option.lead_organisation_id is not None:
        for p in parties:
            if p.org.id == option.lead_organisation_id:
                return p
        org = ws.get(Organisation, option.lead_organisation_id)
        if org is not None:
            warnings.append(f"The lead, {org.name}, is not listed among the option's members.")
            return _Party(None, org)
    leads = [p for p in parties if p.member is not None and p.member.role is MemberRole.LEAD]
    if len(leads) == 1:
        return leads[0]
    if len(parties) == 1:
        return parties[0]
    warnings.append("No lead is chosen for this option, so the lead's standing cannot be tested.")
    return None


# --------------------------------------------------------------------------- evaluation of a group


@dataclass(frozen=True, slots=True)
class _Context:
    thresholds: Mapping[Metric, Threshold]
    acv: Decimal | None
    share: Decimal | None
    subject: str
    reserves_tested: bool
    possessive: bool = False

    def test(self, metric: Metric, items: LineItems) -> MetricResult:
        return evaluate(metric, items, self.thresholds[metric], acv=self.acv, share=self.share,
                        subject=self.subject, tested=self.reserves_tested or metric is not Metric.RESERVES_COVER,
                        possessive=self.possessive)

    def status(self, metric: Metric, items: LineItems) -> Status:
        """``test(metric, items).status``, without writing its explanation (searches test many amounts)."""
        return metric_status(metric, items, self.thresholds[metric], acv=self.acv, share=self.share,
                             tested=self.reserves_tested or metric is not Metric.RESERVES_COVER)


def _latest(ws: Workspace, org: Organisation) -> LineItems:
    fys = ws.financial_years(org.id)
    return line_items(fys[-1] if fys else None, org.name)


def _group_years(ws: Workspace, parties: Sequence[_Party], n: int) -> list[LineItems]:
    """Combined line items by position: latest year of each, then the one before, ... oldest first."""
    per_org = [ws.financial_years(p.org.id)[-n:] for p in parties]
    depth = min((len(f) for f in per_org), default=0)
    out = []
    for k in range(depth, 0, -1):
        out.append(combine([line_items(fys[-k], p.org.name) for fys, p in zip(per_org, parties, strict=True)]))
    return out


def _who_has(group: _Group) -> str:
    if len(group.parties) > 1:
        return f"{_names(group.parties)} together have"
    return f"{group.parties[0].org.name if group.parties else group.name} has"


def _turnover_test(entity: str, who_has: str, items: LineItems, result: MetricResult,
                   acv: Decimal | None) -> TurnoverTest:
    multiple = result.threshold if result.threshold is not None else Decimal("2")
    required = None if acv is None else quantize(multiple * acv)
    turnover = items.turnover
    shortfall = None
    if required is not None and turnover is not None:
        shortfall = quantize(max(ZERO, required - turnover))
    if result.status is Status.AMBER and shortfall is not None:
        text = (f"{who_has} turnover of {format_gbp(turnover)}, {format_gbp(shortfall)} short of the "
                f"{format_gbp(required)} asked for ({format_decimal(multiple)} × {format_gbp(acv)} a year) but within "
                "the buyer's amber level.")
    elif result.status is Status.GREEN and required is not None:
        text = (f"{who_has} turnover of {format_gbp(turnover)}, meeting the {format_gbp(required)} required "
                f"({format_decimal(multiple)} × {format_gbp(acv)} a year).")
    elif result.status is Status.RED and shortfall is not None:
        text = (f"{who_has} turnover of {format_gbp(turnover)}, {format_gbp(shortfall)} short of the "
                f"{format_gbp(required)} required ({format_decimal(multiple)} × {format_gbp(acv)} a year).")
    else:
        text = result.explanation
    return TurnoverTest(entity, turnover, acv, multiple, required, shortfall, result.status, result.source, text)


def _reserves_tested(ws: Workspace, group: _Group, tender: Tender) -> bool:
    return any(_is_charity(p.org) for p in group.parties) or _has_condition(ws, tender, Metric.RESERVES_COVER)


def _group_items(ws: Workspace, group: _Group) -> LineItems:
    """The group's latest line items, combined."""
    parts = [_latest(ws, p.org) for p in group.parties]
    return combine(parts) if parts else LineItems(gaps=tuple((f, ()) for f in LINE_ITEMS))


def _failing(ws: Workspace, group: _Group, thresholds: Mapping[Metric, Threshold], tender: Tender) -> tuple[Metric, ...]:
    """The metrics the group fails (red), as ``_evaluate_group`` finds them, without writing a word of them or
    looking at the earlier years: for a caller that weighs many plans by their failures (the structure
    advisor)."""
    tested = _reserves_tested(ws, group, tender)
    items = _group_items(ws, group)
    return tuple(
        m for m in Metric
        if (group.unsupported_vehicle and m is Metric.TURNOVER_RATIO)
        or metric_status(m, items, thresholds[m], acv=group.annual_value, share=group.share,
                         tested=tested or m is not Metric.RESERVES_COVER) is Status.RED
    )


def _evaluate_group(ws: Workspace, group: _Group, thresholds: Mapping[Metric, Threshold], tender: Tender,
                    params: StandingParams) -> tuple[TestedEntity, _Context]:
    reserves_tested = _reserves_tested(ws, group, tender)
    if len(group.parties) > 1:
        ctx = _Context(thresholds, group.annual_value, group.share, f"{_names(group.parties)}'s combined",
                       reserves_tested, possessive=True)
    else:
        subject = group.parties[0].org.name if group.parties else group.name
        ctx = _Context(thresholds, group.annual_value, group.share, subject, reserves_tested)
    items = _group_items(ws, group)
    years_items = _group_years(ws, group.parties, max(params.trend_years, 1)) if group.parties else []
    years, trends = _standing_years(years_items, thresholds, acv=ctx.acv, share=ctx.share, subject=ctx.subject,
                                    test_reserves=reserves_tested, possessive=ctx.possessive)
    metrics = evaluate_all(items, thresholds, acv=ctx.acv, share=ctx.share, subject=ctx.subject,
                           test_reserves=reserves_tested, possessive=ctx.possessive)
    if group.unsupported_vehicle:
        reason = "the vehicle has no accounts and no member has offered a guarantee"
        metrics = tuple(
            replace(r, status=Status.RED, reason=reason,
                    explanation=f"{group.name} fails the turnover test: {reason}.")
            if r.metric is Metric.TURNOVER_RATIO else
            replace(r, reason=reason, explanation=f"{group.name}'s {r.label} cannot be tested: {reason}.")
            if r.status is Status.NOT_GIVEN else r
            for r in metrics
        )
    turnover = next(r for r in metrics if r.metric is Metric.TURNOVER_RATIO)
    entity = TestedEntity(
        name=group.name, kind=group.kind, rule=group.rule,
        organisation_ids=tuple(stored_id(p.org) for p in group.parties),
        member_ids=tuple(stored_id(p.member) for p in group.parties if p.member is not None),
        annual_value=group.annual_value, share_of_acv=group.share, has_track_record=group.has_track_record,
        line_items=items, metrics=metrics, years=years, trends=trends,
        turnover_test=_turnover_test(group.name, _who_has(group), items, turnover, group.annual_value),
        reserves_tested=reserves_tested,
    )
    return entity, ctx
