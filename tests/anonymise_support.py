"""Scanning a workspace file for names (the anonymisation tests of issue 19)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from consortium_planner.domain.model import Competitor, Organisation, Requirement, Risk, Tender, TupeCohort


def every_text(path: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) for every text value in every table of the SQLite file."""
    out = []
    con = sqlite3.connect(path)
    try:
        for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            for row in con.execute(f'SELECT * FROM "{table}"'):
                out += [(table, c, v) for c, v in zip(cols, row, strict=True) if isinstance(v, str) and v]
    finally:
        con.close()
    return out


def source_names(ws) -> set[str]:
    names = {o.name for o in ws.iter(Organisation)} | {t.name for t in ws.iter(Tender)}
    names |= {t.buyer for t in ws.iter(Tender)} | {c.name for c in ws.iter(Competitor)}
    names |= {r.area for r in ws.iter(Requirement)} | {t.current_employer for t in ws.iter(TupeCohort)}
    names |= {r.owner for r in ws.iter(Risk)}
    return {n for n in names if n.strip()}


def assert_no_name(path: Path, names) -> int:
    texts = every_text(path)
    raw = Path(path).read_bytes().decode("utf-8", "ignore")
    assert texts, "the scan read nothing"
    for name in names:
        rx = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)
        hits = [(t, c, v[:60]) for t, c, v in texts if rx.search(v)]
        assert not hits, f"{name!r} survives in {hits[:3]}"
        # nor anywhere in the file's bytes (free pages, indexes): the whole file, read as text
        assert not rx.search(raw), f"{name!r} survives in the file's bytes"
    return len(texts)
