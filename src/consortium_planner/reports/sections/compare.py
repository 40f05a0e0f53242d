"""Options side by side and scenarios, as the document model: the one presentation of ``services.compare``.

* ``comparison_table(comparison, baseline_id)`` — a row per figure (breakdown rows a row per service
  line or member), a column per option; the best value of each row (by the row's direction) in bold
  with a note saying so; with a baseline, every other option shows its difference from it (its own
  figure in the note);
* ``key_figure_charts`` — the key figures side by side, one small bar chart each;
* ``cumulative_cash_chart`` — every option's cumulative cash before funding on one chart;
* ``scenario_table(outcomes)`` — one option's figures under each stored scenario, a column each;
* ``build_options_considered`` — the investment case's "Options considered": the comparison of the
  tender's options, where this option leads and trails, and the user's "why this option".

The Compare page (``gui/compare``), the investment case and the option workbook's Compare and
Scenarios sheets all show these tables, so the figures agree everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ...domain.scenarios import DRIVERS
from ...services.compare import (
    KEY_ANALYSES,
    ROW_BY_KEY,
    ROWS,
    WHOLE_BID_GROUPS,
    Comparison,
    Direction,
    OptionFigures,
    RowSpec,
    ValueKind,
    compare,
    differences,
)
from ...services.pipeline import Results
from ...services.scenarios import ScenarioOutcome, run_scenario
from ..document import (
    Block,
    Cell,
    Chart,
    ChartKind,
    Column,
    Heading,
    Kind,
    Paragraph,
    Series,
    Table,
    format_value,
)
from .context import CaseContext, join_names, paragraphs

__all__ = ["KEY_FIGURES", "build_options_considered", "comparison_table", "cumulative_cash_chart",
           "key_figure_charts", "row_label", "scenario_definitions", "scenario_matrix", "scenario_table", "value_kind"]

#: The figures drawn side by side on the charts (one small chart each).
KEY_FIGURES: tuple[str, ...] = ("year_one_price", "funding_requirement", "lowest_cash", "npv", "min_dscr",
                                "win_probability")
_KIND = {ValueKind.TEXT: Kind.TEXT, ValueKind.MONEY: Kind.MONEY, ValueKind.PERCENT: Kind.PERCENT,
         ValueKind.NUMBER: Kind.NUMBER, ValueKind.RATIO: Kind.NUMBER, ValueKind.COUNT: Kind.NUMBER}
_BETTER = {Direction.HIGHER: "higher is better", Direction.LOWER: "lower is better", Direction.NONE: ""}
#: Options per table in the case (the option itself first in each), so a wide field still fits the page.
CASE_OPTIONS_PER_TABLE = 4


def value_kind(row: RowSpec) -> Kind:
    return _KIND[row.kind]


def row_label(row: RowSpec, name: str | None = None) -> str:
    """``"Unit cost: Homecare"`` for a breakdown line, else the row's label (with × for a cover ratio)."""
    label = f"{row.label}: {name}" if name is not None else row.label
    return label + (" (×)" if row.kind is ValueKind.RATIO else "")


def _value(value: Any) -> Decimal | str | None:
    if value is None or isinstance(value, str | Decimal):
        return value
    return Decimal(value)


def _signed(value: Decimal, row: RowSpec) -> str:
    text = format_value(abs(value), value_kind(row), row.places)
    return ("+" if value > 0 else "\u2212" if value < 0 else "±") + text


def _lines(comparison: Comparison, focus: OptionFigures | None = None) -> list[tuple[RowSpec, str | None]]:
    out: list[tuple[RowSpec, str | None]] = []
    for row in comparison.rows:
        if row.breakdown:
            mine = focus.values.get(row.key) or {} if focus is not None else None
            out += [(row, n) for n in comparison.breakdown_names(row.key) if mine is None or n in mine]
        else:
            out.append((row, None))
    return out


def comparison_table(comparison: Comparison, baseline_id: int | None = None,
                     options: Sequence[OptionFigures] | None = None, *, key: str = "comparison",
                     focus: OptionFigures | None = None) -> Table:
    """The comparison as a document table (see the module's docstring); ``options``: a subset, in order;
    ``focus``: break the unit costs and profits down only by that option's service lines and members."""
    shown = tuple(options) if options is not None else comparison.options
    diffs = differences(comparison, baseline_id) if baseline_id is not None else None
    columns = (Column("Figure", note="Bold: the best of the options by the row's own direction"),) + tuple(
        Column(o.name + (" (baseline)" if o.option_id == baseline_id else ""), Kind.NUMBER,
               note="Differences from the baseline" if diffs is not None and o.option_id != baseline_id else "")
        for o in shown)
    rows: list[tuple[Cell, ...]] = []
    for row, name in _lines(comparison, focus):
        best = comparison.best.get(row.key, ())
        if name is not None:
            best = best.get(name, ()) if isinstance(best, Mapping) else ()
        better = _BETTER[row.direction]
        label = Cell(row_label(row, name), note="; ".join(x for x in (row.note, better) if x))
        cells = [label]
        for o in shown:
            raw = o.values.get(row.key)
            if name is not None:
                raw = (raw or {}).get(name)
            value = _value(raw)
            kind, places = value_kind(row), row.places
            note = o.notes.get(row.key, "") if name is None else ""
            if isinstance(value, str) and len(value) > 30 and not note:
                note = value  # the whole text, where a narrow column shortens it
            if value is None and name is not None:
                note = "not delivered by this option" if row.key == "unit_costs" else "not a member of this option"
            is_best = o.option_id in best
            if o.option_id in comparison.partial and row.group in WHOLE_BID_GROUPS and row.direction is not \
                    Direction.NONE and value is not None:
                cover = o.values.get("coverage_pct")
                note = "; ".join(x for x in (note, f"not compared: covers {format_value(cover, Kind.PERCENT, 1)} "
                                                   "of the required volume") if x)
            if is_best:
                note = "; ".join(x for x in (note, f"best of the options ({better})") if x)
            if diffs is not None and o.option_id != baseline_id and row.kind is not ValueKind.TEXT:
                d = diffs[o.option_id][row.key]
                d = d.get(name) if isinstance(d, Mapping) else d
                own = format_value(value, kind, places)
                if d is None:
                    cells.append(Cell(None, kind=kind, places=places, note="; ".join(x for x in (note, own) if x),
                                      bold=is_best))
                else:
                    # a number, not money: a difference below zero is not a loss (screens redden negative money)
                    cells.append(Cell(Decimal(d), kind=Kind.NUMBER, places=places, text=_signed(Decimal(d), row),
                                      note="; ".join(x for x in (f"{o.name}: {own}", note) if x), bold=is_best))
                continue
            cells.append(Cell(value, kind=kind, places=places, note=note, bold=is_best))
        rows.append(tuple(cells))
    title = f"{comparison.tender_name}: the options side by side"
    if comparison.scenario != "Base":
        title += f" under the {comparison.scenario} scenario ({comparison.adjustments})"
    return Table(key, columns, tuple(rows), title=title, first_column_width=Decimal("0.34"),
                 note="Bold: the best value of a row by its own direction (a row that only describes an option marks "
                      "none)." + (" Other options show their difference from the baseline." if diffs else ""))


def key_figure_charts(comparison: Comparison) -> tuple[Chart, ...]:
    """The key figures side by side: one bar chart a figure, the options as its bars."""
    names = tuple(o.name for o in comparison.options)
    out = []
    for k in KEY_FIGURES:
        row = ROW_BY_KEY[k]
        values = tuple(_value(o.values.get(k)) for o in comparison.options)
        numbers = tuple(v if isinstance(v, Decimal) else None for v in values)
        if all(v is None for v in numbers):
            continue
        out.append(Chart(f"key_{k}", ChartKind.BAR, row_label(row), names,
                         (Series(row.label, numbers),), "", row_label(row), y_kind=value_kind(row),
                         horizontal=True, note=_BETTER[row.direction].capitalize() + "."))
    return tuple(out)


def cumulative_cash_chart(comparison: Comparison) -> Chart | None:
    """Every option's cumulative cash before funding, month by month from the start of mobilisation."""
    series = tuple(Series(o.name, o.cumulative_cash) for o in comparison.options if o.cumulative_cash)
    if not series:
        return None
    n = max(len(s.values) for s in series)
    padded = tuple(Series(s.name, s.values + (None,) * (n - len(s.values))) for s in series)
    return Chart("cumulative_cash", ChartKind.LINE, "Cumulative cash before funding", (), padded,
                 "Month (from the start of mobilisation)", "Cumulative cash (£)", y_kind=Kind.MONEY,
                 x_values=tuple(Decimal(t) for t in range(n)),
                 note="The lowest point of each line, plus a buffer and contingency, is that option's funding "
                      "requirement.")


def scenario_table(outcomes: Mapping[str, ScenarioOutcome], option_name: str, *, key: str = "scenarios") -> Table:
    """One option's figures under each stored scenario: a row per figure, a column per scenario."""
    names = list(outcomes)
    lines: list[tuple[RowSpec, str | None]] = []
    for row in ROWS:
        if row.breakdown:
            seen: list[str] = []
            for o in outcomes.values():
                seen += [n for n in o.rows.get(row.key) or {} if n not in seen]
            lines += [(row, n) for n in seen]
        else:
            lines.append((row, None))
    columns = (Column("Figure"),) + tuple(Column(n, Kind.NUMBER, note=outcomes[n].adjustments) for n in names)
    rows = []
    for row, name in lines:
        cells = [Cell(row_label(row, name), note=row.note)]
        for n in names:
            raw = outcomes[n].rows.get(row.key)
            if name is not None:
                raw = (raw or {}).get(name)
            note = outcomes[n].notes.get(row.key, "") if name is None else ""
            cells.append(Cell(_value(raw), kind=value_kind(row), places=row.places, note=note))
        rows.append(tuple(cells))
    return Table(key, columns, tuple(rows), title=f"{option_name} under each scenario",
                 first_column_width=Decimal("0.34"),
                 note="Each scenario moves the option's copy, never the option: " + "; ".join(
                     f"{n}: {o.adjustments}" for n, o in outcomes.items()) + ".")


def scenario_matrix(outcomes: Sequence[tuple[str, Mapping[str, ScenarioOutcome]]], figure: str, *,
                    key: str = "scenario_matrix") -> Table:
    """One figure for every option (a row each) under every scenario (a column each)."""
    row = ROW_BY_KEY[figure]
    names: list[str] = []
    for _option, by_name in outcomes:
        names += [n for n in by_name if n not in names]
    first = next((by_name for _o, by_name in outcomes if by_name), {})
    columns = (Column("Option"),) + tuple(
        Column(n, value_kind(row), row.places, note=first[n].adjustments if n in first else "") for n in names)
    body = []
    for option, by_name in outcomes:
        cells = [Cell(option)]
        for n in names:
            o = by_name.get(n)
            value = _value(o.rows.get(figure)) if o is not None else None
            note = (o.notes.get(figure, "") if o is not None else "not computed")
            cells.append(Cell(value, kind=value_kind(row), places=row.places, note=note))
        body.append(tuple(cells))
    better = _BETTER[row.direction]
    return Table(key, columns, tuple(body), title=f"{row_label(row)} under each scenario",
                 note=row.note + (f" ({better})." if better else "") if row.note else better.capitalize())


def scenario_definitions(rows: Sequence[Any]) -> Table:
    """The stored scenarios' drivers (the Scenarios sheet's first table)."""
    units = {"%": (Kind.PERCENT, 1), "pp": (Kind.NUMBER, 2), "months": (Kind.NUMBER, 0), "days": (Kind.NUMBER, 0),
             "year": (Kind.NUMBER, 0)}
    columns = (Column("Scenario"),) + tuple(
        Column(f"{d.label}" + ("" if d.unit in ("%", "year") else f" ({d.unit})"), units[d.unit][0],
               units[d.unit][1]) for d in DRIVERS) + (Column("Notes"),)
    body = tuple((Cell(s.name),) + tuple(Cell(Decimal(getattr(s, d.name))) for d in DRIVERS) + (Cell(s.notes),)
                 for s in rows)
    return Table("scenario_drivers", columns, body, title="Scenarios: what each changes (0: as planned)")


# --------------------------------------------------------------------------- the investment case


def _standing_out(comparison: Comparison, option_id: int) -> tuple[list[str], list[str]]:
    """The rows (labels) where this option is the best, and those where another is and it is not."""
    leads, trails = [], []
    for k, ids in comparison.best.items():
        row = ROW_BY_KEY[k]
        if row.breakdown or not ids:
            continue
        (leads if option_id in ids else trails).append(row.label[0].lower() + row.label[1:])
    return leads, trails


def build_options_considered(ctx: CaseContext) -> list[Block] | None:
    """Options considered: the tender's options side by side, and why this one (DOMAIN §8)."""
    tender = ctx.tender
    if tender is None or len(ctx.ws.options(tender.id)) < 2:
        return None
    option_id = ctx.option.id
    known = ctx.results

    def runner(ws: Any, oid: int, adjustments: Any, **kw: Any) -> Results:
        if oid == option_id and all(n in known for n in KEY_ANALYSES):
            return known
        return run_scenario(ws, oid, adjustments, **kw)

    comparison = compare(ctx.ws, tender.id, runner=runner)  # type: ignore[arg-type]
    ours = comparison.option(option_id)  # type: ignore[arg-type]
    others = [o for o in comparison.options if o.option_id != option_id]
    leads, trails = _standing_out(comparison, option_id)  # type: ignore[arg-type]
    blocks: list[Block] = [Paragraph(
        f"{len(comparison.options)} ways to bid for {tender.name} were modelled on the same tender, requirements "
        f"and assumptions: {join_names([o.name for o in comparison.options])}. Every figure below is each "
        "option's own analysis, as in its investment case.")]
    if trails:  # the worse news first
        blocks.append(Paragraph(f"Another option does better than {ours.name} on {join_names(trails)}."))
    if leads:
        blocks.append(Paragraph(f"{ours.name} is the best of the options on {join_names(leads)}."))
    for start in range(0, len(others), CASE_OPTIONS_PER_TABLE - 1):
        chunk = [ours, *others[start:start + CASE_OPTIONS_PER_TABLE - 1]]
        blocks.append(comparison_table(comparison, options=chunk, focus=ours,
                                       key="comparison" if start == 0 else f"comparison_{start}"))
    blocks.extend(c for c in key_figure_charts(comparison) if c.key in ("key_funding_requirement", "key_npv"))
    cash = cumulative_cash_chart(comparison)
    if cash is not None:
        blocks.append(cash)
    if ctx.text("why_this_option"):
        blocks.append(Heading("Why this option"))
        blocks.extend(paragraphs(ctx.text("why_this_option")))
    return blocks

