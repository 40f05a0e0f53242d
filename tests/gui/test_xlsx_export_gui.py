"""Excel out from the GUI: templates, filled templates, an option as a workbook, a buyer's schedule filled."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from consortium_planner.domain.model import Lot, Requirement
from consortium_planner.gui.import_dialog import ImportDialog
from consortium_planner.gui.main_window import FileDialogs, MainWindow, Messages
from consortium_planner.gui.xlsx_export import (
    TEMPLATE_FILES,
    ExportWorkbookDialog,
    WorkbookChoice,
    describe_export,
    export_workbook_task,
    safe_filename,
)
from consortium_planner.services import xlsx_import
from consortium_planner.services.demo import write_demo
from consortium_planner.services.schedule_import import remembered_mapping

SCHEDULE_HEADER = ("Lot", "Description of service", "Locality", "Est. annual volume", "Unit of measure",
                   "Unit rate (£)", "Annual price (£)")


@pytest.fixture
def demo_window(qtbot, qsettings, tmp_path, monkeypatch):
    errors: list[str] = []
    infos: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
    monkeypatch.setattr(Messages, "info", staticmethod(lambda parent, title, text: infos.append(text)))
    w = MainWindow(qsettings)
    w.errors, w.infos = errors, infos
    qtbot.addWidget(w)
    w.open_path(write_demo(tmp_path / "demo.cplan"))
    return w


def buyer_schedule(ws, tender_id: int, path: Path, extra: tuple = ()) -> Path:
    """The buyer's own schedule for the demo tender: a title block, the header on row 3, prices blank."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "Schedule of prices"
    sheet.append(["Westmarch wellbeing: schedule of prices"])
    sheet.append([])
    sheet.append(list(SCHEDULE_HEADER))
    for r in ws.requirements(tender_id):
        sheet.append([ws.display_name(Lot, r.lot_id), r.service_line, r.area, int(r.annual_volume), r.unit, None, None])
    for row in extra:
        sheet.append(list(row))
    wb.save(path)
    return path


def test_safe_filename():
    assert safe_filename('Lead / sub: "A" <B>?') == "Lead sub A B"
    assert safe_filename("  ...  ") == "export"
    assert safe_filename("Special purpose vehicle") == "Special purpose vehicle"


def test_templates_action_writes_both_files_and_asks_before_replacing(qtbot, qsettings, tmp_path, monkeypatch):
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    assert w.act_templates.isEnabled()  # blank templates need no workspace
    folder = tmp_path / "templates"
    folder.mkdir()
    monkeypatch.setattr(FileDialogs, "ask_folder", staticmethod(lambda parent, title: str(folder)))
    asked: list[list[str]] = []
    monkeypatch.setattr(Messages, "ask_overwrite", staticmethod(lambda parent, names: asked.append(names) or False))
    w.act_templates.trigger()
    written = sorted(p.name for p in folder.iterdir())
    assert written == sorted(TEMPLATE_FILES.values())
    assert not asked and "Wrote" in w.statusBar().currentMessage()
    for p in folder.iterdir():
        assert openpyxl.load_workbook(p).sheetnames
        p.write_bytes(b"mine")
    w.act_templates.trigger()  # both exist: asked, declined, left alone
    assert asked == [list(TEMPLATE_FILES.values())]
    assert all(p.read_bytes() == b"mine" for p in folder.iterdir())


def test_filled_organisations_and_requirements_round_trip(demo_window, qtbot, tmp_path, monkeypatch):
    c = demo_window.controller
    orgs = tmp_path / "orgs.xlsx"
    reqs = tmp_path / "reqs.xlsx"
    monkeypatch.setattr(FileDialogs, "ask_save_workbook", staticmethod(lambda parent, title, suggested: str(orgs)))
    demo_window.act_export_orgs.trigger()
    qtbot.waitUntil(orgs.exists, timeout=30000)
    suggested: list[str] = []
    monkeypatch.setattr(FileDialogs, "ask_save_workbook",
                        staticmethod(lambda parent, title, s: suggested.append(s) or str(reqs)))
    demo_window.show_page("Tenders").master.table.selectRow(0)
    demo_window.act_export_reqs.trigger()
    qtbot.waitUntil(reqs.exists, timeout=30000)
    assert suggested[0].endswith("– requirements.xlsx")
    qtbot.waitUntil(lambda: "Wrote reqs.xlsx" in demo_window.statusBar().currentMessage(), timeout=10000)
    for path, kind in ((orgs, "organisations"), (reqs, "requirements")):
        dialog = ImportDialog(c, xlsx_import.read(path), path, c.ws.tenders()[0].id)
        qtbot.addWidget(dialog)
        assert dialog.kind() == kind
        assert not dialog.prepared.plan.problems and not dialog.prepared.plan.rows, dialog.prepared.plan.problems[:3]


def test_export_dialog_defaults_and_checks(demo_window, qtbot):
    c = demo_window.controller
    option = c.ws.options()[2]
    dialog = ExportWorkbookDialog(c, option.id)
    qtbot.addWidget(dialog)
    assert dialog.option_id() == option.id
    assert Path(dialog.path_edit.text()).name == "Special purpose vehicle.xlsx"
    assert dialog.export_button.isEnabled()
    dialog.fill_group.setChecked(True)
    assert not dialog.export_button.isEnabled() and "buyer's pricing schedule" in dialog.message.text()
    dialog.fill_group.setChecked(False)
    dialog.path_edit.setText("")
    assert not dialog.export_button.isEnabled()
    assert dialog.choice() is None


def test_menu_export_writes_the_workbook_in_the_background(demo_window, qtbot, tmp_path, monkeypatch):
    c = demo_window.controller
    target = tmp_path / "option.xlsx"
    option = c.ws.options()[1]
    monkeypatch.setattr(ExportWorkbookDialog, "ask", classmethod(
        lambda cls, controller, oid, parent=None: WorkbookChoice(option.id, target)))
    assert demo_window.act_export_workbook.shortcut().toString() == "Ctrl+Shift+E"
    assert demo_window.act_export_workbook in demo_window.pages["Consortium options"].master.table.actions()
    demo_window.act_export_workbook.trigger()
    qtbot.waitUntil(lambda: "Wrote option.xlsx" in demo_window.statusBar().currentMessage(), timeout=120000)
    assert target.exists() and "Inputs" in openpyxl.load_workbook(target, read_only=True).sheetnames
    assert not demo_window.errors


def test_cancelled_workbook_export_writes_nothing(demo_window, qtbot, tmp_path):
    c = demo_window.controller
    target = tmp_path / "never.xlsx"
    task = export_workbook_task(c, WorkbookChoice(c.ws.options()[0].id, target), None)
    task.cancel()
    with qtbot.waitSignal(task.failed, timeout=60000) as blocker:
        task.start()
    from consortium_planner.domain.tasks import Cancelled

    assert isinstance(blocker.args[0], Cancelled) and not target.exists()


def test_fill_the_buyers_schedule(demo_window, qtbot, tmp_path):
    c = demo_window.controller
    option = c.ws.options()[2]
    source = buyer_schedule(c.ws, option.tender_id, tmp_path / "buyer.xlsx",
                            extra=[("Lot 3", "Something we do not deliver", "Eastmere", 100, "hour", None, None)])
    original = source.read_bytes()
    dialog = ExportWorkbookDialog(c, option.id)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "spv.xlsx"))
    dialog.fill_group.setChecked(True)
    dialog.load_source(source)
    qtbot.waitUntil(lambda: dialog.mapping_widget is not None, timeout=30000)
    m = dialog.mapping_widget
    assert m.source == "guessed" and m.field_boxes["unit_price"].currentData() == 6
    assert Path(dialog.fill_path_edit.text()).name == "buyer – priced.xlsx"
    assert dialog.export_button.isEnabled(), dialog.message.text()
    # without a price column there is nowhere to write the prices
    m.field_boxes["unit_price"].setCurrentIndex(0)
    m.field_boxes["total_price"].setCurrentIndex(0)
    assert not dialog.export_button.isEnabled() and "price" in dialog.message.text()
    m.field_boxes["unit_price"].setCurrentIndex(m.field_boxes["unit_price"].findData(6))
    m.field_boxes["total_price"].setCurrentIndex(m.field_boxes["total_price"].findData(7))
    choice = dialog.choice()
    assert choice is not None and choice.fill is not None and choice.fill.remember
    task = export_workbook_task(c, choice, None)
    with qtbot.waitSignal(task.finished, timeout=120000) as blocker:
        task.start()
    result = blocker.args[0]
    assert result.path.exists() and result.fill is not None
    assert result.fill.rows_filled == len(c.ws.requirements(option.tender_id))
    assert result.fill.problems  # the row we do not deliver
    status, details = describe_export(result)
    assert "filled 15 rows" in status and "(1 not filled)" in status
    assert "1 row could not be filled" in details and "row 19" in details
    assert source.read_bytes() == original  # the buyer's file is left as it is
    filled = openpyxl.load_workbook(choice.fill.destination)["Schedule of prices"]
    assert filled.cell(4, 6).value is not None


def test_menu_fill_remembers_the_mapping_and_reports_unfilled_rows(demo_window, qtbot, tmp_path, monkeypatch):
    c = demo_window.controller
    option = c.ws.options()[2]
    source = buyer_schedule(c.ws, option.tender_id, tmp_path / "buyer.xlsx",
                            extra=[("Lot 3", "Something we do not deliver", "Eastmere", 100, "hour", None, None)])

    def ask(cls, controller, oid, parent=None):
        dialog = cls(controller, oid, parent)
        dialog.path_edit.setText(str(tmp_path / "spv.xlsx"))
        dialog.fill_group.setChecked(True)
        dialog.load_source(source)
        qtbot.waitUntil(lambda: dialog.mapping_widget is not None, timeout=30000)
        return dialog.choice()

    monkeypatch.setattr(ExportWorkbookDialog, "ask", classmethod(ask))
    demo_window.export_workbook()
    qtbot.waitUntil(lambda: bool(demo_window.infos), timeout=120000)
    assert "could not be filled" in demo_window.infos[0]
    assert (tmp_path / "buyer – priced.xlsx").exists()
    assert remembered_mapping(c.ws, xlsx_import.read(source)) is not None
    assert c.ws.count(Requirement) == 16  # exporting changes no rows (15 for the county tender, 1 the neighbour's)


def test_unreadable_schedule_is_reported_in_the_dialog(demo_window, qtbot, tmp_path):
    c = demo_window.controller
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a workbook\n" * 10)
    dialog = ExportWorkbookDialog(c, c.ws.options()[0].id)
    qtbot.addWidget(dialog)
    dialog.fill_group.setChecked(True)
    dialog.load_source(fake)
    qtbot.waitUntil(lambda: "fake.xlsx" in dialog.source_status.text() and "Reading" not in dialog.source_status.text(),
                    timeout=30000)
    assert dialog.mapping_widget is None and not dialog.export_button.isEnabled()
