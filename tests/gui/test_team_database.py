"""File → Open team database…: a PostgreSQL workspace in the main window, its password never kept."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from consortium_planner.domain.model import Organisation
from consortium_planner.gui.main_window import MainWindow, Messages
from consortium_planner.services.demo import write_demo

PASSWORD = "s3cret-pw"


@pytest.fixture
def window(qtbot, qsettings, monkeypatch):
    errors: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
    w = MainWindow(qsettings)
    w.errors = errors
    qtbot.addWidget(w)
    w.show()
    return w


def everything_saved(settings) -> str:
    settings.sync()
    return " ".join(f"{k}={settings.value(k)}" for k in settings.allKeys())


def test_open_team_database_shows_the_url_without_password_and_never_saves_it(window, pg_url, monkeypatch):
    write_demo(pg_url)
    typed = make_url(pg_url).set(password=PASSWORD).render_as_string(hide_password=False)
    asked: list[str] = []
    monkeypatch.setattr(Messages, "ask_database_url",
                        staticmethod(lambda parent, last: asked.append(last) or typed))
    window.act_open_db.trigger()
    assert window.errors == []
    assert window.controller is not None and window.controller.session.path is None
    shown = window.controller.session.location
    assert PASSWORD not in shown and make_url(pg_url).database in shown
    assert window.windowTitle() == f"{shown} — Consortium Planner"
    assert shown in window.status_path.text() and PASSWORD not in window.status_path.text()
    assert not window.act_save_as.isEnabled() and not window.act_restore.isEnabled()  # files only
    assert window.recent_files() == [shown]
    assert PASSWORD not in everything_saved(window.settings)
    # an edit goes to the database
    org = window.controller.ws.all(Organisation)[0]
    window.controller.set_field(Organisation, org.id, "name", "Renamed in the team database")
    window.undo()
    window.redo()
    window.close_workspace()
    # next time the last URL is offered (without the password), and the recent entry reopens it
    window.act_open_db.trigger()
    assert asked == ["", shown]
    window.close_workspace()
    assert window.open_path(window.recent_files()[0])
    assert window.controller.ws.get(Organisation, org.id).name == "Renamed in the team database"
    assert PASSWORD not in everything_saved(window.settings)


def test_a_database_that_cannot_be_reached_gets_a_message(window, monkeypatch):
    url = f"postgresql://alice:{PASSWORD}@/nowhere?host=/nonexistent-socket-dir"
    monkeypatch.setattr(Messages, "ask_database_url", staticmethod(lambda parent, last: url))
    window.act_open_db.trigger()
    assert window.controller is None
    assert window.errors and "cannot connect" in window.errors[0] and PASSWORD not in window.errors[0]
    assert window.recent_files() == []
    monkeypatch.setattr(Messages, "ask_database_url", staticmethod(lambda parent, last: None))  # Cancel
    window.act_open_db.trigger()
    assert len(window.errors) == 1
