"""Financial standing of the selected consortium option (DOMAIN §2): presentation only.

The figures, statuses, explanations and mitigations all come from
``services.analyses.standing``; this module only lays them out:

* a header: the overall risk as a coloured badge with its explanation, the tender's context,
  who the buyer tests and why, and the analysis's warnings;
* a table of metrics × (the entity the buyer tests, then each member), cells coloured by status
  with the explanation as tooltip, and three rows for the turnover test;
* below it, every fail with its mitigations (guarantee, performance bond, what it would take),
  the cautions and tests that could not be run, and reserved-contract eligibility.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..domain.money import format_gbp
from ..domain.standing import Fail, ReservedVerdict, Risk, StandingResult, Status
from ..domain.tasks import NEVER, CancelToken
from ..reports.document import Status as Colour
from ..services import analyses
from .analysis_view import OptionAnalysisView
from .document_model import EMPTY_TABLE, DocumentTableModel
from .roles import SORT_ROLE
from .sorting import SortProxy
from .standing_rows import FIRST_ENTITY_COL, PASS_MARK_COL, cell_text, standing_table
from .style import (
    AMBER,
    GREEN,
    GREY,
    RED,
    Index,
    Tone,
    badge_html,
    banner_style,
    cell_font,
    chip_style,
    italic_label,
    read_only_table,
    restyle,
    rich_label,
    show_warning_lines,
    table_height,
    tone_icon,
    tone_of,
    two_pane,
)
from .style import esc as _e
from .zoom import scaled

# --------------------------------------------------------------------------- colours

RISK_PALETTE: dict[Risk, Tone] = {Risk.LOW: GREEN, Risk.MEDIUM: AMBER, Risk.HIGH: RED}
VERDICT_PALETTE: dict[ReservedVerdict, Tone] = {
    ReservedVerdict.ELIGIBLE: GREEN,
    ReservedVerdict.CHECK: AMBER,
    ReservedVerdict.NOT_ELIGIBLE: RED,
}


# --------------------------------------------------------------------------- the table


class StandingTableModel(DocumentTableModel):
    """The standing table (``standing_rows.standing_table``) as the generic document model shows it,
    with what this table adds: an icon per status (colour is not the only signal), the tested
    entity's heading in bold, columns found by an entity's name, and sorting that brings a column's
    fails to the top (worst first, then the order of the tests)."""

    COL_PASS_MARK = PASS_MARK_COL
    FIRST_ENTITY_COL = FIRST_ENTITY_COL

    def __init__(self, parent=None):
        super().__init__(row_header=True, parent=parent)
        self._tested: frozenset[int] = frozenset()

    def set_result(self, result: StandingResult | None) -> None:
        if result is None:
            self.set_table(EMPTY_TABLE)
            self._tested = frozenset()
            return
        self._tested = frozenset(FIRST_ENTITY_COL + i for i in range(len(result.tested)))
        self.set_table(standing_table(result))

    def column_of(self, title: str) -> int:
        """The column whose heading starts with ``title`` (line breaks read as spaces) or whose
        entity is called ``title`` (-1 if none)."""
        for i in range(self.columnCount()):
            col = self.column(i)
            if col.title.replace("\n", " ").startswith(title) or col.note.split("\n", 1)[0] == title:
                return i
        return -1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.FontRole and section in self._tested:
                return cell_font()
            if role == Qt.ItemDataRole.TextAlignmentRole:  # an entity's name over its column
                return int(Qt.AlignmentFlag.AlignCenter)
        return super().headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if index.isValid() and index.column() >= FIRST_ENTITY_COL:
            status = self.cell(index.row(), index.column()).status
            if role == Qt.ItemDataRole.DecorationRole:
                tone = tone_of(status)
                return tone_icon(tone) if tone is not None else None
            if role == SORT_ROLE:
                return (_RANK.get(status, len(_RANK)), index.row())
        elif index.isValid() and role == SORT_ROLE:
            return (0, index.row())  # the pass marks keep the tests' order
        return super().data(index, role)


_RANK = {Colour.RED: 0, Colour.AMBER: 1, Colour.GREEN: 2, Colour.GREY: 3}


# --------------------------------------------------------------------------- the text below the table


def _bold(text: str, *phrases: str) -> str:
    """``text`` escaped, with the first occurrence of each phrase in bold."""
    out = _e(text)
    for phrase in phrases:
        out = out.replace(_e(phrase), f"<b>{_e(phrase)}</b>", 1)
    return out


def _fail_html(f: Fail, many_entities: bool) -> str:
    r = f.result
    head = f"{r.metric.label}" + (f" — {f.entity_name}" if many_entities else "")
    out = [f'<h4 style="margin-bottom:2px;">{badge_html("Fail", RED)}&nbsp; {_e(head)}</h4>',
           f"<p style='margin-top:2px;'><b>Why:</b> {_e(r.explanation)}</p>"]
    rows = []
    g = f.guarantee
    names = {c.organisation_id: c.name for c in g.candidates}
    cand = []
    for c in g.candidates:
        covers = ("net assets not given" if c.covers_amount is None else
                  "net assets cover the amount" if c.covers_amount else "net assets below the amount")
        cures = "would cure it" if c.cures else "would not cure it alone"
        cand.append(f"<li>{_e(c.name)}: net assets {_e(format_gbp(c.net_assets))} ({covers}); {cures}</li>")
    cure = (f"<br>Guarantors who together cure it: {_e(', '.join(names.get(i, str(i)) for i in g.cure_with))}."
            if len(g.cure_with) > 1 else "")
    rows.append(("Guarantee", _bold(g.explanation, format_gbp(g.amount)) + cure
                 + (f"<ul style='margin-top:2px; margin-bottom:0;'>{''.join(cand)}</ul>" if cand else "")))
    b = f.bond
    rows.append(("Performance bond", _bold(b.explanation, format_gbp(b.amount), format_gbp(b.annual_cost) + " a year")))
    w = f.what_it_would_take
    label = w.line_item_label[0].upper() + w.line_item_label[1:]
    now = f" {_e(label)} now: {_e(format_gbp(w.current))}." if w.current is not None else ""
    take = (_bold(w.explanation, f"{format_gbp(w.extra)} more {w.line_item_label}") + now if w.extra is not None
            else _bold(w.explanation, "cannot pass"))
    closers = "".join(
        f"<li>{_e(c.name)} (its {_e(w.line_item_label)}: {_e(format_gbp(c.contributes))}) — with it: "
        f"{_e(cell_text(c.result))}, {_e(c.result.status.label.lower())}</li>" for c in w.closers)
    rows.append(("What it would take", take
                 + (f"<br><b>Organisations outside the option that would close the gap:</b>"
                    f"<ul style='margin-top:0;'>{closers}</ul>" if closers else "")))
    table = "".join(f"<tr><td style='padding:2px 10px 2px 0; white-space:nowrap;' valign='top'><b>{_e(k)}</b></td>"
                    f"<td style='padding:2px 0;'>{v}</td></tr>" for k, v in rows)
    out.append(f"<table cellspacing='0' style='margin-left:12px;'>{table}</table>")
    return "".join(out)


def details_html(result: StandingResult) -> str:
    """Fails with their mitigations, cautions, and reserved-contract eligibility, as HTML."""
    many = len(result.tested) > 1
    parts = ["<h3 style='margin-top:0;'>Fails and how to mitigate them</h3>"]
    if result.fails:
        parts.extend(_fail_html(f, many) for f in result.fails)
    else:
        names = ", ".join(t.name for t in result.tested) or "the tested entity"
        parts.append(f"<p>{badge_html('No fails', GREEN)}&nbsp; No test fails for {_e(names)}, so no guarantee or "
                     "bond is needed on financial standing grounds.</p>")
    cautions = [r for t in result.tested for r in t.metrics if r.status is Status.AMBER]
    if cautions:
        items = "".join(f"<li>{_e(r.explanation)}</li>" for r in cautions)
        parts.append(f"<p style='margin-bottom:0;'>{badge_html('Pass with caution', AMBER)}&nbsp; buyers may ask about "
                     f"these:</p><ul style='margin-top:2px;'>{items}</ul>")
    unrun = [r for t in result.tested for r in t.metrics if r.status in (Status.NOT_GIVEN, Status.UNDEFINED)]
    if unrun:
        items = "".join(f"<li>{_e(r.explanation)}</li>" for r in unrun)
        parts.append(f"<p style='margin-bottom:0;'>{badge_html('Not run', GREY)}&nbsp; tests that could not be run on "
                     f"the tested accounts:</p><ul style='margin-top:2px;'>{items}</ul>")

    res = result.reserved
    title = ("Reserved contract eligibility (PCR15 reg 77)" if res.max_term_years == 3
             else "Reserved contract eligibility (PA23 s33)")
    parts.append(f"<h3>{_e(title)}</h3>")
    flagged = ("The tender <b>is</b> marked as reserved for public service mutuals."
               if res.tender_reserved else "The tender is not marked as reserved for public service mutuals; "
               "this says whether the option could bid if it were.")
    parts.append(f"<p>{badge_html(res.verdict.label, VERDICT_PALETTE[res.verdict])}&nbsp; {flagged}</p>")
    marks = {True: badge_html("Yes", GREEN), False: badge_html("No", RED), None: badge_html("Check", AMBER)}
    checks = "".join(f"<tr><td style='padding:2px 8px 2px 0;' valign='top'>{marks[c.passed]}</td>"
                     f"<td style='padding:2px 0;'>{_e(c.explanation)}</td></tr>" for c in res.checks)
    if checks:
        parts.append(f"<table cellspacing='0' style='margin-left:12px;'>{checks}</table>")
    if res.caveats:
        items = "".join(f"<li>{_e(c)}</li>" for c in res.caveats)
        parts.append(f"<p style='margin-bottom:0;'><i>The workspace cannot show these, so check them:</i></p>"
                     f"<ul style='margin-top:2px;'>{items}</ul>")
    return "".join(parts)


# --------------------------------------------------------------------------- the view


class StandingTable(QTableView):
    def __init__(self, model: StandingTableModel, parent=None):
        super().__init__(parent)
        self.source = model
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(model)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        read_only_table(self, select_rows=False)
        self.setWordWrap(True)  # a long reason ("undefined: …") wraps rather than being cut off
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIconSize(QSize(scaled(14), scaled(14)))
        rows = self.verticalHeader()
        rows.setDefaultSectionSize(scaled(24))
        rows.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setHighlightSections(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter | Qt.AlignmentFlag.AlignVCenter)
        header.setToolTip("Click a column to bring its fails to the top; click again to reverse")
        model.modelReset.connect(self.resize_columns)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.preferred_height())

    def resize_columns(self) -> None:
        self.resizeColumnsToContents()
        fm = self.fontMetrics()
        for c in range(self.source.columnCount()):
            lo, hi = (90, 190) if c == StandingTableModel.COL_PASS_MARK else (100, 200)
            if self.sizeHintForColumn(c) > hi:
                hi += 60  # room for a reason ("undefined: …") to wrap onto two lines, not three
            if c >= StandingTableModel.FIRST_ENTITY_COL:
                title = str(self.source.headerData(c, Qt.Orientation.Horizontal) or "")
                lo = max(lo, max((fm.horizontalAdvance(line) for line in title.split("\n")), default=0) + 24)
            self.setColumnWidth(c, min(max(self.columnWidth(c), lo), max(hi, lo)))
        rows = self.verticalHeader()
        for r in range(self.source.rowCount()):
            rows.resizeSection(r, max(rows.defaultSectionSize(), self.sizeHintForRow(r)))
        self.setMaximumHeight(self.preferred_height())  # no empty band below the last row
        self.updateGeometry()

    def preferred_height(self) -> int:
        return table_height(self)


class StandingHeader(QWidget):
    """Risk badge and explanation, the tender's context, who is tested, and warnings."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(8)
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.risk = QLabel()
        self.risk.setWordWrap(True)
        self.risk.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.risk, 1)
        layout.addLayout(top)
        self.context = italic_label()
        layout.addWidget(self.context)
        self.rule = rich_label()
        layout.addWidget(self.rule)
        self.warnings = rich_label()
        self.warnings.setStyleSheet(banner_style(AMBER, "4px 6px"))
        layout.addWidget(self.warnings)

    def show_result(self, result: StandingResult) -> None:
        pal = RISK_PALETTE[result.risk]
        self.badge.setText(f"{pal.glyph}  {result.risk.label} risk")
        restyle(self.badge, chip_style(pal, 4, "3px 10px"))
        self.badge.setAccessibleName(f"Overall risk: {result.risk.label}")
        self.risk.setText(result.risk_explanation)
        self.context.setText(
            f"{result.tender_name} · {result.regime.label} · {format_gbp(result.annual_value)} a year · "
            f"{result.structure.label} · each member's share of the contract by {result.share_basis}")
        tested = result.tested
        rules = list(dict.fromkeys(t.rule for t in tested))
        names = "; ".join(_e(t.name) + ("" if t.has_track_record else " (no track record of its own)")
                          for t in tested)
        self.rule.setText(f"<b>The buyer tests:</b> {names}. {' '.join(_e(r) for r in rules)}")
        show_warning_lines(self.warnings, result.warnings)


class StandingView(OptionAnalysisView):
    """Financial standing of the selected option: risk, metrics table, fails, reserved contracts."""

    shows = ("standing",)

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.header = StandingHeader()
        layout.addWidget(self.header)
        self.model = StandingTableModel(self)
        self.table = StandingTable(self.model)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        self.details.document().setDocumentMargin(8)
        self._details_html = ""  # what ``details`` holds
        self.splitter = two_pane(Qt.Orientation.Vertical, self.table, self.details, (0, 1))
        layout.addWidget(self.splitter, 1)
        self.body.addWidget(self.content, 1)
        self.content.setVisible(False)
        self._user_sized = False  # once the user drags the splitter, leave it where they put it
        self.splitter.splitterMoved.connect(self._on_splitter_moved)

    def _on_splitter_moved(self, *_args) -> None:
        self._user_sized = True

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> StandingResult:
        return analyses.one(ws, option_id, "standing", cancelled=cancelled)

    def show_result(self, result: StandingResult) -> None:
        scroll = self.details.verticalScrollBar().value()
        hscroll = self.table.horizontalScrollBar().value()
        self.header.show_result(result)
        self.model.set_result(result)
        html = details_html(result)
        if html != self._details_html:  # laying the same document out again took 1.4 ms an edit (issue 22)
            self._details_html = html
            self.details.setHtml(html)
        self.details.verticalScrollBar().setValue(scroll)
        self.table.horizontalScrollBar().setValue(hscroll)
        self.content.setVisible(True)
        if not self._user_sized:
            table = self.table.preferred_height()
            self.splitter.setSizes([table, max(self.splitter.height() - table, 120)])

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.content.setVisible(False)
        self.model.set_result(None)
