"""The executive summary: the user's summary, an overview sentence per analysis, key figures and the ask.

The key figures' colours come from the results (a price over the ceiling is red); they agree with
the findings' severities (``domain/pricing.py`` and ``domain/projection.py`` decide those).
"""

from __future__ import annotations

from ...domain import bid as _bid
from ...domain import capacity as _capacity
from ...domain import pricing as _pricing
from ...domain import standing as _standing
from ...domain.model import Structure
from ...domain.money import HUNDRED, format_decimal, format_gbp
from ..document import Block, Heading, KeyFigure, KeyFigures, Kind, Paragraph, Status, format_value
from .cash import funding_ask, funding_key_figures
from .context import CaseContext, article, paragraphs
from .pricing import year_status
from .standing import RISK_STATUS

__all__ = ["build_summary", "key_figures", "overview"]

MAX_KEY_FIGURES = 8  # two full rows of four


def key_figures(ctx: CaseContext) -> KeyFigures:
    """The headline figures of every analysis that ran, each with its status and a short note."""
    prices: _pricing.PriceSchedule | None = ctx.result("prices")
    coverage: _capacity.CoverageResult | None = ctx.result("coverage")
    standing: _standing.StandingResult | None = ctx.result("standing")
    evaluation: _bid.BidEvaluation | None = ctx.result("evaluation")
    workforce: _capacity.WorkforceResult | None = ctx.result("workforce")
    items: list[KeyFigure] = []
    if prices is not None and prices.years:
        year_one = prices.years[0]
        note = ""
        if year_one.ceiling is not None:
            note = f"ceiling {format_gbp(year_one.ceiling)}"
        elif year_one.budget is not None:
            note = f"budget {format_gbp(year_one.budget)}"
        items.append(KeyFigure("Annual price (year one)", year_one.annual_price, Kind.MONEY,
                               status=year_status(year_one) or Status.GREEN, note=note))
        term = sum(1 for y in prices.years if not y.is_extension)
        items.append(KeyFigure(f"Contract price ({term} years)", prices.term_price, Kind.MONEY,
                               note=f"{format_gbp(prices.total_price)} with extensions"
                               if prices.total_price != prices.term_price else ""))
    if coverage is not None:
        status = (Status.RED if coverage.n_gap else Status.AMBER if coverage.n_thin else Status.GREEN)
        items.append(KeyFigure("Required volume covered", coverage.covered_pct, Kind.PERCENT, status=status,
                               note=f"{coverage.n_gap} gaps, {coverage.n_thin} thin"))
    if standing is not None:
        items.append(KeyFigure("Financial standing risk", standing.risk.label, status=RISK_STATUS[standing.risk],
                               note=f"{len(standing.fails)} test{'s' if len(standing.fails) != 1 else ''} failed"))
    if evaluation is not None and evaluation.win is not None:
        rank = ""
        if evaluation.evaluation is not None and evaluation.evaluation.rank is not None:
            rank = f"ranked {evaluation.evaluation.rank} of {len(evaluation.evaluation.bids)} at this price"
        items.append(KeyFigure("Win probability", evaluation.win.probability * HUNDRED, Kind.PERCENT, note=rank))
    if evaluation is not None and evaluation.best is not None:
        items.append(KeyFigure("Best price for expected contribution", evaluation.best.price, Kind.MONEY,
                               note="win probability "
                                    f"{format_value(evaluation.best.probability * HUNDRED, Kind.PERCENT)}"))
    items.extend(funding_key_figures(ctx))
    if workforce is not None and len(items) < MAX_KEY_FIGURES:
        items.append(KeyFigure("Staff (FTE)", workforce.total_fte, Kind.NUMBER,
                               note=f"{format_decimal(workforce.total_tupe_fte)} by TUPE, "
                                    f"{format_decimal(workforce.total_recruitment_fte)} to recruit"))
    return KeyFigures(tuple(items))


def overview(ctx: CaseContext) -> str:
    """A few sentences: who bids, the price against the budget, coverage, standing and the odds."""
    option, tender = ctx.option, ctx.tender
    parts: list[str] = []
    n = len(ctx.members)
    target = (f" for {tender.name}" + (f" ({tender.buyer})" if tender.buyer else "")) if tender is not None else ""
    if option.structure is Structure.GO_ALONE or n == 1:
        alone = ctx.lead_name or (ctx.member_name(ctx.members[0].id) if ctx.members else "The lead")
        who = f"Under this option, {alone} bids alone{target}"
    else:
        who = f"Under this option, {n} members bid together as {article(option.structure.label)}{target}"
        if ctx.lead_name and option.structure in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM):
            who += f", led by {ctx.lead_name}"
    parts.append(who + ".")
    prices: _pricing.PriceSchedule | None = ctx.result("prices")
    if prices is not None and prices.years:
        year_one = prices.years[0]
        sentence = f"The year-one price is {format_gbp(year_one.annual_price)}"
        if year_one.budget is not None:
            sentence += f" against the buyer's estimate of {format_gbp(year_one.budget)}"
        if year_one.ceiling is not None:
            sentence += f" and a ceiling of {format_gbp(year_one.ceiling)}"
        sentence += "; " + ("it is above the ceiling, so as priced the bid would fail" if year_one.over_ceiling else
                     "it is above the estimate but within the ceiling" if year_one.over_budget else
                     "it is within the budget")
        parts.append(sentence + ".")
    coverage: _capacity.CoverageResult | None = ctx.result("coverage")
    if coverage is not None and coverage.covered_pct is not None:
        parts.append(f"The members cover {format_value(coverage.covered_pct, Kind.PERCENT)} of the required volume "
                     f"({coverage.n_gap} requirement{'s' if coverage.n_gap != 1 else ''} with a gap, "
                     f"{coverage.n_thin} thin).")
    standing: _standing.StandingResult | None = ctx.result("standing")
    if standing is not None:
        parts.append(f"Financial standing: {standing.risk_explanation}")
    evaluation: _bid.BidEvaluation | None = ctx.result("evaluation")
    if evaluation is not None and evaluation.win is not None and evaluation.evaluation is not None:
        sentence = (f"Against the competitors assumed, the bid ranks {evaluation.evaluation.rank} of "
             f"{len(evaluation.evaluation.bids)} with a modelled win probability of "
             f"{format_value(evaluation.win.probability * HUNDRED, Kind.PERCENT)}")
        if evaluation.best is not None:
            sentence += (f"; the price that maximises expected contribution is {format_gbp(evaluation.best.price)} "
                  f"({format_value(evaluation.best.probability * HUNDRED, Kind.PERCENT)} to win)")
        parts.append(sentence + ".")
    return " ".join(parts)


def build_summary(ctx: CaseContext) -> list[Block]:
    blocks: list[Block] = []
    blocks.extend(paragraphs(ctx.text("executive_summary")))
    blocks.append(Paragraph(overview(ctx), "lead" if not ctx.text("executive_summary") else "body"))
    figures = key_figures(ctx)
    if figures.items:
        blocks.append(figures)
    ask = ctx.text("the_ask")
    funding_line = funding_ask(ctx)
    if ask or funding_line:
        blocks.append(Heading("The ask"))
        blocks.extend(paragraphs(ask))
        if funding_line:
            blocks.append(Paragraph(funding_line))
    return blocks
