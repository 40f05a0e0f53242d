"""Bid price by contract year, pricing guards, and price evaluation (DOMAIN.md §3 and §5).

**Price schedule** (``bid_prices``): the cost build-up's penny price per unit for year 1, then per
contract year (the term, and optionally the extensions) indexed by the cost index
``staff share × pay uplift + (1 − staff share) × CPI`` (staff share from the build-up). Each
year's unit price is rounded to the penny and the annual price is unit price × volume; the cost
grows along its own mix (staff costs by the pay uplift, the rest by CPI); the fee is the fee % of
the annual price rounded; the margin is what is left, so every year reconciles to the penny.
Years are compared with the tender's estimated annual value (the budget, not indexed) and its
annual budget ceiling. Later years are indexed, not re-costed at that year's statutory rates.

**Guards**: a role paid below the National Living Wage in force at the start of a contract year
(its rate indexed by the pay uplift; rates beyond the last known year use that year's, flagged);
a price per unit more than a threshold (default 15%, an editable assumption) below should-cost.

**Evaluation**: the scoring methods of DOMAIN.md §3 as pure functions on ``Decimal`` (five award
price points; price per quality point ranks price ÷ quality score, lowest first);
``evaluate`` scores our bid among competitors; ``highest_winning_price`` (closed forms for the
relative method and price per quality point, bisection in pennies on the exact scoring otherwise); ``quality_needed``;
``win_probability`` and ``best_price`` by Monte Carlo (numpy floats inside, results reported as
``Decimal``: probabilities to 4 places, money to the penny).

Prices passed to the evaluation functions must share one basis (e.g. the annual price of year
one); the budget method compares them with the tender's estimated annual value and ceiling.

**Modules** (every public name is importable from the package itself): ``schedule`` (the price
schedule and its guards), ``scoring`` (the scoring methods and ``evaluate``), ``winning`` (the
highest winning price and the quality needed), ``simulation`` (win probability and best price).
"""

from __future__ import annotations

from .schedule import (
    DEFAULT_ABNORMAL_THRESHOLD_PCT,
    ContractYear,
    LineTerms,
    LineYear,
    PriceSchedule,
    WageFloorBreach,
    abnormal_floor,
    bid_prices,
    break_even_volume,
    is_abnormally_low,
)
from .scoring import (
    NO_QUALITY_SCORE,
    PRICE_ABOVE_CEILING,
    QUALITY_BELOW_MINIMUM,
    Bid,
    BidScore,
    Competitor,
    Evaluation,
    EvaluationError,
    ScoringRules,
    below_quality_threshold,
    evaluate,
    failure,
    price_per_quality_point,
    price_points,
    score_budget,
    score_from_mean,
    score_linear_lowest,
    score_linear_range,
    score_relative,
)
from .simulation import (
    DEFAULT_DRAWS,
    BestPrice,
    PricePoint,
    Uncertainty,
    WinProbability,
    best_price,
    win_probability,
)
from .winning import (
    QualityNeeded,
    WinningPrice,
    highest_winning_price,
    quality_needed,
    relative_max_winning_price,
)

__all__ = [
    "DEFAULT_ABNORMAL_THRESHOLD_PCT",
    "DEFAULT_DRAWS",
    "BestPrice",
    "Bid",
    "BidScore",
    "Competitor",
    "ContractYear",
    "Evaluation",
    "EvaluationError",
    "LineTerms",
    "LineYear",
    "PricePoint",
    "PriceSchedule",
    "QualityNeeded",
    "ScoringRules",
    "NO_QUALITY_SCORE",
    "PRICE_ABOVE_CEILING",
    "QUALITY_BELOW_MINIMUM",
    "below_quality_threshold",
    "failure",
    "Uncertainty",
    "WageFloorBreach",
    "WinProbability",
    "WinningPrice",
    "abnormal_floor",
    "best_price",
    "bid_prices",
    "break_even_volume",
    "evaluate",
    "highest_winning_price",
    "is_abnormally_low",
    "price_per_quality_point",
    "price_points",
    "quality_needed",
    "relative_max_winning_price",
    "score_budget",
    "score_from_mean",
    "score_linear_lowest",
    "score_linear_range",
    "score_relative",
    "win_probability",
]
