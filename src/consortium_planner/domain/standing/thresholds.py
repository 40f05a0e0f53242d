"""Financial standing: the tests' scales and outcomes, the thresholds and their precedence, the editable
assumptions (rules in the package's docstring).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..fields import ChoiceEnum
from ..model import Metric, Tender
from ..workspace import Workspace

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


def _threshold(metric: Metric, direction: Direction, threshold: str, amber: str | None, unit: Unit, source: str) -> Threshold:
    return Threshold(metric, direction, Decimal(threshold), None if amber is None else Decimal(amber), unit, source)


_GE, _LE, _GT = Direction.AT_LEAST, Direction.AT_MOST, Direction.ABOVE


#: DOMAIN.md §2 defaults. Percentages in percentage points, reserves in months.
DEFAULT_THRESHOLDS: dict[Metric, Threshold] = {
    Metric.TURNOVER_RATIO: _threshold(Metric.TURNOVER_RATIO, _GE, "2.0", None, Unit.RATIO, "[K]"),
    Metric.CONTRACT_DEPENDENCY: _threshold(Metric.CONTRACT_DEPENDENCY, _LE, "25", "50", Unit.PERCENT, "[U]"),
    Metric.OPERATING_MARGIN: _threshold(Metric.OPERATING_MARGIN, _GT, "0", None, Unit.PERCENT, "[K]"),
    Metric.FREE_CASH_FLOW: _threshold(Metric.FREE_CASH_FLOW, _GE, "0", None, Unit.MONEY, "[K]"),
    Metric.NET_ASSETS: _threshold(Metric.NET_ASSETS, _GT, "0", None, Unit.MONEY, "[K]"),
    Metric.CURRENT_RATIO: _threshold(Metric.CURRENT_RATIO, _GE, "1.0", "0.8", Unit.RATIO, "[U]"),
    Metric.ACID_RATIO: _threshold(Metric.ACID_RATIO, _GE, "0.8", None, Unit.RATIO, "[U]"),
    Metric.GEARING: _threshold(Metric.GEARING, _LE, "1.0", None, Unit.RATIO, "[U]"),
    Metric.INTEREST_COVER: _threshold(Metric.INTEREST_COVER, _GE, "4", "2", Unit.RATIO, "[U]"),
    Metric.NET_DEBT_EBITDA: _threshold(Metric.NET_DEBT_EBITDA, _LE, "3.5", None, Unit.RATIO, "[U]"),
    Metric.RESERVES_COVER: _threshold(Metric.RESERVES_COVER, _GE, "3", None, Unit.MONTHS, "[U]"),
}


#: The FinancialYear figures each metric needs (EBITDA may itself be derived, see the package doc).
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
    """The threshold for every metric, by the precedence in the package docstring."""
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
