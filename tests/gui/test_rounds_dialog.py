"""View → Rounds and decisions… (issue 19): freeze through the dialog (figures off the UI thread), the list,
round against now after an edit, delete and undo."""

from __future__ import annotations

import datetime as dt

from consortium_planner.domain.model import ConsortiumOption, DecisionRound
from consortium_planner.gui.rounds import RoundsDialog
from consortium_planner.services.rounds import NOW

SPV = "Special purpose vehicle"


def test_freeze_list_compare_with_now_and_undo(qtbot, demo_controller, monkeypatch):
    c = demo_controller
    dialog = RoundsDialog(c)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "No rounds yet" in dialog.status.text()
    dialog.freeze("Round 1", dt.date(2026, 12, 3), "Partners A and B", "Bid as the SPV", "Shares the risk")
    qtbot.waitUntil(lambda: c.ws.count(DecisionRound) == 1, timeout=60_000)
    assert dialog.rounds_model.rowCount() == 1
    assert dialog.first.currentText() == "Round 1" and dialog.second.currentData() == NOW
    spv = next(o for o in c.ws.options() if o.name == SPV)
    assert c.set_field(ConsortiumOption, spv.id, "margin_pct", "5")
    qtbot.waitUntil(lambda: "differ" in dialog.status.text(), timeout=60_000)
    table = dialog.diff_model.table
    rows = [(table.text(r, 0), table.text(r, 1)) for r in range(len(table.rows))]
    assert (SPV, "Year-one price") in rows
    assert dialog.status.text().startswith(f"{len(rows)} figure(s) differ")
    # delete asks, and undo brings the round back
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog._delete()
    assert c.ws.count(DecisionRound) == 0 and dialog.rounds_model.rowCount() == 0
    c.undo_stack.undo()
    assert c.ws.count(DecisionRound) == 1 and dialog.rounds_model.rowCount() == 1
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60_000)  # the figures now, worked out again
    assert "differ" in dialog.status.text()


def test_view_menu_opens_rounds(qtbot, qsettings, tmp_path):
    from consortium_planner.gui.main_window import MainWindow
    from consortium_planner.services.demo import write_demo
    from consortium_planner.services.session import WorkspaceSession

    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.set_session(WorkspaceSession.open(write_demo(tmp_path / "d.cplan")))
    view = next(a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == "View")
    assert w.act_rounds in view.actions()
    w.act_rounds.trigger()
    assert isinstance(w.rounds_dialog, RoundsDialog) and w.rounds_dialog.tender.count() == 2  # the demo's two tenders
    w.rounds_dialog.close()
    w.set_session(None)
