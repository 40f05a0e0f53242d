"""File → Import from Excel…: read off the UI thread, preview, map a buyer's schedule, import as one undo step."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from consortium_planner.domain.model import Lot, Organisation, Requirement, Tender
from consortium_planner.gui.import_dialog import (
    ImportDialog,
    ProblemsModel,
    SheetPreviewModel,
    import_text,
    representative_import_dialog,
)
from consortium_planner.gui.main_window import FileDialogs, MainWindow, Messages
from consortium_planner.services import xlsx_import
from consortium_planner.store.safety import list_backups

HEADER = ("Lot", "Description of service", "Locality", "Est. annual hours", "Unit of measure", "Unit rate (£)",
          "Annual price (£)")


def write_schedule(path: Path, rows=None) -> Path:
    """A buyer's schedule as they send them: a cover sheet, a title block, the header on row 4."""
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Wellbeing tender: pricing"
    sheet = wb.create_sheet("Pricing schedule")
    sheet.append(["Schedule 3: pricing"])
    sheet.append(["Complete the yellow cells"])
    sheet.append([])
    sheet.append(list(HEADER))
    body = rows if rows is not None else [
        ("Lot 1", "Homecare", "East", 52000, "contact hour"),
        ("Lot 1", "Reablement", "East", 8000, "contact hour"),
        ("Lot 2", "Homecare", "West", 30000, None),
        (None, None, None, 90000, None),  # a subtotal
    ]
    for row in body:
        sheet.append(list(row))
    wb.save(path)
    return path


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, small_workspace):
    errors: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
    w = MainWindow(qsettings)
    w.errors = errors
    qtbot.addWidget(w)
    w.open_path(small_workspace)
    return w


def rows_of(ws) -> list[str]:
    return sorted(map(repr, ws.entities()))


def dialog_for(qtbot, window, path: Path) -> ImportDialog:
    c = window.controller
    dialog = ImportDialog(c, xlsx_import.read(path), path, c.ws.tenders()[0].id, window)
    qtbot.addWidget(dialog)
    return dialog


def test_schedule_through_the_dialog_map_fix_import_undo_redo(window, qtbot, tmp_path, qtmodeltester):
    c = window.controller
    tender = c.ws.tenders()[0]
    path = write_schedule(tmp_path / "schedule.xlsx")
    before = rows_of(c.ws)
    dialog = dialog_for(qtbot, window, path)
    m = dialog.mapping_widget
    # the mapping is guessed: sheet, header row, columns
    assert dialog.kind() == "schedule" and dialog.tender_id() == tender.id
    assert m.source == "guessed" and "guessed" in m.source_label.text()
    assert (m.sheet_box.currentText(), m.header_spin.value()) == ("Pricing schedule", 4)
    assert m.field_boxes["volume"].currentText() == "D — Est. annual hours"
    assert m.field_boxes["service_line"].itemText(0) == "(none)"
    assert m.preview_model.headerData(3, Qt.Orientation.Horizontal) == "D: Annual volume"
    assert m.preview_model.data(m.preview_model.index(3, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert dialog.import_button.isEnabled()
    # the user changes columns: no unit column, and the volume from the unit column — a problem on every row
    m.field_boxes["unit"].setCurrentIndex(0)
    m.field_boxes["volume"].setCurrentIndex(m.field_boxes["volume"].findData(5))
    assert m.source == "yours" and "as you chose" in m.source_label.text()
    assert not dialog.import_button.isEnabled()
    problems = [(p.sheet, p.row, p.column) for warning, p in dialog.problems_model.items if not warning]
    assert problems == [("Pricing schedule", 5, 5), ("Pricing schedule", 6, 5), ("Pricing schedule", 7, 5)]
    assert "Nothing has been imported" in dialog.summary.text()
    model = dialog.problems_model
    assert model.data(model.index(0, ProblemsModel.COL_SHEET)) == "Pricing schedule"
    assert model.data(model.index(0, ProblemsModel.COL_ROW)) == "5"
    assert model.data(model.index(0, ProblemsModel.COL_COLUMN)) == "E — Unit of measure"
    assert model.data(model.index(0, ProblemsModel.COL_TYPE)) == "Problem"
    qtmodeltester.check(model)
    qtmodeltester.check(m.preview_model)
    assert rows_of(c.ws) == before  # nothing is written while previewing
    # fixed through the mapping
    m.field_boxes["volume"].setCurrentIndex(m.field_boxes["volume"].findData(4))
    m.field_boxes["unit"].setCurrentIndex(m.field_boxes["unit"].findData(5))
    assert not [p for w, p in dialog.problems_model.items if not w]
    assert [(p.row, model.data(model.index(0, 0))) for w, p in model.items if w] == [(8, "Warning")]  # the subtotal
    assert dialog.import_button.isEnabled()
    assert "Ready to import" in dialog.summary.text() and "requirements: 2 new, 1 updated" in dialog.summary.text()
    dialog.accept()
    assert dialog.imported and dialog.result() == ImportDialog.DialogCode.Accepted
    after = rows_of(c.ws)
    reqs = {(r.service_line, r.area): r.annual_volume for r in c.ws.requirements(tender.id)}
    assert reqs == {("Homecare", "East"): Decimal("52000"), ("Reablement", "East"): Decimal("8000"),
                    ("Homecare", "West"): Decimal("30000")}
    assert {lot.name for lot in c.ws.lots(tender.id)} == {"Lot 1", "Lot 2"}
    assert window.act_undo.text() == "&Undo Import 3 requirements and 1 other row from schedule.xlsx"
    assert any("before-import" in b.path.name for b in list_backups(c.session.path))
    window.act_undo.trigger()
    assert rows_of(c.ws) == before
    window.act_redo.trigger()
    assert rows_of(c.ws) == after
    # the file agrees with the snapshot after redo (same ids)
    path_ws = c.session.path
    window.close_workspace()
    window.open_path(path_ws)
    assert rows_of(window.controller.ws) == after


def test_a_problem_in_the_workbook_itself_blocks_the_import(window, qtbot, tmp_path):
    c = window.controller
    path = write_schedule(tmp_path / "schedule.xlsx", [
        ("Lot 1", "Homecare", "East", 52000, "contact hour"),
        ("Lot 2", "Homecare", "West", "about 30,000", None),  # the buyer typed words for a volume
    ])
    before = rows_of(c.ws)
    dialog = dialog_for(qtbot, window, path)
    assert [(p.row, p.column) for w, p in dialog.problems_model.items if not w] == [(6, 4)]
    assert not dialog.import_button.isEnabled()
    assert "correct the columns above or the workbook" in dialog.summary.text()
    assert "requirements: 1 updated" in dialog.summary.text()
    dialog.accept()  # refused: the button is disabled, and so is accepting
    assert not dialog.imported and rows_of(c.ws) == before
    # the controller refuses a plan with problems too, with the reason
    assert "nothing was imported" in c.import_plan(dialog.prepared.plan, "Import")
    assert c.undo_stack.count() == 0


def test_swapped_columns_are_refused_until_put_right(window, qtbot, tmp_path):
    path = write_schedule(tmp_path / "schedule.xlsx")
    dialog = dialog_for(qtbot, window, path)
    m = dialog.mapping_widget
    m.field_boxes["unit"].setCurrentIndex(m.field_boxes["unit"].findData(4))
    assert not dialog.import_button.isEnabled()
    assert any("same column" in p.reason for _w, p in dialog.problems_model.items)
    assert m.preview_model.headerData(3, Qt.Orientation.Horizontal) == "D: Annual volume, Unit"
    m.field_boxes["unit"].setCurrentIndex(m.field_boxes["unit"].findData(5))
    assert dialog.import_button.isEnabled()


def test_the_mapping_is_remembered_for_the_next_workbook_laid_out_alike(window, qtbot, tmp_path):
    first = write_schedule(tmp_path / "first.xlsx")
    dialog = dialog_for(qtbot, window, first)
    m = dialog.mapping_widget
    m.field_boxes["unit"].setCurrentIndex(0)  # the user's own choice: no unit column
    dialog.accept()
    assert dialog.imported
    second = write_schedule(tmp_path / "second.xlsx", [("Lot 3", "Day care", "North", 1200, "day")])
    dialog = dialog_for(qtbot, window, second)
    assert dialog.mapping_widget.source == "remembered"
    assert "remembered" in dialog.mapping_widget.source_label.text()
    assert dialog.mapping_widget.field_boxes["unit"].currentData() is None


def test_area_for_every_row_and_header_row_and_sheet_choices(window, qtbot, tmp_path):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Prices"
    sheet.append(["Service", "Hours"])
    sheet.append(["Homecare", 1000])
    sheet.append(["Reablement", 500])
    wb.create_sheet("Notes").append(["nothing here"])
    path = tmp_path / "one-area.xlsx"
    wb.save(path)
    dialog = dialog_for(qtbot, window, path)
    m = dialog.mapping_widget
    assert m.field_boxes["area"].currentData() is None
    assert any("area" in p.reason for _w, p in dialog.problems_model.items)
    m.area_edit.setText("Northshire")
    assert not m.field_boxes["area"].isEnabled()
    assert dialog.import_button.isEnabled()
    # another header row: nothing there reads like a header, so the columns stay; row 2 is now the header
    m.header_spin.setValue(2)
    assert m.preview_model.header_row == 2 and m.field_boxes["volume"].currentData() == 2
    assert "requirements: 1 new" in dialog.summary.text()
    m.header_spin.setValue(1)
    assert m.field_boxes["volume"].currentData() == 2 and dialog.import_button.isEnabled()
    m.sheet_box.setCurrentText("Notes")
    assert not dialog.import_button.isEnabled()
    m.sheet_box.setCurrentText("Prices")
    m.area_edit.setText("Northshire")
    dialog.accept()
    areas = {r.area for r in window.controller.ws.requirements(dialog.tender_id())}
    assert "Northshire" in areas


def test_kind_and_tender_choices(window, qtbot, tmp_path):
    c = window.controller
    other = c.add(Tender, {"name": "Another tender"})
    path = write_schedule(tmp_path / "schedule.xlsx")
    dialog = ImportDialog(c, xlsx_import.read(path), path, other.id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tender_id() == other.id and dialog.tender_box.isVisible() and dialog.mapping_group.isVisible()
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("organisations"))
    assert not dialog.tender_box.isVisible() and not dialog.mapping_group.isVisible()
    assert not dialog.import_button.isEnabled()  # a schedule is not our organisations template
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("schedule"))
    assert dialog.import_button.isEnabled()
    dialog.accept()
    assert {r.service_line for r in c.ws.requirements(other.id)} == {"Homecare", "Reablement"}
    assert c.ws.count(Lot) >= 3


def test_no_tender_to_import_into(qtbot, qsettings, tmp_path, monkeypatch):
    from consortium_planner.services.session import WorkspaceSession

    session = WorkspaceSession.create(tmp_path / "empty.cplan")
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.set_session(session)
    path = write_schedule(tmp_path / "schedule.xlsx")
    dialog = ImportDialog(w.controller, xlsx_import.read(path), path)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled() and "no tender" in dialog.summary.text()


def test_file_menu_reads_in_the_background_then_imports(window, qtbot, tmp_path, monkeypatch):
    c = window.controller
    path = write_schedule(tmp_path / "schedule.xlsx")
    monkeypatch.setattr(FileDialogs, "ask_open_workbook", staticmethod(lambda parent: str(path)))
    shown: list[ImportDialog] = []

    def ask(cls, controller, grid, p, tender_id=None, parent=None):
        dialog = cls(controller, grid, p, tender_id, parent)
        shown.append(dialog)
        dialog.accept()
        return dialog.prepared if dialog.imported else None

    monkeypatch.setattr(ImportDialog, "ask", classmethod(ask))
    assert window.act_import.shortcut().toString() == "Ctrl+I"
    window.act_import.trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert shown[0].imported
    assert c.ws.count(Requirement) == 3
    assert "Imported from schedule.xlsx" in window.statusBar().currentMessage()
    assert window.stack.currentWidget() is window.pages["Tenders"]


def test_refused_workbook_shows_its_message_and_changes_nothing(window, qtbot, tmp_path, monkeypatch):
    c = window.controller
    fake = tmp_path / "notes.xlsx"
    fake.write_text("this is a text file renamed .xlsx\n" * 20)
    before = rows_of(c.ws)
    called: list = []
    monkeypatch.setattr(ImportDialog, "ask", classmethod(lambda *a, **k: called.append(a)))
    window.import_workbook(fake)
    qtbot.waitUntil(lambda: bool(window.errors), timeout=20000)
    assert "notes.xlsx" in window.errors[0] and "Nothing was imported" in window.errors[0]
    assert not called and rows_of(c.ws) == before and c.undo_stack.count() == 0


def test_dropping_a_workbook_opens_the_import(window, qtbot, tmp_path, monkeypatch):
    path = write_schedule(tmp_path / "dropped.xlsx")
    seen: list = []
    monkeypatch.setattr(ImportDialog, "ask", classmethod(
        lambda cls, controller, grid, p, tender_id=None, parent=None: seen.append((grid, p, tender_id))))
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, md, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    grid, p, _tender_id = seen[0]
    assert Path(p) == path and "Pricing schedule" in grid.sheet_names
    assert window.controller.session.path.name == "small.cplan"  # the workspace stays open


def test_read_only_workspace_cannot_import(qtbot, qsettings, small_workspace, monkeypatch):
    from consortium_planner.store.workspace_file import Store

    holder = Store.open(small_workspace)
    try:
        monkeypatch.setattr(Messages, "ask_read_only", staticmethod(lambda parent, text: True))
        errors: list[str] = []
        monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
        w = MainWindow(qsettings)
        qtbot.addWidget(w)
        assert not w.act_import.isEnabled()
        assert w.open_path(small_workspace)
        assert not w.act_import.isEnabled()
        w.import_workbook("whatever.xlsx")
        assert errors and "read-only" in errors[0]
        w.close_workspace()
    finally:
        holder.close()


def test_organisations_template_round_trip(window, qtbot, tmp_path):
    from consortium_planner.reports.templates import write_organisations_template

    c = window.controller
    path = write_organisations_template(tmp_path / "orgs.xlsx", c.ws)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Organisations"]
    header = [cell.value for cell in sheet[1]] if sheet[1][0].value else None
    assert header is None or "Name" in header[0]
    dialog = dialog_for(qtbot, window, path)
    assert dialog.kind() == "organisations" and not dialog.mapping_group.isVisibleTo(dialog)
    assert "Nothing to import" in dialog.summary.text()  # every row is already there
    assert not dialog.import_button.isEnabled()
    assert c.ws.count(Organisation) == 2


def test_undo_text_names_the_main_rows():
    from consortium_planner.services.importing import ImportPlan, PlannedRow

    plan = ImportPlan(source="x.xlsx", what="organisations")
    plan.rows = [PlannedRow(Organisation(id=1, name="A"), None, "Organisations", 2),
                 PlannedRow(Organisation(id=2, name="B"), None, "Organisations", 3)]
    assert import_text(plan, "organisations", "x.xlsx") == "Import 2 organisations from x.xlsx"
    plan.rows = plan.rows[:1]
    assert import_text(plan, "organisations", "x.xlsx") == "Import 1 organisation from x.xlsx"


def test_preview_model_on_an_empty_sheet(qtmodeltester):
    model = SheetPreviewModel()
    qtmodeltester.check(model)


def test_a_big_workbook_is_planned_after_a_short_pause(window, qtbot, tmp_path):
    path = write_schedule(tmp_path / "schedule.xlsx")
    dialog = dialog_for(qtbot, window, path)
    dialog._big = True  # as for a workbook of more than BIG_GRID_ROWS rows
    m = dialog.mapping_widget
    m.field_boxes["unit"].setCurrentIndex(0)
    assert not dialog.import_button.isEnabled() and dialog._timer.isActive()
    qtbot.waitUntil(dialog.import_button.isEnabled, timeout=5000)
    assert dialog.prepared.mapping.column("unit") is None


def test_a_big_workbook_is_checked_off_the_ui_thread_and_stale_plans_are_ignored(window, qtbot, tmp_path,
                                                                                   monkeypatch):
    import threading

    from consortium_planner.services import xlsx_import

    path = write_schedule(tmp_path / "schedule.xlsx")
    dialog = dialog_for(qtbot, window, path)
    dialog._big = True
    threads, real_plan = [], xlsx_import.plan

    def plan(*args, **kw):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_plan(*args, **kw)

    monkeypatch.setattr(xlsx_import, "plan", plan)
    m = dialog.mapping_widget
    m.field_boxes["unit"].setCurrentIndex(0)
    dialog.replan()  # the first change's plan...
    m.field_boxes["lot"].setCurrentIndex(0)
    dialog.replan()  # ...is overtaken by the second's
    assert dialog.planning and not dialog.import_button.isEnabled()
    assert "Checking every row" in dialog.summary.text()
    qtbot.waitUntil(lambda: not dialog.planning and dialog.import_button.isEnabled(), timeout=10000)
    assert threads and not any(threads)  # never planned on the UI thread
    assert dialog.prepared.mapping.column("unit") is None and dialog.prepared.mapping.column("lot") is None
    before = len(window.controller.ws.all(Requirement))
    dialog.accept()
    assert dialog.imported and len(window.controller.ws.all(Requirement)) > before


def test_representative_dialogs_for_screenshots(qtbot, qsettings, tmp_path):
    from consortium_planner.gui.xlsx_export import representative_export_dialog
    from consortium_planner.services.demo import write_demo

    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.open_path(write_demo(tmp_path / "demo.cplan"))
    dialog = representative_import_dialog(w.controller)
    qtbot.addWidget(dialog)
    assert dialog.mapping_widget.source == "guessed"
    assert [w_ for w_, _p in dialog.problems_model.items] == [False, True]  # one problem, one warning
    export = representative_export_dialog(w.controller)
    qtbot.addWidget(export)
    assert export.mapping_widget is not None and export.export_button.isEnabled(), export.message.text()


def test_cancelled_reading_changes_nothing(window, qtbot, tmp_path, monkeypatch):
    from consortium_planner.domain.tasks import Cancelled

    def read(path, cancelled=None):
        raise Cancelled()

    monkeypatch.setattr(xlsx_import, "read", read)
    called: list = []
    monkeypatch.setattr(ImportDialog, "ask", classmethod(lambda *a, **k: called.append(a)))
    window.import_workbook(write_schedule(tmp_path / "schedule.xlsx"))
    qtbot.waitUntil(lambda: "Import cancelled" in window.statusBar().currentMessage(), timeout=20000)
    assert not called and not window.errors and window.controller.undo_stack.count() == 0
