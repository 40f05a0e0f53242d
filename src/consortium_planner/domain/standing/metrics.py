"""Financial standing: one metric on one set of line items against one threshold, with a sentence
for a person (rounding toward the failing side; pass or fail on the exact value).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from ..model import Metric
from ..money import HUNDRED, ZERO, format_decimal, format_gbp, quantize
from .items import LineItems
from .thresholds import METRIC_INPUTS, PASSING, SHORT_LABEL, Direction, Status, Threshold, Unit

CENT = Decimal("0.01")  # display step for ratios, percentages and months


@dataclass(frozen=True, slots=True)
class MetricResult:
    metric: Metric
    label: str  # short name for a sentence or a column: "current ratio"
    value: Decimal | None  # rounded as described in the package doc; None when not computed
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

    def v(name: str) -> Decimal:
        value = it.value(name)
        assert value is not None  # every input of the metric is given: checked above
        return value

    if metric is Metric.TURNOVER_RATIO:
        if acv is None:
            return _Raw(None, "not_given", "the share of the contract value is not known", ("share of contract",))
        if acv == 0:
            return _Raw(None, "undefined", "the annual contract value is zero")
        return _Raw(v("turnover") / acv, "value")
    if metric is Metric.CONTRACT_DEPENDENCY:
        turnover = v("turnover")
        if share is None:
            return _Raw(None, "not_given", "the share of the contract is not known (no participation shares or "
                        "allocations)", ("share of contract",))
        if turnover == 0:
            if share == 0:
                return _Raw(None, "undefined", "there is no turnover and no share of the contract")
            return _Raw(None, "fail", "there is no turnover, so the contract would be all of the income")
        return _Raw(share * HUNDRED / turnover, "value")
    if metric is Metric.OPERATING_MARGIN:
        if v("turnover") == 0:
            return _Raw(None, "undefined", "turnover is zero")
        return _Raw(v("operating_surplus") * HUNDRED / v("turnover"), "value")
    if metric is Metric.FREE_CASH_FLOW:
        return _Raw(v("operating_cash_flow") - v("capex") - v("interest") - v("tax") - v("dividends"),
                    "value")
    if metric is Metric.NET_ASSETS:
        return _Raw(it.net_assets, "value")
    if metric in (Metric.CURRENT_RATIO, Metric.ACID_RATIO):
        cl = v("current_liabilities")
        if cl == 0:
            return _Raw(None, "undefined", "current liabilities are zero")
        quick = v("current_assets") - (v("inventory") if metric is Metric.ACID_RATIO else ZERO)
        return _Raw(quick / cl, "value")
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
        if interest == 0:
            return _Raw(None, "undefined", "net interest is zero, so there is no interest to cover")
        if interest < 0:
            return _Raw(None, "undefined", "net interest is income, so there is no interest to cover")
        return _Raw(v("operating_surplus") / interest, "value")
    if metric is Metric.NET_DEBT_EBITDA:
        nd, ebitda = it.net_debt, v("ebitda")
        assert nd is not None
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
        return _Raw(v("free_reserves") * 12 / spend, "value")
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


def _status(raw: _Raw, thr: Threshold, tested: bool) -> Status:
    if not tested:
        return Status.NOT_TESTED
    if raw.outcome == "not_given":
        return Status.NOT_GIVEN
    if raw.outcome == "undefined":
        return Status.UNDEFINED
    if raw.outcome == "fail":
        return Status.RED
    assert raw.value is not None
    return thr.judge(raw.value)


def status(metric: Metric, items: LineItems, threshold: Threshold, *, acv: Decimal | None = None,
           share: Decimal | None = None, tested: bool = True) -> Status:
    """``evaluate(...).status`` without the words: for searches that test many amounts (the cures)."""
    return _status(_raw(metric, items, acv, share), threshold, tested)


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

    def result(status: Status, explanation: str) -> MetricResult:
        return MetricResult(metric=metric, label=label, value=value, unit=thr.unit, threshold=thr.threshold,
                            amber_threshold=thr.amber, direction=thr.direction, source=thr.source, status=status,
                            explanation=explanation, reason=raw.reason, missing=raw.missing)

    status = _status(raw, thr, tested)
    if status is Status.NOT_TESTED:
        shown = f" ({fmt(value, thr.unit)})" if value is not None else ""
        return result(status,
                      f"{who}{shown} is not tested: it applies to charities and the tender sets no condition for it.")
    if raw.outcome == "not_given":
        return result(status, f"{who} cannot be tested: {raw.reason}.")
    if raw.outcome == "undefined":
        return result(status, f"{who} cannot be calculated: {raw.reason}.")
    if raw.outcome == "fail":
        return result(status, f"{who} fails the test of {test_text}: {raw.reason}.")
    shown = fmt(value, thr.unit)
    if status is Status.GREEN:
        text = f"{who} {verb} {shown}, which meets the test of {test_text}."
    elif status is Status.AMBER:
        text = (f"{who} {verb} {shown}, short of the pass mark ({test_text}) but within the amber level of "
                f"{fmt(thr.amber, thr.unit)}.")
    else:
        amber = f" (amber {_PHRASE[thr.direction]} {fmt(thr.amber, thr.unit)})" if thr.amber is not None else ""
        text = f"{who} {verb} {shown}, which fails the test of {test_text}{amber}."
    return result(status, text)


def evaluate_all(items: LineItems, thresholds: Mapping[Metric, Threshold], *, acv: Decimal | None,
                 share: Decimal | None, subject: str = "", test_reserves: bool = True,
                 possessive: bool = False) -> tuple[MetricResult, ...]:
    """Every metric, in ``Metric`` order."""
    return tuple(
        evaluate(m, items, thresholds[m], acv=acv, share=share, subject=subject, possessive=possessive,
                 tested=test_reserves or m is not Metric.RESERVES_COVER)
        for m in Metric
    )
