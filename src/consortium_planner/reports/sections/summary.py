"""The executive summary: the verdict first, then the user's summary, an overview, the key figures, the ask
and the top risks.

It never calls a figure fine that another part of the case marks as failing: each sentence and key figure
reads the same results and findings the other sections show (``domain/`` decides every severity, the
verdict folds them), and every serious or blocking finding the case reports is named here, by its
message or in a line that counts it (``tests/reports/test_summary.py`` checks both on the demo and on
generated workspaces).
"""

from __future__ import annotations

from decimal import Decimal

from ...domain import bid as _bid
from ...domain import capacity as _capacity
from ...domain import pricing as _pricing
from ...domain import standing as _standing
from ...domain.findings import Finding, Severity, worst
from ...domain.model import PriceBasis, Structure
from ...domain.money import HUNDRED, format_decimal
from ...domain.verdict import Decision, Verdict
from ..document import (
    Block,
    Bullets,
    Cell,
    Column,
    Heading,
    KeyFigure,
    KeyFigures,
    Kind,
    Paragraph,
    Status,
    Table,
    format_value,
    money_text,
    status_of,
    verdict_status,
)
from .capacity import recruitment_parts
from .cash import funding_ask, funding_key_figures
from .context import CaseContext, article, paragraphs
from .standing import RISK_STATUS

__all__ = ["TOP_RISKS_OF_A_KIND", "build_summary", "key_figures", "overview", "top_risks", "verdict_table"]

MAX_KEY_FIGURES = 8  # two full rows of four
TOP_RISKS_OF_A_KIND = 3  # serious or blocking findings of one kind named before the rest are counted

#: what the buyer evaluates, in a sentence
BASIS_WORDS = {PriceBasis.YEAR_ONE: "year-one annual price", PriceBasis.AVERAGE_ANNUAL: "average annual price",
               PriceBasis.WHOLE_TERM: "whole-term price"}


# --------------------------------------------------------------------------- the verdict


def verdict_table(ctx: CaseContext) -> list[Block]:
    """The verdict as the first thing a reader sees: the decision in its colour, what stops the bid (each
    blocking finding with its figures) and what would change it or must be met (each cure)."""
    v: Verdict | None = ctx.result("verdict")
    if v is None:
        refusal = ctx.results.refusal("verdict")
        reason = refusal.reason if refusal is not None else "the analyses it needs did not run"
        return [Paragraph(f"No verdict could be reached: {reason}. Every finding the analyses could make is "
                          "listed under Risks.", "lead")]
    title = {Decision.DO_NOT_BID: "What stops the bid, and what would change it",
             Decision.BID_WITH_CONDITIONS: "Conditions to meet before the bid goes in",
             Decision.BID: "Why"}[v.decision]
    rows: list[tuple[Cell, ...]] = [(Cell(v.label, verdict_status(v.decision), bold=True), Cell(""),
                                     Cell(v.reason, bold=True))]
    rows += [(Cell("Blocking", status_of(b.severity)), Cell(b.area), Cell(b.text)) for b in v.blocking]
    label = "Would change it" if v.decision is Decision.DO_NOT_BID else "Condition"
    rows += [(Cell(label, status_of(c.severity)), Cell(c.area), Cell(c.text)) for c in v.conditions]
    return [Table("verdict", (Column("Decision"), Column("Area"), Column(title)), tuple(rows),
                  title="Verdict", first_column_width=Decimal("0.2"),
                  note="Do not bid while any finding blocks the bid; bid with conditions while serious findings "
                       "stand, each with its cure; otherwise bid. Warnings do not change the verdict: they are "
                       "listed under Risks.")]


# --------------------------------------------------------------------------- top risks


def _groups(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        out.setdefault((f.area, f.code), []).append(f)
    return out


def top_risks(findings: list[Finding]) -> list[str]:
    """Every serious and blocking finding, most severe first: up to ``TOP_RISKS_OF_A_KIND`` of a kind by their
    messages, the rest of that kind counted in one line; then how many warnings the Risks section lists."""
    red = [f for f in findings if f.severity.red]
    lines: list[str] = []
    groups = _groups(red)
    for (area, _code), same in sorted(groups.items(), key=lambda kv: -max(f.severity.rank for f in kv[1])):
        lines.extend(f"{f.severity.label.capitalize()} ({area.lower()}): {f.message}" for f in same[:TOP_RISKS_OF_A_KIND])
        rest = same[TOP_RISKS_OF_A_KIND:]
        if rest:
            lines.append(f"… and {len(rest)} more like these ({area}): the Risks section lists every one.")
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    if warnings:
        lines.append(f"{warnings} warning{'s' if warnings != 1 else ''} to check {'are' if warnings != 1 else 'is'} "
                     "listed under Risks.")
    return lines


# --------------------------------------------------------------------------- key figures


def _codes(ctx: CaseContext, *codes: str) -> list[Finding]:
    return [f for f in ctx.findings if f.code in codes]


def price_status(ctx: CaseContext, prices: _pricing.PriceSchedule) -> Status | None:
    """The colour of the evaluated price: the worst finding about it (over the ceiling, no price that both
    wins and covers cost, later years over a fixed ceiling, over the estimate); green only when the price
    covers the whole volume and nothing is found; none when it covers only part (it cannot be compared)."""
    found = _codes(ctx, "over_ceiling", "no_winning_price_covers_cost", "ceiling_affordability", "over_budget")
    severity = worst(found)
    if severity is not None:
        return status_of(severity)
    return None if prices.partial else Status.GREEN


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
        blocked = _codes(ctx, "no_winning_price_covers_cost")
        wp = evaluation.winning_price if evaluation is not None else None
        if prices.partial and prices.covers_pct is not None:
            note = f"prices {format_value(prices.covers_pct, Kind.PERCENT, 1)} of the volume only"
        elif blocked and wp is not None and wp.price is not None and evaluation is not None:
            note = f"wins only at {money_text(wp.price)} or less; cost {money_text(evaluation.annual_cost)}"
        elif year_one.ceiling is not None:
            note = f"ceiling {money_text(year_one.ceiling)}"
        elif year_one.budget is not None:
            note = f"budget {money_text(year_one.budget)}"
        else:
            note = ""
        items.append(KeyFigure("Annual price (year one)", year_one.annual_price, Kind.MONEY,
                               status=price_status(ctx, prices), note=note))
        term = sum(1 for y in prices.years if not y.is_extension)
        items.append(KeyFigure(f"Contract price ({term} years)", prices.term_price, Kind.MONEY,
                               note=f"{money_text(prices.total_price)} with extensions"
                               if prices.total_price != prices.term_price else ""))
    if coverage is not None:
        gaps = _codes(ctx, "capacity_gap")
        status = (status_of(worst(gaps) or Severity.SERIOUS) if coverage.n_gap
                  else Status.AMBER if coverage.n_thin else Status.GREEN)
        items.append(KeyFigure("Required volume covered", coverage.covered_pct, Kind.PERCENT, status=status,
                               note=f"{coverage.n_gap} gaps, {coverage.n_thin} thin"))
    if standing is not None:
        fails = [f for f in ctx.findings if f.code.startswith("standing_fail_")]
        status = status_of(worst(fails) or Severity.SERIOUS) if fails else RISK_STATUS[standing.risk]
        items.append(KeyFigure("Financial standing risk", standing.risk.label, status=status,
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
        new_posts, turnover = recruitment_parts(workforce)
        items.append(KeyFigure("Staff (FTE)", workforce.total_fte, Kind.NUMBER,
                               note=f"{format_decimal(workforce.total_tupe_fte)} by TUPE; "
                                    f"{format_decimal(workforce.total_recruitment_fte)} to recruit in year one "
                                    f"({format_decimal(new_posts)} new posts, {format_decimal(turnover)} "
                                    "replacing turnover)"))
    return KeyFigures(tuple(items))


# --------------------------------------------------------------------------- the overview


def _price_sentence(ctx: CaseContext, prices: _pricing.PriceSchedule) -> str:
    year_one = prices.years[0]
    basis = BASIS_WORDS[prices.price_evaluated]
    evaluated = prices.evaluated_price if prices.evaluated_price is not None else year_one.annual_price
    sentence = f"The {basis}, which the buyer evaluates, is {money_text(evaluated)}"
    if prices.partial and prices.covers_pct is not None:
        return (sentence + f"; it prices only {format_value(prices.covers_pct, Kind.PERCENT, 1)} of the required "
                "volume, so it cannot be set against the buyer's budget until the rest is allocated.")
    if year_one.budget is not None:
        sentence += f", against the buyer's estimate of {money_text(year_one.budget)} a year"
    if prices.evaluated_ceiling is not None:
        sentence += f" and a ceiling of {money_text(prices.evaluated_ceiling)} on the same basis"
    if prices.over_evaluated_ceiling:
        return sentence + ": it is above the ceiling, so as priced the bid would fail."
    later = _codes(ctx, "ceiling_affordability")
    if prices.evaluated_ceiling is not None:
        sentence += ": within the ceiling on the price the buyer evaluates"
        if later:
            sentence += (f", but {len(later)} later year{'s' if len(later) != 1 else ''} rise above the ceiling, "
                         "which is fixed in cash: a question of affordability for the buyer")
    elif year_one.over_budget:
        sentence += ": above the estimate"
    return sentence + "."


def _win_sentence(evaluation: _bid.BidEvaluation, blocked: list[Finding]) -> str:
    if blocked:
        return "Against the competitors assumed, " + blocked[0].message[0].lower() + blocked[0].message[1:]
    if evaluation.win is None or evaluation.evaluation is None:
        return ""
    sentence = (f"Against the competitors assumed, the bid ranks {evaluation.evaluation.rank} of "
                f"{len(evaluation.evaluation.bids)} with a modelled win probability of "
                f"{format_value(evaluation.win.probability * HUNDRED, Kind.PERCENT)}")
    if evaluation.best is not None:
        sentence += (f"; the price that maximises expected contribution is {money_text(evaluation.best.price)} "
                     f"({format_value(evaluation.best.probability * HUNDRED, Kind.PERCENT)} to win)")
    return sentence + "."


def _standing_sentence(standing: _standing.StandingResult, fails: list[Finding]) -> str:
    tested = " and ".join(t.name for t in standing.tested) or "the bidder"
    n = len(standing.fails)
    if not n:
        return (f"Financial standing: {tested} passes every test the buyer sets or the program applies "
                f"(overall risk {standing.risk.label.lower()}).")
    labels = ", ".join(f.result.label for f in standing.fails)
    severity = worst(fails)
    cure = ("; not every fail has a cure in reach" if severity is Severity.BLOCKING
            else "; each can be cured (see the conditions above)")
    return f"Financial standing: {tested} fails {n} test{'s' if n != 1 else ''} ({labels}){cure}."


def overview(ctx: CaseContext) -> str:
    """A few sentences: who bids, the evaluated price against the ceiling, winning, coverage and standing;
    each as the findings have it."""
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
        parts.append(_price_sentence(ctx, prices))
    evaluation: _bid.BidEvaluation | None = ctx.result("evaluation")
    if evaluation is not None:
        sentence = _win_sentence(evaluation, _codes(ctx, "below_quality_minimum", "no_winning_price_covers_cost"))
        if sentence:
            parts.append(sentence)
    coverage: _capacity.CoverageResult | None = ctx.result("coverage")
    if coverage is not None and coverage.covered_pct is not None:
        parts.append(f"The members cover {format_value(coverage.covered_pct, Kind.PERCENT)} of the required volume "
                     f"({coverage.n_gap} requirement{'s' if coverage.n_gap != 1 else ''} with a gap, "
                     f"{coverage.n_thin} thin).")
    standing: _standing.StandingResult | None = ctx.result("standing")
    if standing is not None:
        parts.append(_standing_sentence(standing, [f for f in ctx.findings if f.code.startswith("standing_fail_")]))
    return " ".join(parts)


# --------------------------------------------------------------------------- the section


def build_summary(ctx: CaseContext) -> list[Block]:
    """The verdict, the user's own summary, the ask, the top risks, then the overview and the key figures."""
    blocks: list[Block] = list(verdict_table(ctx))
    blocks.extend(paragraphs(ctx.text("executive_summary")))
    ask = ctx.text("the_ask")
    funding_line = funding_ask(ctx)
    if ask or funding_line:
        blocks.append(Heading("The ask"))
        blocks.extend(paragraphs(ask))
        if funding_line:
            blocks.append(Paragraph(funding_line))
    v: Verdict | None = ctx.result("verdict")
    named = {b.text for b in v.blocking} if v is not None else set()
    risks = top_risks([f for f in ctx.findings if f.message not in named])
    if risks:
        blocks.append(Heading("Top risks"))
        if named:
            risks.insert(0, f"The blocking finding{'s' if len(named) != 1 else ''} in the verdict above.")
        blocks.append(Bullets(tuple(risks)))
    blocks.append(Heading("The option in brief"))
    blocks.append(Paragraph(overview(ctx)))
    figures = key_figures(ctx)
    if figures.items:
        blocks.append(figures)
    return blocks
