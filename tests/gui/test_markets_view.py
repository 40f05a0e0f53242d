"""The Markets tab on the demo: concentration first (its worst news as the lead), the new markets edited in
place (an edit changes the figures, one undo step), and the Organisations page's Income tab."""

import pytest
from views_support import SPV, demo_path_fixture, main_window, option_id, settle  # noqa: F401 (fixtures)

from consortium_planner.domain.model import MarketSegment
from consortium_planner.gui.markets_view import MarketsView
from consortium_planner.services.analyses import one


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def _show(window, qtbot, name) -> MarketsView:
    page = window.show_page("Consortium options")
    page.master.table.select_id(option_id(window.controller, name))
    view = page.analysis_views["Markets"]
    page.tabs.setCurrentWidget(view)
    settle(qtbot, view)
    return view


def _model(view, key):
    return view.tables[key][0]


def test_the_tab_leads_with_concentration_and_shows_the_analyses_figures(window, qtbot):
    view = _show(window, qtbot, SPV)
    c = window.controller
    conc = one(c.ws, option_id(c, SPV), "concentration")
    worst = next(f for f in conc.findings if f.code == "concentration")
    assert view.lead.text().startswith(worst.message)
    model = _model(view, "concentration")
    assert model.text(0, 0) == "Consortium" and model.text(1, 1) == "after"
    largest = conc.consortium.after.measure("largest").value
    assert model.text(1, 3) == f"{largest:.0f}%"
    segments = _model(view, "market_segments")
    assert segments.rowCount() == 2 == view.segments.model.rowCount()
    assert view.tables["markets_by_period"][1].isVisible()


def test_a_new_market_typed_in_changes_the_figures_and_undoes_in_one_step(window, qtbot):
    view = _show(window, qtbot, SPV)
    c = window.controller
    oid = option_id(c, SPV)
    before = one(c.ws, oid, "markets").market_revenue
    view.segments.add_record()
    settle(qtbot, view)
    [new] = [s for s in c.ws.by(MarketSegment, "option_id", oid) if s.name == "New market"]
    c.set_field(MarketSegment, new.id, "annual_income", "120000")
    settle(qtbot, view)
    assert _model(view, "market_segments").rowCount() == 3
    after = one(c.ws, oid, "markets").market_revenue
    assert after > before
    table = _model(view, "market_segments")
    row = next(r for r in range(table.rowCount()) if table.text(r, 0) == "New market")
    added = next(s for s in one(c.ws, oid, "markets").segments if s.name == "New market")
    assert table.cell(row, table.column_of("Revenue")).value == added.revenue > 0
    c.undo_stack.undo()
    c.undo_stack.undo()
    settle(qtbot, view)
    assert _model(view, "market_segments").rowCount() == 2
    assert one(c.ws, oid, "markets").market_revenue == before


def test_an_organisations_income_today_is_its_own_tab(window, qtbot):
    page = window.show_page("Organisations")
    c = window.controller
    org = next(o for o in c.ws.organisations() if o.name == "Westmarch Care Mutual")
    page.master.table.select_id(org.id)
    page.tabs.setCurrentWidget(page.markets)
    qtbot.wait(50)
    names = {page.markets.model.data(page.markets.model.index(r, 0)) for r in range(page.markets.model.rowCount())}
    assert names == {"Homecare framework", "Direct payments"}


def test_a_hidden_tab_leaves_its_market_table_alone_until_it_is_shown_for_another_option(window, qtbot):
    """An edit elsewhere costs a hidden tab nothing: its input table is reloaded when it is next shown for
    another option (issue 22: hidden tabs' tables were rebuilt on every allocation edit)."""
    from views_support import GO_ALONE

    from consortium_planner.domain.model import Allocation

    view = _show(window, qtbot, SPV)
    page = window.show_page("Consortium options")
    page.tabs.setCurrentWidget(page.analysis_views["Capacity"])
    resets = []
    view.segments.model.modelReset.connect(lambda: resets.append(1))
    c = window.controller
    alloc = c.ws.allocations(option_id(c, SPV))[0]
    c.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 1))
    qtbot.wait(50)
    assert resets == []
    page.master.table.select_id(option_id(c, GO_ALONE))
    qtbot.wait(50)
    assert resets == []  # still hidden
    page.tabs.setCurrentWidget(view)
    settle(qtbot, view)
    assert resets == [1]
    ids = {view.segments.model.rows[r].option_id for r in range(view.segments.model.rowCount())}
    assert ids <= {option_id(c, GO_ALONE)}


def test_an_edit_that_keeps_the_blocks_leaves_the_widgets_where_they_are(window, qtbot, monkeypatch):
    """The figures change, the blocks do not: the widgets are not taken out of the layout and put back (each time
    they were laid out and painted again), and they stay in the blocks' order."""
    view = _show(window, qtbot, SPV)
    c = window.controller
    layout = view.results_layout
    before = [layout.itemAt(i).widget() for i in range(layout.count() - 1)]
    assert before[0] is view.lead and view.tables["concentration"][2] in before
    taken: list = []
    monkeypatch.setattr(layout, "removeWidget", lambda w: taken.append(w))
    oid = option_id(c, SPV)
    segment = c.ws.by(MarketSegment, "option_id", oid)[0]
    c.set_field(MarketSegment, segment.id, "annual_income", str(segment.annual_income + 50_000))
    settle(qtbot, view)
    table = _model(view, "market_segments")
    row = next(r for r in range(table.rowCount()) if table.text(r, 0) == segment.name)
    now = next(s for s in one(c.ws, oid, "markets").segments if s.name == segment.name)
    assert table.cell(row, table.column_of("Revenue")).value == now.revenue  # the new figures are on show
    assert taken == [] and [layout.itemAt(i).widget() for i in range(layout.count() - 1)] == before
