"""Editors by field kind: text boxes that parse en-GB numbers and pounds to Decimal (never a
float spin box), lists for choices and references, DD/MM/YYYY dates."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyledItemDelegate, QWidget

from ..domain.fields import FieldSpec, Kind
from ..domain.model import Entity
from .roles import SPEC_ROLE, VALUE_ROLE

RefChoices = Callable[[str, Entity | None], list[tuple[int | None, str]]]

PLACEHOLDERS = {
    Kind.MONEY: "£0.00",
    Kind.PERCENT: "0%",
    Kind.DECIMAL: "0",
    Kind.INT: "0",
    Kind.DATE: "DD/MM/YYYY",
}


def choice_labels(spec: FieldSpec) -> list[str]:
    assert spec.choices is not None
    return [getattr(m, "label", str(m.value)) for m in spec.choices]


class FieldDelegate(QStyledItemDelegate):
    def __init__(self, ref_choices: RefChoices | None = None, parent=None):
        super().__init__(parent)
        self.ref_choices = ref_choices

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:
        spec: FieldSpec = index.data(SPEC_ROLE)
        if spec.kind is Kind.CHOICE:
            box = QComboBox(parent)
            box.addItems(choice_labels(spec))
            return box
        if spec.kind is Kind.REF:
            box = QComboBox(parent)
            model = index.model()
            row = model.entity_at(index.row()) if hasattr(model, "entity_at") else None
            column = model.columns[index.column()] if hasattr(model, "columns") else ""
            for id_, name in (self.ref_choices(column, row) if self.ref_choices else []):
                box.addItem(name, id_)
            return box
        edit = QLineEdit(parent)
        edit.setPlaceholderText(PLACEHOLDERS.get(spec.kind, ""))
        if spec.kind in (Kind.MONEY, Kind.DECIMAL, Kind.PERCENT, Kind.INT):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        return edit

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            spec: FieldSpec = index.data(SPEC_ROLE)
            if spec.kind is Kind.REF:
                pos = editor.findData(index.data(VALUE_ROLE))
                editor.setCurrentIndex(max(pos, 0))
            else:
                editor.setCurrentText(index.data(Qt.ItemDataRole.EditRole))
            return
        if isinstance(editor, QLineEdit):
            editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")
            editor.selectAll()

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:
        if isinstance(editor, QComboBox):
            spec: FieldSpec = index.data(SPEC_ROLE)
            value = editor.currentData() if spec.kind is Kind.REF else editor.currentText()
            model.setData(index, value, Qt.ItemDataRole.EditRole)
            return
        if isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
