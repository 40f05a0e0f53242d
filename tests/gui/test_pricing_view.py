"""The Pricing tab: presentation of ``services.analyses.prices`` and ``evaluation`` on the demo workspace."""

import html
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from views_support import (
    GO_ALONE,
    LEAD_PROVIDER,
    SPV,
    demo_path_fixture,  # noqa: F401 (fixtures)
    main_window,
    notice_status,
    option_id,
)

from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import ConsortiumOption, Role
from consortium_planner.domain.money import format_gbp
from consortium_planner.domain.money import format_gbp_short as short
from consortium_planner.gui.document_model import DocumentTableModel
from consortium_planner.gui.pricing import ALL_LINES, PricingView
from consortium_planner.gui.roles import HIGHLIGHT_ROLE, VALUE_ROLE
from consortium_planner.reports.document import Status, status_of
from consortium_planner.services import analyses


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


@pytest.fixture
def show(window, qtbot):
    """Select an option by name and bring its Pricing tab up; returns the view once computed."""

    def show(name) -> PricingView:
        page = window.show_page("Consortium options")
        page.master.table.select_id(option_id(window.controller, name))
        view = page.analysis_views["Pricing"]
        page.tabs.setCurrentWidget(view)
        wanted = option_id(window.controller, name)
        qtbot.waitUntil(lambda: view.result is not None and view.result.option_id == wanted and not view._stale, timeout=30000)
        return view

    return show


def headline_price(view) -> str:
    return view.headline.cards["price"].value.text()


def test_tab_follows_standing():
    from consortium_planner.gui.analysis_tabs import analysis_tabs

    titles = [t for t, _ in analysis_tabs()]
    assert "Pricing" in titles
    assert titles.index("Pricing") == titles.index("Standing") + 1


@pytest.mark.parametrize("name", [SPV, LEAD_PROVIDER])
def test_headline_price_is_the_domains_year_one_price(window, show, name):
    view = show(name)
    c = window.controller
    schedule = analyses.prices(c.ws, option_id(c, name))
    y1 = schedule.years[0]
    assert headline_price(view) == short(y1.annual_price)
    # the ceiling and budget lines name the domain's figures; the ceiling as the buyer applies it
    detail = view.headline.cards["price"].detail.text()
    assert short(y1.budget) in detail and short(schedule.evaluated_ceiling) in detail
    if schedule.over_evaluated_ceiling:
        assert short(schedule.evaluated_price - schedule.evaluated_ceiling) + " over the ceiling" in detail
    later = sum(1 for y in schedule.years if y.ceiling_breach is Severity.WARNING)
    assert (f"{later} years above the ceiling, fixed in cash" in detail) == (later > 1)
    # the bid's figures are the evaluation's
    ev = analyses.evaluation(c.ws, option_id(c, name), schedule)
    cards = view.headline.cards
    ours = ev.evaluation.ours
    if ours.failed:  # above the ceiling, where the buyer's method fails it
        assert cards["score"].value.text() == "Fails"
    else:
        assert f"rank {ours.rank} of {len(ev.evaluation.bids)}" in cards["score"].value.text()
    assert cards["win"].value.text() == f"{ev.win.probability * 100:.2f}%"
    assert f"{ev.win.draws:,} draws, seed {ev.win.seed}" in cards["win"].detail.text()
    assert cards["winning"].value.text() == format_gbp(ev.winning_price.price, pence=False)
    assert ("no price both wins and covers cost" in cards["winning"].detail.text()) == (
        ev.winning_price.price < ev.annual_cost)
    assert cards["best"].value.text() == short(ev.best.price)
    q = ev.quality_needed.quality_score
    assert cards["quality"].value.text() == ("Not reachable" if q is None else f"{q:.2f} of 100")
    # guard warnings are shown
    for flag in schedule.flags:
        if flag.code in ("rates_extrapolated", "wage_floor", "abnormally_low"):
            assert html.escape(flag.message) in view.headline.warnings.text()
    if schedule.over_evaluated_ceiling or later:
        assert "above the budget ceiling" in view.headline.warnings.text()


def test_editing_margin_reprices_and_undo_restores(window, show, qtbot):
    view = show(SPV)
    c = window.controller
    oid = option_id(c, SPV)
    before = headline_price(view)
    assert before == short(analyses.prices(c.ws, oid).years[0].annual_price)
    view.tabs.setCurrentWidget(view.assumptions)
    editor = view.assumptions.option_form.editors["margin_pct"]
    editor.setText("6")
    editor.editingFinished.emit()
    assert c.ws.get(ConsortiumOption, oid).margin_pct == Decimal("6")
    expected = short(analyses.prices(c.ws, oid).years[0].annual_price)
    assert expected != before
    qtbot.waitUntil(lambda: headline_price(view) == expected, timeout=30000)
    c.undo_stack.undo()
    assert c.ws.get(ConsortiumOption, oid).margin_pct == Decimal("3")
    qtbot.waitUntil(lambda: headline_price(view) == before, timeout=30000)
    assert editor.text() == "3%"


def test_tender_assumption_reprices_later_years(window, show, qtbot):
    view = show(SPV)
    c = window.controller
    oid = option_id(c, SPV)
    editor = view.assumptions.tender_form.editors["pay_indexation_pct"]
    editor.setText("5")
    editor.editingFinished.emit()
    year2 = format_gbp(analyses.prices(c.ws, oid).years[1].annual_price, pence=False)
    view.tabs.setCurrentWidget(view.years)
    qtbot.waitUntil(lambda: view.years.years_model.text(1, 1) == year2, timeout=30000)
    assert c.undo_stack.undoText().startswith("Change tender")


def test_wage_floor_breach_is_shown_as_a_failing_guard(window, show, qtbot):
    view = show(SPV)
    c = window.controller
    role = next(r for p in c.ws.cost_profiles(c.ws.organisations()[0].id) for r in c.ws.roles(p.id))
    assert c.set_field(Role, role.id, "hourly_rate", "9.50")
    schedule = analyses.prices(c.ws, option_id(c, SPV))
    breach = next(f for f in schedule.flags if f.code == "wage_floor")
    qtbot.waitUntil(lambda: "below the National Living Wage" in view.headline.warnings.text(), timeout=30000)
    assert html.escape(breach.message) in view.headline.warnings.text()
    assert breach.severity is Severity.BLOCKING
    assert notice_status(view.headline.warnings.text(), breach.message) is Status.RED


def test_findings_show_in_their_own_severity(window, show):
    """Each of the schedule's findings is shown in the tone of ``status_of(finding.severity)``, most severe
    first: the screen never re-classifies a finding."""
    view = show(SPV)
    c = window.controller
    flags = analyses.prices(c.ws, option_id(c, SPV)).flags
    text = view.headline.warnings.text()
    seen = {}
    for f in flags:
        if f.code == "ceiling_affordability" and f is not next(x for x in flags if x.code == f.code):
            continue  # one line for every contract year over the ceiling
        seen[f.message] = notice_status(text, f.message)
        assert seen[f.message] is status_of(f.severity), f.message
    severities = {f.severity for f in flags}
    assert {Severity.WARNING, Severity.INFO} <= severities  # amber and grey both shown
    order = [text.index(html.escape(m)) for m in seen]
    ranks = [next(f.severity.rank for f in flags if f.message == m) for m in seen]
    assert [r for _i, r in sorted(zip(order, ranks, strict=True))] == sorted(ranks, reverse=True)


def test_waterfall_adds_up_to_the_unit_price(window, show):
    view = show(SPV)
    panel = view.buildup
    c = window.controller
    b = analyses.prices(c.ws, option_id(c, SPV)).buildup
    assert panel.combo.count() == len(b.service_lines) + 1
    for s in b.service_lines:
        panel.select(s.key)
        steps = sum((st.value for st in panel.steps), Decimal(0))
        assert steps == s.price_per_unit == panel.total
        bars = panel.bar_values()
        price_bar = bars.pop("Price")
        assert round(sum(price_bar), 2) == float(s.price_per_unit)
        assert round(sum(sum(v) for v in bars.values()), 2) == float(s.price_per_unit)
        # the table's lines add to its total row, which is the displayed price
        m = panel.model
        assert m.rowCount() == len(s.lines) + 1
        per_unit = sum(Decimal(m.text(r, 1).replace("£", "").replace(",", "")) for r in range(len(s.lines)))
        annual = sum(Decimal(m.text(r, 2).replace("£", "").replace(",", "")) for r in range(len(s.lines)))
        assert m.text(len(s.lines), 1) == format_gbp(per_unit) == format_gbp(s.price_per_unit)
        assert m.text(len(s.lines), 2) == format_gbp(annual, pence=False) == format_gbp(s.annual_price, pence=False)
        assert m.index(len(s.lines), 1).data(Qt.ItemDataRole.FontRole).bold()  # the total row
    panel.select(ALL_LINES)
    assert sum((st.value for st in panel.steps), Decimal(0)) == b.annual_price == panel.total


def test_years_table_shows_term_and_extensions(window, show):
    view = show(SPV)
    view.tabs.setCurrentWidget(view.years)  # filled when turned to
    m = view.years.years_model
    c = window.controller
    s = analyses.prices(c.ws, option_id(c, SPV))
    assert m.rowCount() == 7 == len(s.years)
    flags = [m.data(m.index(r, 0), HIGHLIGHT_ROLE) for r in range(m.rowCount())]
    assert flags == [False] * 5 + [True] * 2  # the extension years are shaded
    assert m.index(0, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert m.index(5, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert [m.text(r, 0) for r in range(7)][-2:] == ["6 ext.", "7 ext."]
    for r, y in enumerate(s.years):
        assert m.text(r, 1) == format_gbp(y.annual_price, pence=False) and m.index(r, 1).data(VALUE_ROLE) == y.annual_price
        assert m.text(r, 6) == format_gbp(y.headroom, pence=False)
        assert ("over" in m.text(r, 7)) == y.over_ceiling
        assert ("✗" in m.text(r, 7)) == (y.ceiling_breach is Severity.BLOCKING)  # later years: affordability
    lines = view.years.lines_model
    assert lines.rowCount() == len(s.lines)
    assert [lines.text(r, 4) for r in range(lines.rowCount())] == [f"{t.break_even_volume:,}" for t in s.lines]


def test_scores_and_charts_follow_the_evaluation(window, show):
    view = show(SPV)
    c = window.controller
    ev = analyses.evaluation(c.ws, option_id(c, SPV))
    view.tabs.setCurrentWidget(view.scores)
    m = view.scores.model
    assert m.rowCount() == len(ev.evaluation.bids)
    assert [m.text(r, 1) for r in range(m.rowCount())] == [format_gbp(b.price, pence=False) for b in ev.evaluation.bids]
    assert view.scores.stack.currentIndex() == 1 and view.scores.curve
    point = next(p for p in view.scores.curve if p.price == ev.our_bid.price)
    assert point.ours == ev.evaluation.ours.total
    assert point.rivals == tuple(b.total for b in ev.evaluation.bids[1:])
    view.tabs.setCurrentWidget(view.win_chance)
    assert view.win_chance.grid == ev.best.grid
    chart = view.win_chance.chart_view.chart()
    assert chart.series() and chart.series()[0].count() == len(ev.best.grid)


def test_price_per_quality_point_is_shown_as_a_rate(qtbot, qsettings, monkeypatch, demo_path):
    """A tender scored by price per quality point: the table, the score card and the chart show each bid's
    price ÷ quality score, the lowest first, not points."""
    from consortium_planner.domain.model import PriceMethod, Tender
    from consortium_planner.services.session import WorkspaceSession

    session = WorkspaceSession.open(demo_path)
    try:
        tender = session.ws.tenders()[0]
        session.set_field(Tender, tender.id, "price_method", PriceMethod.PQP.label)
        session.set_field(Tender, tender.id, "price_weight", "0")
        session.set_field(Tender, tender.id, "quality_weight", "90")
    finally:
        session.close()
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    page = window.show_page("Consortium options")
    wanted = option_id(window.controller, SPV)
    page.master.table.select_id(wanted)
    view = page.analysis_views["Pricing"]
    page.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.result is not None and view.result.option_id == wanted and not view._stale,
                    timeout=30000)
    e = analyses.evaluation(window.controller.ws, wanted).evaluation
    assert e.per_point
    view.tabs.setCurrentWidget(view.scores)
    m = view.scores.model
    headers = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert headers[4:6] == ["Quality score", "£ a quality point"]
    assert [m.text(r, 5) for r in range(m.rowCount())] == [format_gbp(b.price_per_point, pence=False) for b in e.bids]
    card = view.headline.cards["score"].value.text()
    assert card.startswith(f"{format_gbp(e.ours.price_per_point)} a quality point · rank {e.ours.rank} of ")
    assert all(p.per_point for p in view.scores.curve)
    assert "Price per quality point" in view.scores.chart_view.chart().title()


def test_go_alone_is_not_scored(window, show):
    view = show(GO_ALONE)
    c = window.controller
    oid = option_id(c, GO_ALONE)
    schedule = analyses.prices(c.ws, oid)
    ev = analyses.evaluation(c.ws, oid, schedule)
    assert ev.evaluation is None and ev.messages
    assert headline_price(view) == short(schedule.years[0].annual_price)
    assert view.headline.not_scored.isVisible()
    text = view.headline.not_scored.text()
    assert "Not scored against competitors" in text
    assert "covers" in ev.messages[0] and html.escape(ev.messages[0][1:]) in text
    assert not view.headline.cards["score"].isVisible()
    view.tabs.setCurrentWidget(view.scores)
    assert view.scores.stack.currentIndex() == 0
    assert "not scored" in view.scores.message.text()


def test_rates_table_lists_every_rate(window, show):
    view = show(SPV)
    rates = analyses.workspace_rates(window.controller.ws)
    view.tabs.setCurrentWidget(view.assumptions)
    m = view.assumptions.rates_model
    assert m.rowCount() == sum(len(y.items()) for y in rates.years)
    assert m.titles() == ["Year", "Rate", "Value", "Source", "Effective"]
    first = rates.years[0].items()[0]
    assert m.text(0, 1) == first.label and m.text(0, 3).startswith(first.provenance.source)


def test_sub_tabs_behind_are_filled_when_turned_to(window, show, qtbot):
    """An edit redraws the sub-tab in front at once; the others wait for the user to turn to them, and then show
    the figures of the latest result, not of the result they last showed."""
    view = show(SPV)
    c = window.controller
    oid = option_id(c, SPV)
    view.tabs.setCurrentWidget(view.years)
    before = view.years.years_model.text(1, 1)
    view.tabs.setCurrentWidget(view.buildup)
    editor = view.assumptions.tender_form.editors["pay_indexation_pct"]
    editor.setText("5")
    editor.editingFinished.emit()
    year2 = format_gbp(analyses.prices(c.ws, oid).years[1].annual_price, pence=False)
    qtbot.waitUntil(lambda: view.result is not None and view.result.schedule.years[1].annual_price != Decimal(0)
                    and format_gbp(view.result.schedule.years[1].annual_price, pence=False) == year2, timeout=30000)
    assert view.lazy.pending(view.years) and view.lazy.pending(view.scores) and not view.lazy.pending(view.buildup)
    assert view.years.years_model.text(1, 1) == before != year2  # not redrawn yet
    view.tabs.setCurrentWidget(view.years)
    assert view.years.years_model.text(1, 1) == year2 and not view.lazy.pending(view.years)
    view.tabs.setCurrentWidget(view.scores)
    assert view.scores.model.text(0, 1) == format_gbp(view.result.evaluation.evaluation.bids[0].price, pence=False)


def test_models_pass_qt_model_tester(qtmodeltester, window, show):
    view = show(SPV)
    view.lazy.flush()
    models = [view.buildup.model, view.scores.model, view.years.years_model, view.years.lines_model,
              view.assumptions.rates_model]
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model)
    qtmodeltester.check(DocumentTableModel())


def test_inputs_that_cannot_be_priced_leave_the_assumptions_at_hand(window, show, qtbot):
    view = show(SPV)
    c = window.controller
    oid = option_id(c, SPV)
    before = headline_price(view)
    assert c.set_field(ConsortiumOption, oid, "management_fee_pct", "60")
    assert c.set_field(ConsortiumOption, oid, "margin_pct", "45")
    qtbot.waitUntil(lambda: view.result is None and view.message.isVisible(), timeout=30000)
    assert "cannot be run" in view.message.text() and "whole price" in view.message.text()
    assert view.tabs.currentWidget() is view.assumptions and view.tabs.isVisible()
    assert not view.headline.isVisible()
    assert view.assumptions.option_form.record_id == oid
    c.undo_stack.undo()
    qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    assert not view.message.isVisible() and view.headline.isVisible()
    c.undo_stack.undo()
    qtbot.waitUntil(lambda: headline_price(view) == before, timeout=30000)


def test_waterfall_names_get_the_room_they_need_at_1280x720(window, show, qtbot):
    """At 1280×720 the chart's pane is short and narrow: QtCharts would elide every bar's name to "…".
    The chart keeps a height of about one and a half lines a bar (its pane scrolls), and names carry their
    amounts only when the chart is wide enough for them (the table beside lists every amount)."""
    from PySide6.QtCharts import QBarCategoryAxis
    from PySide6.QtGui import QFontMetrics

    from consortium_planner.gui.pricing.panels import WIDE_CHART_PX

    window.resize(1280, 720)
    view = show(SPV)
    panel = view.buildup
    qtbot.waitUntil(lambda: panel.chart_view.width() > 0)
    axis = next(a for a in panel.chart_view.chart().axes() if isinstance(a, QBarCategoryAxis))
    names = axis.categories()
    assert len(names) == len(panel.steps) + 1
    assert panel.chart_view.minimumHeight() >= len(names) * QFontMetrics(axis.labelsFont()).height() * 1.5
    assert panel.chart_view.width() < WIDE_CHART_PX  # the pane at 1280×720 is narrow …
    assert not any("£" in n for n in names)  # … so names go without their amounts
    window.resize(2400, 1300)  # a wide screen: the amounts come back beside the names
    qtbot.waitUntil(lambda: panel.chart_view.width() >= WIDE_CHART_PX, timeout=5000)
    axis = next(a for a in panel.chart_view.chart().axes() if isinstance(a, QBarCategoryAxis))
    assert all("£" in n for n in axis.categories())


def test_a_new_price_moves_the_waterfall_on_show_as_a_new_chart_draws_it(window, show, qtbot):
    """An edit to a figure keeps the cost build-up's chart and moves its bars, names and scale: the same bars,
    categories, axis and picture as a new chart of the same build-up. Another service line's bars make a new
    chart."""
    from consortium_planner.gui.pricing.panels import ALL_LINES, CostBuildupPanel

    def bars(chart):
        (series,) = chart.series()
        return [(b.label(), [b.at(i) for i in range(b.count())]) for b in series.barSets()]

    def axes(chart):
        out = []
        for axis in chart.axes():
            if hasattr(axis, "categoriesLabels"):
                out.append([axis.min(), axis.max()] + [(x, axis.endValue(x)) for x in axis.categoriesLabels()])
            else:
                out.append(axis.categories())
        return out

    view = show(SPV)
    c = window.controller
    oid = option_id(c, SPV)
    chart = view.buildup.chart_view.chart()
    scales = [axes(chart)]
    for margin in ("6", "40"):  # 40%: the price climbs past the scale's last round value
        before = view.result
        assert c.set_field(ConsortiumOption, oid, "margin_pct", margin)
        qtbot.waitUntil(lambda before=before: view.result is not before, timeout=30000)
        assert view.buildup.chart_view.chart() is chart
        fresh = CostBuildupPanel()
        qtbot.addWidget(fresh)
        fresh.resize(view.buildup.size())
        fresh.show()
        fresh.show_schedule(view.result.schedule)
        fresh.splitter.setSizes(view.buildup.splitter.sizes())
        fresh.show_schedule(view.result.schedule)  # drawn again at the width the shown one has
        qtbot.wait(10)
        assert fresh.combo.currentData() == view.buildup.combo.currentData()
        assert bars(chart) == bars(fresh.chart_view.chart()), margin
        assert axes(chart) == axes(fresh.chart_view.chart()), margin
        assert view.buildup.chart_view.grab().toImage() == fresh.chart_view.grab().toImage(), margin
        scales.append(axes(chart))
    value_axis = [next(a for a in s if isinstance(a[0], float)) for s in scales]
    assert value_axis[0] == value_axis[1] != value_axis[2]  # the bars moved on the same scale, then it moved
    view.buildup.select(ALL_LINES)
    assert view.buildup.chart_view.chart() is not chart


def test_a_result_sets_the_headlines_height_once_and_only_when_it_changes(window, show, qtbot):
    """Issue 22: each result set the headline's pane to its share of the tab, then to the cards' height: the
    splitter moved twice a result, laying out and painting both panes each time. The height is now worked out
    first and set once, and a result that needs the height the headline has leaves the splitter alone."""
    from consortium_planner.domain.model import Allocation

    window.resize(1280, 720)
    view = show(LEAD_PROVIDER)
    qtbot.wait(50)
    calls: list[list[int]] = []
    real = view.splitter.setSizes
    view.splitter.setSizes = lambda sizes: (calls.append(list(sizes)), real(sizes))[1]
    top = view.splitter.sizes()[0]
    c = window.controller
    alloc = c.ws.allocations(option_id(c, LEAD_PROVIDER))[0]
    with qtbot.waitSignal(view.shown, timeout=30000):  # a new result, its headline laid out as before
        assert c.set_field(Allocation, alloc.id, "volume", str(int(alloc.volume) + 1))
    qtbot.wait(50)
    assert calls == [] and view.splitter.sizes()[0] == top
    real([top - 60, view.splitter.height() - top + 60])  # moved away: the next fit moves it back, in one go
    view._fit_headline()
    assert len(calls) == 1 and view.splitter.sizes()[0] == top


def test_the_service_line_list_is_filled_again_only_when_the_lines_change(window, show, qtbot):
    """Issue 22: the cost build-up's list of service lines was emptied and filled on every result, and laid itself
    out on a timer afterwards, asking the tab for a second layout and paint. The same lines keep the list as it
    is (and the line chosen); another option's lines fill it again."""
    from consortium_planner.domain.model import Allocation

    view = show(LEAD_PROVIDER)
    panel, c = view.buildup, window.controller
    combo = panel.combo
    lines = view.result.schedule.buildup.service_lines
    panel.select(lines[-1].key)  # a line other than the first
    changes: list[str] = []
    combo.model().rowsInserted.connect(lambda *_: changes.append("inserted"))
    combo.model().rowsRemoved.connect(lambda *_: changes.append("removed"))
    alloc = c.ws.allocations(option_id(c, LEAD_PROVIDER))[0]
    with qtbot.waitSignal(view.shown, timeout=30000):
        assert c.set_field(Allocation, alloc.id, "volume", str(int(alloc.volume) + 1))
    assert changes == [] and combo.currentData() == lines[-1].key
    line = next(s for s in view.result.schedule.buildup.service_lines if s.key == lines[-1].key)
    assert format_gbp(line.price_per_unit) in panel.summary.text()  # the line chosen, at its new price

    other = next(o for o in c.ws.all(ConsortiumOption) if o.tender_id != c.ws.get(ConsortiumOption,
                                                                                 option_id(c, LEAD_PROVIDER)).tender_id)
    view = show(other.name)
    wanted = [(f"{s.service_line} (per {s.unit})", s.key) for s in view.result.schedule.buildup.service_lines]
    assert wanted != [(combo.itemText(i), combo.itemData(i)) for i in range(len(lines))]
    assert [(combo.itemText(i), combo.itemData(i)) for i in range(combo.count())] == [
        *wanted, ("All service lines (a year)", ALL_LINES)]
    assert "inserted" in changes and combo.currentIndex() == 0


def test_the_score_curve_is_worked_out_when_a_sub_tab_that_draws_it_is_shown(window, show, qtbot, monkeypatch):
    """Issue 22: every bid's score at 162 prices was half of the Pricing tab's computation on every edit, for the
    Scores and Win chance charts only. It is worked out when one of them is shown, once a result, and is the
    ``score_curve`` analysis of the option as it stands."""
    from consortium_planner.domain import bid
    from consortium_planner.domain.model import Allocation

    calls: list[int] = []
    real = bid.score_curve
    monkeypatch.setattr(bid, "score_curve", lambda *a, **k: (calls.append(1), real(*a, **k))[1])
    view = show(LEAD_PROVIDER)
    c = window.controller
    oid = option_id(c, LEAD_PROVIDER)
    view.tabs.setCurrentWidget(view.buildup)
    alloc = c.ws.allocations(oid)[0]
    with qtbot.waitSignal(view.shown, timeout=30000):
        assert c.set_field(Allocation, alloc.id, "volume", str(int(alloc.volume) + 100))
    calls.clear()
    qtbot.wait(50)
    assert calls == []  # a result with the cost build-up in front: no score curve
    view.tabs.setCurrentWidget(view.scores)
    assert calls == [1]
    view.tabs.setCurrentWidget(view.win_chance)  # the same result's curve, not worked out again
    assert calls == [1]
    monkeypatch.setattr(bid, "score_curve", real)
    assert view.scores.curve == analyses.one(c.ws, oid, "score_curve") and view.scores.curve
