"""The Coverage tab's heat map on a tender of two lots: the same rows, columns and cells as
``coverage_heatmap(coverage_grid(...))``, the chart the investment case and the workbook show, with a
service line and area that is in both lots summed into one cell in the worst status of the two."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from views_support import Selection

from consortium_planner.domain.capacity import CoverageStatus, coverage_grid
from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    Lot,
    Member,
    Organisation,
    Requirement,
    Tender,
)
from consortium_planner.gui.capacity import CapacityView
from consortium_planner.gui.controller import WorkspaceController
from consortium_planner.gui.roles import CELL_ROLE, STATUS_ROLE, VALUE_ROLE
from consortium_planner.gui.style import RED
from consortium_planner.reports.document import Status
from consortium_planner.reports.sections.capacity import coverage_heatmap
from consortium_planner.services import analyses
from consortium_planner.services.session import WorkspaceSession

SHARED = ("Homecare", "Northgate")  # in both lots: covered in lot A, a gap in lot B


def build(path):
    """Two lots over three areas and three service lines; Homecare in Northgate is in both lots."""
    s = WorkspaceSession.create(path)
    org, _ = s.add(Organisation, {"name": "Northgate Care Mutual", "home_area": "Northgate"})
    for line in ("Homecare", "Carers' support", "Reablement"):
        for area in ("Northgate", "Southmoor", "Eastfield"):
            s.add(Capacity, {"organisation_id": org.id, "service_line": line, "area": area,
                             "units_per_year": "20000", "max_growth_pct": "10", "lead_time_months": "2"})
    t, _ = s.add(Tender, {"name": "Community care", "annual_value": "2000000", "start_date": "01/04/2027"})
    lot_a, _ = s.add(Lot, {"tender_id": t.id, "name": "Lot A"})
    lot_b, _ = s.add(Lot, {"tender_id": t.id, "name": "Lot B"})
    wanted = [  # (lot, service line, area, required, allocated)
        (lot_a, "Homecare", "Northgate", "4000", "4000"),
        (lot_a, "Homecare", "Southmoor", "3000", "3000"),
        (lot_a, "Carers' support", "Northgate", "1000", "400"),
        (lot_b, "Reablement", "Eastfield", "2000", "2000"),
        (lot_b, "Homecare", "Northgate", "2000", "0"),
        (lot_b, "Carers' support", "Eastfield", "1500", "1500"),
    ]
    op, _ = s.add(ConsortiumOption, {"tender_id": t.id, "name": "Go alone", "lead_organisation_id": org.id})
    member, _ = s.add(Member, {"option_id": op.id, "organisation_id": org.id, "participation_pct": "100"})
    for lot, line, area, required, allocated in wanted:
        r, _ = s.add(Requirement, {"tender_id": t.id, "lot_id": lot.id, "service_line": line, "area": area,
                                   "annual_volume": required})
        if allocated != "0":
            s.add(Allocation, {"option_id": op.id, "requirement_id": r.id, "member_id": member.id,
                               "volume": allocated})
    s.close()
    return path


@pytest.fixture
def controller(qapp, tmp_path):
    session = WorkspaceSession.open(build(tmp_path / "two-lots.cplan"))
    yield WorkspaceController(session)
    session.close()


def test_coverage_tab_shows_the_case_heat_map_cell_for_cell(controller, qtbot):
    ws = controller.ws
    option_id = ws.options()[0].id
    coverage = analyses.coverage(ws, option_id)
    by_lot = {r.lot_id: r.status for r in coverage.requirements if (r.service_line, r.area) == SHARED}
    assert sorted(by_lot.values()) == sorted([CoverageStatus.COVERED, CoverageStatus.GAP])  # a gap in one lot only
    chart = coverage_heatmap(coverage_grid(coverage))

    view = CapacityView(controller, Selection(option_id))
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitUntil(lambda: view.result is not None and view.heat_model.rowCount() > 0)
    m = view.heat_model

    # the same rows and columns, in the same order, as the chart the case and the workbook show
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())] == list(chart.categories)
    assert len(chart.categories) == 3 and len(chart.series) == 3
    assert [m.headerData(r, Qt.Orientation.Vertical).split("\n")[0] for r in range(m.rowCount())] == [
        s.name for s in chart.series]
    # cell for cell: the value, the status and the details
    for r, s in enumerate(chart.series):
        for c in range(len(chart.categories)):
            index = m.index(r, c)
            assert index.data(VALUE_ROLE) == s.values[c]
            assert index.data(STATUS_ROLE) == s.statuses[c]
            assert index.data(Qt.ItemDataRole.ToolTipRole) == (s.notes[c] or None)
            assert s.details[c] in index.data()

    # the shared cell: both lots summed, in the worst status of the two
    row, col = m.row_of(SHARED[0]), m.column_of(SHARED[1])
    shared = m.index(row, col)
    cell = shared.data(CELL_ROLE)
    assert len(cell.requirement_ids) == 2
    assert (cell.required, cell.allocated, cell.shortfall) == (Decimal(6000), Decimal(4000), Decimal(2000))
    assert shared.data(VALUE_ROLE) == Decimal("66.67")  # 4,000 of 6,000, not either lot's own percentage
    assert shared.data(STATUS_ROLE) == Status.RED and cell.status is CoverageStatus.GAP
    assert shared.data() == "✗ 67%\n2,000 short"
    assert shared.data(Qt.ItemDataRole.BackgroundRole).color().name() == RED.background
    # a service line and area no lot requires is shown as not required
    empty = m.index(m.row_of("Reablement"), m.column_of("Northgate"))
    assert empty.data() == "–" and empty.data(STATUS_ROLE) is None and empty.data(CELL_ROLE).status is None
    # selecting the shared cell says that two requirements share it
    view.heat_map.setCurrentIndex(shared)
    assert "2 requirements share this cell" in view.cell_details.toPlainText()
