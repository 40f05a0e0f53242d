"""``MarketsView``: the Markets tab of a consortium option (issue 17, DOMAIN §7, §13).

Above: the option's new markets, edited in place (each earned by an organisation, normally a
member). Below: what ``reports/sections/markets.py`` builds from the ``markets`` and
``concentration`` analyses, the same blocks the investment case prints: concentration before and
after the bid in red/amber/green, shares by buyer type, the segments, the tender and the markets by
period, and each member's profit with its markets. The analyses run off the UI thread on a snapshot.
"""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QVBoxLayout, QWidget

from ..domain.model import ConsortiumOption, MarketSegment, Organisation
from ..domain.tasks import NEVER, CancelToken
from ..reports.document import Chart, Paragraph, Table
from ..reports.sections.markets import markets_blocks, month_labels, org_namer
from ..services.analyses import analyse_option
from ..services.markets import option_segments
from ..services.pipeline import NotApplicable, Refusal
from .analysis_view import OptionAnalysisView
from .compare.charts import CumulativeCashPanel
from .document_model import DocumentTableModel
from .document_table import DocumentTable
from .panels import RecordPanel, unique_name

#: the segment's columns in the tab's table (the option is the tab's own)
COLUMNS = ["name", "organisation_id", "kind", "buyer", "start_date", "customers_at_start", "new_per_month",
           "churn_pct", "hours_per_week", "rate", "rate_indexation_pct", "bad_debt_pct", "cost_per_hour",
           "cost_indexation_pct", "acquisition_cost", "annual_income", "annual_cost"]


class MarketsView(OptionAnalysisView):
    shows = ("markets", "concentration")
    background = True

    def __init__(self, controller, option_id, parent=None):
        super().__init__(controller, option_id, parent)
        ws = lambda: controller.ws  # noqa: E731 - the snapshot may be replaced

        def earners(field, row):
            option = ws().get(ConsortiumOption, option_id())
            members = ws().members(option.id) if option is not None else []
            orgs = [ws().get(Organisation, m.organisation_id) for m in members]
            return [(o.id, o.name) for o in orgs if o is not None]

        def new_segment() -> dict[str, Any] | None:
            oid = option_id()
            option = ws().get(ConsortiumOption, oid)
            if option is None:
                return None
            members = ws().members(option.id)
            if not members:
                return None
            lead = option.lead_organisation_id or members[0].organisation_id
            return {"option_id": oid, "organisation_id": lead,
                    "name": unique_name("New market", {s.name for s in option_segments(ws(), oid)})}

        self.segments = RecordPanel(
            controller, MarketSegment, COLUMNS, lambda: option_segments(ws(), option_id()) if option_id() else [],
            new_segment, title="New markets: self-funders, direct payments, budgets, other contracts, grants",
            ref_choices=earners, nothing_to_add="add a member to the option first: a market is earned by a member")
        self.lead = QLabel()
        self.lead.setWordWrap(True)
        self.lead.setTextFormat(Qt.TextFormat.PlainText)
        self.results = QWidget()
        self.results_layout = QVBoxLayout(self.results)
        self.results_layout.setContentsMargins(0, 0, 0, 0)
        self.results_layout.addWidget(self.lead)
        self.chart = CumulativeCashPanel()
        self.results_layout.addWidget(self.chart)
        self.chart.setMinimumHeight(320)
        self.tables: dict[str, tuple[DocumentTableModel, DocumentTable, QLabel]] = {}
        self.notes: list[QLabel] = []
        self.results_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.results)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.segments)
        split.addWidget(scroll)
        split.setStretchFactor(1, 3)
        split.setSizes([150, 450])  # a few markets above; the figures get the room
        self.body.addWidget(split, 1)

    def reload_inputs(self) -> None:
        self.segments.reload()

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:
        results = analyse_option(ws, option_id, self.shows, cancelled=cancelled)
        values = {}
        for name in self.shows:
            v = results[name]
            if isinstance(v, Refusal | NotApplicable):
                raise ValueError(v.reason)
            values[name] = v
        return markets_blocks(values["markets"], values["concentration"], org_namer(ws)), month_labels(values["markets"])

    def _table(self, table: Table) -> DocumentTableModel:
        if table.key not in self.tables:
            model = DocumentTableModel(parent=self)
            view = DocumentTable(model, height="fixed", max_width=260)
            title = QLabel()
            title.setWordWrap(True)
            self.tables[table.key] = (model, view, title)
        model, view, title = self.tables[table.key]
        title.setText(f"<b>{escape(table.title)}</b>" + (f"<br><span style='color:#555'>{escape(table.note)}</span>"
                                                          if table.note else ""))
        return model

    def show_result(self, result) -> None:
        blocks, months = result
        self.lead.setText("\n\n".join(b.text for b in blocks if isinstance(b, Paragraph)))
        order: list[QWidget] = [self.lead]
        for b in blocks:
            if isinstance(b, Table):
                self._table(b).set_table(b)
                _model, view, title = self.tables[b.key]
                order += [title, view]
            elif isinstance(b, Chart):
                self.chart.show_chart(b, months, key="total")
                order.append(self.chart)
        layout = self.results_layout
        everything = [self.lead, self.chart] + [w for _m, view, title in self.tables.values() for w in (title, view)]
        wanted = order + [w for w in everything if w not in order]
        if [layout.itemAt(i).widget() for i in range(layout.count() - 1)] != wanted:
            # the widgets in the blocks' order (inserted before shown: never a window of its own); only when it
            # changes: taken out and put back on every result, they were laid out and painted again (the lead
            # paragraph twice an edit on the demo)
            for w in everything:
                layout.removeWidget(w)
            for i, w in enumerate(wanted):
                layout.insertWidget(i, w)
        for w in everything:
            if w.isHidden() == (w in order):
                w.setVisible(w in order)
        self.results.setVisible(True)

    def show_message(self, text: str) -> None:
        super().show_message(text)
        self.results.setVisible(False)
