from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from consortium_planner.domain.model import ENTITIES, Member, Organisation, Setting, Tender
from consortium_planner.gui.controller import WorkspaceController
from consortium_planner.gui.record_model import RecordTableModel
from consortium_planner.gui.roles import VALUE_ROLE
from consortium_planner.services.session import WorkspaceSession


@pytest.fixture
def controller(qapp, small_workspace):
    c = WorkspaceController(WorkspaceSession.open(small_workspace))
    yield c
    c.session.close()


@pytest.mark.parametrize("cls", [e for e in ENTITIES if e is not Setting], ids=lambda c: c.__name__)
def test_every_table_model_passes_qtmodeltester(qtmodeltester, controller, cls):
    cols = [n for n in controller.session.field_names(cls)]
    model = RecordTableModel(controller, cls, cols, lambda: controller.ws.all(cls))
    assert model.rowCount() >= 1
    qtmodeltester.check(model)


def test_display_is_en_gb_and_missing_is_not_given(controller):
    from consortium_planner.domain.model import FinancialYear

    model = RecordTableModel(controller, FinancialYear, ["year_end", "turnover", "cash"],
                             lambda: controller.ws.all(FinancialYear))
    assert model.data(model.index(0, 0)) == "31/03/2025"
    assert model.data(model.index(0, 1)) == "£2,500,000.00"
    assert model.data(model.index(0, 2)) == "not given"


def test_set_data_goes_through_an_undo_command(controller):
    model = RecordTableModel(controller, Tender, ["name", "annual_value"], lambda: controller.ws.all(Tender))
    assert model.setData(model.index(0, 1), "£4,100,000.25")
    assert model.data(model.index(0, 1)) == "£4,100,000.25"
    assert controller.undo_stack.undoText() == "Change tender estimated annual value"
    controller.undo_stack.undo()
    assert model.data(model.index(0, 1)) == "£4,000,000.00"
    controller.undo_stack.redo()
    assert controller.ws.all(Tender)[0].annual_value == Decimal("4100000.25")


def test_refused_edit_reports_and_pushes_nothing(controller, qtbot):
    model = RecordTableModel(controller, Member, ["participation_pct"], lambda: controller.ws.all(Member))
    with qtbot.waitSignal(controller.edit_refused) as blocker:
        assert not model.setData(model.index(1, 0), "50")
    assert "over 100%" in blocker.args[0]
    assert controller.undo_stack.count() == 0
    assert model.data(model.index(1, 0)) == "40%"


def test_sort_role_orders_money_numerically(controller, qtbot):
    """Sorting a money column in the table the user sees orders the figures as money, not as text
    ("£9.00" < "£10.00" < "£100.00", which text would put as £10, £100, £9), missing first."""
    from consortium_planner.domain.model import FinancialYear
    from consortium_planner.gui.panels import RecordTable

    org = next(o.id for o in controller.ws.organisations() if o.name == "Northfield Health Mutual")
    for year, turnover in ((2021, "100"), (2022, "9"), (2023, None), (2024, "10"), (2026, "1,000")):
        controller.add(FinancialYear, {"organisation_id": org, "year_end": f"31/03/{year}", "turnover": turnover})
    model = RecordTableModel(controller, FinancialYear, ["year_end", "turnover"],
                             lambda: controller.ws.financial_years(org))
    table = RecordTable(model)
    qtbot.addWidget(table)
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    proxy = table.model()
    shown = [proxy.index(r, 1).data() for r in range(proxy.rowCount())]
    assert shown == ["not given", "£9.00", "£10.00", "£100.00", "£1,000.00", "£2,500,000.00"]
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 1).data(VALUE_ROLE) for r in range(proxy.rowCount())] == [
        Decimal("2500000"), Decimal("1000"), Decimal("100"), Decimal("10"), Decimal("9"), None]


def test_bool_column_is_checkable(controller):
    model = RecordTableModel(controller, Organisation, ["name", "employee_owned"],
                             lambda: controller.ws.organisations())
    row = [r for r in range(model.rowCount()) if model.entity_at(r).name == "Care Co-op"][0]
    idx = model.index(row, 1)
    assert model.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(idx, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.data(idx, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
