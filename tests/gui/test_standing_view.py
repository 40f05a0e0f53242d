"""The Standing tab: presentation of ``services.analyses.standing`` on the demo workspace."""

import html
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from views_support import (  # noqa: F401 (fixtures)
    GO_ALONE,
    LEAD_PROVIDER,
    SPV,
    Selection,
    controller_fixture,
    demo_path_fixture,
    main_window,
    option_id,
)

from consortium_planner.domain.model import FinancialYear, Metric, Organisation
from consortium_planner.domain.money import format_gbp
from consortium_planner.domain.standing import fmt
from consortium_planner.gui.roles import STATUS_ROLE, VALUE_ROLE
from consortium_planner.gui.standing_rows import cell_text, standing_table
from consortium_planner.gui.standing_view import StandingTableModel, StandingView
from consortium_planner.reports.document import Status
from consortium_planner.services import analyses


def org(c, name):
    return next(o for o in c.ws.organisations() if o.name == name)


def latest_year(c, name):
    return c.ws.financial_years(org(c, name).id)[-1]


@pytest.fixture
def make_view(qtbot, controller):
    def make(name):
        selection = Selection(option_id(controller, name))
        view = StandingView(controller, selection)
        view.selection = selection
        qtbot.addWidget(view)
        view.resize(1100, 800)
        view.show()
        qtbot.waitUntil(lambda: view.result is not None and view.model.rowCount() > 0)
        return view
    return make


def cell(view, column_name, row_label):
    m = view.model
    col, row = m.column_of(column_name), m.row_of(row_label)
    assert col >= 0, f"no column for {column_name}"
    assert row >= 0, f"no row {row_label}"
    return m.index(row, col)


def test_shows_every_member_and_the_tested_entity(make_view, controller):
    view = make_view(SPV)
    result = analyses.standing(controller.ws, option_id(controller, SPV))
    m = view.model
    titles = [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())]
    assert titles[0] == "Pass mark"
    # the entity the buyer tests comes first (so it is in view), then every member
    assert titles[1].startswith("Tested by buyer") and "guarantors combined" in titles[1]
    assert result.tested[0].name in m.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert len(titles) == 2 + len(result.members) == 9
    for member in result.members:
        assert m.column_of(member.name) >= 2, member.name
    # one row per metric, named in the (frozen) vertical header, then the turnover test
    rows = [m.headerData(r, Qt.Orientation.Vertical) for r in range(m.rowCount())]
    assert rows[:2] == ["Turnover ratio", "Contract dependency"]
    assert rows[-3:] == ["Turnover", "Turnover required", "Turnover shortfall"]
    assert len(rows) == len(Metric) + 3
    assert "partner · in the test" in titles[m.column_of("Kestrel Leisure and Wellbeing")]
    assert "subcontractor · not tested" in titles[m.column_of("Peer Pathways CIC")]


def test_figures_and_colours_match_the_domain(make_view, controller):
    view = make_view(SPV)
    result = analyses.standing(controller.ws, option_id(controller, SPV))
    members = {ms.name: ms.standing for ms in result.members}

    eastmere = cell(view, "Eastmere Homecare Co-operative", "Current ratio")
    expected = members["Eastmere Homecare Co-operative"].result(Metric.CURRENT_RATIO)
    assert eastmere.data() == fmt(expected.value, expected.unit) == "0.85"
    assert eastmere.data(STATUS_ROLE) == Status.AMBER
    assert eastmere.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#fff3cd"
    assert eastmere.data(Qt.ItemDataRole.ToolTipRole).endswith(expected.explanation)

    gearing = cell(view, "Kestrel Leisure and Wellbeing", "Gearing")
    assert gearing.data() == "1.04"
    assert gearing.data(STATUS_ROLE) == Status.RED
    assert gearing.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#f8d7da"
    assert gearing.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#721c24"
    assert "fails the test of at most 1.00" in gearing.data(Qt.ItemDataRole.ToolTipRole)
    assert gearing.data(Qt.ItemDataRole.AccessibleTextRole).endswith(": 1.04")
    assert gearing.data(Qt.ItemDataRole.ToolTipRole).startswith("Fail.")
    assert not gearing.data(Qt.ItemDataRole.DecorationRole).isNull()  # colour is not the only signal

    # Care Mutual cannot pass the turnover test alone; the guarantors together can
    care = cell(view, "Westmarch Care Mutual", "Turnover ratio")
    assert care.data() == "1.30" and care.data(STATUS_ROLE) == Status.RED
    tested = view.model.index(view.model.row_of("Turnover ratio"), StandingTableModel.FIRST_ENTITY_COL)
    expected = result.tested[0].result(Metric.TURNOVER_RATIO)
    assert tested.data() == fmt(expected.value, expected.unit) == "5.19"
    assert tested.data(STATUS_ROLE) == Status.GREEN
    assert tested.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#d4edda"
    assert tested.data(Qt.ItemDataRole.FontRole).bold()

    # the combined interest cover is amber, and not-tested reserves cover is grey with its value
    ic = view.model.index(view.model.row_of("Interest cover"), StandingTableModel.FIRST_ENTITY_COL)
    assert ic.data() == "3.41" and ic.data(STATUS_ROLE) == Status.AMBER
    rc = view.model.index(view.model.row_of("Reserves cover"), StandingTableModel.FIRST_ENTITY_COL)
    assert rc.data() == "0.88 months" and rc.data(STATUS_ROLE) == Status.GREY
    assert rc.data(Qt.ItemDataRole.ToolTipRole).startswith("Not tested.")
    assert rc.data(Qt.ItemDataRole.BackgroundRole).color().name() == "#e9ecef"


def test_missing_is_not_given_and_a_zero_denominator_says_why(make_view):
    view = make_view(SPV)
    fcf = cell(view, "Peer Pathways CIC", "Free cash flow")
    assert fcf.data() == "not given" and fcf.data(STATUS_ROLE) == Status.GREY
    assert "operating cash flow" in fcf.data(Qt.ItemDataRole.ToolTipRole)
    ic = cell(view, "Coldharbour Carers Network", "Interest cover")
    assert ic.data() == "undefined: net interest is income, so there is no interest to cover"
    assert ic.data(STATUS_ROLE) == Status.GREY


def test_zero_current_liabilities_show_the_reason_not_a_number(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    fy = latest_year(controller, "Westmarch Community Health CIC")
    assert controller.set_field(FinancialYear, fy.id, "current_liabilities", "0")
    current = lambda: cell(view, "Westmarch Community Health CIC", "Current ratio").data()  # noqa: E731
    qtbot.waitUntil(lambda: current() == "undefined: current liabilities are zero")
    assert controller.set_field(FinancialYear, fy.id, "current_liabilities", None)
    qtbot.waitUntil(lambda: current() == "not given")


def test_turnover_test_rows(make_view, controller):
    view = make_view(SPV)
    tt = analyses.standing(controller.ws, option_id(controller, SPV)).tested[0].turnover_test
    col = StandingTableModel.FIRST_ENTITY_COL
    m = view.model
    # tables show whole pounds (the exact figure is the cell's value)
    assert m.index(m.row_of("Turnover"), col).data() == "£20,799,200" and tt.turnover == Decimal("20799200.00")
    assert m.index(m.row_of("Turnover"), col).data(VALUE_ROLE) == tt.turnover
    assert m.index(m.row_of("Turnover required"), col).data() == "£8,000,000"
    assert m.index(m.row_of("Turnover shortfall"), col).data() == "£0"
    assert m.index(m.row_of("Turnover required"), 0).data() == "2.00 × annual value"
    assert m.index(m.row_of("Turnover"), col).data(Qt.ItemDataRole.ToolTipRole).endswith(tt.explanation)
    member = cell(view, "Kestrel Leisure and Wellbeing", "Turnover")
    assert member.data() == "£6,918,500" and member.data(STATUS_ROLE) is None
    assert cell(view, "Kestrel Leisure and Wellbeing", "Turnover required").data() == ""


def test_header_shows_risk_rule_and_warnings(make_view, controller):
    view = make_view(SPV)
    result = view.result
    assert view.header.badge.text().endswith("Low risk")
    assert "#d4edda" in view.header.badge.styleSheet()
    assert view.header.risk.text() == result.risk_explanation
    rule = html.unescape(view.header.rule.text())
    assert rule.startswith("<b>The buyer tests:</b> ")
    assert result.tested[0].rule in rule
    assert view.header.warnings.isVisibleTo(view)
    assert "new body with no accounts" in view.header.warnings.text()
    assert "#664d03" in view.header.warnings.styleSheet()  # amber text
    assert "£4,000,000.00 a year" in view.header.context.text()


def test_no_warnings_box_when_there_are_none(make_view):
    view = make_view(GO_ALONE)
    assert view.result.warnings == ()
    assert not view.header.warnings.isVisibleTo(view)


def test_editing_a_figure_updates_the_view_and_undo_restores_it(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    name = "Westmarch Community Health CIC"
    ratio = lambda: cell(view, name, "Current ratio")  # noqa: E731
    assert ratio().data() == "1.45" and ratio().data(STATUS_ROLE) == Status.GREEN
    assert "No fails" in view.details.toPlainText()
    fy = latest_year(controller, name)
    assert controller.set_field(FinancialYear, fy.id, "current_liabilities", "5,000,000")
    qtbot.waitUntil(lambda: ratio().data(STATUS_ROLE) == Status.RED)
    expected = analyses.standing(controller.ws, option_id(controller, GO_ALONE))
    current = expected.tested[0].result(Metric.CURRENT_RATIO)
    assert ratio().data() == fmt(current.value, current.unit) == "0.52"
    assert view.header.badge.text().endswith(expected.risk.label + " risk")
    assert view.result.fail_count == expected.fail_count >= 1
    # the details and the badge's colours follow (each is set again only when it changes: issue 22)
    assert "No fails" not in view.details.toPlainText() and "Current ratio" in view.details.toPlainText()
    assert "#d4edda" not in view.header.badge.styleSheet()
    controller.undo_stack.undo()
    qtbot.waitUntil(lambda: ratio().data() == "1.45")
    assert ratio().data(STATUS_ROLE) == Status.GREEN
    assert view.header.badge.text().endswith("Low risk")
    assert "#d4edda" in view.header.badge.styleSheet()
    assert "No fails" in view.details.toPlainText()


def test_a_hidden_view_waits_until_shown(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    before = view.result
    view.hide()
    fy = latest_year(controller, "Westmarch Community Health CIC")
    assert controller.set_field(FinancialYear, fy.id, "current_liabilities", "5000000")
    qtbot.wait(20)
    assert view.result is before
    view.show()
    qtbot.waitUntil(lambda: view.result is not before)
    assert view.result.fail_count >= 1


def test_fails_are_explained_with_guarantee_bond_and_what_it_would_take(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    fy = latest_year(controller, "Westmarch Community Health CIC")
    assert controller.set_field(FinancialYear, fy.id, "borrowings", "2,500,000")
    qtbot.waitUntil(lambda: view.result.fail_count >= 1)
    text = view.details.toPlainText()
    for fail in view.result.fails:
        assert fail.result.metric.label in text
        assert fail.result.explanation in text
        assert fail.guarantee.explanation in text
        assert f"would cost about {format_gbp(fail.bond.annual_cost)} a year" in text
        assert fail.bond.explanation in text
        w = fail.what_it_would_take
        assert w.explanation in text
        assert w.extra is not None and f"{format_gbp(w.extra)} more {w.line_item_label}" in text
        for closer in w.closers:
            assert closer.name in text
    gearing = next(f for f in view.result.fails if f.result.metric is Metric.GEARING)
    assert gearing.bond.annual_cost == Decimal("6000.00")
    assert "£6,000.00 a year" in text
    assert "Westmarch Care Mutual (its net assets: £490,300.00)" in text
    html_text = view.details.toHtml()
    assert "font-weight" in html_text  # the amounts are in bold


def test_reserved_contract_eligibility(make_view):
    view = make_view(GO_ALONE)
    text = view.details.toPlainText()
    reserved = view.result.reserved
    assert "Reserved contract eligibility (PA23 s33)" in text
    assert reserved.verdict.label in text
    for check in reserved.checks:
        assert check.explanation in text
    for caveat in reserved.caveats:
        assert caveat in text
    assert "exceeds the 5 years PA23 s33 allows" in text


def test_user_text_is_escaped(make_view, controller, qtbot):
    view = make_view(GO_ALONE)
    lead = org(controller, "Westmarch Community Health CIC")
    assert controller.set_field(Organisation, lead.id, "name", "<b>Evil</b> & Co")
    qtbot.waitUntil(lambda: view.model.column_of("<b>Evil</b> & Co") >= 0)
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in view.header.rule.text()
    assert "<b>Evil</b> & Co" in view.details.toPlainText()


def test_sorting_a_column_brings_its_fails_to_the_top(make_view):
    view = make_view(SPV)
    column = view.model.column_of("Kestrel Leisure and Wellbeing")
    view.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    proxy = view.table.proxy
    top = [proxy.index(r, column).data(STATUS_ROLE) for r in range(3)]
    assert top == [Status.RED, Status.RED, Status.RED]
    labels = [proxy.headerData(r, Qt.Orientation.Vertical) for r in range(3)]
    assert labels == ["Turnover ratio", "Gearing", "Interest cover"]


def test_model_passes_qt_model_tester(qtmodeltester, controller):
    model = StandingTableModel()
    qtmodeltester.check(model)
    for name in (GO_ALONE, LEAD_PROVIDER, SPV):
        model.set_result(analyses.standing(controller.ws, option_id(controller, name)))
        qtmodeltester.check(model)
    model.set_result(None)
    assert model.rowCount() == model.columnCount() == 0


def test_cell_text_never_shows_zero_for_missing(controller):
    result = analyses.standing(controller.ws, option_id(controller, SPV))
    table = standing_table(result)
    peer = next(ms for ms in result.members if ms.name == "Peer Pathways CIC").standing
    for r in peer.metrics:
        if r.value is None:
            assert cell_text(r) in ("not given", "not tested") or cell_text(r).startswith(("undefined", "fails"))
    assert len(table.columns) == 2 + len(result.tested) + len(result.members)  # test, pass mark, entities
    assert all(len(row) == len(table.columns) for row in table.rows)
    assert all(t != "0" and t != "£0.00" or table.rows[r][0].value.startswith("Turnover")
               for r, row in enumerate(table.texts()) for t in row[2:])


def test_no_option_selected_shows_a_message(qtbot, controller):
    view = StandingView(controller, Selection(None))
    qtbot.addWidget(view)
    view.show()
    qtbot.waitUntil(lambda: view.message.isVisibleTo(view))
    assert view.message.text() == "Select a consortium option."
    assert not view.content.isVisibleTo(view)


# --------------------------------------------------------------------------- in the main window


@pytest.fixture
def window(qtbot, qsettings, monkeypatch):
    return main_window(qtbot, qsettings, monkeypatch)


def test_standing_tab_of_the_options_page(window, demo_path, qtbot):
    assert window.open_path(demo_path)
    page = window.show_page("Consortium options")
    view = page.analysis_views["Standing"]
    names = [page.master.table.model().index(r, 0).data() for r in range(page.master.table.model().rowCount())]
    page.master.table.selectRow(names.index(SPV))
    page.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.result is not None and view.result.option_name == SPV)
    assert view.model.column_of("Kestrel Leisure and Wellbeing") >= 0
    assert view.content.isVisible()
    # the table keeps the test names in view and fits its rows without a vertical scroll bar
    assert view.table.verticalHeader().isVisible()
    assert not view.table.verticalScrollBar().isVisible()
    # choosing another option refreshes the tab
    page.master.table.selectRow(names.index(GO_ALONE))
    qtbot.waitUntil(lambda: view.result.option_name == GO_ALONE)
    assert view.model.columnCount() == 3
    assert not window.errors
