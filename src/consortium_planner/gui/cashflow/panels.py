"""The Cash flow tab's table pages: a table of figures by period under a line of context, the funding
sources with the chosen loan's payments, and each member's profit."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ...domain.money import format_gbp
from ...domain.projection import Capital, LoanSchedule, MonthRow, Projection
from ...reports.document import Table
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..style import esc as _e
from ..style import rich_label, two_pane
from .rows import loan_table, member_total_table, member_year_table, month, pct, source_table


def figure_table(model: DocumentTableModel, max_width: int = 360) -> DocumentTable:
    """A read-only table of figures sized to its contents; row names stay in view when it scrolls."""
    return DocumentTable(model, max_width=max_width)


class PeriodTablePanel(QWidget):
    """A line above a table of figures by period."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = DocumentTableModel(row_header=True, parent=self)
        self.table = figure_table(self.model)
        self.note = rich_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def set_table(self, table: Table, note: str) -> None:
        hscroll = self.table.horizontalScrollBar().value()
        self.model.set_table(table)
        self.table.horizontalScrollBar().setValue(hscroll)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def clear(self) -> None:
        self.model.clear()
        self.note.clear()


def loan_summary(loan: LoanSchedule, months: Sequence[MonthRow]) -> str:
    dates = {r.month: r.starts for r in months}
    parts = [f"<b>{_e(loan.name)}</b>: {_e(format_gbp(loan.amount))} drawn {_e(month(dates.get(loan.drawdown_month)))}"
             f" at {_e(pct(loan.interest_rate_pct))} a year" + (" <b>flat</b> (on the original amount for the whole term)"
                                                                if loan.flat else "")]
    if loan.true_rate_pct is not None:
        parts.append(f"true rate {_e(pct(loan.true_rate_pct))} a year ({_e(pct(loan.true_effective_rate_pct))} "
                     "effective)")
    if loan.term_months:
        parts.append(f"over {loan.term_months} months")
    if loan.capital_holiday_months:
        parts.append(f"interest only for the first {loan.capital_holiday_months} months")
    if loan.annuity is not None:
        parts.append(f"then {_e(format_gbp(loan.annuity))} a month")
    if loan.arrangement_fee:
        parts.append(f"arrangement fee {_e(format_gbp(loan.arrangement_fee))}")
    parts.append(f"interest over the projection {_e(format_gbp(loan.total_interest))}")
    if loan.balloon:
        parts.append(f"<b>{_e(format_gbp(loan.balloon))} still owed when the projection ends, shown repaid then</b>")
    return "; ".join(parts) + "."


class FundingPanel(QWidget):
    """The funding sources, and the chosen loan's payments."""

    MAX_SOURCE_ROWS = 8  # more scroll

    def __init__(self, parent=None):
        super().__init__(parent)
        self.capital: Capital | None = None
        self.note = rich_label()
        self.sources_model = DocumentTableModel(parent=self)
        self.sources_table = figure_table(self.sources_model, max_width=240)
        self.sources_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.loan_label = QLabel("<b>Loan schedule:</b>")
        self.loan_combo = QComboBox()
        self.loan_combo.setAccessibleName("Loan")
        self.loan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.loan_combo.currentIndexChanged.connect(self._show_loan)
        self.loan_note = rich_label()
        self.loan_note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.loan_model = DocumentTableModel(parent=self)
        self.loan_table = figure_table(self.loan_model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.note)
        layout.addWidget(self.sources_table)
        row = QHBoxLayout()
        row.setContentsMargins(0, 6, 0, 0)
        row.addWidget(self.loan_label)
        row.addWidget(self.loan_combo)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.loan_note)
        layout.addWidget(self.loan_table, 1)
        layout.addStretch(0)  # takes the room when there is no loan table

    def show_capital(self, capital: Capital) -> None:
        self.capital = capital
        f = capital.funding
        self.sources_model.set_table(source_table(capital))
        self.note.setText("Funding sources from the option's <b>Funding</b> tab, against a requirement of "
                          f"<b>{_e(format_gbp(f.requirement))}</b>. Months count from the start of mobilisation "
                          f"({_e(month(capital.projection.mobilisation_start))} is month 0).")
        self._fit_sources()
        current = self.loan_combo.currentText()
        self.loan_combo.blockSignals(True)
        self.loan_combo.clear()
        for i, loan in enumerate(f.loan_schedules):
            self.loan_combo.addItem(loan.name, i)
        index = self.loan_combo.findText(current)
        self.loan_combo.setCurrentIndex(index if index >= 0 else 0)
        self.loan_combo.blockSignals(False)
        has_loans = bool(f.loan_schedules)
        self.loan_combo.setVisible(has_loans)
        self.loan_label.setVisible(has_loans)
        self.loan_combo.setEnabled(len(f.loan_schedules) > 1)
        self.loan_table.setVisible(has_loans)
        self._show_loan()

    def _fit_sources(self) -> None:
        t = self.sources_table
        rows = min(self.sources_model.rowCount(), self.MAX_SOURCE_ROWS)
        height = (t.horizontalHeader().sizeHint().height() + t.verticalHeader().defaultSectionSize() * rows
                  + 2 * t.frameWidth() + 2)
        if t.horizontalHeader().length() > t.viewport().width():
            height += t.horizontalScrollBar().sizeHint().height()
        t.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.capital is not None:
            self._fit_sources()

    def _show_loan(self, *_args) -> None:
        capital = self.capital
        if capital is None:
            return
        loans = capital.funding.loan_schedules
        i = self.loan_combo.currentData()
        if not loans or i is None:
            self.loan_model.clear()
            self.loan_note.setText("No loans: equity, grants and overdrafts have no repayment schedule. Add a loan on "
                                   "the option's <b>Funding</b> tab to see one.")
            return
        loan = loans[i]
        hscroll = self.loan_table.horizontalScrollBar().value()
        self.loan_model.set_table(loan_table(loan, capital.projection.months))
        self.loan_table.horizontalScrollBar().setValue(hscroll)
        self.loan_note.setText(loan_summary(loan, capital.projection.months))

    def clear(self) -> None:
        self.capital = None
        self.sources_model.clear()
        self.loan_model.clear()
        self.loan_combo.clear()
        self.note.clear()
        self.loan_note.clear()



class MembersPanel(QWidget):
    """Each member's profit over the projection, and by period."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.note = rich_label()
        self.totals_model = DocumentTableModel(row_header=True, parent=self)
        self.totals_table = figure_table(self.totals_model)
        self.years_model = DocumentTableModel(row_header=True, parent=self)
        self.years_table = figure_table(self.years_model)
        years_title = QLabel("<b>Profit after tax by period</b>")
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(4)
        top_layout.addWidget(self.note)
        top_layout.addWidget(self.totals_table, 1)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.setSpacing(4)
        bottom_layout.addWidget(years_title)
        bottom_layout.addWidget(self.years_table, 1)
        self.splitter = two_pane(Qt.Orientation.Vertical, top, bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)

    def show_projection(self, p: Projection) -> None:
        if not p.members:
            self.note.setText("The option has no members: add them on the <b>Members</b> tab.")
        else:
            self.note.setText(f"<b>Over the projection.</b> {_e(p.tax_basis)}")
        self.totals_model.set_table(member_total_table(p))
        self.years_model.set_table(member_year_table(p))

    def clear(self) -> None:
        self.note.clear()
        self.totals_model.clear()
        self.years_model.clear()


__all__ = ["FundingPanel", "MembersPanel", "PeriodTablePanel", "loan_summary"]
