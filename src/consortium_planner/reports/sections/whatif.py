"""The live what-if's table (issue 19): each figure as the option stands, with the what-if, and the change.

Pure (no Qt): the GUI's What-if panel shows it through the document table, as every other table.
Green: the change is better by the figure's own direction (Compare's); red: worse.
"""

from __future__ import annotations

from decimal import Decimal

from ...services.compare import ROW_BY_KEY, ValueKind
from ...services.whatif import WhatIfOutcome, WhatIfRow
from ..document import Cell, Column, Kind, Status, Table, format_value
from .compare import value_kind

__all__ = ["whatif_table"]


def _change(r: WhatIfRow, kind: Kind, places: int) -> Cell:
    if r.change is None:
        changed = r.base != r.after
        text = "lost" if r.after is None and r.base is not None else "changed" if changed else ""
        return Cell(text, Status.RED if r.better is False else Status.GREEN if r.better else None,
                    note=r.after_note if r.after is None else "" if not changed else f"was {r.base}")
    if r.change == 0:
        return Cell("–", note="no change")
    sign = "+" if r.change > 0 else "\u2212"
    text = sign + format_value(abs(r.change), kind, places)
    status = Status.GREEN if r.better else Status.RED if r.better is False else None
    return Cell(r.change, status, kind, places, text=text)


def _value(v: object, kind: Kind, places: int, note: str = "") -> Cell:
    if v is None or isinstance(v, str):
        return Cell(v, note=note)
    return Cell(Decimal(v), kind=kind, places=places, note=note)  # type: ignore[arg-type]


def whatif_table(outcome: WhatIfOutcome, *, only_changed: bool = False) -> Table:
    """Figure | Change | What-if | As it stands: worse first, then better, then the rest, each in the Compare
    page's order (``only_changed``: the rows that move)."""
    rows: list[tuple[Cell, ...]] = []
    # the worst news first: what gets worse, then what gets better, then the rest (Compare's order within)
    ordered = sorted(outcome.rows, key=lambda r: 0 if r.better is False else 1 if r.better else 2)
    for r in ordered:
        if only_changed and r.base == r.after:
            continue
        spec = ROW_BY_KEY[r.key.split(": ", 1)[0]]
        kind = value_kind(spec)
        places = spec.places
        label = r.label + (" (×)" if r.kind is ValueKind.RATIO else "")
        rows.append((Cell(label, note=spec.note, bold=r.change not in (None, 0) or r.base != r.after),
                     _change(r, kind, places), _value(r.after, kind, places, r.after_note),
                     _value(r.base, kind, places, r.base_note)))
    # the change next to the name: in a narrow pane it is the column that must not scroll out of sight
    return Table("whatif", (Column("Figure"), Column("Change", Kind.NUMBER), Column("What-if", Kind.NUMBER),
                            Column("As it stands", Kind.NUMBER)), tuple(rows),
                 title=f"What-if: {outcome.description}")
