"""The Tenders page's Route tab (issue 18): the PSR screener follows the tender's form as it is edited."""

import pytest
from views_support import demo_path_fixture, main_window  # noqa: F401 (fixtures)

from consortium_planner.domain.model import Tender


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def test_the_route_tab_follows_the_tenders_facts(window, qtbot):
    c = window.controller
    tender = c.ws.tenders()[0]
    page = window.show_page("Tenders")
    page.master.table.select_id(tender.id)
    page.tabs.setCurrentWidget(page.route)
    qtbot.wait(20)
    assert "does not apply" in page.route.text.text()
    assert not page.route.views["route_processes"][1].isVisible()
    assert c.set_field(Tender, tender.id, "regime", "psr")
    assert c.set_field(Tender, tender.id, "psr_incumbent", "Westmarch Care Mutual")
    assert c.set_field(Tender, tender.id, "psr_incumbent_satisfactory", True)
    qtbot.wait(20)
    assert "Direct award C" in page.route.text.text()
    model = page.route.models["route_processes"]
    assert [model.text(r, 1) for r in range(model.rowCount())] == ["no", "no", "yes", "yes", "yes"]
    # a considerable change closes direct award C: the tab follows the edit
    assert c.set_field(Tender, tender.id, "psr_current_lifetime_value", "1000000")
    qtbot.wait(20)
    assert model.text(2, 1) == "no" and "considerable change" in model.text(2, 2)
    assert page.route.views["route_change"][1].isVisible()
    c.undo_stack.undo()
    qtbot.wait(20)
    assert model.text(2, 1) == "yes"
