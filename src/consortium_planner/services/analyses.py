"""The analyses run for a consortium option, shared by every surface.

Each analysis is a pure domain function. The CLI's ``summary``, the GUI's screens and the
investment case all run them through here, so every surface shows the same figures.
``analyse_option`` runs them all in dependency order, computing shared inputs (such as the price
schedule) once; the single-analysis functions below serve screens that need only one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..domain import bid as _bid
from ..domain import capacity as _capacity
from ..domain import optimise as _optimise
from ..domain import pricing as _pricing
from ..domain import projection as _projection
from ..domain import standing as _standing
from ..domain.model import ConsortiumOption, Tender
from ..domain.rates import RateTable
from ..domain.validation import ValidationError
from ..domain.workspace import Workspace
from .rates import apply_overrides, load_reference_rates

RATES_OVERRIDES_KEY = "rates_overrides"


def workspace_rates(ws: Workspace) -> RateTable:
    """The reference rates with the workspace's overrides (a JSON setting) applied."""
    text = ws.setting(RATES_OVERRIDES_KEY, "").strip()
    overrides = json.loads(text) if text else None
    return apply_overrides(load_reference_rates(), overrides)


def standing(ws: Workspace, option_id: int) -> _standing.StandingResult:
    """Financial standing of each member and of the entity the buyer tests (DOMAIN §2)."""
    return _standing.standing(ws, option_id)


def coverage(ws: Workspace, option_id: int) -> _capacity.CoverageResult:
    return _capacity.coverage(ws, option_id)


def workforce(ws: Workspace, option_id: int) -> _capacity.WorkforceResult:
    return _capacity.workforce(ws, option_id)


def partners(ws: Workspace, option_id: int) -> list[_capacity.PartnerCandidate]:
    return _capacity.find_partners(ws, option_id)


def optimiser(ws: Workspace, option_id: int, progress=None, cancelled=None,
              rules: _optimise.OptimiseRules | None = None) -> _optimise.Proposal:
    return _optimise.optimise(ws, option_id, rules, progress=progress, cancelled=cancelled)


def prices(ws: Workspace, option_id: int) -> _pricing.PriceSchedule:
    """The bid price per contract year, with extensions, and its guards (DOMAIN §5)."""
    option = ws.get(ConsortiumOption, option_id)
    tender = ws.get(Tender, option.tender_id) if option else None
    threshold = tender.abnormal_threshold_pct if tender else _pricing.DEFAULT_ABNORMAL_THRESHOLD_PCT
    return _pricing.bid_prices(ws, option_id, workspace_rates(ws), include_extensions=True,
                               abnormal_threshold_pct=threshold)


def evaluation(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _bid.BidEvaluation:
    return _bid.bid_evaluation(ws, option_id, schedule or prices(ws, option_id))


def capital(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _projection.Capital:
    """Projection, funding and returns over the term (extensions are not promised), computed together."""
    return _projection.capital(ws, option_id, workspace_rates(ws), schedule=schedule or prices(ws, option_id))


def projection(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _projection.Projection:
    """Monthly cash flow and P&L by contract year, per member (DOMAIN §6)."""
    return capital(ws, option_id, schedule).projection


def funding(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _projection.FundingResult:
    """Funding requirement, sources, loan schedules and debt service cover (DOMAIN §6)."""
    return capital(ws, option_id, schedule).funding


def returns(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _projection.Returns:
    """NPV, IRR, payback and break-even (DOMAIN §6)."""
    return capital(ws, option_id, schedule).returns


ANALYSES: dict[str, Callable[[Workspace, int], Any]] = {
    "coverage": coverage,
    "workforce": workforce,
    "partners": partners,
    "optimiser": optimiser,
    "standing": standing,
    "prices": prices,
    "evaluation": evaluation,
    "projection": projection,
    "funding": funding,
    "returns": returns,
}


def run(ws: Workspace, option_id: int, name: str) -> Any:
    return ANALYSES[name](ws, option_id)


def analyse_option(ws: Workspace, option_id: int) -> dict[str, Any]:
    """Every analysis for one option; one the data cannot support says why instead."""
    out: dict[str, Any] = {}

    def attempt(name: str, fn: Callable[[], Any]) -> Any:
        try:
            out[name] = fn()
        except (ValidationError, ValueError) as exc:
            out[name] = {"error": str(exc)}
            return None
        return out[name]

    for name in ("coverage", "workforce", "partners", "optimiser", "standing"):
        attempt(name, lambda n=name: ANALYSES[n](ws, option_id))
    schedule = attempt("prices", lambda: prices(ws, option_id))
    if schedule is not None:
        attempt("evaluation", lambda: evaluation(ws, option_id, schedule))
        both = attempt("projection", lambda: capital(ws, option_id, schedule))
        for name in ("projection", "funding", "returns"):
            out[name] = getattr(both, name) if both is not None else out["projection"]
    return out


run_all = analyse_option
