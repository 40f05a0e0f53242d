"""The risk register of a consortium option (DOMAIN §6, §9): scores, ratings, and seeding from findings.

A risk (``model.Risk``) is scored likelihood (1–5) × impact (1–5) and rated green 1–6, amber 8–12,
red 15–25 (DOMAIN §6); its residual score is the same after the mitigation (a risk whose residual is
not assessed yet counts at its own score after mitigation too).

**Seeding.** The analyses' findings of WARNING severity and above become risks (an INFO finding is a
note, not a risk). Each seeded risk carries its finding's code and a **stable key**: the code and the
finding's subject, the first clause of its message (up to a colon, semicolon, bracket or the end of
its first sentence) with every figure and month name taken out, in lower case. So "Homecare,
Eastmere: 1,200 hours a year not allocated" follows the gap in Homecare, Eastmere however the hours
change, and "Year 2: price £4.2m is above the ceiling" and the same in year 3 are one risk (with a
count). Findings with the same key are one risk, described by the first (the worst) and how many
more there are. The initial likelihood and impact come from the finding's severity
(``SEVERITY_SCORES``, an [U] assumption the user overrides risk by risk):

    warning   3 × 3 =  9 amber   possible, moderate: check it, the bid can stand
    serious   4 × 4 = 16 red     likely, major: must be dealt with before bidding (a cure exists)
    blocking  5 × 5 = 25 red     almost certain, severe: the bid fails as it stands

**Refreshing** (``plan_seed``) is idempotent: seeding twice adds nothing. A seeded risk whose finding
is still raised takes the finding's area and description (and severity; its likelihood and impact
follow the severity only while they are still the ones seeded); the user's owner, mitigation,
residuals and status are kept. A seeded risk whose finding has gone is removed if the user never
touched it (owner, mitigation, residuals, status and scores all as seeded), otherwise it is kept and
marked ``resolved_by_analyses``; if the finding comes back, the mark is cleared. Risks the user added
are never touched.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .findings import Finding, Severity
from .model import Risk, RiskSource, RiskStatus

__all__ = [
    "SEVERITY_SCORES",
    "RegisterEntry",
    "Rating",
    "SeedPlan",
    "matrix",
    "plan_seed",
    "rating",
    "register",
    "seed_key",
    "seedable",
    "touched",
    "unregistered",
]

#: [U] a finding's severity → the initial (likelihood, impact) of the risk seeded from it
SEVERITY_SCORES: dict[Severity, tuple[int, int]] = {
    Severity.WARNING: (3, 3),
    Severity.SERIOUS: (4, 4),
    Severity.BLOCKING: (5, 5),
}

SCALE = range(1, 6)  # likelihood and impact run from 1 to 5


class Rating(enum.StrEnum):
    """A risk score's red/amber/green band (DOMAIN §6)."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def rating(score: int) -> Rating:
    """1–6 green, 8–12 amber, 15–25 red (the products of 1–5 × 1–5 skip 7, 11, 13 and 14)."""
    if score <= 6:
        return Rating.GREEN
    if score <= 12:
        return Rating.AMBER
    return Rating.RED


# --------------------------------------------------------------------------- which finding a risk follows

_FIGURE = re.compile(r"[−\-–+]?£?\d[\d,]*(?:\.\d+)?(?:%|k|m|bn)?", re.IGNORECASE)
_MONTH = re.compile(r"\b(?:january|february|march|april|may|june|july|august|september|october|november|"
                    r"december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r":|;|\(|\. | — ")
KEY_LENGTH = 200


def seedable(finding: Finding) -> bool:
    """A finding that becomes a risk: WARNING or worse (INFO findings are notes)."""
    return finding.severity in SEVERITY_SCORES


def seed_key(finding: Finding) -> str:
    """The stable key of the risk a finding seeds: its code and its subject (see the module's docstring)."""
    return _key_of(finding.code, finding.message)


@functools.lru_cache(maxsize=4096)
def _key_of(code: str, message: str) -> str:
    """``seed_key`` by the two strings it reads: the same findings come again after every edit, and the Risks
    tab asks for each key three times a showing (the register, the findings not in it, their table). Two
    regular expressions a finding took 7 ms of the tab's 17 ms paint on the large workspace (issue 22)."""
    text = _FIGURE.sub("#", message)
    text = _CLAUSE_END.split(text, maxsplit=1)[0]
    text = _MONTH.sub("#", text).rstrip(" .")
    subject = " ".join(text.split()).casefold()
    return f"{code}|{subject}"[:KEY_LENGTH]


@dataclass(frozen=True, slots=True)
class _Seed:
    """What one key's findings say a seeded risk should hold."""

    key: str
    code: str
    area: str
    description: str
    severity: Severity


def _seeds(findings: Iterable[Finding]) -> dict[str, _Seed]:
    """One seed per key, in the order of the findings (most severe first, as ``Results.findings`` gives)."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        if seedable(f):
            groups.setdefault(seed_key(f), []).append(f)
    out: dict[str, _Seed] = {}
    for key_, group in groups.items():
        worst = max(group, key=lambda f: f.severity.rank)
        first = group[0]
        text = first.message
        if len(group) > 1:
            more = len(group) - 1
            text += f" The analyses raise {more} more like it."
        out[key_] = _Seed(key_, first.code, first.area, text, worst.severity)
    return out


def _as_seeded(risk: Risk) -> bool:
    """Are the risk's likelihood and impact still the ones its severity seeded?"""
    try:
        seeded = SEVERITY_SCORES.get(Severity(risk.seed_severity))
    except ValueError:
        return False
    return (risk.likelihood, risk.impact) == seeded


def touched(risk: Risk) -> bool:
    """Has the user changed a seeded risk: an owner, a mitigation, a residual, a status, or its scores?"""
    return bool(risk.owner.strip() or risk.mitigation.strip() or risk.residual_likelihood is not None
                or risk.residual_impact is not None or risk.status is not RiskStatus.OPEN
                or not _as_seeded(risk))


# --------------------------------------------------------------------------- seeding


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """What a refresh changes: risks to insert (without ids), (before, after) updates, and deletions."""

    inserted: tuple[Risk, ...] = ()
    updated: tuple[tuple[Risk, Risk], ...] = ()
    deleted: tuple[Risk, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


def plan_seed(option_id: int, risks: Iterable[Risk], findings: Iterable[Finding]) -> SeedPlan:
    """Bring an option's seeded risks in line with its findings (see the module's docstring)."""
    seeds = _seeds(findings)
    existing: dict[str, Risk] = {}
    for r in sorted(risks, key=lambda r: r.id or 0):
        if r.option_id == option_id and r.source is RiskSource.ANALYSES:
            existing.setdefault(r.seed_key, r)  # a stray duplicate (a team database) is left alone
    inserted: list[Risk] = []
    updated: list[tuple[Risk, Risk]] = []
    deleted: list[Risk] = []
    for key_, seed in seeds.items():
        likelihood, impact = SEVERITY_SCORES[seed.severity]
        current = existing.get(key_)
        if current is None:
            inserted.append(Risk(option_id=option_id, area=seed.area or "Analyses", description=seed.description,
                                 likelihood=likelihood, impact=impact, source=RiskSource.ANALYSES,
                                 finding_code=seed.code, seed_key=key_, seed_severity=seed.severity.value))
            continue
        as_seeded = _as_seeded(current)
        new = dataclasses.replace(
            current, area=seed.area or current.area, description=seed.description, finding_code=seed.code,
            seed_severity=seed.severity.value, resolved_by_analyses=False,
            likelihood=likelihood if as_seeded else current.likelihood,
            impact=impact if as_seeded else current.impact)
        if new != current:
            updated.append((current, new))
    for key_, r in existing.items():
        if key_ in seeds:
            continue
        if not touched(r):
            deleted.append(r)
        elif not r.resolved_by_analyses:
            updated.append((r, dataclasses.replace(r, resolved_by_analyses=True)))
    return SeedPlan(tuple(inserted), tuple(updated), tuple(deleted))


def unregistered(findings: Iterable[Finding], risks: Iterable[Risk]) -> list[Finding]:
    """The findings that would seed a risk but are not in the register yet (in the findings' order)."""
    keys = {r.seed_key for r in risks if r.source is RiskSource.ANALYSES}
    return [f for f in findings if seedable(f) and seed_key(f) not in keys]


# --------------------------------------------------------------------------- the register as shown


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    """One risk of the register with its scores and ratings (what ``summary --json`` lists)."""

    risk_id: int | None
    area: str
    description: str
    likelihood: int
    impact: int
    score: int
    rating: Rating
    owner: str
    mitigation: str
    residual_likelihood: int | None
    residual_impact: int | None
    residual_score: int | None  # None until both residuals are assessed
    residual_rating: Rating | None
    status: RiskStatus
    source: RiskSource
    finding_code: str
    seed_key: str
    resolved_by_analyses: bool
    finding_raised: bool | None  # a seeded risk: is its finding raised now? (None: added by the user)
    finding_severity: Severity | None = None  # and if so, the analyses' severity of it now

    @property
    def active(self) -> bool:
        """Still to manage: neither closed nor resolved by the analyses."""
        return self.status is not RiskStatus.CLOSED and not self.resolved_by_analyses

    @property
    def after_mitigation(self) -> tuple[int, int]:
        """(likelihood, impact) after the mitigation: the residuals where assessed, else the risk's own."""
        return (self.residual_likelihood or self.likelihood, self.residual_impact or self.impact)


def entry(risk: Risk, raised: dict[str, Severity] | None = None) -> RegisterEntry:
    """One risk scored and rated; ``raised``: the severity of each key the analyses raise now."""
    score = risk.likelihood * risk.impact
    residual = (risk.residual_likelihood * risk.residual_impact
                if risk.residual_likelihood is not None and risk.residual_impact is not None else None)
    seeded = risk.source is RiskSource.ANALYSES
    return RegisterEntry(
        risk_id=risk.id, area=risk.area, description=risk.description, likelihood=risk.likelihood,
        impact=risk.impact, score=score, rating=rating(score), owner=risk.owner, mitigation=risk.mitigation,
        residual_likelihood=risk.residual_likelihood, residual_impact=risk.residual_impact, residual_score=residual,
        residual_rating=rating(residual) if residual is not None else None, status=risk.status, source=risk.source,
        finding_code=risk.finding_code, seed_key=risk.seed_key, resolved_by_analyses=risk.resolved_by_analyses,
        finding_raised=(risk.seed_key in raised) if seeded and raised is not None else None,
        finding_severity=raised.get(risk.seed_key) if seeded and raised is not None else None)


def _order(e: RegisterEntry) -> tuple[bool, int, int, int]:
    residual = e.residual_score if e.residual_score is not None else e.score
    return (not e.active, -e.score, -residual, e.risk_id or 0)


def register(risks: Iterable[Risk], findings: Iterable[Finding] | None = None) -> tuple[RegisterEntry, ...]:
    """The register, worst first: risks still to manage before closed or resolved ones, then by score,
    then by residual score. With ``findings``, each seeded risk says whether its finding is raised now."""
    raised: dict[str, Severity] | None = None
    if findings is not None:
        raised = {}
        for f in findings:
            if seedable(f):
                k = seed_key(f)
                if k not in raised or f.severity.rank > raised[k].rank:
                    raised[k] = f.severity
    return tuple(sorted((entry(r, raised) for r in risks), key=_order))


def matrix(entries: Sequence[RegisterEntry], *, after_mitigation: bool = False) -> dict[tuple[int, int], int]:
    """How many risks still to manage sit at each (likelihood, impact), before or after mitigation."""
    counts = {(lk, im): 0 for lk in SCALE for im in SCALE}
    for e in entries:
        if e.active:
            counts[e.after_mitigation if after_mitigation else (e.likelihood, e.impact)] += 1
    return counts
