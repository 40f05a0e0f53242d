"""Live what-if (issue 19): the figures with the changes, the stored workspace untouched, and keeping it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium_planner.domain import scenarios
from consortium_planner.domain.model import ConsortiumOption, FundingKind, FundingSource, Member, Scenario
from consortium_planner.domain.whatif import ShareMove, WhatIf, apply
from consortium_planner.services.compare import KEY_ANALYSES, option_figures
from consortium_planner.services.pipeline import run
from consortium_planner.services.scenarios import run_scenario
from consortium_planner.services.whatif import whatif_outcome

SPV = "Special purpose vehicle"


@pytest.fixture
def c(demo_controller):
    return demo_controller


def spv(ws) -> ConsortiumOption:
    return next(o for o in ws.options() if o.name == SPV)


def snapshot(ws) -> list:
    return sorted((type(e).__name__, e.id, repr(e)) for e in ws.entities())


def test_no_change_is_the_option_as_it_stands(c):
    o = spv(c.ws)
    out = whatif_outcome(c.ws, WhatIf(o.id))
    assert out.description == "no change"
    assert out.after.values == out.base.values
    assert all(r.change in (None, 0) for r in out.rows)


def test_a_higher_margin_prices_higher_and_equals_the_option_edited(c):
    ws = c.ws
    o = spv(ws)
    before = snapshot(ws)
    out = whatif_outcome(ws, WhatIf(o.id, margin_pct=o.margin_pct + 2))
    assert snapshot(ws) == before  # the stored workspace is untouched
    price = out.row("year_one_price")
    assert price.change > 0 and price.better is False  # a dearer bid: worse on price, better on margin
    assert out.row("year_one_margin").change > 0 and out.row("year_one_margin").better is True
    # the same as editing the option for real (on a copy), to the penny
    edited = ws.copy()
    import dataclasses
    edited.put(dataclasses.replace(o, margin_pct=o.margin_pct + 2))
    direct = option_figures(edited, o.id, run(edited, o.id, KEY_ANALYSES))
    assert out.after.values == direct.values


@pytest.mark.parametrize("driver, value, row, sign", [
    ("volume_pct", Decimal(-10), "total_income", -1),
    ("pay_uplift_pp", Decimal(1), "npv", -1),
    ("payment_delay_days", 30, "funding_requirement", 1),
])
def test_market_drivers_equal_the_same_scenario(c, driver, value, row, sign):
    ws = c.ws
    o = spv(ws)
    out = whatif_outcome(ws, WhatIf(o.id, **{driver: value}))
    assert (out.row(row).change or 0) * sign > 0
    results = run_scenario(ws, o.id, scenarios.Adjustments(**{driver: value}))
    assert out.after.values == option_figures(ws, o.id, results).values  # the scenario's figures, to the penny


def test_a_share_moved_and_a_loan_changed(c):
    ws = c.ws
    o = spv(ws)
    members = sorted(ws.members(o.id), key=lambda m: -m.participation_pct)
    giver, taker = members[0], members[-1]
    loans = [s for s in ws.by(FundingSource, "option_id", o.id) if s.kind is FundingKind.LOAN]
    assert loans, "the demo's SPV borrows"
    loan = loans[0]
    w = WhatIf(o.id, share_move=ShareMove(giver.id, taker.id, Decimal("5")), loans={loan.id: loan.amount + 100_000})
    scratch = apply(ws, w)
    assert scratch.get(Member, giver.id).participation_pct == giver.participation_pct - 5
    assert scratch.get(Member, taker.id).participation_pct == taker.participation_pct + 5
    assert scratch.get(FundingSource, loan.id).amount == loan.amount + 100_000
    assert ws.get(FundingSource, loan.id).amount == loan.amount  # the stored one is not
    out = whatif_outcome(ws, w)
    assert out.row("funding_sources").change == 100_000
    assert "5 points of share from" in out.description and loan.name in out.description


def test_changes_that_cannot_be_made_say_why(c):
    ws = c.ws
    o = spv(ws)
    m = ws.members(o.id)
    with pytest.raises(ValueError, match="only"):
        whatif_outcome(ws, WhatIf(o.id, share_move=ShareMove(m[0].id, m[1].id, m[0].participation_pct + 1)))
    with pytest.raises(ValueError, match="margin"):
        whatif_outcome(ws, WhatIf(o.id, margin_pct=Decimal(60)))
    with pytest.raises(ValueError, match="100%"):
        whatif_outcome(ws, WhatIf(o.id, volume_pct=Decimal(-100)))


def test_keep_as_a_new_option_is_one_undoable_step(c):
    ws = c.ws
    o = spv(ws)
    members = sorted(ws.members(o.id), key=lambda m: m.id)
    loan = next(s for s in ws.by(FundingSource, "option_id", o.id) if s.kind is FundingKind.LOAN)
    w = WhatIf(o.id, margin_pct=Decimal("4.5"), share_move=ShareMove(members[0].id, members[1].id, Decimal(2)),
               loans={loan.id: Decimal(250_000)}, volume_pct=Decimal(-5))
    expected = whatif_outcome(ws, w).after.values
    n_options, n_scenarios = len(ws.options()), ws.count(Scenario)
    assert c.keep_whatif(w, "SPV at 4.5%")
    new = next(x for x in c.ws.options() if x.name == "SPV at 4.5%")
    assert len(c.ws.options()) == n_options + 1 and c.ws.count(Scenario) == n_scenarios + 1
    assert new.margin_pct == Decimal("4.5")
    new_members = sorted(c.ws.members(new.id), key=lambda m: m.id)
    assert [m.participation_pct for m in new_members] == [
        members[0].participation_pct - 2, members[1].participation_pct + 2,
        *[m.participation_pct for m in members[2:]]]
    assert len(c.ws.allocations(new.id)) == len(ws.allocations(o.id))
    new_loan = next(s for s in c.ws.by(FundingSource, "option_id", new.id) if s.name == loan.name)
    assert new_loan.amount == 250_000
    kept = max(c.ws.all(Scenario), key=lambda s: s.id)
    assert kept.volume_pct == -5 and kept.name.startswith("What-if: volume")
    # the new option under the kept scenario shows the what-if's figures
    results = run_scenario(c.ws, new.id, scenarios.Adjustments.of(kept))
    kept_values = option_figures(c.ws, new.id, results).values
    named = {"structure", "entity_tested"}  # the vehicle is named after its option
    assert {k: v for k, v in kept_values.items() if k not in named} == \
        {k: v for k, v in expected.items() if k not in named}
    c.undo_stack.undo()
    assert len(c.ws.options()) == n_options and c.ws.count(Scenario) == n_scenarios
    assert c.ws.get(ConsortiumOption, new.id) is None
    assert not c.keep_whatif(w, SPV)  # a name the tender has: refused, with the reason
    assert "already has an option" in c.refusals[-1]
