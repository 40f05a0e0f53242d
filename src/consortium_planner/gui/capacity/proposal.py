"""``ProposalDialog``: the optimiser's proposal against the current allocation, applied as one undoable edit."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from ...domain.money import format_gbp
from ...domain.optimise import OptimiseStatus, Proposal
from ...reports.sections.capacity import fmt_volume
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..screen_fit import fit_size
from ..style import AMBER, GREEN, GREY, RED, badge_html, banner_style
from ..style import esc as _e
from .rows import plural, proposal_member_table, proposal_rows, shortfall_table, unit_cost_table, volume_table

WARNING_STYLE = banner_style(AMBER, "3px 6px")
ERROR_STYLE = f"QLabel {{ color: {RED.text}; }}"


class ProposalDialog(QDialog):
    """The optimiser's proposal against the current allocation; Apply replaces the allocation."""

    def __init__(self, proposal: Proposal, current: dict[tuple[int, int], Decimal], requirement_labels: dict[int, str],
                 member_names: dict[int, str], option_name: str = "", parent=None):
        super().__init__(parent)
        self.proposal = proposal
        self.setWindowTitle(f"Optimised allocation — {option_name}" if option_name else "Optimised allocation")
        self.setSizeGripEnabled(True)
        fit_size(self, 980, 640)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)

        tone = GREEN if proposal.status is OptimiseStatus.OPTIMAL else (
            AMBER if proposal.status is OptimiseStatus.INFEASIBLE else GREY if proposal.feasible else RED)
        label = {OptimiseStatus.OPTIMAL: "Least-cost plan", OptimiseStatus.INFEASIBLE: "Best partial plan",
                 OptimiseStatus.EMPTY: "Nothing to allocate", OptimiseStatus.FAILED: "Solver failed"}[proposal.status]
        self.rows = proposal_rows(proposal, current, requirement_labels, member_names)
        changed = [r for r in self.rows if r.change != 0]
        self.headline = QLabel(f"{badge_html(label, tone)}&nbsp; {_e(proposal.message)}")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.headline)
        current_total = sum(current.values(), Decimal(0))
        self.figures = QLabel(
            f"<b>Total cost {_e(format_gbp(proposal.total_cost))} a year</b> (direct cost estimate) · "
            f"volume {_e(fmt_volume(proposal.total_volume))} of {_e(fmt_volume(proposal.total_required))} required "
            f"(now {_e(fmt_volume(current_total))}) · {_e(plural(len(changed), 'allocation'))} change · "
            f"HiGHS solved in {proposal.solve_seconds * 1000:,.1f}&nbsp;ms "
            f"(whole run {proposal.total_seconds * 1000:,.1f}&nbsp;ms)")
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.figures)
        if proposal.warnings:
            warn = QLabel("<br>".join(f"⚠&nbsp;{_e(w)}" for w in proposal.warnings))
            warn.setWordWrap(True)
            warn.setStyleSheet(WARNING_STYLE)
            layout.addWidget(warn)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.volumes_model = DocumentTableModel(parent=self)
        self.volumes_model.set_table(volume_table(self.rows), [(r.requirement_id, r.member_id) for r in self.rows])
        self.volumes = DocumentTable(self.volumes_model, sortable=True, stretch_column=0, alternating=False)
        self.tabs.addTab(self.volumes, f"Volumes ({plural(len(changed), 'change')})")

        self.members_model = DocumentTableModel(proposal_member_table(proposal, current), parent=self)
        self.members = DocumentTable(self.members_model, stretch_column=0, alternating=False)
        self.tabs.addTab(self.members, "By member")

        self.shortfalls_model = DocumentTableModel(shortfall_table(proposal, requirement_labels, member_names),
                                                   parent=self)
        self.shortfalls = DocumentTable(self.shortfalls_model, stretch_column=4, lines=2, alternating=False)
        n_short = len(proposal.shortfalls) + len(proposal.rule_shortfalls)
        self.tabs.addTab(self.shortfalls, f"Shortfalls ({n_short})")
        if n_short:
            self.tabs.setTabToolTip(2, "What the plan cannot cover, and why")

        self.costs_model = DocumentTableModel(unit_cost_table(proposal, member_names), parent=self)
        self.costs = DocumentTable(self.costs_model, sortable=True, stretch_column=3, alternating=False)
        self.tabs.addTab(self.costs, "Unit costs")
        layout.addWidget(self.tabs, 1)

        self.note = QLabel()
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setToolTip("Replace the option's allocations with the proposal (one step on Edit ▸ Undo)")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        if not changed:
            self.apply_button.setEnabled(False)
            self.note.setText("The proposal is the same as the current allocation.")
        elif not proposal.feasible:
            self.note.setText("This plan leaves some volume uncovered (see Shortfalls); applying it still leaves gaps.")
            self.note.setStyleSheet(ERROR_STYLE)
        else:
            self.note.setText("Apply replaces the option's allocations; Edit ▸ Undo puts them back.")
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self.apply_button.setDefault(bool(changed))

    @classmethod
    def ask(cls, parent: QWidget | None, proposal: Proposal, current: dict[tuple[int, int], Decimal],
            requirement_labels: dict[int, str], member_names: dict[int, str], option_name: str = "") -> bool:
        """Show the proposal; True when the user chooses Apply. Tests replace this."""
        dialog = cls(proposal, current, requirement_labels, member_names, option_name, parent)
        try:
            return dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()


__all__ = ["ProposalDialog"]
