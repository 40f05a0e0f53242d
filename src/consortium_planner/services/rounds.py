"""Rounds and decisions (issue 19): a workshop round frozen, listed, and compared with now or another round.

Freezing a round stores (``domain.model.DecisionRound``) what was decided, by whom and why, and each of
the tender's options' figures as the Compare page computed them then (``RoundFigure``: the Compare
row's key, a breakdown's part after ``": "``, and the value as exact text). A frozen round is read only:
the program offers no edit, and a later change to the options leaves it as it was. Differences are per
option and figure: before, after and the change for numbers; options added or dropped since are shown
as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..domain.model import DecisionRound, Entity, RoundFigure, Tender
from ..domain.tasks import NEVER, CancelToken
from ..domain.workspace import Workspace
from .compare import ROW_BY_KEY, ROWS, Comparison, Direction, OptionFigures, ValueKind, compare

__all__ = ["RoundDiff", "diff", "figures_now", "flatten", "freeze_rows", "now_by_tender", "round_figures", "rounds_json",
           "tender_rounds"]

NOW = "now"

Figures = dict[str, dict[str, str]]  # option name → figure key → value text ("" not available)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal | int):
        return str(value)
    return str(value)


def flatten(o: OptionFigures) -> dict[str, str]:
    """An option's figures as ``{key: text}``: every Compare row, and each part of a breakdown."""
    out: dict[str, str] = {}
    for spec in ROWS:
        v = o.values.get(spec.key)
        if spec.breakdown:
            for name, part in (v or {}).items():
                out[f"{spec.key}: {name}"] = _text(part)
        else:
            out[spec.key] = _text(v)
    return out


def figures_now(comparison: Comparison) -> Figures:
    return {o.name: flatten(o) for o in comparison.options}


def freeze_rows(ws: Workspace, tender_id: int, name: str, held_on: dt.date, attendees: str, decision: str,
                rationale: str, comparison: Comparison, next_id: Callable[[type[Entity]], int],
                frozen_at: dt.datetime | None = None) -> list[Entity]:
    """The rows that freeze a round of ``tender_id`` (its options' figures from ``comparison``), ids assigned."""
    if ws.get(Tender, tender_id) is None:
        raise ValueError(f"no tender with id {tender_id}")
    if comparison.tender_id != tender_id:
        raise ValueError("the comparison is of another tender")
    name = name.strip()
    if not name:
        raise ValueError("give the round a name")
    if name.casefold() in {r.name.casefold() for r in tender_rounds(ws, tender_id)}:
        raise ValueError(f"the tender already has a round called ‘{name}’")
    at = (frozen_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    rid = next_id(DecisionRound)
    rows: list[Entity] = [DecisionRound(id=rid, tender_id=tender_id, name=name, held_on=held_on,
                                        frozen_at=at.isoformat(), attendees=attendees.strip(),
                                        decision=decision.strip(), rationale=rationale.strip())]
    fid = next_id(RoundFigure)
    for option, values in figures_now(comparison).items():
        for key_, value in values.items():
            rows.append(RoundFigure(id=fid, round_id=rid, option_name=option, figure=key_, value=value))
            fid += 1
    return rows


def tender_rounds(ws: Workspace, tender_id: int | None = None) -> list[DecisionRound]:
    """The rounds (of one tender), oldest first."""
    rounds = ws.all(DecisionRound) if tender_id is None else ws.children(DecisionRound, tender_id)
    return sorted(rounds, key=lambda r: (r.held_on or dt.date.min, r.frozen_at, r.id or 0))


def round_figures(ws: Workspace, round_id: int) -> Figures:
    out: Figures = {}
    for f in sorted(ws.children(RoundFigure, round_id), key=lambda f: f.id or 0):
        out.setdefault(f.option_name, {})[f.figure] = f.value
    return out


@dataclass(frozen=True, slots=True)
class RoundDiff:
    """One option's figure in two states (a round, or now): before, after, the change and whether it is better."""

    option: str
    key: str
    label: str
    kind: ValueKind
    before: str  # as stored ("" not available; the option may not exist then)
    after: str
    change: Decimal | None
    better: bool | None
    status: str = ""  # "added" / "dropped" for an option only in one of the two


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text not in ("", "yes", "no") else None
    except InvalidOperation:
        return None


def diff(before: Figures, after: Figures, *, only_changed: bool = True) -> list[RoundDiff]:
    """Per option (in ``after``'s order, then those dropped) and figure (Compare's order): what moved."""
    out: list[RoundDiff] = []
    options = list(after) + [o for o in before if o not in after]
    for option in options:
        b, a = before.get(option), after.get(option)
        status = "added" if b is None else "dropped" if a is None else ""
        b, a = b or {}, a or {}
        keys = list(a) + [k for k in b if k not in a]
        for key_ in keys:
            spec = ROW_BY_KEY.get(key_.split(": ", 1)[0])
            if spec is None:
                continue
            bt, at = b.get(key_, ""), a.get(key_, "")
            if only_changed and bt == at and not status:
                continue
            bn, an = _number(bt), _number(at)
            change = an - bn if bn is not None and an is not None and spec.kind is not ValueKind.TEXT else None
            better = None
            if change:
                better = change > 0 if spec.direction is Direction.HIGHER else \
                    change < 0 if spec.direction is Direction.LOWER else None
            label = spec.label + (f": {key_.split(': ', 1)[1]}" if ": " in key_ else "")
            out.append(RoundDiff(option, key_, label, spec.kind, bt, at, change, better, status))
    return out


def rounds_json(ws: Workspace, tender_id: int | None = None, now: Mapping[int, Figures] | None = None
                ) -> list[dict[str, Any]]:
    """Every round (of one tender) with its decision and figures; with ``now`` (tender id → figures now),
    each round's differences from now as well (the CLI's ``rounds --json``)."""
    out: list[dict[str, Any]] = []
    for r in tender_rounds(ws, tender_id):
        tender = ws.get(Tender, r.tender_id)
        figures = round_figures(ws, r.id)  # type: ignore[arg-type]
        item: dict[str, Any] = {
            "id": r.id, "tender": tender.name if tender else None, "name": r.name,
            "held_on": r.held_on.isoformat() if r.held_on else None, "frozen_at": r.frozen_at,
            "attendees": r.attendees, "decision": r.decision, "rationale": r.rationale,
            "options": figures,
        }
        if now is not None and r.tender_id is not None and r.tender_id in now:
            item["changes_since"] = [
                {"option": d.option, "figure": d.key, "then": d.before, "now": d.after,
                 "change": None if d.change is None else str(d.change), "better": d.better,
                 **({"status": d.status} if d.status else {})}
                for d in diff(figures, now[r.tender_id])]
        out.append(item)
    return out


def now_by_tender(ws: Workspace, tender_ids: Iterable[int], cancelled: CancelToken = NEVER) -> dict[int, Figures]:
    """Each tender's options' figures now (the Compare page's), for differences from its rounds."""
    return {t: figures_now(compare(ws, t, cancelled=cancelled)) for t in tender_ids}
