"""The live what-if panel (issue 19): steppers move the figures off the UI thread, Reset, Keep as new option,
View → What-if and the workshop layout's side pane."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium_planner.domain.model import ConsortiumOption
from consortium_planner.domain.whatif import WhatIf
from consortium_planner.gui.whatif import WhatIfPanel
from consortium_planner.services.whatif import whatif_outcome

SPV = "Special purpose vehicle"


@pytest.fixture
def panel(qtbot, demo_controller):
    p = WhatIfPanel(demo_controller)
    qtbot.addWidget(p)
    p.resize(420, 700)
    p.show()
    spv = next(o for o in demo_controller.ws.options() if o.name == SPV)
    p.select_option(spv.id)
    qtbot.waitUntil(lambda: p.outcome is not None and p.outcome.whatif.option_id == spv.id, timeout=60_000)
    return p


def settle(qtbot, p, text):
    qtbot.waitUntil(lambda: p.outcome is not None and text in p.outcome.description, timeout=60_000)


def test_a_stepper_moves_the_figures_and_nothing_is_saved(qtbot, panel):
    c = panel.controller
    before = sorted(repr(e) for e in c.ws.entities())
    panel.volume.setValue(-10)
    settle(qtbot, panel, "volume −10%")
    oid = panel.option_id()
    expected = whatif_outcome(c.ws, WhatIf(oid, margin_pct=c.ws.get(ConsortiumOption, oid).margin_pct,
                                           volume_pct=Decimal(-10)))
    assert panel.outcome.after.values == expected.after.values  # the service's figures, to the penny
    table = panel.model.table
    labels = [table.text(r, 0) for r in range(len(table.rows))]
    income = labels.index("Income over the term")
    assert table.text(income, 1).startswith("\u2212£")  # less volume, less income: the change shown
    assert sorted(repr(e) for e in c.ws.entities()) == before  # a scratch copy: the workspace is untouched
    assert c.undo_stack.count() == 0


def test_reset_and_every_figure(qtbot, panel):
    panel.margin.setValue(panel.margin.value() + 1)
    settle(qtbot, panel, "margin")
    panel.only_changed.setChecked(False)
    assert panel.model.rowCount() == len(panel.outcome.rows)
    panel.reset()
    settle(qtbot, panel, "no change")
    assert panel.volume.value() == 0 and panel.share_points.value() == 0


def test_keep_as_new_option_and_undo(qtbot, panel):
    c = panel.controller
    n = len(c.ws.options())
    panel.margin.setValue(4.0)
    settle(qtbot, panel, "margin 4%")
    assert panel.keep("SPV at 4%")
    new = next(o for o in c.ws.options() if o.name == "SPV at 4%")
    assert new.margin_pct == Decimal("4.00") and len(c.ws.options()) == n + 1
    assert panel.option_id() == new.id  # the panel moves to what was kept
    c.undo_stack.undo()
    assert len(c.ws.options()) == n
    qtbot.waitUntil(lambda: panel.option.count() == n, timeout=5000)


def test_a_change_that_cannot_be_made_says_why(qtbot, panel):
    panel.share_points.setValue(99)  # more than the first member holds
    qtbot.waitUntil(lambda: "cannot be tried" in panel.status.text(), timeout=60_000)
    assert "only" in panel.status.text()


def test_the_panel_is_narrow_enough_to_sit_beside_compare(panel):
    assert panel.minimumSizeHint().width() <= 420


def test_view_menu_and_workshop_layout(qtbot, qsettings, tmp_path):
    from consortium_planner.gui.main_window import MainWindow
    from consortium_planner.services.demo import write_demo
    from consortium_planner.services.session import WorkspaceSession

    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.set_session(WorkspaceSession.open(write_demo(tmp_path / "d.cplan")))
    view = next(a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == "View")
    act = next(a for a in view.actions() if a.text().replace("&", "") == "What-if")
    act.trigger()
    assert act.isChecked() and not w.whatif_dock.isHidden()
    assert isinstance(w.whatif_dock.widget(), WhatIfPanel)
    assert isinstance(w.presenter.workshop.panel, WhatIfPanel)  # the side pane of the workshop layout
    w.set_session(None)


def test_a_hidden_panel_computes_nothing_until_shown(qtbot, demo_controller):
    """The dock's panel and the workshop's exist while hidden: an edit must not run the analyses for them."""
    from consortium_planner.domain.model import Organisation

    p = WhatIfPanel(demo_controller)
    qtbot.addWidget(p)
    org = demo_controller.ws.all(Organisation)[0]
    demo_controller.set_field(Organisation, org.id, "name", "Renamed while hidden")
    qtbot.wait(400)  # past the settle pause
    assert p._task is None and p.outcome is None
    p.show()
    qtbot.waitUntil(lambda: p.outcome is not None, timeout=60_000)


def test_a_loan_with_pence_keeps_them_until_stepped_to_whole_pounds(qtbot, panel):
    from consortium_planner.domain.model import FundingKind, FundingSource

    c = panel.controller
    oid = panel.option_id()
    loan = next(s for s in c.ws.by(FundingSource, "option_id", oid) if s.kind is FundingKind.LOAN)
    c.set_field(FundingSource, loan.id, "amount", str(loan.amount + Decimal("0.49")))
    exact = c.ws.get(FundingSource, loan.id).amount
    panel.loan.setCurrentIndex(panel.loan.findData(loan.id))
    assert panel.whatif().loans[loan.id] == exact  # not rounded to pounds on the way through the box
    panel.loan_amount.stepBy(1)
    assert panel.whatif().loans[loan.id] == Decimal(int(exact.to_integral_value()) + 10_000)
