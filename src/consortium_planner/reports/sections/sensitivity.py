"""Sensitivities and downside, as the document model: the one presentation of the ``sensitivity`` analysis.

* ``break_even_table(result)`` — each break-even (volume fall, pay uplift, payment delay × NPV = 0,
  cover = covenant, sources = requirement), the worst news first: already breached at base, then
  solved (closest to the plan first), then not reached, then not applicable;
* ``tornado_table(result, output)`` and ``tornado_chart(result, output)`` — each driver's figure at its
  low and high value, largest swing first; the chart draws each end as its change from the plan, so
  the bars spread left and right of zero like a tornado;
* ``build_sensitivities(ctx)`` — the investment case's "Sensitivities and downside": what breaks first
  (break-evens close to the plan, then what each stored scenario breaks), the break-even table, the option under each stored scenario (the ``scenarios`` analysis), the tornado
  of NPV and of the funding requirement, and the probabilities of ``PROBABILITY_BLOCKS``.

The GUI's Sensitivity tab and the workbook's Sensitivity sheet show these same tables.

``PROBABILITY_BLOCKS``: builders of the Monte Carlo probabilities (another analysis,
``risk_simulation``) append themselves here; each takes the ``CaseContext`` and returns blocks (or
none); the section places them after the break-evens and before the scenario table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from ...domain import sensitivity as _s
from ...services.scenarios import scenario_findings
from ..document import Block, Cell, Chart, ChartKind, Column, Kind, Paragraph, Series, Status, Table
from .compare import scenario_table
from .context import CaseContext

__all__ = ["ESTIMATE_NOTE", "PROBABILITY_BLOCKS", "break_even_table", "build_sensitivities", "ordered_break_evens",
           "sensitivity_blocks", "tornado_chart", "tornado_table"]

#: Where the Monte Carlo probabilities join this section: each builder returns its blocks for the option.
PROBABILITY_BLOCKS: list[Callable[[CaseContext], Sequence[Block]]] = []

_KIND = {"money": Kind.MONEY, "ratio": Kind.NUMBER, "percent": Kind.PERCENT}
_PLACES = {"money": 0, "ratio": 2, "percent": 1}
_STATUS_ORDER = {_s.BreakEvenStatus.BREACHED_AT_BASE: 0, _s.BreakEvenStatus.SOLVED: 1,
                 _s.BreakEvenStatus.NOT_REACHED: 2, _s.BreakEvenStatus.NOT_APPLICABLE: 3}
_STATUS_TEXT = {_s.BreakEvenStatus.BREACHED_AT_BASE: "Already breached at base", _s.BreakEvenStatus.SOLVED: "Solved",
                _s.BreakEvenStatus.NOT_REACHED: "Not reached", _s.BreakEvenStatus.NOT_APPLICABLE: "Not applicable"}
_SEARCH = {s.driver: s for s in _s.SEARCHES}


#: What an estimate's tables say (``domain.sensitivity_estimate``): the tab shows it until the exact runs come.
ESTIMATE_NOTE = ("Estimated by the vector model (the simulation's, in floats, anchored on the exact plan): the "
                 "exact scenario runs replace these figures when they are done.")


def _estimated(result: _s.Sensitivity) -> tuple[str, str]:
    """What an estimate's table title and note start with (nothing for the analysis)."""
    return ("Estimated: ", ESTIMATE_NOTE + " ") if result.estimated else ("", "")


def ordered_break_evens(result: _s.Sensitivity) -> list[_s.BreakEven]:
    """Worst news first: breached at base; solved, the closest to the plan (as a share of its search's
    "close" distance) first; not reached; not applicable."""
    def closeness(b: _s.BreakEven) -> Decimal:
        if b.value is None:
            return Decimal(0)
        return Decimal(b.value) / _SEARCH[b.driver].close
    return sorted(result.break_evens, key=lambda b: (_STATUS_ORDER[b.status], closeness(b)))


def _status(b: _s.BreakEven) -> Status | None:
    if b.status is _s.BreakEvenStatus.BREACHED_AT_BASE:
        return Status.RED
    if b.status is _s.BreakEvenStatus.SOLVED:
        return Status.AMBER if b.close else None
    if b.status is _s.BreakEvenStatus.NOT_REACHED:
        return Status.GREEN
    return Status.GREY


def _size(b: _s.BreakEven, value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    if b.unit == "%":
        return f"{Decimal(value):.1f}%"
    if b.unit == "days":
        return f"{value} day" + ("" if value == 1 else "s")
    return f"{Decimal(value):.2f} points a year"


def break_even_table(result: _s.Sensitivity, *, key: str = "break_evens", workbook: bool = False) -> Table:
    """The break-evens, worst first (see ``ordered_break_evens``). ``workbook``: the sizes as plain numbers
    with a Unit column (a spreadsheet keeps values, not the text "1.4%")."""
    columns = (Column("Driver"), Column("Target"), Column("Break-even", Kind.NUMBER,
                                                         note="The first step of the search at which the target is "
                                                              "crossed (solved by bisection)"),
               Column("Last value on the safe side", Kind.NUMBER)) + ((Column("Unit"),) if workbook else ()) + (
               Column("Status"), Column("What it means"))
    rows = []
    for b in ordered_break_evens(result):
        status = _status(b)
        value = Decimal(b.value) if b.value is not None else None
        last = Decimal(b.last_safe) if b.last_safe is not None else None
        places = 0 if b.unit == "days" else 1 if b.unit == "%" else 2
        rows.append((
            Cell(b.search, note=f"searched from the plan up to {_size(b, b.range_limit)}"),
            Cell(b.target_label.replace("covenant", f"covenant ({result.covenant:.2f}×)")),
            Cell(value, status=status, places=places, text=None if workbook else _size(b, b.value)),
            Cell(last, places=places, text=None if workbook else _size(b, b.last_safe)),
            *((Cell(b.unit),) if workbook else ()),
            Cell(_STATUS_TEXT[b.status] + (" (close to the plan)" if b.close else ""), status=status),
            Cell(b.message),
        ))
    title, note = _estimated(result)
    return Table(key, columns, tuple(rows), title=title + "Break-even values, the worst first",
                 note=note + "Each is solved by bisection on the scenario model: the driver alone moves from the plan, "
                      "the others stay as planned. The true break-even lies between the break-even and the last "
                      f"value on the safe side. Amber: close to the plan ({_s.close_text()}).")


def _bar_figures(output: _s.Output) -> tuple[Kind, int]:
    return _KIND[output.kind], _PLACES[output.kind]


def _setting(driver: str, value: Decimal | int) -> str:
    """A driver's tornado setting: "−20%", "+3 months", "+1 pp", "as planned", "ends after year 3"."""
    from ...domain.scenarios import DRIVERS

    d = next(x for x in DRIVERS if x.name == driver)
    if not value:
        return "full term" if d.unit == "year" else "as planned"
    if d.unit == "year":
        return f"ends after year {value}"
    text = (f"{value:+}" if isinstance(value, int) else f"{Decimal(value).normalize():+f}").replace("-", "\u2212")
    if d.unit == "%":
        return text + "%"
    if d.unit in ("months", "days") and abs(value) == 1:
        return f"{text} {d.unit[:-1]}"
    return f"{text} {d.unit}"


def tornado_table(result: _s.Sensitivity, output: str, *, key: str | None = None) -> Table:
    """Each driver's figure at its low and high value, the largest swing first."""
    spec = _s.OUTPUT_BY_KEY[output]
    tornado = result.tornado[output]
    kind, places = _bar_figures(spec)
    columns = (Column("Driver"), Column("Low"), Column("High"), Column(f"{spec.label} at low", kind, places),
               Column(f"{spec.label} at high", kind, places), Column("Swing", kind, places))
    source = {r.driver: r.source for r in result.ranges}
    rows = []
    for b in tornado.bars:
        rows.append((Cell(b.label, note=source.get(b.driver, "")), Cell(_setting(b.driver, b.low_setting)),
                     Cell(_setting(b.driver, b.high_setting)), Cell(b.low, note=b.note), Cell(b.high, note=b.note),
                     Cell(b.swing, bold=b is tornado.bars[0])))
    base = _s.format_output(output, tornado.base)
    title, note = _estimated(result)
    return Table(key or f"tornado_{output}", columns, tuple(rows),
                 title=f"{title}{spec.label}: each driver at its low and high value ({base} as planned)",
                 note=note + "One driver at a time, the others as planned; sorted by swing (the difference between the "
                      "two ends). Ranges: the shipped scenarios' values where DOMAIN §9 gives them, else the "
                      "program's assumptions [U] (docs/sensitivity.md).")


def tornado_chart(result: _s.Sensitivity, output: str) -> Chart | None:
    """The tornado: each driver's change from the plan at its low and high value, largest swing first."""
    spec = _s.OUTPUT_BY_KEY[output]
    tornado = result.tornado[output]
    bars = [b for b in tornado.bars if b.swing is not None and b.swing > 0]
    if tornado.base is None or not bars:
        return None
    base = tornado.base
    kind, _places = _bar_figures(spec)
    low = tuple(b.low - base if b.low is not None else None for b in bars)
    high = tuple(b.high - base if b.high is not None else None for b in bars)
    return Chart(f"tornado_{output}", ChartKind.BAR, f"{spec.label}: change from the plan", tuple(b.label for b in bars),
                 (Series("Driver at its low value", low), Series("Driver at its high value", high)),
                 "", f"Change in {spec.label.lower()} from {_s.format_output(output, base)}", y_kind=kind,
                 horizontal=True, note="Largest swing at the top; drivers that do not move it are left out.")


def _lead(result: _s.Sensitivity) -> list[Paragraph]:
    ordered = ordered_break_evens(result)
    breached = [b for b in ordered if b.status is _s.BreakEvenStatus.BREACHED_AT_BASE]
    close = [b for b in ordered if b.status is _s.BreakEvenStatus.SOLVED and b.close]
    out = []
    if breached:
        out.append(Paragraph("Already on the wrong side as planned: " + "; ".join(
            f"{b.target_label.lower()} ({b.message.removeprefix('Already breached at base: ').rstrip('.')})"
            for b in {b.target: b for b in breached}.values()) + ".", "lead"))
    if close:
        out.append(Paragraph("Close to the plan: " + " ".join(b.message for b in close), "lead"))
    solved = [b for b in ordered if b.status is _s.BreakEvenStatus.SOLVED and not b.close]
    if solved:
        out.append(Paragraph("Further off: " + " ".join(b.message for b in solved)))
    npv = result.tornado["npv"]
    if npv.bars and npv.bars[0].swing:
        top = npv.bars[0]
        out.append(Paragraph(f"The net present value moves most with {top.label.lower()}: from "
                             f"{_s.format_output('npv', top.low)} to {_s.format_output('npv', top.high)} across its "
                             "range."))
    return out


def sensitivity_blocks(ctx: CaseContext, *, probabilities: Sequence[Block] = ()) -> list[Block]:
    """The section's blocks (see the module's docstring); ``probabilities``: the Monte Carlo blocks."""
    result = ctx.result("sensitivity")
    outcomes = ctx.result("scenarios")
    blocks: list[Block] = []
    if result is not None:
        blocks += _lead(result)
    if outcomes:
        broken = [f.message for f in scenario_findings(outcomes)]
        if broken:
            blocks.append(Paragraph("Under the stored scenarios: " + " ".join(broken)))
    if result is not None:
        blocks.append(break_even_table(result))
    else:
        refused = ctx.results.get("sensitivity")
        blocks.append(Paragraph(f"The sensitivities could not be computed: {refused}." if refused is not None
                                else "The sensitivities were not computed."))
    blocks.extend(probabilities)
    if outcomes:
        blocks.append(scenario_table(outcomes, ctx.option.name))
    if result is not None:
        for output in ("npv", "funding_requirement"):
            chart = tornado_chart(result, output)
            if chart is not None:
                blocks.append(chart)
        blocks.append(tornado_table(result, "npv"))
    return blocks


def build_sensitivities(ctx: CaseContext) -> list[Block] | None:
    """Sensitivities and downside: the investment case's section (see the module's docstring)."""
    if ctx.result("sensitivity") is None and not ctx.result("scenarios"):
        return None
    probabilities: list[Block] = []
    for build in PROBABILITY_BLOCKS:
        probabilities.extend(build(ctx))
    return sensitivity_blocks(ctx, probabilities=probabilities)
