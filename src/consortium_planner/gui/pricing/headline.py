"""The Pricing tab's headline: year one's price against the budget and the ceiling, the bid's standing
against the competitors, and the findings of the price schedule in their own severity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ...domain.bid import BidEvaluation, ScorePoint
from ...domain.findings import Finding, Severity, by_severity
from ...domain.model import ConsortiumOption, Tender
from ...domain.money import format_decimal, format_gbp
from ...domain.money import format_gbp_short as short
from ...domain.pricing import PRICE_ABOVE_CEILING, BidScore, ContractYear, Evaluation, PriceSchedule
from ...domain.rates import RateTable
from ..style import (
    GREY,
    HEADLINE_FINDINGS_MOST,
    Card,
    NoticeArea,
    banner_style,
    finding_notice,
    italic_label,
    notice_table_html,
)
from ..style import esc as _e

# findings repeated year by year: the first is shown, then how many more (all in the tooltip)
GROUPED = {
    "over_ceiling": "and {n} more contract years over the ceiling: see Contract years",
    "over_budget": "and {n} more contract years over the budget: see Contract years",
    "ceiling_affordability": "and {n} more contract years above the ceiling: see Contract years",
}


@dataclass(frozen=True, slots=True)
class PricingResult:
    option_id: int
    option: ConsortiumOption | None
    tender: Tender | None
    schedule: PriceSchedule
    evaluation: BidEvaluation
    rates: RateTable
    #: the ``score_curve`` analysis, worked out when first asked for: only the Scores and Win chance sub-tabs
    #: draw it (every bid's score at 162 prices, half of the tab's computation on the demo)
    curve: Callable[[], tuple[ScorePoint, ...]]

    @property
    def score_curve(self) -> tuple[ScorePoint, ...]:
        return self.curve()


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def reasons_html(ev: BidEvaluation) -> str:
    """Why the bid is not evaluated, a sentence a line."""
    return "<br>".join(_e(_sentence(m)) for m in ev.messages) or "No evaluation."


def pct(fraction: Decimal | None, places: int = 2) -> str:
    """A probability (0..1) as a percentage."""
    return "not known" if fraction is None else f"{format_decimal(fraction * 100, places)}%"


def points(value: Decimal | None) -> str:
    return "fails" if value is None else format_decimal(value, 2)


class PricingHeadline(QWidget):
    """Year one's price against budget and ceiling, the bid's standing, and the guards' warnings."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.context = italic_label()
        layout.addWidget(self.context)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.cards: dict[str, Card] = {}
        specs = [
            ("price", "Year-one annual price", "The bid price for contract year one (Σ unit price × volume), against "
                                               "the tender's estimated annual value and its annual budget ceiling"),
            ("score", "Our score and rank", "Quality + social value + price points; under price per quality point, our price ÷ our "
                                              "quality score, the lowest winning (DOMAIN §3)"),
            ("win", "Win probability", "Monte Carlo over the competitors' prices and scores (±10% triangular)"),
            ("winning", "Highest price that still wins", "Quality and social value as expected, competitors as "
                                                         "assumed"),
            ("best", "Best price for expected contribution", "The price that maximises P(win) × (price − cost)"),
            ("quality", "Quality needed to win", "The lowest quality score that wins or ties at our price"),
        ]
        for i, (key, caption, tip) in enumerate(specs):
            card = Card(caption, tip, muted_caption=True)
            self.cards[key] = card
            grid.addWidget(card, i // 3, i % 3)
        for c in range(3):
            grid.setColumnStretch(c, 1)
        # in place of the score cards when the bid is not scored
        self.not_scored = QLabel()
        self.not_scored.setWordWrap(True)
        self.not_scored.setTextFormat(Qt.TextFormat.RichText)
        self.not_scored.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.not_scored.setStyleSheet(banner_style(GREY, "4px 8px"))
        grid.addWidget(self.not_scored, 0, 1, 1, 2)
        layout.addLayout(grid)
        # the findings at their own height up to HEADLINE_FINDINGS_MOST, then scrolling: a rich label's size
        # hint laid their table out at several trial widths on every result (3 ms of the demo's Pricing tab an edit)
        self.warnings = NoticeArea(HEADLINE_FINDINGS_MOST)
        self.warnings.setVisible(False)
        layout.addWidget(self.warnings)

    def cards_height(self, width: int) -> int:
        """The height the context line and the cards need at ``width`` (the findings below them may scroll)."""
        layout = self.layout()
        total = layout.heightForWidth(width) if layout.hasHeightForWidth() else self.sizeHint().height()
        if self.warnings.isVisibleTo(self):
            total -= self.warnings.sizeHint().height() + layout.spacing()
        return total + 2

    # ------------------------------------------------------------------ showing
    def show_result(self, r: PricingResult) -> None:
        s, ev = r.schedule, r.evaluation
        tender = r.tender
        y1 = s.years[0] if s.years else None
        term = f"term {tender.term_years} + {tender.extension_years} years" if tender else ""
        rates = s.buildup.rates.year.label
        self.context.setText(
            " · ".join(x for x in (
                "No tender" if tender is None else "",
                f"Price scored {tender.price_method.label.lower()}" if tender else "",
                f"weights: quality {format_decimal(tender.quality_weight, 0)}, price "
                f"{format_decimal(tender.price_weight, 0)}, social value {format_decimal(tender.social_value_weight, 0)}"
                if tender else "",
                term,
                f"{rates} rates",
            ) if x))

        # price against budget and ceiling
        if y1 is None:
            self.cards["price"].set("—", "No contract years to price.")
        else:
            self._show_price(s, y1)

        # the bid against the competitors
        scored = ev.evaluation is not None
        for key in ("score", "win", "winning", "best", "quality"):
            self.cards[key].setVisible(scored)
        if scored:
            self._show_scores(ev)
            self.not_scored.setVisible(False)
        else:
            self.not_scored.setText(f"<b>Not scored against competitors.</b> {reasons_html(ev)}")
            self.not_scored.setVisible(True)
        self._show_flags(s)

    def _show_price(self, s: PriceSchedule, y1: ContractYear) -> None:
        """Year one's price against the budget and the ceiling as the buyer applies it; a price for part of
        the volume is not set against the whole budget."""
        lines, tone = [], "good"
        if s.partial and s.covers_pct is not None:
            lines.append(f"⚠ Prices {format_decimal(s.covers_pct, 1)}% of the required volume: not comparable with "
                         f"the buyer's budget until the rest is allocated")
            tone = "caution"
        elif y1.budget is None or y1.headroom is None:
            lines.append("No budget (estimated annual value) given")
            tone = None
        elif y1.headroom < 0:
            lines.append(f"⚠ {short(-y1.headroom)} over the budget of {short(y1.budget)}")
            tone = "caution"
        else:
            lines.append(f"✓ {short(y1.headroom)} under the budget of {short(y1.budget)}")
        basis = s.price_evaluated.label.lower()
        if s.evaluated_ceiling is None or s.evaluated_price is None:
            lines.append("No budget ceiling set")
        elif s.over_evaluated_ceiling:
            lines.append(f"✗ The {basis} is {short(s.evaluated_price - s.evaluated_ceiling)} over the ceiling of "
                         f"{short(s.evaluated_ceiling)}: the bid would fail")
            tone = "bad"
        elif not s.partial:
            lines.append(f"✓ The {basis} is {short(s.evaluated_ceiling - s.evaluated_price)} under the ceiling of "
                         f"{short(s.evaluated_ceiling)}")
        later = sum(1 for y in s.years if y.ceiling_breach is Severity.WARNING)
        if later:
            lines.append(f"⚠ {later} year{'s' if later != 1 else ''} above the ceiling, fixed in cash: a question of "
                         "affordability for the buyer, not a failed bid")
            tone = "bad" if tone == "bad" else "caution"
        self.cards["price"].set(short(y1.annual_price), "\n".join(lines), tone)
        self.cards["price"].setToolTip(f"Year one: {format_gbp(y1.annual_price)} (Σ unit price × volume)")

    def _show_scores(self, ev: BidEvaluation) -> None:
        cards = self.cards
        e = ev.evaluation
        assert e is not None
        ours = e.ours
        n = len(e.bids)
        leader = e.bid(e.leader) if e.leader else None
        if e.per_point:
            self._show_per_point(e, leader, n)
        elif ours.total is None:
            why = ("Our price is above the ceiling" if ours.failure in (None, PRICE_ABOVE_CEILING)
                   else (ours.failure or "")[0].upper() + (ours.failure or "")[1:])
            cards["score"].set("Fails", f"{why}: the bid is not scored.", "bad")
        else:
            detail = ""
            if leader is not None and e.gap is not None:
                who = "Best competitor" if e.wins else "Leader"
                detail = (f"{who}: {leader.name}, {points(leader.total)} "
                          f"(gap {'+' if e.gap >= 0 else ''}{format_decimal(e.gap, 2)})")
            cards["score"].set(f"{points(ours.total)} · rank {ours.rank} of {n}", detail,
                               "good" if e.wins else None)
        w = ev.win
        if w is not None:
            cards["win"].set(pct(w.probability), f"± {pct(w.standard_error)} (standard error) · "
                                                  f"{w.draws:,} draws, seed {w.seed}",
                             "bad" if w.probability == 0 else None)
        wp = ev.winning_price
        if wp is not None:
            if wp.any_price:
                cards["winning"].set("Any price", "We win whatever we charge, on quality and social value.", "good")
            elif wp.cannot_win or wp.price is None:
                cards["winning"].set("None", "We cannot win even at a penny with these scores.", "bad")
            else:
                tone = "good" if ev.our_bid is not None and ev.our_bid.price <= wp.price else "caution"
                detail = f"A penny more and {wp.binding} overtakes us" if wp.binding else ""
                if ev.annual_cost is not None and wp.price < ev.annual_cost:
                    detail = (f"✗ Below the year-one cost of {short(ev.annual_cost)}: no price both wins and covers "
                              "cost. " + detail)
                    tone = "bad"
                cards["winning"].set(format_gbp(wp.price, pence=False), detail, tone)
        b = ev.best
        if b is not None:
            cards["best"].set(short(b.price), f"Win {pct(b.probability)}; expected contribution "
                                              f"{short(b.expected_contribution)} a year")
        q = ev.quality_needed
        if q is not None:
            expected = ev.our_bid.quality_score if ev.our_bid is not None else None
            we = f"We expect {format_decimal(expected, 1)}" if expected is not None else ""
            if q.quality_score is None:
                cards["quality"].set("Not reachable", f"No quality score wins at our price. {we}".strip(), "bad")
            else:
                tone = ("good" if expected is not None and expected >= q.quality_score
                        else "caution" if q.attainable else "bad")
                note = "" if q.attainable else "; more than the maximum"
                cards["quality"].set(f"{format_decimal(q.quality_score, 2)} of {format_decimal(q.quality_max, 0)}",
                                     f"{we}{note}", tone)

    def _show_per_point(self, e: Evaluation, leader: BidScore | None, n: int) -> None:
        """Price per quality point: our price ÷ quality score and rank; the leader's rate and the gap in £."""
        ours = e.ours
        if ours.price_per_point is None:
            why = (ours.failure or "the bid fails")
            why = why[0].upper() + why[1:]
            self.cards["score"].set("Fails", f"{why}: the bid is not evaluated.", "bad")
            return
        detail = ""
        if leader is not None and leader.price_per_point is not None and e.gap is not None:
            who = "Best competitor" if e.wins else "Leader"
            detail = (f"{who}: {leader.name}, {format_gbp(leader.price_per_point)} a point "
                      f"({'we are' if e.gap >= 0 else 'they are'} {format_gbp(abs(e.gap))} a point lower)")
        self.cards["score"].set(f"{format_gbp(ours.price_per_point)} a quality point · rank {ours.rank} of {n}",
                                detail, "good" if e.wins else None)

    def _show_flags(self, s: PriceSchedule) -> None:
        """The schedule's findings, most severe first, each in its own severity's tone and glyph."""
        flags = by_severity(s.flags)
        if not flags:
            self.warnings.setVisible(False)
            self.warnings.clear()
            return
        groups: dict[str, list[Finding]] = {}
        for f in flags:
            groups.setdefault(f.code if f.code in GROUPED else f"{f.code}:{f.message}", []).append(f)
        rows = []
        for same in groups.values():
            f = same[0]  # the worst of its group: the flags are most severe first
            more = f" <i>({_e(GROUPED[f.code].format(n=len(same) - 1))})</i>" if len(same) > 1 else ""
            rows.append(finding_notice(f, f"{_e(f.message)}{more}"))
        self.warnings.setToolTip("\n".join(f.message for f in flags))
        self.warnings.set_html(notice_table_html(rows))
        self.warnings.setVisible(True)

    def clear(self) -> None:
        for card in self.cards.values():
            card.set("—")
        self.context.clear()
        self.not_scored.setVisible(False)
        self.warnings.setVisible(False)



__all__ = ["PricingHeadline", "PricingResult", "pct", "points", "reasons_html"]
