"""File → New from template… and File → Export anonymised copy… (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from consortium_planner.domain.model import Organisation, Tender
from consortium_planner.gui import templates_dialog as td
from consortium_planner.gui.main_window import FileDialogs, MainWindow, Messages
from consortium_planner.services.anonymise import read_workspace
from consortium_planner.services.demo import write_demo
from consortium_planner.services.templates import TEMPLATES


@pytest.fixture
def window(qtbot, qsettings, monkeypatch):
    said: dict[str, list[str]] = {"error": [], "info": []}
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: said["error"].append(text)))
    monkeypatch.setattr(Messages, "info", staticmethod(lambda parent, title, text: said["info"].append(text)))
    w = MainWindow(qsettings)
    w.said = said
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    return w


def _file_action(window, text: str):
    menu = window.menuBar().actions()[0].menu()
    return next(a for a in menu.actions() if a.text() == text)


def test_template_dialog_lists_every_template_with_its_description(qtbot):
    dialog = td.TemplateDialog()
    qtbot.addWidget(dialog)
    assert dialog.list.count() == len(TEMPLATES) >= 3
    dialog.list.setCurrentRow(2)
    assert dialog.chosen() == TEMPLATES[2].name
    assert dialog.description.text() == TEMPLATES[2].description
    dialog.resize(560, 360)
    dialog.grab().save("/tmp/templates-dialog.png")


def test_new_from_template_writes_and_opens_it(window, tmp_path, monkeypatch):
    target = tmp_path / "youth.cplan"

    def pick(self):
        self.list.setCurrentRow(1)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(td.TemplateDialog, "exec", pick)
    monkeypatch.setattr(FileDialogs, "ask_save", staticmethod(lambda parent, title: str(target)))
    _file_action(window, "New from &template…").trigger()
    assert window.said["error"] == []
    assert window.controller.session.path == target
    assert window.controller.ws.tenders()[0].name == "Northfold Youth Services Contract"


def test_export_anonymised_copy_and_case_study(window, tmp_path, monkeypatch, qtbot):
    demo = write_demo(tmp_path / "demo.cplan")
    assert window.open_path(demo)
    target = tmp_path / "shared.cplan"

    def fill(self):
        assert self.path.text().endswith("demo-anonymised.cplan")
        self.resize(600, 300)
        self.grab().save("/tmp/templates-anonymise-dialog.png")
        self.path.setText(str(target))
        self.scale.setText("2")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(td.AnonymiseDialog, "exec", fill)
    _file_action(window, "Export &anonymised copy…").trigger()
    qtbot.waitUntil(lambda: bool(window.said["info"] or window.said["error"]), timeout=120_000)
    assert window.said["error"] == []
    assert "none left" in window.said["info"][0] and "shared-case-study.pdf" in window.said["info"][0]
    anon = read_workspace(target)
    assert {o.name for o in anon.iter(Organisation)} >= {"Organisation A", "Organisation G"}
    assert next(anon.iter(Tender)).annual_value == 2 * next(read_workspace(demo).iter(Tender)).annual_value
    assert (tmp_path / "shared-case-study.pdf").read_bytes()[:5] == b"%PDF-"
    # the open workspace is untouched: its names are still its own
    assert "Westmarch Care Mutual" in {o.name for o in read_workspace(demo).iter(Organisation)}
    assert window.controller.session.path == Path(demo)


def test_export_dialog_refuses_a_bad_scale(qtbot):
    dialog = td.AnonymiseDialog(None, "/tmp/x.cplan")
    qtbot.addWidget(dialog)
    dialog.scale.setText("lots")
    dialog._accept()
    assert "not a number" in dialog.problem.text() and dialog.result() != QDialog.DialogCode.Accepted
    existing = Path(__file__)  # any file that exists: typed, not chosen with Browse…, it is not replaced
    dialog.path.setText(str(existing))
    dialog.scale.setText("1")
    dialog._accept()
    assert "already exists" in dialog.problem.text() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.scale.setText("0.5")
    dialog.case_study.setChecked(False)
    assert dialog.scale_factor() == __import__("decimal").Decimal("0.5") and dialog.case_study_path() is None
