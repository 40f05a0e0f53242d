"""Risks: the option's risk register (worst first, with owner, mitigation and residual score), the risk
matrix before and after mitigation, and the analyses' findings not yet in the register, most severe
first; and the findings table the option workbook shows for each analysis.

A finding's level is its ``Severity`` (decided where the rule lives, in the domain); its colour is
``document.status_of(severity)``. Nothing here classifies a finding by its code: codes only group
findings of one kind (a long run of them is shortened to a few and a count). A risk's colour is its
score's band (``domain.risk_register.rating``: 1–6 green, 8–12 amber, 15–25 red, DOMAIN §6); where the
user has scored a seeded risk below red while the analyses still rate its finding serious or
blocking, its status says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ...domain import risk_register as _rr
from ...domain.findings import Finding, Severity
from ...domain.model import Risk, RiskSource
from ...domain.money import ZERO, format_decimal
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
    Status,
    Table,
    cell,
    status_of,
)
from .context import CaseContext

__all__ = ["LIKELIHOOD_WORDS", "IMPACT_WORDS", "RATING_STATUS", "RISKS_SHOWN", "build_risks", "collect_risks",
           "findings_table", "register_entries", "register_table", "risk_matrix", "unregistered_findings"]

RISKS_SHOWN = 8  # findings of one kind listed before the rest are counted in one line
YEARLY = ("over_ceiling", "over_budget", "ceiling_affordability")  # one finding per contract year: said once, with a count


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


#: a risk score's band as a cell colour (DOMAIN §6)
RATING_STATUS = {_rr.Rating.GREEN: Status.GREEN, _rr.Rating.AMBER: Status.AMBER, _rr.Rating.RED: Status.RED}
LIKELIHOOD_WORDS = {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
IMPACT_WORDS = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "severe"}


def register_entries(ctx: CaseContext) -> tuple[_rr.RegisterEntry, ...]:
    """The option's register from the results (the ``risk_register`` analysis), or from the workspace when
    the caller's results left it out."""
    entries = ctx.result("risk_register")
    if entries is None:
        entries = _rr.register(ctx.ws.children(Risk, ctx.option.id), ctx.findings)
    return entries


def unregistered_findings(ctx: CaseContext) -> list[Finding]:
    """The findings no seeded risk follows (notes included: they are never risks), most severe first."""
    keys = {r.seed_key for r in ctx.ws.children(Risk, ctx.option.id) if r.source is RiskSource.ANALYSES}
    return [f for f in ctx.findings if not (_rr.seedable(f) and _rr.seed_key(f) in keys)]


def _score_cell(score: int | None, band: _rr.Rating | None, note: str = "") -> Cell:
    if score is None or band is None:
        return Cell(None, note=note)
    return Cell(Decimal(score), RATING_STATUS[band], text=f"{score} {band.value}", note=note)


def _status_text(e: _rr.RegisterEntry) -> str:
    text = "Resolved by the analyses" if e.resolved_by_analyses else e.status.label
    if e.resolved_by_analyses and e.status.label.casefold() != "open":
        text += f" ({e.status.label.lower()})"
    if e.active and e.finding_severity is not None and e.finding_severity.red and e.rating is not _rr.Rating.RED:
        text += f"; the analyses rate it {e.finding_severity.label}"
    return text


def register_table(entries: Sequence[_rr.RegisterEntry]) -> Table:
    """The register, worst first: area, risk, score and rating, owner, mitigation, residual score, status."""
    rows = []
    for e in entries:
        origin = (f"Seeded from the analyses ({e.finding_code})" if e.source is RiskSource.ANALYSES
                  else "Added by the user")
        status_cell = Cell(_status_text(e), status_of(e.finding_severity)
                           if e.active and e.finding_severity is not None and e.finding_severity.red
                           and e.rating is not _rr.Rating.RED else None)
        rows.append((
            cell(e.area), cell(e.description, note=origin),
            _score_cell(e.score, e.rating, f"likelihood {e.likelihood} ({LIKELIHOOD_WORDS[e.likelihood]}) × impact "
                                           f"{e.impact} ({IMPACT_WORDS[e.impact]})"),
            cell(e.owner or "–"), cell(e.mitigation or "–"),
            _score_cell(e.residual_score, e.residual_rating,
                        "after the mitigation" if e.residual_score is not None else "not assessed yet"),
            status_cell))
    return Table("risk_register", (
        Column("Area"), Column("Risk"), Column("Score", Kind.NUMBER, 0, note="likelihood × impact, each 1–5"),
        Column("Owner"), Column("Mitigation"), Column("Residual", Kind.NUMBER, 0, note="the score after mitigation"),
        Column("Status")), tuple(rows), first_column_width=Decimal("0.14"),
        note="Score = likelihood × impact, each from 1 to 5: 1–6 green, 8–12 amber, 15–25 red. Residual: the score "
             "after the mitigation (– where not assessed yet). A risk seeded from the analyses starts at 3 × 3 for a "
             "warning, 4 × 4 for a serious finding and 5 × 5 for a blocking one [U].")


def risk_matrix(entries: Sequence[_rr.RegisterEntry], *, after_mitigation: bool = False, words: bool = True) -> Chart:
    """Likelihood × impact with how many risks still to manage sit in each cell, coloured by the score's band
    (impact 5 at the top). ``words``: label the scale ("3 possible"), else its numbers only (a small screen)."""
    counts = _rr.matrix(entries, after_mitigation=after_mitigation)
    likelihoods = tuple(_rr.SCALE)
    series = tuple(Series(
        f"{impact} {IMPACT_WORDS[impact]}" if words else str(impact),
        tuple(Decimal(counts[(lk, impact)]) if counts[(lk, impact)] else None for lk in likelihoods),
        tuple(RATING_STATUS[_rr.rating(lk * impact)] for lk in likelihoods),
        notes=tuple(f"Likelihood {lk} ({LIKELIHOOD_WORDS[lk]}) × impact {impact} ({IMPACT_WORDS[impact]}) = "
                    f"{lk * impact}: {counts[(lk, impact)]} risk{'s' if counts[(lk, impact)] != 1 else ''}"
                    for lk in likelihoods))
        for impact in reversed(_rr.SCALE))
    when = "after mitigation" if after_mitigation else "before mitigation"
    return Chart("risk_matrix_after" if after_mitigation else "risk_matrix", ChartKind.HEATMAP,
                 f"Risk matrix {when}", tuple(f"{lk} {LIKELIHOOD_WORDS[lk]}" if words else str(lk) for lk in likelihoods),
                 series,
                 "Likelihood", "Impact", places=0,
                 note="Risks still to manage (not closed, not resolved by the analyses) in each cell"
                      + ("; a risk whose residual is not assessed stays where it was." if after_mitigation else "."))


def _counts(entries: Sequence[_rr.RegisterEntry], residual: bool) -> str:
    bands = {band: 0 for band in _rr.Rating}
    for e in entries:
        if e.active:
            likelihood, impact = e.after_mitigation if residual else (e.likelihood, e.impact)
            bands[_rr.rating(likelihood * impact)] += 1
    return f"{bands[_rr.Rating.RED]} red, {bands[_rr.Rating.AMBER]} amber and {bands[_rr.Rating.GREEN]} green"


def build_risks(ctx: CaseContext) -> list[Block]:
    entries = register_entries(ctx)
    blocks: list[Block] = []
    active = [e for e in entries if e.active]
    if entries:
        done = len(entries) - len(active)
        blocks.append(Paragraph(
            f"The risk register holds {len(active)} risk{'s' if len(active) != 1 else ''} still to manage: "
            f"{_counts(entries, False)} before mitigation; {_counts(entries, True)} after it"
            + (f" ({done} more closed or resolved)." if done else ".") + " Worst first."))
        blocks.append(register_table(entries))
        if active:
            blocks.append(risk_matrix(entries))
            blocks.append(risk_matrix(entries, after_mitigation=True))
    else:
        blocks.append(Paragraph("The risk register is empty: no risk has been added or seeded from the analyses."))
    risks = collect_risks(unregistered_findings(ctx))
    if not risks:
        blocks.append(Paragraph("Every finding of the analyses is in the register." if entries else
                                "The analyses raise no warnings for this option."))
        return blocks
    red = sum(1 for _, severity, _ in risks if severity.red)
    warnings = sum(1 for _, severity, _ in risks if severity is Severity.WARNING)
    notes = len(risks) - red - warnings
    if entries:
        blocks.append(Heading("The analyses' findings not in the register"))
    counted = [text for n, text in ((red, f"{red} serious or blocking"),
                                    (warnings, f"{warnings} warning{'s' if warnings != 1 else ''}"),
                                    (notes, f"{notes} note{'s' if notes != 1 else ''}")) if n]
    sentence = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted)
    sentence += " raised by the analyses"
    if entries and red + warnings:
        sentence += " and not yet in the register (Refresh from the analyses on the option's Risks tab adds them)"
    sentence += ", most severe first." + (" Notes are for information: they are never risks." if notes else "")
    blocks.extend([
        Paragraph(sentence),
        Table("risks", (Column("Area"), Column("Level"), Column("Issue")),
              tuple((cell(area), cell(severity.label, status_of(severity)), cell(text))
                    for area, severity, text in risks),
              first_column_width=Decimal("0.17")),
    ])
    return blocks


def findings_table(key_: str, findings: Iterable[Finding], *, area: str = "", title: str = "") -> Table:
    """One row per finding, in the order given: its severity (coloured), area (``area`` when it has none),
    code and message."""
    rows = tuple((cell(f.severity.label, status_of(f.severity)), cell(f.area or area), cell(f.code),
                  cell(f.message)) for f in findings)
    return Table(key_, (Column("Severity"), Column("Area"), Column("Code"), Column("Message")), rows, title=title)
