"""``RiskTableModel``: an option's risks as the record table machinery edits them, with their scores.

The stored fields (area, risk, likelihood, impact, owner, mitigation, residuals, status) are
``RecordTableModel`` columns: editors from the field specs, every edit an undo command through the
controller. Three columns are computed from the row and shown read-only: the score (likelihood ×
impact, coloured by its band), the residual score, and what the analyses say of a seeded risk now
(its finding's severity, or that it has gone). A seeded risk's description follows its finding, so it
is not edited here; its source never is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from ...domain import risk_register as _rr
from ...domain.findings import Severity
from ...domain.model import Risk, RiskSource
from ...reports.document import status_of
from ...reports.sections.risks import IMPACT_WORDS, LIKELIHOOD_WORDS, RATING_STATUS
from ..controller import WorkspaceController
from ..document_model import runs_of
from ..record_model import RecordTableModel
from ..roles import SORT_ROLE, STATUS_ROLE
from ..style import ROOT, Index, tone_of

#: the fields shown, in order; ``SCORE``, ``RESIDUAL`` and ``ANALYSES`` are computed columns
FIELDS = ["area", "description", "likelihood", "impact", "owner", "mitigation", "residual_likelihood",
          "residual_impact", "status"]
SCORE, RESIDUAL, ANALYSES = "score", "residual_score", "analyses"
LAYOUT = ["area", "description", "likelihood", "impact", SCORE, ANALYSES, "status", "owner", "mitigation",
          "residual_likelihood", "residual_impact", RESIDUAL]
HEADERS = {SCORE: "Score", RESIDUAL: "Residual score", ANALYSES: "The analyses say"}
TIPS = {SCORE: "Likelihood × impact: 1–6 green, 8–12 amber, 15–25 red (DOMAIN §6)",
        RESIDUAL: "Residual likelihood × residual impact: the score after the mitigation",
        ANALYSES: "For a risk seeded from the analyses: its finding's severity now, or that it is no longer raised"}
LONG = {"description", "mitigation"}  # shown cut short in a row: the tooltip has them whole
RESIDUALS = {"residual_likelihood", "residual_impact"}


class RiskTableModel(RecordTableModel):
    """The risks of the option ``option_id()`` (see the module's docstring)."""

    def __init__(self, controller: WorkspaceController, option_id: Callable[[], int | None], parent=None):
        self.option_id = option_id
        #: what the analyses say of each seeded risk, by risk id: (text, severity), from the view's findings
        self.analyses: dict[int, tuple[str, Severity | None]] = {}
        super().__init__(controller, Risk, list(FIELDS), self._rows, parent)

    def _rows(self) -> list[Risk]:
        oid = self.option_id()
        if oid is None:
            return []
        order = {e.risk_id: i for i, e in enumerate(_rr.register(self.controller.ws.children(Risk, oid)))}
        return sorted(self.controller.ws.children(Risk, oid), key=lambda r: order.get(r.id, 0))

    def set_analyses(self, said: dict[int, tuple[str, Severity | None]]) -> None:
        """Show what the analyses say of each seeded risk; the views are told of the rows where it changed only
        (every row's, on every result, repainted the column twice an edit for words an edit seldom moves)."""
        before, self.analyses = self.analyses, said
        column = LAYOUT.index(ANALYSES)
        changed = [row for row, risk in enumerate(self.rows)
                   if before.get(risk.id) != said.get(risk.id)]  # type: ignore[arg-type]
        for first, last in runs_of(changed):
            self.dataChanged.emit(self.index(first, column), self.index(last, column))

    # ------------------------------------------------------------------ columns
    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(LAYOUT)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(LAYOUT):
            name = LAYOUT[section]
            if name in HEADERS:
                if role == Qt.ItemDataRole.DisplayRole:
                    return HEADERS[name]
                if role == Qt.ItemDataRole.ToolTipRole:
                    return TIPS[name]
                return None
            return super().headerData(self.columns.index(name), orientation, role)
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        name = LAYOUT[index.column()]
        risk: Risk = self.rows[index.row()]  # type: ignore[assignment]
        if name not in HEADERS:
            if role == Qt.ItemDataRole.DisplayRole and name in RESIDUALS and getattr(risk, name) is None:
                return "–"  # not assessed yet
            if role == Qt.ItemDataRole.ToolTipRole and name in LONG and getattr(risk, name):
                origin = ("\n\n(Seeded from the analyses: it follows its finding.)"
                          if name == "description" and risk.source is RiskSource.ANALYSES else "")
                return getattr(risk, name) + origin
            return super().data(self.createIndex(index.row(), self.columns.index(name)), role)
        if name == ANALYSES:
            text, severity = self.analyses.get(risk.id, ("", None))  # type: ignore[arg-type]
            status = status_of(severity) if severity is not None else None
            return self._cell(role, text, status, severity.rank if severity is not None else -1,
                              TIPS[ANALYSES], right=False)
        if name == SCORE:
            likelihood, impact = risk.likelihood, risk.impact
        else:
            likelihood, impact = risk.residual_likelihood, risk.residual_impact  # type: ignore[assignment]
        if likelihood is None or impact is None:
            return self._cell(role, "–", None, -1, "Not assessed yet: give a residual likelihood and impact", right=True)
        score = likelihood * impact
        band = _rr.rating(score)
        tip = (f"Likelihood {likelihood} ({LIKELIHOOD_WORDS[likelihood]}) × impact {impact} "
               f"({IMPACT_WORDS[impact]}) = {score}: {band.value}")
        return self._cell(role, f"{score} {band.value}", RATING_STATUS[band], score, tip, right=True)

    @staticmethod
    def _cell(role: int, text: str, status, sort: int, tip: str, *, right: bool):
        tone = tone_of(status)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{tone.glyph} {text}" if tone is not None and text else text
        if role == Qt.ItemDataRole.BackgroundRole and tone is not None:
            return QBrush(QColor(tone.background))
        if role == Qt.ItemDataRole.ForegroundRole and tone is not None:
            return QBrush(QColor(tone.text))
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        if role == SORT_ROLE:
            return (1, sort)
        if role == STATUS_ROLE:
            return status
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        name = LAYOUT[index.column()]
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if name in HEADERS:
            return base
        risk = self.rows[index.row()] if 0 <= index.row() < len(self.rows) else None
        if name == "description" and isinstance(risk, Risk) and risk.source is RiskSource.ANALYSES:
            return base  # it follows its finding
        return super().flags(self.createIndex(index.row(), self.columns.index(name)))

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or LAYOUT[index.column()] in HEADERS:
            return False
        return super().setData(self.createIndex(index.row(), self.columns.index(LAYOUT[index.column()])), value, role)
