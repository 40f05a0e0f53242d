"""A form for one row: an editor per field, each committing through the controller (undoable)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..domain.fields import MAX_LONGTEXT, FieldSpec, Kind, field_tooltip, specs
from ..domain.model import ENTITY_BY_NAME, Entity
from ..services.glossary import lookup
from .controller import WorkspaceController, touches
from .delegates import RefChoices, choice_labels
from .formatting import display, edit_text


class _NotesEdit(QPlainTextEdit):
    """Multi-line text that commits when focus leaves."""

    def __init__(self, on_commit, parent=None):
        super().__init__(parent)
        self.on_commit = on_commit
        self.setTabChangesFocus(True)
        self.setFixedHeight(80)
        self.setPlaceholderText(f"Up to {MAX_LONGTEXT:,} characters (about 3,000 words)")
        self.setToolTip(f"Up to {MAX_LONGTEXT:,} characters: longer text is refused with a message")

    def focusOutEvent(self, event) -> None:
        self.on_commit()
        super().focusOutEvent(event)


REFUSED_INK = "#B42318"


class RecordForm(QScrollArea):
    """Shows and edits the fields of one entity; ``set_record(id)`` chooses which."""

    def __init__(self, controller: WorkspaceController, cls: type[Entity], fields: list[str] | None = None,
                 ref_choices: RefChoices | None = None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.cls = cls
        self.fields = fields or [n for n in specs(cls) if n != "id" and specs(cls)[n].kind is not Kind.REF
                                 or (specs(cls)[n].kind is Kind.REF and not specs(cls)[n].cascade)]
        self.ref_choices = ref_choices
        self.record_id: int | None = None
        self.editors: dict[str, QWidget] = {}
        self.refusals: dict[str, QLabel] = {}  # field → the explanation shown under it while a value is refused
        self._loading = False
        body = QWidget()
        outer = QVBoxLayout(body)
        self.layout_ = QFormLayout()
        outer.addLayout(self.layout_)
        outer.addStretch(1)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout_.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.layout_.setFormAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        for name in self.fields:
            spec = specs(cls)[name]
            editor = self._make_editor(name, spec)
            label = QLabel(spec.label + (f" ({spec.unit})" if spec.unit == "£" else ""))
            tip = field_tooltip(cls, name)
            if tip and not editor.toolTip():
                label.setToolTip(tip)
                editor.setToolTip(tip)
            self.layout_.addRow(label, editor)
            self.editors[name] = editor
            if isinstance(editor, QLineEdit | QPlainTextEdit):  # a refused value is explained beside its field
                why = QLabel()
                why.setWordWrap(True)
                why.setStyleSheet(f"color: {REFUSED_INK};")
                self.layout_.addRow("", why)
                self.layout_.setRowVisible(why, False)
                self.refusals[name] = why
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        controller.workspace_changed.connect(self._on_changed)
        self.set_record(None)

    # ------------------------------------------------------------------ editors
    def _make_editor(self, name: str, spec: FieldSpec) -> QWidget:
        if spec.kind is Kind.BOOL:
            box = QCheckBox()
            box.toggled.connect(lambda checked, n=name: self._commit(n, checked))
            return box
        if spec.kind is Kind.CHOICE:
            combo = QComboBox()
            combo.addItems(choice_labels(spec))
            for i in range(combo.count()):  # each choice explained where it is chosen (a structure, a scheme…)
                term = lookup(combo.itemText(i))
                if term is not None:
                    combo.setItemData(i, term.text, Qt.ItemDataRole.ToolTipRole)
            combo.activated.connect(lambda _i, n=name, c=combo: self._commit(n, c.currentText()))
            return combo
        if spec.kind is Kind.REF:
            combo = QComboBox()
            combo.activated.connect(lambda _i, n=name, c=combo: self._commit(n, c.currentData()))
            return combo
        if spec.kind is Kind.LONGTEXT:
            edit = _NotesEdit(lambda n=name: self._commit_text(n))
            return edit
        line = QLineEdit()
        line.setPlaceholderText("DD/MM/YYYY" if spec.kind is Kind.DATE else "")
        if spec.kind in (Kind.MONEY, Kind.DECIMAL, Kind.PERCENT, Kind.INT):
            line.setAlignment(Qt.AlignmentFlag.AlignRight)
            line.setMaximumWidth(220)
        line.editingFinished.connect(lambda n=name: self._commit_text(n))
        return line

    def _commit_text(self, name: str) -> None:
        editor = self.editors[name]
        text = editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()  # type: ignore[attr-defined]
        self._commit(name, text)

    def _commit(self, name: str, value) -> None:
        if self._loading or self.record_id is None:
            return
        current = self.controller.ws.get(self.cls, self.record_id)
        if current is None:
            return
        spec = specs(self.cls)[name]
        if isinstance(value, str) and value == edit_text(spec, getattr(current, name)):
            self._show(current)  # unchanged text: just tidy the display
            return
        editor = self.editors[name]
        if self.controller.set_field(self.cls, self.record_id, name, value, initiator=self):
            self._clear_refusal(name)
        elif name in self.refusals:  # refused: keep what was typed, mark the field and say why beside it
            editor.setStyleSheet(f"border: 2px solid {REFUSED_INK};")
            why = self.refusals[name]
            why.setText(self.controller.last_refusal)
            self.layout_.setRowVisible(why, True)
        else:
            self._show(current)  # a list or a box: put the stored choice back

    def _clear_refusal(self, name: str) -> None:
        if name in self.refusals and self.layout_.isRowVisible(self.refusals[name]):
            self.editors[name].setStyleSheet("")
            self.layout_.setRowVisible(self.refusals[name], False)

    # ------------------------------------------------------------------ showing
    def set_record(self, id_: int | None) -> None:
        if id_ != self.record_id:
            for name in self.refusals:  # another record: what was refused for the last one no longer applies
                self._clear_refusal(name)
        self.record_id = id_
        entity = self.controller.ws.get(self.cls, id_) if id_ is not None else None
        self.setEnabled(entity is not None)
        self._show(entity)

    def _on_changed(self, changes) -> None:
        if self.record_id is None:
            return
        if touches(changes, self.cls.entity_name, "organisation", "tender"):
            entity = self.controller.ws.get(self.cls, self.record_id)
            if entity is None:
                self.set_record(None)
            else:
                self._show(entity)

    def _show(self, entity: Entity | None) -> None:
        self._loading = True
        try:
            read_only = self.controller.session.store.read_only
            for name, editor in self.editors.items():
                spec = specs(self.cls)[name]
                value = getattr(entity, name) if entity is not None else None
                editor.setEnabled(not read_only)
                if isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QComboBox) and spec.kind is Kind.REF:
                    editor.clear()
                    for id_, label in (self.ref_choices(name, entity) if self.ref_choices else []):
                        editor.addItem(label, id_)
                    editor.setCurrentIndex(max(editor.findData(value), 0))
                elif isinstance(editor, QComboBox):
                    editor.setCurrentText(display(spec, value) if value is not None else "")
                elif name in self.refusals and self.layout_.isRowVisible(self.refusals[name]):
                    continue  # a refused value stays as typed until it is fixed (or another record is shown)
                elif isinstance(editor, QPlainTextEdit):
                    if editor.toPlainText() != (value or ""):
                        editor.setPlainText(value or "")
                elif isinstance(editor, QLineEdit):
                    editor.setText(self._line_text(spec, value))
        finally:
            self._loading = False

    @staticmethod
    def _line_text(spec: FieldSpec, value) -> str:
        if value is None:
            return ""
        if spec.kind in (Kind.MONEY, Kind.PERCENT, Kind.DECIMAL, Kind.INT):
            return display(spec, value)
        return edit_text(spec, value)

    def ref_entity(self, name: str) -> type[Entity]:
        return ENTITY_BY_NAME[specs(self.cls)[name].ref]  # type: ignore[index]
