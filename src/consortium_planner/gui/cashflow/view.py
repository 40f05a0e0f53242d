"""``CashFlowView``: the Cash flow tab of a consortium option."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QTabWidget, QVBoxLayout, QWidget

from ...domain.tasks import NEVER, CancelToken
from ..analysis_view import OptionAnalysisView
from ..document_model import DocumentTableModel
from ..lazy_tabs import LazyTabs
from ..style import esc as _e
from ..style import fit_headline, headline_scroll, italic_label, two_pane
from .chart import CashFlowChart
from .headline import CashFlowHeadline
from .panels import FundingPanel, MembersPanel, PeriodTablePanel
from .result import CashFlowResult, compute_cash_flow
from .rows import cash_table, dscr_table, month, month_table, pnl_table, ratio


class CashFlowView(OptionAnalysisView):
    """Funding requirement, cash flow, P&L, debt service cover and returns of the selected option."""

    shows = ("capital", "capital_with_extensions")

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.include_extensions = QCheckBox("Include extensions")
        self.include_extensions.setToolTip("Project the extension years too. The bid promises the term only, so "
                                           "the funding and returns normally leave them out.")
        self.include_extensions.toggled.connect(self._on_extensions_toggled)
        self.context = italic_label()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.context, 1)
        top.addWidget(self.include_extensions, 0, Qt.AlignmentFlag.AlignTop)

        self.headline = CashFlowHeadline()
        self.headline_scroll = headline_scroll(self.headline)

        self.chart = CashFlowChart()
        self.pnl = PeriodTablePanel()
        self.cash = PeriodTablePanel()
        self.dscr = PeriodTablePanel()
        self.funding = FundingPanel()
        self.members = MembersPanel()
        self.months = PeriodTablePanel()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.chart, "Chart")
        self.tabs.addTab(self.pnl, "P&&L by year")
        self.tabs.addTab(self.cash, "Cash by year")
        self.tabs.addTab(self.dscr, "Debt cover")
        self.tabs.addTab(self.funding, "Sources and loans")
        self.tabs.addTab(self.members, "Members")
        self.tabs.addTab(self.months, "Months")
        self.lazy = LazyTabs(self.tabs)  # the sub-tabs behind the one in front are filled when turned to

        self.splitter = two_pane(Qt.Orientation.Vertical, self.headline_scroll, self.tabs, (0, 1))
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.body.addWidget(self.content, 1)
        self.content.setVisible(False)
        self._user_sized = False
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    # ------------------------------------------------------------------ tables for tests (every one filled)
    @property
    def pnl_model(self) -> DocumentTableModel:
        self.lazy.flush()
        return self.pnl.model

    @property
    def cash_model(self) -> DocumentTableModel:
        self.lazy.flush()
        return self.cash.model

    @property
    def dscr_model(self) -> DocumentTableModel:
        self.lazy.flush()
        return self.dscr.model

    def models(self) -> list[DocumentTableModel]:
        self.lazy.flush()
        return [self.pnl.model, self.cash.model, self.dscr.model, self.funding.sources_model,
                self.funding.loan_model, self.members.totals_model, self.members.years_model, self.months.model]

    # ------------------------------------------------------------------ computing and showing
    def _on_splitter_moved(self, *_args) -> None:
        self._user_sized = True

    def _on_extensions_toggled(self, _checked: bool) -> None:
        self.reload()

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> CashFlowResult:
        return compute_cash_flow(ws, option_id, self.include_extensions.isChecked(), cancelled)

    def show_result(self, result: CashFlowResult) -> None:
        p = result.capital.projection
        self.content.setVisible(True)
        self.include_extensions.setEnabled(result.extension_years > 0)
        self.include_extensions.setText(f"Include extensions (+{result.extension_years} years)"
                                        if result.extension_years else "Include extensions (none)")
        terms = (f"{result.structure.label} · mobilisation from {month(p.mobilisation_start)} "
                 f"({p.mobilisation_months} months) · service {month(p.service_start)} – {month(p.service_end)}"
                 + (" with extensions" if p.include_extensions else "")
                 + f" · ramp-up {p.ramp_up_months} months · paid {p.receipt_lag_months} months after the month worked")
        self.context.setText(terms)
        self.context.setToolTip(f"{result.tender_name}: {result.option_name}")
        self.headline.show_result(result)
        self.lazy.fill(self.chart, lambda: self.chart.show_capital(result.capital))
        self.lazy.fill(self.pnl, lambda: self.pnl.set_table(
            pnl_table(p), "<b>Profit and loss by period</b> (costs shown as positive amounts). " + _e(p.tax_basis)))
        self.lazy.fill(self.cash, lambda: self.cash.set_table(
            cash_table(p), "<b>Cash by period</b>: the bank account with the funding drawn and repaid. "
                           "Each period: opening + total received − total paid = closing."))
        f = result.capital.funding
        verdict = ("no loan or overdraft to service" if f.lowest_dscr is None else
                   f"lowest over the contract years {ratio(f.lowest_dscr)}×, "
                   + ("meets it" if f.dscr_ok else "<b>below it</b>"))
        self.lazy.fill(self.dscr, lambda: self.dscr.set_table(
            dscr_table(result.capital), f"<b>Debt service cover</b> against the lender's minimum of "
                                        f"{_e(ratio(f.min_dscr))}× (the option's Details): {verdict}."))
        self.lazy.fill(self.funding, lambda: self.funding.show_capital(result.capital))
        self.lazy.fill(self.members, lambda: self.members.show_projection(p))
        self.lazy.fill(self.months, lambda: self.months.set_table(
            month_table(p), f"<b>{len(p.months)} months</b> from {_e(month(p.mobilisation_start))} (month 0) to "
                            f"{_e(month(p.projection_end))}, including the run-off until the last invoice, "
                            "supplier and tax are paid."))
        self._fit_headline()
        QTimer.singleShot(0, self, self._fit_headline)  # again once the new text is laid out

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.content.setVisible(False)
        self.lazy.drop()
        self.headline.clear()
        self.chart.clear()
        for panel in (self.pnl, self.cash, self.dscr, self.funding, self.members, self.months):
            panel.clear()

    def _fit_headline(self) -> None:
        if not self._user_sized:
            fit_headline(self.splitter, self.headline_scroll, 0.42, 240)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.result is not None:
            self._fit_headline()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.result is not None:
            QTimer.singleShot(0, self, self._fit_headline)  # once the layout has given the headline its width


__all__ = ["CashFlowView"]
