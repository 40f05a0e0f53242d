from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from consortium_planner.domain.model import ENTITIES, Member, Organisation, Setting, Tender
from consortium_planner.gui.controller import WorkspaceController
from consortium_planner.gui.record_model import SORT_ROLE, RecordTableModel
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


def test_sort_role_orders_money_numerically(controller):
    controller.add(Organisation, {"name": "alpha"})
    model = RecordTableModel(controller, Organisation, ["name"], lambda: controller.ws.all(Organisation))
    keys = sorted(model.data(model.index(r, 0), SORT_ROLE) for r in range(model.rowCount()))
    assert [k[1] for k in keys] == ["alpha", "care co-op", "northfield health mutual"]


def test_bool_column_is_checkable(controller):
    model = RecordTableModel(controller, Organisation, ["name", "employee_owned"],
                             lambda: controller.ws.organisations())
    row = [r for r in range(model.rowCount()) if model.entity_at(r).name == "Care Co-op"][0]
    idx = model.index(row, 1)
    assert model.flags(idx) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(idx, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.data(idx, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
