"""Write investment case PDFs for a workspace file (headless export, ``run-demo`` without a display)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..domain.workspace import Workspace
from ..store.workspace_file import Store
from .case import build_case, slug
from .pdf import render_pdf

__all__ = ["case_file_name", "export_cases", "export_workspace_cases"]


def case_file_name(stem: str, option_name: str) -> str:
    """``<stem>-<option-slug>.pdf``, e.g. ``demo-special-purpose-vehicle.pdf``."""
    return f"{stem}-{slug(option_name)}.pdf"


def export_cases(ws: Workspace, out_dir: str | Path, stem: str, *, option_ids: Iterable[int] | None = None,
                 sections: Iterable[str] | None = None) -> list[Path]:
    """One investment case PDF per option (all options unless ``option_ids``); returns the files written.

    Two options whose names make the same file name (in different tenders) get their id appended.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    wanted = set(option_ids) if option_ids is not None else None
    options = [o for o in ws.options() if wanted is None or o.id in wanted]
    taken: set[str] = set()
    written: list[Path] = []
    for option in options:
        name = case_file_name(stem, option.name)
        if name in taken:
            name = case_file_name(stem, f"{option.name}-{option.id}")
        taken.add(name)
        case = build_case(ws, option.id, sections=sections)  # type: ignore[arg-type]
        written.append(render_pdf(case, out / name))
    return written


def export_workspace_cases(workspace: str | Path, out_dir: str | Path) -> list[Path]:
    """Open a workspace file and write one investment case per option, named after the file."""
    with Store.open(workspace) as store:
        ws = store.load()
    return export_cases(ws, out_dir, Path(workspace).stem)
