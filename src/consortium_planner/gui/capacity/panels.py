"""The Capacity tab's panels: the totals line above the tabs, the workforce notes and the partners page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ...domain.capacity import CoverageResult, PartnerCandidate, WorkforceResult
from ...domain.money import format_decimal
from ...reports.sections.capacity import fmt_pct, fmt_volume
from ..document_model import DocumentTableModel
from ..document_table import DocumentTable
from ..style import AMBER, GREEN, RED, badge_html, restyle, rich_label, show_warning_lines
from ..style import esc as _e
from .proposal import ERROR_STYLE, WARNING_STYLE
from .rows import PARTNER_BUTTON_COLUMN, fmt_fte, partner_table, plural


class CapacitySummary(QWidget):
    """The totals line, warnings, and the Optimise button."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.totals = rich_label()
        top.addWidget(self.totals, 1)
        self.optimise_button = QPushButton("Optimise allocation…")
        self.optimise_button.setToolTip("Propose the least-cost split of the tender's volume among the members "
                                        "(HiGHS); you see it before anything changes")
        self.optimise_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        top.addWidget(self.optimise_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        layout.addWidget(self.status)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.warnings.setStyleSheet(WARNING_STYLE)
        layout.addWidget(self.warnings)

    def show_result(self, result: CoverageResult) -> None:
        over = (f" · over&#8209;allocated&nbsp;<b>{_e(fmt_volume(result.total_over_allocation))}</b>"
                if result.total_over_allocation > 0 else "")
        self.totals.setText(
            f"<span style='font-size:115%'><b>Coverage {_e(fmt_pct(result.coverage_pct))}</b></span>"
            f"&nbsp; required <b>{_e(fmt_volume(result.total_required))}</b>&nbsp;units&nbsp;a&nbsp;year · "
            f"allocated <b>{_e(fmt_volume(result.total_allocated))}</b> · shortfall "
            f"<b>{_e(fmt_volume(result.total_shortfall))}</b>{over}<br>"
            f"{badge_html(plural(result.n_gap, 'gap'), RED)}&nbsp; {badge_html(f'{result.n_thin} thin', AMBER)}&nbsp; "
            f"{badge_html(f'{result.n_covered} covered', GREEN)}&nbsp; of "
            f"{_e(plural(len(result.requirements), 'requirement'))} · mobilisation "
            f"{result.mobilisation_months} months")
        show_warning_lines(self.warnings, result.warnings)

    def set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        restyle(self.status, ERROR_STYLE if error else "")
        self.status.setVisible(bool(text))


def workforce_notes_html(result: WorkforceResult) -> str:
    """The assumptions, TUPE transfers, cohorts no member takes, and what rests on defaults."""
    parts = [f"<p style='margin:0'>FTE = allocated units × paid hours per unit ÷ "
             f"{_e(format_decimal(result.productive_hours_per_fte, 0))} productive hours a year; recruitment = "
             f"max(0, FTE − TUPE FTE) + FTE × {_e(fmt_pct(result.staff_turnover_pct))} staff turnover, service line "
             f"by service line. Mobilisation: {result.mobilisation_months} months.</p>"]
    if result.tupe_assignments:
        by_cohort: dict[str, list[str]] = defaultdict(list)
        names = {m.member_id: m.name for m in result.members}
        for a in result.tupe_assignments:
            by_cohort[a.cohort_name].append(f"{names.get(a.member_id, a.member_id)} {fmt_fte(a.fte)}")
        items = "".join(f"<li><b>{_e(c)}</b>: {_e('; '.join(v))}</li>" for c, v in by_cohort.items())
        parts.append(f"<p style='margin:6px 0 0 0'><b>TUPE transfers</b> (FTE, in proportion to the volume each "
                     f"member delivers)</p><ul style='margin-top:0; margin-bottom:0'>{items}</ul>")
    if any(ln.tupe_fte > ln.fte for ln in result.lines):
        parts.append(f"<p style='margin:4px 0 0 0'>{badge_html('TUPE', AMBER)} On the shaded lines more staff transfer "
                     "than the allocated volume needs; the surplus does not reduce recruitment elsewhere.</p>")
    if result.tupe_unassigned:
        items = "".join(f"<li>{_e(u.cohort_name)} ({_e(fmt_fte(u.fte))} FTE): {_e(u.reason)}</li>"
                        for u in result.tupe_unassigned)
        parts.append(f"<p style='margin:6px 0 0 0'>{badge_html('Not placed', AMBER)} TUPE cohorts no member takes:</p>"
                     f"<ul style='margin-top:0; margin-bottom:0'>{items}</ul>")
    flagged = sum(1 for ln in result.lines if ln.flags)
    if flagged:
        parts.append(f"<p style='margin:4px 0 0 0'>⚠ {_e(plural(flagged, 'line'))} rest on defaults (no cost "
                     "profile, or no capacity row so no lead time): marked ⚠, with the reason in the tooltip.</p>")
    if result.warnings:
        parts.append("".join(f"<p style='margin:4px 0 0 0'>⚠ {_e(w)}</p>" for w in result.warnings))
    return "".join(parts)


class PartnersPanel(QWidget):
    """Organisations outside the option ranked by how much of its gap they fill, each with "Add to option"."""

    add_requested = Signal(int)  # the organisation's id

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(6)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.intro)
        self.model = DocumentTableModel(parent=self)
        self.table = DocumentTable(self.model, stretch_column=0, lines=2, alternating=False)
        layout.addWidget(self.table, 1)
        self.buttons: dict[int, QPushButton] = {}

    def show_partners(self, partners: Sequence[PartnerCandidate], cov: CoverageResult) -> None:
        self.model.set_table(partner_table(partners, cov.mobilisation_months), [p.organisation_id for p in partners])
        if partners:
            total_gap = partners[0].total_gap
            self.intro.setText(
                f"The members cannot reach <b>{_e(fmt_volume(total_gap))}</b> units a year of the requirements even "
                "with their growth. These organisations outside the option could fill part of it, best first. "
                "<i>Add to option</i> makes one a member (Edit ▸ Undo takes it out again); then give it "
                "allocations on the Allocations tab, or let <i>Optimise allocation…</i> propose them.")
        else:
            self.intro.setText(
                "No organisation outside the option would fill a gap: either the members' capacity, with their "
                "growth, covers every requirement, or no other organisation has capacity where it falls short.")
        # one "Add to option" button per row; after a reset the view has dropped the old ones
        self.buttons = {}
        for row in range(self.model.rowCount()):
            org_id = self.model.key(row)
            index = self.model.index(row, PARTNER_BUTTON_COLUMN)
            holder = self.table.indexWidget(index)
            button = holder.findChild(QPushButton) if holder is not None else None
            if button is None or button.property("organisation_id") != org_id:
                holder = QWidget()
                box = QHBoxLayout(holder)
                box.setContentsMargins(4, 3, 4, 3)
                button = QPushButton("Add to option")
                button.setProperty("organisation_id", org_id)
                button.setToolTip(f"Make {partners[row].name} a member of this option (Edit ▸ Undo takes it out)")
                button.clicked.connect(lambda _checked=False, o=org_id: self.add_requested.emit(o))
                box.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
                self.table.setIndexWidget(index, holder)
            self.buttons[org_id] = button  # type: ignore[index]
        if self.buttons:
            self.table.min_widths[PARTNER_BUTTON_COLUMN] = max(b.sizeHint().width() for b in self.buttons.values()) + 10
            self.table.fit_columns()

    def clear(self) -> None:
        self.model.clear()
        self.buttons = {}


__all__ = ["CapacitySummary", "PartnersPanel", "workforce_notes_html"]
