"""The registry of analyses run for a consortium option.

Each analysis is a pure domain function of ``(workspace, option_id)``. The CLI's ``summary``,
the GUI's screens and the investment case all run them through here, so every surface shows
the same figures. Add an analysis by adding it to ``ANALYSES``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..domain import standing as _standing
from ..domain.validation import ValidationError
from ..domain.workspace import Workspace

Analysis = Callable[[Workspace, int], Any]


def standing(ws: Workspace, option_id: int) -> _standing.StandingResult:
    """Financial standing of each member and of the entity the buyer tests (DOMAIN §2)."""
    return _standing.standing(ws, option_id)


ANALYSES: dict[str, Analysis] = {
    "standing": standing,
}


def run(ws: Workspace, option_id: int, name: str) -> Any:
    return ANALYSES[name](ws, option_id)


def run_all(ws: Workspace, option_id: int) -> dict[str, Any]:
    """Every analysis for one option; an analysis the data cannot support says why instead."""
    out: dict[str, Any] = {}
    for name, fn in ANALYSES.items():
        try:
            out[name] = fn(ws, option_id)
        except ValidationError as exc:
            out[name] = {"error": str(exc)}
    return out
