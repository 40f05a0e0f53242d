"""The Cash flow tab: presentation of ``services.analyses.capital`` on the demo workspace."""

from decimal import Decimal

import pytest
from PySide6.QtCharts import QLineSeries, QStackedBarSeries
from PySide6.QtCore import Qt
from views_support import (  # noqa: F401 (fixtures)
    GO_ALONE,
    LEAD_PROVIDER,
    SPV,
    Selection,
    controller_fixture,
    demo_path_fixture,
    main_window,
    notice_status,
    option_id,
)

from consortium_planner.domain import projection as domain_projection
from consortium_planner.domain.findings import Severity
from consortium_planner.domain.model import ConsortiumOption, FundingSource
from consortium_planner.domain.money import ZERO, format_decimal, format_gbp
from consortium_planner.domain.money import format_gbp_short as short
from consortium_planner.gui.cashflow import CashFlowView, compute_cash_flow
from consortium_planner.gui.document_model import DocumentTableModel
from consortium_planner.gui.roles import STATUS_ROLE, VALUE_ROLE
from consortium_planner.gui.style import NEGATIVE_TEXT
from consortium_planner.reports.document import Status, status_of
from consortium_planner.services import analyses


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def wait_for(qtbot, view, wanted):
    qtbot.waitUntil(lambda: view.result is not None and view.result.option_id == wanted and not view._stale)


@pytest.fixture
def show_in_window(window, qtbot):
    """Select an option by name on the options page and bring its Cash flow tab up."""

    def show(name) -> CashFlowView:
        page = window.show_page("Consortium options")
        wanted = option_id(window.controller, name)
        page.master.table.select_id(wanted)
        assert page.master.current_id() == wanted
        view = page.analysis_views["Cash flow"]
        page.tabs.setCurrentWidget(view)
        wait_for(qtbot, view, wanted)
        return view

    return show


@pytest.fixture
def show(qtbot, controller):
    """The view on its own for an option (the options page is tested through the main window below)."""

    def show(name) -> CashFlowView:
        selection = Selection(option_id(controller, name))
        view = CashFlowView(controller, selection)
        view.selection = selection
        qtbot.addWidget(view)
        view.resize(1100, 800)
        view.show()
        wait_for(qtbot, view, selection.option_id)
        return view

    return show


def capital(c, name, include_extensions=False):
    oid = option_id(c, name)
    if include_extensions:
        return domain_projection.capital(c.ws, oid, analyses.workspace_rates(c.ws), include_extensions=True,
                                         schedule=analyses.prices(c.ws, oid))
    return analyses.capital(c.ws, oid)


def card(view, key):
    return view.headline.cards[key]


def column_values(model: DocumentTableModel, label: str) -> list[Decimal | None]:
    row = model.row_of(label)
    assert row >= 0, label
    return [model.index(row, c).data(VALUE_ROLE) for c in range(model.columnCount())]


def test_tab_follows_pricing_and_its_evaluation():
    from consortium_planner.gui.analysis_tabs import analysis_tabs

    titles = [t for t, _ in analysis_tabs()]
    assert titles.index("Evaluation") == titles.index("Pricing") + 1
    assert titles.index("Lots") == titles.index("Evaluation") + 1
    assert titles.index("Social value") == titles.index("Lots") + 1
    assert titles.index("Cash flow") == titles.index("Social value") + 1
    assert dict(analysis_tabs())["Cash flow"] is CashFlowView


@pytest.mark.parametrize("name", [SPV, LEAD_PROVIDER, GO_ALONE])
def test_headline_figures_are_the_domains(controller, show, name):
    view = show(name)
    cap = capital(controller, name)
    f, r = cap.funding, cap.returns
    assert view.result.capital == cap  # the service's result, as the summary and the case show it
    assert card(view, "requirement").value.text() == short(f.requirement)
    detail = card(view, "requirement").detail.text()
    for part in (f.peak_deficit, f.buffer, f.contingency):
        assert short(part) in detail
    assert card(view, "npv").value.text() == short(r.npv)
    assert card(view, "npv").caption.text() == f"NPV at {format_decimal(r.discount_rate_pct, 2)}%"
    assert card(view, "sources").value.text() == short(f.total_sources)
    assert card(view, "lowest").value.text() == short(f.lowest_balance)
    assert f.lowest_balance_date.strftime("%B %Y") in card(view, "lowest").detail.text()
    assert card(view, "irr").value.text() == f"{format_decimal(r.irr_pct, 2)}%"
    assert card(view, "payback").value.text() == r.payback_date.strftime("%b %Y")
    assert r.discounted_payback_date.strftime("%b %Y") in card(view, "payback").detail.text()
    assert card(view, "break_even").value.text() == f"{format_decimal(r.break_even_volume_pct, 2)}% of volume"
    assert f"{format_decimal(r.break_even_price_pct, 2)}% of the bid prices" in card(view, "break_even").detail.text()
    if f.lowest_dscr is None:
        assert card(view, "dscr").value.text() == "No debt service"
    else:
        assert card(view, "dscr").value.text() == f"{format_decimal(f.lowest_dscr, 2)}×"
        assert format_decimal(f.min_dscr, 2) in card(view, "dscr").detail.text()


def test_multiple_irr_and_flags_are_shown(controller, show):
    view = show(SPV)
    r = capital(controller, SPV).returns
    assert r.multiple_irr
    assert f"{format_decimal(r.other_irr_pct[0], 2)}%" in card(view, "irr").detail.text()
    assert view.headline.warnings.isVisibleTo(view)
    assert "more than one rate makes the NPV zero" in view.headline.warnings.text()


def test_chart_has_bars_and_lines_with_a_point_a_month(controller, show):
    view = show(SPV)
    cap = capital(controller, SPV)
    months = cap.projection.months
    chart = view.chart
    kinds = {type(s) for s in chart.series()}
    assert QStackedBarSeries in kinds and QLineSeries in kinds
    assert chart.bars_in.count() == chart.bars_out.count() == len(months) == 73
    assert chart.cumulative.count() == chart.balance.count() == len(months)
    for i, row in enumerate(months):
        assert chart.bars_in.at(i) + chart.bars_out.at(i) == pytest.approx(float(row.cash_before_funding))
        assert chart.cumulative.at(i).x() == row.month
        assert chart.cumulative.at(i).y() == pytest.approx(float(row.cumulative_before_funding))
        assert chart.balance.at(i).y() == pytest.approx(float(row.closing_balance))
    # the funding requirement: a horizontal line below zero across the whole chart
    req = chart.requirement
    assert [p.y() for p in req.points()] == [pytest.approx(-float(cap.funding.requirement))] * 2
    assert req.at(0).x() < 0 < len(months) - 1 < req.at(1).x()
    # dates on the x axis; pounds in £k or £m on the y axis
    labels = chart.x_axis.categoriesLabels()
    assert "Apr 2027" in labels and len(labels) >= 5
    y_labels = [label.strip() for label in chart.view.chart().axes(Qt.Orientation.Vertical)[0].categoriesLabels()]
    assert "£0" in y_labels and any(label.endswith(("k", "m")) for label in y_labels)
    assert any(name.startswith("Funding requirement") for name in chart.legend.names)
    assert any(name.startswith("Service Apr 2027") for name in chart.legend.names)


def test_editing_a_funding_source_changes_the_shortfall_and_undo_restores(window, show_in_window, qtbot):
    view = show_in_window(SPV)
    c = window.controller
    oid = option_id(c, SPV)
    before = capital(c, SPV).funding
    assert card(view, "sources").value.text() == short(before.total_sources) == "£1.21m"
    assert card(view, "sources").tone == "good"
    facility = next(s for s in c.ws.by(FundingSource, "option_id", oid) if s.name == "Working capital facility")
    assert c.set_field(FundingSource, facility.id, "amount", "£0")
    qtbot.waitUntil(lambda: card(view, "sources").value.text() != "£1.21m")
    after = analyses.funding(c.ws, oid)
    assert after.shortfall > 0
    assert card(view, "sources").value.text() == short(after.total_sources) == "£460k"
    assert card(view, "sources").detail.text().startswith(
        f"✗ Short by {short(after.shortfall)}: arrange more equity, a grant or a loan")
    assert card(view, "sources").tone == "bad"
    # the shortfall is serious in the domain, so red here as in the case's Risks (not amber)
    shortfall = next(f for f in after.flags if f.code == "funding_shortfall")
    assert shortfall.severity is Severity.SERIOUS
    assert notice_status(view.headline.warnings.text(), shortfall.message) is Status.RED
    assert card(view, "requirement").value.text() == short(before.requirement)  # the need is unchanged
    c.undo_stack.undo()
    qtbot.waitUntil(lambda: card(view, "sources").value.text() == "£1.21m")
    assert card(view, "sources").tone == "good"
    assert "more than the requirement" in card(view, "sources").detail.text()
    assert not window.errors


def test_lenders_minimum_colours_debt_service_cover(controller, show, qtbot):
    view = show(SPV)
    c = controller
    oid = option_id(c, SPV)
    model = view.dscr_model
    year1 = model.column_of("Year 1")
    dscr_row = model.row_of("DSCR")
    cell = model.cell(dscr_row, year1)
    assert cell.status is Status.GREEN and model.text(dscr_row, year1) == "✓ 1.39×"
    assert model.index(dscr_row, year1).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#d4edda"
    assert model.index(dscr_row, year1).data(VALUE_ROLE) == Decimal("1.39")
    assert model.cell(dscr_row, model.column_of("Mobilisation")).status is Status.GREY  # shown, not tested
    assert c.set_field(ConsortiumOption, oid, "min_dscr", "1.5")
    qtbot.waitUntil(lambda: view.dscr_model.cell(dscr_row, year1).status is Status.RED)
    assert view.dscr_model.text(dscr_row, year1) == "✗ 1.39×"
    assert view.dscr_model.index(dscr_row, year1).data(STATUS_ROLE) == Status.RED
    assert model.index(dscr_row, year1).data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    assert card(view, "dscr").detail.text().startswith("✗ Below the lender's minimum of 1.50×")
    assert card(view, "dscr").tone == "bad"
    below = next(f for f in analyses.funding(c.ws, oid).flags if f.code == "dscr_below_minimum")
    assert notice_status(view.headline.warnings.text(), below.message) is status_of(below.severity) is Status.RED
    c.undo_stack.undo()
    qtbot.waitUntil(lambda: view.dscr_model.cell(dscr_row, year1).status is Status.GREEN)


@pytest.mark.parametrize("name", [SPV, LEAD_PROVIDER, GO_ALONE])
def test_pnl_by_year_adds_up_as_shown(controller, show, name):
    view = show(name)
    p = capital(controller, name).projection
    m = view.pnl_model
    assert m.columnCount() == len(p.years) + 1  # the periods, then the total
    assert [m.titles()[i].split("\n")[0] for i in range(len(p.years))] == [y.label for y in p.years]

    def v(label):
        return column_values(m, label)

    for col in range(m.columnCount()):
        income, ebitda = v("Income")[col], v("EBITDA")[col]
        costs = sum(v(x)[col] for x in ("Payroll", "Non-pay", "Performance bond", "Insurance", "Mobilisation"))
        assert income - costs == ebitda
        pbt = ebitda - v("Depreciation")[col] + v("Grant income")[col] - v("Interest")[col] \
            - v("Loan fees")[col]
        assert pbt == v("Profit before tax")[col]
        assert pbt - v("Tax")[col] == v("Profit after tax")[col]
        # as shown: the text is the figure formatted
        row = m.row_of("EBITDA")
        assert m.index(row, col).data() == format_gbp(ebitda, pence=False)  # tables in whole pounds
    total = m.columnCount() - 1
    assert v("Income")[total] == p.total_income
    assert v("Profit after tax")[total] == p.total_profit_after_tax
    for i, y in enumerate(p.years):
        assert v("EBITDA")[i] == y.ebitda and v("Profit after tax")[i] == y.profit_after_tax


@pytest.mark.parametrize("name", [SPV, LEAD_PROVIDER])
def test_cash_by_year_reconciles_to_the_closing_balance(controller, show, name):
    view = show(name)
    p = capital(controller, name).projection
    m = view.cash_model

    def v(label):
        return column_values(m, label)

    for i, y in enumerate(p.years):
        received = sum(v(x)[i] for x in ("Receipts from the buyer", "Equity in", "Grants in", "Loans drawn",
                                         "Overdraft drawn"))
        paid = sum(v(x)[i] for x in ("Payroll", "Non-pay", "Bond and insurance", "Mobilisation",
                                     "Capital expenditure", "Tax", "Interest and fees", "Loans repaid",
                                     "Overdraft repaid"))
        assert received == v("Total received")[i]
        assert paid == v("Total paid")[i]
        assert v("Opening balance")[i] + received - paid == v("Closing balance")[i] == y.closing_balance
        assert v("Cash flow before funding")[i] == y.cash_before_funding
    assert v("Closing balance")[-1] == p.closing_balance
    assert v("Cash flow before funding")[-1] == capital(controller, name).returns.total_cash_flow


def test_negative_figures_are_red(controller, show):
    view = show(SPV)
    m = view.pnl_model
    mob = m.column_of("Mobilisation")
    ebitda = m.index(m.row_of("EBITDA"), mob)
    assert ebitda.data(VALUE_ROLE) < 0 and ebitda.data().startswith("−£")
    assert ebitda.data(Qt.ItemDataRole.ForegroundRole).color().name() == NEGATIVE_TEXT
    income = m.index(m.row_of("Income"), m.column_of("Year 1"))
    assert income.data(Qt.ItemDataRole.ForegroundRole) is None
    assert income.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_loan_schedule_and_sources(controller, show):
    view = show(SPV)
    f = capital(controller, SPV).funding
    panel = view.funding
    view.tabs.setCurrentWidget(panel)  # filled when turned to
    sources = panel.sources_model
    assert sources.rowCount() == len(f.sources) + 1
    assert sources.value("Total", 3) == f.total_sources
    loan = f.loan_schedules[0]
    assert panel.loan_combo.currentText() == loan.name == "Social investment loan"
    m = panel.loan_model
    assert m.rowCount() == len(loan.payments) + 1
    total = m.row_of("Total")
    assert m.cell(total, m.column_of("Interest")).value == loan.total_interest
    assert m.cell(total, m.column_of("Principal")).value == loan.amount
    assert format_gbp(loan.annuity) in panel.loan_note.text()
    assert m.cell(0, m.column_of("Opening balance")).value == loan.amount


def test_go_alone_has_no_loans_and_no_debt_service(controller, show):
    view = show(GO_ALONE)
    view.tabs.setCurrentWidget(view.funding)
    assert not view.funding.loan_table.isVisibleTo(view.funding)
    assert "No loans" in view.funding.loan_note.text()
    m = view.dscr_model
    assert m.text(m.row_of("DSCR"), m.column_of("Year 1")) == "—"


def test_members_profit(controller, show):
    view = show(LEAD_PROVIDER)
    p = capital(controller, LEAD_PROVIDER).projection
    view.tabs.setCurrentWidget(view.members)
    totals = view.members.totals_model
    assert totals.rowCount() == len(p.members) + 1
    for mp in p.members:
        row = totals.row_of(mp.organisation_name)
        assert totals.cell(row, totals.column_of("Profit after tax")).value == mp.profit_after_tax
    years = view.members.years_model
    last = years.columnCount() - 1
    for mp in p.members:
        assert years.value(mp.organisation_name, last) == mp.profit_after_tax
    pat = sum((mp.profit_after_tax for mp in p.members), ZERO)
    assert totals.value("Total", totals.column_of("Profit after tax")) == pat


def test_include_extensions_recomputes_over_the_extension_years(controller, show, qtbot):
    view = show(SPV)
    assert view.include_extensions.isEnabled()
    assert view.include_extensions.text() == "Include extensions (+2 years)"
    assert view.pnl_model.column_of("Year 6 (ext.)") < 0
    before = view.result
    view.include_extensions.setChecked(True)
    qtbot.waitUntil(lambda: view.result is not before and view.result.include_extensions)
    cap = capital(controller, SPV, include_extensions=True)
    assert view.result.capital == cap
    assert len(cap.projection.months) == 97
    assert view.pnl_model.column_of("Year 6 (ext.)") >= 0 and view.pnl_model.column_of("Year 7 (ext.)") >= 0
    assert card(view, "npv").value.text() == short(cap.returns.npv)
    assert card(view, "requirement").value.text() == short(cap.funding.requirement)
    assert view.chart.bars_in.count() == 97
    view.include_extensions.setChecked(False)
    qtbot.waitUntil(lambda: not view.result.include_extensions)
    assert card(view, "npv").value.text() == short(capital(controller, SPV).returns.npv)


def test_models_pass_qt_model_tester(qtmodeltester, controller, show, qtbot):
    qtmodeltester.check(DocumentTableModel(row_header=True))
    for name in (SPV, LEAD_PROVIDER, GO_ALONE):
        view = show(name)
        for model in view.models():
            qtmodeltester.check(model)
    view.include_extensions.setChecked(True)
    qtbot.waitUntil(lambda: view.result.include_extensions)
    for model in view.models():
        qtmodeltester.check(model)


@pytest.mark.parametrize("name", [SPV, LEAD_PROVIDER])
def test_on_the_options_page_the_headline_is_the_domains(window, show_in_window, name):
    view = show_in_window(name)
    cap = capital(window.controller, name)
    assert card(view, "requirement").value.text() == short(cap.funding.requirement)
    assert card(view, "npv").value.text() == short(cap.returns.npv)
    assert view.chart.cumulative.count() == len(cap.projection.months)
    assert not window.errors


def test_fits_the_window_without_clipping(window, show_in_window, qtbot):
    view = show_in_window(SPV)
    qtbot.wait(20)  # the headline is fitted once laid out
    # the inner tabs need no scroll buttons, the chart has room, and the key figures are not cut off
    assert view.tabs.tabBar().sizeHint().width() <= view.tabs.width()
    assert view.chart.view.height() >= 300
    assert not view.headline_scroll.verticalScrollBar().isVisible()
    for c in view.headline.cards.values():
        assert c.value.sizeHint().width() <= c.value.width(), c.caption.text()
        assert c.detail.heightForWidth(c.detail.width()) <= c.detail.height() + 1, c.caption.text()
    # the legend wraps inside the chart's width
    assert view.chart.legend.width() <= view.chart.width()
    assert view.chart.legend.height() >= view.chart.legend.flow.heightForWidth(view.chart.legend.width())


def test_a_hidden_view_waits_until_shown(window, show_in_window, qtbot):
    view = show_in_window(SPV)
    c = window.controller
    before = view.result
    page = window.show_page("Consortium options")
    page.tabs.setCurrentIndex(0)
    assert c.set_field(ConsortiumOption, option_id(c, SPV), "discount_rate_pct", "6")
    qtbot.wait(20)
    assert view.result is before
    page.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.result is not before)
    assert card(view, "npv").caption.text() == "NPV at 6.00%"
    assert card(view, "npv").value.text() == short(analyses.returns(c.ws, option_id(c, SPV)).npv)


def test_compute_without_an_option_says_so(controller, show, qtbot):
    view = show(GO_ALONE)
    with pytest.raises(ValueError):
        compute_cash_flow(controller.ws, 999_999)
    view.option_id = lambda: None
    view.reload()
    qtbot.waitUntil(lambda: view.message.isVisibleTo(view))
    assert view.message.text() == "Select a consortium option."
    assert not view.content.isVisibleTo(view)


def test_tables_behind_the_chart_are_filled_when_turned_to(controller, show):
    view = show(SPV)
    assert view.tabs.currentWidget() is view.chart and not view.lazy.pending(view.chart)
    assert view.lazy.pending(view.months) and view.months.model.rowCount() == 0
    p = capital(controller, SPV).projection
    view.tabs.setCurrentWidget(view.months)
    assert not view.lazy.pending(view.months) and view.months.model.rowCount() >= len(p.months)


def _series_points(chart) -> list:
    out = []
    for s in chart.series():
        if isinstance(s, QStackedBarSeries):
            out.append([[b.at(i) for i in range(b.count())] for b in s.barSets()])
        elif hasattr(s, "points"):
            out.append((s.name(), [(p.x(), p.y()) for p in s.points()]))
        else:  # a shaded phase
            out.append((s.name(), [(p.x(), p.y()) for p in s.upperSeries().points()],
                        [(p.x(), p.y()) for p in s.lowerSeries().points()]))
    return out


def _axis(chart, orientation) -> list:
    (axis,) = chart.axes(orientation)
    return [axis.min(), axis.max()] + [(label, axis.endValue(label)) for label in axis.categoriesLabels()]


def test_a_new_figure_moves_the_points_of_the_chart_on_show_as_a_new_chart_draws_them(controller, show, qtbot):
    """An edit to a figure keeps the chart on show and moves its points (a new chart costs its build and Qt's
    layout and first paint of the scene): its series, axes, legend and picture are a new chart's. A change of
    shape (the overdraft goes, the extension years come) makes a new chart."""
    from consortium_planner.gui.cashflow.chart import CashFlowChart

    view = show(SPV)
    oid = option_id(controller, SPV)
    equity = next(s for s in controller.ws.by(FundingSource, "option_id", oid) if s.amount > 0)
    first = view.chart.view.chart()
    charts, scales = [], []
    # £500,000 of equity: no overdraft any more (a new chart); £600,000: the points move on the same scale;
    # £700,000: the balance climbs past £1.5m, so the scale moves too
    for amount in ("£500,000", "£600,000", "£700,000"):
        before = view.result
        assert controller.set_field(FundingSource, equity.id, "amount", amount)
        qtbot.waitUntil(lambda before=before: view.result is not before)
        chart = view.chart.view.chart()
        charts.append(chart)
        scales.append(_axis(chart, Qt.Orientation.Vertical))
        fresh = CashFlowChart()
        qtbot.addWidget(fresh)
        fresh.resize(view.chart.size())
        fresh.show()
        fresh.show_capital(view.result.capital)
        qtbot.wait(10)
        new = fresh.view.chart()
        assert _series_points(chart) == _series_points(new), amount
        assert [s.name() for s in chart.series()] == [s.name() for s in new.series()]
        for o in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
            assert _axis(chart, o) == _axis(new, o), amount
        assert view.chart.legend.names == fresh.legend.names
        assert view.chart.view.grab().toImage() == fresh.view.grab().toImage(), amount
    assert charts[0] is not first and charts[0] is charts[1] is charts[2]
    assert view.chart.overdraft is None
    assert scales[0] == scales[1] != scales[2]
    before = view.result
    view.include_extensions.setChecked(True)
    qtbot.waitUntil(lambda: view.result is not before and view.result.include_extensions)
    assert view.chart.view.chart() is not charts[0] and view.chart.bars_in.count() == 97
