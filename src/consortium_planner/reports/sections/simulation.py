"""Document blocks for the risk simulation (``risk_simulation``): probabilities, percentiles, histograms.

``simulation_blocks(result)`` is what the "Sensitivities and downside" section (and any other
renderer: the GUI's table views, the workbook's value sheets) shows of one option's simulation, worst
news first: the probabilities of the outcomes that break the plan (coloured by the findings'
severity), P10/P50/P90 of the NPV and the funding requirement beside the exact base figures, the
drivers' ranges, and the two histograms. Not a registered section: the sensitivity section adds
these blocks to its own.
"""

from __future__ import annotations

from decimal import Decimal

from ...domain.money import format_gbp_short
from ...domain.simulation import Histogram, SimulationResult, ranges_text
from ...services.simulation import simulation_findings
from ..document import (
    Block,
    Cell,
    Chart,
    ChartKind,
    Column,
    Kind,
    Paragraph,
    Series,
    Status,
    Table,
    status_of,
)

__all__ = ["histogram_chart", "simulation_blocks"]

HUNDRED = Decimal(100)


def _status(result: SimulationResult, code: str) -> Status:
    """The colour of a probability: its finding's severity (green when the simulation found nothing)."""
    severity = next((f.severity for f in simulation_findings(result) if f.code == code), None)
    return status_of(severity) if severity is not None else Status.GREEN


def _probabilities(r: SimulationResult) -> Table:
    rows = [
        (Cell(f"Funding requirement above the {format_gbp_short(r.total_sources)} arranged"),
         Cell(r.p_requirement_above_sources * HUNDRED, _status(r, "simulation_requirement_above_sources"))),
        (Cell(f"Minimum debt service cover below the {r.dscr_covenant}× covenant"),
         Cell(r.p_dscr_below_covenant * HUNDRED, _status(r, "simulation_dscr_below_covenant"))
         if r.p_dscr_below_covenant is not None else
         Cell(None, Status.GREY, text="no debt service", note="The option has no loan or overdraft drawn.")),
        (Cell("Net present value below zero"),
         Cell(r.p_npv_negative * HUNDRED, _status(r, "simulation_negative_npv"))),
    ]
    return Table("simulation_probabilities", (Column("Outcome"), Column("Probability", Kind.PERCENT, 1)),
                 tuple(rows), title=f"How likely: {r.draws:,} draws (seed {r.seed})",
                 note="Red: a serious finding, amber: a warning, green: no finding (more than 10% of draws short of funding "
                      "or below the covenant is serious, any is a warning; a loss in half the draws is serious, "
                      "in more than 10% a warning).",
                 first_column_width=Decimal("0.6"))


def _percentiles(r: SimulationResult) -> Table:
    columns = (Column("Figure"), Column("P10", Kind.MONEY), Column("P50", Kind.MONEY), Column("P90", Kind.MONEY),
               Column("As planned", Kind.MONEY, note="The option as stored, by the exact projection"))
    rows = (
        (Cell("Net present value"), Cell(r.npv.p10), Cell(r.npv.p50), Cell(r.npv.p90), Cell(r.base_npv)),
        (Cell("Funding requirement"), Cell(r.requirement.p10), Cell(r.requirement.p50), Cell(r.requirement.p90),
         Cell(r.base_requirement)),
    )
    return Table("simulation_percentiles", columns, rows, title="Range of outcomes",
                 note="P10: one draw in ten is at or below it; P90: nine in ten are.")


def _ranges(r: SimulationResult) -> Table:
    columns = (Column("Driver"), Column("Low", Kind.NUMBER, 1), Column("Most likely", Kind.NUMBER, 1),
               Column("High", Kind.NUMBER, 1), Column("Unit"), Column("Why"))
    rows = tuple((Cell(x.label or x.driver), Cell(x.low), Cell(x.mode), Cell(x.high), Cell(x.unit), Cell(x.note))
                 for x in r.ranges)
    return Table("simulation_ranges", columns, rows, title="The drivers' ranges (triangular)",
                 note="Assumptions [U]; whole-number drivers are rounded to the nearest whole number.")


def histogram_chart(h: Histogram, key: str, title: str, x_title: str) -> Chart:
    """A histogram as a bar chart: one bar per bin, labelled by its range."""
    labels = tuple(format_gbp_short(lo) for lo in h.edges[:-1])
    return Chart(key, ChartKind.BAR, title, labels, (Series("Draws", tuple(Decimal(c) for c in h.counts)),),
                 x_title, "Draws", y_kind=Kind.NUMBER,
                 note=f"Each bar counts the draws from its label up to the next bar's (the last to "
                      f"{format_gbp_short(h.edges[-1])}).")


def simulation_blocks(result: SimulationResult) -> tuple[Block, ...]:
    """The blocks for one option's simulation (see the module's docstring)."""
    r = result
    return (
        Paragraph(f"Risk by simulation: {r.draws:,} draws of the drivers (seed {r.seed}), each projected month by "
                  f"month. Ranges (low / most likely / high): {ranges_text(r.ranges)}.", "lead"),
        _probabilities(r),
        _percentiles(r),
        histogram_chart(r.npv_histogram, "simulation_npv_histogram", "Net present value across the draws",
                        "Net present value (£)"),
        histogram_chart(r.requirement_histogram, "simulation_requirement_histogram",
                        "Funding requirement across the draws", "Funding requirement (£)"),
        _ranges(r),
        Paragraph("The simulation projects each draw with a vector model of the option's projection that agrees "
                  "with the exact projection within £1 (0.05% of the funding requirement where members are taxed "
                  "on their own profits at different rates; docs/simulation.md says what it does not "
                  "reproduce).", "note"),
    )
