"""Headless output for machines without a display (``make run`` on a server or in CI)."""

from __future__ import annotations

import json
from pathlib import Path

from ..store.workspace_file import Store, workspace_stem
from .summary import summary


def export_headless(workspace: str | Path, out_dir: str | Path) -> list[Path]:
    """Write what a person would otherwise look at in the GUI; returns the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with Store.open(workspace) as store:
        ws = store.load()
    written: list[Path] = []
    target = out / f"{workspace_stem(workspace)}-summary.json"
    target.write_text(json.dumps(summary(ws), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    written.append(target)
    return written
