"""The rules the optimiser must respect, chosen before it runs (DOMAIN §1, issue "Capacity")."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..domain.money import MoneyError, parse_decimal
from ..domain.optimise import OptimiseRules
from .screen_fit import fit_size


def _pct(text: str, what: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    value = parse_decimal(text, what=what)
    if not Decimal(0) <= value <= Decimal(100):
        raise MoneyError(f"{what}: {value}% is outside 0% to 100%")
    return value


class OptimiseRulesDialog(QDialog):
    """Lead's minimum share, local providers first, and each member's minimum and maximum share."""

    def __init__(self, members: list[tuple[int, str]], previous: OptimiseRules | None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Optimise allocation: rules")
        prev = previous or OptimiseRules()
        layout = QVBoxLayout(self)
        intro = QLabel("The optimiser proposes the least-cost split that meets every requirement within "
                       "members' capacity (with growth). Shares are % of the tender's total volume; "
                       "leave a box empty for no rule. You see the proposal before anything changes.")
        intro.setWordWrap(True)  # unwrapped, this line made the dialog 1,438 px wide
        layout.addWidget(intro)
        form = QFormLayout()
        self.lead_min = QLineEdit("" if prev.lead_min_share_pct is None else format(prev.lead_min_share_pct, "f"))
        self.lead_min.setPlaceholderText("no minimum")
        form.addRow("Lead's minimum share (%)", self.lead_min)
        self.local_first = QCheckBox("Prefer local providers in their home area")
        self.local_first.setChecked(prev.local_first)
        form.addRow("", self.local_first)
        layout.addLayout(form)
        self.members = members
        self.table = QTableWidget(len(members), 3)
        self.table.setHorizontalHeaderLabels(["Member", "Minimum share (%)", "Maximum share (%)"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, (member_id, name) in enumerate(members):
            item = QTableWidgetItem(name)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 0, item)
            for col, source in ((1, prev.min_share_pct), (2, prev.max_share_pct)):
                value = source.get(member_id)
                self.table.setItem(row, col, QTableWidgetItem("" if value is None else format(value, "f")))
        layout.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Optimise")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.rules: OptimiseRules | None = None
        fit_size(self, 560, 460)

    def read_rules(self) -> OptimiseRules:
        """The rules as entered; raises MoneyError naming the box that is wrong."""
        mins: dict[int, Decimal] = {}
        maxs: dict[int, Decimal] = {}
        for row, (member_id, name) in enumerate(self.members):
            lo = _pct(self.table.item(row, 1).text(), f"{name}: minimum share")
            hi = _pct(self.table.item(row, 2).text(), f"{name}: maximum share")
            if lo is not None and hi is not None and lo > hi:
                raise MoneyError(f"{name}: the minimum share {lo}% is above the maximum {hi}%")
            if lo is not None:
                mins[member_id] = lo
            if hi is not None:
                maxs[member_id] = hi
        if sum(mins.values(), Decimal(0)) > 100:
            raise MoneyError("the members' minimum shares add up to more than 100%")
        return OptimiseRules(min_share_pct=mins, max_share_pct=maxs,
                             lead_min_share_pct=_pct(self.lead_min.text(), "Lead's minimum share"),
                             local_first=self.local_first.isChecked())

    def _accept(self) -> None:
        try:
            self.rules = self.read_rules()
        except MoneyError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    @classmethod
    def ask(cls, parent, members: list[tuple[int, str]], previous: OptimiseRules | None) -> OptimiseRules | None:
        dialog = cls(members, previous, parent)
        return dialog.rules if dialog.exec() == QDialog.DialogCode.Accepted else None
