"""Fixtures and helpers shared by the tests of the four analysis views (Capacity, Standing, Pricing,
Cash flow) on the demo workspace. A test module imports the fixtures it uses (``demo_path_fixture``
gives the fixture ``demo_path``, ``controller_fixture`` the fixture ``controller``)."""

import pytest

from consortium_planner.gui.controller import WorkspaceController
from consortium_planner.gui.main_window import MainWindow, Messages
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession

SPV = "Special purpose vehicle"
GO_ALONE = "Go alone"
LEAD_PROVIDER = "Lead provider with subcontractors"


@pytest.fixture(name="demo_path")
def demo_path_fixture(tmp_path):
    return write_demo(tmp_path / "demo.cplan")


@pytest.fixture(name="controller")
def controller_fixture(demo_path):
    session = WorkspaceSession.open(demo_path)
    c = WorkspaceController(session)
    yield c
    c.close()
    session.close()


class Selection:
    """Stands in for the options page's ``current_id``."""

    def __init__(self, option_id=None):
        self.option_id = option_id

    def __call__(self):
        return self.option_id


def option_id(c, name):
    return next(o.id for o in c.ws.options() if o.name == name)


def main_window(qtbot, qsettings, monkeypatch, path=None) -> MainWindow:
    """The main window shown at 1400 × 860, with ``path`` open if given; error messages are
    collected in its ``errors`` rather than shown."""
    errors: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, title, text: errors.append(text)))
    w = MainWindow(qsettings)
    w.errors = errors
    qtbot.addWidget(w)
    w.resize(1400, 860)
    w.show()
    if path is not None:
        assert w.open_path(path)
    return w


def notice_status(label_html: str, message: str):
    """The status whose tone colours the notice row that says ``message`` in a ``notice_table_html``
    label (None: no such row). The glyph must be the status's too."""
    import html

    from consortium_planner.gui.style import NOTICE_GLYPHS, STATUS_TONES

    for row in label_html.split("<tr>")[1:]:
        if html.escape(message) not in row:
            continue
        for status, tone in STATUS_TONES.items():
            if f"background-color:{tone.background}; color:{tone.text};" in row:
                assert f"<b>{NOTICE_GLYPHS[status]}</b>" in row, row
                return status
    return None


def settle(qtbot, view):
    """Wait until an analysis view has no recalculation pending or running (so none lands after the window closes)."""
    qtbot.wait(20)
    qtbot.waitUntil(lambda: not view.busy and not view._stale and not view._timer.isActive(), timeout=20000)
    qtbot.wait(20)
