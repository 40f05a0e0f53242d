"""The GUI's undo and redo are recorded in the audit trail under the step's name."""

from decimal import Decimal

from consortium_planner.domain.model import Member
from consortium_planner.services.history import read_history


def test_undo_and_redo_are_recorded_with_the_steps_name(demo_controller):
    c = demo_controller
    member = min(c.ws.all(Member), key=lambda m: m.id)
    n = len(read_history(c.session.store))
    assert c.set_field(Member, member.id, "capital_contribution", "£45,000")
    step = c.undo_stack.text(c.undo_stack.index() - 1)
    c.undo_stack.undo()
    c.undo_stack.redo()
    got = [(e.operation, e.old, e.new) for e in read_history(c.session.store)[n:]]
    assert got == [(step, "40000.00", "45000.00"), (f"Undo: {step}", "45000.00", "40000.00"),
                   (f"Redo: {step}", "40000.00", "45000.00")]
    assert c.ws.get(Member, member.id).capital_contribution == Decimal("45000.00")
