"""What the user chose for an option's investment case, as stored in the workspace."""

from __future__ import annotations

from ..domain.workspace import Workspace
from .case import SECTIONS

SECTIONS_KEY = "case.{option_id}.sections"


def sections_key(option_id: int) -> str:
    """The Setting key holding an option's chosen sections, comma-separated."""
    return SECTIONS_KEY.format(option_id=option_id)


def chosen_sections(ws: Workspace, option_id: int) -> list[str]:
    """The sections saved for this option, in document order (all of them if none were chosen)."""
    text = ws.setting(sections_key(option_id), "")
    picked = {s.strip() for s in text.split(",")}
    chosen = [k for k, _ in SECTIONS if k in picked]
    return chosen or [k for k, _ in SECTIONS]
