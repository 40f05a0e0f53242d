"""View → History…: the audit trail with filters, in a dialog that fits 1280×720; and the name for the history."""

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from consortium_planner.domain.model import Member
from consortium_planner.gui.history import ANY_DATE, AuditNameField, HistoryDialog
from consortium_planner.services.history import read_history


@pytest.fixture
def edited(demo_controller):
    c = demo_controller
    c.set_setting("audit_name", "Ana Okafor")
    member = min(c.ws.all(Member), key=lambda m: m.id)
    assert c.set_field(Member, member.id, "capital_contribution", "£45,000")
    c.undo_stack.undo()
    c.undo_stack.redo()
    c.member = member
    return c


def test_the_dialog_lists_everything_newest_first_and_filters(qapp, edited):
    c = edited
    d = HistoryDialog(c)
    total = len(read_history(c.session.store))
    assert d.model.rowCount() == total
    model = d.model
    assert model.text(model.entries[0], model.COL_OPERATION).startswith("Redo: ")
    assert model.text(model.entries[0], model.COL_CHANGE) == "40000.00 → 45000.00"
    assert model.text(model.entries[-1], model.COL_WHO) == "(not set)"

    d.who.setText("okafor")
    assert d.model.rowCount() == 4  # the setting added, the edit, its undo and its redo
    d.entity.setCurrentIndex(d.entity.findData("member"))
    d.record.setText(str(c.member.id))
    assert [model.text(e, model.COL_OPERATION).split(":")[0] for e in model.entries] == ["Redo", "Undo",
                                                                                      model.entries[2].operation]
    d.operation.setText("undo")
    assert d.model.rowCount() == 1 and d.model.entries[0].old == "45000.00"
    d.record.setText("twelve")  # not an id: marked, the table left as it was
    assert "whole number" in d.record.toolTip() and d.model.rowCount() == 1
    d.clear_filters()
    assert d.model.rowCount() == total
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    d.since.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    assert d.model.rowCount() == 0
    d.since.setDate(ANY_DATE)
    d.until.setDate(QDate.currentDate())  # "to" is inclusive: today's changes are in
    assert d.model.rowCount() == total
    d.close()


def test_the_dialog_follows_new_changes(qapp, qtbot, edited):
    c = edited
    d = HistoryDialog(c)
    before = d.model.rowCount()
    c.set_field(Member, c.member.id, "participation_pct", "90")
    qtbot.waitUntil(lambda: d.model.rowCount() == before + 1, timeout=3000)
    assert d.model.entries[0].field == "participation_pct"
    d.close()


def test_the_dialog_fits_1280_by_720(qapp, edited):
    d = HistoryDialog(edited)
    assert d.width() <= 1280 and d.height() <= 720
    hint = d.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    d.close()


def test_view_menu_opens_history(qapp, qsettings, tmp_path):
    from consortium_planner.gui.main_window import MainWindow
    from consortium_planner.services.demo import write_demo
    from consortium_planner.services.session import WorkspaceSession

    w = MainWindow(qsettings)
    views = [a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == "View"]
    assert len(views) == 1  # one View menu: History sits with zoom and presenter mode
    view = views[0]
    assert w.act_history in view.actions() and w.presenter.act_presenter in view.actions()
    w.set_session(WorkspaceSession.open(write_demo(tmp_path / "d.cplan")))
    w.act_history.trigger()
    assert isinstance(w.history_dialog, HistoryDialog) and w.history_dialog.model.rowCount() > 0
    w.history_dialog.close()
    w.set_session(None)
    w.close()


def test_the_name_is_set_by_the_user_and_the_login_only_when_asked(qapp, demo_controller, monkeypatch):
    import getpass

    c = demo_controller
    monkeypatch.setattr(getpass, "getuser", lambda: "jbloggs")
    field = AuditNameField(c)
    assert field.name.text() == "" and c.ws.setting("audit_name", "") == ""
    c.set_setting("author", "someone")  # an edit before any name: recorded without one
    assert read_history(c.session.store)[-1].who == ""
    field.name.setText("Ana")
    field.name.editingFinished.emit()
    assert c.ws.setting("audit_name", "") == "Ana"
    field.use_login.click()
    assert field.name.text() == "jbloggs" and c.ws.setting("audit_name", "") == "jbloggs"
    assert read_history(c.session.store)[-1].who == "jbloggs"
