"""The GUI's renderers of the document model: ``DocumentTableModel``, ``HeatMapModel`` and ``DocumentTable``."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from views_support import GO_ALONE, controller_fixture, demo_path_fixture, option_id  # noqa: F401 (fixtures)

from consortium_planner.domain.capacity import coverage_grid
from consortium_planner.gui.document_model import DocumentTableModel, HeatMapModel
from consortium_planner.gui.document_table import DocumentTable
from consortium_planner.gui.roles import CELL_ROLE, HIGHLIGHT_ROLE, SORT_ROLE, STATUS_ROLE, VALUE_ROLE
from consortium_planner.gui.style import AMBER, NEGATIVE_TEXT, RED
from consortium_planner.reports.document import Cell, Chart, ChartKind, Column, Kind, Series, Status, Table
from consortium_planner.reports.sections.capacity import coverage_heatmap
from consortium_planner.services import analyses

D = Decimal
DISPLAY, TIP = Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole
BG, FG, FONT = Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.FontRole

PRICES = Table(
    "prices",
    (Column("Bid", note="Who bids"), Column("Annual price", Kind.MONEY, note="Σ unit price × volume"),
     Column("Score", Kind.NUMBER), Column("Change", Kind.PERCENT)),
    (
        (Cell("Rival A"), Cell(D("10")), Cell(D("71.5")), Cell(D("-2.5"))),
        (Cell("Ours", note="our bid"), Cell(D("9"), status=Status.RED, note="over the ceiling"), Cell(D("80")),
         Cell(None)),
        (Cell("Rival B"), Cell(D("100")), Cell(None), Cell(D("3"), text="✓ 3%")),
        (Cell("Rival C"), Cell(D("-5")), Cell(D("1")), Cell(D("0"), status=Status.AMBER)),
        (Cell("Total", bold=True), Cell(D("114")), Cell("—"), Cell(None)),
    ),
    total_rows=1,
    highlight_rows=(1,),
)


def test_document_table_model_renders_the_table(qtmodeltester):
    m = DocumentTableModel(PRICES)
    qtmodeltester.check(m)
    assert (m.rowCount(), m.columnCount()) == (5, 4)
    # the text is the document's own (Table.text), cell by cell
    assert [[m.index(r, c).data() for c in range(4)] for r in range(5)] == PRICES.texts()
    assert m.index(0, 1).data() == "£10" and m.index(2, 3).data() == "✓ 3%" and m.index(1, 3).data() == "–"
    # headers and their notes
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == ["Bid", "Annual price", "Score", "Change"]
    assert m.headerData(1, Qt.Orientation.Horizontal, TIP) == "Σ unit price × volume"
    assert m.headerData(2, Qt.Orientation.Horizontal, TIP) is None
    # figures right-aligned, text left
    right = Qt.AlignmentFlag.AlignRight
    assert m.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole) & right
    assert not m.index(0, 0).data(Qt.ItemDataRole.TextAlignmentRole) & right
    # the tooltip is the cell's note; the status colours it in the screen's tones
    over = m.index(1, 1)
    assert over.data(TIP) == "over the ceiling" and m.index(0, 1).data(TIP) is None
    assert over.data(BG).color().name() == RED.background and over.data(FG).color().name() == RED.text
    assert over.data(STATUS_ROLE) == Status.RED and m.index(3, 3).data(BG).color().name() == AMBER.background
    # negative money in red; a negative percentage is not money
    assert m.index(3, 1).data(FG).color().name() == NEGATIVE_TEXT
    assert m.index(0, 3).data(FG) is None
    # the figure behind the text, for sorting and for tests
    assert m.index(2, 1).data(VALUE_ROLE) == D("100") and m.index(2, 3).data(VALUE_ROLE) == D("3")
    assert m.index(0, 0).data(VALUE_ROLE) is None and m.index(4, 2).data(VALUE_ROLE) is None
    assert m.index(0, 1).data(SORT_ROLE) < m.index(2, 1).data(SORT_ROLE)
    # total rows bold on a grey band; highlighted rows shaded
    assert m.index(4, 1).data(FONT).bold() and m.index(0, 1).data(FONT) is None
    assert m.index(4, 0).data(BG) is not None and m.index(1, 0).data(BG) is not None
    assert [m.index(r, 0).data(HIGHLIGHT_ROLE) for r in range(5)] == [False, True, False, False, False]
    # lookups
    assert m.row_of("Rival B") == 2 and m.key(2) == "Rival B" and m.row_of("nobody") == -1
    assert m.column_of("Annual price") == 1 and m.value("Ours", 1) == D("9")


def test_money_sorts_as_money_in_a_sortable_table(qtbot):
    """£9 < £10 < £100 as figures; as text "£10" < "£100" < "£9"."""
    table = Table("t", (Column("Bid"), Column("Annual price", Kind.MONEY)),
                  tuple((Cell(n), Cell(v)) for n, v in (("a", D("100")), ("b", D("9")), ("c", None), ("d", D("10")),
                                                         ("e", D("-1")))))
    view = DocumentTable(DocumentTableModel(table), sortable=True)
    qtbot.addWidget(view)
    view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    proxy = view.model()
    assert [proxy.index(r, 1).data() for r in range(5)] == ["–", "−£1", "£9", "£10", "£100"]
    assert [proxy.index(r, 0).data() for r in range(5)] == ["c", "e", "b", "d", "a"]
    view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 0).data() for r in range(5)] == ["e", "d", "c", "b", "a"]
    assert view.source_row(0) == 4


def test_row_header_puts_the_row_names_in_the_vertical_header(qtmodeltester):
    m = DocumentTableModel(PRICES, row_header=True)
    qtmodeltester.check(m)
    assert m.columnCount() == 3
    assert [m.headerData(r, Qt.Orientation.Vertical) for r in range(5)] == ["Rival A", "Ours", "Rival B", "Rival C",
                                                                           "Total"]
    assert m.headerData(1, Qt.Orientation.Vertical, TIP) == "our bid"
    assert m.headerData(4, Qt.Orientation.Vertical, FONT).bold()
    assert m.index(0, 0).data() == "£10" and m.column_of("Score") == 1 and m.cell(1, 0).status is Status.RED
    assert m.index(1, 1).data(TIP) == "our bid"  # a cell without a note says what its row is
    assert m.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) == "Rival A, Annual price: £10"
    empty = DocumentTableModel(row_header=True)
    qtmodeltester.check(empty)
    assert (empty.rowCount(), empty.columnCount()) == (0, 0)


def test_a_refresh_of_the_same_rows_updates_in_place(qtbot):
    m = DocumentTableModel()
    m.set_table(PRICES, keys=[1, 2, 3, 4, None])
    changed = Table(PRICES.key, PRICES.columns, ((Cell("Rival A"), Cell(D("11")), Cell(None), Cell(None)),)
                    + PRICES.rows[1:], total_rows=1)
    with qtbot.assertNotEmitted(m.modelReset), qtbot.waitSignal(m.dataChanged):
        m.set_table(changed, keys=[1, 2, 3, 4, None])
    assert m.index(0, 1).data() == "£11" and m.row_of(4) == 3
    with qtbot.waitSignal(m.modelReset):  # other rows: a reset
        m.set_table(changed, keys=[1, 2, 3, 5, None])
    with qtbot.waitSignal(m.modelReset):
        m.clear()
    assert m.rowCount() == 0


def test_an_in_place_refresh_tells_its_views_of_the_rows_that_changed_and_only_those():
    """The same figures again tell the views nothing (nothing is painted again); a changed figure, a colour
    alone or a row's band tells them of that row; scattered rows, of one range from the first to the last."""
    def told_by(model, table):
        told: list[tuple] = []
        model.dataChanged.connect(lambda a, b, *_: told.append(("data", a.row(), b.row(), a.column(), b.column())))
        model.headerDataChanged.connect(lambda o, a, b: told.append(("header", a, b)))
        model.refreshed.connect(lambda: told.append(("refreshed",)))
        model.set_table(table)
        model.dataChanged.disconnect()
        model.headerDataChanged.disconnect()
        model.refreshed.disconnect()
        return told

    def with_cell(table, row, cell, **kw):
        rows = list(table.rows)
        rows[row] = (*rows[row][:2], cell, *rows[row][3:])
        return Table(table.key, table.columns, tuple(rows), total_rows=table.total_rows,
                     highlight_rows=kw.get("highlight_rows", table.highlight_rows))

    m = DocumentTableModel(PRICES, row_header=True)
    assert told_by(m, Table(PRICES.key, PRICES.columns, tuple(tuple(Cell(**{f: getattr(c, f) for f in (
        "value", "status", "kind", "places", "note", "text", "bold", "italic")}) for c in r) for r in PRICES.rows),
        total_rows=1, highlight_rows=(1,))) == []  # equal, not the same objects
    assert told_by(m, with_cell(PRICES, 2, Cell(D("2")))) == [("data", 2, 2, 0, 2), ("header", 2, 2), ("refreshed",)]
    assert m.index(2, 1).data() == "2.00"
    assert told_by(m, with_cell(m.table, 2, Cell(D("2"), status=Status.RED))) == [("data", 2, 2, 0, 2),
                                                                                  ("header", 2, 2), ("refreshed",)]
    assert m.index(2, 1).data(STATUS_ROLE) == Status.RED
    assert told_by(m, with_cell(m.table, 2, Cell(D("2"), status=Status.RED), highlight_rows=(0, 1))) == [
        ("data", 0, 0, 0, 2), ("header", 0, 0), ("refreshed",)]

    many = Table("many", (Column("Name"), Column("Figure", Kind.NUMBER)),
                 tuple((Cell(f"Row {i}"), Cell(D(i))) for i in range(40)))
    m = DocumentTableModel(many)
    assert told_by(m, Table("many", many.columns, tuple(
        (Cell(f"Row {i}"), Cell(D(i + (1 if i in (3, 4, 9) else 0)))) for i in range(40)))) == [
        ("data", 3, 4, 0, 1), ("data", 9, 9, 0, 1), ("refreshed",)]
    every_fourth = Table("many", many.columns, tuple(
        (Cell(f"Row {i}"), Cell(D(i + 7 if i % 4 == 1 else i))) for i in range(40)))
    assert told_by(m, every_fourth) == [("data", 1, 37, 0, 1), ("refreshed",)]  # ten runs: one range


def test_a_table_refreshed_in_place_fits_its_columns_once_whatever_rows_changed(qtbot, monkeypatch):
    """A refresh in place that tells of several runs of rows fits the table's columns once, not once a run."""
    many = Table("many", (Column("Name"), Column("Figure", Kind.NUMBER)),
                 tuple((Cell(f"Row {i}"), Cell(D(i))) for i in range(40)))
    fitted: list[int] = []
    real = DocumentTable.fit_columns
    monkeypatch.setattr(DocumentTable, "fit_columns", lambda self: (fitted.append(1), real(self))[1])
    model = DocumentTableModel(many)
    table = DocumentTable(model)
    qtbot.addWidget(table)
    fitted.clear()
    model.set_table(Table("many", many.columns, tuple(
        (Cell(f"Row {i}"), Cell(D(i + (1 if i in (3, 9, 20) else 0)))) for i in range(40))))
    assert len(fitted) == 1


def test_columns_fit_their_widest_text_without_measuring_every_cell(qtbot):
    rows = tuple((Cell(f"Member {i}"), Cell(D(i * 1000))) for i in range(800))
    table = Table("big", (Column("Member"), Column("Allocated", Kind.MONEY)),
                  rows + ((Cell("A much longer member name than the rest"), Cell(D("1"))),))
    view = DocumentTable(DocumentTableModel(table), max_width=1000)
    qtbot.addWidget(view)
    fm = view.fontMetrics()
    assert view.columnWidth(0) >= fm.horizontalAdvance("A much longer member name than the rest")
    assert view.columnWidth(1) >= fm.horizontalAdvance("£799,000")
    # a user's width survives a refresh that changes no fitted width
    view.setColumnWidth(0, 500)
    view.source.set_table(table)
    assert view.columnWidth(0) == 500
    capped = DocumentTable(DocumentTableModel(table), max_widths={0: 120})
    qtbot.addWidget(capped)
    assert capped.columnWidth(0) == 120


def test_a_table_out_of_sight_fits_its_columns_when_shown(qtbot, monkeypatch):
    """New figures for a table on a tab not shown are not measured until the tab is shown (measuring is the
    slowest part of showing figures); then its columns fit them."""
    from PySide6.QtWidgets import QLabel, QTabWidget

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    view = DocumentTable(DocumentTableModel(PRICES), max_width=1000)
    tabs.addTab(QLabel("first"), "First")
    tabs.addTab(view, "Prices")
    tabs.resize(800, 400)
    tabs.show()
    qtbot.waitExposed(tabs)
    measured: list[int] = []
    real = DocumentTable.column_widths
    monkeypatch.setattr(DocumentTable, "column_widths", lambda self: measured.append(1) or real(self))
    longer = Table(PRICES.key, PRICES.columns,
                   ((Cell("A rival whose name is much longer than any before"),) + PRICES.rows[0][1:],) + PRICES.rows[1:],
                   total_rows=1)
    view.source.set_table(longer)
    assert not measured  # out of sight: nothing measured
    tabs.setCurrentIndex(1)
    assert measured
    assert view.columnWidth(0) >= view.fontMetrics().horizontalAdvance("A rival whose name is much longer than any before")
    measured.clear()
    view.source.set_table(PRICES)  # in sight: measured at once
    assert measured


def test_a_column_measured_before_keeps_its_width_and_every_width_is_as_measured_afresh(qtbot, monkeypatch):
    """An edit changes some columns' texts: only those are measured again. After every change (a text, a row
    made bold, the totals, a title, a limit, the font) each width is the one a new table measures."""
    from consortium_planner.gui import document_table

    view = DocumentTable(DocumentTableModel(PRICES), max_width=1000)
    qtbot.addWidget(view)
    measured: list[int] = []
    real = document_table.heapq.nlargest

    class Counting:
        @staticmethod
        def nlargest(n, group):
            measured.append(len(group))
            return real(n, group)

    monkeypatch.setattr(document_table, "heapq", Counting)

    def fresh(table: Table, **kw) -> list[int]:
        other = DocumentTable(DocumentTableModel(table), max_width=1000, **kw)
        other.setFont(view.font())
        qtbot.addWidget(other)
        return other.column_widths()

    rows = list(PRICES.rows)
    rows[0] = (rows[0][0], Cell(D("123456789")),) + rows[0][2:]  # the price column only
    priced = Table(PRICES.key, PRICES.columns, tuple(rows), total_rows=1, highlight_rows=(1,))
    measured.clear()
    view.source.set_table(priced)
    assert len(measured) == 2  # one column: its plain and its bold rows
    assert view.column_widths() == fresh(priced)
    measured.clear()
    assert view.column_widths() == fresh(priced) and len(measured) == 2 * 4  # the fresh table's, not ours
    rows[2] = (Cell("Rival B, the widest name", bold=True),) + rows[2][1:]  # a longer text, and bold
    bolder = Table(PRICES.key, PRICES.columns, tuple(rows), total_rows=1, highlight_rows=(1,))
    view.source.set_table(bolder)
    assert view.column_widths() == fresh(bolder)
    rows[2] = (Cell("Rival B, the widest name"),) + rows[2][1:]  # the same text, no longer bold
    plain = Table(PRICES.key, PRICES.columns, tuple(rows), total_rows=1, highlight_rows=(1,))
    view.source.set_table(plain)
    assert view.column_widths() == fresh(plain)
    no_totals = Table(PRICES.key, PRICES.columns, tuple(rows), total_rows=0)  # the last row is no longer bold
    view.source.set_table(no_totals)
    assert view.column_widths() == fresh(no_totals)
    titled = Table(PRICES.key, (Column("Bidder and the name it trades under"),) + PRICES.columns[1:], tuple(rows))
    view.source.set_table(titled)
    assert view.column_widths() == fresh(titled)
    view.max_widths = {0: 90}
    view.fit_columns()
    assert view.column_widths()[0] == 90
    view.max_widths = {}
    before = view.column_widths()
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    assert view.column_widths() == fresh(titled)
    assert view.column_widths()[1] > before[1]  # the bigger font, measured again


@pytest.fixture
def coverage(controller):
    return analyses.coverage(controller.ws, option_id(controller, GO_ALONE))


def test_heat_map_model_renders_the_heat_map_chart(qtmodeltester, coverage):
    grid = coverage_grid(coverage)
    chart = coverage_heatmap(grid)
    model = HeatMapModel()
    qtmodeltester.check(model)
    model.set_chart(chart, grid.cells)
    qtmodeltester.check(model)
    assert model.rowCount() == len(chart.series) and model.columnCount() == len(chart.categories)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == list(
        chart.categories)
    for r, s in enumerate(chart.series):
        assert model.headerData(r, Qt.Orientation.Vertical) == f"{s.name}\n{s.note}"
        for c in range(model.columnCount()):
            index = model.index(r, c)
            assert index.data(VALUE_ROLE) == s.values[c] and index.data(STATUS_ROLE) == s.statuses[c]
            assert index.data(TIP) == s.notes[c]
            assert index.data(CELL_ROLE) is grid.cells[r][c]
            assert s.details[c] in index.data()
    homecare = model.index(model.row_of("Homecare and reablement support"), model.column_of("Brackenmoor"))
    assert homecare.data() == "✗ 29%\n19,200 short"  # as the case's heat map prints it: percent to 0 places
    assert homecare.data(BG).color().name() == RED.background
    model.set_chart(None)
    assert model.rowCount() == model.columnCount() == 0
    qtmodeltester.check(model)


def test_heat_map_model_shows_an_empty_cell_as_not_there(qtmodeltester):
    chart = Chart("h", ChartKind.HEATMAP, "t", ("North", "South"),
                  (Series("Homecare", (D("50"), None), (Status.AMBER, None), ("10 short", ""), ("thin", "")),),
                  "Area", "Service line", y_kind=Kind.PERCENT, places=0)
    model = HeatMapModel()
    model.set_chart(chart)
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "! 50%\n10 short"
    empty = model.index(0, 1)
    assert empty.data() == "–" and empty.data(STATUS_ROLE) is None and empty.data(CELL_ROLE) is None
    assert empty.data(BG).color().name() == "#e9ecef"
    assert model.headerData(0, Qt.Orientation.Vertical) == "Homecare"


def test_a_heat_map_shown_again_unchanged_tells_its_views_nothing():
    """The same chart again (the risk matrices after an edit that moves no risk) changes nothing, so nothing is
    painted again; a chart with one value changed says so."""
    def chart(first):
        return Chart("h", ChartKind.HEATMAP, "t", ("North", "South"),
                     (Series("Homecare", (D(first), D("80")), (Status.AMBER, Status.GREEN), ("", ""), ("", "")),),
                     "Area", "Service line", y_kind=Kind.PERCENT, places=0)

    model = HeatMapModel()
    model.set_chart(chart("50"))
    told: list[str] = []
    model.modelReset.connect(lambda: told.append("reset"))
    model.dataChanged.connect(lambda *_: told.append("data"))
    model.headerDataChanged.connect(lambda *_: told.append("header"))
    model.set_chart(chart("50"))  # equal, not the same object
    assert told == []
    model.set_chart(chart("55"))
    assert told == ["data", "header"] and model.index(0, 0).data().endswith("55%")
