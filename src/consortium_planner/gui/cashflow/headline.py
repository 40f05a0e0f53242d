"""The Cash flow tab's headline: the key figures of funding and returns, and the analysis's findings,
each shown in its own severity (``Finding.severity`` through ``reports.document.status_of``)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from ...domain.findings import Finding, by_severity
from ...domain.model import FundingKind
from ...domain.money import ZERO, format_decimal, format_gbp
from ...domain.money import format_gbp_short as short
from ...domain.projection.after_service import after_service
from ..style import HEADLINE_FINDINGS_MOST, Card, NoticeArea, esc, finding_notice, notice_table_html
from .result import CashFlowResult
from .rows import long_month, month, pct, ratio, sentence


class CashFlowHeadline(QWidget):
    """The key figures of funding and returns, and the analysis's warnings."""

    SPECS = (
        ("requirement", "Funding requirement", "The lowest point of the cumulative cash before funding, plus a cash "
                                               "buffer of months of payroll, plus contingency on both (DOMAIN §6)"),
        ("sources", "Funding arranged", "Equity, grants, loans and overdraft facilities entered on the option's "
                                        "Funding tab, against the requirement"),
        ("lowest", "Lowest cash balance", "The lowest month-end bank balance after funding"),
        ("dscr", "Debt service cover (lowest)", "CFADS ÷ (interest + loan principal) by period, against the lender's "
                                                "minimum on the option's Details"),
        ("npv", "Net present value", "The project's cash flows before funding, after tax on the operating profit, "
                                     "discounted monthly to the start of mobilisation"),
        ("irr", "Internal rate of return", "The annual rate at which the NPV of those cash flows is zero"),
        ("payback", "Payback", "The first month in which the cumulative cash before funding is back to zero or above"),
        ("break_even", "Break-even", "Over the whole projection, before funding and tax"),
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        grid = QGridLayout()
        grid.setSpacing(4)
        self.cards: dict[str, Card] = {}
        for i, (key, caption, tip) in enumerate(self.SPECS):
            card = Card(caption, tip)
            self.cards[key] = card
            grid.addWidget(card, i // 4, i % 4)
        for c in range(4):
            grid.setColumnStretch(c, 1)
        layout.addLayout(grid)
        self.warnings = NoticeArea(HEADLINE_FINDINGS_MOST)  # not a rich label: see NoticeArea
        self.warnings.setVisible(False)
        layout.addWidget(self.warnings)

    def show_result(self, r: CashFlowResult) -> None:
        p, f, ret = r.capital.projection, r.capital.funding, r.capital.returns
        c = self.cards

        # the requirement: peak need + buffer + contingency
        peak = (f"peak need {short(f.peak_deficit)} ({month(f.peak_deficit_date)})" if f.peak_deficit_month
                is not None else "no deficit")
        c["requirement"].set(
            short(f.requirement),
            f"{sentence(peak)} + buffer {short(f.buffer)} + contingency {short(f.contingency)}")
        c["requirement"].setToolTip(
            f"Peak need: the lowest cumulative cash before funding, {format_gbp(-f.peak_deficit)}"
            f"{' in ' + long_month(f.peak_deficit_date) if f.peak_deficit_date else ''}.\n"
            f"Buffer: {format_decimal(f.buffer_months, 1)} months of year one's payroll at full volume "
            f"({format_gbp(f.monthly_payroll)} a month) = {format_gbp(f.buffer)}.\n"
            f"Contingency: {format_decimal(f.contingency_pct, 1)}% of both = {format_gbp(f.contingency)}.\n"
            f"Requirement: {format_gbp(f.requirement)}.")

        # what is arranged against it
        kinds = [(FundingKind.MEMBER_EQUITY, "equity", f.equity), (FundingKind.GRANT, "grants", f.grants),
                 (FundingKind.LOAN, "loans", f.loans), (FundingKind.OVERDRAFT, "overdraft", f.overdrafts)]
        parts = "\n".join(f"{sentence(name)}: {format_gbp(amount)}" for _k, name, amount in kinds if amount)
        if f.shortfall > 0:
            detail = f"✗ Short by {short(f.shortfall)}: arrange more equity, a grant or a loan"
            tone = "bad"
        elif not f.covered:
            detail = (f"✗ Enough in total, but cash falls to {short(f.lowest_balance)} in "
                      f"{month(f.lowest_balance_date)}: why, and the cure, below")
            tone = "bad"
        elif f.dscr_ok is False:
            detail = "✗ Enough, but the debt service is not affordable: the cure below"
            tone = "bad"
        else:
            detail = f"✓ {short(f.total_sources - f.requirement)} more than the requirement"
            tone = "good"
        if not f.sources:
            detail += ". No funding sources entered"
        c["sources"].set(short(f.total_sources), detail, tone)
        c["sources"].setToolTip(f"Funding arranged on the option's Funding tab (for an overdraft, the facility):\n"
                                f"{parts or 'none'}\nRequirement: {format_gbp(f.requirement)}")

        # the lowest balance after funding
        overdraft = max((s.peak_drawn for s in f.sources if s.kind is FundingKind.OVERDRAFT), default=ZERO)
        detail = f"{long_month(f.lowest_balance_date)} (month {f.lowest_balance_month}), after funding"
        if overdraft > 0:
            detail += f"; overdraft drawn up to {short(overdraft)}"
        c["lowest"].set(short(f.lowest_balance), detail, "bad" if f.lowest_balance < 0 else "good")

        # debt service cover
        if f.lowest_dscr is None:
            c["dscr"].set("No debt service", f"No loan or overdraft to service; the minimum is "
                                             f"{ratio(f.min_dscr)}×")
        else:
            worst = [d.label for d in f.dscr if d.tested and d.dscr == f.lowest_dscr]
            verdict = "✓ Meets" if f.dscr_ok else "✗ Below"
            c["dscr"].set(f"{ratio(f.lowest_dscr)}×",
                          f"{verdict} the lender's minimum of {ratio(f.min_dscr)}× ({', '.join(worst)})",
                          "good" if f.dscr_ok else "bad")

        # returns: said to rely on cash after the service when they do
        after = after_service(p, ret)
        npv_detail = f"Undiscounted: {short(ret.total_cash_flow)}"
        npv_tone = "good" if ret.npv > 0 else "bad" if ret.npv < 0 else None
        if after.npv_relies_on_it:
            npv_detail = (f"⚠ Positive only with {short(after.run_off_cash)} after the service ends; "
                          f"{short(after.npv_to_service_end)} without it")
            npv_tone = "caution"
        c["npv"].set(short(ret.npv), npv_detail, npv_tone, caption=f"NPV at {pct(ret.discount_rate_pct)}")
        c["npv"].setToolTip(f"Net present value at {pct(ret.discount_rate_pct)} a year (the option's discount rate), "
                            f"at the start of mobilisation ({long_month(p.mobilisation_start)}).\n{ret.basis}")
        if ret.irr_pct is None:
            c["irr"].set("No IRR", sentence(ret.irr_note) + ". Read the NPV instead.", "caution")
        else:
            above = ret.irr_pct > ret.discount_rate_pct
            detail = ("✓ Above" if above else "✗ Not above") + f" the discount rate of {pct(ret.discount_rate_pct)}"
            if ret.multiple_irr:
                detail += f"; also {', '.join(pct(x) for x in ret.other_irr_pct)} (see the note below)"
            tone = "good" if ret.irr_pct > ret.discount_rate_pct else "bad"
            if after.irr_relies_on_it:
                detail += "; only with the cash after the service ends"
                tone = "caution"
            c["irr"].set(pct(ret.irr_pct), detail, tone)
        if ret.payback_month is None:
            c["payback"].set("Not within the projection", "The cumulative cash never gets back to zero", "bad")
        else:
            detail = f"Month {ret.payback_month}"
            if ret.payback_date is not None and ret.payback_date > p.service_end:
                detail += ", after the service ends, as the last invoices are paid"
            elif ret.payback_service_months:
                detail += f", after {ret.payback_service_months} months of service"
            disc = (month(ret.discounted_payback_date) if ret.discounted_payback_month is not None
                    else "not within the projection")
            c["payback"].set(month(ret.payback_date), f"{detail}. Discounted: {disc}")
        if ret.break_even_volume_pct is None:
            c["break_even"].set("None", "Income never covers the volume-driven costs", "bad")
        else:
            c["break_even"].set(f"{pct(ret.break_even_volume_pct)} of volume",
                                f"or {pct(ret.break_even_price_pct)} of the bid prices")
            c["break_even"].setToolTip(
                f"Profit before funding and tax over the projection is zero at {pct(ret.break_even_volume_pct)} of "
                f"the planned volume (fixed costs ÷ contribution), or at {pct(ret.break_even_price_pct)} of the bid "
                "prices (all costs ÷ income)")
        self._show_flags(p.flags + f.flags + ret.flags)

    def _show_flags(self, flags: Sequence[Finding]) -> None:
        """The findings, most severe first, each in its own severity's tone and glyph."""
        flags = by_severity(flags)
        if not flags:
            self.warnings.clear()
            self.warnings.setVisible(False)
            return
        self.warnings.set_html(notice_table_html(
            finding_notice(x, esc(x.message) + (f"<br><i>Would cure it: {esc(x.cure)}</i>" if x.cure else ""))
            for x in flags))
        self.warnings.setToolTip("\n".join(x.message for x in flags))
        self.warnings.setVisible(True)

    def clear(self) -> None:
        for card in self.cards.values():
            card.set("—")
        self.warnings.clear()
        self.warnings.setVisible(False)


__all__ = ["CashFlowHeadline"]
