"""Write investment case PDFs (and option workbooks) for a workspace file (headless export, ``run-demo``
without a display)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..domain.workspace import Workspace
from ..services.analyses import analyse_option
from ..services.history import AuditEntry, read_history
from ..store.workspace_file import Store, workspace_stem
from .case import build_case, slug
from .pdf import render_pdf
from .workbook import write_option_workbook

__all__ = ["case_file_name", "export_cases", "export_workspace_cases"]


def case_file_name(stem: str, option_name: str) -> str:
    """``<stem>-<option-slug>.pdf``, e.g. ``demo-special-purpose-vehicle.pdf``."""
    return f"{stem}-{slug(option_name)}.pdf"


def export_cases(ws: Workspace, out_dir: str | Path, stem: str, *, option_ids: Iterable[int] | None = None,
                 sections: Iterable[str] | None = None, workbooks: bool = False,
                 history: Sequence[AuditEntry] | None = None) -> list[Path]:
    """One investment case PDF per option (all options unless ``option_ids``); returns the files written.

    With ``workbooks``, each option's workbook (``.xlsx``, live formulas) too, from the same analyses.
    Two options whose names make the same file name (in different tenders) get their id appended.
    ``history``: the audit trail, for each workbook's History sheet.
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
        results = analyse_option(ws, option.id)  # type: ignore[arg-type]  # once, for the PDF and the workbook
        case = build_case(ws, option.id, sections=sections, results=results)  # type: ignore[arg-type]
        written.append(render_pdf(case, out / name))
        if workbooks:
            written.append(write_option_workbook(ws, option.id, (out / name).with_suffix(".xlsx"),  # type: ignore[arg-type]
                                                 results=results, history=history))
    return written


def export_workspace_cases(workspace: str | Path, out_dir: str | Path, *, workbooks: bool = False) -> list[Path]:
    """Open a workspace file and write one investment case per option (and workbook), named after the file."""
    with Store.open(workspace) as store:
        ws, history = store.load(), read_history(store)
    return export_cases(ws, out_dir, workspace_stem(workspace), workbooks=workbooks, history=history)
