import pytest
from pypdf import PdfReader

from consortium_planner.gui.export_dialog import ExportCaseDialog, export_case_task
from consortium_planner.gui.main_window import MainWindow, Messages
from consortium_planner.reports.case import narrative_key
from consortium_planner.reports.choices import chosen_sections, sections_key
from consortium_planner.services.demo import write_demo


@pytest.fixture
def demo_window(qtbot, qsettings, tmp_path, monkeypatch):
    monkeypatch.setattr(Messages, "error", staticmethod(lambda *a: None))
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.open_path(write_demo(tmp_path / "demo.cplan"))
    return w


def test_dialog_saves_sections_and_narrative_in_the_workspace_undoably(demo_window, qtbot):
    c = demo_window.controller
    option = c.ws.options()[2]
    dialog = ExportCaseDialog(c, option.id)
    qtbot.addWidget(dialog)
    assert dialog.option_id() == option.id and dialog.path_edit.text().endswith("special-purpose-vehicle.pdf")
    dialog.section_boxes["assumptions"].setChecked(False)
    dialog.narrative["executive_summary"].setPlainText("Five members, one vehicle & A<B.")
    dialog.save_choices()
    assert "assumptions" not in chosen_sections(c.ws, option.id)
    assert c.ws.setting(narrative_key(option.id, "executive_summary")) == "Five members, one vehicle & A<B."
    c.undo_stack.undo()  # the narrative
    assert c.ws.setting(narrative_key(option.id, "executive_summary")) == ""
    assert c.ws.setting(sections_key(option.id)) != ""


def test_export_runs_in_the_background_and_writes_the_pdf(demo_window, qtbot, tmp_path):
    c = demo_window.controller
    option = c.ws.options()[2]
    target = tmp_path / "case.pdf"
    task = export_case_task(c, option.id, ["summary", "consortium", "pricing"], target, None)
    with qtbot.waitSignal(task.finished, timeout=60000) as blocker:
        task.start()
    assert blocker.args[0] == target and target.exists()
    text = "\n".join(page.extract_text() for page in PdfReader(str(target)).pages)
    assert "Pricing and win analysis" in text and option.name in text


def test_cancelled_export_writes_nothing(demo_window, qtbot, tmp_path):
    c = demo_window.controller
    option = c.ws.options()[2]
    target = tmp_path / "never.pdf"
    task = export_case_task(c, option.id, ["summary"], target, None)
    task.cancel()  # cancelled before it starts: the first check stops it
    with qtbot.waitSignal(task.failed, timeout=60000):
        task.start()
    assert not target.exists()


def test_file_menu_export(demo_window, qtbot, tmp_path, monkeypatch):
    target = tmp_path / "menu.pdf"
    c = demo_window.controller
    monkeypatch.setattr(ExportCaseDialog, "ask",
                        classmethod(lambda cls, controller, oid, parent=None: (c.ws.options()[1].id, ["summary"], target)))
    demo_window.export_case()
    qtbot.waitUntil(lambda: target.exists(), timeout=60000)
    qtbot.waitUntil(lambda: "Wrote" in demo_window.statusBar().currentMessage(), timeout=10000)


def test_cli_export_uses_the_sections_chosen_in_the_gui(demo_window, tmp_path):
    from consortium_planner.cli import main

    c = demo_window.controller
    option = c.ws.options()[2]
    c.set_setting(sections_key(option.id), "summary,consortium")
    path = c.session.path
    demo_window.close_workspace()
    out = tmp_path / "cli.pdf"
    assert main(["export-pdf", str(path), "--option", option.name, "-o", str(out)]) == 0
    text = "\n".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "The consortium" in text and "Pricing and win analysis" not in text and "Assumptions and sources" not in text


def test_guards_are_shown_before_export(demo_window, qtbot):
    from consortium_planner.domain.model import Role

    c = demo_window.controller
    option = c.ws.options()[2]
    dialog = ExportCaseDialog(c, option.id)
    qtbot.addWidget(dialog)
    assert "Check before you export" in dialog.guards.text()  # the demo's contract runs beyond known rates
    role = next(r for r in c.ws.all(Role) if r.hourly_rate < 13)
    assert c.set_field(Role, role.id, "hourly_rate", "9.50")
    dialog = ExportCaseDialog(c, option.id)
    qtbot.addWidget(dialog)
    assert "National Living Wage" in dialog.guards.text()
