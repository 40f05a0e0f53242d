"""Model sheet "Model standing" (being written)."""

from __future__ import annotations

from .xlsx_model import Model


def plan(model: Model) -> None:
    return None


def write(model: Model) -> None:
    return None


SECTION = (plan, write)
