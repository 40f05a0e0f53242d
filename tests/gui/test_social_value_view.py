"""The Social value tab on the demo: the Eastmere partnership's commitments edited in place, the worst news
first, and the ledger's score set on the option in one undoable step."""

from decimal import Decimal

import pytest
from views_support import demo_path_fixture, main_window, option_id, settle  # noqa: F401

from consortium_planner.domain.model import Competitor, ConsortiumOption, SocialValueCommitment
from consortium_planner.gui.social_value_view import SocialValueView

EASTMERE = "Eastmere home first partnership"


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def _show(window, qtbot) -> SocialValueView:
    page = window.show_page("Consortium options")
    page.master.table.select_id(option_id(window.controller, EASTMERE))
    view = page.analysis_views["Social value"]
    page.tabs.setCurrentWidget(view)
    settle(qtbot, view)
    return view


def test_the_ledger_leads_with_the_unwritten_statement_and_its_score_is_used_in_one_step(window, qtbot):
    view = _show(window, qtbot)
    c = window.controller
    oid = option_id(c, EASTMERE)
    assert view.commitments.model.rowCount() == 3
    assert view.results.text.text().startswith("<p><b>1 social value commitment has no method statement")
    assert view.results.tables["social_value_ledger"][0].rowCount() == 4  # three and the total
    assert not view.use_ledger.isVisible()  # the demo's score is what the ledger gives: 80
    rival = next(x for x in c.ws.by(Competitor, "tender_id", c.ws.get(ConsortiumOption, oid).tender_id))
    c.set_field(Competitor, rival.id, "social_value_a_year", "24800")  # 100 × 12,400 ÷ 24,800 = 50
    settle(qtbot, view)
    assert view.use_ledger.isVisible() and view.use_ledger.text() == "Use the ledger's score (50.0)"
    view.use_ledger.click()
    settle(qtbot, view)
    assert c.ws.get(ConsortiumOption, oid).social_value_score == Decimal("50.0")
    c.undo_stack.undo()
    settle(qtbot, view)
    assert c.ws.get(ConsortiumOption, oid).social_value_score == Decimal(80)
    unanswered = next(x for x in c.ws.by(SocialValueCommitment, "option_id", oid) if not x.answered)
    c.set_field(SocialValueCommitment, unanswered.id, "answered", True)
    settle(qtbot, view)
    assert "no method statement" not in view.results.text.text()
