"""The GUI's handle on an open workspace: every edit goes through here as an undo command.

Each command performs its change when first pushed (through the session, which validates and
saves it in one transaction) and stores ids and old/new values, never a QModelIndex. A refused
edit is reported through ``edit_refused`` and nothing is pushed. Views listen to
``workspace_changed`` and refresh only what the ``Changes`` record names.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from ..domain.fields import specs
from ..domain.model import ConsortiumOption, Entity
from ..services.importing import ImportPlan, ImportRefused, apply_import
from ..services.session import Batch, Changes, Removal, ValidationError, WorkspaceFileError, WorkspaceSession


class _Command(QUndoCommand):
    """Base: the first redo() is skipped because the change was already made when pushed.

    Never name an attribute ``id``: it would shadow QUndoCommand.id(), which Qt calls when a
    command is pushed, and crash the program.
    """

    def __init__(self, controller: WorkspaceController, text: str):
        super().__init__(text)
        self.controller = controller
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.controller._guard(self.do)

    def undo(self) -> None:
        self.controller._guard(self.undo_it)

    def do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def undo_it(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SetFieldCommand(_Command):
    def __init__(self, controller, cls: type[Entity], id_: int, field: str, old: Any, new: Any):
        label = specs(cls)[field].label
        super().__init__(controller, f"Change {cls.label.lower()} {label.lower()}")
        self.cls, self.record_id, self.field, self.old, self.new = cls, id_, field, old, new

    def do(self) -> None:
        self.controller.session.set_field(self.cls, self.record_id, self.field, self.new)

    def undo_it(self) -> None:
        self.controller.session.set_field(self.cls, self.record_id, self.field, self.old)


class AddRecordCommand(_Command):
    def __init__(self, controller, entity: Entity):
        super().__init__(controller, f"Add {type(entity).label.lower()}")
        self.entity = entity
        self.removal: Removal | None = None

    def do(self) -> None:
        assert self.removal is not None
        self.controller.session.restore(self.removal)

    def undo_it(self) -> None:
        self.removal, _ = self.controller.session.delete(type(self.entity), self.entity.id)  # type: ignore[arg-type]


class DeleteRecordCommand(_Command):
    def __init__(self, controller, cls: type[Entity], removal: Removal, name: str):
        super().__init__(controller, f"Delete {cls.label.lower()} ‘{name}’" if name else f"Delete {cls.label.lower()}")
        self.cls, self.removal = cls, removal
        self.record_id = removal.rows[0].id

    def do(self) -> None:
        self.removal, _ = self.controller.session.delete(self.cls, self.record_id)  # type: ignore[arg-type]

    def undo_it(self) -> None:
        self.controller.session.restore(self.removal)


class DuplicateOptionCommand(_Command):
    def __init__(self, controller, option: ConsortiumOption):
        super().__init__(controller, f"Duplicate option as ‘{option.name}’")
        self.option = option
        self.removal: Removal | None = None

    def do(self) -> None:
        assert self.removal is not None
        self.controller.session.restore(self.removal)

    def undo_it(self) -> None:
        self.removal, _ = self.controller.session.delete(ConsortiumOption, self.option.id)  # type: ignore[arg-type]


class BatchCommand(_Command):
    def __init__(self, controller, batch: Batch, text: str):
        super().__init__(controller, text)
        self.batch = batch

    def do(self) -> None:
        self.controller.session.apply_batch(self.batch)

    def undo_it(self) -> None:
        self.controller.session.apply_batch(self.batch, reverse=True)


class ImportCommand(QUndoCommand):
    """An import from a workbook: the first redo backs up the file and writes the plan in one
    transaction (``apply_import``); undo and later redo apply the resulting batch, so undo removes
    exactly the rows imported (and puts back the rows it updated) and redo restores the same ids.

    If the first redo is refused the command makes itself obsolete, so Qt drops it from the stack.
    """

    def __init__(self, controller: WorkspaceController, plan: ImportPlan, text: str):
        super().__init__(text)
        self.controller = controller
        self.plan = plan
        self.batch: Batch | None = None

    def redo(self) -> None:
        session = self.controller.session
        if self.batch is None:
            try:
                self.batch, _ = apply_import(session, self.plan)
            except (ImportRefused, ValidationError, WorkspaceFileError, OSError) as exc:
                self.controller._import_refusal = str(exc)
                self.setObsolete(True)
            return
        batch = self.batch
        self.controller._guard(lambda: session.apply_batch(batch))

    def undo(self) -> None:
        session, batch = self.controller.session, self.batch
        if batch is not None:
            self.controller._guard(lambda: session.apply_batch(batch, reverse=True))


class WorkspaceController(QObject):
    workspace_changed = Signal(object)  # Changes
    edit_refused = Signal(str)  # a message for a person

    def __init__(self, session: WorkspaceSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.undo_stack = QUndoStack(self)
        self._import_refusal = ""
        session.listeners.append(self.workspace_changed.emit)

    def _push(self, command: QUndoCommand) -> None:
        self.undo_stack.push(command)

    @property
    def ws(self):
        return self.session.ws

    def _guard(self, fn, *args) -> Any:
        try:
            return fn(*args)
        except (ValidationError, WorkspaceFileError) as exc:
            self.edit_refused.emit(str(exc))
            return None

    # ------------------------------------------------------------------ edits
    def set_field(self, cls: type[Entity], id_: int, field: str, value: Any) -> bool:
        current = self.ws.get(cls, id_)
        if current is None:
            self.edit_refused.emit(f"{cls.label} no longer exists")
            return False
        old = getattr(current, field)
        changes = self._guard(self.session.set_field, cls, id_, field, value)
        if changes is None:
            return False
        new = getattr(self.ws.get(cls, id_), field)
        if changes.rows:
            self._push(SetFieldCommand(self, cls, id_, field, old, new))
        return True

    def add(self, cls: type[Entity], values: dict[str, Any]) -> Entity | None:
        result = self._guard(self.session.add, cls, values)
        if result is None:
            return None
        entity, _ = result
        self._push(AddRecordCommand(self, entity))
        return entity

    def delete(self, cls: type[Entity], id_: int) -> bool:
        name = self.ws.display_name(cls, id_)
        result = self._guard(self.session.delete, cls, id_)
        if result is None:
            return False
        removal, _ = result
        self._push(DeleteRecordCommand(self, cls, removal, name))
        return True

    def duplicate_option(self, option_id: int) -> ConsortiumOption | None:
        result = self._guard(self.session.duplicate_option, option_id)
        if result is None:
            return None
        option, _ = result
        self._push(DuplicateOptionCommand(self, option))
        return option

    def replace_allocations(self, option_id: int, volumes: dict[tuple[int, int], Any], text: str) -> bool:
        result = self._guard(self.session.replace_allocations, option_id, volumes)
        if result is None:
            return False
        batch, _ = result
        if batch:
            self._push(BatchCommand(self, batch, text))
        return True

    def import_plan(self, plan: ImportPlan, text: str) -> str:
        """Import a planned workbook as one undo step; returns '' or why nothing was imported.

        The workspace file is backed up first (``apply_import``); undo removes exactly what came in.
        """
        if self.session.read_only:
            return "the workspace is open read-only"
        if plan.problems:
            return str(ImportRefused(plan.problems))
        if not plan.rows:
            return "every row is already in the workspace as it is"
        self._import_refusal = ""
        self._push(ImportCommand(self, plan, text))  # Qt calls redo(), which writes the plan
        refusal, self._import_refusal = self._import_refusal, ""
        if refusal:
            self.edit_refused.emit(refusal)
        return refusal

    def set_setting(self, key: str, value: str) -> bool:
        """Set a workspace setting (undoable); nothing happens if it already has that value."""
        from ..domain.model import Setting

        for row in self.ws.iter(Setting):
            if row.key == key:
                return row.value == value or self.set_field(Setting, row.id, "value", value)  # type: ignore[arg-type]
        if value == "":
            return True
        return self.add(Setting, {"key": key, "value": value}) is not None

    def notify_all(self) -> None:
        """Tell every view to rebuild (after opening a workspace)."""
        self.workspace_changed.emit(Changes(frozenset({"*"}), frozenset(), True))


def touches(changes: Changes, *entity_names: str) -> bool:
    return "*" in changes.entities or changes.touches(*entity_names)
