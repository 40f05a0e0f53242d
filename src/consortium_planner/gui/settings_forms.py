"""Workspace settings as forms (issue 20): who prepares the investment case and its logo, and the reference
rates as a year × rate table — each rate with its source, the workspace's overrides marked, a reset to the
shipped value — so nobody types JSON. Every change is a setting written through the controller (one undo
step); what the rates mean and how overrides apply is ``services.rates`` (``override_text``)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.defaults import DISCOUNT_RATE_KEY
from ..domain.money import MoneyError, format_decimal, parse_decimal
from ..domain.rates import RATE_FIELDS, RatesError
from ..services.analyses import RATES_OVERRIDES_KEY, workspace_rates
from ..services.rates import load_reference_rates, override_text
from .controller import WorkspaceController
from .history import AuditNameField

OVERRIDDEN = QColor("#FEF0C7")  # amber: this workspace's own figure, not the shipped one


class CaseSettingsForm(QWidget):
    """Prepared by (the PDF's cover and metadata) and the cover's logo."""

    def __init__(self, c: WorkspaceController, parent=None):
        super().__init__(parent)
        self.controller = c
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.author = QLineEdit()
        self.author.setPlaceholderText("Your organisation or name: printed as 'Prepared by' on the investment case")
        self.author.editingFinished.connect(lambda: self._set("author", self.author.text().strip()))
        form.addRow("Prepared by", self.author)
        logo_row = QHBoxLayout()
        self.logo = QLineEdit()
        self.logo.setPlaceholderText("An image (PNG or JPEG) for the cover; none if blank")
        self.logo.editingFinished.connect(lambda: self._set("logo_path", self.logo.text().strip()))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        form.addRow("Cover logo", logo_row)
        self.discount = QLineEdit()
        self.discount.setPlaceholderText("3.5 (HM Treasury's Green Book) unless your investors use another rate")
        self.discount.setToolTip("The discount rate new options start with, in percentage points (each option "
                                 "keeps its own, on its Details tab)")
        self.discount.editingFinished.connect(self._set_discount)
        form.addRow("Discount rate for new options (%)", self.discount)
        self.audit_name = AuditNameField(c)  # gui/history.py
        form.addRow("Your name for the history", self.audit_name)
        c.workspace_changed.connect(lambda changes: changes.touches("setting") and self.load())
        self.load()

    def load(self) -> None:
        ws = self.controller.ws
        for edit, key in ((self.author, "author"), (self.logo, "logo_path"), (self.discount, DISCOUNT_RATE_KEY)):
            if not edit.hasFocus():
                edit.setText(ws.setting(key, ""))

    def _set(self, key: str, value: str) -> None:
        if value != self.controller.ws.setting(key, ""):
            self.controller.set_setting(key, value, initiator=self)

    def _set_discount(self) -> None:
        text = self.discount.text().strip()
        if text:
            try:
                rate = parse_decimal(text, what="Discount rate for new options")
            except MoneyError as exc:
                self.controller.edit_refused.emit(str(exc))
                return
            if not 0 <= rate <= 50:
                self.controller.edit_refused.emit("Discount rate for new options: between 0% and 50%")
                return
            text = format(rate, "f")
        self._set(DISCOUNT_RATE_KEY, text)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Cover logo", "", "Images (*.png *.jpg *.jpeg)")
        if path:
            self.logo.setText(path)
            self._set("logo_path", path)


class RatesTable(QWidget):
    """The reference rates, a row a rate and a column a financial year; overrides in amber, bold."""

    def __init__(self, c: WorkspaceController, parent=None):
        super().__init__(parent)
        self.controller = c
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        note = QLabel("Reference rates by financial year. Type a figure to override it for this workspace "
                      "(shown in amber); <b>Reset</b> puts the shipped rate back. Hover a figure for its source.")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._edited)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.reset = QPushButton("Reset to the shipped rate")
        self.reset.setToolTip("Take this workspace's override of the selected rate away")
        self.reset.clicked.connect(self._reset)
        buttons.addStretch(1)
        buttons.addWidget(self.reset)
        layout.addLayout(buttons)
        self.table.currentCellChanged.connect(lambda *_: self._update_reset())
        c.workspace_changed.connect(lambda changes: changes.touches("setting") and self.load())
        self._loading = False
        self.load()

    def load(self) -> None:
        self._loading = True
        try:
            try:
                table = workspace_rates(self.controller.ws)
            except (ValueError, RatesError):
                table = load_reference_rates()
            years = table.years
            self.years = [y.label for y in years]
            self.table.clear()
            self.table.setColumnCount(len(years))
            self.table.setRowCount(len(RATE_FIELDS))
            self.table.setHorizontalHeaderLabels(self.years)
            self.table.setVerticalHeaderLabels([f"{f.label} ({f.unit})" for f in RATE_FIELDS])
            bold = QFont()
            bold.setBold(True)
            for col, year in enumerate(years):
                for row, f in enumerate(RATE_FIELDS):
                    value = getattr(year, f.name)
                    prov = year.source(f.name)
                    item = QTableWidgetItem("" if value is None else format_decimal(value, 2))
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    tip = [f"{f.label}, {year.label}"]
                    if prov is not None:
                        tip.append(prov.source)
                        if prov.effective:
                            tip.append(f"in force from {prov.effective.strftime('%d/%m/%Y')}")
                        if prov.status:
                            tip.append(f"[{prov.status}]")
                        if prov.carried_forward:
                            tip.append("carried forward from the year before")
                        if prov.overridden:
                            item.setBackground(QBrush(OVERRIDDEN))
                            item.setFont(bold)
                            tip.append("overridden in this workspace")
                    item.setToolTip(" · ".join(tip))
                    item.setData(Qt.ItemDataRole.UserRole, bool(prov and prov.overridden))
                    self.table.setItem(row, col, item)
            self.table.resizeColumnsToContents()
        finally:
            self._loading = False
        self._update_reset()

    def _update_reset(self) -> None:
        item = self.table.currentItem()
        self.reset.setEnabled(bool(item is not None and item.data(Qt.ItemDataRole.UserRole)))

    def _write(self, row: int, col: int, value: Decimal | None) -> None:
        current = self.controller.ws.setting(RATES_OVERRIDES_KEY, "")
        try:
            text = override_text(current, self.years[col], RATE_FIELDS[row].name, value)
        except (ValueError, RatesError) as exc:
            self.controller.edit_refused.emit(f"{RATE_FIELDS[row].label}, {self.years[col]}: {exc}")
            self.load()
            return
        self.controller.set_setting(RATES_OVERRIDES_KEY, text, initiator=self)

    def _edited(self, item: QTableWidgetItem) -> None:
        if self._loading:
            return
        try:
            value = parse_decimal(item.text(), what=RATE_FIELDS[item.row()].label)
        except MoneyError as exc:
            self.controller.edit_refused.emit(str(exc))
            self.load()
            return
        self._write(item.row(), item.column(), value)

    def _reset(self) -> None:
        item = self.table.currentItem()
        if item is not None:
            self._write(item.row(), item.column(), None)
