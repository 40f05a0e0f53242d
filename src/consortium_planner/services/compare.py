"""Consortium options side by side: the figures a decision turns on, from each option's own analyses.

``option_figures(ws, option_id, results)`` is a pure function of one option's pipeline ``Results``
(the same results ``summary --json``, the screens and the case show): one value per row of ``ROWS``,
under a stable snake_case key, or None with the reason in ``notes``. Each row declares its
``direction`` (higher better, lower better, or none), so the best value of a row is marked by its own
rule; two rows (``unit_costs`` and ``member_profits``) break down by service line and by member.

``compare(ws, tender_id, scenario=None)`` runs the pipeline for each option of a tender — on the
workspace as stored, or on each option's copy adjusted by a named scenario (``services/scenarios``)
— and returns a ``Comparison``: the rows, every option's figures and cumulative cash, and the best
option(s) of each row. ``differences(comparison, baseline_id)`` gives each option's figures less a
baseline's. ``comparison_json`` is what ``consortium-planner compare --json`` prints and what the
Compare page shows.

Best values are like for like: an option that covers less than the whole requirement is not a bid
the buyer could accept, so it is not marked best on the figures that grow with the volume delivered
(``WHOLE_BID_GROUPS``: workforce, price, evaluation, funding, returns and members' profit).

Directions, and why: prices and unit costs are better lower (a more competitive bid for the same
service); headroom to the ceiling, score, win probability, highest winning price, lowest cash, cover,
NPV, IRR and members' profit higher; recruitment, gaps, thin cells, failed tests, funding
requirement, shortfall, payback and rank lower; structure, the entity tested, FTE, income and sources
describe an option rather than rank it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from ..domain import scenarios as _scenarios
from ..domain.model import ConsortiumOption, Scenario, Tender, key, stored_id
from ..domain.money import quantize
from ..domain.pricing import PRICE_ABOVE_CEILING
from ..domain.tasks import NEVER, CancelToken, Progress, no_progress
from ..domain.workspace import Workspace
from . import ahead as _ahead
from .pipeline import AHEAD_MISSING, NotApplicable, Refusal, Results

__all__ = [
    "KEY_ANALYSES",
    "ROWS",
    "Comparison",
    "Direction",
    "OptionFigures",
    "RowSpec",
    "ValueKind",
    "WHOLE_BID_GROUPS",
    "best_of",
    "compare",
    "comparison_json",
    "differences",
    "option_figures",
    "partial_cover",
    "scenario_by_name",
]

#: The analyses the figures come from (and what a scenario run computes).
KEY_ANALYSES: tuple[str, ...] = ("coverage", "workforce", "standing", "prices", "evaluation", "capital",
                                 "projection", "funding", "returns")


class Direction(enum.StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better
    NONE = "none"  # describes, does not rank


class ValueKind(enum.StrEnum):
    TEXT = "text"
    MONEY = "money"  # Decimal pounds to the penny
    PERCENT = "percent"  # percentage points
    NUMBER = "number"  # a Decimal quantity (FTE, a score)
    RATIO = "ratio"  # debt service cover, ×
    COUNT = "count"  # a whole number (gaps, rank, months)


@dataclass(frozen=True, slots=True)
class RowSpec:
    """One row of the comparison: its key, label, group, kind, direction and, for a text row that ranks,
    each text's place on a scale (``order``: Low 0, Medium 1, High 2), compared by the direction."""

    key: str
    label: str
    group: str
    kind: ValueKind
    direction: Direction = Direction.NONE
    places: int = 2
    note: str = ""
    breakdown: bool = False  # the value is a mapping: service line or member → value
    order: Mapping[str, int] | None = None


def _order(*values: str) -> Mapping[str, int]:
    return MappingProxyType({v: i for i, v in enumerate(values)})


H, L, N = Direction.HIGHER, Direction.LOWER, Direction.NONE
ROWS: tuple[RowSpec, ...] = (
    RowSpec("structure", "Structure", "Structure", ValueKind.TEXT),
    RowSpec("entity_tested", "Entity tested for standing", "Structure", ValueKind.TEXT,
            note="Whose accounts the buyer tests (DOMAIN §2): the lead, the members combined, or guarantors"),
    RowSpec("coverage_pct", "Coverage of the requirements", "Capacity", ValueKind.PERCENT, H, 1,
            note="Volume covered ÷ volume required (over-allocation does not fill a gap)"),
    RowSpec("gaps", "Gaps", "Capacity", ValueKind.COUNT, L, 0, note="Requirements with a shortfall"),
    RowSpec("thin_cells", "Thin cells", "Capacity", ValueKind.COUNT, L, 0,
            note="Requirements covered only by growing beyond today's capacity, or with little headroom"),
    RowSpec("fte", "Staff (FTE)", "Workforce", ValueKind.NUMBER, N, 1),
    RowSpec("recruitment_fte", "Recruitment (FTE)", "Workforce", ValueKind.NUMBER, L, 1,
            note="FTE beyond those transferring under TUPE, plus staff turnover"),
    RowSpec("standing_risk", "Standing risk", "Financial standing", ValueKind.TEXT, L,
            order=_order("Low", "Medium", "High")),
    RowSpec("failed_tests", "Failed standing tests", "Financial standing", ValueKind.COUNT, L, 0),
    RowSpec("reserved_eligibility", "Reserved-contract eligibility", "Financial standing", ValueKind.TEXT, H,
            note="Procurement Act 2023 s33", order=_order("Not eligible", "Check before bidding", "Eligible")),
    RowSpec("year_one_price", "Year-one price", "Price", ValueKind.MONEY, L),
    RowSpec("contract_price", "Contract price (term)", "Price", ValueKind.MONEY, L),
    RowSpec("year_one_margin", "Year-one margin", "Price", ValueKind.MONEY, H,
            note="Year-one price less delivery cost and the management fee"),
    RowSpec("unit_costs", "Unit cost", "Price", ValueKind.MONEY, L, breakdown=True,
            note="Delivery cost per unit of each service line (economies of scale: shared costs over more volume)"),
    RowSpec("ceiling_headroom", "Worst-year headroom to the ceiling", "Price", ValueKind.MONEY, H,
            note="Annual budget ceiling less the annual price, in the year it is least (term and extensions)"),
    RowSpec("score", "Evaluation score", "Evaluation", ValueKind.NUMBER, H),
    RowSpec("rank", "Rank", "Evaluation", ValueKind.COUNT, L, 0),
    RowSpec("win_probability", "Win probability", "Evaluation", ValueKind.PERCENT, H, 1),
    RowSpec("highest_winning_price", "Highest winning price", "Evaluation", ValueKind.MONEY, H,
            note="The highest year-one price at which the bid still wins, quality as expected"),
    RowSpec("funding_requirement", "Funding requirement", "Funding", ValueKind.MONEY, L),
    RowSpec("funding_sources", "Funding sources", "Funding", ValueKind.MONEY, N),
    RowSpec("funding_shortfall", "Funding shortfall", "Funding", ValueKind.MONEY, L),
    RowSpec("lowest_cash", "Lowest cash after funding", "Funding", ValueKind.MONEY, H,
            note="The lowest month-end bank balance with the funding drawn"),
    RowSpec("min_dscr", "Minimum debt service cover", "Funding", ValueKind.RATIO, H,
            note="The lowest over the contract years (none without a loan or overdraft)"),
    RowSpec("total_income", "Income over the term", "Returns", ValueKind.MONEY, N),
    RowSpec("npv", "Net present value", "Returns", ValueKind.MONEY, H),
    RowSpec("irr_pct", "Internal rate of return", "Returns", ValueKind.PERCENT, H),
    RowSpec("payback_month", "Payback (months from mobilisation)", "Returns", ValueKind.COUNT, L, 0),
    RowSpec("member_profits", "Profit after tax", "Members", ValueKind.MONEY, H, breakdown=True,
            note="Each member's profit after tax over the projection"),
)
ROW_BY_KEY: Mapping[str, RowSpec] = MappingProxyType({r.key: r for r in ROWS})
#: Groups whose figures grow with the volume delivered: an option that does not cover the whole
#: requirement is not a bid the buyer could accept, so it is not marked best on them (like for like).
WHOLE_BID_GROUPS = frozenset({"Workforce", "Price", "Evaluation", "Funding", "Returns", "Members"})


@dataclass(frozen=True, slots=True)
class OptionFigures:
    """One option's value of every row (None: not available, ``notes`` says why), and its cumulative
    cash before funding month by month from the start of mobilisation (for the chart)."""

    option_id: int
    name: str
    values: Mapping[str, Any]
    notes: Mapping[str, str]
    cumulative_cash: tuple[Decimal, ...] = ()


# --------------------------------------------------------------------------- one option's figures


def _why(results: Results, name: str) -> str:
    value = results.get(name)
    if isinstance(value, Refusal | NotApplicable):
        return value.reason
    return f"the {name} analysis was not run"


def _unique(names: Iterable[str]) -> list[str]:
    out: list[str] = []
    for n in names:
        label, i = n, 2
        while label in out:
            label, i = f"{n} ({i})", i + 1
        out.append(label)
    return out


def option_figures(ws: Workspace, option_id: int, results: Results) -> OptionFigures:
    """Every row's value for one option from its pipeline results (see the module's docstring)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    values: dict[str, Any] = dict.fromkeys(ROW_BY_KEY)
    notes: dict[str, str] = {}

    def missing(keys: Iterable[str], why: str) -> None:
        for k in keys:
            notes[k] = why

    values["structure"] = option.structure.label
    if (cov := results.ok("coverage")) is not None:
        values["coverage_pct"] = cov.covered_pct
        values["gaps"] = cov.n_gap
        values["thin_cells"] = cov.n_thin
        if cov.covered_pct is None:
            notes["coverage_pct"] = "the tender requires no volume"
    else:
        missing(("coverage_pct", "gaps", "thin_cells"), _why(results, "coverage"))
    if (wf := results.ok("workforce")) is not None:
        values["fte"] = wf.total_fte
        values["recruitment_fte"] = wf.total_recruitment_fte
    else:
        missing(("fte", "recruitment_fte"), _why(results, "workforce"))
    if (st := results.ok("standing")) is not None:
        values["entity_tested"] = "; ".join(t.name for t in st.tested) if st.tested else None
        values["standing_risk"] = st.risk.label
        values["failed_tests"] = st.fail_count
        values["reserved_eligibility"] = st.reserved.verdict.label
        notes["standing_risk"] = st.risk_explanation
        notes["reserved_eligibility"] = st.reserved.explanation
    else:
        missing(("entity_tested", "standing_risk", "failed_tests", "reserved_eligibility"), _why(results, "standing"))
    if (pr := results.ok("prices")) is not None and pr.years:
        y1 = pr.years[0]
        values["year_one_price"] = y1.annual_price
        values["contract_price"] = pr.term_price
        values["year_one_margin"] = y1.annual_margin
        values["unit_costs"] = MappingProxyType(dict(zip(
            _unique(s.service_line for s in pr.buildup.service_lines),
            (quantize(s.cost_per_unit) for s in pr.buildup.service_lines), strict=True)))
        headroom = [(y.ceiling - y.annual_price, y.number) for y in pr.years if y.ceiling is not None]
        if headroom:
            worst, year = min(headroom)
            values["ceiling_headroom"] = worst
            notes["ceiling_headroom"] = f"Contract year {year}" + (" (an extension year)" if pr.years[year - 1].is_extension
                                                                    else "")
        else:
            notes["ceiling_headroom"] = "the tender states no budget ceiling"
    else:
        why = _why(results, "prices") if pr is None else "the option has no contract years priced"
        missing(("year_one_price", "contract_price", "year_one_margin", "unit_costs", "ceiling_headroom"), why)
    ev = results.ok("evaluation")
    if ev is not None and ev.evaluation is not None:
        values["score"] = ev.evaluation.ours.total
        values["rank"] = ev.evaluation.rank
        if ev.evaluation.ours.total is None:  # the scoring fails the bid (above the ceiling, below the minimum)
            why = ev.evaluation.ours.failure or "the bid fails"
            notes["score"] = notes["rank"] = (
                "not scored: the evaluated price is above the buyer's ceiling, so the bid fails"
                if why == PRICE_ABOVE_CEILING else f"not scored: {why}, so the bid fails")
        values["win_probability"] = ev.win.probability * 100 if ev.win is not None else None
        wp = ev.winning_price
        if wp is not None and wp.price is not None:
            values["highest_winning_price"] = wp.price
        elif wp is not None:
            notes["highest_winning_price"] = ("the bid wins at any price" if wp.any_price
                                              else "the bid cannot win even at a penny" if wp.cannot_win else "")
    else:
        why = (_why(results, "evaluation") if ev is None
               else "; ".join(ev.messages) or "the bid could not be scored")
        missing(("score", "rank", "win_probability", "highest_winning_price"), why)
    if (fu := results.ok("funding")) is not None:
        values["funding_requirement"] = fu.requirement
        values["funding_sources"] = fu.total_sources
        values["funding_shortfall"] = fu.shortfall
        values["lowest_cash"] = fu.lowest_balance
        values["min_dscr"] = fu.lowest_dscr
        if fu.lowest_dscr is None:
            notes["min_dscr"] = "no loan or overdraft to service"
    else:
        missing(("funding_requirement", "funding_sources", "funding_shortfall", "lowest_cash", "min_dscr"),
                _why(results, "funding"))
    if (rt := results.ok("returns")) is not None:
        values["npv"] = rt.npv
        values["irr_pct"] = rt.irr_pct
        values["payback_month"] = rt.payback_month
        if rt.irr_pct is None:
            notes["irr_pct"] = rt.irr_note
        if rt.payback_month is None:
            notes["payback_month"] = "the cash never pays back within the projection"
    else:
        missing(("npv", "irr_pct", "payback_month"), _why(results, "returns"))
    cash: tuple[Decimal, ...] = ()
    if (pj := results.ok("projection")) is not None:
        values["total_income"] = pj.total_income
        values["member_profits"] = MappingProxyType(dict(zip(
            _unique(m.organisation_name for m in pj.members), (m.profit_after_tax for m in pj.members), strict=True)))
        cash = tuple(m.cumulative_before_funding for m in pj.months)
    else:
        missing(("total_income", "member_profits"), _why(results, "projection"))
    return OptionFigures(option_id, option.name, MappingProxyType(values),
                         MappingProxyType({k: v for k, v in notes.items() if v}), cash)


# --------------------------------------------------------------------------- best values and baselines


def _rankable(row: RowSpec, value: Any) -> Decimal | None:
    if value is None:
        return None
    if row.order is not None:
        rank = row.order.get(value)
        return None if rank is None else Decimal(rank)
    if isinstance(value, bool) or isinstance(value, str):
        return None
    return Decimal(value)


def best_of(row: RowSpec, values: Mapping[int, Any]) -> tuple[int, ...]:
    """The ids whose value is best by the row's direction (ties all best); none for a row without one,
    when fewer than two options have a value to compare, or when they all have the same value."""
    if row.direction is Direction.NONE:
        return ()
    ranked = {oid: r for oid, v in values.items() if (r := _rankable(row, v)) is not None}
    if len(ranked) < 2:
        return ()
    target = (max if row.direction is Direction.HIGHER else min)(ranked.values())
    if all(r == target for r in ranked.values()):
        return ()  # all alike: none stands out
    return tuple(oid for oid, r in ranked.items() if r == target)


@dataclass(frozen=True, slots=True)
class Comparison:
    """A tender's options side by side (see the module's docstring)."""

    tender_id: int
    tender_name: str
    scenario: str  # "Base" or a scenario's name
    adjustments: str  # the scenario in words ("no change" for the options as they stand)
    options: tuple[OptionFigures, ...]
    months: tuple[str, ...] = ()  # month labels of the cumulative cash (from the first option's timeline)
    rows: tuple[RowSpec, ...] = ROWS
    best: Mapping[str, Any] = field(default_factory=dict)  # key → ids, or for a breakdown: name → ids
    partial: tuple[int, ...] = ()  # options that do not cover the whole requirement (see WHOLE_BID_GROUPS)

    def option(self, option_id: int) -> OptionFigures:
        return next(o for o in self.options if o.option_id == option_id)

    def breakdown_names(self, key_: str) -> list[str]:
        """Every service line (or member) any option has in a breakdown row, first seen first."""
        out: list[str] = []
        for o in self.options:
            for n in o.values.get(key_) or {}:
                if n not in out:
                    out.append(n)
        return out


def partial_cover(options: Iterable[OptionFigures]) -> tuple[int, ...]:
    """The options whose allocations cover less than the whole requirement (coverage below 100%)."""
    return tuple(o.option_id for o in options
                 if isinstance(cov := o.values.get("coverage_pct"), Decimal) and cov < 100)


def _best(options: tuple[OptionFigures, ...]) -> dict[str, Any]:
    partial = set(partial_cover(options))
    best: dict[str, Any] = {}
    for row in ROWS:
        among = [o for o in options if row.group not in WHOLE_BID_GROUPS or o.option_id not in partial]
        if row.breakdown:
            names: list[str] = []
            for o in options:
                names += [n for n in o.values.get(row.key) or {} if n not in names]
            best[row.key] = {n: best_of(row, {o.option_id: (o.values.get(row.key) or {}).get(n) for o in among})
                             for n in names}
        else:
            best[row.key] = best_of(row, {o.option_id: o.values.get(row.key) for o in among})
    return best


def differences(comparison: Comparison, baseline_id: int) -> dict[int, dict[str, Any]]:
    """Each option's numeric figures less the baseline's, by row (breakdowns by name); None where either
    side has no number. Text rows have no difference."""
    base = comparison.option(baseline_id)
    out: dict[int, dict[str, Any]] = {}

    def minus(a: Any, b: Any) -> Decimal | int | None:
        if a is None or b is None or isinstance(a, str) or isinstance(b, str):
            return None
        if isinstance(a, int) and isinstance(b, int):
            return a - b
        return Decimal(a) - Decimal(b)

    for o in comparison.options:
        diff: dict[str, Any] = {}
        for row in comparison.rows:
            if row.kind is ValueKind.TEXT:
                continue
            if row.breakdown:
                mine, theirs = o.values.get(row.key) or {}, base.values.get(row.key) or {}
                diff[row.key] = {n: minus(mine.get(n), theirs.get(n)) for n in comparison.breakdown_names(row.key)}
            else:
                diff[row.key] = minus(o.values.get(row.key), base.values.get(row.key))
        out[o.option_id] = diff
    return out


# --------------------------------------------------------------------------- running it


def scenario_by_name(ws: Workspace, name: str) -> Scenario:
    """The workspace's scenario called ``name`` (case and spacing ignored); ValueError naming the others."""
    for s in _scenarios.scenario_rows(ws):
        if key(s.name) == key(name):
            return s
    names = ", ".join(s.name for s in _scenarios.scenario_rows(ws)) or "none"
    raise ValueError(f"no scenario named {name!r} (there are: {names})")


def compare(ws: Workspace, tender_id: int, scenario: str | None = None, *, cancelled: CancelToken = NEVER,
            progress: Progress = no_progress,
            runner: Callable[..., Results] | None = None) -> Comparison:
    """The tender's options side by side, as stored or under the scenario named ``scenario``.

    Runs ``KEY_ANALYSES`` for each option (``runner`` replaces ``services.scenarios.run_scenario`` in
    tests); checks ``cancelled`` between options and reports progress as the fraction of options done.
    """
    from .scenarios import run_scenario

    tender = ws.get(Tender, tender_id)
    if tender is None:
        raise ValueError(f"no tender with id {tender_id}")
    adjustments = _scenarios.Adjustments()
    label = "Base"
    if scenario is not None:
        row = scenario_by_name(ws, scenario)
        adjustments, label = _scenarios.Adjustments.of(row), row.name
    go = runner or run_scenario
    options = ws.options(tender_id)
    figures: list[OptionFigures] = []
    months: tuple[str, ...] = ()
    for i, option in enumerate(options):
        cancelled.check()
        progress(i / max(1, len(options)), f"{option.name}")
        oid = stored_id(option)
        got: Any = _ahead.result(ws, ("option_figures", oid)) if scenario is None else AHEAD_MISSING
        if got is not AHEAD_MISSING:  # worked out ahead in a second process (``figures_job``)
            figures.append(got[0])
            months = months or got[1]
            continue
        results = go(ws, oid, adjustments, name=label, cancelled=cancelled)
        figures.append(option_figures(ws, oid, results))
        if not months and (pj := results.ok("projection")) is not None:
            months = tuple(f"{m.starts:%b %Y}" for m in pj.months)
    progress(1.0, "")
    done = tuple(figures)
    return Comparison(tender_id, tender.name, label, adjustments.describe(), done, months, ROWS, _best(done),
                      partial_cover(done))


def figures_job(ws: Workspace, option_id: int) -> _ahead.Job:
    """A job for ``services.ahead``: the option's figures as stored and its projection's months, which
    ``compare`` takes instead of running the option's analyses (small to send, unlike the analyses)."""

    def work() -> tuple[OptionFigures, tuple[str, ...]]:
        from .scenarios import run_scenario

        results = run_scenario(ws, option_id, _scenarios.Adjustments(), name="Base")
        pj = results.ok("projection")
        return option_figures(ws, option_id, results), tuple(f"{m.starts:%b %Y}" for m in pj.months) if pj else ()

    return ("option_figures", option_id), work


def comparison_json(comparison: Comparison, baseline_id: int | None = None) -> dict[str, Any]:
    """The comparison as ``compare --json`` prints it (stable snake_case keys; to_jsonable-ready)."""
    from .jsonout import to_jsonable

    names = {o.option_id: o.name for o in comparison.options}

    def who(ids: Any) -> Any:
        if isinstance(ids, Mapping):
            return {n: [names[i] for i in v] for n, v in ids.items()}
        return [names[i] for i in ids]

    diffs = differences(comparison, baseline_id) if baseline_id is not None else None
    out = {
        "tender": comparison.tender_name,
        "scenario": comparison.scenario,
        "adjustments": comparison.adjustments,
        "baseline": names.get(baseline_id) if baseline_id is not None else None,
        "rows": [{"key": r.key, "label": r.label, "group": r.group, "kind": r.kind.value,
                  "direction": r.direction.value, "breakdown": r.breakdown} for r in comparison.rows],
        "options": [{
            "option_id": o.option_id,
            "name": o.name,
            "rows": dict(o.values),
            "notes": dict(o.notes),
            **({"differences": diffs[o.option_id]} if diffs is not None else {}),
            "cumulative_cash": list(o.cumulative_cash),
        } for o in comparison.options],
        "months": list(comparison.months),
        "best": {k: who(v) for k, v in comparison.best.items()},
        "partial_cover": who(comparison.partial),
    }
    return to_jsonable(out)

