"""The ``markets`` and ``concentration`` analyses (issue 17): the workspace's rows and the option's
projection turned into the pure functions' inputs (``domain/markets.py`` holds the rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ..domain import markets as _markets
from ..domain.model import ConsortiumOption, MarketSegment, Organisation, Tender
from ..domain.projection import Projection
from ..domain.workspace import Workspace

#: Entity names the two analyses read beyond the projection's (for the views' refresh).
READS = frozenset({"market_segment", "financial_year", "organisation", "member"})


def window(projection: Projection) -> _markets.Window:
    """The projection's months up to the end of the service as the markets' window (its run-off months only
    collect the tender's last invoices and pay its tax: a market would run on past them, unmeasured)."""
    periods = tuple(m.period for m in projection.months if m.phase != "run-off")
    labels = {y.period: y.label for y in projection.years}
    return _markets.Window(projection.mobilisation_start, periods, labels, projection.mobilisation_months)


def option_segments(ws: Workspace, option_id: int) -> list[MarketSegment]:
    """The new markets an option plans, in the order entered."""
    return sorted(ws.by(MarketSegment, "option_id", option_id), key=lambda s: s.id or 0)


def existing_segments(ws: Workspace, organisation_id: int | None) -> list[MarketSegment]:
    """An organisation's existing income (its segments that belong to no option)."""
    if organisation_id is None:
        return []
    return sorted((s for s in ws.children(MarketSegment, organisation_id) if s.option_id is None),
                  key=lambda s: s.id or 0)


def option_markets(ws: Workspace, option_id: int, projection: Projection) -> _markets.OptionMarkets:
    """The option's new markets beside the tender's projection, by period and by member."""
    periods = tuple(y.period for y in projection.years)
    tender_periods = [(y.period, y.income, y.ebitda) for y in projection.years]
    members = []
    for m in projection.members:
        profit = {y.period: y.profit_before_tax for y in m.years}
        members.append((m.organisation_id, m.organisation_name, [profit.get(p, Decimal(0)) for p in periods]))
    span = window(projection)
    return _markets.option_markets(option_id, option_segments(ws, option_id), span, tender_periods,
                                   members, [m.organisation_id for m in projection.members],
                                   [m.income for m in projection.months[:span.months]])


def concentration(ws: Workspace, option_id: int, projection: Projection,
                  markets: _markets.OptionMarkets) -> _markets.ConcentrationResult:
    """Each member's and the consortium's income concentration before and after the bid (year one)."""
    option = ws.get(ConsortiumOption, option_id)
    tender = ws.get(Tender, option.tender_id) if option is not None else None
    if tender is None:
        raise ValueError("the option has no tender")
    span = window(projection)
    members = []
    existing: list[_markets.SegmentResult] = []
    for m in projection.members:
        contract = sum((y.work_value for y in m.years if y.period == 1), Decimal(0))
        years = ws.financial_years(m.organisation_id) if m.organisation_id is not None else []
        latest = max(years, key=lambda f: f.year_end or dt.date.min) if years else None
        turnover = latest.turnover if latest is not None else None
        org = ws.get(Organisation, m.organisation_id)
        members.append((m.organisation_id, org.name if org else m.organisation_name, contract, turnover))
        existing += [_markets.segment_result(s, span) for s in existing_segments(ws, m.organisation_id)]
    return _markets.concentration(option_id, tender, members, existing, markets.segments)
