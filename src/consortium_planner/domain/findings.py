"""Findings: what an analysis tells the user is wrong or worth knowing, with one severity scale.

A finding's severity is decided once, where the rule that raises it lives (the pricing module
decides that a price over the ceiling is blocking); every surface (the screen, the check before
export, the PDF, the workbook) reads ``Finding.severity`` and never re-classifies it.

    INFO      worth knowing; nothing to act on (grey)
    WARNING   check it; the bid can stand (amber)
    SERIOUS   must be dealt with before bidding: a cure exists (a guarantee, a partner, more
              funding, a price or cost change) (red)
    BLOCKING  the bid fails as it stands: a price over the ceiling, pay below the legal floor (red)

The rule that raises a finding also states its **cure** where one exists: ``cure`` is what would
change it, in words ("cut cost by £180,545 a year or raise quality to 74.97"), and ``cure_figures``
the amounts in it by name. A serious finding's cure is a condition of bidding; a blocking
finding's cure is what would turn "do not bid" around (``domain/verdict.py`` folds them and never
re-decides a severity or invents a cure).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Finding", "Severity", "worst", "by_severity"]


class Severity(enum.StrEnum):
    INFO = "info"
    WARNING = "warning"
    SERIOUS = "serious"
    BLOCKING = "blocking"

    @property
    def rank(self) -> int:
        """0 for INFO up to 3 for BLOCKING: higher is worse."""
        return _RANK[self]

    @property
    def label(self) -> str:
        return _LABEL[self]

    @property
    def red(self) -> bool:
        """Serious or blocking: shown red everywhere."""
        return self.rank >= 2


_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.SERIOUS: 2, Severity.BLOCKING: 3}
_LABEL = {Severity.INFO: "note", Severity.WARNING: "warning", Severity.SERIOUS: "serious",
          Severity.BLOCKING: "blocking"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing an analysis found.

    ``code`` is a stable identifier (``"over_ceiling"``, ``"capacity_gap"``); ``message`` a sentence
    for a person; ``area`` the analysis area it belongs to (filled in by the pipeline when the rule
    leaves it empty); ``figures`` the numbers behind the message, by name, so a summary or a verdict
    can quote them without parsing text.
    """

    code: str
    message: str
    severity: Severity = Severity.WARNING
    area: str = ""
    figures: tuple[tuple[str, Decimal], ...] = ()
    cure: str = ""  # what would cure it, a sentence ("" when the rule knows of no cure)
    cure_figures: tuple[tuple[str, Decimal], ...] = ()  # the amounts the cure names, by name

    def figure(self, name: str) -> Decimal | None:
        return next((v for k, v in self.figures if k == name), None)

    def cure_figure(self, name: str) -> Decimal | None:
        return next((v for k, v in self.cure_figures if k == name), None)


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The most severe severity among ``findings`` (None when there are none)."""
    out: Severity | None = None
    for f in findings:
        if out is None or f.severity.rank > out.rank:
            out = f.severity
    return out


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first; the order within one severity is kept (stable)."""
    return sorted(findings, key=lambda f: -f.severity.rank)
