"""The Simulation tab: Run off the UI thread with progress, Cancel, the figures of run_simulation, by seed."""

from __future__ import annotations

import pytest
from views_support import (  # noqa: F401 (fixtures)
    SPV,
    Selection,
    controller_fixture,
    demo_path_fixture,
    main_window,
    option_id,
)

from consortium_planner.gui.simulation_view import SimulationView
from consortium_planner.reports.document import Status
from consortium_planner.services.simulation import run_simulation


@pytest.fixture
def view(qtbot, controller) -> SimulationView:
    v = SimulationView(controller, Selection(option_id(controller, SPV)))
    qtbot.addWidget(v)
    v.resize(1280, 720)
    v.show()
    return v


def test_the_tab_is_among_the_options_analysis_tabs(qtbot, qsettings, monkeypatch, demo_path):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = window.show_page("Consortium options")
    view = page.analysis_views["Simulation"]
    assert isinstance(view, SimulationView)
    window.resize(1280, 720)
    wanted = option_id(window.controller, SPV)
    page.master.table.select_id(wanted)
    page.tabs.setCurrentWidget(view)
    view.draws.setValue(2_000)
    view.run_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20_000)
    assert view.result.option_id == wanted
    qtbot.wait(50)
    assert window.width() == 1280  # the tab does not widen the window
    qtbot.waitUntil(lambda: not page.verdict.busy, timeout=30_000)  # the banner's verdict reads the simulation too
    window.grab().save("/tmp/sim-window.png")


def test_run_shows_the_figures_of_the_simulation_with_that_seed(view, controller, qtbot):
    view.draws.setValue(3_000)
    view.seed.setValue(42)
    progress: list[float] = []
    view.progress.valueChanged.connect(lambda v: progress.append(v))
    view.run_button.click()
    assert not view.run_button.isEnabled() and view.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20_000)
    expected = run_simulation(controller.ws, option_id(controller, SPV), draws=3_000, seed=42)
    assert view.result == expected  # the same seed, the same figures
    assert progress  # progress reached the bar
    assert view.run_button.isEnabled() and not view.cancel_button.isEnabled()
    model = view.probabilities
    assert model.index(0, 1).data() == f"{expected.p_requirement_above_sources * 100:.1f}%"
    assert view.probabilities.table.rows[0][1].status is Status.RED  # the demo SPV falls short in most draws
    assert view.percentiles.table.rows[0][2].value == expected.npv.p50
    assert view.npv_chart.chart is not None and view.requirement_chart.chart is not None
    assert sum(view.requirement_chart.chart.series[0].values) == 3_000
    view.grab().save("/tmp/sim-view.png")


def test_cancel_stops_the_run_and_says_so(view, qtbot):
    view.draws.setValue(1_000_000)
    view.run_button.click()
    view.cancel_button.click()
    qtbot.waitUntil(lambda: view.task is None, timeout=30_000)
    assert view.result is None
    assert "Cancelled" in view.status.text()
    assert view.run_button.isEnabled()


def test_an_edit_after_a_run_says_the_figures_are_out_of_date(view, controller, qtbot):
    view.draws.setValue(500)
    view.run_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=20_000)
    controller.workspace_changed.emit(None)
    assert "changed since this run" in view.status.text()
    view.option_id.option_id = None
    view.reload()
    assert not view.results.isVisible() and view.result is None
