"""Evaluation model (issue 18): the tender's pass/fail criteria as the option answers them, its minimum
quality score, and, when the buyer ranks or describes the criteria instead of weighting them, our bid at
every corner weighting that allows (``domain/evaluation_model.py``). The same blocks on the option's
Evaluation tab, in the case and on the workbook's Evaluation sheet."""

from __future__ import annotations

from decimal import Decimal

from ...domain.bid_rounds import BidRounds
from ...domain.evaluation_model import EvaluationModel
from ...domain.model import GateAnswer, Importance
from ...domain.money import format_decimal, format_gbp
from ...domain.quality_questions import QualityBreakdown
from ..document import Block, Column, Kind, Status, Table, cell
from .context import CaseContext, worst_first

__all__ = ["build_evaluation_model", "evaluation_model_blocks", "evaluation_model_tables", "has_evaluation_model",
           "questions_table", "rounds_table"]

_ANSWER_STATUS = {GateAnswer.MET: Status.GREEN, GateAnswer.NOT_MET: Status.RED, GateAnswer.UNKNOWN: Status.AMBER}


def has_evaluation_model(m: EvaluationModel | None) -> bool:
    """Whether there is anything beyond plain weights to show: criteria, a minimum, a ranking or a description."""
    return m is not None and bool(m.gates or m.quality_threshold_pct is not None or m.questions is not None
                                  or m.rounds is not None or m.importance is not Importance.WEIGHTS)


def _summary(m: EvaluationModel) -> str:
    parts = []
    if m.importance is Importance.WEIGHTS:
        parts.append(f"The buyer weights the criteria: quality/price/social value {m.entered.label}.")
    else:
        order = sorted(zip(m.ranks, ("quality", "price", "social value"), strict=True))
        ranked = " > ".join(name for _r, name in order) if len(set(m.ranks)) == 3 else ", ".join(
            f"{name} (rank {r})" for r, name in order)
        how = (f"The buyer ranks the criteria ({ranked}) without weights"
               if m.importance is Importance.RANKED else "The buyer describes the criteria's importance in words")
        if m.corners:
            lo, hi = m.our_range or (None, None)
            span = (f"; our {'quality score' if m.per_point else 'total'} ranges from {format_decimal(lo, 1)} to "
                    f"{format_decimal(hi, 1)}" if lo is not None and hi is not None else "")
            parts.append(f"{how}: the bid wins at {m.wins_at} of the {len(m.corners)} corner weightings that allows"
                         f"{span}. The scores elsewhere use the weights entered ({m.entered.label}).")
        else:
            parts.append(f"{how}; the bid cannot be scored at each weighting: {m.not_scored or 'not scored'}.")
    if m.quality_threshold_pct is not None:
        parts.append(f"A quality score below {format_decimal(m.quality_threshold_pct, 0)}% of the maximum is "
                     "disqualified.")
    q = m.questions
    if q is not None:
        scored = (f"they give a quality score of {format_decimal(q.derived, 1)} of {format_decimal(q.quality_max, 1)}"
                  if q.derived is not None else f"{len(q.unanswered)} have no expected score yet")
        parts.append(f"Quality is marked as {len(q.questions)} questions: {scored}; the win analysis uses the score "
                     f"entered on the option ({format_decimal(q.entered, 1)}).")
    r = m.rounds
    if r is not None:
        parts.append(_rounds_summary(r))
    if m.gates:
        met = sum(1 for g in m.gates if g.answer is GateAnswer.MET)
        parts.append(f"The option meets {met} of the tender's {len(m.gates)} pass/fail criteria"
                     + (f"; {len(m.gates_not_met)} not met" if m.gates_not_met else "")
                     + (f"; {len(m.gates_unknown)} not yet known" if m.gates_unknown else "") + ".")
    return " ".join(parts)


def _rounds_summary(r: BidRounds) -> str:
    if r.last is None or r.last.evaluation is None:
        return f"The procedure has {len(r.rounds)} bidding round{'s' if len(r.rounds) > 1 else ''}; none can be scored yet."
    ev = r.last.evaluation
    text = (f"After {len(r.rounds)} bidding round{'s' if len(r.rounds) > 1 else ''} the bid ranks "
            f"{ev.rank if ev.rank is not None else '—'} in ‘{r.last.name}’.")
    o = r.next_offer
    if o is not None:
        if o.any_price:
            text += " Against the rivals' bids in that round, any price wins the next offer."
        elif o.cannot_win:
            text += " Against the rivals' bids in that round, no price wins the next offer."
        elif o.price is not None:
            cost = (f" (the option's year-one cost is {format_gbp(r.year_one_cost, pence=False)})"
                    if r.year_one_cost is not None else "")
            text += (f" Against the rivals' bids in that round, the next offer wins at an annual price up to "
                     f"{format_gbp(o.price, pence=False)}{cost}.")
    return text


def rounds_table(r: BidRounds) -> Table:
    rows = []
    for x in r.rounds:
        ev = x.evaluation
        status = None if ev is None else (Status.GREEN if ev.wins else Status.RED)
        rows.append((cell(x.name), cell("yes" if x.best_and_final else ""),
                     cell(x.our_price, kind=Kind.MONEY),
                     cell(None if ev is None else ev.ours.total, status, kind=Kind.NUMBER, places=2),
                     cell(None if ev is None or ev.rank is None else Decimal(ev.rank), status, kind=Kind.NUMBER,
                          places=0),
                     cell("" if ev is None else (ev.leader or "")),
                     cell(None if ev is None or ev.per_point else ev.gap, kind=Kind.NUMBER, places=2),
                     cell(None if x.rank_change is None else Decimal(x.rank_change), kind=Kind.NUMBER, places=0),
                     cell(x.problem)))
    return Table("evaluation_rounds", (
        Column("Round"), Column("Best and final"), Column("Our annual price", Kind.MONEY),
        Column("Our total", Kind.NUMBER, 2), Column("Rank", Kind.NUMBER, 0), Column("Best rival"),
        Column("Margin", Kind.NUMBER, 2, note="Our total − the best rival's (positive: ahead)"),
        Column("Places gained", Kind.NUMBER, 0, note="Since the round before (negative: lost)"),
        Column("Not scored because")), tuple(rows),
        title="Bidding rounds: each round scored again under the tender's rules")


def questions_table(q: QualityBreakdown) -> Table:
    best = q.best_value
    rows = []
    for x in q.questions:
        status = Status.RED if x.below_minimum else (Status.GREY if x.expected is None else None)
        rows.append((cell(x.name), cell(x.weight_pct, kind=Kind.PERCENT, places=1),
                     cell(x.max_score, kind=Kind.NUMBER, places=1),
                     cell(x.minimum_score, kind=Kind.NUMBER, places=1),
                     cell(x.expected, status, kind=Kind.NUMBER, places=1),
                     cell(x.marks, status, kind=Kind.NUMBER, places=2),
                     cell(x.marks_available, kind=Kind.NUMBER, places=2),
                     cell(x.per_point, Status.GREEN if x is best else None, kind=Kind.NUMBER, places=2),
                     cell(x.plan)))
    total_marks = sum((x.marks for x in q.questions if x.marks is not None), Decimal(0))
    rows.append((cell("Total"), cell(q.weight_total, kind=Kind.PERCENT, places=1), cell(None), cell(None), cell(None),
                 cell(total_marks, kind=Kind.NUMBER, places=2), cell(q.quality_max, kind=Kind.NUMBER, places=2),
                 cell(None), cell("")))
    return Table("evaluation_questions", (
        Column("Question"), Column("Share of quality", Kind.PERCENT, 1), Column("Marked out of", Kind.NUMBER, 1),
        Column("Minimum", Kind.NUMBER, 1), Column("Expected score", Kind.NUMBER, 1),
        Column("Marks", Kind.NUMBER, 2, note="Of the option's quality maximum"),
        Column("Marks available", Kind.NUMBER, 2),
        Column("Marks for one more point", Kind.NUMBER, 2, note="Where the writing effort earns most"),
        Column("How we earn it")), tuple(rows),
        title="Quality by question: the expected scores and where one more point earns most",
        total_rows=1)


def evaluation_model_tables(m: EvaluationModel) -> list[Table]:
    tables: list[Table] = []
    if m.gates:
        tables.append(Table("evaluation_gates", (
            Column("Pass/fail criterion"), Column("What the buyer asks for"), Column("Answer"),
            Column("Evidence or plan")), tuple(
            (cell(g.gate), cell(g.asks), cell(g.answer.label, _ANSWER_STATUS[g.answer]), cell(g.evidence))
            for g in m.gates), title="Pass/fail criteria: one not met disqualifies the bid"))
    if m.questions is not None:
        tables.append(questions_table(m.questions))
    if m.rounds is not None:
        tables.append(rounds_table(m.rounds))
    if m.corners:
        figure = "Quality score" if m.per_point else "Our total"
        rows = []
        for c in m.corners:
            status = Status.GREEN if c.wins else Status.RED
            rows.append((cell(c.weighting.quality, kind=Kind.NUMBER, places=1),
                         cell(c.weighting.price, kind=Kind.NUMBER, places=1),
                         cell(c.weighting.social_value, kind=Kind.NUMBER, places=1),
                         cell(c.our_total, status, kind=Kind.NUMBER, places=2),
                         cell(None if c.rank is None else Decimal(c.rank), status, kind=Kind.NUMBER, places=0),
                         cell(c.leader or ""),
                         cell(c.margin, kind=Kind.NUMBER, places=2) if c.margin is not None else cell(None),
                         cell("wins" if c.wins else "loses", status)))
        note = ("Every weighting the buyer may use is a blend of these corners, and our total is a blend of the "
                "corners' totals, so its range is the corners' range. The worst margin is at a corner too: the bid "
                "wins under every allowed weighting exactly when it wins at every corner.")
        tables.append(Table("evaluation_corners", (
            Column("Quality weight", Kind.NUMBER, 1), Column("Price weight", Kind.NUMBER, 1),
            Column("Social value weight", Kind.NUMBER, 1),
            Column(figure, Kind.NUMBER), Column("Rank", Kind.NUMBER, 0), Column("Best rival"),
            Column("Margin", Kind.NUMBER, note="Our total − the best rival's (positive: ahead)"),
            Column("Result")), tuple(rows),
            title=("Our bid at each corner weighting the ranking allows" if m.importance is Importance.RANKED
                   else "Our bid at each criterion alone (importance described in words)"), note=note,
            highlight_rows=tuple(i for i, c in enumerate(m.corners) if c is m.worst)))
    return tables


def evaluation_model_blocks(m: EvaluationModel) -> list[Block]:
    return [*worst_first(m.findings, _summary(m)), *evaluation_model_tables(m)]


def build_evaluation_model(ctx: CaseContext) -> list[Block] | None:
    m: EvaluationModel | None = ctx.result("evaluation_model")
    if not has_evaluation_model(m):
        return None
    assert m is not None
    return evaluation_model_blocks(m)

