"""Issue 20 (settings as forms): the case's author and the reference rates without typing JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from consortium_planner.domain.rates import RATE_FIELDS
from consortium_planner.gui.settings_forms import OVERRIDDEN, CaseSettingsForm, RatesTable
from consortium_planner.services.analyses import RATES_OVERRIDES_KEY, workspace_rates
from consortium_planner.services.rates import override_text


@pytest.fixture
def controller(demo_controller):
    return demo_controller


def test_override_text_sets_and_resets_one_rate():
    text = override_text("", "2026/27", "national_living_wage", Decimal("13.10"))
    assert json.loads(text) == {"2026/27": {"national_living_wage": {"value": "13.10",
                                                                       "source": "Set in this workspace"}}}
    assert override_text(text, "2026/27", "national_living_wage", None) == ""


def test_typing_a_rate_overrides_it_marked_and_reset_puts_the_shipped_one_back(qtbot, controller):
    table = RatesTable(controller)
    qtbot.addWidget(table)
    row = next(i for i, f in enumerate(RATE_FIELDS) if f.name == "national_living_wage")
    col = table.years.index("2026/27")
    table.table.item(row, col).setText("13.10")
    rates = workspace_rates(controller.ws).get("2026/27")
    assert rates.national_living_wage == Decimal("13.10") and rates.source("national_living_wage").overridden
    item = table.table.item(row, col)
    assert item.background().color() == OVERRIDDEN and item.font().bold()
    assert "overridden in this workspace" in item.toolTip()
    table.table.setCurrentCell(row, col)
    assert table.reset.isEnabled()
    table.reset.click()
    assert controller.ws.setting(RATES_OVERRIDES_KEY, "") == ""
    assert workspace_rates(controller.ws).get("2026/27").national_living_wage == Decimal("12.71")
    controller.undo_stack.undo()  # the reset, undone: the override is back
    assert workspace_rates(controller.ws).get("2026/27").national_living_wage == Decimal("13.10")


def test_text_in_a_rate_is_refused_with_the_reason_and_nothing_changes(qtbot, controller):
    table = RatesTable(controller)
    qtbot.addWidget(table)
    before = controller.ws.setting(RATES_OVERRIDES_KEY, "")
    table.table.item(0, 0).setText("a lot")
    assert controller.refusals and "not a number" in controller.refusals[-1]
    assert controller.ws.setting(RATES_OVERRIDES_KEY, "") == before
    assert table.table.item(0, 0).text() != "a lot"  # the shown figure is the rate again


def test_prepared_by_is_a_field_not_a_key(qtbot, controller):
    form = CaseSettingsForm(controller)
    qtbot.addWidget(form)
    form.author.setText("Westmarch Mutuals")
    form.author.editingFinished.emit()
    assert controller.ws.setting("author") == "Westmarch Mutuals"
    controller.undo_stack.undo()
    assert form.author.text() != "Westmarch Mutuals"


def test_new_options_take_the_workspaces_discount_rate(qtbot, controller):
    from consortium_planner.domain.defaults import new_option_values

    form = CaseSettingsForm(controller)
    qtbot.addWidget(form)
    tender = controller.ws.tenders()[0]
    assert form.discount.text() == "3.5"  # the demo's own setting (HM Treasury's Green Book)
    assert new_option_values(controller.ws, tender.id, "x")["discount_rate_pct"] == Decimal("3.5")
    form.discount.setText("6")
    form.discount.editingFinished.emit()
    assert new_option_values(controller.ws, tender.id, "x")["discount_rate_pct"] == Decimal(6)
    form.discount.setText("ninety")
    form.discount.editingFinished.emit()
    assert controller.refusals and controller.ws.setting("discount_rate") == "6"
