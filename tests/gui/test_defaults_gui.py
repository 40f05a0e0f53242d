"""Issue 20 (defaults that fit), through the controller: an edit and what follows it is one undo step;
shares from allocations and a share moved between members are one step each."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium_planner.domain.model import ConsortiumOption, CostProfile, Liability, PensionScheme, Structure
from consortium_planner.services.session import WorkspaceSession


@pytest.fixture
def controller(demo_controller):
    return demo_controller


def test_the_scheme_and_its_rate_change_and_undo_together(controller):
    profile = next(p for p in controller.ws.all(CostProfile) if p.pension_scheme is PensionScheme.AUTO_ENROLMENT
                   and p.pension_rate_pct == 3)
    assert controller.set_field(CostProfile, profile.id, "pension_scheme", "NHS Pension")
    now = controller.ws.get(CostProfile, profile.id)
    assert now.pension_scheme is PensionScheme.NHS and now.pension_rate_pct == Decimal("14.46")
    controller.undo_stack.undo()
    assert controller.ws.get(CostProfile, profile.id) == profile
    controller.undo_stack.redo()
    assert controller.ws.get(CostProfile, profile.id) == now
    with _read(controller) as ws:
        assert ws.get(CostProfile, profile.id) == now  # written, not just shown


def _read(controller):
    class _R:
        def __enter__(self):
            self.s = WorkspaceSession.open(controller.session.path, read_only=True)
            return self.s.ws

        def __exit__(self, *exc):
            self.s.close()
    return _R()


def test_go_alone_sets_the_leads_liability_in_the_same_step(controller):
    option = next(o for o in controller.ws.options() if o.structure is Structure.LEAD_PROVIDER)
    controller.set_field(ConsortiumOption, option.id, "structure", "Go alone")
    assert controller.ws.get(ConsortiumOption, option.id).liability is Liability.LEAD
    controller.undo_stack.undo()
    assert controller.ws.get(ConsortiumOption, option.id) == option


def test_shares_from_allocations_and_moving_share_are_one_step_each(controller):
    option = next(o for o in controller.ws.options() if o.structure is Structure.SPV)
    before = {m.id: m.participation_pct for m in controller.ws.members(option.id)}
    assert controller.shares_from_allocations(option.id)
    after = {m.id: m.participation_pct for m in controller.ws.members(option.id)}
    assert sum(after.values()) == Decimal(100)
    a, b = list(after)[:2]
    steps = controller.undo_stack.count()
    assert controller.move_share(a, b, "1.5")
    assert controller.undo_stack.count() == steps + 1
    moved = {m.id: m.participation_pct for m in controller.ws.members(option.id)}
    assert moved[a] == after[a] - Decimal("1.5") and moved[b] == after[b] + Decimal("1.5")
    assert not controller.move_share(a, b, "999")  # more than it has: refused, nothing pushed
    assert controller.refusals and "only" in controller.refusals[-1]
    assert not controller.move_share(a, b, "1,5")  # ambiguous: refused with the reason
    assert controller.undo_stack.count() == steps + 1
    controller.undo_stack.undo()
    controller.undo_stack.undo()
    assert {m.id: m.participation_pct for m in controller.ws.members(option.id)} == before
