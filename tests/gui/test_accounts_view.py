"""Accounts with line items down and years across (issue 20)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from consortium_planner.domain.model import FinancialYear
from consortium_planner.gui.accounts_view import LINES, AccountsModel


@pytest.fixture
def controller(demo_controller):
    return demo_controller


def test_years_across_lines_down_and_an_edit_updates_the_totals_and_checks(controller):
    org = controller.ws.organisations()[0]
    model = AccountsModel(controller, lambda: org.id)
    years = sorted(controller.ws.financial_years(org.id), key=lambda f: f.year_end)
    assert model.columnCount() == len(years) >= 2
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole).startswith("Year to 31/03/")
    row = LINES.index("current_assets")
    net_row, check_row = len(LINES), model.rowCount() - 1
    assert model.data(model.index(check_row, 0)) == "✓ adds up"
    last = model.columnCount() - 1
    too_big = years[-1].total_assets + 1
    assert model.setData(model.index(row, last), str(too_big))
    assert controller.ws.get(FinancialYear, years[-1].id).current_assets == too_big
    assert model.data(model.index(check_row, last)) == "✗ 1 to check"
    assert "current assets are larger than total assets" in model.data(model.index(check_row, last),
                                                                       Qt.ItemDataRole.ToolTipRole)
    total_liabilities_row = LINES.index("total_liabilities")
    model.setData(model.index(total_liabilities_row, last), "0")
    assert model.data(model.index(net_row, last)) == f"£{years[-1].total_assets:,.0f}"
    assert not model.setData(model.index(row, last), "lots")  # refused: the figure stays, the reason is shown
    assert controller.refusals and controller.ws.get(FinancialYear, years[-1].id).current_assets == too_big
    controller.undo_stack.undo()
    controller.undo_stack.undo()
    assert controller.ws.get(FinancialYear, years[-1].id).current_assets == years[-1].current_assets
    assert model.data(model.index(check_row, last)) == "✓ adds up"
