"""Financial standing of one organisation: its latest accounts' metrics and the trend over its last
few years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ..model import Metric, Organisation, OrgKind, Tender
from ..workspace import Workspace
from .items import LineItems, line_items
from .metrics import MetricResult, evaluate_all, fmt
from .thresholds import (
    DEFAULT_PARAMS,
    SHORT_LABEL,
    Direction,
    StandingParams,
    Status,
    Threshold,
    TrendDirection,
    thresholds_for,
)


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


#: ``_standing_years`` by its arguments written out (``repr``: a Decimal with its exponent, so a figure typed as
#: 1.0 is never answered with the text of 1.00): the standing of the same accounts against the same tests is
#: asked again and again (by every structure the advisor weighs, every recalculation after an edit elsewhere)
_YEARS: dict[tuple[Any, ...], tuple[tuple[YearStanding, ...], tuple[MetricTrend, ...]]] = {}
_YEARS_SIZE = 4096


def _standing_years(
    per_year_items: Sequence[LineItems], thresholds: Mapping[Metric, Threshold], *, acv: Decimal | None,
    share: Decimal | None, subject: str, test_reserves: bool, possessive: bool = False,
) -> tuple[tuple[YearStanding, ...], tuple[MetricTrend, ...]]:
    key = (repr(tuple(per_year_items)), repr(sorted(thresholds.items(), key=lambda kv: kv[0].value)), repr(acv),
           repr(share), subject, test_reserves, possessive)
    hit = _YEARS.get(key)
    if hit is not None:
        return hit
    out = _standing_years_computed(per_year_items, thresholds, acv=acv, share=share, subject=subject,
                                   test_reserves=test_reserves, possessive=possessive)
    if len(_YEARS) >= _YEARS_SIZE:
        _YEARS.clear()
    _YEARS[key] = out
    return out


def _standing_years_computed(
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
