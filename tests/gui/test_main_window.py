from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from consortium_planner.domain.model import ConsortiumOption, Member, Organisation, Tender
from consortium_planner.gui import main_window as mw
from consortium_planner.gui.main_window import FileDialogs, MainWindow, Messages


@pytest.fixture
def window(qtbot, qsettings, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
    w = MainWindow(qsettings)
    w.errors = errors
    qtbot.addWidget(w)
    w.show()
    return w


def test_opens_a_workspace_and_shows_its_name(window, small_workspace):
    assert window.windowTitle() == "Consortium Planner"
    assert window.open_path(small_workspace)
    assert window.windowTitle() == "small.cplan — Consortium Planner"
    assert window.recent_files() == [str(small_workspace)]
    assert "2 organisations" in window.status_path.text()
    assert [window.navigator.item(i).text() for i in range(window.navigator.count())] == [
        "Organisations", "Tenders", "Consortium options", "Compare", "Pipeline", "Workspace settings"]


def test_opening_the_file_already_open_is_not_taken_for_another_program(window, small_workspace, monkeypatch):
    asked: list[str] = []
    monkeypatch.setattr(Messages, "ask_read_only", staticmethod(lambda parent, text: asked.append(text) or False))
    assert window.open_path(small_workspace)
    controller = window.controller
    # File → Open or a recent file on the workspace this window has open: nothing to do, no "in use"
    assert window.open_path(Path(str(small_workspace)).parent / ".." / small_workspace.parent.name / "small.cplan")
    assert window.controller is controller and not controller.session.read_only
    assert asked == [] and window.errors == []


def test_corrupt_file_gets_a_message_and_nothing_changes(window, tmp_path):
    bad = tmp_path / "bad.cplan"
    bad.write_bytes(b"definitely not sqlite" * 20)
    assert not window.open_path(bad)
    assert window.errors and "bad.cplan" in window.errors[0]
    assert window.controller is None
    assert bad.read_bytes() == b"definitely not sqlite" * 20


def test_edit_menu_names_the_command_and_undo_redo_round_trip(window, small_workspace):
    window.open_path(small_workspace)
    c = window.controller
    tender = c.ws.tenders()[0]
    assert c.set_field(Tender, tender.id, "annual_value", "4,200,000")
    assert window.act_undo.text() == "&Undo Change tender estimated annual value"
    window.act_undo.trigger()
    assert c.ws.get(Tender, tender.id).annual_value == Decimal("4000000.00")
    window.act_redo.trigger()
    assert c.ws.get(Tender, tender.id).annual_value == Decimal("4200000.00")


def test_undo_redo_of_add_delete_duplicate_keeps_ids(window, small_workspace):
    window.open_path(small_workspace)
    c = window.controller
    page = window.show_page("Consortium options")
    page.master.table.selectRow(0)
    original = c.ws.options()[0]
    copy = page.master.duplicate_current()
    assert copy is not None and copy.name == "SPV (copy)"
    assert len(c.ws.members(copy.id)) == 2
    snapshot = sorted(map(repr, c.ws.entities()))
    c.undo_stack.undo()
    assert c.ws.get(ConsortiumOption, copy.id) is None
    c.undo_stack.redo()
    assert sorted(map(repr, c.ws.entities())) == snapshot
    # delete the original with everything in it, then undo
    page.master.table.select_id(original.id)
    assert page.master.delete_current()
    assert c.ws.get(ConsortiumOption, original.id) is None and not c.ws.members(original.id)
    c.undo_stack.undo()
    assert sorted(map(repr, c.ws.entities())) == snapshot


def test_form_edit_commits_through_undo(window, small_workspace, qtbot):
    window.open_path(small_workspace)
    page = window.show_page("Organisations")
    page.master.table.selectRow(0)
    org_id = page.master.current_id()
    editor = page.form.editors["name"]
    editor.setText("Renamed & Co")
    editor.editingFinished.emit()
    assert window.controller.ws.get(Organisation, org_id).name == "Renamed & Co"
    window.controller.undo_stack.undo()
    assert window.controller.ws.get(Organisation, org_id).name != "Renamed & Co"
    assert editor.text() == window.controller.ws.get(Organisation, org_id).name


def test_refused_edit_shows_in_status_bar(window, small_workspace):
    window.open_path(small_workspace)
    c = window.controller
    member = c.ws.all(Member)[0]
    assert not c.set_field(Member, member.id, "participation_pct", "95")
    assert "over 100%" in window.statusBar().currentMessage()


def test_add_buttons_create_rows_in_context(window, small_workspace):
    window.open_path(small_workspace)
    page = window.show_page("Organisations")
    page.master.table.selectRow(0)
    org_id = page.master.current_id()
    n = len(window.controller.ws.capacities(org_id))
    page.capacities.add_record()
    assert len(window.controller.ws.capacities(org_id)) == n + 1
    page.accounts.add_record()
    years = [f.year_end for f in window.controller.ws.financial_years(org_id)]
    assert len(years) == len(set(years)) >= 1


def test_drag_and_drop_opens_a_workspace(window, small_workspace):
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(small_workspace))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, md, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.controller is not None and window.controller.session.path == Path(small_workspace)


def test_new_save_as_close_and_recent(window, tmp_path, small_workspace, monkeypatch):
    target = tmp_path / "fresh.cplan"
    monkeypatch.setattr(FileDialogs, "ask_save", staticmethod(lambda parent, title: str(target)))
    window.new_workspace()
    assert window.controller.ws.count(Organisation) == 0 and target.exists()
    window.open_path(small_workspace)
    copy = tmp_path / "copy.cplan"
    monkeypatch.setattr(FileDialogs, "ask_save", staticmethod(lambda parent, title: str(copy)))
    window.save_as()
    assert window.controller.session.path == copy
    assert window.windowTitle().startswith("copy.cplan")
    assert window.recent_files()[:3] == [str(copy), str(small_workspace), str(target)]
    window.close_workspace()
    assert window.controller is None and window.windowTitle() == mw.APP_NAME
    window.recent_menu.actions()[1].trigger()
    assert window.controller.session.path == small_workspace


def test_file_in_use_offers_read_only_and_refuses_edits(window, small_workspace, monkeypatch):
    from consortium_planner.store.workspace_file import Store

    holder = Store.open(small_workspace)  # another program has it open for writing
    try:
        asked: list[str] = []
        monkeypatch.setattr(Messages, "ask_read_only", staticmethod(lambda parent, text: asked.append(text) or True))
        assert window.open_path(small_workspace)
        assert asked and "has had it open since" in asked[0]
        assert "[read-only]" in window.windowTitle()
        c = window.controller
        tender = c.ws.tenders()[0]
        assert not c.set_field(Tender, tender.id, "annual_value", "5")
        assert "read-only" in window.statusBar().currentMessage()
        page = window.show_page("Tenders")
        model = page.master.model
        assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    finally:
        holder.close()


def test_damaged_file_offers_the_newest_backup_in_a_new_file(window, small_workspace, monkeypatch):
    from consortium_planner.store.workspace_file import Store

    with Store.open(small_workspace):
        pass  # takes the on-open backup
    small_workspace.write_bytes(small_workspace.read_bytes()[:2048])
    damaged = small_workspace.read_bytes()
    offered: list[str] = []
    monkeypatch.setattr(Messages, "ask_restore",
                        staticmethod(lambda parent, text, desc: offered.append(desc) or True))
    assert window.open_path(small_workspace)
    assert offered and "on open" in offered[0]
    assert small_workspace.read_bytes() == damaged
    assert "restored" in window.controller.session.path.name
    assert window.controller.ws.count(Organisation) == 2


def test_restore_from_backup_menu(window, small_workspace, monkeypatch):
    window.open_path(small_workspace)
    window.controller.add(Organisation, {"name": "Added after the backup"})
    monkeypatch.setattr(Messages, "choose_backup", staticmethod(lambda parent, items: 0))
    window.restore_from_backup()
    assert "restored" in window.controller.session.path.name
    assert "Added after the backup" not in {o.name for o in window.controller.ws.all(Organisation)}


def test_workspace_settings_page_overrides_rates_and_refuses_bad_json(window, small_workspace):
    from consortium_planner.domain.model import Setting
    from consortium_planner.services.analyses import workspace_rates

    window.open_path(small_workspace)
    page = window.show_page("Workspace settings")
    c = window.controller
    row = c.add(Setting, {"key": "rates_overrides", "value": "{}"})
    assert not c.set_field(Setting, row.id, "value", "{not json")
    assert "not valid JSON" in window.statusBar().currentMessage()
    assert c.set_field(Setting, row.id, "value", '{"2026/27": {"national_living_wage": "13.01"}}')
    assert workspace_rates(c.ws).get("2026/27").national_living_wage == Decimal("13.01")
    assert page.panel.model.rowCount() == 1


def test_a_workspace_from_a_newer_version_is_named_so_and_the_window_stays_usable(window, small_workspace):
    import sqlite3

    con = sqlite3.connect(small_workspace)
    con.execute("UPDATE alembic_version SET version_num = '0099'")
    con.commit()
    con.close()
    before = small_workspace.read_bytes()
    assert not window.open_path(small_workspace)
    assert window.controller is None
    assert window.errors and "made by a newer version of Consortium Planner" in window.errors[-1]
    assert small_workspace.read_bytes() == before


def test_file_new_over_the_open_workspace_is_refused_and_the_window_keeps_working(window, small_workspace,
                                                                               monkeypatch):
    assert window.open_path(small_workspace)
    monkeypatch.setattr(FileDialogs, "ask_save", staticmethod(lambda parent, title: str(small_workspace)))
    window.new_workspace()
    assert window.errors and "is the workspace open in this window" in window.errors[-1]
    window.controller.add(Organisation, {"name": "Still editable"})
    assert window.controller.ws.count(Organisation) == 3


def test_f1_opens_help_at_the_current_screen_and_the_glossary_explains_the_marks(window, small_workspace):
    window.open_path(small_workspace)
    window.navigator.setCurrentRow(3)  # Compare
    window.act_help.trigger()
    assert window.help_window.isVisible()
    assert window.help_window.topics.currentItem().text() == "Compare"
    assert "baseline" in window.help_window.browser.toPlainText()
    window.act_glossary.trigger()
    text = window.help_window.browser.toPlainText()
    assert "Debt service cover" in text and "[U]" in text and "rule of thumb" in text
    assert window.act_help.shortcut().matches(mw.QKeySequence(mw.QKeySequence.StandardKey.HelpContents))


def test_a_new_workspace_opens_on_getting_started(window, tmp_path, monkeypatch):
    monkeypatch.setattr(FileDialogs, "ask_save", staticmethod(lambda parent, title: str(tmp_path / "new.cplan")))
    window.new_workspace()
    assert window.help_window.isVisible() and window.help_window.topics.currentItem().text() == "Getting started"
    assert "Open a copy of the demo" in window.help_window.browser.toPlainText()


def test_open_a_copy_of_the_demo_writes_where_asked_and_opens_it(window, tmp_path, monkeypatch):
    target = tmp_path / "my demo.cplan"
    monkeypatch.setattr(FileDialogs, "ask_save", staticmethod(lambda parent, title: str(target)))
    window.act_demo.trigger()
    assert target.exists() and window.controller.session.path == target
    assert window.controller.ws.count(ConsortiumOption) == 4  # three for the county tender, one for the neighbour's (the bid pipeline)


def test_tooltips_explain_fields_and_figures(window, small_workspace):
    from consortium_planner.domain.model import ConsortiumOption as Opt
    from consortium_planner.gui.document_model import DocumentTableModel
    from consortium_planner.gui.record_model import RecordTableModel
    from consortium_planner.reports.document import Cell, Column, Kind, Table

    window.open_path(small_workspace)
    model = RecordTableModel(window.controller, Opt, ["margin_pct", "min_dscr"], lambda: window.controller.ws.options())
    tip = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Allowed: -50% to 50%" in tip and "Default: 3%" in tip
    table = Table("figures", (Column("Figure", Kind.TEXT), Column("Value", Kind.TEXT)),
                  ((Cell("Minimum debt service cover"), Cell("1.4×")),))
    doc = DocumentTableModel(table, row_header=True)
    tip = doc.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert tip and "Lenders look for at least 1.25×" in tip
    assert "Lenders look for" in doc.data(doc.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_a_refused_value_keeps_what_was_typed_says_why_beside_it_and_in_the_bar_until_fixed(window,
                                                                                             small_workspace):
    window.open_path(small_workspace)
    window.navigator.setCurrentRow(0)
    page = window.pages["Organisations"]
    page.master.table.selectRow(0)
    form = page.form
    editor = form.editors["staff_headcount"]
    editor.setText("-5")
    editor.editingFinished.emit()
    assert editor.text() == "-5"  # what was typed stays
    why = form.refusals["staff_headcount"]
    assert form.layout_.isRowVisible(why) and "negative" in why.text()
    assert "border" in editor.styleSheet()
    assert window.message_bar.isVisible() and "negative" in window.message_bar.text.text()
    editor.setText("12")
    editor.editingFinished.emit()
    assert not form.layout_.isRowVisible(why) and editor.styleSheet() == ""
    assert not window.message_bar.isVisible()
    org = window.controller.ws.get(Organisation, page.master.current_id())
    assert org.staff_headcount == 12


def test_at_start_the_window_shows_first_then_opens_the_workspace(qtbot, qsettings, small_workspace):
    """``make run``'s path (``app.run_gui``): the window is drawn saying what it opens, then the workspace opens."""
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.open_when_shown(small_workspace)
    assert w.controller is None  # nothing opened before the window is drawn
    assert w.stack.currentWidget() is w.opening and w.opening.text() == "Opening small.cplan…"
    w.show()
    qtbot.waitUntil(lambda: w.controller is not None, timeout=5000)
    assert w.windowTitle() == "small.cplan — Consortium Planner"
    assert w.stack.currentWidget() is w.pages["Consortium options"]


def test_at_start_a_file_that_cannot_open_says_so_and_leaves_the_welcome_page(qtbot, qsettings, tmp_path,
                                                                              monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
    bad = tmp_path / "bad.cplan"
    bad.write_bytes(b"definitely not sqlite" * 20)
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.open_when_shown(bad)
    w.show()
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert "bad.cplan" in errors[0] and w.controller is None
    assert w.stack.currentWidget() is w.welcome


def test_making_the_window_imports_neither_the_store_nor_the_analyses():
    """The window shows before the store (SQLAlchemy), numpy and the analyses are imported (issue 22, goal 2):
    an import of them at the top of the main window's modules would put them back in the start."""
    import os
    import subprocess
    import sys

    code = ("import sys; from consortium_planner.gui.application import make_application; "
            "from consortium_planner.gui.main_window import MainWindow; app = make_application(); "
            "w = MainWindow(); heavy = [m for m in ('sqlalchemy', 'numpy', 'scipy', 'reportlab', 'openpyxl', "
            "'consortium_planner.services.analyses', 'consortium_planner.domain.model') if m in sys.modules]; "
            "print(','.join(heavy))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.stdout.strip() == ""


def test_an_open_workspace_is_frozen_out_of_the_collectors_way(window, small_workspace):
    """``gui/heap.settle``: once a workspace opens, what is alive is frozen (the oldest generation of the
    cyclic collector no longer scans the workspace's rows on every run); closing it unfreezes and collects."""
    import gc

    gc.unfreeze()
    assert window.open_path(small_workspace)
    option = window.controller.ws.options()[0]
    assert gc.get_freeze_count() > 0 and gc.is_tracked(option)
    collectable = {id(o) for generation in (0, 1, 2) for o in gc.get_objects(generation)}
    assert id(option) not in collectable  # in the permanent generation: no collection scans it
    window.set_session(None)
    assert gc.get_freeze_count() == 0
