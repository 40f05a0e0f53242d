"""Undo and redo, one way: every change is made in its command's redo(), and a refused undo or
redo leaves the stack and the data in agreement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtGui import QUndoStack

from consortium_planner.domain.model import ConsortiumOption, Organisation, Tender
from consortium_planner.gui.controller import AddRecordCommand, SetFieldCommand, WorkspaceController
from consortium_planner.services.session import WorkspaceFileError, WorkspaceSession
from consortium_planner.store.workspace_file import Store


@pytest.fixture
def controller(qapp, small_workspace):
    c = WorkspaceController(WorkspaceSession.open(small_workspace))
    c.refusals = []
    c.edit_refused.connect(c.refusals.append)
    c.changes = []
    c.workspace_changed.connect(c.changes.append)
    yield c
    c.session.close()


def tender(c: WorkspaceController) -> Tender:
    return c.ws.all(Tender)[0]


def test_a_command_changes_nothing_until_redo_and_the_change_is_made_in_redo(controller):
    t = tender(controller)
    command = SetFieldCommand(controller, Tender, t.id, "annual_value", t.annual_value, Decimal("123.45"))
    assert controller.ws.get(Tender, t.id).annual_value == t.annual_value  # built, not yet done
    controller.undo_stack.push(command)  # Qt calls redo()
    assert controller.ws.get(Tender, t.id).annual_value == Decimal("123.45")
    with Store.open(controller.session.path, read_only=True) as other:
        assert other.load().get(Tender, t.id).annual_value == Decimal("123.45")  # written, not just shown
    controller.undo_stack.undo()
    assert controller.ws.get(Tender, t.id).annual_value == t.annual_value
    controller.undo_stack.redo()
    assert controller.ws.get(Tender, t.id).annual_value == Decimal("123.45")


def test_an_added_row_is_added_by_the_commands_redo_and_keeps_its_id_through_undo(controller):
    command = AddRecordCommand(controller, Organisation, {"name": "Added in redo"})
    assert command.entity is None
    controller.undo_stack.push(command)
    added = command.entity
    assert added is not None and controller.ws.get(Organisation, added.id) == added
    controller.undo_stack.undo()
    assert controller.ws.get(Organisation, added.id) is None
    controller.undo_stack.redo()
    assert controller.ws.get(Organisation, added.id) == added


def test_a_refused_value_is_not_pushed_and_keeps_the_redo_history(controller):
    t = tender(controller)
    assert controller.set_field(Tender, t.id, "annual_value", "£5,000,000")
    controller.undo_stack.undo()
    assert controller.undo_stack.canRedo()
    assert not controller.set_field(Tender, t.id, "annual_value", "lots")  # text in a number
    assert controller.refusals and "annual" in controller.refusals[-1].lower()
    assert controller.undo_stack.count() == 1 and controller.undo_stack.canRedo()
    controller.undo_stack.redo()
    assert controller.ws.get(Tender, t.id).annual_value == Decimal("5000000.00")


def test_setting_the_same_value_pushes_nothing(controller):
    t = tender(controller)
    assert controller.set_field(Tender, t.id, "name", t.name)
    assert controller.undo_stack.count() == 0


def _refuse_next(controller, monkeypatch, method: str) -> None:
    """Make the session refuse the next call of ``method`` as a team database does."""
    real = getattr(controller.session, method)
    calls = {"n": 0}

    def refusing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise WorkspaceFileError("changed by someone else since you opened the workspace; reopen it")
        return real(*args, **kwargs)

    monkeypatch.setattr(controller.session, method, refusing)


def test_a_refused_undo_takes_the_step_off_the_stack_and_changes_nothing(controller, monkeypatch):
    t = tender(controller)
    assert controller.set_field(Tender, t.id, "name", "First")
    assert controller.set_field(Tender, t.id, "annual_value", "£4,321")
    _refuse_next(controller, monkeypatch, "set_field")
    controller.undo_stack.undo()  # the value's undo is refused
    assert controller.ws.get(Tender, t.id).annual_value == Decimal("4321.00")  # still as it was
    assert controller.undo_stack.count() == 1 and controller.undo_stack.index() == 1  # only the rename is left
    assert controller.undo_stack.undoText() == "Change tender name"
    assert "Could not undo" in controller.refusals[-1] and "someone else" in controller.refusals[-1]
    controller.undo_stack.undo()  # the next undo is the rename's, and works
    assert controller.ws.get(Tender, t.id).name == t.name


def test_a_refused_redo_takes_the_step_off_the_stack_and_changes_nothing(controller, monkeypatch):
    t = tender(controller)
    assert controller.set_field(Tender, t.id, "annual_value", "£4,321")
    controller.undo_stack.undo()
    _refuse_next(controller, monkeypatch, "set_field")
    controller.undo_stack.redo()
    assert controller.ws.get(Tender, t.id).annual_value == t.annual_value
    assert controller.undo_stack.count() == 0 and not controller.undo_stack.canRedo()
    assert "Could not redo" in controller.refusals[-1]


def test_a_refused_first_redo_is_reported_and_not_kept(controller, monkeypatch):
    _refuse_next(controller, monkeypatch, "duplicate_option")
    option = controller.ws.all(ConsortiumOption)[0]
    before = len(controller.ws.all(ConsortiumOption))
    assert controller.duplicate_option(option.id) is None
    assert len(controller.ws.all(ConsortiumOption)) == before
    assert controller.undo_stack.count() == 0 and "someone else" in controller.refusals[-1]


def test_changes_say_who_started_them(controller):
    t = tender(controller)
    marker = object()
    controller.set_field(Tender, t.id, "name", "Renamed", initiator=marker)
    assert controller.changes[-1].initiator is marker
    controller.undo_stack.undo()
    assert isinstance(controller.changes[-1].initiator, QUndoStack)
    controller.undo_stack.redo()
    assert controller.changes[-1].initiator is controller.undo_stack
    controller.set_field(Tender, t.id, "name", "Again")  # nobody named
    assert controller.changes[-1].initiator is None


def test_a_refused_undo_on_a_team_database_leaves_the_stack_and_the_data_in_agreement(qapp, pg_url):
    """Someone else changes the field after our edit: our undo is refused, and the stack no longer
    offers it (undoing it would overwrite their change)."""
    from consortium_planner.services.demo import write_demo

    write_demo(pg_url)
    ours = WorkspaceController(WorkspaceSession.open(pg_url))
    refusals: list[str] = []
    ours.edit_refused.connect(refusals.append)
    theirs = None
    try:
        org = ours.ws.all(Organisation)[0]
        assert ours.set_field(Organisation, org.id, "name", "Our name")
        theirs = WorkspaceSession.open(pg_url)  # a colleague opens it after our edit
        theirs.set_field(Organisation, org.id, "name", "Their name")
        ours.undo_stack.undo()
        assert refusals and "someone else" in refusals[-1]
        assert ours.undo_stack.count() == 0 and not ours.undo_stack.canUndo() and not ours.undo_stack.canRedo()
        with Store.open(pg_url) as fresh:
            assert fresh.load().get(Organisation, org.id).name == "Their name"  # their change stands
    finally:
        if theirs is not None:
            theirs.close()
        ours.session.close()


def test_a_table_edit_says_it_came_from_that_table(controller):
    from consortium_planner.gui.record_model import RecordTableModel

    model = RecordTableModel(controller, Tender, ["name", "annual_value"], lambda: controller.ws.all(Tender))
    assert model.setData(model.index(0, 1), "£4,100,000.25")
    assert controller.changes[-1].initiator is model
