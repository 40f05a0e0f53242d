"""The bid pipeline: the tenders in one workspace, the option chosen to bid for each, and what
bidding for them together means (issue 17, DOMAIN §6–§7).

Pure: a function of the workspace snapshot and, per chosen option, the figures the analyses gave
(``OptionFigures``, computed by ``services/bids.py``). It finds:

* per tender, the option chosen to bid (``ConsortiumOption.chosen``): none chosen, or more than one
  chosen, is a finding; the bid team's chance of winning (``Tender.win_probability_pct``, None =
  not estimated: left out of the expected value, and said so);
* which organisations are in which chosen bids;
* **capacity promised twice**: one organisation allocated the same service line × area
  (``model.key``) in two or more chosen bids whose service periods overlap. The volumes promised
  at the same time are added and judged against its capacity as the capacity analysis judges one
  bid (``capacity.capacity_with_growth``): within capacity now a note, only by growing amber,
  beyond its capacity with growth red;
* **capital and guarantees promised twice**: a member's capital contribution, guarantee and the
  member equity it puts in, across chosen bids whose periods (mobilisation start to service end)
  overlap, with the totals. A member's cash at stake in one bid is the larger of its capital
  contribution and its equity funding sources (an option usually states the same money in both),
  so the total is Σ per bid max(capital, equity) + guarantee;
* **combined funding need**: the sum of the chosen options' funding requirements, and the peak of
  the combined deficit when their cumulative cash before funding is added month by calendar month;
* **expected value** = Σ p × contribution, with the win-all (Σ contribution) and win-none (0) cases;
* a **timeline**: bid deadline, mobilisation start, service start and service end per tender.

A bid's **contribution** is its projection's total EBITDA over the contract term (extensions not
promised): income less pay, non-pay, bond, insurance and mobilisation costs, before depreciation,
interest and tax, from the start of mobilisation to the end of run-off. It is what winning the
tender adds to the members' surplus before financing; losing adds nothing (bid costs are not
modelled), so the win-none case is zero.

Periods whose dates are not given are treated as overlapping every other period (the careful
reading) and the finding says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .capacity import capacity_with_growth
from .findings import Finding, Severity, by_severity
from .model import (
    ConsortiumOption,
    FundingKind,
    FundingSource,
    Organisation,
    Requirement,
    Tender,
    add_months,
    key,
    stored_id,
)
from .money import HUNDRED, ZERO, quantize
from .workspace import Workspace

__all__ = [
    "AREA",
    "BidPipeline",
    "CapacityOverlap",
    "FundingNeed",
    "MoneyOverlap",
    "OptionFigures",
    "PipelineBid",
    "Promise",
    "TenderBid",
    "TimelineRow",
    "bid_pipeline",
    "periods_overlap",
]

AREA = "Bid pipeline"
VOLUME = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class OptionFigures:
    """What the analyses give for one chosen option.

    ``contribution`` is the projection's total EBITDA over the term (see the module's docstring);
    ``funding_requirement`` the funding analysis's requirement (peak deficit + buffer + contingency);
    ``peak_deficit`` its peak deficit alone; ``cash_by_month`` each projected month's first day and
    its cash before funding (for the calendar alignment).
    """

    option_id: int
    contribution: Decimal
    funding_requirement: Decimal
    peak_deficit: Decimal = ZERO
    cash_by_month: tuple[tuple[dt.date, Decimal], ...] = ()
    verdict: str = ""  # the option's own verdict ("do_not_bid", "bid_with_conditions", "bid"; "": not known)
    verdict_headline: str = ""


@dataclass(frozen=True, slots=True)
class TenderBid:
    """One tender and the option chosen to bid for it."""

    tender_id: int
    tender: str
    buyer: str
    option_id: int | None  # the chosen option (None: none chosen, or more than one)
    option: str
    chosen: tuple[str, ...]  # the names of every option marked chosen
    win_probability_pct: Decimal | None  # None: not estimated
    contribution: Decimal | None  # None: no chosen option, or its figures could not be computed
    funding_requirement: Decimal | None
    expected_value: Decimal | None  # p × contribution; None without both
    problem: str = ""  # why the figures are missing, for a person
    verdict: str = ""  # the chosen option's own verdict (a ``verdict.Decision`` value; "": not known)
    verdict_headline: str = ""


@dataclass(frozen=True, slots=True)
class PipelineBid:
    """One organisation's place in one chosen bid."""

    tender: str
    option: str
    role: str


@dataclass(frozen=True, slots=True)
class Membership:
    organisation_id: int
    organisation: str
    bids: tuple[PipelineBid, ...]


@dataclass(frozen=True, slots=True)
class Promise:
    """What one chosen bid promises of an organisation (a volume, or money)."""

    tender: str
    option: str
    starts: dt.date | None
    ends: dt.date | None
    volume: Decimal = ZERO
    capital: Decimal = ZERO
    guarantee: Decimal = ZERO
    equity: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class CapacityOverlap:
    """One organisation's capacity for one service line and area promised to overlapping bids."""

    organisation_id: int
    organisation: str
    service_line: str
    area: str
    unit: str
    promises: tuple[Promise, ...]  # the bids delivering at the same time
    total: Decimal  # annual volume promised at the same time
    capacity: Decimal  # units a year now
    capacity_with_growth: Decimal
    severity: Severity
    dates_unknown: bool = False


@dataclass(frozen=True, slots=True)
class MoneyOverlap:
    """One member organisation's capital, guarantees and equity promised to overlapping bids."""

    organisation_id: int
    organisation: str
    promises: tuple[Promise, ...]
    capital: Decimal
    guarantee: Decimal
    equity: Decimal
    total: Decimal  # Σ per bid (the larger of its capital contribution and equity, + its guarantee)
    dates_unknown: bool = False


@dataclass(frozen=True, slots=True)
class FundingNeed:
    """The funding the chosen bids need if all are won."""

    total_requirement: Decimal  # Σ each option's funding requirement
    sum_of_peaks: Decimal  # Σ each option's peak deficit (their own calendars)
    combined_peak: Decimal  # peak of the combined cumulative cash before funding, by calendar month
    combined_peak_month: dt.date | None
    options: int  # how many chosen options are counted


@dataclass(frozen=True, slots=True)
class TimelineRow:
    tender_id: int
    tender: str
    option: str
    deadline: dt.date | None
    mobilisation_start: dt.date | None
    service_start: dt.date | None
    service_end: dt.date | None


@dataclass(frozen=True, slots=True)
class BidPipeline:
    tenders: tuple[TenderBid, ...]
    memberships: tuple[Membership, ...]
    capacity_overlaps: tuple[CapacityOverlap, ...]
    money_overlaps: tuple[MoneyOverlap, ...]
    funding: FundingNeed
    expected_value: Decimal  # Σ p × contribution over the estimated bids
    win_all: Decimal  # Σ contribution of every chosen bid with figures
    win_none: Decimal  # nothing won: zero (bid costs are not modelled)
    not_estimated: tuple[str, ...]  # tenders whose chance of winning is not given (left out of the expected value)
    timeline: tuple[TimelineRow, ...]
    findings: tuple[Finding, ...]  # worst first


# --------------------------------------------------------------------------- small rules


def periods_overlap(a: tuple[dt.date | None, dt.date | None], b: tuple[dt.date | None, dt.date | None]) -> bool:
    """Do two periods (first day, last day) share a day? A period with an unknown end overlaps everything."""
    if None in a or None in b:
        return True
    assert a[0] is not None and a[1] is not None and b[0] is not None and b[1] is not None
    return a[0] <= b[1] and b[0] <= a[1]


def _mobilisation_start(t: Tender) -> dt.date | None:
    return add_months(t.start_date, -t.mobilisation_months) if t.start_date is not None else None


def _peak_group(promises: list[Promise], amount: Callable[[Promise], Decimal]) -> tuple[list[Promise], bool]:
    """The promises in force together when their ``amount`` adds up most, and whether any date was unknown.

    Periods are intervals, so the peak falls on some promise's first day: at each first day, that
    promise and every other in force on it (an unknown period is in force every day). Empty when no two
    promises are ever in force together.
    """
    unknown = any(p.starts is None or p.ends is None for p in promises)
    best: list[Promise] = []
    best_total: Decimal | None = None
    for p in promises:
        at = p.starts
        group = [q for q in promises if q is p or at is None or q.starts is None or q.ends is None
                 or q.starts <= at <= q.ends]
        total = sum((amount(q) for q in group), ZERO)
        if len(group) > 1 and (best_total is None or total > best_total):
            best, best_total = group, total
    return best, unknown


# --------------------------------------------------------------------------- the pipeline


def bid_pipeline(ws: Workspace, figures: Mapping[int, OptionFigures | str]) -> BidPipeline:
    """The pipeline of the workspace's tenders; ``figures`` gives, per chosen option id, its figures or why
    they could not be computed (a chosen option missing from it counts as not computed)."""
    findings: list[Finding] = []
    orgs = {stored_id(o): o for o in ws.organisations()}
    tenders: list[TenderBid] = []
    chosen_pairs: list[tuple[Tender, ConsortiumOption]] = []
    timeline: list[TimelineRow] = []
    not_estimated: list[str] = []
    expected = ZERO
    win_all = ZERO
    for t in sorted(ws.tenders(), key=lambda t: t.id or 0):  # in the order they were added
        options = ws.options(t.id)
        chosen = [o for o in options if o.chosen]
        option = chosen[0] if len(chosen) == 1 else None
        if not chosen:
            findings.append(Finding(
                "no_option_chosen", f"{t.name}: no option is chosen to bid; the pipeline leaves it out.",
                Severity.WARNING if options else Severity.INFO, AREA,
                cure="Tick “Chosen to bid” on the option the partners will bid with."))
        elif len(chosen) > 1:
            findings.append(Finding(
                "several_options_chosen",
                f"{t.name}: {len(chosen)} options are chosen to bid ({', '.join(o.name for o in chosen)}); a tender "
                "takes one bid, so the pipeline counts none of them.",
                Severity.SERIOUS, AREA, figures=(("chosen", Decimal(len(chosen))),),
                cure="Leave “Chosen to bid” ticked on one option only."))
        contribution = requirement = ev = None
        problem = verdict = headline = ""
        if option is not None:
            chosen_pairs.append((t, option))
            got = figures.get(stored_id(option), "its figures were not computed")
            if isinstance(got, str):
                problem = got
                findings.append(Finding(
                    "bid_figures_missing",
                    f"{t.name}: the figures of “{option.name}” could not be computed ({got}); the pipeline's "
                    "totals leave it out.", Severity.WARNING, AREA))
            else:
                contribution, requirement = got.contribution, got.funding_requirement
                win_all += contribution
                verdict, headline = got.verdict, got.verdict_headline
                if verdict == "do_not_bid":
                    findings.append(Finding(
                        "chosen_option_do_not_bid",
                        f"{t.name}: the chosen option “{option.name}” has the verdict {headline.rstrip('.')}. The pipeline "
                        "still counts its figures, as if the cure were applied.", Severity.SERIOUS, AREA,
                        cure=f"Apply the cure in “{option.name}”'s verdict, or choose another option."))
                elif verdict == "bid_with_conditions":
                    findings.append(Finding(
                        "chosen_option_conditions",
                        f"{t.name}: the chosen option “{option.name}” is to be bid only with conditions ({headline}).",
                        Severity.WARNING, AREA))
            if t.win_probability_pct is None:
                not_estimated.append(t.name)
                findings.append(Finding(
                    "chance_not_estimated",
                    f"{t.name}: the chance of winning is not estimated; the expected value leaves it out.",
                    Severity.INFO, AREA, cure="Give the tender's “Chance of winning”."))
            elif contribution is not None:
                ev = quantize(t.win_probability_pct * contribution / HUNDRED)
                expected += ev
        tenders.append(TenderBid(
            stored_id(t), t.name, t.buyer, stored_id(option) if option else None, option.name if option else "",
            tuple(o.name for o in chosen), t.win_probability_pct, contribution, requirement, ev, problem, verdict,
            headline))
        timeline.append(TimelineRow(stored_id(t), t.name, option.name if option else "", t.deadline,
                                    _mobilisation_start(t), t.start_date, t.end_date))

    memberships = _memberships(ws, orgs, chosen_pairs)
    capacity = _capacity_overlaps(ws, orgs, chosen_pairs)
    money = _money_overlaps(ws, orgs, chosen_pairs)
    for c in capacity:
        findings.append(_capacity_finding(c))
    for m in money:
        findings.append(_money_finding(m))
    funding = _funding_need([f for t, o in chosen_pairs
                             if isinstance(f := figures.get(stored_id(o)), OptionFigures)])
    if funding.options > 1:
        findings.append(Finding(
            "combined_funding_need",
            f"If every chosen bid is won, they need £{funding.total_requirement:,.2f} of funding in all; their "
            f"deficits added by calendar month peak at £{funding.combined_peak:,.2f}.",
            Severity.INFO, AREA, figures=(("total_requirement", funding.total_requirement),
                                          ("combined_peak", funding.combined_peak))))
    return BidPipeline(
        tuple(tenders), memberships, capacity, money, funding, quantize(expected), quantize(win_all), quantize(ZERO),
        tuple(not_estimated), tuple(timeline), tuple(by_severity(findings)))


def _memberships(ws: Workspace, orgs: dict[int, Organisation],
                 pairs: list[tuple[Tender, ConsortiumOption]]) -> tuple[Membership, ...]:
    bids: dict[int, list[PipelineBid]] = defaultdict(list)
    for t, o in pairs:
        for m in ws.members(o.id):
            if m.organisation_id is not None:
                bids[m.organisation_id].append(PipelineBid(t.name, o.name, m.role.value))
    return tuple(Membership(oid, orgs[oid].name if oid in orgs else f"#{oid}", tuple(b))
                 for oid, b in sorted(bids.items(), key=lambda kv: (-len(kv[1]), orgs[kv[0]].name.casefold()
                                                                     if kv[0] in orgs else "")))


def _capacity_overlaps(ws: Workspace, orgs: dict[int, Organisation],
                       pairs: list[tuple[Tender, ConsortiumOption]]) -> tuple[CapacityOverlap, ...]:
    # (organisation, service line key, area key) → promises (one per bid: volumes of one key summed)
    promised: dict[tuple[int, str, str], dict[int, Promise]] = defaultdict(dict)
    names: dict[tuple[int, str, str], tuple[str, str, str]] = {}
    for t, o in pairs:
        reqs = {stored_id(r): r for r in ws.requirements(t.id)}
        member_org = {stored_id(m): m.organisation_id for m in ws.members(o.id)}
        for a in ws.allocations(o.id):
            req: Requirement | None = reqs.get(a.requirement_id or -1)
            org_id = member_org.get(a.member_id or -1)
            if req is None or org_id is None or a.volume <= 0:
                continue
            k = (org_id, key(req.service_line), key(req.area))
            names.setdefault(k, (req.service_line, req.area, req.unit))
            have = promised[k].get(stored_id(o))
            volume = a.volume + (have.volume if have else ZERO)
            promised[k][stored_id(o)] = Promise(t.name, o.name, t.start_date, t.end_date, volume=volume)
    out: list[CapacityOverlap] = []
    for k, by_option in promised.items():
        if len(by_option) < 2:
            continue
        group, unknown = _peak_group(list(by_option.values()), lambda p: p.volume)
        if not group:
            continue
        org_id, line_k, area_k = k
        now = grown = ZERO
        for c in ws.capacities(org_id):
            if key(c.service_line) == line_k and key(c.area) == area_k:
                now += c.units_per_year
                grown += capacity_with_growth(c.units_per_year, c.max_growth_pct)
        total = sum((p.volume for p in group), ZERO)
        severity = Severity.INFO if total <= now else Severity.WARNING if total <= grown else Severity.SERIOUS
        line, area, unit = names[k]
        out.append(CapacityOverlap(org_id, orgs[org_id].name if org_id in orgs else f"#{org_id}", line, area, unit,
                                   tuple(group), total, now, grown.quantize(VOLUME), severity, unknown))
    out.sort(key=lambda c: (-c.severity.rank, c.organisation.casefold(), c.service_line.casefold(), c.area.casefold()))
    return tuple(out)


def _money_overlaps(ws: Workspace, orgs: dict[int, Organisation],
                    pairs: list[tuple[Tender, ConsortiumOption]]) -> tuple[MoneyOverlap, ...]:
    promised: dict[int, list[Promise]] = defaultdict(list)
    for t, o in pairs:
        members = ws.members(o.id)
        equity: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for f in ws.by(FundingSource, "option_id", o.id):
            if f.kind == FundingKind.MEMBER_EQUITY and f.member_id is not None:
                equity[f.member_id] += f.amount
        for m in members:
            capital, guarantee, eq = m.capital_contribution, m.guarantee or ZERO, equity.get(stored_id(m), ZERO)
            if m.organisation_id is None or not (capital or guarantee or eq):
                continue
            promised[m.organisation_id].append(Promise(t.name, o.name, _mobilisation_start(t), t.end_date,
                                                       capital=capital, guarantee=guarantee, equity=eq))
    out: list[MoneyOverlap] = []
    for org_id, promises in promised.items():
        if len(promises) < 2:
            continue
        group, unknown = _peak_group(promises, lambda p: max(p.capital, p.equity) + p.guarantee)
        if not group:
            continue
        capital = sum((p.capital for p in group), ZERO)
        guarantee = sum((p.guarantee for p in group), ZERO)
        equity_total = sum((p.equity for p in group), ZERO)
        out.append(MoneyOverlap(org_id, orgs[org_id].name if org_id in orgs else f"#{org_id}", tuple(group),
                                capital, guarantee, equity_total,
                                sum((max(p.capital, p.equity) for p in group), ZERO) + guarantee, unknown))
    out.sort(key=lambda m: (-m.total, m.organisation.casefold()))
    return tuple(out)


def _funding_need(figures: list[OptionFigures]) -> FundingNeed:
    total = sum((f.funding_requirement for f in figures), ZERO)
    peaks = sum((f.peak_deficit for f in figures), ZERO)
    by_month: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    for f in figures:
        for day, cash in f.cash_by_month:
            by_month[day.replace(day=1)] += cash
    running = ZERO
    lowest = ZERO
    lowest_month: dt.date | None = None
    for day in sorted(by_month):
        running += by_month[day]
        if running < lowest:
            lowest, lowest_month = running, day
    return FundingNeed(quantize(total), quantize(peaks), quantize(-lowest), lowest_month, len(figures))


def _when(p: Promise) -> str:
    if p.starts is None or p.ends is None:
        return "dates not given"
    return f"{p.starts:%m/%Y}–{p.ends:%m/%Y}"


def _plain(v: Decimal) -> str:
    return f"{v.normalize():,f}" if v == v.to_integral_value() else f"{v:,.2f}"


def _capacity_finding(c: CapacityOverlap) -> Finding:
    bids = "; ".join(f"{p.tender} ({p.option}, {_when(p)}): {_plain(p.volume)}" for p in c.promises)
    if c.severity is Severity.SERIOUS:
        judged = (f"more than it can deliver even by growing ({_plain(c.capacity_with_growth)} a year); "
                  f"{_plain(c.total - c.capacity_with_growth)} over")
        cure = "Move some of the volume to another partner in one of the bids, or stagger the start dates."
    elif c.severity is Severity.WARNING:
        judged = (f"beyond its capacity now ({_plain(c.capacity)}), within its growth "
                  f"({_plain(c.capacity_with_growth)})")
        cure = "Check the organisation can recruit for both bids in time."
    else:
        judged = f"within its capacity now ({_plain(c.capacity)})"
        cure = ""
    unknown = " Some service dates are not given, so the periods are taken to overlap." if c.dates_unknown else ""
    return Finding(
        "capacity_promised_twice",
        f"{c.organisation} is promised for {c.service_line} in {c.area} by {len(c.promises)} bids at once "
        f"({bids}): {_plain(c.total)} {c.unit}s a year in all, {judged}.{unknown}",
        c.severity, AREA,
        figures=(("total", c.total), ("capacity", c.capacity), ("capacity_with_growth", c.capacity_with_growth)),
        cure=cure)


def _money_finding(m: MoneyOverlap) -> Finding:
    parts = []
    for p in m.promises:
        bits = [f"{label} £{v:,.2f}" for label, v in (("capital", p.capital), ("guarantee", p.guarantee),
                                                        ("equity", p.equity)) if v]
        parts.append(f"{p.tender} ({p.option}): {', '.join(bits)}")
    unknown = " Some dates are not given, so the periods are taken to overlap." if m.dates_unknown else ""
    return Finding(
        "money_promised_twice",
        f"{m.organisation} promises money to {len(m.promises)} bids at once ({'; '.join(parts)}): "
        f"£{m.total:,.2f} in all if every bid is won.{unknown}",
        Severity.WARNING, AREA,
        figures=(("capital", m.capital), ("guarantee", m.guarantee), ("equity", m.equity), ("total", m.total)),
        cure="Check its reserves and lenders can stand behind every bid at once.")
