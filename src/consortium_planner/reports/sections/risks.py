"""Risks: every finding of the analyses, most severe first, and the findings table the option workbook
shows for each analysis.

A finding's level is its ``Severity`` (decided where the rule lives, in the domain); its colour is
``document.status_of(severity)``. Nothing here classifies a finding by its code: codes only group
findings of one kind (a long run of them is shortened to a few and a count).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from ...domain.findings import Finding, Severity
from ...domain.money import ZERO, format_decimal
from ..document import Block, Column, Paragraph, Table, cell, status_of
from .context import CaseContext

__all__ = ["RISKS_SHOWN", "build_risks", "collect_risks", "findings_table"]

RISKS_SHOWN = 8  # findings of one kind listed before the rest are counted in one line
YEARLY = ("over_ceiling", "over_budget")  # one finding per contract year: said once, with a count


def collect_risks(findings: Iterable[Finding]) -> list[tuple[str, Severity, str]]:
    """``(area, severity, text)`` for each finding (``Results.findings``: most severe first), a long run of
    one kind shortened to its first few and a count."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        groups.setdefault((f.area, f.code), []).append(f)
    out: list[tuple[Severity, str, str]] = []
    for (area, code), group in groups.items():
        severity = _worst(group)
        if code in YEARLY and len(group) > 2:
            out.append((severity, area, group[0].message + f" The same holds in {len(group) - 1} later contract years."))
        elif len(group) > RISKS_SHOWN + 1:
            out.extend((f.severity, area, f.message) for f in group[:RISKS_SHOWN])
            rest = group[RISKS_SHOWN:]
            if code == "capacity_gap":
                short = sum((f.figure("shortfall") or ZERO for f in rest), ZERO)
                text = (f"{len(rest)} more requirements have a gap, {format_decimal(short, 0)} units a year short in "
                        "all (the largest gaps are listed above; every one is in the heat map).")
            else:
                text = (f"{len(rest)} more warnings like these ({code.replace('_', ' ')}); the option's "
                        f"{area.lower()} screen lists them all.")
            out.append((_worst(rest), area, text))
        else:
            out.extend((f.severity, area, f.message) for f in group)
    out.sort(key=lambda x: -x[0].rank)
    return [(area, severity, text) for severity, area, text in out]


def _worst(findings: list[Finding]) -> Severity:
    return max((f.severity for f in findings), key=lambda s: s.rank)


def build_risks(ctx: CaseContext) -> list[Block]:
    risks = collect_risks(ctx.findings)
    if not risks:
        return [Paragraph("The analyses raise no warnings for this option.")]
    red = sum(1 for _, severity, _ in risks if severity.red)
    warnings = sum(1 for _, severity, _ in risks if severity is Severity.WARNING)
    return [
        Paragraph(f"{red} serious or blocking and {warnings} warning{'s' if warnings != 1 else ''} raised by the "
                  "analyses, most severe first."),
        Table("risks", (Column("Area"), Column("Level"), Column("Issue")),
              tuple((cell(area), cell(severity.label, status_of(severity)), cell(text))
                    for area, severity, text in risks),
              first_column_width=Decimal("0.17")),
    ]


def findings_table(key_: str, findings: Iterable[Finding], *, area: str = "", title: str = "") -> Table:
    """One row per finding, in the order given: its severity (coloured), area (``area`` when it has none),
    code and message."""
    rows = tuple((cell(f.severity.label, status_of(f.severity)), cell(f.area or area), cell(f.code),
                  cell(f.message)) for f in findings)
    return Table(key_, (Column("Severity"), Column("Area"), Column("Code"), Column("Message")), rows, title=title)
