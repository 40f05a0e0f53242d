"""The Standing tab's table as a document ``Table`` (Qt-free, like the other tabs' ``rows`` modules).

Tests down (each metric, then the three rows of the turnover test), entities across: the entity the
buyer tests first, then each member. The first column holds the test's name (the model shows it as
the vertical header, so it stays in view when the table scrolls sideways), the second its pass mark.
A cell's value is the metric's figure, its text the figure as the domain formats it (never a zero for
a missing figure), its status the test's colour (grey when the test could not be run or does not
apply), its note the status and the explanation.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.money import format_decimal, format_gbp
from ..domain.standing import MemberStanding, MetricResult, StandingResult, Status, TestedEntity, fmt
from ..reports.document import Cell, Column, Kind, Table
from ..reports.document import Status as Colour
from .formatting import NOT_GIVEN

__all__ = ["COLOUR", "FIRST_ENTITY_COL", "PASS_MARK_COL", "cell_text", "pass_mark_text", "standing_table"]

#: Model columns (the test's name is the vertical header): the pass mark, then the entities.
PASS_MARK_COL = 0
FIRST_ENTITY_COL = 1

#: A test's status as a colour: not given, undefined and not tested are grey (the text says which).
COLOUR = {Status.GREEN: Colour.GREEN, Status.AMBER: Colour.AMBER, Status.RED: Colour.RED,
          Status.NOT_GIVEN: Colour.GREY, Status.UNDEFINED: Colour.GREY, Status.NOT_TESTED: Colour.GREY}

_KIND_TITLE = {
    "lead": "lead",
    "lead with guarantors": "lead with guarantors",
    "members combined": "members combined",
    "vehicle guarantors": "guarantors combined",
}


def _wrap(text: str, width: int = 20, lines: int = 2) -> str:
    return "\n".join(textwrap.wrap(text, width, max_lines=lines, placeholder="…")) or text


def cell_text(r: MetricResult) -> str:
    """A metric's value as shown in a cell: never a zero for a missing figure."""
    if r.value is not None:
        return fmt(r.value, r.unit)
    if r.status is Status.UNDEFINED:
        return f"undefined: {r.reason}" if r.reason else "undefined"
    if r.status is Status.RED:
        return f"fails: {r.reason}" if r.reason else "fails"
    if r.status is Status.NOT_TESTED:
        return "not tested"
    return NOT_GIVEN


def pass_mark_text(r: MetricResult) -> str:
    if r.threshold is None:
        return ""
    text = f"{r.direction.label} {fmt(r.threshold, r.unit)}"
    if r.amber_threshold is not None:
        text += f" (amber {fmt(r.amber_threshold, r.unit)})"
    return text


def _metric_cell(r: MetricResult, bold: bool) -> Cell:
    return Cell(r.value, COLOUR[r.status], note=f"{r.status.label}. {r.explanation}", text=cell_text(r), bold=bold)


@dataclass(frozen=True, slots=True)
class _Entity:
    title: str  # may hold line breaks
    note: str
    tested: bool  # the entity the buyer tests (rather than one member)


def _tested_entity(t: TestedEntity) -> _Entity:
    who = _KIND_TITLE.get(t.kind, t.kind)
    if t.kind in ("lead", "provider") and t.organisation_ids:
        who = t.name
    return _Entity("Tested by buyer\n" + _wrap(who, 22), f"{t.name}\n\n{t.rule}", True)


def _member(m: MemberStanding) -> _Entity:
    role = m.role.label.lower()
    title = _wrap(m.name) + "\n" + (f"{role} · in the test" if m.relied_upon else f"{role} · not tested")
    lines = [m.name, f"Role: {m.role.label}",
             f"Share of the annual contract value: {format_gbp(m.share_of_acv, missing='not known')}"]
    if m.guarantee is not None and m.guarantee > 0:
        lines.append(f"Guarantee offered: {format_gbp(m.guarantee)}")
    year_end = m.standing.year_end
    lines.append(f"Latest accounts: {year_end.strftime('%d/%m/%Y')}" if year_end else "No accounts entered")
    lines.append("Its accounts count in the buyer's test." if m.relied_upon
                 else "Its accounts do not count in the buyer's test; shown for information.")
    return _Entity(title, "\n".join(lines), False)


def entities(result: StandingResult) -> list[_Entity]:
    return [_tested_entity(t) for t in result.tested] + [_member(m) for m in result.members]


def _turnover_rows(result: StandingResult) -> list[tuple[Cell, ...]]:
    members_only = "Only the entity the buyer tests faces the turnover test; see the member's turnover ratio above."
    blank = Cell(None, None, text="", note=members_only)
    turnover, required, shortfall = [], [], []
    for t in result.tested:
        tt = t.turnover_test
        tip = f"{tt.status.label}. {tt.explanation}"
        colour = COLOUR[tt.status]
        turnover.append(Cell(tt.turnover, colour, Kind.MONEY, note=tip, bold=True,
                             text=None if tt.turnover is not None else NOT_GIVEN))
        required.append(Cell(tt.required, colour, Kind.MONEY, note=tip, bold=True,
                             text=None if tt.required is not None else "not known"))
        shortfall.append(Cell(tt.shortfall, colour, Kind.MONEY, note=tip, bold=True,
                              text=None if tt.shortfall is not None else "not known"))
    for m in result.members:
        s = m.standing
        when = f" in the accounts to {s.year_end.strftime('%d/%m/%Y')}" if s.year_end else " (no accounts entered)"
        turnover.append(Cell(s.line_items.turnover, None, Kind.MONEY, note=f"{m.name}'s turnover{when}.",
                             text=None if s.line_items.turnover is not None else NOT_GIVEN))
        required.append(blank)
        shortfall.append(blank)
    multiples = sorted({format_decimal(t.turnover_test.multiple) for t in result.tested})
    basis = f"{' or '.join(multiples)} × annual value" if multiples else ""

    def row(label: str, mark: str, note: str, cells: Sequence[Cell]) -> tuple[Cell, ...]:
        return (Cell(label, note=note), Cell(mark), *cells)

    return [
        row("Turnover", "", "Turnover in the latest accounts; combined figures are sums.", turnover),
        row("Turnover required", basis, "The minimum turnover the buyer asks for: the tender's multiple of the annual "
            "contract value tested.", required),
        row("Turnover shortfall", "£0.00 passes", "How much more turnover would meet the requirement.", shortfall),
    ]


def standing_table(result: StandingResult) -> Table:
    """Every test (rows) for the tested entity and each member (columns), as a document table."""
    heads = entities(result)
    columns = (Column("Test"),
               Column("Pass mark", note="Green meets the pass mark; amber misses it but meets the amber level; red "
                                        "fails both"),
               *(Column(e.title, Kind.NUMBER, note=e.note) for e in heads))
    sources: list[tuple[object, bool]] = [(t, True) for t in result.tested] + [(m.standing, False)
                                                                              for m in result.members]
    template = (result.tested[0].metrics if result.tested else
                result.members[0].standing.metrics if result.members else ())
    rows: list[tuple[Cell, ...]] = []
    for first in template:
        source = first.source if first.source.startswith("[") else f"({first.source})"
        tip = (f"{first.metric.label}: pass mark {pass_mark_text(first)}, threshold from {source}. Hover a cell for "
               "its explanation.")
        label = first.label[0].upper() + first.label[1:]
        cells = tuple(_metric_cell(src.result(first.metric), bold) for src, bold in sources)  # type: ignore[attr-defined]
        rows.append((Cell(label, note=tip), Cell(pass_mark_text(first)), *cells))
    if template:
        rows.extend(_turnover_rows(result))
    return Table("standing", columns, tuple(rows), title="Financial standing tests")
