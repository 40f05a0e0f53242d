"""The Compare page: the options side by side off the UI thread, the CLI's JSON equal to the page's model,
the scenario chooser, a baseline, the charts, and the scenario editor (live preview, undoable save)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication
from views_support import GO_ALONE, SPV, demo_path_fixture, main_window  # noqa: F401 (fixtures)

from consortium_planner.cli import main as cli
from consortium_planner.domain.model import ConsortiumOption, Scenario
from consortium_planner.gui.compare import ComparePage
from consortium_planner.reports.sections.compare import comparison_table
from consortium_planner.services.compare import comparison_json

TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def no_work_left_behind():
    """A request the page cancelled still runs to its next check: let it end before the next test."""
    yield
    QThreadPool.globalInstance().waitForDone(TIMEOUT)


def compare_page(window) -> ComparePage:
    window.navigator.setCurrentRow(list(window.pages).index("Compare"))
    page = window.pages["Compare"]
    assert isinstance(page, ComparePage)
    return page


def settled(qtbot, page: ComparePage) -> None:
    qtbot.waitUntil(lambda: not page.busy and page.comparison is not None and not page._stale, timeout=TIMEOUT)


def cli_json(path, *args, capsys) -> dict:
    capsys.readouterr()
    # the demo holds two tenders (the second for the bid pipeline): the page shows the first
    assert cli(["compare", str(path), "--tender", "Westmarch Integrated Community Wellbeing Service", *args,
                "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_compare_is_in_the_navigator_and_equals_the_cli(qtbot, qsettings, monkeypatch, demo_path, capsys):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    assert "Compare" in [window.navigator.item(i).text() for i in range(window.navigator.count())]
    page = compare_page(window)
    settled(qtbot, page)
    c = page.comparison
    assert [o.name for o in c.options] == [o.name for o in window.controller.ws.options(c.tender_id)]
    assert c.scenario == "Base" and c.adjustments == "no change"
    assert page.model.texts() == comparison_table(c).texts()
    window.controller.session.close()  # the CLI opens the file itself
    assert comparison_json(c) == cli_json(demo_path, capsys=capsys)


def test_scenario_and_baseline_choices(qtbot, qsettings, monkeypatch, demo_path, capsys):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = compare_page(window)
    settled(qtbot, page)
    base_npv = {o.name: o.values["npv"] for o in page.comparison.options}
    page.select(scenario="Severe", baseline=GO_ALONE)
    settled(qtbot, page)
    c = page.comparison
    assert c.scenario == "Severe" and c.adjustments.startswith("volume \u221220%")
    assert all(o.values["npv"] < base_npv[o.name] for o in c.options)
    assert "under the Severe scenario" in page.status.text()
    alone = next(o for o in c.options if o.name == GO_ALONE)
    assert page.model.texts() == comparison_table(c, alone.option_id).texts()
    headers = [page.model.column(i).title for i in range(page.model.columnCount())]
    assert headers[0] == f"{GO_ALONE} (baseline)"
    # the stored options are untouched by looking at a scenario
    assert {o.name for o in window.controller.ws.options(page.tender_id())} == set(base_npv)
    window.controller.session.close()
    assert comparison_json(c, alone.option_id) == cli_json(demo_path, "--scenario", "Severe", "--baseline", GO_ALONE,
                                                           capsys=capsys)


def test_charts_draw_every_option(qtbot, qsettings, monkeypatch, demo_path):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = compare_page(window)
    settled(qtbot, page)
    page.tabs.setCurrentWidget(page.key_figures)
    n = len(page.comparison.options)
    assert len(page.key_figures.views) == len(page.key_figures.charts) >= 4
    for view in page.key_figures.views:
        (series,) = view.chart().series()
        assert series.barSets()[0].count() == n
    page.tabs.setCurrentWidget(page.cash)
    assert [s.name() for s in page.cash.series] == [o.name for o in page.comparison.options]
    first = page.comparison.options[0]
    assert page.cash.series[0].count() == len(first.cumulative_cash)
    assert page.cash.series[0].at(5).y() == float(first.cumulative_cash[5])


def test_editing_a_scenario_previews_as_you_type_and_saves_one_undoable_change(qtbot, qsettings, monkeypatch,
                                                                                demo_path):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = compare_page(window)
    page.tabs.setCurrentWidget(page.scenarios)
    panel = page.scenarios
    qtbot.waitUntil(lambda: not page.busy and bool(panel.outcomes), timeout=TIMEOUT)
    c = window.controller
    down = next(s for s in c.ws.all(Scenario) if s.name == "Downside")
    panel.table.table.select_id(down.id)
    assert panel.form.scenario_id == down.id

    def npv(option: str, scenario: str) -> Decimal:
        return dict(panel.outcomes)[option][scenario].rows["npv"]

    before = npv(SPV, "Downside")
    edit = panel.form.edits["volume_pct"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "-30")  # typed, not yet saved
    qtbot.waitUntil(lambda: panel.preview is not None and not page.busy and npv(SPV, "Downside") < before,
                    timeout=TIMEOUT)
    assert "Previewing Downside" in panel.status.text()
    assert c.ws.get(Scenario, down.id).volume_pct == Decimal("-10")  # nothing saved by typing
    assert not c.undo_stack.canUndo()
    qtbot.keyClick(edit, Qt.Key.Key_Return)  # saved: one undoable edit
    assert c.ws.get(Scenario, down.id).volume_pct == Decimal("-30")
    assert c.undo_stack.count() == 1
    qtbot.waitUntil(lambda: panel.preview is None and not page.busy, timeout=TIMEOUT)
    saved = npv(SPV, "Downside")
    assert saved < before
    c.undo_stack.undo()
    assert c.ws.get(Scenario, down.id).volume_pct == Decimal("-10")
    qtbot.waitUntil(lambda: not page.busy and npv(SPV, "Downside") == before, timeout=TIMEOUT)
    # a value the field refuses is named and not previewed
    edit.selectAll()
    qtbot.keyClicks(edit, "-95")
    qtbot.waitUntil(lambda: "at least" in panel.form.problem.text(), timeout=5000)
    assert panel.preview is None


def test_the_matrix_shows_each_options_scenarios_analysis(qtbot, qsettings, monkeypatch, demo_path):
    from consortium_planner.services.pipeline import run

    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = compare_page(window)
    page.tabs.setCurrentWidget(page.scenarios)
    panel = page.scenarios
    qtbot.waitUntil(lambda: not page.busy and bool(panel.outcomes), timeout=TIMEOUT)
    ws = window.controller.ws
    for name, by_scenario in panel.outcomes:
        option = next(o for o in ws.options() if o.name == name)
        analysis = run(ws, option.id, ["scenarios"])["scenarios"]
        assert {k: dict(v.rows) for k, v in by_scenario.items()} == {k: dict(v.rows) for k, v in analysis.items()}
    index = panel.figure.findData("funding_requirement")
    panel.figure.setCurrentIndex(index)
    qtbot.waitUntil(lambda: not page.busy and panel.model.table.title.startswith("Funding requirement"),
                    timeout=TIMEOUT)
    assert [panel.model.column(i).title for i in range(panel.model.columnCount())] == ["Base", "Downside", "Severe",
                                                                                      "Upside"]


def test_an_edit_elsewhere_recomputes_and_a_workspace_without_a_tender_says_so(qtbot, qsettings, monkeypatch,
                                                                               demo_path, tmp_path):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = compare_page(window)
    settled(qtbot, page)
    spv = next(o for o in page.comparison.options if o.name == SPV)
    window.controller.set_field(ConsortiumOption, spv.option_id, "margin_pct", "6")
    qtbot.waitUntil(lambda: not page.busy and page.comparison.option(spv.option_id).values["year_one_price"]
                    > spv.values["year_one_price"], timeout=TIMEOUT)
    from consortium_planner.services.session import WorkspaceSession

    empty = WorkspaceSession.create(tmp_path / "empty.cplan")
    empty.close()
    assert window.open_path(tmp_path / "empty.cplan")
    page = compare_page(window)
    qtbot.waitUntil(lambda: "no tender" in page.status.text(), timeout=TIMEOUT)
    QApplication.processEvents()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_page_fits_the_window(qtbot, qsettings, monkeypatch, demo_path, size):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    window.resize(*size)
    page = compare_page(window)
    settled(qtbot, page)
    for tab in range(page.tabs.count()):
        page.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        assert window.width() == size[0], f"tab {page.tabs.tabText(tab)} widens the window"


def test_the_cumulative_cash_chart_moves_its_lines_as_a_new_chart_draws_them(qtbot):
    """Figures that keep the title, months and lines move the chart on show (its lines and scale); its lines,
    axes, keys and picture are a new chart's, and its tooltips read the latest figures. Other lines make a new
    chart."""
    from decimal import Decimal as D

    from PySide6.QtCore import Qt

    from consortium_planner.gui.compare.charts import CumulativeCashPanel
    from consortium_planner.reports.document import Chart, ChartKind, Series

    months = [f"M{t}" for t in range(24)]

    def chart(scale: int, names=("Lead provider", "Special purpose vehicle")) -> Chart:
        series = tuple(Series(n, tuple(D(scale * (t - 8) * (k + 1)) for t in range(24))) for k, n in enumerate(names))
        return Chart("cash", ChartKind.LINE, "Cumulative cash", (), series, "Month", "£",
                     x_values=tuple(D(t) for t in range(24)), note="before funding")

    def drawn(panel):
        c = panel.view.chart()
        axes = [[a.min(), a.max()] + [(x, a.endValue(x)) for x in a.categoriesLabels()] for a in c.axes()]
        return [(s.name(), [(p.x(), p.y()) for p in s.points()]) for s in c.series()], axes, panel.legend.text()

    panel = CumulativeCashPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 400)
    panel.show()
    panel.show_chart(chart(1000), months)
    on_show = panel.view.chart()
    scales = []
    for scale in (1100, 90_000):  # the second moves the scale
        panel.show_chart(chart(scale), months)
        assert panel.view.chart() is on_show
        fresh = CumulativeCashPanel()
        qtbot.addWidget(fresh)
        fresh.resize(900, 400)
        fresh.show()
        fresh.show_chart(chart(scale), months)
        qtbot.wait(10)
        assert drawn(panel) == drawn(fresh)
        assert panel.view.grab().toImage() == fresh.view.grab().toImage()
        assert panel._data.series[0].values[23] == D(scale * 15)  # what the tooltips read
        scales.append(on_show.axes(Qt.Orientation.Vertical)[0].max())
    assert scales[0] != scales[1]
    panel.show_chart(chart(1000, names=("Lead provider",)), months)
    assert panel.view.chart() is not on_show and len(panel.series) == 1
