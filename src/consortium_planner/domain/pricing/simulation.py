"""Win probability and the best price by Monte Carlo: numpy floats inside, results reported as
``Decimal`` (probabilities to four places, money to the penny).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np

from ..model import PriceMethod, Tender
from ..money import HUNDRED, PENNY, ZERO, quantize
from .scoring import ONE, Competitor, EvaluationError, ScoringRules, _ratio, _rules

DEFAULT_DRAWS = 10_000
PROBABILITY_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """Half-widths of the triangular distributions around each competitor's given figures.

    Prices: ± % of the price (below 100). Quality and social value: ± % of the maximum, kept
    within 0 and the maximum. Our own quality may vary too (default: fixed).
    """

    price_spread_pct: Decimal = Decimal("10")
    quality_spread_pct: Decimal = Decimal("10")
    social_value_spread_pct: Decimal = Decimal("10")
    own_quality_spread_pct: Decimal = ZERO

    def __post_init__(self) -> None:
        if not ZERO <= self.price_spread_pct < HUNDRED:
            raise EvaluationError("the price spread must be at least 0% and below 100%")
        for v in (self.quality_spread_pct, self.social_value_spread_pct, self.own_quality_spread_pct):
            if not ZERO <= v <= HUNDRED:
                raise EvaluationError("score spreads must lie between 0% and 100%")


@dataclass(frozen=True, slots=True)
class WinProbability:
    price: Decimal
    probability: Decimal  # 4 places
    standard_error: Decimal  # 4 places
    wins: int
    draws: int
    seed: int | None


@dataclass(frozen=True, slots=True)
class PricePoint:
    price: Decimal
    probability: Decimal  # 4 places
    expected_contribution: Decimal  # P(win) × (price − cost), to the penny


@dataclass(frozen=True, slots=True)
class BestPrice:
    price: Decimal
    probability: Decimal
    expected_contribution: Decimal
    cost: Decimal
    grid: tuple[PricePoint, ...]
    draws: int
    seed: int | None


def _triangular(u: np.ndarray, left: np.ndarray, mode: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Inverse CDF of triangular(left, mode, right) at uniforms ``u``; width 0 gives ``left``."""
    width = right - left
    safe = np.where(width > 0, width, 1.0)
    fc = np.where(width > 0, (mode - left) / safe, 0.0)
    low = left + np.sqrt(u * width * (mode - left))
    high = right - np.sqrt((1.0 - u) * width * (right - mode))
    return np.where(u < fc, low, high)


@dataclass(slots=True)
class _Draws:
    """The draws, one row per rival and one column per draw: reductions over the rivals then run along
    contiguous rows (numpy reduces a short last axis slowly)."""

    prices: np.ndarray  # (n, draws)
    non_price: np.ndarray  # (n, draws)
    own_non_price: np.ndarray  # (draws,)
    own_qualified: np.ndarray  # (draws,) bool: our quality at or above the tender's minimum
    qualified: np.ndarray  # (n, draws) bool


def _draw(our_bid: Competitor, competitors: Sequence[Competitor], r: ScoringRules, u: Uncertainty, draws: int,
          rng: np.random.Generator) -> _Draws:
    n = len(competitors)
    f = float
    price_mode = np.array([f(c.price) for c in competitors], dtype=float)
    q_mode = np.array([f(c.quality_score) for c in competitors], dtype=float)
    q_max = np.array([f(c.quality_max) for c in competitors], dtype=float)
    sv_mode = np.array([f(c.social_value_score) for c in competitors], dtype=float)
    sv_max = np.array([f(c.sv_max) for c in competitors], dtype=float)
    ps, qs, ss = f(u.price_spread_pct) / 100, f(u.quality_spread_pct) / 100, f(u.social_value_spread_pct) / 100
    # uniforms drawn in a fixed order whatever the spreads, so a seed always means the same draws
    u_price = rng.random((draws, n))
    u_q = rng.random((draws, n))
    u_sv = rng.random((draws, n))
    u_own = rng.random(draws)
    prices = _triangular(u_price, price_mode * (1 - ps), price_mode, price_mode * (1 + ps))
    q = _triangular(u_q, np.maximum(0.0, q_mode - qs * q_max), q_mode, np.minimum(q_max, q_mode + qs * q_max))
    sv = _triangular(u_sv, np.maximum(0.0, sv_mode - ss * sv_max), sv_mode, np.minimum(sv_max, sv_mode + ss * sv_max))
    wq, wsv = f(r.quality_weight), f(r.social_value_weight)
    with np.errstate(divide="ignore", invalid="ignore"):
        q_pts = np.where(q_max > 0, wq * q / np.where(q_max > 0, q_max, 1.0), 0.0)
        sv_pts = np.where(sv_max > 0, wsv * sv / np.where(sv_max > 0, sv_max, 1.0), 0.0)
    own_sv = f(_ratio(our_bid.social_value_score, our_bid.sv_max, r.social_value_weight))
    oq, oqmax = f(our_bid.quality_score), f(our_bid.quality_max)
    os_ = f(u.own_quality_spread_pct) / 100
    own_q = _triangular(u_own, np.full(draws, max(0.0, oq - os_ * oqmax)), np.full(draws, oq),
                        np.full(draws, min(oqmax, oq + os_ * oqmax)))
    own_q_pts = wq * own_q / oqmax if oqmax > 0 else np.zeros(draws)
    own_qualified = np.ones(draws, dtype=bool)
    qualified = np.ones((draws, n), dtype=bool)
    if r.quality_threshold is not None:
        t = f(r.quality_threshold)
        # the exact rule is q × 100 < t × max; drawn scores compare with a hair of tolerance so that a
        # score given exactly at the minimum (no spread) still passes
        own_qualified = ~((oqmax > 0) & (own_q * 100 < t * oqmax - 1e-9))
        qualified = ~((q_max > 0) & (q * 100 < t * q_max - 1e-9))
    rows = np.ascontiguousarray
    return _Draws(rows(prices.T), rows((q_pts + sv_pts).T), own_q_pts + own_sv, own_qualified, rows(qualified.T))


def _draws(our_bid: Competitor, competitors: Sequence[Competitor], r: ScoringRules, u: Uncertainty, draws: int,
           seed: int | None) -> _Draws:
    """``_draw`` from a generator seeded with ``seed``; the last few seeded sets are kept, read-only, so the win
    probability and the best price of one bid (the same seed) draw once, and so does a bid whose price alone
    changed (the draws do not read our price or name). An unseeded set is drawn afresh."""
    if seed is None:
        return _draw(our_bid, competitors, r, u, draws, np.random.default_rng())
    return _seeded(dataclasses.replace(our_bid, name="", price=ONE), tuple(competitors), r, u, draws, seed)


@functools.lru_cache(maxsize=8)
def _seeded(our_bid: Competitor, competitors: tuple[Competitor, ...], r: ScoringRules, u: Uncertainty, draws: int,
            seed: int) -> _Draws:
    d = _draw(our_bid, competitors, r, u, draws, np.random.default_rng(seed))
    for a in (d.prices, d.non_price, d.own_non_price, d.own_qualified, d.qualified):
        a.setflags(write=False)
    return d


@dataclass(slots=True)
class _Rivals:
    """What our price does not change, worked out once for every price tried on the same draws."""

    valid: np.ndarray  # (n, draws): within the ceiling and the minimum quality
    lowest: np.ndarray  # (draws,) the lowest valid rival price (inf: none)
    low_all: np.ndarray  # (draws,) the lowest rival price, valid or not
    highest: np.ndarray  # (draws,) the highest valid rival price (-inf: none)
    high_all: np.ndarray  # (draws,)
    fixed_best: np.ndarray | None  # (draws,) the best rival's total where it does not depend on our price


def _rivals(r: ScoringRules, d: _Draws) -> _Rivals:
    n, draws = d.prices.shape
    valid = d.qualified.copy()
    if r.ceiling is not None:
        valid &= d.prices <= float(r.ceiling)
    if n == 0:
        empty = np.full(draws, np.inf)
        return _Rivals(valid, empty, empty, -empty, -empty, None)
    fixed_best = None
    if r.method is PriceMethod.BUDGET:
        if r.budget is None:
            raise EvaluationError("the budget method needs the tender's estimated annual value")
        b = float(r.budget)
        pts = float(r.price_weight) * np.clip(1.0 - float(r.k) * (d.prices - b) / b, 0.0, 1.0)
        fixed_best = np.where(valid, pts + d.non_price, -np.inf).max(axis=0)
    elif r.method is PriceMethod.PQP:
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = valid & (d.non_price > 0)
            fixed_best = np.where(ok, d.prices / np.where(ok, d.non_price, 1.0), np.inf).min(axis=0)
    return _Rivals(valid, np.where(valid, d.prices, np.inf).min(axis=0), d.prices.min(axis=0),
                   np.where(valid, d.prices, -np.inf).max(axis=0), d.prices.max(axis=0), fixed_best)


def _points(r: ScoringRules, price: float | np.ndarray, d: _Draws, rv: _Rivals, ours_valid: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Price points at our ``price`` (draws,) and the rivals' (n, draws), as ``scoring.price_points``
    gives them: a bid above the ceiling or below the minimum quality fails and sets no price."""
    w = float(r.price_weight)
    m = r.method
    p = d.prices
    lowest = np.minimum(np.where(ours_valid, price, np.inf), rv.lowest)
    pmin = np.where(np.isfinite(lowest), lowest, np.minimum(price, rv.low_all))
    if m is PriceMethod.RELATIVE:
        return np.minimum(w, w * pmin / price), np.minimum(w, w * pmin / p)
    if m is PriceMethod.LINEAR_LOWEST:
        return w * np.clip(1.0 - (price - pmin) / pmin, 0.0, 1.0), w * np.clip(1.0 - (p - pmin) / pmin, 0.0, 1.0)
    if m is PriceMethod.LINEAR_RANGE:
        highest = np.maximum(np.where(ours_valid, price, -np.inf), rv.highest)
        pmax = np.where(np.isfinite(highest), highest, np.maximum(price, rv.high_all))
        span = pmax - pmin
        wide = span > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            safe = np.where(wide, span, 1.0)
            ours = np.where(wide, w * (pmax - price) / safe, w)
            theirs = np.where(wide, w * (pmax - p) / safe, w)
        return np.clip(ours, 0.0, w), np.clip(theirs, 0.0, w)
    if m is PriceMethod.FROM_MEAN:
        # the bids added in order (ours first), as the scoring rule sums them
        total = np.where(ours_valid, price, 0.0)
        count = ours_valid.astype(np.int64)
        every = np.full(p.shape[1], price)
        for i in range(p.shape[0]):
            total = total + np.where(rv.valid[i], p[i], 0.0)
            count = count + rv.valid[i]
            every = every + p[i]
        mean = np.where(count > 0, total / np.maximum(count, 1), every / (p.shape[0] + 1))
        return w * np.clip(1.0 - (price - mean) / mean, 0.0, 1.0), w * np.clip(1.0 - (p - mean) / mean, 0.0, 1.0)
    raise EvaluationError(f"unknown price method {m!r}")  # pragma: no cover


def _win_mask(r: ScoringRules, price: float | np.ndarray, d: _Draws, rv: _Rivals
              ) -> tuple[np.ndarray, np.ndarray | None]:
    """Whether our bid at ``price`` wins or ties, draw by draw: ``price`` is one price for every draw or
    an array with a price per draw (``_grid_wins``), element by element the same arithmetic either way.
    Also the margin ``ours − (best − 1e-9)`` (−inf where our bid fails) under the methods whose scores
    both sides' prices move (``_points``); None under the others, whose outcome is exactly monotone in
    our price (see ``_grid_wins``)."""
    ours_valid = d.own_qualified
    if r.ceiling is not None:
        ours_valid = ours_valid & ~(np.asarray(price) > float(r.ceiling))
    if r.method is PriceMethod.PQP:
        # price per quality point: price ÷ (quality + social value points), lowest wins or ties; a bid
        # above the ceiling or with no quality points fails
        ours_valid = ours_valid & (d.own_non_price > 0)
        if d.prices.shape[0] == 0:
            return ours_valid, None
        with np.errstate(divide="ignore", invalid="ignore"):
            ours = np.where(ours_valid, price / np.where(ours_valid, d.own_non_price, 1.0), np.inf)
        assert rv.fixed_best is not None
        return ours_valid & (ours <= rv.fixed_best * (1 + 1e-12)), None
    if d.prices.shape[0] == 0:
        if r.method is PriceMethod.BUDGET and r.budget is None:
            raise EvaluationError("the budget method needs the tender's estimated annual value")
        return ours_valid, None
    if r.method is PriceMethod.BUDGET:
        b = float(r.budget)  # type: ignore[arg-type]  # _rivals refused a missing budget
        ours = float(r.price_weight) * np.clip(1.0 - float(r.k) * (price - b) / b, 0.0, 1.0) + d.own_non_price
        assert rv.fixed_best is not None
        return ours_valid & (ours >= rv.fixed_best - 1e-9), None
    own_pts, their_pts = _points(r, price, d, rv, ours_valid)
    ours = own_pts + d.own_non_price
    bar = np.where(rv.valid, their_pts + d.non_price, -np.inf).max(axis=0) - 1e-9
    win = ours_valid & (ours >= bar)
    with np.errstate(invalid="ignore"):
        margin = np.where(ours_valid, ours - bar, -np.inf)
    return win, margin


def _wins(r: ScoringRules, price: float, d: _Draws, rv: _Rivals | None = None) -> int:
    """In how many draws our bid at ``price`` wins or ties. ``rv``: the rivals' fixed part (``_rivals``),
    passed when many prices are tried on the same draws."""
    return int(np.count_nonzero(_win_mask(r, price, d, rv if rv is not None else _rivals(r, d))[0]))


def _subset(d: _Draws, rv: _Rivals, keep: np.ndarray) -> tuple[_Draws, _Rivals]:
    """The draws (columns) ``keep`` selects, with their rivals' fixed part."""
    fb = rv.fixed_best[keep] if rv.fixed_best is not None else None
    return (_Draws(d.prices[:, keep], d.non_price[:, keep], d.own_non_price[keep], d.own_qualified[keep],
                   d.qualified[:, keep]),
            _Rivals(rv.valid[:, keep], rv.lowest[keep], rv.low_all[keep], rv.highest[keep], rv.high_all[keep], fb))


def _grid_wins(r: ScoringRules, grid: Sequence[float], d: _Draws, rv: _Rivals) -> list[int]:
    """``[_wins(r, p, d, rv) for p in grid]`` (``grid`` ascending), found draw by draw by halving.

    Our bid's outcome in a draw is monotone in our price: a lower price never scores us fewer points nor a
    rival more, and a price at or below the ceiling is valid if a higher one is. So each draw wins at the
    grid's first ``K`` prices and loses at the rest, and ``K`` is found by halving the grid for every draw at
    once: about log2(len(grid)) evaluations where trying each price took ``len(grid)``.

    That holds exactly in floating point under the budget and price-per-point methods: our score there is a
    chain of correctly rounded operations, each monotone in our price, against a fixed best. Under the others
    the rounded margin is the true, monotone margin give or take far less than ``_SLACK`` (a few rounding
    errors of figures no larger than the weights): a draw whose margin at its last winning price is at least
    ``2 × _SLACK`` wins at every lower price, and one whose margin at its first losing price is at most
    ``−2 × _SLACK`` loses at every higher price. A draw short of either is tried at every price, as before.
    So the counts are the ones trying every price gives, draw for draw.
    """
    m = len(grid)
    draws = d.own_qualified.shape[0]
    prices = np.asarray(grid, dtype=float)
    lo = np.zeros(draws, dtype=np.int64)  # the draw wins at grid[:lo] …
    hi = np.full(draws, m, dtype=np.int64)  # … and loses at grid[hi:]
    at_win = np.full(draws, np.inf)  # the margin at its last winning price tried
    at_loss = np.full(draws, -np.inf)  # and at its first losing price tried
    exact = True  # no margins: the outcome is exactly monotone (``_win_mask``)
    while True:
        open_ = lo < hi
        if not open_.any():
            break
        mid = (lo + hi) // 2
        win, margin = _win_mask(r, prices[np.minimum(mid, m - 1)], d, rv)
        win_here, loss_here = open_ & win, open_ & ~win
        lo = np.where(win_here, mid + 1, lo)
        hi = np.where(loss_here, mid, hi)
        if margin is not None:
            exact = False
            at_win = np.where(win_here, margin, at_win)
            at_loss = np.where(loss_here, margin, at_loss)
    first_loss = lo
    unsure = np.zeros(draws, dtype=bool)
    if not exact:
        slack = _SLACK * (1.0 + float(r.price_weight) + float(r.quality_weight) + float(r.social_value_weight))
        with np.errstate(invalid="ignore"):
            unsure = ((first_loss > 0) & ~(at_win >= 2 * slack)) | ((first_loss < m) & ~(at_loss <= -2 * slack))
    counts = np.bincount(first_loss[~unsure], minlength=m + 1)
    wins = counts[::-1].cumsum()[::-1][1:]  # draws winning at grid[i]: those whose first loss is after i
    out = [int(w) for w in wins]
    if unsure.any():
        sd, srv = _subset(d, rv, unsure)
        out = [w + _wins(r, p, sd, srv) for w, p in zip(out, grid, strict=True)]
    return out


#: A bound, relative to the weights, on the rounding error of a draw's margin (see ``_grid_wins``).
_SLACK = 1e-12


def _probability(wins: int, draws: int) -> Decimal:
    return (Decimal(wins) / Decimal(draws)).quantize(PROBABILITY_PLACES, rounding=ROUND_HALF_EVEN)


def _check_draws(draws: int) -> None:
    if draws < 1:
        raise EvaluationError("the number of draws must be at least 1")


def win_probability(our_bid: Competitor, competitors: Sequence[Competitor], tender: Tender | ScoringRules, *,
                    uncertainty: Uncertainty | None = None, draws: int = DEFAULT_DRAWS,
                    seed: int | None = None) -> WinProbability:
    """P(our bid wins or ties) with competitors' prices, quality and social value scores drawn
    from triangular distributions around the figures given (``uncertainty`` sets the widths)."""
    _check_draws(draws)
    r = _rules(tender)
    d = _draws(our_bid, competitors, r, uncertainty or Uncertainty(), draws, seed)
    wins = _wins(r, float(our_bid.price), d)
    p = wins / draws
    se = Decimal(repr(float(np.sqrt(p * (1 - p) / draws)))).quantize(PROBABILITY_PLACES)
    return WinProbability(our_bid.price, _probability(wins, draws), se, wins, draws, seed)


def best_price(cost: Decimal, our_bid: Competitor, competitors: Sequence[Competitor],
               tender: Tender | ScoringRules, *, prices: Sequence[Decimal] | None = None,
               low: Decimal | None = None, high: Decimal | None = None, steps: int = 101,
               uncertainty: Uncertainty | None = None, draws: int = DEFAULT_DRAWS,
               seed: int | None = None) -> BestPrice:
    """The price that maximises expected contribution P(win) × (price − cost) over a grid.

    ``cost`` is on the same basis as the prices (e.g. the annual cost of year one). The grid is
    ``prices`` if given, else ``steps`` penny prices from ``low`` (default the cost) to ``high``
    (default 10% above the dearest competitor's highest likely price; at most the ceiling under
    the budget method). Every price is scored on the same draws (common random numbers), so the
    curve is smooth and comparisons are fair. Ties go to the lower price.
    """
    _check_draws(draws)
    r = _rules(tender)
    u = uncertainty or Uncertainty()
    if prices is None:
        spread = ONE + u.price_spread_pct / HUNDRED
        lo = low if low is not None else (cost if cost > 0 else min((c.price for c in competitors),
                                                                  default=our_bid.price) / 2)
        top = max([c.price * spread for c in competitors] + [our_bid.price, lo]) * Decimal("1.1")
        hi = high if high is not None else top
        if r.method is PriceMethod.BUDGET and r.ceiling is not None and high is None:
            hi = min(hi, r.ceiling)
        lo = max(lo, PENNY)
        hi = max(hi, lo)
        n = max(steps, 2)
        grid = sorted({quantize(lo + (hi - lo) * i / (n - 1)) for i in range(n)})
    else:
        grid = sorted({quantize(p) for p in prices})
    grid = [p for p in grid if p > 0]
    if not grid:
        raise EvaluationError("no positive prices to try")
    d = _draws(our_bid, competitors, r, u, draws, seed)
    rivals = _rivals(r, d)
    points = []
    for price, wins in zip(grid, _grid_wins(r, [float(p) for p in grid], d, rivals), strict=True):
        ec = quantize(Decimal(wins) / Decimal(draws) * (price - cost))
        points.append(PricePoint(price, _probability(wins, draws), ec))
    best = max(points, key=lambda pt: (pt.expected_contribution, -pt.price))
    return BestPrice(best.price, best.probability, best.expected_contribution, cost, tuple(points), draws, seed)
