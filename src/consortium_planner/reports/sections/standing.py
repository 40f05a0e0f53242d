"""Financial standing (DOMAIN §2): every test for the entity the buyer tests and each member, the fails
and how to mitigate them; and the reserved-contract eligibility for public service mutuals."""

from __future__ import annotations

from decimal import Decimal

from ...domain import standing as _standing
from ...domain.money import ZERO, format_decimal, format_gbp
from ..document import (
    MISSING,
    Block,
    Bullets,
    Cell,
    Column,
    Heading,
    KeyFigure,
    KeyFigures,
    Kind,
    Paragraph,
    Status,
    Table,
    cell,
    money_text,
)
from .context import CaseContext

__all__ = ["RISK_STATUS", "STANDING_COLUMNS", "STANDING_STATUS", "VERDICT_STATUS", "build_reserved", "build_standing",
           "pass_mark", "source_mark", "unmarked"]

STANDING_COLUMNS = 5  # organisations per standing table before it is split

#: A test's result as a colour (not given, not tested and cannot-be-calculated are grey).
STANDING_STATUS = {_standing.Status.GREEN: Status.GREEN, _standing.Status.AMBER: Status.AMBER,
                   _standing.Status.RED: Status.RED}
RISK_STATUS = {_standing.Risk.LOW: Status.GREEN, _standing.Risk.MEDIUM: Status.AMBER, _standing.Risk.HIGH: Status.RED}
VERDICT_STATUS = {_standing.ReservedVerdict.ELIGIBLE: Status.GREEN, _standing.ReservedVerdict.CHECK: Status.AMBER,
                  _standing.ReservedVerdict.NOT_ELIGIBLE: Status.RED}
#: Why a test has no value, in a word or two.
NO_VALUE = {_standing.Status.NOT_GIVEN: "not given", _standing.Status.UNDEFINED: "n/a",
            _standing.Status.NOT_TESTED: "not tested"}
#: Beside a figure that misses its mark in a test that does not apply.
BELOW_NOT_TESTED = "†"
#: Names of the entity tested, by kind, when it heads a column.
TESTED_KINDS = {"lead": "the lead", "lead with guarantors": "lead and guarantors",
                "members combined": "members combined", "vehicle guarantors": "guarantors combined"}


def unmarked(text: str) -> str:
    """``text`` without the [V]/[K]/[U] marks the domain's sentences carry: in prose they are explained in a
    note instead (the appendix's Marks)."""
    for mark in ("[V]", "[K]", "[U]"):
        text = text.replace(f" ({mark})", "").replace(f" {mark}", "").replace(mark, "")
    return text


def _below_mark(result: _standing.MetricResult) -> bool:
    """The value misses the pass mark, whether or not the test applies (a test not applied is not a pass)."""
    if result.value is None or result.threshold is None:
        return False
    return result.value > result.threshold if result.direction is _standing.Direction.AT_MOST \
        else result.value < result.threshold


def _metric_cell(result: _standing.MetricResult) -> Cell:
    status = STANDING_STATUS.get(result.status, Status.GREY)
    if result.value is None:
        return Cell(NO_VALUE.get(result.status, result.status.label.lower()), status, Kind.TEXT, 0)
    if result.status not in STANDING_STATUS and _below_mark(result):
        # a figure below its mark that is not tested (reserves cover outside charities): marked, so it is never
        # read as a pass; the table's note says what the mark means
        value = format_decimal(result.value) + (" mo" if result.unit is _standing.Unit.MONTHS else "")
        return Cell(f"{value} {BELOW_NOT_TESTED}", status, Kind.TEXT, 2, note=result.explanation)
    if result.unit is _standing.Unit.MONEY:
        return Cell(result.value, status, Kind.MONEY, 2)
    if result.unit is _standing.Unit.PERCENT:
        return Cell(result.value, status, Kind.PERCENT, 2)
    if result.unit is _standing.Unit.MONTHS:
        return Cell(f"{format_decimal(result.value)} mo", status, Kind.TEXT, 2)
    return Cell(result.value, status, Kind.NUMBER, 2)


def pass_mark(result: _standing.MetricResult) -> str:
    """The test as the buyer sets it, e.g. ``at least 1.00 (amber 0.80)``."""
    if result.threshold is None:
        return MISSING

    def show(value: Decimal) -> str:
        if result.unit is _standing.Unit.MONEY:
            return format_gbp(value)
        if result.unit is _standing.Unit.PERCENT:
            return f"{format_decimal(value)}%"
        if result.unit is _standing.Unit.MONTHS:
            return f"{format_decimal(value)} months"
        return format_decimal(value)

    text = f"{result.direction.label} {show(result.threshold)}"
    if result.amber_threshold is not None:
        text += f" (amber {show(result.amber_threshold)})"
    return text


def source_mark(source: str) -> str:
    """A pass mark's source: a mark as it is (``[K]``), anything else in brackets."""
    return source if source.startswith("[") else f"({source})"


def build_standing(ctx: CaseContext) -> list[Block] | None:
    standing: _standing.StandingResult | None = ctx.result("standing")
    if standing is None:
        return None
    blocks: list[Block] = [Paragraph(f"Tested: {t.name}. {t.rule}") for t in standing.tested]
    blocks.append(KeyFigures((
        KeyFigure("Overall risk", standing.risk.label, status=RISK_STATUS[standing.risk]),
        KeyFigure("Tests failed", Decimal(len(standing.fails)), Kind.NUMBER, 0,
                  status=Status.RED if standing.fails else Status.GREEN),
        KeyFigure("Annual contract value tested", standing.annual_value, Kind.MONEY),
    ), title="Standing at a glance"))
    blocks.append(Paragraph(unmarked(standing.risk_explanation)
                            + " (Low, medium and high risk count the fails: a rule of thumb, an assumption.)"))
    blocks.extend(_matrix(standing))
    if standing.tested:
        blocks.append(Paragraph(unmarked(standing.tested[0].turnover_test.explanation)))
    if standing.fails:
        blocks.append(Heading("Fails and how to mitigate them"))
        for fail in standing.fails:
            items = [fail.result.explanation, fail.guarantee.explanation, fail.bond.explanation,
                     fail.what_it_would_take.explanation]
            blocks.append(Paragraph(f"{fail.result.label[0].upper()}{fail.result.label[1:]} ({fail.entity_name})",
                                    "lead"))
            blocks.append(Bullets(tuple(unmarked(x) for x in items if x)))
        blocks.append(Paragraph("The guarantee's size (the whole annual value tested) and the bond's premium are "
                                "assumptions, editable defaults; the appendix lists them with their marks.", "note"))
    else:
        blocks.append(Paragraph("No test is failed by the entity the buyer tests, so no guarantee or bond is needed "
                                "to pass; the buyer may still ask for them."))
    guarantors = [m for m in standing.members if m.guarantee]
    if guarantors:
        blocks.append(Paragraph("Guarantees offered: " + "; ".join(
            f"{m.name} {money_text(m.guarantee)}" for m in guarantors) +
            f" ({money_text(sum((m.guarantee or ZERO for m in guarantors), ZERO))} in all)."))
    return blocks


def _matrix(standing: _standing.StandingResult) -> list[Block]:
    """Tests down, entities across (the entity tested first, then each member), a few entities to a table."""
    entities: list[tuple[str, tuple[_standing.MetricResult, ...]]] = []
    for tested in standing.tested:
        label = "Tested: " + (TESTED_KINDS.get(tested.kind, tested.kind) if len(standing.tested) == 1
                              else tested.name)
        entities.append((label, tested.metrics))
    for member in standing.members:
        entities.append((f"{member.name} ({member.role.label.lower()})", member.standing.metrics))
    basis = standing.tested[0].metrics if standing.tested else (
        standing.members[0].standing.metrics if standing.members else ())
    if not entities or not basis:
        return []
    chunks = [entities[i:i + STANDING_COLUMNS] for i in range(0, len(entities), STANDING_COLUMNS)]
    out: list[Block] = []
    for n, chunk in enumerate(chunks):
        rows = []
        for test in basis:
            row = [cell(test.metric.label), cell(pass_mark(test))]
            for _, results in chunk:
                result = next((x for x in results if x.metric is test.metric), None)
                row.append(_metric_cell(result) if result is not None else cell(None))
            rows.append(tuple(row))
        columns = (Column("Test"), Column("Pass mark")) + tuple(Column(name, Kind.NUMBER) for name, _ in chunk)
        last = n == len(chunks) - 1
        out.append(Table("standing" if n == 0 else f"standing_{n + 1}", columns, tuple(rows),
                         title="Financial standing: entity tested and each member" if n == 0 else "",
                         note="" if not last else "Green passes; amber passes with caution; red fails; grey: not "
                              "given, not tested or cannot be calculated. " + BELOW_NOT_TESTED + " below the mark, "
                              "but not tested: reserves cover applies to charities unless the tender sets a "
                              "condition. Each member's own figures are measured against the whole annual value "
                              "(contract dependency against its own share); only the entity tested decides the "
                              "risk. Latest accounts."))
    return out


def build_reserved(ctx: CaseContext) -> list[Block] | None:
    standing: _standing.StandingResult | None = ctx.result("standing")
    if standing is None:
        return None
    reserved = standing.reserved
    blocks: list[Block] = [KeyFigures((
        KeyFigure("Verdict", reserved.verdict.label, status=VERDICT_STATUS[reserved.verdict]),
        KeyFigure("Tender reserved for mutuals", "yes" if reserved.tender_reserved else "no"),
        KeyFigure("Maximum term with extensions", f"{reserved.term_years} years",
                  note=f"at most {reserved.max_term_years} allowed" if reserved.max_term_years else ""),
    ), title="Reservation for public service mutuals")]
    blocks.append(Paragraph(reserved.explanation))
    rows = []
    for check in reserved.checks:
        result = "pass" if check.passed else ("check" if check.passed is None else "fail")
        status = Status.GREEN if check.passed else (Status.AMBER if check.passed is None else Status.RED)
        rows.append((cell(check.name[0].upper() + check.name[1:]), cell(result, status), cell(check.explanation)))
    if rows:
        blocks.append(Table("reserved_checks", (Column("Check"), Column("Result"), Column("Why")), tuple(rows)))
    if reserved.caveats:
        blocks.append(Paragraph("The workspace does not record, so check:", "note"))
        blocks.append(Bullets(reserved.caveats))
    return blocks
