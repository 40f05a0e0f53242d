"""What every section builder of the investment case reads, and the small text helpers they share.

``build_case`` (``reports/case.py``) gathers the option, its tender and members, the analyses'
results and the user's narrative once into a ``CaseContext``; each section builder
(``reports/sections/<area>.py``) takes that context and returns the section's blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ...domain.findings import Finding, by_severity
from ...domain.model import ConsortiumOption, Member, Organisation, Tender
from ...domain.money import HUNDRED
from ...domain.rates import RateTable
from ...domain.workspace import Workspace
from ...services.pipeline import Results
from ..document import MISSING, Paragraph

__all__ = ["CaseContext", "article", "date_text", "join_names", "month_text", "paragraphs", "pct_of", "yes_no"]


@dataclass(slots=True)
class CaseContext:
    """One option's investment case in the making: the data every section builder reads.

    ``results`` are the pipeline's results for the option (a value, ``Refusal`` or ``NotApplicable``
    per analysis); ``result(name)`` gives a value or None. ``organisations`` maps each member's id to
    its organisation; ``narrative`` is the user's text by ``NARRATIVE_SECTIONS`` name; ``rates`` the
    reference rates with the workspace's overrides (None when the overrides cannot be read).
    """

    ws: Workspace
    option: ConsortiumOption
    tender: Tender | None
    members: list[Member]
    organisations: dict[int, Organisation]  # member id → organisation
    results: Results
    narrative: dict[str, str]
    rates: RateTable | None
    _findings: list[Finding] | None = None  # gathered once, on first use

    def result(self, name: str) -> Any:
        """The value of analysis ``name``, or None when it was not run, refused or does not apply."""
        return self.results.ok(name)

    @property
    def findings(self) -> list[Finding]:
        """Every analysis's findings, most severe first (``Results.findings``), gathered once."""
        if self._findings is None:
            self._findings = self.results.findings()
        return self._findings

    def member_name(self, member_id: int | None) -> str:
        org = self.organisations.get(member_id) if member_id is not None else None
        return org.name if org else f"Member {member_id}"

    @property
    def lead_name(self) -> str | None:
        org = self.ws.get(Organisation, self.option.lead_organisation_id)
        return org.name if org else None

    def text(self, name: str) -> str:
        """The user's narrative ``name``, stripped ("" when there is none)."""
        return self.narrative.get(name, "").strip()


def worst_first(findings: Sequence[Finding], summary: str, *, notes_from: int = 1) -> list[Paragraph]:
    """A section's opening: its worst finding (a warning or worse) with its cure as the lead, then the summary,
    then its other findings of rank ``notes_from`` or more (1: warnings and worse; 0: notes too)."""
    found = by_severity(findings)
    worst = next((f for f in found if f.severity.rank >= 1), None)
    out = [] if worst is None else [Paragraph(worst.message + (f" {worst.cure}" if worst.cure else ""), style="lead")]
    out.append(Paragraph(summary, style="lead" if worst is None else "body"))
    out += [Paragraph(f.message + (f" {f.cure}" if f.cure else ""), style="body")
            for f in found if f is not worst and f.severity.rank >= notes_from]
    return out


def paragraphs(text: str, style: str = "body") -> list[Paragraph]:
    """User text split at blank lines into paragraphs, each with its spacing tidied."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return [Paragraph(p, style) for p in parts if p]


def pct_of(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """``part`` as percentage points of ``whole`` (None when the whole is zero or missing)."""
    if not whole:
        return None
    return part * HUNDRED / whole


def date_text(day: dt.date | None) -> str:
    """``1 April 2027`` (the missing mark when there is no date)."""
    return MISSING if day is None else f"{day.day} {day:%B %Y}"


def month_text(day: dt.date | None) -> str:
    """``Apr 2027`` (the missing mark when there is no date)."""
    return MISSING if day is None else f"{day:%b %Y}"


def yes_no(flag: bool | None, *, unknown: str = "check") -> str:
    return unknown if flag is None else ("yes" if flag else "no")


def join_names(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def article(label: str) -> str:
    """``"Special purpose vehicle"`` → ``"a special purpose vehicle"`` (acronyms keep their capitals)."""
    low = label[0].lower() + label[1:] if not label[:2].isupper() else label
    return ("an " if low[0] in "aeiou" else "a ") + low
