"""The GUI's handle on an open workspace: every edit goes through here as an undo command.

Each command makes its change in ``redo()`` (Qt calls it when the command is pushed) through the
session, which validates and saves it in one transaction, and stores ids and old/new values, never
a QModelIndex. A value the session would refuse is refused before anything is pushed; a command
refused when it runs (first or later) makes itself obsolete so the stack and the data always agree.
Refusals reach the user through ``edit_refused``. Views listen to ``workspace_changed`` and refresh
only what the ``Changes`` record names; ``Changes.initiator`` says which widget (or the undo stack)
started the change.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..domain.fields import specs
from ..domain.findings import Finding
from ..domain.model import ConsortiumOption, Entity, Setting, Structure
from ..domain.money import parse_decimal
from ..services import second_process
from ..services.importing import ImportPlan, ImportRefused, apply_import
from ..services.partnering import try_structure
from ..services.pipeline import SharedResults
from ..services.session import Batch, Changes, Removal, ValidationError, WorkspaceFileError, WorkspaceSession

if TYPE_CHECKING:
    from .tasks import BackgroundTask


class _Command(QUndoCommand):
    """Base of every edit: ``redo()`` makes the change (the first time too), ``undo()`` reverses it.

    Both go through the session, which validates and writes in one transaction. If the session
    refuses (someone else changed the row in a team database, the row is gone, the file cannot be
    written), the command makes itself obsolete, so Qt drops it from the stack: the stack never
    offers to undo a change the data does not hold, or to redo one it already holds. The refusal
    is reported through ``edit_refused``; ``refusal`` keeps it for the code that pushed the command.

    Never name an attribute ``id``: it would shadow QUndoCommand.id(), which Qt calls when a
    command is pushed, and crash the program.
    """

    def __init__(self, controller: WorkspaceController, text: str, initiator: Any = None):
        super().__init__(text)
        self.controller = controller
        self.initiator = initiator  # who asked for the change; undo and redo come from the stack
        self.refusal = ""
        self.done_once = False

    def redo(self) -> None:
        first = not self.done_once
        if self._run(self.do_first if first else self.do, self.initiator if first else self.controller.undo_stack,
                     "" if first else "redo"):
            self.done_once = True

    def undo(self) -> None:
        self._run(self.undo_it, self.controller.undo_stack, "undo")

    def _run(self, fn: Callable[[], Any], initiator: Any, verb: str) -> bool:
        name = {"undo": "Undo: ", "redo": "Redo: "}.get(verb, "") + self.text()
        was_editing, self.controller.editing = self.controller.editing, True
        self.controller.quiet()
        try:
            with self.controller.initiated_by(initiator), self.controller.session.operation(name):
                fn()
        except (ValidationError, WorkspaceFileError) as exc:
            self.refusal = str(exc)
            self.setObsolete(True)
            if verb:  # a later undo or redo; the first redo's refusal is reported by whoever pushed it
                self.controller.edit_refused.emit(
                    f"Could not {verb} ‘{self.text()}’: {exc}. The step has been taken off the undo history.")
            return False
        finally:
            self.controller.editing = was_editing
            self.controller.change_done.emit()
        return True

    def do_first(self) -> None:
        """The change as first made (by default the same as every redo)."""
        self.do()

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SetFieldCommand(_Command):
    def __init__(self, controller, cls: type[Entity], id_: int, field: str, old: Any, new: Any, initiator=None):
        label = specs(cls)[field].label
        super().__init__(controller, f"Change {cls.label.lower()} {label.lower()}", initiator)
        self.cls, self.record_id, self.field, self.old, self.new = cls, id_, field, old, new

    def do(self) -> None:
        self.controller.session.set_field(self.cls, self.record_id, self.field, self.new)

    def undo_it(self) -> None:
        self.controller.session.set_field(self.cls, self.record_id, self.field, self.old)


class RowsCommand(_Command):
    """Rows changed together as one step, from a batch planned and checked before it is pushed: an edit and
    the fields that followed it, shares set from the allocations, share moved between two members."""

    def __init__(self, controller, text: str, batch: Batch, initiator=None):
        super().__init__(controller, text, initiator)
        self.batch = batch

    def do(self) -> None:
        self.controller.session.apply_batch(self.batch)

    def undo_it(self) -> None:
        self.controller.session.apply_batch(self.batch, reverse=True)


class AddRecordCommand(_Command):
    def __init__(self, controller, cls: type[Entity], values: dict[str, Any], initiator=None):
        super().__init__(controller, f"Add {cls.label.lower()}", initiator)
        self.cls, self.values = cls, values
        self.entity: Entity | None = None  # as stored, once added
        self.removal: Removal | None = None

    def do_first(self) -> None:
        self.entity, _ = self.controller.session.add(self.cls, self.values)

    def do(self) -> None:
        assert self.removal is not None
        self.controller.session.restore(self.removal)

    def undo_it(self) -> None:
        assert self.entity is not None
        self.removal, _ = self.controller.session.delete(self.cls, self.entity.id)  # type: ignore[arg-type]


class DeleteRecordCommand(_Command):
    def __init__(self, controller, cls: type[Entity], record_id: int, name: str, initiator=None):
        super().__init__(controller, f"Delete {cls.label.lower()} ‘{name}’" if name else f"Delete {cls.label.lower()}",
                         initiator)
        self.cls, self.record_id = cls, record_id
        self.removal: Removal | None = None

    def do(self) -> None:
        self.removal, _ = self.controller.session.delete(self.cls, self.record_id)

    def undo_it(self) -> None:
        assert self.removal is not None
        self.controller.session.restore(self.removal)


class DuplicateOptionCommand(_Command):
    def __init__(self, controller, option_id: int, name: str, initiator=None):
        super().__init__(controller, f"Duplicate option ‘{name}’", initiator)
        self.source_id = option_id
        self.option: ConsortiumOption | None = None  # the copy, once made
        self.removal: Removal | None = None

    def do_first(self) -> None:
        self.option, _ = self.controller.session.duplicate_option(self.source_id)
        self.setText(f"Duplicate option as ‘{self.option.name}’")

    def do(self) -> None:
        assert self.removal is not None
        self.controller.session.restore(self.removal)

    def undo_it(self) -> None:
        assert self.option is not None
        self.removal, _ = self.controller.session.delete(ConsortiumOption, self.option.id)  # type: ignore[arg-type]


class TryStructureCommand(_Command):
    """"Try this structure": the option copied under another structure, with all that belongs to it,
    made in one ``redo()`` (one transaction, one undo step); undo deletes the copy, redo restores it."""

    def __init__(self, controller, option_id: int, structure: Structure, initiator=None):
        super().__init__(controller, f"Try the option as a {structure.label.lower()}", initiator)
        self.source_id, self.structure = option_id, structure
        self.option: ConsortiumOption | None = None  # the copy, once made
        self.removal: Removal | None = None

    def do_first(self) -> None:
        self.option, _ = try_structure(self.controller.session, self.source_id, self.structure)
        self.setText(f"Try {self.structure.label.lower()} as ‘{self.option.name}’")

    def do(self) -> None:
        assert self.removal is not None
        self.controller.session.restore(self.removal)

    def undo_it(self) -> None:
        assert self.option is not None
        self.removal, _ = self.controller.session.delete(ConsortiumOption, self.option.id)  # type: ignore[arg-type]


class BatchCommand(_Command):
    """Rows changed together (the optimiser's allocation); ``volumes`` set the first time, then the batch."""

    def __init__(self, controller, option_id: int, volumes: dict[tuple[int, int], Any], text: str, initiator=None):
        super().__init__(controller, text, initiator)
        self.option_id, self.volumes = option_id, volumes
        self.batch: Batch | None = None

    def do_first(self) -> None:
        self.batch, _ = self.controller.session.replace_allocations(self.option_id, self.volumes)
        if not self.batch:
            self.setObsolete(True)  # nothing changed: nothing to undo

    def do(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch)

    def undo_it(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch, reverse=True)


class SeedRisksCommand(_Command):
    """Refresh an option's risk register from the analyses' findings (``WorkspaceSession.seed_risks``) as one
    step: the first redo plans and writes it, undo and later redo apply the resulting batch (same ids)."""

    def __init__(self, controller, option_id: int, findings: list[Finding], initiator=None):
        super().__init__(controller, "Refresh the risk register from the analyses", initiator)
        self.option_id, self.findings = option_id, findings
        self.batch: Batch | None = None

    def do_first(self) -> None:
        self.batch, _ = self.controller.session.seed_risks(self.option_id, self.findings)
        if not self.batch:
            self.setObsolete(True)  # the register already follows the findings: nothing to undo

    def do(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch)

    def undo_it(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch, reverse=True)


class ImportCommand(_Command):
    """An import from a workbook: the first redo backs up the file and writes the plan in one
    transaction (``apply_import``); undo and later redo apply the resulting batch, so undo removes
    exactly the rows imported (and puts back the rows it updated) and redo restores the same ids.
    """

    def __init__(self, controller: WorkspaceController, plan: ImportPlan, text: str, initiator=None):
        super().__init__(controller, text, initiator)
        self.plan = plan
        self.batch: Batch | None = None

    def do_first(self) -> None:
        try:
            self.batch, _ = apply_import(self.controller.session, self.plan)
        except (ImportRefused, OSError) as exc:
            raise WorkspaceFileError(str(exc)) from exc

    def do(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch)

    def undo_it(self) -> None:
        assert self.batch is not None
        self.controller.session.apply_batch(self.batch, reverse=True)


class WorkspaceController(QObject):
    workspace_changed = Signal(object)  # Changes, with the initiator of the change
    edit_refused = Signal(str)  # a message for a person
    #: an edit (or an undo or redo) is about to be written: views stop what they compute on the version before it
    about_to_change = Signal()
    #: the edit has been written, or refused (a view that stopped its computation for it starts again)
    change_done = Signal()
    #: the longest an edit waits for the computations it stopped to let go of the interpreter
    QUIET_WAIT_S = 0.05

    def __init__(self, session: WorkspaceSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = QUndoStack(self)
        self.last_refusal = ""  # the reason the last edit was refused, for the field that asked
        self._initiator: Any = None
        self._shared: SharedResults | None = None
        self._shared_for: Any = None
        self._computing: set[BackgroundTask] = set()  # the views' background computations (``track``)
        #: works out some findings beside this process (the Risks tab's first figures), started on first use
        self.beside = second_process.SecondProcess() if second_process.usable() else None
        #: an edit (or an undo or redo) is being written and its listeners told, until ``change_done``
        self.editing = False
        session.listeners.append(self._emit)

    def track(self, task: BackgroundTask) -> None:
        """``task`` computes an analysis of the workspace as it is: ``quiet`` waits for it to stop."""
        self._computing = {t for t in self._computing if not t.stopped}
        self._computing.add(task)

    def quiet(self) -> None:
        """Before an edit is written: ask every view to stop computing on the version before it
        (``about_to_change``), and wait a little for those computations to stop.

        Python runs one thread at a time. Each of the edit's database calls lets go of the interpreter
        and then waits for a computing thread to hand it back, up to 5 ms a time (the switch interval): with
        the verdict banner computing on the large workspace, saving one field took 135–240 ms instead of
        6 ms, and the visible tab's new figures waited for it. Stopped at their checkpoints
        (``domain.tasks.checkpoint``), the computations let go within a few milliseconds.

        Their tokens are tripped here, before the views hear of it: a signal to many views is a call into Qt
        and back into Python for each, and each return waits for the interpreter in the same way (about 30 ms
        in all, measured, while a computation held it)."""
        computing = [t for t in self._computing if not t.stopped]
        for task in computing:
            task.cancel()
        deadline = time.perf_counter() + self.QUIET_WAIT_S
        for task in computing:
            task.wait_stopped(deadline - time.perf_counter())
        self._computing = {t for t in computing if not t.stopped}
        self.about_to_change.emit()

    def close(self) -> None:
        """The workspace is closing: end the second process (``beside``), if it was started."""
        if self.beside is not None:
            self.beside.close()

    def shared_results(self) -> SharedResults:
        """The analyses' results shared by the views computing on this version of the workspace (``pipeline.
        sharing``): after every change a new set, holding what the change left as it was (``SharedResults.
        carried``)."""
        if self._shared is None or self._shared_for is not self.session.ws:
            self._shared, self._shared_for = SharedResults(), self.session.ws
        return self._shared

    def _emit(self, changes: Changes) -> None:
        if self._shared is not None:  # what was computed belongs to the workspace before this change: what the
            self._shared = self._shared.carried(changes.entities)  # change touches nothing of is carried over
        if changes.initiator is None and self._initiator is not None:
            changes = dataclasses.replace(changes, initiator=self._initiator)
        self.workspace_changed.emit(changes)

    @contextmanager
    def initiated_by(self, initiator: Any) -> Iterator[None]:
        """Changes made inside carry ``initiator`` (the widget that asked, or the undo stack)."""
        before, self._initiator = self._initiator, initiator
        try:
            yield
        finally:
            self._initiator = before

    @property
    def ws(self):
        return self.session.ws

    def _push(self, command: _Command) -> bool:
        """Push ``command`` (Qt calls its redo(), which makes the change); False, with the reason
        reported, if it was refused."""
        self.undo_stack.push(command)  # an obsolete command (refused, or nothing changed) is not kept
        if command.refusal:
            self.last_refusal = command.refusal
            self.edit_refused.emit(command.refusal)
            return False
        return True

    def _refused(self, exc: Exception) -> None:
        self.last_refusal = str(exc)
        self.edit_refused.emit(str(exc))

    # ------------------------------------------------------------------ edits
    def set_field(self, cls: type[Entity], id_: int, field: str, value: Any, *, initiator: Any = None) -> bool:
        """Change one field (user input or a typed value) as one undo step; False if refused."""
        try:  # checked before anything is pushed, so a refused value leaves the redo history alone
            current, updated = self.session.prepare_set_field(cls, id_, field, value)
        except (ValidationError, WorkspaceFileError) as exc:
            self._refused(exc)
            return False
        if updated == current:
            return True
        followed = [n for n in specs(cls) if n != field and getattr(updated, n) != getattr(current, n)]
        if followed:  # the edit and the fields that follow it (domain.defaults): one step, undone together
            return self._push(RowsCommand(self, f"Change {cls.label.lower()} {specs(cls)[field].label.lower()}",
                                          Batch(before=[current], after=[updated]), initiator))
        return self._push(SetFieldCommand(self, cls, id_, field, getattr(current, field), getattr(updated, field),
                                          initiator))

    def shares_from_allocations(self, option_id: int, *, initiator: Any = None) -> bool:
        """Set every member's participation share from the work allocated, as one undo step."""
        return self._rows("Set shares from allocations", lambda: self.session.plan_shares_from_allocations(option_id),
                          initiator)

    def move_share(self, from_member: int, to_member: int, points: Any, *, initiator: Any = None) -> bool:
        """Move participation between two members in one edit (one undo step)."""
        def plan() -> Batch:
            return self.session.plan_move_share(from_member, to_member, parse_decimal(str(points), what="Share"))
        return self._rows("Move participation share", plan, initiator)

    def _rows(self, text: str, plan: Callable[[], Batch], initiator: Any) -> bool:
        """Plan the rows (refused with the reason before anything is pushed), then push them as one step."""
        try:
            batch = plan()
        except (ValueError, ValidationError, WorkspaceFileError) as exc:  # MoneyError is a ValueError
            self._refused(exc)
            return False
        if not batch:
            return True
        return self._push(RowsCommand(self, text, batch, initiator))

    def add(self, cls: type[Entity], values: dict[str, Any], *, initiator: Any = None) -> Entity | None:
        try:
            self.session.prepare_add(cls, values)
        except (ValidationError, WorkspaceFileError) as exc:
            self._refused(exc)
            return None
        command = AddRecordCommand(self, cls, values, initiator)
        return command.entity if self._push(command) else None

    def delete(self, cls: type[Entity], id_: int, *, initiator: Any = None) -> bool:
        if self.ws.get(cls, id_) is None:
            self.edit_refused.emit(f"{cls.label} no longer exists")
            return False
        return self._push(DeleteRecordCommand(self, cls, id_, self.ws.display_name(cls, id_), initiator))

    def freeze_round(self, tender_id: int, name: str, held_on: Any, attendees: str, decision: str, rationale: str,
                     comparison: Any, *, initiator: Any = None) -> bool:
        """Freeze a workshop round of the tender with its options' figures from ``comparison``: one undo step."""
        return self._rows(f"Freeze round ‘{name.strip()}’", lambda: self.session.plan_freeze_round(
            tender_id, name, held_on, attendees, decision, rationale, comparison), initiator)

    def keep_whatif(self, whatif: Any, name: str, *, initiator: Any = None) -> bool:
        """Keep a live what-if as a new option (and its market drivers as a scenario): one undo step."""
        return self._rows(f"Keep what-if as ‘{name.strip()}’", lambda: self.session.plan_keep_whatif(whatif, name),
                          initiator)

    def duplicate_option(self, option_id: int, *, initiator: Any = None) -> ConsortiumOption | None:
        option = self.ws.get(ConsortiumOption, option_id)
        if option is None:
            self.edit_refused.emit("The consortium option no longer exists")
            return None
        command = DuplicateOptionCommand(self, option_id, option.name, initiator)
        return command.option if self._push(command) else None

    def try_structure(self, option_id: int, structure: Structure, *, initiator: Any = None) -> ConsortiumOption | None:
        """Copy the option under ``structure`` as a new option (one undo step); None if refused."""
        if self.ws.get(ConsortiumOption, option_id) is None:
            self.edit_refused.emit("The consortium option no longer exists")
            return None
        command = TryStructureCommand(self, option_id, structure, initiator)
        return command.option if self._push(command) else None

    def replace_allocations(self, option_id: int, volumes: dict[tuple[int, int], Any], text: str, *,
                            initiator: Any = None) -> bool:
        return self._push(BatchCommand(self, option_id, volumes, text, initiator))

    def seed_risks(self, option_id: int, findings: list[Finding], *, initiator: Any = None) -> Batch | None:
        """Seed or refresh the option's risk register from ``findings`` as one undo step; the batch written
        (empty when the register already follows them), or None if refused."""
        if self.ws.get(ConsortiumOption, option_id) is None:
            self.edit_refused.emit("The consortium option no longer exists")
            return None
        command = SeedRisksCommand(self, option_id, list(findings), initiator)
        return command.batch if self._push(command) else None

    def import_plan(self, plan: ImportPlan, text: str, *, initiator: Any = None) -> str:
        """Import a planned workbook as one undo step; returns '' or why nothing was imported.

        The workspace file is backed up first (``apply_import``); undo removes exactly what came in.
        """
        if self.session.read_only:
            return "the workspace is open read-only"
        if plan.problems:
            return str(ImportRefused(plan.problems))
        if not plan.rows:
            return "every row is already in the workspace as it is"
        command = ImportCommand(self, plan, text, initiator)
        self._push(command)
        return command.refusal

    def set_setting(self, key: str, value: str, *, initiator: Any = None) -> bool:
        """Set a workspace setting (undoable); nothing happens if it already has that value."""
        for row in self.ws.iter(Setting):
            if row.key == key:
                return row.value == value or self.set_field(Setting, row.id, "value", value,  # type: ignore[arg-type]
                                                            initiator=initiator)
        if value == "":
            return True
        return self.add(Setting, {"key": key, "value": value}, initiator=initiator) is not None

    def notify_all(self) -> None:
        """Tell every view to rebuild (after opening a workspace)."""
        self.workspace_changed.emit(Changes(frozenset({"*"}), frozenset(), True))


def touches(changes: Changes, *entity_names: str) -> bool:
    return "*" in changes.entities or changes.touches(*entity_names)
