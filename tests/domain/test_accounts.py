"""One year's accounts: the totals that follow and the checks that the lines hang together (issue 20)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from consortium_planner.domain.accounts import checks, derived
from consortium_planner.domain.model import FinancialYear

D = Decimal


def _year(**kw) -> FinancialYear:
    return FinancialYear(id=1, organisation_id=1, year_end=dt.date(2025, 3, 31), **kw)


def test_net_assets_and_free_cash_flow_follow_from_the_lines_and_never_assume_zero():
    fy = _year(total_assets=D(500), total_liabilities=D(120), operating_cash_flow=D(90), capex=D(10),
               interest=D(5), tax=D(3), dividends=D(2))
    d = derived(fy)
    assert d.net_assets == D(380) and d.free_cash_flow == D(70)
    partial = derived(_year(total_assets=D(500), operating_cash_flow=D(90)))
    assert partial.net_assets is None and partial.free_cash_flow is None


def test_a_part_larger_than_its_whole_and_an_ebitda_that_does_not_agree_are_named_with_figures():
    fy = _year(current_assets=D(600), total_assets=D(500), cash=D(50), inventory=D(10),
               operating_surplus=D(20), depreciation=D(5), ebitda=D(30))
    found = checks(fy)
    assert any("current assets are larger than total assets (£600 against £500)" in p for p in found)
    assert any("EBITDA (£30) is not operating surplus plus depreciation (£25)" in p for p in found)
    assert len(found) == 2
    assert checks(_year(current_assets=D(400), total_assets=D(500), operating_surplus=D(20), depreciation=D(5),
                        ebitda=D(25))) == []
