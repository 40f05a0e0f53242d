"""The program's analyses, each declared once in the pipeline's registry.

Each declaration names the pure domain function, what it needs, the entities it reads and how its
result becomes findings (``services/pipeline.py`` explains the rest). The CLI's ``summary``, the
GUI's screens and the investment case all run them through ``pipeline.run``, so every surface
shows the same figures; the one-analysis helpers below (``prices(ws, option_id)`` …) run one
analysis with what it needs and raise ``ValueError`` with the refusal's reason.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ..domain import bid as _bid
from ..domain import bid_rounds as _bid_rounds
from ..domain import capacity as _capacity
from ..domain import costing as _costing
from ..domain import evaluation_model as _evaluation_model
from ..domain import jsontext
from ..domain import lots as _lots
from ..domain import optimise as _optimise
from ..domain import pricing as _pricing
from ..domain import projection as _projection
from ..domain import quality_questions as _quality_questions
from ..domain import risk_register as _risk_register
from ..domain import routes as _routes
from ..domain import scenarios as _scenarios
from ..domain import sensitivity as _sensitivity
from ..domain import social_value as _social_value
from ..domain import standing as _standing
from ..domain import verdict as _verdict
from ..domain.model import (
    BidRound,
    ConsortiumOption,
    Gate,
    GateResponse,
    Organisation,
    QualityAnswer,
    QualityQuestion,
    Risk,
    RoundScore,
    SocialValueCommitment,
    Tender,
)
from ..domain.model import Competitor as CompetitorRow
from ..domain.partnering import advisor as _advisor
from ..domain.partnering import flows as _flows
from ..domain.partnering import pension_analysis as _pensions
from ..domain.partnering import readiness as _readiness
from ..domain.projection import advice as _advice
from ..domain.rates import RateTable
from ..domain.tasks import NEVER, CancelToken
from ..domain.workspace import Workspace
from . import markets as _markets
from .compare import KEY_ANALYSES
from .pipeline import REGISTRY, Analysis, Inputs, NotApplicable, Refusal, Registry, Results, register, run
from .rates import apply_overrides, load_reference_rates
from .scenarios import scenario_findings, scenario_outcomes
from .sensitivity import NEEDS as _SENSITIVITY_NEEDS
from .sensitivity import sensitivity_analysis
from .simulation import risk_simulation, simulation_findings

RATES_OVERRIDES_KEY = "rates_overrides"

# Entity names (``Entity.entity_name``) read by the analyses, for the views' refresh.
_OPTION = frozenset({"consortium_option", "member", "allocation", "organisation"})
_TENDER = frozenset({"tender", "lot", "requirement"})
_COSTS = frozenset({"cost_profile", "role", "social_value_commitment"})  # commitments' cost is a shared cost
# stated pension arrangements and VAT answers reach the cost build-up (domain.partnering.charges)
_PARTNERING = frozenset({"partnering_profile", "pension_arrangement", "tupe_cohort"})


def workspace_rates(ws: Workspace) -> RateTable:
    """The reference rates with the workspace's overrides (a JSON setting) applied."""
    text = ws.setting(RATES_OVERRIDES_KEY, "").strip()
    try:
        overrides = jsontext.loads(text, what="the reference-rate overrides") if text else None
    except ValueError as exc:
        raise ValueError(f"the reference-rate overrides are not valid JSON: {exc}") from None
    return apply_overrides(load_reference_rates(), overrides)


# --------------------------------------------------------------------------- declarations


def _rates(i: Inputs) -> RateTable:
    """The workspace's rates; on a scenario's snapshot, with its National Living Wage path."""
    return _scenarios.adjust_rates(workspace_rates(i.ws), i.ws.scenario)


def _price_schedule(ws: Workspace, option_id: int, rates: RateTable, basis: _scenarios.PricingBasis | None = None,
                    buildup: _costing.CostBuildup | None = None) -> _pricing.PriceSchedule:
    option = ws.get(ConsortiumOption, option_id)
    tender = ws.get(Tender, option.tender_id) if option is not None else None
    threshold = tender.abnormal_threshold_pct if tender else _pricing.DEFAULT_ABNORMAL_THRESHOLD_PCT
    return _pricing.bid_prices(ws, option_id, rates, include_extensions=True, abnormal_threshold_pct=threshold,
                               unit_prices=basis.unit_prices if basis else None,
                               price_index=basis.price_index if basis else None, buildup=buildup)


def _scenario_basis(i: Inputs) -> _scenarios.PricingBasis | None:
    """On a scenario's snapshot of this option, the base bid (priced on the option as stored); else None."""
    mark = i.ws.scenario
    if mark is None or mark.option_id != i.option_id:
        return None
    if mark.basis is not None:
        return mark.basis
    base = _price_schedule(mark.base, i.option_id, workspace_rates(mark.base))  # as its own prices analysis
    option = mark.base.get(ConsortiumOption, i.option_id)
    return _scenarios.pricing_basis(base, mark.base.get(Tender, option.tender_id) if option else None)


def _prices(i: Inputs) -> _pricing.PriceSchedule:
    """The bid's prices; on a scenario's snapshot, the base bid's prices with the scenario's volumes and costs."""
    mark = i.ws.scenario
    buildup = mark.buildup if mark is not None and mark.option_id == i.option_id else None
    return _price_schedule(i.ws, i.option_id, i.need("rates"), _scenario_basis(i), buildup)


def _bid_of(i: Inputs) -> _bid.BidEvaluation:
    """Our bid against the competitors, without the pricing advice (the best price over a grid of prices, the
    quality needed at cost: most of an evaluation's time), which the ``evaluation`` analysis adds; the lots read
    the bid as it is (the win probability), and so do a scenario's and a sensitivity point's figures
    (``figures_registry``). On a scenario's snapshot, the base bid as the buyer evaluates it."""
    basis = _scenario_basis(i)
    return _bid.bid_evaluation(i.ws, i.option_id, basis.schedule if basis is not None else i.need("prices"),
                               pricing_advice=False)


def _capital_with_extensions(i: Inputs) -> _projection.Capital | NotApplicable:
    tender = i.tender
    if tender is None or tender.extension_years <= 0:
        return NotApplicable("capital_with_extensions", "the tender has no extension years")
    return _advice.advised(_projection.capital(i.ws, i.option_id, i.need("rates"), include_extensions=True,
                                               schedule=i.need("prices")))


def _route_of(i: Inputs) -> _routes.Route:
    """The Provider Selection Regime screener on the option's tender, knowing who is in the bid."""
    tender = i.tender
    if tender is None:
        raise ValueError("the option has no tender")
    orgs = [i.ws.get(Organisation, m.organisation_id) for m in i.ws.members(i.option_id)]
    return _routes.screen(tender, tuple(o.name for o in orgs if o is not None))


def _flags(result: Any) -> Any:
    return result.flags


register(Analysis("rates", _rates, reads=frozenset({"setting"}),
                  title="Reference rates", public=False))
register(Analysis("coverage", lambda i: _capacity.coverage(i.ws, i.option_id),
                  reads=_OPTION | _TENDER | {"capacity", "financial_year"},
                  title="Coverage", area="Capacity", findings=_capacity.coverage_findings))
register(Analysis("coverage_grid", lambda i: _capacity.coverage_grid(i.need("coverage")), needs=("coverage",),
                  title="Coverage by service line and area", area="Capacity"))
register(Analysis("workforce", lambda i: _capacity.workforce(i.ws, i.option_id),
                  reads=_OPTION | _TENDER | _COSTS | {"capacity", "tupe_cohort"},
                  title="Workforce", area="Workforce", findings=_capacity.workforce_findings))
register(Analysis("partners", lambda i: _capacity.find_partners(i.ws, i.option_id),
                  reads=_OPTION | _TENDER | {"capacity", "financial_year"}, title="Partners", area="Partners"))
register(Analysis("optimiser", lambda i: _optimise.optimise(i.ws, i.option_id, None, cancelled=i.cancelled),
                  reads=_OPTION | _TENDER | _COSTS | {"capacity", "setting"},
                  title="Least-cost split", area="Least-cost split", findings=_optimise.findings))
register(Analysis("standing", lambda i: _standing.standing(i.ws, i.option_id),
                  reads=_OPTION | _TENDER | {"financial_year", "financial_condition"},
                  title="Financial standing", area="Financial standing", findings=_standing.findings))
register(Analysis("prices", _prices, needs=("rates",), reads=_OPTION | _TENDER | _COSTS | _PARTNERING | {"setting"},
                  title="Prices", area="Pricing", findings=_flags))
register(Analysis("bid", _bid_of, needs=("prices",), reads=frozenset({"competitor"}),
                  title="Bid scored", public=False))
register(Analysis("evaluation", lambda i: _bid.with_pricing_advice(i.ws, i.need("bid")),
                  needs=("bid",), reads=frozenset({"competitor"}),
                  title="Evaluation", area="Evaluation", findings=_bid.findings))
register(Analysis("score_curve", lambda i: _bid.score_curve(i.need("evaluation"), i.tender),
                  needs=("evaluation",), title="Score curve", area="Evaluation"))
def _capital(i: Inputs) -> _projection.Capital:
    return _projection.capital(i.ws, i.option_id, i.need("rates"), schedule=i.need("prices"))


register(Analysis("capital", lambda i: _advice.advised(_capital(i)),
                  needs=("rates", "prices"), reads=frozenset({"funding_source", "capital_item", "tupe_cohort"}),
                  title="Projection, funding and returns", public=False))
register(Analysis("projection", lambda i: i.need("capital").projection, needs=("capital",),
                  title="Projection", area="Projections", findings=_flags))
register(Analysis("funding", lambda i: i.need("capital").funding, needs=("capital",),
                  title="Funding", area="Funding", findings=_flags))
register(Analysis("returns", lambda i: i.need("capital").returns, needs=("capital",),
                  title="Returns", area="Returns", findings=_flags))
register(Analysis("period_cash", lambda i: _projection.period_cash(i.need("projection")), needs=("projection",),
                  title="Cash by period", area="Projections"))
register(Analysis("markets", lambda i: _markets.option_markets(i.ws, i.option_id, i.need("projection")),
                  needs=("projection",), reads=_markets.READS, title="Markets beyond the tender", area="Markets",
                  findings=lambda r: r.findings))
register(Analysis("concentration",
                  lambda i: _markets.concentration(i.ws, i.option_id, i.need("projection"), i.need("markets")),
                  needs=("projection", "markets"), reads=_markets.READS, title="Income concentration",
                  area="Diversification", findings=lambda r: r.findings))
def _evaluation_model_of(i: Inputs) -> _evaluation_model.EvaluationModel:
    """The bid at every weighting the buyer's statement of importance allows, and the pass/fail criteria."""
    tender = i.tender
    if tender is None:
        raise ValueError("the option has no tender")
    ev = i.need("evaluation")
    gates = _evaluation_model.gate_statuses(i.ws.by(Gate, "tender_id", tender.id),
                                            i.ws.by(GateResponse, "option_id", i.option_id))
    option = i.ws.get(ConsortiumOption, i.option_id)
    assert option is not None
    questions = _quality_questions.breakdown(i.ws.by(QualityQuestion, "tender_id", tender.id),
                                             i.ws.by(QualityAnswer, "option_id", i.option_id),
                                             option.quality_max, option.quality_score)
    rounds = i.ws.by(BidRound, "tender_id", tender.id)
    bid_rounds = _bid_rounds.bid_rounds(tender, rounds, [s for r in rounds for s in i.ws.by(RoundScore, "round_id", r.id)],
                                        ev.annual_cost)
    return _evaluation_model.evaluation_model(tender, ev.our_bid, ev.competitors, gates,
                                              not_scored="; ".join(ev.messages), questions=questions,
                                              rounds=bid_rounds)


register(Analysis("evaluation_model", _evaluation_model_of, needs=("evaluation",),
                  reads=frozenset({"gate", "gate_response", "quality_question", "quality_answer", "consortium_option",
                                   "bid_round", "round_score"}),
                  title="Evaluation model", area="Evaluation", findings=lambda r: r.findings))
def _social_value_of(i: Inputs) -> _social_value.SocialValueLedger | NotApplicable:
    """The option's social value ledger, scored against the rivals' assumed commitments."""
    tender, option = i.tender, i.ws.get(ConsortiumOption, i.option_id)
    if tender is None or option is None:
        raise ValueError("the option has no tender")
    commitments = i.ws.by(SocialValueCommitment, "option_id", i.option_id)
    if not commitments:
        return NotApplicable("social_value", "the option has no social value commitments")
    ev = i.need("evaluation")
    rivals = [(c.name, c.social_value_a_year) for c in sorted(i.ws.by(CompetitorRow, "tender_id", tender.id),
                                                               key=lambda c: c.id or 0)
              if c.social_value_a_year is not None]
    ledger = _social_value.ledger(i.option_id, commitments, tender.term_years, tender.annual_value,
                                  option.social_value_max, option.social_value_score, rivals, ev.our_bid,
                                  ev.competitors, _pricing.ScoringRules.from_tender(tender))
    assert ledger is not None
    return ledger


register(Analysis("social_value", _social_value_of, needs=("evaluation",),
                  reads=frozenset({"social_value_commitment", "competitor", "tender", "consortium_option"}),
                  title="Social value", area="Social value", findings=lambda r: r.findings))


def _lots_of(i: Inputs) -> _lots.LotChoice | NotApplicable:
    """The best set of the tender's lots for the option (an integer programme) and its decisions per lot."""
    win = i.need("bid").win  # the bid as scored: the lots do not read the pricing advice
    problem = _lots.lot_problem(i.ws, i.option_id, i.need("coverage"), i.need("prices"),
                                win.probability if win is not None else None, i.need("funding"))
    if problem is None:
        return NotApplicable("lots", "the tender is not divided into lots")
    return _lots.lot_choice(i.option_id, problem)


register(Analysis("lots", _lots_of, needs=("coverage", "prices", "bid", "funding"),
                  reads=frozenset({"lot_bid", "lot", "tender", "requirement"}),
                  title="Lots", area="Lots", findings=lambda r: r.findings))
register(Analysis("route", _route_of, reads=frozenset({"consortium_option", "tender", "member", "organisation"}),
                  title="Selection route", area="Route", findings=lambda r: r.findings))
register(Analysis("capital_with_extensions", _capital_with_extensions, needs=("rates", "prices"),
                  reads=frozenset({"funding_source", "capital_item", "tupe_cohort"}),
                  title="Projection with extensions", area="Projections"))
register(Analysis("scenarios", scenario_outcomes, needs=KEY_ANALYSES, reads=frozenset({"scenario"}),
                  title="Scenarios", area="Scenarios", findings=scenario_findings))
register(Analysis("sensitivity", sensitivity_analysis, needs=_SENSITIVITY_NEEDS, title="Sensitivity",
                  area="Sensitivity", findings=_sensitivity.findings))
register(Analysis("risk_simulation", risk_simulation, needs=("capital", "prices"),
                  title="Risk by simulation", area="Risk by simulation", findings=simulation_findings))

# partnering (domain/partnering): choose the vehicle, money between members, pensions, readiness, terms
register(Analysis("structure", lambda i: _advisor.advise(i.ws, i.option_id, i.need("prices")), needs=("prices",),
                  reads=_OPTION | _TENDER | _PARTNERING | {"financial_year", "financial_condition", "setting"},
                  title="Structure advisor", area="Partnering", findings=_advisor.findings))
register(Analysis("money_flows", lambda i: _flows.money_flows(i.ws, i.option_id, i.need("capital"), i.need("prices")),
                  needs=("capital", "prices"), reads=_OPTION | _PARTNERING, title="Money between members",
                  area="Partnering", findings=_flows.findings))
register(Analysis("pensions", lambda i: _pensions.pensions(i.ws, i.option_id, i.need("prices")), needs=("prices",),
                  reads=_OPTION | _TENDER | _PARTNERING, title="Pensions by cohort", area="Pensions",
                  findings=_pensions.findings))
register(Analysis("readiness", lambda i: _readiness.readiness(i.ws, i.option_id),
                  reads=frozenset({"consortium_option", "member", "organisation", "readiness_score",
                                   "due_diligence_item"}),
                  title="Partner readiness and fit", area="Partnering", findings=_readiness.readiness_findings))
register(Analysis("heads_of_terms", lambda i: _readiness.heads_of_terms(i.ws, i.option_id),
                  reads=frozenset({"consortium_option", "member", "organisation", "heads_of_terms_item"}),
                  title="Heads of terms", area="Partnering", findings=_readiness.terms_findings))


# --------------------------------------------------------------------------- over every finding
# Declared last: they read the findings of every analysis declared above.

#: The analyses that raise findings: the verdict folds them, the risk register is seeded from them.
FINDING_ANALYSES = tuple(a.name for a in REGISTRY if a.findings is not None)
#: The finding analyses of many runs each (the stored scenarios' runs, the sensitivity's scenario points, the
#: simulation's draws): most of the time of all the findings (on the generated large workspace about 1.4 s of
#: 1.7). A view may show the others' findings first, saying these are still to come.
LONG_FINDING_ANALYSES: tuple[str, ...] = ("scenarios", "sensitivity", "risk_simulation")
#: What each of those is called where a view says it is still checking it.
LONG_FINDING_LABELS = {"scenarios": "the stored scenarios", "sensitivity": "the sensitivities",
                       "risk_simulation": "the simulation"}


_FIGURES: tuple[tuple[Analysis, ...], Registry] | None = None


def figures_registry() -> Registry:
    """The program's analyses as a scenario point of the sensitivity analysis and a stored scenario's outcome
    run them: the same, except that the capital analysis writes no cure into its funding findings and the
    evaluation leaves out its pricing advice (the best price over a grid of prices, the quality needed at
    cost). A point and an outcome are read only through ``compare.option_figures``, which reads figures,
    never a cure and never that advice; the cures (each a search over amounts) are about a sixth of a
    point's time and the best price most of an evaluation's. Made again when the program's registry changes."""
    global _FIGURES
    ordered = REGISTRY.ordered()
    if _FIGURES is None or _FIGURES[0] is not ordered:
        out = Registry()
        lean = {"capital": _capital, "evaluation": lambda i: i.need("bid")}
        for a in ordered:
            out.register(dataclasses.replace(a, compute=lean[a.name]) if a.name in lean else a)
        _FIGURES = (ordered, out)
    return _FIGURES[1]


def _verdict_of(i: Inputs) -> _verdict.Verdict:
    """The verdict over every finding (``Results.findings``: an analysis that could not run is itself a
    serious finding, so it makes the verdict conditional rather than hiding it)."""
    return _verdict.verdict(i.findings(FINDING_ANALYSES))


register(Analysis("verdict", _verdict_of, reads=REGISTRY.reads(FINDING_ANALYSES), title="Verdict", area="Verdict"))


def _register_of(i: Inputs) -> tuple[_risk_register.RegisterEntry, ...]:
    """The option's risk register, worst first, each seeded risk saying whether its finding is raised now.

    It reads the findings without needing their analyses, so a refused analysis (itself a finding)
    never hides the register.
    """
    return _risk_register.register(i.ws.children(Risk, i.option_id), i.findings(FINDING_ANALYSES))


register(Analysis("risk_register", _register_of, reads=REGISTRY.reads(FINDING_ANALYSES) | {"risk"},
                  title="Risk register", area="Risks"))


# --------------------------------------------------------------------------- running them


def analyse_option(ws: Workspace, option_id: int, names=None, *, cancelled: CancelToken = NEVER) -> Results:
    """Every analysis (or ``names`` with what they need) for one option."""
    return run(ws, option_id, names, cancelled=cancelled)


run_all = analyse_option


def value(results: Results, name: str) -> Any:
    """The value of ``name`` in ``results``; ``ValueError`` with the reason if it was refused."""
    v = results[name]
    if isinstance(v, Refusal | NotApplicable):
        raise ValueError(v.reason)
    return v


def one(ws: Workspace, option_id: int, name: str, *, cancelled: CancelToken = NEVER, **known: Any) -> Any:
    """Run one analysis (with what it needs) and return its value, or raise ``ValueError`` why not.

    ``known`` gives results already at hand by name (``prices=schedule``): they are not computed again.
    """
    given = {k: v for k, v in known.items() if v is not None}
    results = Results.of(option_id, given) if given else None  # None: results shared on this snapshot, if any
    return value(run(ws, option_id, (name,), cancelled=cancelled, results=results), name)


def coverage(ws: Workspace, option_id: int) -> _capacity.CoverageResult:
    return one(ws, option_id, "coverage")


def workforce(ws: Workspace, option_id: int) -> _capacity.WorkforceResult:
    return one(ws, option_id, "workforce")


def partners(ws: Workspace, option_id: int) -> list[_capacity.PartnerCandidate]:
    return one(ws, option_id, "partners")


def optimiser(ws: Workspace, option_id: int, progress=None, cancelled=None,
              rules: _optimise.OptimiseRules | None = None) -> _optimise.Proposal:
    """The least-cost split with the user's rules (the GUI's Optimise dialog): not the declared analysis,
    which runs with the default rules."""
    return _optimise.optimise(ws, option_id, rules, progress=progress, cancelled=cancelled)


def standing(ws: Workspace, option_id: int) -> _standing.StandingResult:
    """Financial standing of each member and of the entity the buyer tests (DOMAIN §2)."""
    return one(ws, option_id, "standing")


def prices(ws: Workspace, option_id: int) -> _pricing.PriceSchedule:
    """The bid price per contract year, with extensions, and its guards (DOMAIN §5)."""
    return one(ws, option_id, "prices")


def evaluation(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _bid.BidEvaluation:
    return one(ws, option_id, "evaluation", prices=schedule)


def capital(ws: Workspace, option_id: int, schedule: _pricing.PriceSchedule | None = None) -> _projection.Capital:
    """Projection, funding and returns over the term (extensions are not promised), computed together."""
    return one(ws, option_id, "capital", prices=schedule)


def projection(ws: Workspace, option_id: int) -> _projection.Projection:
    """Monthly cash flow and P&L by contract year, per member (DOMAIN §6)."""
    return one(ws, option_id, "projection")


def funding(ws: Workspace, option_id: int) -> _projection.FundingResult:
    """Funding requirement, sources, loan schedules and debt service cover (DOMAIN §6)."""
    return one(ws, option_id, "funding")


def returns(ws: Workspace, option_id: int) -> _projection.Returns:
    """NPV, IRR, payback and break-even (DOMAIN §6)."""
    return one(ws, option_id, "returns")


def verdict(ws: Workspace, option_id: int) -> _verdict.Verdict:
    """Bid, bid with conditions, or do not bid as it stands, with the blocking findings and the conditions."""
    return one(ws, option_id, "verdict")


def risk_register(ws: Workspace, option_id: int) -> tuple[_risk_register.RegisterEntry, ...]:
    """The option's risks, worst first, with scores, ratings and residuals (DOMAIN §6)."""
    return one(ws, option_id, "risk_register")
