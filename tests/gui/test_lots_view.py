"""The Lots tab on the demo: the option's decision per lot edited in place (one undo step), the best set and
the reasons, the worst news first, and a cap that leaves a lot out."""

import pytest
from views_support import LEAD_PROVIDER, demo_path_fixture, main_window, option_id, settle  # noqa: F401

from consortium_planner.domain.model import LotBid, LotDecision, Tender
from consortium_planner.gui.lots_view import LotsView
from consortium_planner.services.analyses import one


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def _show(window, qtbot, name) -> LotsView:
    page = window.show_page("Consortium options")
    page.master.table.select_id(option_id(window.controller, name))
    view = page.analysis_views["Lots"]
    page.tabs.setCurrentWidget(view)
    settle(qtbot, view)
    return view


def _column(model, title):
    col = model.titles().index(title)
    return [model.text(r, col) for r in range(model.rowCount())]


def test_the_tab_shows_both_lots_in_the_best_set(window, qtbot):
    view = _show(window, qtbot, LEAD_PROVIDER)
    model = view.results.tables["lots"][0]
    assert model.rowCount() == 2
    assert _column(model, "Best set") == ["in", "in"]
    assert _column(model, "Decision") == ["Bid", "Choose for me"]
    assert view.decisions.model.rowCount() == 2
    assert view.results.text.text().startswith("<p><b>The best set is Lot 1")


def test_a_cap_of_one_and_both_lots_marked_bid_leads_with_the_warning_and_undoes(window, qtbot):
    view = _show(window, qtbot, LEAD_PROVIDER)
    c = window.controller
    oid = option_id(c, LEAD_PROVIDER)
    tender = c.ws.tenders()[0]
    c.set_field(Tender, tender.id, "max_lots_per_supplier", "1")
    settle(qtbot, view)
    assert _column(view.results.tables["lots"][0], "Best set") == ["in", "out"]
    lot2 = next(d for d in c.ws.by(LotBid, "option_id", oid) if d.decision is LotDecision.CHOOSE)
    c.set_field(LotBid, lot2.id, "decision", LotDecision.BID.label)
    settle(qtbot, view)
    assert view.results.text.text().startswith("<p><b>The lots marked to bid could not all be delivered")
    assert any(f.code == "lots_plan_breaks_limit" for f in one(c.ws, oid, "lots").findings)
    c.undo_stack.undo()
    settle(qtbot, view)
    assert c.ws.get(LotBid, lot2.id).decision is LotDecision.CHOOSE
    assert "could not all be delivered" not in view.results.text.text()
