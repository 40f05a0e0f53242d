"""The verdict on a consortium option: bid, bid with conditions, or do not bid as it stands (DOMAIN §9).

The verdict only folds the option's findings; it never re-decides a severity and never invents a
cure. Each rule decides both where it lives (``Finding.severity`` and ``Finding.cure``):

* any **blocking** finding (the evaluated price above the ceiling, no price that both wins and
  covers cost, volume no member or partner can deliver, a failed standing test nothing cures, pay
  below the wage floor) → **do not bid as it stands**; the blocking findings are listed with their
  figures, and the conditions are what would change it: the blocking findings' cures first, then
  the serious findings' (which would still stand once the blocking ones are cured);
* otherwise any **serious** finding → **bid with conditions**: each serious finding's cure (a
  guarantee, a partner, a price or cost change, more funding) with its figures. A serious finding
  whose rule states no cure is still a condition: "Resolve: …" with the finding's own figures, so
  the verdict is never "bid" while something serious stands;
* otherwise → **bid** (warnings and notes do not change the verdict; they stay in the Risks).

The rule is an editable assumption [U] in DOMAIN §9; the thresholds behind each finding live with
the finding's rule.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity, by_severity

__all__ = ["Decision", "Verdict", "VerdictPoint", "verdict"]


class Decision(enum.StrEnum):
    BID = "bid"
    BID_WITH_CONDITIONS = "bid_with_conditions"
    DO_NOT_BID = "do_not_bid"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {Decision.BID: "Bid", Decision.BID_WITH_CONDITIONS: "Bid with conditions",
           Decision.DO_NOT_BID: "Do not bid as it stands"}


@dataclass(frozen=True, slots=True)
class VerdictPoint:
    """One line of the verdict: a blocking finding, or a condition that would change the verdict.

    ``figures`` are the amounts the text quotes, by name (exact ``Decimal``; ``summary --json``
    prints them as decimal strings); ``code`` and ``severity`` are the finding's it comes from.
    """

    area: str
    text: str
    figures: Mapping[str, Decimal]
    code: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    headline: str  # one sentence for a banner or the first line of the investment case: "<label>: <reason>"
    reason: str  # the headline without the decision's label
    blocking: tuple[VerdictPoint, ...]  # the findings that stop the bid as it stands, with their figures
    conditions: tuple[VerdictPoint, ...]  # what would change it (do not bid) or must be met (bid with conditions)
    serious: int  # serious findings standing (each one is a condition)
    warnings: int  # warnings standing (not part of the verdict; listed under Risks)

    @property
    def label(self) -> str:
        return self.decision.label


def _point(f: Finding, text: str, figures: Iterable[tuple[str, Decimal]]) -> VerdictPoint:
    return VerdictPoint(f.area, text, dict(figures), f.code, f.severity)


def _condition(f: Finding) -> VerdictPoint | None:
    """The condition a finding sets: its cure, or for a serious finding without one, resolving it."""
    if f.cure:
        return _point(f, f.cure, f.cure_figures)
    if f.severity is Severity.SERIOUS:
        return _point(f, "Resolve: " + f.message, f.figures)
    return None  # a blocking finding with no known cure: it is listed under blocking, nothing changes it


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def verdict(findings: Iterable[Finding]) -> Verdict:
    """Fold ``findings`` (any order; ``Results.findings()`` gives them most severe first) into a verdict."""
    ordered = by_severity(findings)
    blocking = [f for f in ordered if f.severity is Severity.BLOCKING]
    serious = [f for f in ordered if f.severity is Severity.SERIOUS]
    warnings = sum(1 for f in ordered if f.severity is Severity.WARNING)
    conditions = [c for f in blocking + serious if (c := _condition(f)) is not None]
    if blocking:
        decision = Decision.DO_NOT_BID
        cured = sum(1 for f in blocking if f.cure)
        reason = (f"{_plural(len(blocking), 'blocking finding')}"
                  + (f", {cured} with a stated cure" if cured else ", none with a stated cure")
                  + (f"; {_plural(len(serious), 'serious finding')} would remain as conditions" if serious else "")
                  + ".")
    elif serious:
        decision = Decision.BID_WITH_CONDITIONS
        reason = f"{_plural(len(conditions), 'condition')} to meet before the bid goes in."
    else:
        decision = Decision.BID
        reason = "no serious or blocking findings" + (
            f" ({_plural(warnings, 'warning')} to note under Risks)." if warnings else ".")
    return Verdict(decision, f"{decision.label}: {reason}", reason[0].upper() + reason[1:],
                   tuple(_point(f, f.message, f.figures) for f in blocking), tuple(conditions), len(serious), warnings)
