"""Markets beyond the tender and income concentration (DOMAIN §7, §13; issue 17).

**A segment month by month.** A market segment (``model.MarketSegment``) is income from one market:
an organisation's existing income (no option) or a new market an option plans. In the segment's
month t (t = 0 its first month), customers are

    c_t = c_(t−1) × (1 − churn) + new        with c_(−1) = customers at the start

so the month's new customers arrive in it and churn works on those carried from the month before.
Hours of the month = c_t × hours a week × 52 ÷ 12. With y = ⌊t ÷ 12⌋ the segment's year,

    revenue       = hours × rate × (1 + rate rise)^y × (1 − bad debt) + fixed income a year × (1 + rate rise)^y ÷ 12
    delivery cost = hours × cost an hour × (1 + cost rise)^y + fixed cost a year × (1 + cost rise)^y ÷ 12

(a sum a year is split to the penny so that the segment's 12 months of each year add up to it)
    cost to win   = new × cost to win a customer
    contribution  = revenue − delivery cost − cost to win

each rounded half-even to the penny (customers and hours are kept exact). A segment earns from
its start date (an existing one dated before the window, or undated, is already earning from the
window's first month; an undated new market starts at the option's service start).

**Per option.** The window is the option's projection up to the end of the service: its months and
P&L periods (mobilisation and the contract years; nothing in the run-off), so the markets' figures sit beside the tender's by
period, apart from them: ``OptionMarkets.periods`` holds the tender's income and EBITDA and the
markets' revenue and contribution, and ``members`` each member's market contribution beside its
contract profit before tax. The markets' figures do not enter the tender's funding requirement,
NPV or cover: those stay the bid's own.

**Income concentration** (``concentration``) per member and for the consortium, before the bid
(its existing income) and after it (plus its share of the contract, from the projection's
members, and the option's new markets it earns), over the first contract year (period 1):
the largest buyer's share, shares by buyer type, the Herfindahl index Σ share² over buyers,
trading income (all but grants) as a share, and public contract dependency (council and other
contracts and the tender, as a share). Red/amber/green against lenders' tests: largest source
> 50% red, > 30% amber [U] (Charity Bank wants no reliance on a sole source [V]); trading income
< 50% red (the Recovery Loan Fund's test [V]); Herfindahl > 0.5 red, > 0.25 amber [U]; public
contract dependency > 90% red, > 75% amber [U]. A measure after the bid that is red or amber is a
warning finding (it does not stop a bid; lenders will ask about it), with what would cure it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity
from .model import BuyerType, MarketSegment, SegmentKind, Tender, add_months
from .money import quantize

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
WEEKS_A_MONTH = Decimal(52) / Decimal(12)

#: Red/amber thresholds (DOMAIN §13: assumptions [U] except the Recovery Loan Fund's trading test [V]).
LARGEST_RED = Decimal("50")
LARGEST_AMBER = Decimal("30")
TRADING_RED = Decimal("50")  # below it
HHI_RED = Decimal("0.5")
HHI_AMBER = Decimal("0.25")
PUBLIC_RED = Decimal("90")
PUBLIC_AMBER = Decimal("75")

#: The tender is a public contract; a council's counts as a council contract.
_COUNCILS = {BuyerType.COUNTY, BuyerType.UNITARY, BuyerType.DISTRICT, BuyerType.COMBINED}
TENDER = "tender"  # the kind of the tender's own income in a source list


# --------------------------------------------------------------------------- a segment's months


@dataclass(frozen=True, slots=True)
class SegmentMonth:
    month: int  # the window's month (0 = its first)
    customers: Decimal  # exact
    hours: Decimal  # exact
    new_customers: Decimal
    revenue: Decimal
    delivery_cost: Decimal
    acquisition_cost: Decimal

    @property
    def contribution(self) -> Decimal:
        return self.revenue - self.delivery_cost - self.acquisition_cost


def months_between(first: dt.date, day: dt.date) -> int:
    """Whole months from ``first`` to ``day`` (negative before it); a part month counts as the next."""
    n = (day.year - first.year) * 12 + (day.month - first.month)
    return n + 1 if day.day > first.day and day > add_months(first, n) else n


def twelfth(annual: Decimal, t: int) -> Decimal:
    """Month ``t``'s part of a sum a year, split to the penny so that each year's 12 months add up to it."""
    k = t % 12
    return quantize(annual * (k + 1) / 12) - quantize(annual * k / 12)


# (the segment's id(), start, months) → (the segment, its months): its figures depend on nothing else, and
# an edit elsewhere (an allocation) leaves its row the very same (immutable) object, so an option's
# markets are not worked out again month by month after every edit (issue 22). The cache holds the row,
# so no other object can take its id() while the entry stands.
_MONTHS: dict[tuple[int, int, int], tuple[MarketSegment, tuple[SegmentMonth, ...]]] = {}
_MONTHS_SIZE = 4096


def segment_months(segment: MarketSegment, start: int, months: int) -> tuple[SegmentMonth, ...]:
    """The segment's figures for each of the window's ``months`` months, earning from month ``start``
    (≤ 0: from the first). Months before it are zero."""
    key = (id(segment), start, months)
    hit = _MONTHS.get(key)
    if hit is not None and hit[0] is segment:
        return hit[1]
    out = _segment_months(segment, start, months)
    if len(_MONTHS) >= _MONTHS_SIZE:
        _MONTHS.clear()
    _MONTHS[key] = (segment, out)
    return out


def _segment_months(segment: MarketSegment, start: int, months: int) -> tuple[SegmentMonth, ...]:
    churn = ONE - segment.churn_pct / HUNDRED
    collect = ONE - segment.bad_debt_pct / HUNDRED
    rate_up = ONE + segment.rate_indexation_pct / HUNDRED
    cost_up = ONE + segment.cost_indexation_pct / HUNDRED
    first = max(start, 0)
    out: list[SegmentMonth] = []
    customers = segment.customers_at_start
    for m in range(months):
        if m < first:
            out.append(SegmentMonth(m, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO))
            continue
        t = m - first
        customers = customers * churn + segment.new_per_month
        hours = customers * segment.hours_per_week * WEEKS_A_MONTH
        year = t // 12
        r, c = rate_up ** year, cost_up ** year
        revenue = quantize(hours * segment.rate * r * collect) + twelfth(segment.annual_income * r, t)
        cost = quantize(hours * segment.cost_per_hour * c) + twelfth(segment.annual_cost * c, t)
        acquisition = quantize(segment.new_per_month * segment.acquisition_cost)
        out.append(SegmentMonth(m, customers, hours, segment.new_per_month, revenue, cost, acquisition))
    return tuple(out)


# --------------------------------------------------------------------------- an option's markets


@dataclass(frozen=True, slots=True)
class PeriodMarkets:
    """One P&L period: the tender's figures and the markets' beside them."""

    period: int
    label: str
    tender_income: Decimal
    tender_ebitda: Decimal
    market_revenue: Decimal
    market_delivery_cost: Decimal
    market_acquisition_cost: Decimal
    market_contribution: Decimal

    @property
    def total_income(self) -> Decimal:
        return self.tender_income + self.market_revenue

    @property
    def total_contribution(self) -> Decimal:
        return self.tender_ebitda + self.market_contribution


@dataclass(frozen=True, slots=True)
class SegmentResult:
    segment_id: int | None
    name: str
    kind: SegmentKind
    buyer: str
    organisation_id: int | None
    start_month: int
    months: tuple[SegmentMonth, ...]
    revenue: Decimal  # over the window
    contribution: Decimal
    customers_at_end: Decimal
    year_one_revenue: Decimal  # first contract year (period 1)


@dataclass(frozen=True, slots=True)
class MemberMarkets:
    organisation_id: int | None
    name: str
    contract_profit_before_tax: tuple[Decimal, ...]  # by period, from the projection
    market_contribution: tuple[Decimal, ...]  # by period

    @property
    def total(self) -> tuple[Decimal, ...]:
        return tuple(a + b for a, b in zip(self.contract_profit_before_tax, self.market_contribution, strict=True))


@dataclass(frozen=True, slots=True)
class OptionMarkets:
    option_id: int
    segments: tuple[SegmentResult, ...]
    periods: tuple[PeriodMarkets, ...]
    members: tuple[MemberMarkets, ...]
    monthly_revenue: tuple[Decimal, ...]  # all the option's segments, by window month
    monthly_contribution: tuple[Decimal, ...]
    findings: tuple[Finding, ...]
    first_day: dt.date | None = None  # the window's first month starts on it
    monthly_tender_income: tuple[Decimal, ...] = ()  # the tender's income (accrued) by window month

    @property
    def market_revenue(self) -> Decimal:
        return sum((p.market_revenue for p in self.periods), ZERO)

    @property
    def market_contribution(self) -> Decimal:
        return sum((p.market_contribution for p in self.periods), ZERO)


@dataclass(frozen=True, slots=True)
class Window:
    """The option's projection months: when each starts, its P&L period, and the service start month."""

    first_day: dt.date
    periods: tuple[int, ...]  # the P&L period of each month
    period_labels: dict[int, str]
    service_start_month: int

    @property
    def months(self) -> int:
        return len(self.periods)


def start_month(segment: MarketSegment, window: Window) -> int:
    if segment.start_date is None:
        return 0 if segment.option_id is None else window.service_start_month
    return months_between(window.first_day, segment.start_date)


def segment_result(segment: MarketSegment, window: Window) -> SegmentResult:
    start = start_month(segment, window)
    months = segment_months(segment, start, window.months)
    earning = [m for m in months if m.month >= max(start, 0)]
    year_one = sum((m.revenue for m in months if window.periods[m.month] == 1), ZERO)
    return SegmentResult(
        segment.id, segment.name, segment.kind, segment.buyer, segment.organisation_id, start, months,
        sum((m.revenue for m in months), ZERO), sum((m.contribution for m in months), ZERO),
        earning[-1].customers if earning else ZERO, year_one)


def option_markets(option_id: int, segments: Sequence[MarketSegment], window: Window,
                   tender_periods: Sequence[tuple[int, Decimal, Decimal]],
                   members: Sequence[tuple[int | None, str, Sequence[Decimal]]],
                   member_orgs: Iterable[int | None], tender_monthly_income: Sequence[Decimal] = ()) -> OptionMarkets:
    """The option's new markets over its projection window.

    ``tender_periods``: (period, income, EBITDA) of the tender's projection; ``members``: each
    member's (organisation id, name, profit before tax by period) in the same period order.
    """
    results = tuple(segment_result(s, window) for s in segments)
    order = [p for p, _, _ in tender_periods]
    by_period: dict[int, list[Decimal]] = {p: [ZERO, ZERO, ZERO] for p in order}
    monthly_revenue = [ZERO] * window.months
    monthly_contribution = [ZERO] * window.months
    by_org: dict[int | None, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for r in results:
        for m in r.months:
            p = window.periods[m.month]
            acc = by_period.setdefault(p, [ZERO, ZERO, ZERO])
            acc[0] += m.revenue
            acc[1] += m.delivery_cost
            acc[2] += m.acquisition_cost
            monthly_revenue[m.month] += m.revenue
            monthly_contribution[m.month] += m.contribution
            by_org[r.organisation_id][p] += m.contribution
    periods = tuple(
        PeriodMarkets(p, window.period_labels.get(p, str(p)), income, ebitda, revenue, cost, won,
                      revenue - cost - won)
        for p, income, ebitda in tender_periods for revenue, cost, won in [by_period[p]])
    member_rows = tuple(
        MemberMarkets(org, name, tuple(profit), tuple(by_org.get(org, {}).get(p, ZERO) for p in order))
        for org, name, profit in members)
    findings: list[Finding] = []
    in_option = set(member_orgs)
    for r in results:
        if r.organisation_id not in in_option:
            findings.append(Finding(
                "market_not_member", f"The market '{r.name}' is earned by an organisation that is not a member of "
                "this option: its contribution is counted for the consortium but no member's", Severity.WARNING))
        if r.start_month >= window.months:
            findings.append(Finding(
                "market_after_window", f"The market '{r.name}' starts after the projection ends: it adds nothing",
                Severity.INFO))
        elif r.contribution < 0:
            findings.append(Finding(
                "market_loss", f"The market '{r.name}' loses money over the contract: its contribution is "
                f"£{-r.contribution:,.2f} below nothing (rate, cost an hour or the cost to win customers)",
                Severity.WARNING, figures=(("contribution", r.contribution),)))
    return OptionMarkets(option_id, results, periods, member_rows, tuple(monthly_revenue),
                         tuple(monthly_contribution), tuple(findings), window.first_day, tuple(tender_monthly_income))


# --------------------------------------------------------------------------- concentration


@dataclass(frozen=True, slots=True)
class Source:
    """One income source in the first contract year."""

    name: str
    kind: str  # a SegmentKind value, or TENDER
    buyer: str  # who pays: the key for the largest-buyer share and the Herfindahl index
    amount: Decimal
    public_contract: bool
    trading: bool


@dataclass(frozen=True, slots=True)
class Measure:
    key: str
    label: str
    value: Decimal | None  # a percentage (largest, trading, public) or an index (Herfindahl); None: no income
    rating: str  # "red", "amber", "green" or "" (not rated)
    test: str  # the test, in words


@dataclass(frozen=True, slots=True)
class Profile:
    """One income profile: an organisation's or the consortium's, before or after the bid."""

    total: Decimal
    sources: tuple[Source, ...]
    by_kind: tuple[tuple[str, Decimal], ...]  # kind → share %, largest first
    measures: tuple[Measure, ...]

    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)


@dataclass(frozen=True, slots=True)
class Concentration:
    """Before and after the bid, for one member organisation or the consortium (``organisation_id`` None)."""

    organisation_id: int | None
    name: str
    before: Profile
    after: Profile
    turnover: Decimal | None  # the latest accounts' turnover (members), to show how much the sources cover
    coverage_pct: Decimal | None  # existing sources ÷ turnover


@dataclass(frozen=True, slots=True)
class ConcentrationResult:
    option_id: int
    members: tuple[Concentration, ...]
    consortium: Concentration
    findings: tuple[Finding, ...]
    unmeasured: tuple[str, ...] = ()  # members whose income today is not entered: left out of the consortium's


KIND_LABELS: dict[str, str] = {k.value: k.label for k in SegmentKind} | {TENDER: "This tender"}


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return ZERO if part == 0 else part / whole * HUNDRED


def _rate_high(value: Decimal, red: Decimal, amber: Decimal | None) -> str:
    if value > red:
        return "red"
    return "amber" if amber is not None and value > amber else "green"


def profile(sources: Iterable[Source]) -> Profile:
    """The measures of one set of income sources (DOMAIN §7, §13)."""
    rows = tuple(s for s in sources if s.amount != 0)
    total = sum((s.amount for s in rows), ZERO)
    kinds: dict[str, Decimal] = defaultdict(lambda: ZERO)
    buyers: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for s in rows:
        kinds[s.kind] += s.amount
        buyers[" ".join(s.buyer.split()).casefold() or s.name.casefold()] += s.amount
    if total <= 0:
        none = (Measure("largest", "Largest buyer's share", None, "", "> 50% red, > 30% amber"),
                Measure("hhi", "Herfindahl index of buyers", None, "", "> 0.5 red, > 0.25 amber"),
                Measure("trading", "Trading income share", None, "", "< 50% red (Recovery Loan Fund)"),
                Measure("public", "Public contract dependency", None, "", "> 90% red, > 75% amber"))
        return Profile(total, rows, (), none)
    by_kind = tuple(sorted(((k, _pct(v, total)) for k, v in kinds.items()), key=lambda kv: (-kv[1], kv[0])))
    largest = _pct(max(buyers.values()), total)
    hhi = sum(((v / total) ** 2 for v in buyers.values()), ZERO)
    trading = _pct(sum((s.amount for s in rows if s.trading), ZERO), total)
    public = _pct(sum((s.amount for s in rows if s.public_contract), ZERO), total)
    measures = (
        Measure("largest", "Largest buyer's share", largest, _rate_high(largest, LARGEST_RED, LARGEST_AMBER),
                "> 50% red, > 30% amber [U]; lenders want no reliance on a sole source"),
        Measure("hhi", "Herfindahl index of buyers", hhi, _rate_high(hhi, HHI_RED, HHI_AMBER),
                "> 0.5 red, > 0.25 amber [U]"),
        Measure("trading", "Trading income share", trading, "red" if trading < TRADING_RED else "green",
                "< 50% red: the Recovery Loan Fund's test"),
        Measure("public", "Public contract dependency", public, _rate_high(public, PUBLIC_RED, PUBLIC_AMBER),
                "> 90% red, > 75% amber [U]"),
    )
    return Profile(total, rows, by_kind, measures)


def segment_source(result: SegmentResult) -> Source:
    kind = result.kind
    return Source(result.name, kind.value, result.buyer or result.name, result.year_one_revenue,
                  public_contract=kind in (SegmentKind.COUNCIL, SegmentKind.OTHER_CONTRACTS),
                  trading=kind is not SegmentKind.GRANTS)


def tender_source(tender: Tender, amount: Decimal) -> Source:
    return Source(tender.name, TENDER, tender.buyer or tender.name, amount, public_contract=True, trading=True)


def concentration(option_id: int, tender: Tender,
                  members: Sequence[tuple[int | None, str, Decimal, Decimal | None]],
                  existing: Sequence[SegmentResult], new: Sequence[SegmentResult]) -> ConcentrationResult:
    """Income concentration of each member and of the consortium, before and after the bid.

    ``members``: (organisation id, name, its share of the tender's year-one income, its latest
    turnover or None); ``existing``: every member's existing segments; ``new``: the option's
    new markets, each earned by its organisation.
    """
    rows: list[Concentration] = []
    all_before: list[Source] = []
    all_after: list[Source] = []
    findings: list[Finding] = []
    unmeasured: list[str] = []
    for org, name, contract, turnover in members:
        before = [segment_source(r) for r in existing if r.organisation_id == org]
        after = before + [tender_source(tender, contract)] + [segment_source(r) for r in new if r.organisation_id == org]
        b = profile(before)
        coverage = _pct(b.total, turnover) if turnover else None
        if b.total <= 0:  # nothing known of its income today: after the bid only the tender would be known
            unmeasured.append(name)
            a = profile(())
            findings.append(Finding(
                "income_not_entered", f"{name}'s income today is not entered by market, so its concentration "
                "is not measured and it is left out of the consortium's (Organisations › Income)", Severity.INFO))
        else:
            a = profile(after)
            all_before += before
            all_after += after
            findings += _findings(name, a)
            if coverage is not None and coverage < 80:
                findings.append(Finding(
                    "income_sources_incomplete",
                    f"{name}'s income sources add up to {coverage:.0f}% of its turnover in its latest accounts: its "
                    "concentration is measured on what is entered", Severity.INFO,
                    figures=(("coverage_pct", coverage),)))
        rows.append(Concentration(org, name, b, a, turnover, coverage))
    orgs = {org for org, _, _, _ in members}
    all_after += [segment_source(r) for r in new if r.organisation_id not in orgs]
    consortium = Concentration(None, "Consortium", profile(all_before), profile(all_after), None, None)
    findings = _findings("The consortium", consortium.after) + findings
    findings.sort(key=lambda f: -f.severity.rank)
    return ConcentrationResult(option_id, tuple(rows), consortium, tuple(findings), tuple(unmeasured))


def _findings(who: str, after: Profile) -> list[Finding]:
    """One warning naming every red or amber measure after the bid, with what would cure the largest share."""
    flagged = [m for m in after.measures if m.value is not None and m.rating in ("red", "amber")]
    if not flagged:
        return []
    total = after.total
    cure = ""
    cure_figures: tuple[tuple[str, Decimal], ...] = ()
    for m in flagged:
        assert m.value is not None
        if m.key == "largest":
            limit = LARGEST_RED if m.rating == "red" else LARGEST_AMBER
            need = quantize(m.value * total / limit - total)
            cure = f"other buyers worth £{need:,.2f} more in year one would bring the largest buyer's share to {limit}%"
            cure_figures = (("other_income_needed", need),)
            break
        if m.key == "trading":
            need = quantize(total - 2 * m.value / 100 * total)  # t + x = (T + x) / 2
            cure = f"£{need:,.2f} more trading income in year one would bring it to 50%"
            cure_figures = (("trading_income_needed", need),)
    parts = ", ".join(f"{_lower(m.label)} {_shown(m)} ({m.rating})" for m in flagged)
    return [Finding("concentration", f"{who}, after the bid, relies on few buyers: {parts}", Severity.WARNING,
                    area="Diversification", figures=tuple((m.key, m.value) for m in flagged if m.value is not None),
                    cure=cure, cure_figures=cure_figures)]


def _lower(label: str) -> str:
    return label if label.startswith("Herfindahl") else label[:1].lower() + label[1:]


def _shown(m: Measure) -> str:
    if m.value is None:
        return "no income"
    return f"{m.value:.2f}" if m.key == "hhi" else f"{m.value:.0f}%"


__all__ = [
    "Concentration", "ConcentrationResult", "MemberMarkets", "OptionMarkets", "PeriodMarkets", "Profile",
    "SegmentMonth", "SegmentResult", "Source", "Window", "concentration", "months_between", "option_markets",
    "profile", "segment_months", "segment_result",
]
