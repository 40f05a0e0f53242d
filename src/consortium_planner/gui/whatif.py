"""The live what-if panel (issue 19): steppers for what partners argue about, figures that follow them.

The panel builds a ``domain.whatif.WhatIf`` from its steppers and asks ``services.whatif`` for the
figures off the UI thread (a burst of steps starts one computation; a newer step cancels the one
running). Nothing is stored until Keep as new option, one undoable step through the controller.
It sits in the workshop layout's side pane (View → Workshop layout) and in a dock (View → What-if).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain import whatif as _whatif
from ..domain.model import ConsortiumOption, FundingKind, FundingSource, Member
from ..domain.tasks import Cancelled
from ..reports.sections.whatif import whatif_table
from ..services.compare import KEY_ANALYSES
from ..services.pipeline import Results, run
from ..services.whatif import WhatIfOutcome, whatif_outcome
from .controller import WorkspaceController
from .document_model import DocumentTableModel
from .document_table import DocumentTable
from .tasks import BackgroundTask

SETTLE_MS = 150  # a burst of steps starts one computation


def _spin(lo: float, hi: float, step: float, decimals: int, suffix: str, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # typing "12" is one change, not two
    return box


def _dec(box: QDoubleSpinBox) -> Decimal:
    return Decimal(str(round(box.value(), box.decimals())))


class WhatIfPanel(QWidget):
    """Steppers, Reset, Keep as new option, and the figures: the change | with the what-if | as it stands."""

    def __init__(self, controller: WorkspaceController, parent: QWidget | None = None):
        super().__init__(parent)
        self.controller = controller
        self.outcome: WhatIfOutcome | None = None
        self._base: dict[int, Results] = {}  # each option's results as it stands, until the workspace changes
        self._task: BackgroundTask | None = None
        self._generation = 0
        self._filling = False
        self._stale = True  # the figures shown are not the steppers' (computed when next visible)
        self.setMinimumWidth(300)

        self.option = QComboBox()
        self.option.setToolTip("The option the what-if tries changes on")
        self.margin = _spin(-50, 50, 0.5, 2, "%", "The option's margin: the price follows it")
        self.share_from = QComboBox()
        self.share_to = QComboBox()
        self.share_points = _spin(0, 100, 0.5, 2, " points", "Participation share moved from the first member "
                                  "to the second (their shares of the contract and of the profit)")
        self.volume = _spin(-90, 200, 5, 1, "%", "The buyer calls off this much more (+) or less (−) than planned; "
                            "the bid's prices stay as priced")
        self.pay = _spin(-20, 20, 0.5, 2, " points a year", "Pay rises this much faster (+) or slower (−) "
                         "than the tender's uplift, from year two")
        self.payment = QSpinBox()
        self.payment.setRange(-180, 180)
        self.payment.setSingleStep(15)
        self.payment.setSuffix(" days")
        self.payment.setKeyboardTracking(False)
        self.payment.setToolTip("The buyer pays this many days later (+) or sooner (−) than its payment terms")
        self.loan = QComboBox()
        # whole pounds in an integer box (money never passes through float); a loan entered with pence keeps
        # its exact amount until the box is moved off it (``_loan_value``)
        self.loan_amount = QSpinBox()
        self.loan_amount.setRange(0, 1_000_000_000)
        self.loan_amount.setSingleStep(10_000)
        self.loan_amount.setPrefix("£")
        self.loan_amount.setGroupSeparatorShown(True)
        self.loan_amount.setKeyboardTracking(False)
        self.loan_amount.setToolTip("The loan's amount")
        self._loan_start = Decimal(0)
        for combo in (self.option, self.share_from, self.share_to, self.loan):  # long names must not widen the pane
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        self.only_changed = QCheckBox("Only the figures that change")
        self.only_changed.setChecked(True)
        self.only_changed.setToolTip("Untick to see every figure, those the changes leave alone too")
        self.only_changed.toggled.connect(lambda _on: self.outcome is not None and self._show(self.outcome))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Option", self.option)
        form.addRow("Margin", self.margin)
        share = QHBoxLayout()
        share.addWidget(self.share_from, 1)
        share.addWidget(QLabel("→"))
        share.addWidget(self.share_to, 1)
        form.addRow("Share from", share)
        form.addRow("Share moved", self.share_points)
        form.addRow("Volume", self.volume)
        form.addRow("Pay uplift", self.pay)
        form.addRow("Paid later by", self.payment)
        loan = QHBoxLayout()
        loan.addWidget(self.loan, 1)
        loan.addWidget(self.loan_amount, 1)
        form.addRow("Loan", loan)

        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("Back to the option as it stands")
        self.reset_button.clicked.connect(self.reset)
        self.keep_button = QPushButton("Keep as new option…")
        self.keep_button.setToolTip("Store the option with these changes as a new option (one step, undoable); "
                                    "volume, pay and payment terms are kept as a scenario")
        self.keep_button.clicked.connect(self._keep)
        buttons = QHBoxLayout()
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.keep_button)
        buttons.addStretch(1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.model = DocumentTableModel(parent=self)
        self.table = DocumentTable(self.model, stretch_column=0, max_width=110, max_widths={0: 150})

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        title = QLabel("<b>What-if</b>: try changes on a scratch copy; nothing is saved until you keep them")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.only_changed)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self.recompute)
        self.option.currentIndexChanged.connect(self._on_option)
        self.loan.currentIndexChanged.connect(self._on_loan)
        for box in (self.margin, self.share_points, self.volume, self.pay, self.loan_amount):
            box.valueChanged.connect(self._changed)
        self.payment.valueChanged.connect(self._changed)
        for combo in (self.share_from, self.share_to):
            combo.currentIndexChanged.connect(self._changed)
        controller.workspace_changed.connect(self._on_workspace_changed)
        self._fill_options()

    # ------------------------------------------------------------------ what the steppers say
    def option_id(self) -> int | None:
        return self.option.currentData()

    def whatif(self) -> _whatif.WhatIf | None:
        oid = self.option_id()
        if oid is None:
            return None
        move = None
        giver, taker = self.share_from.currentData(), self.share_to.currentData()
        points = _dec(self.share_points)
        if giver is not None and taker is not None and points:
            move = _whatif.ShareMove(giver, taker, points)
        loans = {}
        if (sid := self.loan.currentData()) is not None:
            loans[sid] = self._loan_value()
        return _whatif.WhatIf(oid, margin_pct=_dec(self.margin), share_move=move, loans=loans,
                              volume_pct=_dec(self.volume), pay_uplift_pp=_dec(self.pay),
                              payment_delay_days=self.payment.value())

    # ------------------------------------------------------------------ filling the steppers
    def _fill_options(self) -> None:
        ws = self.controller.ws
        current = self.option_id()
        self._filling = True
        self.option.blockSignals(True)
        self.option.clear()
        for o in ws.options():
            self.option.addItem(o.name, o.id)
        index = self.option.findData(current)
        self.option.setCurrentIndex(index if index >= 0 else 0)
        self.option.blockSignals(False)
        self._filling = False
        self._on_option()

    def select_option(self, option_id: int) -> None:
        index = self.option.findData(option_id)
        if index >= 0:
            self.option.setCurrentIndex(index)

    def _on_option(self, *_args) -> None:
        self.reset()

    def reset(self) -> None:
        """Every stepper back to the option as it stands."""
        ws = self.controller.ws
        option = ws.get(ConsortiumOption, self.option_id())
        self._filling = True
        try:
            members = sorted(ws.members(option.id), key=lambda m: m.id or 0) if option else []
            for combo, pick in ((self.share_from, 0), (self.share_to, 1)):
                combo.clear()
                for m in members:
                    combo.addItem(f"{ws.display_name(Member, m.id)} ({m.participation_pct}%)", m.id)
                combo.setCurrentIndex(min(pick, combo.count() - 1))
            self.share_points.setValue(0)
            self.margin.setValue(float(option.margin_pct) if option else 0.0)
            for box in (self.volume, self.pay):
                box.setValue(0)
            self.payment.setValue(0)
            self.loan.clear()
            if option is not None:
                for s in sorted(ws.by(FundingSource, "option_id", option.id), key=lambda s: s.id or 0):
                    if s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT):
                        self.loan.addItem(s.name, s.id)
            self.loan.setEnabled(self.loan.count() > 0)
            self.loan_amount.setEnabled(self.loan.count() > 0)
            self._set_loan_amount()
            for w in (self.margin, self.share_from, self.share_to, self.share_points, self.volume, self.pay,
                      self.payment, self.keep_button, self.reset_button):
                w.setEnabled(option is not None)
        finally:
            self._filling = False
        self._changed()

    def _set_loan_amount(self) -> None:
        s = self.controller.ws.get(FundingSource, self.loan.currentData())
        self._loan_start = s.amount if s is not None else Decimal(0)
        self.loan_amount.setValue(int(self._loan_start.to_integral_value(rounding=ROUND_HALF_EVEN)))

    def _loan_value(self) -> Decimal:
        """The loan's amount: the stored amount to the penny while the box still shows it, else whole pounds."""
        shown = Decimal(self.loan_amount.value())
        return self._loan_start if shown == self._loan_start.to_integral_value(rounding=ROUND_HALF_EVEN) else shown

    def _on_loan(self, *_args) -> None:
        if self._filling:
            return
        self._filling = True
        try:
            self._set_loan_amount()  # another loan: start from its own amount
        finally:
            self._filling = False
        self._changed()

    def _on_workspace_changed(self, _changes: Any) -> None:
        self._base.clear()  # the option as it stands has changed
        ws = self.controller.ws
        if [self.option.itemData(i) for i in range(self.option.count())] != [o.id for o in ws.options()]:
            self._fill_options()
        else:
            if self._loan_value() == self._loan_start:  # the loan box not moved: follow the stored amount
                self._filling = True
                try:
                    self._set_loan_amount()
                finally:
                    self._filling = False
            self._changed()

    # ------------------------------------------------------------------ computing
    def _changed(self, *_args) -> None:
        if self._filling:
            return
        self._generation += 1
        if self._task is not None:
            self._task.cancel()  # out of date already
        self.status.setText("Working out the figures…")
        self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._changed()

    def recompute(self) -> None:
        if not self.isVisible():  # a hidden panel (a closed dock) waits until it is shown
            self._stale = True
            return
        self._stale = False
        w = self.whatif()
        if w is None:
            self.status.setText("Add a consortium option to try changes on it.")
            self.model.clear()
            return
        generation = self._generation
        snapshot = self.controller.ws.copy()
        base = self._base.get(w.option_id)

        def work(_progress, cancelled):
            results = base if base is not None else run(snapshot, w.option_id, KEY_ANALYSES, cancelled=cancelled)
            return results, whatif_outcome(snapshot, w, base=results, cancelled=cancelled)

        task = BackgroundTask(work)
        self._task = task

        def finished(value, task=task) -> None:
            if not shiboken6.isValid(self.status) or generation != self._generation:
                return
            results, outcome = value
            self._base[w.option_id] = results
            self._show(outcome)

        def failed(exc, task=task) -> None:
            if not shiboken6.isValid(self.status) or generation != self._generation or isinstance(exc, Cancelled):
                return
            self.outcome = None
            self.status.setText(f"This change cannot be tried: {exc}")

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.start()

    def _show(self, outcome: WhatIfOutcome) -> None:
        self.outcome = outcome
        self.status.setText(f"<b>{self.option.currentText()}</b>: {outcome.description}. "
                            "Green is better, red worse, by each figure's own direction.")
        table = whatif_table(outcome, only_changed=self.only_changed.isChecked())
        if not table.rows:
            self.status.setText(self.status.text() + " No figure changes.")
        self.model.set_table(table)

    # ------------------------------------------------------------------ keeping
    def _keep(self) -> None:
        w = self.whatif()
        option = self.controller.ws.get(ConsortiumOption, self.option_id())
        if w is None or option is None:
            return
        name, ok = QInputDialog.getText(self, "Keep as new option", "Name of the new option:",
                                        text=f"{option.name} (what-if)")
        if ok and name.strip():
            self.keep(name)

    def keep(self, name: str) -> bool:
        """Store the what-if as a new option called ``name`` (one undo step); False if refused (the reason is shown)."""
        w = self.whatif()
        if w is None:
            return False
        kept = self.controller.keep_whatif(w, name, initiator=self)
        if kept:
            new = next((o for o in self.controller.ws.options() if o.name == name.strip()), None)
            if new is not None:
                self.select_option(new.id)  # its steppers start from what was kept
        return kept
