import html

import pytest
from pypdf import PdfReader
from views_support import notice_status

from consortium_planner.domain.findings import Severity
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
    qtbot.waitUntil(lambda: "Wrote" in demo_window.statusBar().currentMessage(), timeout=60000)


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


def checked_dialog(qtbot, c, option_id) -> ExportCaseDialog:
    """The export dialog once its check of the option's analyses (off the UI thread) has arrived."""
    dialog = ExportCaseDialog(c, option_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.checked, timeout=60000):
        pass
    return dialog


def test_guards_are_shown_before_export(demo_window, qtbot):
    from consortium_planner.domain.model import Role

    c = demo_window.controller
    option = c.ws.options()[2]
    dialog = checked_dialog(qtbot, c, option.id)
    text = dialog.guards.text()
    assert "Check before you export" in text and "no price both wins and covers cost" in text  # blocking
    assert text.index("Do not bid as it stands") < text.index("Check before you export")  # the verdict first
    assert "Would cure it: Cut cost by £180,545 a year" in text
    assert "beyond the last rates known" not in text  # a warning: for the case's Risks, not this check
    assert "above the budget ceiling" not in text  # later years over a ceiling fixed in cash: a warning
    assert all(f.severity.red for f in dialog.check_findings) and dialog.check_findings
    role = next(r for r in c.ws.all(Role) if r.hourly_rate < 13)
    assert c.set_field(Role, role.id, "hourly_rate", "9.50")
    dialog = checked_dialog(qtbot, c, option.id)
    assert "National Living Wage" in dialog.guards.text()
    assert dialog.check_findings[0].severity is Severity.BLOCKING  # worst first


def _risk_status(case, message):
    risks = case.section("risks").table("risks")
    row = next(r for r in range(len(risks.rows)) if message in risks.text(r, 2))
    return risks.rows[row][1].status


def test_the_check_shows_funding_findings_as_the_case_risks_do(demo_window, qtbot):
    """A funding shortfall and cover below the lender's minimum are serious: red before export, as in the
    PDF's Risks section (they were once amber on screen and red in the PDF)."""
    from consortium_planner.domain.model import ConsortiumOption, FundingSource
    from consortium_planner.reports.case import build_case
    from consortium_planner.reports.document import Status, status_of

    c = demo_window.controller
    option = c.ws.options()[2]
    facility = next(s for s in c.ws.by(FundingSource, "option_id", option.id) if s.name == "Working capital facility")
    assert c.set_field(FundingSource, facility.id, "amount", "£0")
    assert c.set_field(ConsortiumOption, option.id, "min_dscr", "2.5")  # cover is 2.10 without the facility
    dialog = checked_dialog(qtbot, c, option.id)
    case = build_case(c.ws, option.id, sections=["risks"])
    shown = {f.code: f for f in dialog.check_findings}
    for code in ("funding_shortfall", "cash_negative", "dscr_below_minimum"):
        finding = shown[code]
        assert finding.severity is Severity.SERIOUS
        assert notice_status(dialog.guards.text(), finding.message) is status_of(finding.severity) is Status.RED
        assert _risk_status(case, finding.message) is Status.RED
    ranks = [f.severity.rank for f in dialog.check_findings]
    assert ranks == sorted(ranks, reverse=True)  # worst first


def test_choosing_another_option_checks_that_one(demo_window, qtbot):
    c = demo_window.controller
    go_alone, spv = c.ws.options()[0], c.ws.options()[2]
    dialog = checked_dialog(qtbot, c, spv.id)
    assert {f.code for f in dialog.check_findings} >= {"no_winning_price_covers_cost"}
    with qtbot.waitSignal(dialog.checked, timeout=60000):
        dialog.option_box.setCurrentIndex(dialog.option_box.findData(go_alone.id))
    gaps = [f for f in dialog.check_findings if f.code == "capacity_gap"]
    assert len(gaps) == 14 and all(html.escape(f.message) in dialog.guards.text() for f in gaps)  # all, none counted
    assert "Bid with conditions" in dialog.guards.text()


def test_the_check_lists_every_serious_and_blocking_finding_the_case_contains(demo_window, qtbot):
    """An option built by hand with many problems: the dialog's list is exactly the case's serious and
    blocking findings (a gap, a failed turnover test, a shortfall, cash below zero, cover far below the
    covenant...), each shown, the verdict first."""
    from consortium_planner.reports.case import build_case
    from problem_option import add_problem_option

    c = demo_window.controller
    oid = add_problem_option(c.session)
    dialog = checked_dialog(qtbot, c, oid)
    case = build_case(c.ws, oid)
    assert dialog.check_findings == list(case.red_findings)
    assert len(dialog.check_findings) >= 6
    risks = case.section("risks").text()
    text = dialog.guards.text()
    for f in dialog.check_findings:
        assert f.message in risks  # the document reports it ...
        assert html.escape(f.message) in text  # ... and the check lists it
    assert {f.code for f in dialog.check_findings} >= {"capacity_gap", "standing_fail_turnover_ratio",
                                                      "funding_shortfall", "cash_negative", "dscr_below_minimum"}
    assert text.index(case.verdict.label) < text.index("Check before you export")
