"""A short case study (two to four pages) of a workspace, usually an anonymised copy (issue 19).

    case = build_case_study(ws)            # an InvestmentCase the PDF renderer prints as it is
    write_case_study(ws, Path("case-study.pdf"))

Built from the document model, not new layout, in two sections after the cover and contents:
*Context and the options compared* (the tender, who took part, and a table of every option of the
tender with its verdict, blocking points and conditions, the chosen one highlighted), and *The verdict
and the lessons* (the chosen option's verdict and the key figures of its investment case's summary,
then what stopped or conditioned the options, worst news first, at most eight points). The chosen option is the one with the best verdict (bid, then bid with conditions,
then do not bid; ties go to fewer blocking points, then fewer conditions).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

from ..domain.model import ConsortiumOption, Organisation, Tender
from ..domain.verdict import Decision, Verdict
from ..domain.workspace import Workspace
from ..services import analyses as _analyses
from .case import CaseMetadata, InvestmentCase, build_case
from .document import (
    Block,
    Bullets,
    Column,
    Heading,
    KeyFigures,
    Kind,
    Paragraph,
    Section,
    Table,
    cell,
    money_text,
    verdict_status,
)
from .pdf import render_pdf

__all__ = ["CaseStudyError", "build_case_study", "write_case_study"]

_RANK = {Decision.BID: 0, Decision.BID_WITH_CONDITIONS: 1, Decision.DO_NOT_BID: 2}
MAX_LESSONS = 8


class CaseStudyError(ValueError):
    """The workspace has nothing a case study could be about (no tender with options)."""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _context(ws: Workspace, tender: Tender, options: list[ConsortiumOption]) -> Section:
    orgs = {m.organisation_id for o in options for m in ws.members(o.id)}  # type: ignore[arg-type]
    kinds: dict[str, int] = {}
    for oid in sorted(i for i in orgs if i is not None):
        org = ws.get(Organisation, oid)
        if org is not None:
            kinds[org.kind.label.lower()] = kinds.get(org.kind.label.lower(), 0) + 1
    who = ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    term = f"{tender.term_years} years" + (f" plus {tender.extension_years} of extensions"
                                           if tender.extension_years else "")
    blocks = [
        Paragraph("This case study is drawn from a Consortium Planner workspace. Names of organisations, "
                  "people and places have been replaced; figures may have been scaled.", "note"),
        Paragraph(f"{tender.buyer or 'The buyer'} bought {tender.name}: about {money_text(tender.annual_value)} a "
                  f"year for {term}, under the {tender.regime.label}. Bids were scored {tender.quality_weight}% "
                  f"on quality, {tender.price_weight}% on price and {tender.social_value_weight}% on social value"
                  + (f"; a year-one price above {money_text(tender.budget_ceiling)} would be rejected."
                     if tender.budget_ceiling is not None else "."), "lead"),
        Paragraph(f"{_plural(len(orgs), 'organisation')} took part ({who or 'none recorded'}) and compared "
                  f"{_plural(len(options), 'way')} to bid: "
                  + "; ".join(f"{o.name} ({o.structure.label.lower()})" for o in options) + "."),
    ]
    return Section("context", "Context and the options compared", tuple(blocks))


def _compared(ws: Workspace, options: list[ConsortiumOption], verdicts: dict[int, Verdict | None],
              chosen: int) -> tuple[Block, ...]:
    rows = []
    for o in options:
        v = verdicts[o.id]  # type: ignore[index]
        members = ws.members(o.id)  # type: ignore[arg-type]
        rows.append((cell(o.name), cell(o.structure.label), cell(Decimal(len(members)), places=0),
                     cell(v.label if v else "Not reached", verdict_status(v.decision) if v else None),
                     cell(Decimal(len(v.blocking)) if v else None, places=0),
                     cell(Decimal(len(v.conditions)) if v else None, places=0)))
    table = Table("options_compared", (Column("Option"), Column("Structure"), Column("Members", Kind.NUMBER, 0),
                                       Column("Verdict"), Column("Blocking", Kind.NUMBER, 0),
                                       Column("Conditions", Kind.NUMBER, 0)), tuple(rows),
                  highlight_rows=tuple(i for i, o in enumerate(options) if o.id == chosen),
                  note="Blocking: findings that stop the bid as it stands. Conditions: what must be met before "
                       "the bid goes in. The highlighted option is the one this case study follows.")
    chosen_name = next(o.name for o in options if o.id == chosen)
    verdict = verdicts[chosen]
    lead = (f"The option with the best verdict was {chosen_name}: {verdict.headline}" if verdict else
            f"No option reached a verdict; this case study follows {chosen_name}.")
    return (Heading("The options compared"), Paragraph(lead, "lead"), table)


def _lessons(options: list[ConsortiumOption], verdicts: dict[int, Verdict | None], chosen: int) -> tuple[Block, ...]:
    """Worst news first: every point that stopped an option, then each option's conditions by area (the chosen
    option first), with a count and the first example."""
    items: list[str] = []
    ordered = sorted(options, key=lambda o: (o.id != chosen, o.id or 0))
    for o in ordered:
        v = verdicts[o.id]  # type: ignore[index]
        for p in (v.blocking if v else ()):
            items.append(f"{o.name} was stopped ({p.area.lower() or 'a finding'}): {p.text}")
    for o in ordered:
        v = verdicts[o.id]  # type: ignore[index]
        by_area: dict[str, list[str]] = {}
        for p in (v.conditions if v else ()):
            by_area.setdefault(p.area or "Other", []).append(p.text)
        for area, texts in by_area.items():
            if len(texts) == 1:
                items.append(f"{o.name}, a condition on {area.lower()}: {texts[0]}")
            else:
                items.append(f"{o.name}, {len(texts)} conditions on {area.lower()}, for example: {texts[0]}")
    if not items:
        items = ["No option was stopped or conditioned by the analyses."]
    more = len(items) - MAX_LESSONS
    shown = items[:MAX_LESSONS] + ([f"… and {_plural(more, 'more point')} in the workspace."] if more > 0 else [])
    return (Heading("Lessons"), Bullets(tuple(shown)))


def build_case_study(ws: Workspace, *, on: dt.date | None = None) -> InvestmentCase:
    """The case study of the first tender with options in ``ws`` (``CaseStudyError`` if there is none)."""
    tender = next((t for t in sorted(ws.iter(Tender), key=lambda t: t.id or 0)
                   if any(o.tender_id == t.id for o in ws.options())), None)
    if tender is None:
        raise CaseStudyError("the workspace has no tender with consortium options: nothing to write a case study of")
    options = sorted((o for o in ws.options() if o.tender_id == tender.id), key=lambda o: o.id or 0)
    results = {o.id: _analyses.analyse_option(ws, o.id) for o in options}  # type: ignore[arg-type]
    verdicts: dict[int, Verdict | None] = {o.id: results[o.id].ok("verdict") for o in options}  # type: ignore[misc]

    def rank(o: ConsortiumOption) -> tuple[int, int, int, int]:
        v = verdicts[o.id]  # type: ignore[index]
        if v is None:
            return (3, 0, 0, o.id or 0)
        return (_RANK[v.decision], len(v.blocking), len(v.conditions), o.id or 0)

    chosen = min(options, key=rank)
    case = build_case(ws, chosen.id, sections=("summary",), results=results[chosen.id], on=on)  # type: ignore[arg-type]
    context = _context(ws, tender, options)
    context = dataclasses.replace(context, blocks=context.blocks + _compared(ws, options, verdicts, chosen.id))  # type: ignore[arg-type]
    verdict = verdicts[chosen.id]  # type: ignore[index]
    # the chosen option's verdict and key figures, as its investment case's summary gives them
    figures = tuple(b for s in case.sections for b in s.blocks if isinstance(b, KeyFigures))[:1]
    verdict_blocks: tuple[Block, ...] = (
        Paragraph(f"{chosen.name}: {verdict.headline}" if verdict else f"{chosen.name}: no verdict was reached.",
                  "lead"), *figures, *_lessons(options, verdicts, chosen.id))  # type: ignore[arg-type]
    sections = (context, Section("verdict", "The verdict and the lessons", verdict_blocks))
    meta = CaseMetadata(title=f"Case study: {tender.name}", subject=f"Case study of consortium options for {tender.name}",
                        author="", date=case.metadata.date, consortium=chosen.name, tender=tender.name,
                        buyer=tender.buyer, option_id=chosen.id or 0,  # type: ignore[arg-type]
                        keywords="case study; consortium; public service mutual; anonymised", kind="Case study")
    return InvestmentCase(meta, sections, None, case.left_out, case.findings, case.verdict)


def write_case_study(ws: Workspace, path: str | Path, *, on: dt.date | None = None) -> Path:
    """Render ``build_case_study(ws)`` as a PDF at ``path`` (atomically; never over a workspace)."""
    return render_pdf(build_case_study(ws, on=on), path)
