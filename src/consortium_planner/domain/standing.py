"""Financial standing: can this consortium option pass the buyer's economic and financial tests?

Pure functions over a ``Workspace`` snapshot (DOMAIN.md §2 and §4). No Qt, no database, no I/O.
Every figure is a ``Decimal``; every result is a frozen dataclass.

Entry points
------------
``standing(ws, option_id, params)``            the whole analysis for one consortium option
``organisation_metrics(ws, org_id, tender)``   one organisation's metrics and three-year trend
``reserved_eligibility(ws, option_id)``        PA23 s33 (PCR15 reg 77) reservation for mutuals
``evaluate`` / ``evaluate_all`` / ``combine`` / ``line_items`` / ``with_extra`` /
``thresholds_for`` / ``contract_shares``       the building blocks, usable alone

Rules chosen (documented here because the GUI, PDF and tests rely on them)
----------------------------------------------------------------------------
Figures
  * A figure that is ``None`` on the ``FinancialYear`` is *not given*. A metric needing it is
    NOT_GIVEN and says which figure is missing (and, when combined, for whom). It is never read
    as zero: enter 0 where a figure really is nil (for example inventory for a care provider).
  * Combined figures are sums of line items across the organisations tested, and ratios are
    computed on the sums, never as averages of ratios. A combined line item is not given if any
    organisation in the combination did not give it.
  * EBIT is the operating surplus (the surplus before interest and tax, as charities and CICs
    report it). EBITDA is the ``ebitda`` figure; when that is not given but the operating
    surplus and depreciation are, EBITDA = operating surplus + depreciation.
  * Net debt = borrowings − cash. Net assets = total assets − total liabilities.
    Free cash flow = operating cash flow − net capex − net interest − tax − dividends.
  * Net interest is positive when payable. Zero or negative (net interest income) means there
    is nothing to cover: interest cover is UNDEFINED, not a fail.

Units and rounding
  * Ratios (turnover ratio, current, acid, gearing, interest cover, net debt ÷ EBITDA) are
    plain numbers; operating margin and contract dependency are in percentage points
    (``Decimal("25")`` is 25 %, the program's percent convention, so a tender condition for
    them is entered as 25, not 0.25); reserves cover is in months; free cash flow and net
    assets are money.
  * Money is rounded half-even to the penny. Ratios, percentages and months are shown to 0.01,
    rounded toward the failing side (down for a minimum, up for a maximum), so a shown value
    never looks like a pass when it is a fail. Pass or fail is always decided on the exact value.

Thresholds
  * Precedence: the tender's ``FinancialCondition`` row for the metric, then (turnover ratio
    only) ``Tender.turnover_multiple``, then ``StandingParams.thresholds`` (workspace
    overrides), then ``DEFAULT_THRESHOLDS`` (DOMAIN.md §2, each with its [K]/[U] mark).
  * DOMAIN's "> 0" tests (operating margin, net assets) are strict. A tender condition is read
    as inclusive (a buyer's "at least £500k" includes £500k): ">" becomes "≥".
  * GREEN meets the threshold; AMBER misses it but meets the amber threshold; RED misses both.
    Only RED counts as a fail. A zero denominator is UNDEFINED (not a fail) unless the zero
    itself means the test cannot be met:
      current/acid ratio with no current liabilities, interest cover with no interest payable,
      operating margin with no turnover, reserves cover with no expenditure, turnover ratio
      with a zero contract value → UNDEFINED;
      gearing with zero or negative net assets → RED ("meaningless"); net debt ÷ EBITDA with
      positive net debt and zero or negative EBITDA → RED; contract dependency with a share of
      the contract but no turnover → RED.
  * Reserves cover is a charities' test: it is NOT_TESTED unless an organisation tested is a
    charity (kind CHARITY or a registered charity) or the tender sets a condition for it.

Contract shares
  * A member's share of the annual contract value (ACV) is its ``participation_pct`` of the
    ACV; if every member's participation is 0, its share of the volume allocated to members;
    if there are no allocations and only one member, all of it; otherwise not known.
  * Contract dependency of a combined entity = the sum of its organisations' shares ÷ their
    combined turnover. (Under a lead-provider structure this is the lead's own share, not the
    gross contract value that passes through it to subcontractors.)

Who is tested (DOMAIN §2, §4)
  * GO_ALONE and LEAD_PROVIDER: the lead is the contracting party and is tested alone against
    the whole ACV. A member is "relied upon" when it offers a guarantee (``guarantee`` > 0) or
    its role is GUARANTOR. PCR15 reg 63 / PA23 s22 let a bidder rely on another's standing when
    the buyer can hold that other to it (joint liability or a guarantee), so relied-upon members'
    line items are added to the lead's. Subcontractors without a guarantee are shown but not tested.
  * CONSORTIUM (unincorporated, joint and several): the members who sign the contract (roles
    LEAD and PARTNER) plus any member relied upon are combined, tested against the whole ACV.
    A warning is raised when the option's liability is not joint and several.
  * ALLIANCE: every provider (all roles except SUBCONTRACTOR and GUARANTOR) contracts with the
    commissioner for its own part, so each is tested alone against its own share of the ACV.
  * SPV, LLP, SECONDARY_COOP: the vehicle is new and has no accounts, so its standing is carried
    by its members' guarantees: the guarantors are combined and tested against the whole ACV,
    with a warning that the vehicle has no track record. With no guarantor the turnover test
    fails outright.

Risk and mitigation
  * Overall risk counts the RED results of the entities tested: 0 Low, 1 Medium, ≥ 2 High [U].
  * For each fail: a guarantee sized at ``guarantee_pct`` of the ACV tested (default 100 % [U])
    from the members not already relied upon, ranked by net assets (strongest first), saying
    whether each one's accounts, added in, would cure the fail and which members together
    would; and a performance bond of the tender's ``bond_pct`` (or ``bond_pct`` here, 10 % of
    the annual value [V]) costing ``bond_premium_pct`` of the bond a year (1.5 % [U]).
  * "What it would take": the smallest extra amount, in pence, of the line item that moves the
    metric (turnover, operating surplus, operating cash flow, net assets, current assets, EBITDA
    or free reserves), others held fixed, that takes the result out of RED (and, separately, to
    GREEN); found by search on the real test, so the amount passes and one penny less fails.
    Then the organisations in the workspace outside the option whose accounts, added in, would
    pass the test, ranked green first, then by headroom over the threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from .fields import ChoiceEnum, specs
from .findings import Finding, Severity
from .model import (
    ConsortiumOption,
    FinancialYear,
    Liability,
    Member,
    MemberRole,
    Metric,
    Organisation,
    OrgKind,
    Regime,
    Structure,
    Tender,
    add_months,
)
from .money import HUNDRED, ZERO, allocate, format_decimal, format_gbp, quantize
from .workspace import Workspace

__all__ = [
    "DEFAULT_PARAMS",
    "DEFAULT_THRESHOLDS",
    "LINE_ITEMS",
    "METRIC_INPUTS",
    "BondOption",
    "Closer",
    "ContractShares",
    "Direction",
    "Fail",
    "GuaranteeOption",
    "GuarantorCandidate",
    "LineItems",
    "MemberStanding",
    "MetricResult",
    "MetricTrend",
    "OrganisationStanding",
    "ReservedCheck",
    "ReservedEligibility",
    "ReservedVerdict",
    "Risk",
    "StandingParams",
    "StandingResult",
    "Status",
    "TestedEntity",
    "Threshold",
    "TrendDirection",
    "TrendPoint",
    "TurnoverTest",
    "Unit",
    "WhatItWouldTake",
    "YearStanding",
    "combine",
    "contract_shares",
    "evaluate",
    "evaluate_all",
    "is_public_service_mutual",
    "line_items",
    "organisation_metrics",
    "reserved_eligibility",
    "risk_for",
    "standing",
    "thresholds_for",
    "with_extra",
]

CENT = Decimal("0.01")  # display step for ratios, percentages and months
_MAX_PENCE = 10**17  # search ceiling for "what it would take" (a thousand trillion pounds)


# --------------------------------------------------------------------------- enums


class Status(ChoiceEnum):
    GREEN = ("green", "Pass")
    AMBER = ("amber", "Pass with caution")
    RED = ("red", "Fail")
    NOT_GIVEN = ("not_given", "Not given")
    UNDEFINED = ("undefined", "Cannot be calculated")
    NOT_TESTED = ("not_tested", "Not tested")


class Direction(ChoiceEnum):
    AT_LEAST = ("at_least", "≥")
    AT_MOST = ("at_most", "≤")
    ABOVE = ("above", ">")


class Unit(ChoiceEnum):
    RATIO = ("ratio", "ratio")
    PERCENT = ("percent", "%")
    MONEY = ("money", "£")
    MONTHS = ("months", "months")


class Risk(ChoiceEnum):
    LOW = ("low", "Low")
    MEDIUM = ("medium", "Medium")
    HIGH = ("high", "High")


class TrendDirection(ChoiceEnum):
    IMPROVING = ("improving", "Improving")
    WORSENING = ("worsening", "Worsening")
    STEADY = ("steady", "Steady")
    UNKNOWN = ("unknown", "Not enough years")


class ReservedVerdict(ChoiceEnum):
    ELIGIBLE = ("eligible", "Eligible")
    NOT_ELIGIBLE = ("not_eligible", "Not eligible")
    CHECK = ("check", "Check before bidding")


PASSING = (Status.GREEN, Status.AMBER)


# --------------------------------------------------------------------------- thresholds


@dataclass(frozen=True, slots=True)
class Threshold:
    """A test: ``value <direction> threshold`` is GREEN; else ``<direction> amber`` is AMBER."""

    metric: Metric
    direction: Direction
    threshold: Decimal
    amber: Decimal | None
    unit: Unit
    source: str  # "[K]", "[U]", "tender condition", "tender minimum turnover", "workspace"

    def judge(self, value: Decimal) -> Status:
        if _meets(value, self.direction, self.threshold):
            return Status.GREEN
        if self.amber is not None and _meets(value, self.direction, self.amber):
            return Status.AMBER
        return Status.RED

    @property
    def pass_mark(self) -> Decimal:
        """The level that keeps a result out of RED (the amber threshold when there is one)."""
        return self.threshold if self.amber is None else self.amber


def _meets(value: Decimal, direction: Direction, bound: Decimal) -> bool:
    if direction is Direction.AT_LEAST:
        return value >= bound
    if direction is Direction.AT_MOST:
        return value <= bound
    return value > bound


def _t(metric: Metric, direction: Direction, threshold: str, amber: str | None, unit: Unit, source: str) -> Threshold:
    return Threshold(metric, direction, Decimal(threshold), None if amber is None else Decimal(amber), unit, source)


_GE, _LE, _GT = Direction.AT_LEAST, Direction.AT_MOST, Direction.ABOVE

#: DOMAIN.md §2 defaults. Percentages in percentage points, reserves in months.
DEFAULT_THRESHOLDS: dict[Metric, Threshold] = {
    Metric.TURNOVER_RATIO: _t(Metric.TURNOVER_RATIO, _GE, "2.0", None, Unit.RATIO, "[K]"),
    Metric.CONTRACT_DEPENDENCY: _t(Metric.CONTRACT_DEPENDENCY, _LE, "25", "50", Unit.PERCENT, "[U]"),
    Metric.OPERATING_MARGIN: _t(Metric.OPERATING_MARGIN, _GT, "0", None, Unit.PERCENT, "[K]"),
    Metric.FREE_CASH_FLOW: _t(Metric.FREE_CASH_FLOW, _GE, "0", None, Unit.MONEY, "[K]"),
    Metric.NET_ASSETS: _t(Metric.NET_ASSETS, _GT, "0", None, Unit.MONEY, "[K]"),
    Metric.CURRENT_RATIO: _t(Metric.CURRENT_RATIO, _GE, "1.0", "0.8", Unit.RATIO, "[U]"),
    Metric.ACID_RATIO: _t(Metric.ACID_RATIO, _GE, "0.8", None, Unit.RATIO, "[U]"),
    Metric.GEARING: _t(Metric.GEARING, _LE, "1.0", None, Unit.RATIO, "[U]"),
    Metric.INTEREST_COVER: _t(Metric.INTEREST_COVER, _GE, "4", "2", Unit.RATIO, "[U]"),
    Metric.NET_DEBT_EBITDA: _t(Metric.NET_DEBT_EBITDA, _LE, "3.5", None, Unit.RATIO, "[U]"),
    Metric.RESERVES_COVER: _t(Metric.RESERVES_COVER, _GE, "3", None, Unit.MONTHS, "[U]"),
}

#: The FinancialYear figures each metric needs (EBITDA may itself be derived, see the module doc).
METRIC_INPUTS: dict[Metric, tuple[str, ...]] = {
    Metric.TURNOVER_RATIO: ("turnover",),
    Metric.CONTRACT_DEPENDENCY: ("turnover",),
    Metric.OPERATING_MARGIN: ("operating_surplus", "turnover"),
    Metric.FREE_CASH_FLOW: ("operating_cash_flow", "capex", "interest", "tax", "dividends"),
    Metric.NET_ASSETS: ("total_assets", "total_liabilities"),
    Metric.CURRENT_RATIO: ("current_assets", "current_liabilities"),
    Metric.ACID_RATIO: ("current_assets", "inventory", "current_liabilities"),
    Metric.GEARING: ("borrowings", "cash", "total_assets", "total_liabilities"),
    Metric.INTEREST_COVER: ("operating_surplus", "interest"),
    Metric.NET_DEBT_EBITDA: ("borrowings", "cash", "ebitda"),
    Metric.RESERVES_COVER: ("free_reserves", "expenditure"),
}

#: The line item "what it would take" adds to. "net_assets" is added to total assets.
LEVERS: dict[Metric, str] = {
    Metric.TURNOVER_RATIO: "turnover",
    Metric.CONTRACT_DEPENDENCY: "turnover",
    Metric.OPERATING_MARGIN: "operating_surplus",
    Metric.FREE_CASH_FLOW: "operating_cash_flow",
    Metric.NET_ASSETS: "net_assets",
    Metric.CURRENT_RATIO: "current_assets",
    Metric.ACID_RATIO: "current_assets",
    Metric.GEARING: "net_assets",
    Metric.INTEREST_COVER: "operating_surplus",
    Metric.NET_DEBT_EBITDA: "ebitda",
    Metric.RESERVES_COVER: "free_reserves",
}

SHORT_LABEL: dict[Metric, str] = {
    Metric.TURNOVER_RATIO: "turnover ratio",
    Metric.CONTRACT_DEPENDENCY: "contract dependency",
    Metric.OPERATING_MARGIN: "operating margin",
    Metric.FREE_CASH_FLOW: "free cash flow",
    Metric.NET_ASSETS: "net assets",
    Metric.CURRENT_RATIO: "current ratio",
    Metric.ACID_RATIO: "acid ratio",
    Metric.GEARING: "gearing",
    Metric.INTEREST_COVER: "interest cover",
    Metric.NET_DEBT_EBITDA: "net debt ÷ EBITDA",
    Metric.RESERVES_COVER: "reserves cover",
}


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True, slots=True)
class StandingParams:
    """Editable assumptions (DOMAIN marks in brackets)."""

    bond_pct: Decimal = Decimal("10")  # [V] bond as % of annual value, when the tender sets none
    bond_premium_pct: Decimal = Decimal("1.5")  # [U] yearly cost as % of the bond
    guarantee_pct: Decimal = Decimal("100")  # [U] guarantee sized as % of the annual value tested
    trend_years: int = 3
    stale_after_months: int = 18  # [U] accounts older than this before the bid deadline are flagged
    thresholds: tuple[Threshold, ...] = ()  # workspace overrides of DEFAULT_THRESHOLDS


DEFAULT_PARAMS = StandingParams()


def thresholds_for(ws: Workspace, tender: Tender | None, params: StandingParams = DEFAULT_PARAMS) -> dict[Metric, Threshold]:
    """The threshold for every metric, by the precedence in the module docstring."""
    out = dict(DEFAULT_THRESHOLDS)
    for t in params.thresholds:
        out[t.metric] = t
    if tender is not None:
        base = out[Metric.TURNOVER_RATIO]
        out[Metric.TURNOVER_RATIO] = Threshold(
            Metric.TURNOVER_RATIO, _inclusive(base.direction), tender.turnover_multiple, None, Unit.RATIO,
            "tender minimum turnover",
        )
        if tender.id is not None:
            for c in ws.conditions(tender.id):
                base = out[c.metric]
                out[c.metric] = Threshold(c.metric, _inclusive(base.direction), c.threshold, c.amber_threshold,
                                          base.unit, "tender condition")
    return out


def _inclusive(d: Direction) -> Direction:
    return Direction.AT_LEAST if d is Direction.ABOVE else d


# --------------------------------------------------------------------------- line items

LINE_ITEMS: tuple[str, ...] = (
    "turnover", "operating_surplus", "ebitda", "depreciation", "interest", "tax", "operating_cash_flow",
    "capex", "dividends", "current_assets", "inventory", "current_liabilities", "total_assets",
    "total_liabilities", "cash", "borrowings", "free_reserves", "expenditure",
)

_FY_SPECS = specs(FinancialYear)


def item_label(name: str) -> str:
    """A line item's name in a sentence: 'current liabilities', 'EBITDA', 'net assets'."""
    if name == "net_assets":
        return "net assets"
    label = _FY_SPECS[name].label
    return label if label[:2].isupper() else label[0].lower() + label[1:]


@dataclass(frozen=True, slots=True)
class LineItems:
    """One year's figures for one organisation or a combination (sums). None is "not given"."""

    year_end: dt.date | None = None
    turnover: Decimal | None = None
    operating_surplus: Decimal | None = None
    ebitda: Decimal | None = None
    depreciation: Decimal | None = None
    interest: Decimal | None = None
    tax: Decimal | None = None
    operating_cash_flow: Decimal | None = None
    capex: Decimal | None = None
    dividends: Decimal | None = None
    current_assets: Decimal | None = None
    inventory: Decimal | None = None
    current_liabilities: Decimal | None = None
    total_assets: Decimal | None = None
    total_liabilities: Decimal | None = None
    cash: Decimal | None = None
    borrowings: Decimal | None = None
    free_reserves: Decimal | None = None
    expenditure: Decimal | None = None
    names: tuple[str, ...] = ()  # organisations summed
    gaps: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (line item, organisations that did not give it)
    ebitda_derived: bool = False  # EBITDA was operating surplus + depreciation for someone

    @property
    def net_assets(self) -> Decimal | None:
        if self.total_assets is None or self.total_liabilities is None:
            return None
        return self.total_assets - self.total_liabilities

    @property
    def net_debt(self) -> Decimal | None:
        if self.borrowings is None or self.cash is None:
            return None
        return self.borrowings - self.cash

    def value(self, name: str) -> Decimal | None:
        return self.net_assets if name == "net_assets" else getattr(self, name)

    def missing(self, *names: str) -> tuple[str, ...]:
        """Human descriptions of the named items that are not given ("inventory (Beta CIC)")."""
        gaps = dict(self.gaps)
        out = []
        for n in names:
            if getattr(self, n) is None:
                who = gaps.get(n, ())
                out.append(f"{item_label(n)} ({', '.join(who)})" if who and len(self.names) > 1 else item_label(n))
        return tuple(out)


def line_items(fy: FinancialYear | None, name: str = "") -> LineItems:
    """A FinancialYear's figures (EBITDA derived from surplus + depreciation when not given)."""
    if fy is None:
        return LineItems(names=(name,) if name else (),
                         gaps=tuple((f, (name,) if name else ()) for f in LINE_ITEMS))
    values = {f: getattr(fy, f) for f in LINE_ITEMS}
    derived = False
    if values["ebitda"] is None and fy.operating_surplus is not None and fy.depreciation is not None:
        values["ebitda"] = fy.operating_surplus + fy.depreciation
        derived = True
    gaps = tuple((f, (name,) if name else ()) for f in LINE_ITEMS if values[f] is None)
    return LineItems(year_end=fy.year_end, names=(name,) if name else (), gaps=gaps, ebitda_derived=derived,
                     **values)


def combine(parts: Sequence[LineItems]) -> LineItems:
    """Sum line items across organisations. An item is not given if any part did not give it.

    ``year_end`` is the latest of the parts' year ends.
    """
    if len(parts) == 1:
        return parts[0]
    values: dict[str, Decimal | None] = {}
    gaps = []
    for f in LINE_ITEMS:
        got = [getattr(p, f) for p in parts]
        if parts and all(v is not None for v in got):
            values[f] = sum(got, ZERO)  # type: ignore[arg-type]
        else:
            values[f] = None
            gaps.append((f, tuple(n for p in parts if getattr(p, f) is None for n in (p.names or ("?",)))))
    ends = [p.year_end for p in parts if p.year_end is not None]
    return LineItems(year_end=max(ends) if ends else None, names=tuple(n for p in parts for n in p.names),
                     gaps=tuple(gaps), ebitda_derived=any(p.ebitda_derived for p in parts), **values)


def with_extra(items: LineItems, item: str, amount: Decimal) -> LineItems:
    """``items`` with ``amount`` added to one line item ("net_assets" adds to total assets)."""
    name = "total_assets" if item == "net_assets" else item
    current = getattr(items, name)
    if current is None:
        return items
    return replace(items, **{name: current + amount})


# --------------------------------------------------------------------------- metric results


@dataclass(frozen=True, slots=True)
class MetricResult:
    metric: Metric
    label: str  # short name for a sentence or a column: "current ratio"
    value: Decimal | None  # rounded as described in the module doc; None when not computed
    unit: Unit
    threshold: Decimal | None
    amber_threshold: Decimal | None
    direction: Direction
    source: str  # where the threshold came from: "[K]", "[U]", "tender condition", ...
    status: Status
    explanation: str  # one sentence for a person
    reason: str = ""  # why NOT_GIVEN / UNDEFINED / a RED without a value ("current liabilities are zero")
    missing: tuple[str, ...] = ()  # figures not given

    @property
    def failed(self) -> bool:
        return self.status is Status.RED

    @property
    def passed(self) -> bool:
        return self.status in PASSING


@dataclass(frozen=True, slots=True)
class _Raw:
    value: Decimal | None
    outcome: str  # "value", "not_given", "undefined", "fail"
    reason: str = ""
    missing: tuple[str, ...] = ()


def _raw(metric: Metric, it: LineItems, acv: Decimal | None, share: Decimal | None) -> _Raw:
    missing = it.missing(*METRIC_INPUTS[metric])
    if missing:
        if not it.names:
            return _Raw(None, "not_given", "there are no accounts to test", missing)
        return _Raw(None, "not_given", "not given: " + ", ".join(missing), missing)
    v = it.value
    if metric is Metric.TURNOVER_RATIO:
        if acv is None:
            return _Raw(None, "not_given", "the share of the contract value is not known", ("share of contract",))
        if acv == 0:
            return _Raw(None, "undefined", "the annual contract value is zero")
        return _Raw(v("turnover") / acv, "value")  # type: ignore[operator]
    if metric is Metric.CONTRACT_DEPENDENCY:
        turnover = v("turnover")
        if share is None:
            return _Raw(None, "not_given", "the share of the contract is not known (no participation shares or "
                        "allocations)", ("share of contract",))
        if turnover == 0:
            if share == 0:
                return _Raw(None, "undefined", "there is no turnover and no share of the contract")
            return _Raw(None, "fail", "there is no turnover, so the contract would be all of the income")
        return _Raw(share * HUNDRED / turnover, "value")  # type: ignore[operator]
    if metric is Metric.OPERATING_MARGIN:
        if v("turnover") == 0:
            return _Raw(None, "undefined", "turnover is zero")
        return _Raw(v("operating_surplus") * HUNDRED / v("turnover"), "value")  # type: ignore[operator]
    if metric is Metric.FREE_CASH_FLOW:
        return _Raw(v("operating_cash_flow") - v("capex") - v("interest") - v("tax") - v("dividends"),  # type: ignore[operator]
                    "value")
    if metric is Metric.NET_ASSETS:
        return _Raw(it.net_assets, "value")
    if metric in (Metric.CURRENT_RATIO, Metric.ACID_RATIO):
        cl = v("current_liabilities")
        if cl == 0:
            return _Raw(None, "undefined", "current liabilities are zero")
        quick = v("current_assets") - (v("inventory") if metric is Metric.ACID_RATIO else ZERO)  # type: ignore[operator]
        return _Raw(quick / cl, "value")  # type: ignore[operator]
    if metric is Metric.GEARING:
        na, nd = it.net_assets, it.net_debt
        assert na is not None and nd is not None
        if na < 0:
            return _Raw(None, "fail", f"net assets are negative ({format_gbp(na)}: liabilities exceed assets), "
                        "so gearing is meaningless and is treated as a fail")
        if na == 0:
            return _Raw(None, "fail", "net assets are zero, so gearing cannot be measured and is treated as a fail")
        return _Raw(nd / na, "value")
    if metric is Metric.INTEREST_COVER:
        interest = v("interest")
        assert interest is not None
        if interest == 0:
            return _Raw(None, "undefined", "net interest is zero, so there is no interest to cover")
        if interest < 0:
            return _Raw(None, "undefined", "net interest is income, so there is no interest to cover")
        return _Raw(v("operating_surplus") / interest, "value")  # type: ignore[operator]
    if metric is Metric.NET_DEBT_EBITDA:
        nd, ebitda = it.net_debt, v("ebitda")
        assert nd is not None and ebitda is not None
        if ebitda > 0:
            return _Raw(nd / ebitda, "value")
        if nd <= 0:
            return _Raw(None, "undefined", "there is no net debt and EBITDA is not positive")
        word = "zero" if ebitda == 0 else "negative"
        return _Raw(None, "fail", f"EBITDA is {word}, so net debt of {format_gbp(nd)} cannot be repaid from earnings")
    if metric is Metric.RESERVES_COVER:
        spend = v("expenditure")
        if spend == 0:
            return _Raw(None, "undefined", "expenditure is zero")
        return _Raw(v("free_reserves") * 12 / spend, "value")  # type: ignore[operator]
    raise ValueError(f"unknown metric {metric!r}")  # pragma: no cover


def _shown(value: Decimal, thr: Threshold) -> Decimal:
    if thr.unit is Unit.MONEY:
        return quantize(value)
    rounding = ROUND_CEILING if thr.direction is Direction.AT_MOST else ROUND_FLOOR
    return value.quantize(CENT, rounding=rounding)


def fmt(value: Decimal | None, unit: Unit) -> str:
    """A metric value as text: '1.25', '12.50%', '£1,000.00', '2.50 months'."""
    if value is None:
        return "not given"
    if unit is Unit.MONEY:
        return format_gbp(value)
    if unit is Unit.PERCENT:
        return f"{format_decimal(value, 2)}%"
    if unit is Unit.MONTHS:
        return f"{format_decimal(value, 2)} months"
    return format_decimal(value, 2)


_PHRASE = {Direction.AT_LEAST: "at least", Direction.AT_MOST: "at most", Direction.ABOVE: "more than"}


def evaluate(metric: Metric, items: LineItems, threshold: Threshold, *, acv: Decimal | None = None,
             share: Decimal | None = None, subject: str = "", tested: bool = True,
             possessive: bool = False) -> MetricResult:
    """One metric on one set of line items against one threshold.

    ``acv`` is the annual contract value the entity is tested against (turnover ratio);
    ``share`` its share of that value (contract dependency). ``tested=False`` gives NOT_TESTED
    (the value is still computed where it can be). ``subject`` names whose figures these are
    ("Beta"), or with ``possessive=True`` is already a possessive ("Alpha and Beta's combined").
    """
    label = SHORT_LABEL[metric]
    raw = _raw(metric, items, acv, share)
    if not subject:
        who = label[0].upper() + label[1:]
    else:
        who = f"{subject} {label}" if possessive else f"{subject}'s {label}"
        who = who[0].upper() + who[1:]
    thr = threshold
    source = thr.source if thr.source.startswith("[") or not thr.source else f"({thr.source})"
    test_text = f"{_PHRASE[thr.direction]} {fmt(thr.threshold, thr.unit)} {source}".rstrip()
    verb = "are" if metric is Metric.NET_ASSETS else "is"
    value = None if raw.value is None else _shown(raw.value, thr)
    common = dict(metric=metric, label=label, value=value, unit=thr.unit, threshold=thr.threshold,
                  amber_threshold=thr.amber, direction=thr.direction, source=thr.source,
                  reason=raw.reason, missing=raw.missing)
    if not tested:
        shown = f" ({fmt(value, thr.unit)})" if value is not None else ""
        return MetricResult(status=Status.NOT_TESTED,
                            explanation=f"{who}{shown} is not tested: it applies to charities and the tender sets "
                                        "no condition for it.", **common)  # type: ignore[arg-type]
    if raw.outcome == "not_given":
        return MetricResult(status=Status.NOT_GIVEN,
                            explanation=f"{who} cannot be tested: {raw.reason}.", **common)  # type: ignore[arg-type]
    if raw.outcome == "undefined":
        return MetricResult(status=Status.UNDEFINED,
                            explanation=f"{who} cannot be calculated: {raw.reason}.", **common)  # type: ignore[arg-type]
    if raw.outcome == "fail":
        return MetricResult(status=Status.RED,
                            explanation=f"{who} fails the test of {test_text}: {raw.reason}.", **common)  # type: ignore[arg-type]
    assert raw.value is not None
    status = thr.judge(raw.value)
    shown = fmt(value, thr.unit)
    if status is Status.GREEN:
        text = f"{who} {verb} {shown}, which meets the test of {test_text}."
    elif status is Status.AMBER:
        text = (f"{who} {verb} {shown}, short of the pass mark ({test_text}) but within the amber level of "
                f"{fmt(thr.amber, thr.unit)}.")
    else:
        amber = f" (amber {_PHRASE[thr.direction]} {fmt(thr.amber, thr.unit)})" if thr.amber is not None else ""
        text = f"{who} {verb} {shown}, which fails the test of {test_text}{amber}."
    return MetricResult(status=status, explanation=text, **common)  # type: ignore[arg-type]


def evaluate_all(items: LineItems, thresholds: Mapping[Metric, Threshold], *, acv: Decimal | None,
                 share: Decimal | None, subject: str = "", test_reserves: bool = True,
                 possessive: bool = False) -> tuple[MetricResult, ...]:
    """Every metric, in ``Metric`` order."""
    return tuple(
        evaluate(m, items, thresholds[m], acv=acv, share=share, subject=subject, possessive=possessive,
                 tested=test_reserves or m is not Metric.RESERVES_COVER)
        for m in Metric
    )


# --------------------------------------------------------------------------- per organisation


@dataclass(frozen=True, slots=True)
class YearStanding:
    year_end: dt.date | None
    line_items: LineItems
    metrics: tuple[MetricResult, ...]

    def result(self, metric: Metric) -> MetricResult:
        return next(r for r in self.metrics if r.metric is metric)


@dataclass(frozen=True, slots=True)
class TrendPoint:
    year_end: dt.date | None
    value: Decimal | None
    status: Status


@dataclass(frozen=True, slots=True)
class MetricTrend:
    metric: Metric
    points: tuple[TrendPoint, ...]  # oldest first
    direction: TrendDirection
    explanation: str


@dataclass(frozen=True, slots=True)
class OrganisationStanding:
    organisation_id: int | None
    name: str
    year_end: dt.date | None  # latest accounts; None when no financial year is entered
    annual_value: Decimal | None  # the contract value it is measured against
    share_of_acv: Decimal | None
    is_charity: bool
    line_items: LineItems  # latest year
    metrics: tuple[MetricResult, ...]  # latest year, Metric order
    years: tuple[YearStanding, ...]  # up to trend_years, oldest first
    trends: tuple[MetricTrend, ...]

    def result(self, metric: Metric) -> MetricResult:
        return next(r for r in self.metrics if r.metric is metric)


def _is_charity(org: Organisation) -> bool:
    return org.kind is OrgKind.CHARITY or org.registered_charity


def _trend(metric: Metric, years: Sequence[YearStanding], thr: Threshold) -> MetricTrend:
    points = tuple(TrendPoint(y.year_end, y.result(metric).value, y.result(metric).status) for y in years)
    known = [p for p in points if p.value is not None]
    label = SHORT_LABEL[metric]
    cap = label[0].upper() + label[1:]
    if len(known) < 2:
        return MetricTrend(metric, points, TrendDirection.UNKNOWN,
                           f"{cap}: fewer than two years with figures, so no trend.")
    first, last = known[0], known[-1]
    span = f"from {fmt(first.value, thr.unit)} ({_year(first.year_end)}) to {fmt(last.value, thr.unit)} " \
           f"({_year(last.year_end)})"
    assert first.value is not None and last.value is not None
    if last.value == first.value:
        return MetricTrend(metric, points, TrendDirection.STEADY, f"{cap} held steady {span}.")
    better = last.value < first.value if thr.direction is Direction.AT_MOST else last.value > first.value
    if better:
        return MetricTrend(metric, points, TrendDirection.IMPROVING, f"{cap} improved {span}.")
    return MetricTrend(metric, points, TrendDirection.WORSENING, f"{cap} worsened {span}.")


def _year(d: dt.date | None) -> str:
    return "?" if d is None else d.isoformat()


def _standing_years(
    per_year_items: Sequence[LineItems], thresholds: Mapping[Metric, Threshold], *, acv: Decimal | None,
    share: Decimal | None, subject: str, test_reserves: bool, possessive: bool = False,
) -> tuple[tuple[YearStanding, ...], tuple[MetricTrend, ...]]:
    years = tuple(
        YearStanding(it.year_end, it, evaluate_all(it, thresholds, acv=acv, share=share, subject=subject,
                                                   possessive=possessive,
                                                   test_reserves=test_reserves))
        for it in per_year_items
    )
    trends = tuple(_trend(m, years, thresholds[m]) for m in Metric) if years else ()
    return years, trends


def organisation_metrics(
    ws: Workspace, org_id: int, tender: Tender | None, *, share_of_acv: Decimal | None = None,
    annual_value: Decimal | None = None, params: StandingParams = DEFAULT_PARAMS,
) -> OrganisationStanding:
    """One organisation's metrics from its latest accounts, with up to ``trend_years`` of trend.

    ``annual_value`` defaults to the tender's; ``share_of_acv`` (for contract dependency) is not
    known unless given. With no tender, the turnover ratio is not given.
    """
    org = ws.get(Organisation, org_id)
    if org is None:
        raise ValueError(f"no organisation with id {org_id}")
    acv = annual_value if annual_value is not None else (tender.annual_value if tender is not None else None)
    thresholds = thresholds_for(ws, tender, params)
    reserves_tested = _is_charity(org) or _has_condition(ws, tender, Metric.RESERVES_COVER)
    fys = ws.financial_years(org_id)[-max(params.trend_years, 1):]
    items = [line_items(fy, org.name) for fy in fys]
    years, trends = _standing_years(items, thresholds, acv=acv, share=share_of_acv, subject=org.name,
                                    test_reserves=reserves_tested)
    if years:
        latest_items, metrics = years[-1].line_items, years[-1].metrics
    else:
        latest_items = line_items(None, org.name)
        metrics = evaluate_all(latest_items, thresholds, acv=acv, share=share_of_acv, subject=org.name,
                               test_reserves=reserves_tested)
        metrics = tuple(replace(r, reason="no financial years entered",
                                explanation=f"{org.name}'s {r.label} cannot be tested: no financial years entered.")
                        if r.status is Status.NOT_GIVEN else r for r in metrics)
    return OrganisationStanding(org.id, org.name, latest_items.year_end, acv, share_of_acv, _is_charity(org),
                                latest_items, metrics, years, trends)


def _has_condition(ws: Workspace, tender: Tender | None, metric: Metric) -> bool:
    return tender is not None and tender.id is not None and any(c.metric is metric for c in ws.conditions(tender.id))


# --------------------------------------------------------------------------- contract shares


@dataclass(frozen=True, slots=True)
class ContractShares:
    basis: str  # "participation", "allocated volume", "sole member", "unknown"
    by_member: tuple[tuple[int, Decimal | None], ...]  # member id → £ a year
    warnings: tuple[str, ...]

    def of(self, member_id: int | None) -> Decimal | None:
        return dict(self.by_member).get(member_id)  # type: ignore[arg-type]


def contract_shares(ws: Workspace, option_id: int, annual_value: Decimal) -> ContractShares:
    """Each member's share of the annual contract value (rule in the module docstring)."""
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
        return ContractShares("participation", tuple(zip(ids, parts, strict=True)), tuple(warnings))  # type: ignore[arg-type]
    volumes = {m.id: ZERO for m in members}
    for a in ws.allocations(option_id):
        if a.member_id in volumes:
            volumes[a.member_id] += a.volume
    total_volume = sum(volumes.values(), ZERO)
    if total_volume > 0:
        parts = allocate(annual_value, [volumes[i] for i in ids])
        return ContractShares("allocated volume", tuple(zip(ids, parts, strict=True)), ())  # type: ignore[arg-type]
    if len(members) == 1:
        return ContractShares("sole member", ((ids[0], quantize(annual_value)),), ())  # type: ignore[arg-type]
    if members:
        warnings.append("No participation shares or allocations are entered, so each member's share of the "
                        "contract (and its contract dependency) is not known.")
    return ContractShares("unknown", tuple((i, None) for i in ids), tuple(warnings))  # type: ignore[misc]


# --------------------------------------------------------------------------- option results


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


@dataclass(frozen=True, slots=True)
class GuarantorCandidate:
    organisation_id: int
    member_id: int | None
    name: str
    net_assets: Decimal | None
    covers_amount: bool | None  # its net assets are at least the guarantee amount
    cures: bool  # adding its accounts to the tested entity passes this test


@dataclass(frozen=True, slots=True)
class GuaranteeOption:
    amount: Decimal
    pct_of_annual_value: Decimal
    candidates: tuple[GuarantorCandidate, ...]  # option members not yet relied upon, strongest first
    cure_with: tuple[int, ...]  # organisation ids whose guarantees together cure it; () if none do
    source: str
    explanation: str


@dataclass(frozen=True, slots=True)
class BondOption:
    bond_pct: Decimal
    amount: Decimal
    premium_pct: Decimal
    annual_cost: Decimal
    term_years: int
    term_cost: Decimal
    source: str
    explanation: str


@dataclass(frozen=True, slots=True)
class Closer:
    organisation_id: int
    name: str
    contributes: Decimal | None  # its own amount of the line item
    result: MetricResult  # the test re-run with its accounts added


@dataclass(frozen=True, slots=True)
class WhatItWouldTake:
    entity_name: str
    metric: Metric
    line_item: str  # LineItems field, or "net_assets" (added to total assets)
    line_item_label: str
    current: Decimal | None
    extra: Decimal | None  # smallest extra (to the penny) that passes (GREEN or AMBER); None: not possible
    extra_to_green: Decimal | None
    possible: bool
    explanation: str
    closers: tuple[Closer, ...]  # organisations outside the option that would pass it if added, best first


@dataclass(frozen=True, slots=True)
class Fail:
    entity_name: str
    result: MetricResult
    guarantee: GuaranteeOption
    bond: BondOption
    what_it_would_take: WhatItWouldTake

    @property
    def metric(self) -> Metric:
        return self.result.metric


@dataclass(frozen=True, slots=True)
class ReservedCheck:
    name: str  # "regime", "term", "contracting supplier", "vehicle"
    passed: bool | None  # None: cannot be told from the workspace
    explanation: str


@dataclass(frozen=True, slots=True)
class ReservedEligibility:
    tender_reserved: bool  # the tender is flagged as reserved for mutuals
    verdict: ReservedVerdict
    max_term_years: int | None  # the longest term the regime allows for a reserved contract
    term_years: int  # term + extensions
    checks: tuple[ReservedCheck, ...]
    reasons: tuple[str, ...]  # why not, or what to check
    caveats: tuple[str, ...]  # conditions the workspace does not record
    explanation: str


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


def _latest(ws: Workspace, org: Organisation) -> LineItems:
    fys = ws.financial_years(org.id)  # type: ignore[arg-type]
    return line_items(fys[-1] if fys else None, org.name)


def _group_years(ws: Workspace, parties: Sequence[_Party], n: int) -> list[LineItems]:
    """Combined line items by position: latest year of each, then the one before, ... oldest first."""
    per_org = [ws.financial_years(p.org.id)[-n:] for p in parties]  # type: ignore[arg-type]
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


def _evaluate_group(ws: Workspace, group: _Group, thresholds: Mapping[Metric, Threshold], tender: Tender,
                    params: StandingParams) -> tuple[TestedEntity, _Context]:
    reserves_tested = any(_is_charity(p.org) for p in group.parties) or _has_condition(
        ws, tender, Metric.RESERVES_COVER)
    if len(group.parties) > 1:
        ctx = _Context(thresholds, group.annual_value, group.share, f"{_names(group.parties)}'s combined",
                       reserves_tested, possessive=True)
    else:
        subject = group.parties[0].org.name if group.parties else group.name
        ctx = _Context(thresholds, group.annual_value, group.share, subject, reserves_tested)
    parts = [_latest(ws, p.org) for p in group.parties]
    items = combine(parts) if parts else LineItems(gaps=tuple((f, ()) for f in LINE_ITEMS))
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
        organisation_ids=tuple(p.org.id for p in group.parties),  # type: ignore[misc]
        member_ids=tuple(p.member.id for p in group.parties if p.member is not None),  # type: ignore[misc]
        annual_value=group.annual_value, share_of_acv=group.share, has_track_record=group.has_track_record,
        line_items=items, metrics=metrics, years=years, trends=trends,
        turnover_test=_turnover_test(group.name, _who_has(group), items, turnover, group.annual_value),
        reserves_tested=reserves_tested,
    )
    return entity, ctx


# --------------------------------------------------------------------------- fails and cures


def _smallest_extra(ok: Callable[[Decimal], bool]) -> Decimal | None:
    """The least amount in whole pence for which ``ok`` holds (``ok`` monotone), or None."""
    if ok(ZERO):
        return ZERO
    lo, hi = 0, 1
    while not ok(Decimal(hi).scaleb(-2)):
        lo, hi = hi, hi * 2
        if hi > _MAX_PENCE:
            return None
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(Decimal(mid).scaleb(-2)):
            hi = mid
        else:
            lo = mid
    return quantize(Decimal(hi).scaleb(-2))


def _headroom(r: MetricResult) -> Decimal:
    if r.value is None or r.threshold is None:
        return ZERO
    return r.threshold - r.value if r.direction is Direction.AT_MOST else r.value - r.threshold


def _what_it_would_take(ws: Workspace, entity: TestedEntity, ctx: _Context, result: MetricResult,
                        parts: Sequence[LineItems], outsiders: Sequence[Organisation]) -> WhatItWouldTake:
    metric = result.metric
    lever = LEVERS[metric]
    items = entity.line_items
    current = items.value(lever)
    label = item_label(lever)
    extra = to_green = None
    if current is not None:
        extra = _smallest_extra(lambda x: ctx.test(metric, with_extra(items, lever, x)).status in PASSING)
        to_green = _smallest_extra(lambda x: ctx.test(metric, with_extra(items, lever, x)).status is Status.GREEN)
    closers = []
    for org in outsiders:
        cand = _latest(ws, org)
        r = ctx.test(metric, combine([*parts, cand]))
        if r.status in PASSING:
            closers.append(Closer(org.id, org.name, cand.value(lever), r))  # type: ignore[arg-type]
    closers.sort(key=lambda c: (c.result.status is not Status.GREEN, -_headroom(c.result), c.name.casefold()))
    names = [c.name for c in closers[:3]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1] if names else ""
    joiners = f" Adding {listed} would close the gap." if closers else ""
    if extra is None:
        if not entity.organisation_ids:
            why = "there are no accounts to add to; a member or another organisation must guarantee it"
        elif current is None:
            why = f"{label} is not given"
        else:
            why = f"no amount of extra {label} alone passes it"
        text = f"{entity.name} cannot pass the {result.label} test by adding to one line item: {why}.{joiners}"
    else:
        green = "" if to_green is None or to_green == extra else f" ({format_gbp(to_green)} to reach green)"
        text = (f"{entity.name} would pass the {result.label} test with {format_gbp(extra)} more {label}"
                f"{green}.{joiners}")
    return WhatItWouldTake(entity.name, metric, lever, label, current, extra, to_green, extra is not None, text,
                           tuple(closers))


def _guarantee(ws: Workspace, entity: TestedEntity, ctx: _Context, result: MetricResult,
               parts: Sequence[LineItems], candidates: Sequence[_Party], params: StandingParams) -> GuaranteeOption:
    base = entity.annual_value if entity.annual_value is not None else ZERO
    amount = quantize(base * params.guarantee_pct / HUNDRED)
    ranked = []
    for p in candidates:
        cand = _latest(ws, p.org)
        na = cand.net_assets
        cures = ctx.test(result.metric, combine([*parts, cand])).status in PASSING
        ranked.append((GuarantorCandidate(p.org.id, p.member.id if p.member else None, p.org.name, na,  # type: ignore[arg-type]
                                          None if na is None else na >= amount, cures), cand))
    ranked.sort(key=lambda gc: (gc[0].net_assets is None, -(gc[0].net_assets or ZERO), gc[0].name.casefold()))
    cure_with: tuple[int, ...] = ()
    acc = list(parts)
    for i, (_gc, cand) in enumerate(ranked):
        acc.append(cand)
        if ctx.test(result.metric, combine(acc)).status in PASSING:
            cure_with = tuple(g.organisation_id for g, _ in ranked[: i + 1])
            break
    ordered = tuple(gc for gc, _ in ranked)
    if not ordered:
        text = (f"A guarantee of {format_gbp(amount)} would have to come from outside the option: every member "
                "is already relied upon.")
    elif len(cure_with) == 1:
        who = next(g.name for g in ordered if g.organisation_id == cure_with[0])
        strongest = " (the strongest balance sheet)" if ordered[0].organisation_id == cure_with[0] else ""
        text = (f"A guarantee of {format_gbp(amount)} from {who}{strongest} would bring its accounts into the "
                f"test and cure the {result.label} fail.")
    elif cure_with:
        who = [g.name for g in ordered if g.organisation_id in cure_with]
        text = (f"Guarantees of {format_gbp(amount)} from {', '.join(who[:-1])} and {who[-1]} (strongest balance "
                f"sheets first) would together bring their accounts into the test and cure the {result.label} fail.")
    else:
        text = (f"A guarantee of {format_gbp(amount)} from {ordered[0].name} (the strongest balance sheet) would "
                f"not cure the {result.label} fail: even with every other member's accounts added it still fails.")
    return GuaranteeOption(amount, params.guarantee_pct, ordered, cure_with, "[U]", text)


def _bond(entity: TestedEntity, tender: Tender, params: StandingParams) -> BondOption:
    pct = tender.bond_pct if tender.bond_pct > 0 else params.bond_pct
    source = "tender" if tender.bond_pct > 0 else "[V]"
    base = entity.annual_value if entity.annual_value is not None else ZERO
    amount = quantize(base * pct / HUNDRED)
    annual = quantize(amount * params.bond_premium_pct / HUNDRED)
    term_cost = quantize(annual * tender.term_years)
    text = (f"A performance bond of {format_gbp(amount)} ({format_decimal(pct)}% of {format_gbp(base)} a year) "
            f"would cost about {format_gbp(annual)} a year ({format_decimal(params.bond_premium_pct)}% of the bond "
            f"[U]), {format_gbp(term_cost)} over the {tender.term_years}-year term.")
    return BondOption(pct, amount, params.bond_premium_pct, annual, tender.term_years, term_cost, source, text)


# --------------------------------------------------------------------------- reserved contracts


def is_public_service_mutual(org: Organisation) -> tuple[bool | None, str]:
    """Whether the workspace shows ``org`` as a public service mutual, and why (None: check).

    PA23 s33(6)(c) asks that the body be "under the management and control of its employees".
    Taken as: kind MUTUAL (unless staff are recorded as holding 50 % or less of control, which is
    then flagged for checking), or employee owned with more than 50 % employee control.
    """
    pct = org.employee_ownership_pct
    if org.kind is OrgKind.MUTUAL:
        if pct is not None and pct <= 50:
            return None, (f"{org.name} is recorded as a public service mutual but its staff hold only "
                          f"{format_decimal(pct)}% of control; check that its employees manage and control it")
        return True, f"{org.name} is a public service mutual"
    if org.employee_owned:
        if pct is None:
            return None, f"{org.name} is employee owned but the share of control its staff hold is not given"
        if pct > 50:
            return True, f"{org.name} is {format_decimal(pct)}% controlled by its employees"
        return False, (f"{org.name} is only {format_decimal(pct)}% employee controlled, so it is not under its "
                       "employees' management and control")
    label = org.kind.label
    article = "an" if label[0].lower() in "aeiou" or label.startswith(("SME", "NHS")) else "a"
    return False, f"{org.name} is {article} {label if label[:2].isupper() else label.lower()}, not a public service mutual"


def reserved_eligibility(ws: Workspace, option_id: int) -> ReservedEligibility:
    """Could this option bid for a contract reserved for public service mutuals?

    My reading of the public text (Procurement Act 2023 s33, as enacted):
      * s33(1): a contract may be reserved only if it is for "reservable light touch services"
        (services specified in regulations under s33(8)) and "has a maximum term of five years or
        less". The maximum term is read as including every extension the contract allows, so
        ``term_years + extension_years`` must not exceed 5.
      * s33(4)-(5): the buyer must disregard tenders from suppliers that are not "qualifying public
        service mutuals": a public service mutual that has not entered into a comparable contract
        (same kind of services, same authority, reserved under s33) in the three years before award.
      * s33(6): a public service mutual operates to deliver public services, mainly reservable light
        touch services; is run not for profit or distributes profits only to members; and is under
        the management and control of its employees.
    The supplier that must qualify is the contracting party: the lead under go-alone and lead
    provider structures (subcontractors need not); each member who signs an unincorporated
    consortium's contract; each provider in an alliance; the vehicle itself for an SPV, LLP or
    secondary co-operative (which the workspace cannot assess: it must itself be employee
    controlled, and being owned by mutuals is not the same thing, so the verdict is CHECK).
    Before 24 Feb 2025 the rule was PCR15 reg 77 [K], with a maximum term of three years and the
    same three-year bar. PA23 (and so s33) does not apply to the NHS Provider Selection Regime or to
    grants. What the workspace does not record (the kind of services, earlier reserved contracts,
    profit distribution) is listed as caveats and does not change the verdict.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"consortium option {option_id} has no tender")
    checks: list[ReservedCheck] = []
    term = tender.term_years + tender.extension_years
    term_text = (f"{tender.term_years} years" if not tender.extension_years else
                 f"{term} years ({tender.term_years} plus {tender.extension_years} of extensions)")
    section = "PA23 s33"
    max_term: int | None
    if tender.regime is Regime.PA23:
        max_term = 5
        checks.append(ReservedCheck("regime", True, "The tender is under the Procurement Act 2023, whose s33 allows "
                                    "reserving light-touch contracts for public service mutuals."))
    elif tender.regime is Regime.PCR15:
        max_term, section = 3, "PCR15 reg 77"
        checks.append(ReservedCheck("regime", True, "The tender is under the Public Contracts Regulations 2015, "
                                    "whose reg 77 allows reserving some health, social and cultural service "
                                    "contracts for mutuals [K]."))
    else:
        max_term = None
        what = ("the NHS Provider Selection Regime, to which PA23 s33 does not apply"
                if tender.regime is Regime.PSR else "a grant, not a procurement, so PA23 s33 does not apply")
        checks.append(ReservedCheck("regime", False, f"The tender is under {what}."))
    if max_term is not None:
        ok = term <= max_term
        checks.append(ReservedCheck(
            "term", ok,
            f"The maximum term of {term_text} {'is within' if ok else 'exceeds'} the {max_term} years {section} "
            "allows for a reserved contract."))
    parties = _parties(ws, option_id)
    s = option.structure
    if s in (Structure.SPV, Structure.LLP, Structure.SECONDARY_COOP):
        owners = [p for p in parties if is_public_service_mutual(p.org)[0] is not True]
        extra = (f"; {_names(owners)} {_are(owners)} not shown as "
                 f"{'a public service mutual' if len(owners) == 1 else 'public service mutuals'}" if owners else "")
        checks.append(ReservedCheck(
            "vehicle", None,
            f"The contracting supplier would be the {s.label.lower()} itself, which must be under the management "
            f"and control of its own employees; check its articles{extra}."))
    else:
        if s in (Structure.GO_ALONE, Structure.LEAD_PROVIDER):
            lead = _lead(ws, option, parties, [])
            suppliers = [lead] if lead else []
            role = "the lead"
        elif s is Structure.CONSORTIUM:
            suppliers = [p for p in parties if p.member is not None
                         and p.member.role in (MemberRole.LEAD, MemberRole.PARTNER)]
            role = "a consortium member who signs the contract"
        else:
            suppliers = [p for p in parties if p.member is not None
                         and p.member.role not in (MemberRole.GUARANTOR, MemberRole.SUBCONTRACTOR)]
            role = "an alliance provider"
        if not suppliers:
            checks.append(ReservedCheck("contracting supplier", None,
                                        "No contracting supplier is chosen (no lead or members)."))
        for p in suppliers:
            ok, why = is_public_service_mutual(p.org)
            if ok is False:
                why = f"{role}, {why.replace(p.org.name + ' is', p.org.name + ', is', 1)}" \
                    if why.startswith(p.org.name + " is ") else f"{role}: {why}"
            checks.append(ReservedCheck("contracting supplier", ok, why[0].upper() + why[1:] + "."))
    caveats = (
        f"The services must be of a kind regulations allow to be reserved ({section}); the workspace does not "
        "record the kind of services.",
        "A qualifying mutual must not have entered into a comparable reserved contract with the same buyer in the "
        "three years before award.",
        "A public service mutual must operate mainly to deliver such services and be run not for profit or "
        "distribute profits only to its members.",
    )
    failed = [c.explanation for c in checks if c.passed is False]
    unsure = [c.explanation for c in checks if c.passed is None]
    if failed:
        verdict, reasons = ReservedVerdict.NOT_ELIGIBLE, failed
        text = "Not eligible for a contract reserved for public service mutuals: " + " ".join(failed)
    elif unsure:
        verdict, reasons = ReservedVerdict.CHECK, unsure
        text = "Check before relying on a reservation for public service mutuals: " + " ".join(unsure)
    else:
        verdict, reasons = ReservedVerdict.ELIGIBLE, []
        text = ("Eligible, as far as the workspace shows, for a contract reserved for public service mutuals "
                f"({section}).")
    return ReservedEligibility(tender.reserved_for_mutuals, verdict, max_term, term, tuple(checks), tuple(reasons),
                               caveats, text)


# --------------------------------------------------------------------------- entry point


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


def standing(ws: Workspace, option_id: int, params: StandingParams = DEFAULT_PARAMS) -> StandingResult:
    """Financial standing of one consortium option against its tender."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"consortium option {option.name!r} has no tender")
    warnings: list[str] = []
    thresholds = thresholds_for(ws, tender, params)
    acv = tender.annual_value
    shares = contract_shares(ws, option_id, acv)
    warnings.extend(shares.warnings)
    parties = _parties(ws, option_id, warnings)

    multiple = thresholds[Metric.TURNOVER_RATIO].threshold
    if tender.regime is Regime.PCR15 and multiple > 2:
        warnings.append(f"PCR15 reg 58(9): the minimum turnover asked for may not exceed twice the estimated "
                        f"contract value unless the buyer justifies it; this tender asks for "
                        f"{format_decimal(multiple)} ×.")

    groups = _plan(ws, option, tender, parties, shares, warnings)
    relied_ids = {p.org.id for g in groups for p in g.parties}
    member_results = []
    for p in parties:
        assert p.member is not None
        share = shares.of(p.member.id)
        basis = share if option.structure is Structure.ALLIANCE else acv
        member_results.append(MemberStanding(
            p.member.id, p.org.id, p.org.name, p.member.role, p.member.guarantee, p.org.id in relied_ids, share,
            organisation_metrics(ws, p.org.id, tender, share_of_acv=share, annual_value=basis,  # type: ignore[arg-type]
                                 params=params)))
    member_org_ids = {p.org.id for p in parties} | ({option.lead_organisation_id} - {None})
    outsiders = [o for o in ws.organisations() if o.id not in member_org_ids and ws.financial_years(o.id)]  # type: ignore[arg-type]

    tested = []
    fails = []
    for g in groups:
        entity, ctx = _evaluate_group(ws, g, thresholds, tender, params)
        tested.append(entity)
        parts = [_latest(ws, p.org) for p in g.parties]
        in_group = {p.org.id for p in g.parties}
        candidates = [p for p in parties if p.org.id not in in_group]
        for r in entity.metrics:
            if r.status is not Status.RED:
                continue
            fails.append(Fail(entity.name, r, _guarantee(ws, entity, ctx, r, parts, candidates, params),
                              _bond(entity, tender, params),
                              _what_it_would_take(ws, entity, ctx, r, parts, outsiders)))
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
    known = [(p.org.name, _latest(ws, p.org).year_end) for p in group.parties]
    known = [(n, d) for n, d in known if d is not None]
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
    """Each failed test of the entity the buyer tests (serious: a guarantee or a bond may cure it),
    then the analysis's warnings."""
    out = [Finding(f"standing_fail_{f.metric.value}", f.result.explanation, Severity.SERIOUS) for f in result.fails]
    out.extend(Finding("standing_warning", w, Severity.WARNING) for w in result.warnings)
    return out
