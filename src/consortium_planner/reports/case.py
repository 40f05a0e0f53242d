"""The investment case as a neutral document: sections of paragraphs, tables, charts and key figures.

Built from ``services.analyses.analyse_option`` (the same results ``summary --json`` prints, so every
figure reconciles to the penny) plus the workspace's tender, option and members, then rendered by
``reports.pdf`` (or any other renderer: nothing here knows about reportlab or Qt).

    case = build_case(ws, option_id)                           # every section the data supports
    case = build_case(ws, option_id, sections=["summary", "pricing"])
    case.section("pricing").tables()[0].text(0, 1)             # "£4,190,408.00"

The sections are declared once each (``reports/sections/catalogue.py``, with ``register_section``
from ``reports/sections/registry.py``): key, title, builder, the analyses shown and the position.
Each builder lives with its analysis area in ``reports/sections/`` and takes a ``CaseContext``;
this module gathers the context, builds the sections asked for in document order and names the case.

Rules
  * A section whose analyses are all missing (not run, refused or not applicable) is left out, never
    filled with placeholder text; ``left_out`` says why, and a refusal is listed under Risks.
  * Values stay ``Decimal`` (money, percentage points, volumes) or ``str``; ``Column.kind`` says how
    to show them (``format_value``: money with ``format_gbp``, percentages as ``12.50%``).
  * Narrative text (executive summary, the ask, rationale, governance, management team, track record,
    social impact, social outcomes) lives in the workspace as Setting rows keyed
    ``narrative_key(option_id, name)``; ``narrative=`` overrides it. ``NARRATIVE_PROMPTS`` says what each
    should cover (the editor's prompt).
  * Metadata names the author from the workspace setting "author": never the computer's user name,
    never a file path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.findings import Finding
from ..domain.model import ConsortiumOption, Organisation, Tender, key
from ..domain.verdict import Verdict
from ..domain.workspace import Workspace
from ..services import analyses as _analyses
from ..services.ahead import Job, analysis_job
from ..services.pipeline import NotApplicable, Refusal, Results, reusing
from .document import (
    Block,
    Bullets,
    Cell,
    Chart,
    ChartKind,
    Column,
    Heading,
    KeyFigure,
    KeyFigures,
    Kind,
    Paragraph,
    ReferenceLine,
    Section,
    Series,
    Status,
    Table,
    format_value,
)
from .sections import catalogue as _catalogue  # noqa: F401 - declares the program's sections
from .sections.context import CaseContext
from .sections.registry import (
    SECTION_REGISTRY,
    SECTION_TITLES,
    SECTIONS,
    SectionDeclaration,
    register_section,
)

__all__ = [
    "NARRATIVE_PROMPTS",
    "NARRATIVE_SECTIONS",
    "SECTIONS",
    "SECTION_TITLES",
    "Block",
    "Bullets",
    "CaseContext",
    "CaseMetadata",
    "Cell",
    "Chart",
    "ChartKind",
    "Column",
    "Heading",
    "InvestmentCase",
    "Kind",
    "KeyFigure",
    "KeyFigures",
    "Paragraph",
    "ReferenceLine",
    "Section",
    "SectionDeclaration",
    "Series",
    "Status",
    "Table",
    "build_case",
    "check_sections",
    "format_value",
    "narrative_key",
    "option_by_name",
    "register_section",
    "slug",
]

CREATOR = "Consortium Planner"


@dataclass(frozen=True, slots=True)
class CaseMetadata:
    """What the case says about itself: its title page and the PDF's document properties."""

    title: str
    subject: str
    author: str  # the workspace's "author" setting (may be empty)
    date: dt.date
    consortium: str  # the option's name: the consortium as it bids
    tender: str
    buyer: str
    option_id: int
    keywords: str = "investment case; consortium; public service mutual"
    creator: str = CREATOR
    kind: str = "Investment case"  # what the document is, on its cover and in its footer (e.g. "Case study")


@dataclass(frozen=True, slots=True)
class InvestmentCase:
    """One option's investment case: its sections in document order, and those left out with why."""

    metadata: CaseMetadata
    sections: tuple[Section, ...]
    logo_path: str | None = None  # an image for the cover; used by renderers, never printed
    left_out: tuple[tuple[str, str], ...] = ()  # (section key, why) for sections not built
    findings: tuple[Finding, ...] = ()  # every finding the case reports (its summary and Risks), most severe first
    verdict: Verdict | None = None  # the verdict its summary leads with (None when it could not be reached)

    @property
    def red_findings(self) -> tuple[Finding, ...]:
        """The serious and blocking findings the case reports: what the check before export lists."""
        return tuple(f for f in self.findings if f.severity.red)

    def section(self, key_: str) -> Section | None:
        return next((s for s in self.sections if s.key == key_), None)

    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    @property
    def running_header(self) -> str:
        return f"{self.metadata.consortium} – {self.metadata.tender}"


# --------------------------------------------------------------------------- narrative

#: Narrative the user writes per option: (name, label, the section it appears in).
NARRATIVE_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("executive_summary", "Executive summary", "summary"),
    ("the_ask", "The ask", "ask"),
    ("rationale", "Why this consortium", "consortium"),
    ("governance", "Governance", "governance"),
    ("management_team", "Management team", "governance"),
    ("track_record", "Track record", "governance"),
    ("why_this_option", "Why this option", "options_considered"),
    ("social_impact", "Social impact", "social_impact"),
    ("social_outcomes", "Social outcomes", "social_outcomes"),
)
#: What each narrative should say: the prompt the editor shows in an empty box (investors' questions,
#: DOMAIN §12: governance, the people, what they have done, the impact and how it is measured).
NARRATIVE_PROMPTS: dict[str, str] = {
    "executive_summary": "What the consortium will deliver, for whom, and why it should win.",
    "the_ask": "What you ask the investor for, on what terms, and what the money pays for.",
    "rationale": "Why these partners: what each brings, and why together rather than alone.",
    "governance": "How the consortium is governed: the board or steering group, who decides what, how members "
                  "and staff have a voice, conflicts of interest, and what the lender will be sent and when.",
    "management_team": "Who runs it: the people, their roles and experience, and the gaps you will fill (with "
                       "whom, by when).",
    "track_record": "What the members have delivered before: contracts held and renewed, outcomes, inspection "
                    "ratings (CQC, Ofsted), growth. The members' accounts by year are added below it.",
    "why_this_option": "Why this option rather than the others compared: what it does better, what it costs "
                       "you, and what would change your mind.",
    "social_impact": "The difference the service makes, and how employee ownership shapes it.",
    "social_outcomes": "How you will measure the impact: the theory of change, who collects the data, how often "
                       "you report. The outcomes themselves (measure, baseline, target) go on the option's "
                       "Outcomes tab.",
}
NARRATIVE_PREFIX = "narrative"


def narrative_key(option_id: int, section: str) -> str:
    """The Setting key holding one option's narrative text, e.g. ``narrative.3.executive_summary``."""
    return f"{NARRATIVE_PREFIX}.{option_id}.{section}"


def slug(text: str) -> str:
    """``"Special purpose vehicle"`` → ``"special-purpose-vehicle"`` (for file names)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return s or "option"


def _narrative(ws: Workspace, option_id: int, override: Mapping[str, str] | None) -> dict[str, str]:
    out = {name: ws.setting(narrative_key(option_id, name), "") for name, _, _ in NARRATIVE_SECTIONS}
    if override:
        out.update({k: v for k, v in override.items() if v is not None})
    return out


# --------------------------------------------------------------------------- build


def check_sections(sections: Iterable[str] | None) -> tuple[str, ...]:
    """The section keys asked for, in document order; ValueError naming any unknown key."""
    every = SECTION_REGISTRY.keys()
    if sections is None:
        return every
    wanted = [s.strip() for s in sections if s.strip()]
    unknown = [s for s in wanted if s not in SECTION_REGISTRY]
    if unknown:
        raise ValueError(f"unknown section{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(every)}")
    if not wanted:
        raise ValueError("no sections chosen")
    return tuple(k for k in every if k in wanted)


def _missing(results: Results, needs: Iterable[str]) -> str:
    """Why none of ``needs`` has a value: each one's refusal, "does not apply" reason, or "not run"."""
    return "; ".join(f"{n}: {results[n].reason}" if isinstance(results.get(n), Refusal | NotApplicable)
                     else f"{n}: not run" for n in needs)


#: The case's own analyses worked out ahead: the least-cost split and the lot choice (their first use imports
#: ``scipy.optimize``, about 0.3 s), and the coverage, workforce, partner finder, standing and structure advice,
#: which need nothing or only the prices (worked out again in the child), and the stored scenarios. Chosen by
#: measurement, so that the parent and the child finish about together on the large workspace (builds, medians of
#: 4–5 alternated: 2.0 s with the first two alone, 1.84 s with partners, standing and structure, 1.77 s with
#: coverage and workforce too; the demo's 0.70–0.73 s throughout). The stored scenarios joined when the large
#: workspace's options were first scored against competitors (``generate.VERSION`` 2): the parent then ended about
#: 0.25 s after the child, and whole processes, five of each alternated, took 3.07 s with them ahead against 3.20 s
#: without. Not these: the risk register (3.5 s of work: its findings need most of the other analyses), the
#: sensitivity (whole processes 3.70 s with it ahead) and the risk simulation (3.41 s, with the scenarios): the
#: child then ends later by more than it saves.
AHEAD_OF_THE_CASE: tuple[str, ...] = ("optimiser", "lots", "coverage", "workforce", "partners", "standing",
                                      "structure", "scenarios")


def work_ahead(ws: Workspace, option_id: int, sections: Iterable[str] | None = None) -> list[Job]:
    """What a child process can work out while the case of ``option_id`` is built (``services.ahead``), in the
    order the case reads it: the option's analyses in ``AHEAD_OF_THE_CASE``, the tender's other options'
    figures ("Options considered") and the other chosen options' figures (the bid pipeline)."""
    from ..services import bids as _bids
    from ..services import compare as _compare

    keys = set(check_sections(sections))
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        return []
    jobs = [analysis_job(ws, option_id, n) for n in AHEAD_OF_THE_CASE]
    if "options_considered" in keys and len(others := ws.options(option.tender_id)) >= 2:
        jobs += [_compare.figures_job(ws, o.id) for o in others if o.id != option_id]  # type: ignore[arg-type]
    if "bid_pipeline" in keys and len(ws.tenders()) > 1:
        jobs += [_bids.figures_job(ws, oid) for oid in _bids.chosen_option_ids(ws) if oid != option_id]
    return jobs


def build_case(ws: Workspace, option_id: int, *, sections: Iterable[str] | None = None,
               narrative: Mapping[str, str] | None = None, results: Mapping[str, Any] | None = None,
               on: dt.date | None = None) -> InvestmentCase:
    """The investment case of one consortium option.

    ``sections``: keys from ``SECTIONS`` (None: all); a section the data cannot support is left out.
    ``narrative``: text by ``NARRATIVE_SECTIONS`` name, overriding what the workspace stores.
    ``results``: ``analyse_option``'s output when the caller already has it (else it is run here).
    ``on``: the date printed on the case (default today).
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    keys = check_sections(sections)
    tender = ws.get(Tender, option.tender_id)
    members = ws.members(option_id)
    organisations = {m.id: o for m in members if (o := ws.get(Organisation, m.organisation_id)) is not None}
    if results is None:
        results = _analyses.analyse_option(ws, option_id)
    if not isinstance(results, Results):
        results = Results.of(option_id, results)
    try:
        rates = _analyses.workspace_rates(ws)
    except ValueError:
        rates = None
    ctx = CaseContext(ws, option, tender, members, organisations, results,  # type: ignore[arg-type]
                      _narrative(ws, option_id, narrative), rates)
    built: list[Section] = []
    left_out: list[tuple[str, str]] = []
    with reusing(ws, results):  # a section that runs the option's analyses again (the bid pipeline) reuses these
        for k in keys:
            declared = SECTION_REGISTRY[k]
            if declared.needs and not any(ctx.result(n) is not None for n in declared.needs):
                left_out.append((k, _missing(results, declared.needs)))
                continue
            blocks = declared.build(ctx)
            if not blocks:
                left_out.append((k, "nothing to show"))
                continue
            built.append(Section(k, declared.title, tuple(blocks)))
    tender_name = tender.name if tender else ""
    buyer = tender.buyer if tender else ""
    meta = CaseMetadata(
        title=f"{option.name}: investment case",
        subject=f"Investment case for {tender_name}" + (f", {buyer}" if buyer else "") if tender_name
        else "Investment case",
        author=ws.setting("author", "").strip(),
        date=on or dt.date.today(),
        consortium=option.name,
        tender=tender_name,
        buyer=buyer,
        option_id=option_id,
    )
    logo = ws.setting("logo_path", "").strip()
    logo_path = logo if logo and Path(logo).is_file() else None
    return InvestmentCase(meta, tuple(built), logo_path, tuple(left_out), tuple(ctx.findings),
                          results.ok("verdict"))


def option_by_name(ws: Workspace, name: str) -> ConsortiumOption:
    """The option called ``name`` (case and spacing ignored); ValueError if none or several."""
    found = [o for o in ws.options() if key(o.name) == key(name)]
    if not found:
        names = ", ".join(repr(o.name) for o in ws.options()) or "none"
        raise ValueError(f"no consortium option named {name!r} (options: {names})")
    if len(found) > 1:
        raise ValueError(f"{len(found)} consortium options are named {name!r}; rename one")
    return found[0]
