"""Live what-if (issue 19): the option's figures before and after a ``domain.whatif.WhatIf``.

Both sides are the Compare page's figures (``services.compare``: the same rows, the same analyses,
``KEY_ANALYSES``), so a what-if figure is the figure the option would show if the changes were made.
``keep_plan`` turns a what-if into rows to store as a new option (one undoable batch).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..domain import whatif as _whatif
from ..domain.model import (
    CapitalItem,
    ConsortiumOption,
    Entity,
    FundingSource,
    Member,
    Scenario,
)
from ..domain.tasks import NEVER, CancelToken
from ..domain.workspace import Workspace
from .compare import KEY_ANALYSES, ROWS, Direction, OptionFigures, RowSpec, ValueKind, option_figures
from .pipeline import Results, run

__all__ = ["WhatIfOutcome", "WhatIfRow", "keep_plan", "whatif_outcome"]


@dataclass(frozen=True, slots=True)
class WhatIfRow:
    """One figure: as the option stands, with the what-if, the change (numbers only) and whether it is better."""

    key: str  # the Compare row's key, with ": name" for a breakdown's part
    label: str
    kind: ValueKind
    base: Any
    after: Any
    change: Decimal | None
    better: bool | None  # None: no direction, no change, or not comparable
    base_note: str = ""  # why a figure is missing, or what it means (Compare's notes)
    after_note: str = ""


@dataclass(frozen=True, slots=True)
class WhatIfOutcome:
    whatif: _whatif.WhatIf
    description: str
    base: OptionFigures
    after: OptionFigures
    rows: tuple[WhatIfRow, ...]

    def row(self, key: str) -> WhatIfRow:
        return next(r for r in self.rows if r.key == key)


def _number(v: Any) -> Decimal | None:
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, int | Decimal):
        return Decimal(v)
    return None


def _row(spec: RowSpec, key: str, label: str, base: Any, after: Any, notes: tuple[str, str] = ("", "")) -> WhatIfRow:
    change = None
    b, a = _number(base), _number(after)
    if b is not None and a is not None:
        change = a - b
    better = None
    if change:
        if spec.direction is Direction.HIGHER:
            better = change > 0
        elif spec.direction is Direction.LOWER:
            better = change < 0
    elif spec.order and base != after and base is not None and after is not None:  # ordered text: Low < High
        ob, oa = spec.order.get(str(base)), spec.order.get(str(after))
        if ob is not None and oa is not None and spec.direction is not Direction.NONE:
            better = (oa > ob) == (spec.direction is Direction.HIGHER)
    elif base is not None and after is None and spec.direction is not Direction.NONE:
        better = False  # a figure lost (a bid no longer scored, a return no longer reached) is worse
    return WhatIfRow(key, label, spec.kind, base, after, change, better, *notes)


def _rows(base: OptionFigures, after: OptionFigures) -> tuple[WhatIfRow, ...]:
    out: list[WhatIfRow] = []
    for spec in ROWS:
        b, a = base.values.get(spec.key), after.values.get(spec.key)
        if spec.breakdown:
            bm: Mapping[str, Any] = b or {}
            am: Mapping[str, Any] = a or {}
            for name in list(bm) + [n for n in am if n not in bm]:
                out.append(_row(spec, f"{spec.key}: {name}", f"{spec.label}: {name}", bm.get(name), am.get(name)))
        else:
            out.append(_row(spec, spec.key, spec.label, b, a,
                            (base.notes.get(spec.key, ""), after.notes.get(spec.key, ""))))
    return tuple(out)


def whatif_outcome(ws: Workspace, w: _whatif.WhatIf, *, base: Results | None = None,
                   cancelled: CancelToken = NEVER) -> WhatIfOutcome:
    """The option's figures as it stands (``base``: its results when the caller has them) and with ``w``.

    ``ValueError`` naming the change that cannot be made; ``ws`` is not changed.
    """
    _whatif.check(ws, w)
    base_results = base if base is not None else run(ws, w.option_id, KEY_ANALYSES, cancelled=cancelled)
    base_figures = option_figures(ws, w.option_id, base_results)
    if w.is_empty(ws):
        after_figures = base_figures
    else:
        scratch = _whatif.apply(ws, w)
        after_figures = option_figures(scratch, w.option_id, run(scratch, w.option_id, KEY_ANALYSES,
                                                                 cancelled=cancelled))
    return WhatIfOutcome(w, w.describe(ws), base_figures, after_figures, _rows(base_figures, after_figures))


def keep_plan(ws: Workspace, w: _whatif.WhatIf, name: str, next_id: Callable[[type[Entity]], int]) -> list[Entity]:
    """The rows that keep ``w`` as a new option called ``name``, parents first, with ids from ``next_id``.

    The new option is a copy of the option (its members, allocations, funding sources and one-off
    costs) with the option's changes made: margin, the share moved, the loans' amounts. The market
    drivers (volume, pay uplift, payment terms) belong to the tender, not to an option: they are kept
    as a named scenario, to apply to any option on the Compare page.
    """
    _whatif.check(ws, w)
    option = ws.get(ConsortiumOption, w.option_id)
    assert option is not None
    if not name.strip():
        raise ValueError("give the new option a name")
    if name.strip().casefold() in {o.name.casefold() for o in ws.options(option.tender_id)}:
        raise ValueError(f"the tender already has an option called ‘{name.strip()}’")
    changed: dict[tuple[type, int | None], Entity] = {(type(r), r.id): r for r in _whatif.option_rows(ws, w)}

    def changed_or(row: Entity) -> Entity:
        return changed.get((type(row), row.id), row)

    ids: dict[type[Entity], int] = {}

    def new_id(cls: type[Entity]) -> int:
        ids[cls] = ids.get(cls, next_id(cls) - 1) + 1
        return ids[cls]

    out: list[Entity] = []
    base_option = changed_or(option)
    assert isinstance(base_option, ConsortiumOption)
    new_option = dataclasses.replace(base_option, id=new_id(ConsortiumOption), name=name.strip())
    out.append(new_option)
    member_map: dict[int | None, int] = {}
    for m in sorted(ws.members(option.id), key=lambda m: m.id or 0):
        src_member = changed_or(m)
        assert isinstance(src_member, Member)
        nm = dataclasses.replace(src_member, id=new_id(Member), option_id=new_option.id)
        member_map[m.id] = ids[Member]  # the id just given
        out.append(nm)
    for a in sorted(ws.allocations(option.id), key=lambda a: a.id or 0):
        out.append(dataclasses.replace(a, id=new_id(type(a)), option_id=new_option.id,
                                       member_id=member_map.get(a.member_id)))
    for s in sorted(ws.by(FundingSource, "option_id", option.id), key=lambda s: s.id or 0):
        src = changed_or(s)
        assert isinstance(src, FundingSource)
        out.append(dataclasses.replace(src, id=new_id(FundingSource), option_id=new_option.id,
                                       member_id=member_map.get(src.member_id) if src.member_id is not None else None))
    for c in sorted(ws.by(CapitalItem, "option_id", option.id), key=lambda c: c.id or 0):
        out.append(dataclasses.replace(c, id=new_id(CapitalItem), option_id=new_option.id))
    market = w.market()
    if not market.is_empty():
        taken = {s.name.casefold() for s in ws.all(Scenario)}
        base_name = f"What-if: {market.describe()}"[:200]
        scen_name, n = base_name, 2
        while scen_name.casefold() in taken:
            scen_name, n = f"{base_name} ({n})", n + 1
        out.append(Scenario(id=new_id(Scenario), name=scen_name,
                            notes=f"Kept from the what-if that made ‘{name.strip()}’: {w.describe(ws)}.",
                            **{d.name: getattr(market, d.name) for d, _v in market.changes()}))
    return out
