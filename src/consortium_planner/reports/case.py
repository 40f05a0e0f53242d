"""The investment case as a neutral document: sections of paragraphs, tables, charts and key figures.

Built from ``services.analyses.analyse_option`` (the same results ``summary --json`` prints, so every
figure reconciles to the penny) plus the workspace's tender, option and members, then rendered by
``reports.pdf`` (or any other renderer: nothing here knows about reportlab or Qt).

    case = build_case(ws, option_id)                           # every section the data supports
    case = build_case(ws, option_id, sections=["summary", "pricing"])
    case.section("pricing").tables()[0].text(0, 1)             # "£4,190,408.00"

Rules
  * A section whose analysis is missing (not in the results, or ``{"error": ...}``) is left out,
    never filled with placeholder text; the reason an analysis failed is listed under Risks.
  * Values stay ``Decimal`` (money, percentage points, volumes) or ``str``; ``Column.kind`` says how
    to show them (``format_value``: money with ``format_gbp``, percentages as ``12.50%``).
  * Narrative text (executive summary, the ask, rationale, governance, social impact) lives in the
    workspace as Setting rows keyed ``narrative_key(option_id, name)``; ``narrative=`` overrides it.
  * Metadata names the author from the workspace setting "author": never the computer's user name,
    never a file path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..domain import bid as _bid
from ..domain import capacity as _capacity
from ..domain import optimise as _optimise
from ..domain import pricing as _pricing
from ..domain import standing as _standing
from ..domain.findings import Finding, Severity
from ..domain.model import (
    ConsortiumOption,
    Lot,
    Member,
    Organisation,
    PriceMethod,
    Structure,
    Tender,
    key,
)
from ..domain.money import HUNDRED, ZERO, format_decimal, format_gbp
from ..domain.rates import RateTable
from ..domain.workspace import Workspace
from ..services import analyses as _analyses
from ..services.pipeline import NotApplicable, Refusal, Results
from .document import (
    MISSING,
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
    status_of,
)
from .sections.capacity import coverage_heatmap, split_columns

__all__ = [
    "NARRATIVE_SECTIONS",
    "SECTIONS",
    "Block",
    "Bullets",
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
    "Series",
    "Status",
    "Table",
    "build_case",
    "format_value",
    "narrative_key",
    "slug",
]

CREATOR = "Consortium Planner"

@dataclass(frozen=True, slots=True)
class CaseMetadata:
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


@dataclass(frozen=True, slots=True)
class InvestmentCase:
    metadata: CaseMetadata
    sections: tuple[Section, ...]
    logo_path: str | None = None  # an image for the cover; used by renderers, never printed
    left_out: tuple[tuple[str, str], ...] = ()  # (section key, why) for sections not built

    def section(self, key_: str) -> Section | None:
        return next((s for s in self.sections if s.key == key_), None)

    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    @property
    def running_header(self) -> str:
        return f"{self.metadata.consortium} – {self.metadata.tender}"


# --------------------------------------------------------------------------- sections and narrative

SECTIONS: tuple[tuple[str, str], ...] = (
    ("summary", "Executive summary and the ask"),
    ("consortium", "The consortium"),
    ("opportunity", "The opportunity"),
    ("capacity", "Service and capacity plan"),
    ("pricing", "Pricing and win analysis"),
    ("projection", "Financial projections"),
    ("funding", "Funding requirement and use of funds"),
    ("returns", "Affordability and returns"),
    ("standing", "Financial standing"),
    ("reserved", "Reserved-contract eligibility"),
    ("social_impact", "Social impact and employee ownership"),
    ("risks", "Risks"),
    ("assumptions", "Assumptions and sources"),
)
SECTION_TITLES = dict(SECTIONS)

#: Narrative the user writes per option: (name, label, the section it appears in).
NARRATIVE_SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("executive_summary", "Executive summary", "summary"),
    ("the_ask", "The ask", "summary"),
    ("rationale", "Why this consortium", "consortium"),
    ("governance", "Governance", "consortium"),
    ("social_impact", "Social impact", "social_impact"),
)
NARRATIVE_PREFIX = "narrative"


def narrative_key(option_id: int, section: str) -> str:
    """The Setting key holding one option's narrative text, e.g. ``narrative.3.executive_summary``."""
    return f"{NARRATIVE_PREFIX}.{option_id}.{section}"


def slug(text: str) -> str:
    """``"Special purpose vehicle"`` → ``"special-purpose-vehicle"`` (for file names)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return s or "option"


def _paragraphs(text: str, style: str = "body") -> list[Paragraph]:
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return [Paragraph(p, style) for p in parts if p]


# --------------------------------------------------------------------------- helpers


def _ok(results: Mapping[str, Any], name: str) -> Any:
    """The analysis result, or None when it is missing, refused or not applicable."""
    value = results.get(name)
    if value is None or isinstance(value, Refusal | NotApplicable):
        return None
    return value


def _pct_of(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return part * HUNDRED / whole


def _date(d: dt.date | None) -> str:
    return MISSING if d is None else f"{d.day} {d:%B %Y}"


def _yes(flag: bool | None, *, unknown: str = "check") -> str:
    return unknown if flag is None else ("yes" if flag else "no")


def _t(value: Decimal | str | None, status: Status | None = None, kind: Kind | None = None,
       places: int | None = None) -> Cell:
    return Cell(value, status, kind, places)


def _join(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


_STANDING_STATUS = {
    _standing.Status.GREEN: Status.GREEN,
    _standing.Status.AMBER: Status.AMBER,
    _standing.Status.RED: Status.RED,
}
_RISK_STATUS = {_standing.Risk.LOW: Status.GREEN, _standing.Risk.MEDIUM: Status.AMBER,
                _standing.Risk.HIGH: Status.RED}
_COVERAGE_STATUS = {_capacity.CoverageStatus.COVERED: Status.GREEN, _capacity.CoverageStatus.THIN: Status.AMBER,
                    _capacity.CoverageStatus.GAP: Status.RED}
_VERDICT_STATUS = {_standing.ReservedVerdict.ELIGIBLE: Status.GREEN,
                   _standing.ReservedVerdict.CHECK: Status.AMBER,
                   _standing.ReservedVerdict.NOT_ELIGIBLE: Status.RED}

#: DOMAIN §4: contracting party, liability, standing tested, typical set-up [U].
STRUCTURE_FACTS: dict[Structure, tuple[str, str, str, str]] = {
    Structure.GO_ALONE: ("the organisation itself", "its own", "the organisation alone", "none"),
    Structure.LEAD_PROVIDER: ("the lead", "the lead's, passed down back-to-back", "the lead (with guarantees)",
                              "4–8 weeks, £3–15k legal [U]"),
    Structure.CONSORTIUM: ("the members jointly, or the lead as agent", "usually joint and several",
                           "the members combined", "1–3 months [U]"),
    Structure.SPV: ("the special purpose vehicle", "ring-fenced in the vehicle", "the members' guarantees",
                    "3–6+ months; its own CQC registration if regulated [U]"),
    Structure.LLP: ("the LLP", "limited; flexible profit shares", "the members' guarantees", "3–6+ months [U]"),
    Structure.SECONDARY_COOP: ("the co-operative", "limited; one member one vote", "the members' guarantees",
                               "3–6+ months [U]"),
    Structure.ALLIANCE: ("the commissioner and every provider", "shared risk and reward; no new entity",
                         "each provider on its own share", "commissioner-led"),
}

#: DOMAIN §3 price-scoring formulas, as the buyer will apply them.
PRICE_METHOD_RULES: dict[PriceMethod, str] = {
    PriceMethod.RELATIVE: "price score = price weight × lowest price ÷ our price",
    PriceMethod.LINEAR_LOWEST: "price score = price weight × max(0, 1 − (our price − lowest) ÷ lowest)",
    PriceMethod.LINEAR_RANGE: "price score = price weight × (highest − our price) ÷ (highest − lowest)",
    PriceMethod.FROM_MEAN: "price score = price weight × clamp(1 − (our price − mean) ÷ mean, 0, 1)",
    PriceMethod.BUDGET: ("a price above the ceiling fails; otherwise price score = price weight × "
                         "clamp(1 − (our price − budget) ÷ budget, 0, 1)"),
}

#: DOMAIN.md sources, for the appendix.
SOURCES: tuple[str, ...] = (
    "Cabinet Office: Assessing and monitoring the economic and financial standing of suppliers (guidance note, "
    "2021, updated 2024); Bid Evaluation and Should Cost Modelling guidance notes (2021).",
    "Public Contracts Regulations 2015, regulations 19, 58, 63 and 77; Procurement Act 2023, sections 22, 33 "
    "and 68; PPN 002 (2025) on social value.",
    "NHS England: Provider Selection Regime statutory guidance.",
    "NCVO: consortium operating models; HMRC VAT Cost Sharing Exemption manual.",
    "GOV.UK Mutuals Support Programme 2; Good Finance; Better Society Capital Growth Fund.",
    "Low Pay Commission rates; HMRC rates and thresholds for employers; NHS Employers pension contributions.",
    "Homecare Association minimum price for homecare 2025/26; CMA care homes market study (2017); "
    "NHS England adult social care activity 2023/24.",
)
MARKS: tuple[str, ...] = (
    "[V] checked against a named source.",
    "[K] widely used; check against the primary text.",
    "[U] a heuristic or an assumption: an editable default, never a hard rule.",
)


# --------------------------------------------------------------------------- the context


@dataclass(slots=True)
class _Ctx:
    ws: Workspace
    option: ConsortiumOption
    tender: Tender | None
    members: list[Member]
    orgs: dict[int, Organisation]  # member id → organisation
    results: Results
    narrative: dict[str, str]
    rates: RateTable | None

    @property
    def findings(self) -> list[Finding]:
        return self.results.findings()

    def get(self, name: str) -> Any:
        return _ok(self.results, name)

    def member_name(self, member_id: int | None) -> str:
        org = self.orgs.get(member_id) if member_id is not None else None  # type: ignore[arg-type]
        return org.name if org else f"Member {member_id}"

    @property
    def lead_name(self) -> str | None:
        org = self.ws.get(Organisation, self.option.lead_organisation_id)
        return org.name if org else None

    def text(self, name: str) -> str:
        return self.narrative.get(name, "").strip()


def _narrative(ws: Workspace, option_id: int, override: Mapping[str, str] | None) -> dict[str, str]:
    out = {name: ws.setting(narrative_key(option_id, name), "") for name, _, _ in NARRATIVE_SECTIONS}
    if override:
        out.update({k: v for k, v in override.items() if v is not None})
    return out


# --------------------------------------------------------------------------- summary


def _key_figures(c: _Ctx) -> KeyFigures:
    prices: _pricing.PriceSchedule | None = c.get("prices")
    coverage: _capacity.CoverageResult | None = c.get("coverage")
    standing: _standing.StandingResult | None = c.get("standing")
    ev: _bid.BidEvaluation | None = c.get("evaluation")
    workforce: _capacity.WorkforceResult | None = c.get("workforce")
    items: list[KeyFigure] = []
    if prices is not None and prices.years:
        y1 = prices.years[0]
        status = Status.RED if y1.over_ceiling else Status.AMBER if y1.over_budget else Status.GREEN
        note = ""
        if y1.ceiling is not None:
            note = f"ceiling {format_gbp(y1.ceiling)}"
        elif y1.budget is not None:
            note = f"budget {format_gbp(y1.budget)}"
        items.append(KeyFigure("Annual price (year one)", y1.annual_price, Kind.MONEY, status=status, note=note))
        term = sum(1 for y in prices.years if not y.is_extension)
        items.append(KeyFigure(f"Contract price ({term} years)", prices.term_price, Kind.MONEY,
                               note=f"{format_gbp(prices.total_price)} with extensions"
                               if prices.total_price != prices.term_price else ""))
    if coverage is not None:
        covered = coverage.covered_pct
        status = (Status.RED if coverage.n_gap else Status.AMBER if coverage.n_thin else Status.GREEN)
        items.append(KeyFigure("Required volume covered", covered, Kind.PERCENT, status=status,
                               note=f"{coverage.n_gap} gaps, {coverage.n_thin} thin"))
    if standing is not None:
        items.append(KeyFigure("Financial standing risk", standing.risk.label, status=_RISK_STATUS[standing.risk],
                               note=f"{len(standing.fails)} test{'s' if len(standing.fails) != 1 else ''} failed"))
    if ev is not None and ev.win is not None:
        rank = ""
        if ev.evaluation is not None and ev.evaluation.rank is not None:
            rank = f"ranked {ev.evaluation.rank} of {len(ev.evaluation.bids)} at this price"
        items.append(KeyFigure("Win probability", ev.win.probability * HUNDRED, Kind.PERCENT, note=rank))
    if ev is not None and ev.best is not None:
        items.append(KeyFigure("Best price for expected contribution", ev.best.price, Kind.MONEY,
                               note=f"win probability {format_value(ev.best.probability * HUNDRED, Kind.PERCENT)}"))
    try:
        items.extend(_funding_key_figures(c))
    except AttributeError:  # funding results of another shape: the section says why it is missing
        pass
    if workforce is not None and len(items) < 8:  # two full rows of four at most
        items.append(KeyFigure("Staff (FTE)", workforce.total_fte, Kind.NUMBER,
                               note=f"{format_decimal(workforce.total_tupe_fte)} by TUPE, "
                                    f"{format_decimal(workforce.total_recruitment_fte)} to recruit"))
    return KeyFigures(tuple(items))


def _overview(c: _Ctx) -> str:
    o, t = c.option, c.tender
    parts: list[str] = []
    n = len(c.members)
    target = (f" for {t.name}" + (f" ({t.buyer})" if t.buyer else "")) if t is not None else ""
    if o.structure is Structure.GO_ALONE or n == 1:
        alone = c.lead_name or (c.member_name(c.members[0].id) if c.members else "The lead")
        who = f"Under this option, {alone} bids alone{target}"
    else:
        who = f"Under this option, {n} members bid together as {_article(o.structure.label)}{target}"
        if c.lead_name and o.structure in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM):
            who += f", led by {c.lead_name}"
    parts.append(who + ".")
    prices: _pricing.PriceSchedule | None = c.get("prices")
    if prices is not None and prices.years:
        y1 = prices.years[0]
        s = f"The year-one price is {format_gbp(y1.annual_price)}"
        if y1.budget is not None:
            s += f" against the buyer's estimate of {format_gbp(y1.budget)}"
        if y1.ceiling is not None:
            s += f" and a ceiling of {format_gbp(y1.ceiling)}"
        s += "; " + ("it is above the ceiling, so as priced the bid would fail" if y1.over_ceiling else
                     "it is above the estimate but within the ceiling" if y1.over_budget else
                     "it is within the budget")
        parts.append(s + ".")
    coverage: _capacity.CoverageResult | None = c.get("coverage")
    if coverage is not None and coverage.covered_pct is not None:
        parts.append(f"The members cover {format_value(coverage.covered_pct, Kind.PERCENT)} of the required volume "
                     f"({coverage.n_gap} requirement{'s' if coverage.n_gap != 1 else ''} with a gap, "
                     f"{coverage.n_thin} thin).")
    standing: _standing.StandingResult | None = c.get("standing")
    if standing is not None:
        parts.append(f"Financial standing: {standing.risk_explanation}")
    ev: _bid.BidEvaluation | None = c.get("evaluation")
    if ev is not None and ev.win is not None and ev.evaluation is not None:
        s = (f"Against the competitors assumed, the bid ranks {ev.evaluation.rank} of {len(ev.evaluation.bids)} with a "
             f"modelled win probability of {format_value(ev.win.probability * HUNDRED, Kind.PERCENT)}")
        if ev.best is not None:
            s += (f"; the price that maximises expected contribution is {format_gbp(ev.best.price)} "
                  f"({format_value(ev.best.probability * HUNDRED, Kind.PERCENT)} to win)")
        parts.append(s + ".")
    return " ".join(parts)


def _article(label: str) -> str:
    low = label[0].lower() + label[1:] if not label[:2].isupper() else label
    return ("an " if low[0] in "aeiou" else "a ") + low


def build_summary(c: _Ctx) -> Section:
    blocks: list[Block] = []
    blocks.extend(_paragraphs(c.text("executive_summary")))
    blocks.append(Paragraph(_overview(c), "lead" if not c.text("executive_summary") else "body"))
    figs = _key_figures(c)
    if figs.items:
        blocks.append(figs)
    ask = c.text("the_ask")
    try:
        funding_line = _funding_ask(c)
    except AttributeError:
        funding_line = ""
    if ask or funding_line:
        blocks.append(Heading("The ask"))
        blocks.extend(_paragraphs(ask))
        if funding_line:
            blocks.append(Paragraph(funding_line))
    return Section("summary", SECTION_TITLES["summary"], tuple(blocks))


# --------------------------------------------------------------------------- consortium


def build_consortium(c: _Ctx) -> Section:
    o = c.option
    blocks: list[Block] = []
    party, liability, tested, setup = STRUCTURE_FACTS[o.structure]
    lead = c.lead_name
    facts = [
        ("Structure", o.structure.label),
        ("Contracting party", party),
        ("Liability", o.liability.label),
        ("Lead", lead if lead else "none: the contracting party is " + party),
        ("Standing tested on", tested),
        ("Typical set-up", setup),
        ("Management fee", format_value(o.management_fee_pct, Kind.PERCENT) + " of contract value"),
        ("Shared back office", format_gbp(o.shared_costs_per_year) + " a year"),
        ("Margin and contingency", f"{format_value(o.margin_pct, Kind.PERCENT)} margin, "
                                   f"{format_value(o.contingency_pct, Kind.PERCENT)} contingency"),
    ]
    blocks.append(Table("structure", (Column("Item"), Column("Detail")),
                        tuple((_t(k), _t(v)) for k, v in facts), first_column_width=Decimal("0.3")))
    rows = []
    total_part = total_profit = total_capital = total_guarantee = ZERO
    for m in c.members:
        org = c.orgs.get(m.id)  # type: ignore[arg-type]
        rows.append((
            _t(org.name if org else f"Member {m.id}"),
            _t(org.kind.label if org else MISSING),
            _t(m.role.label),
            _t(m.participation_pct),
            _t(m.profit_share_pct),
            _t(m.capital_contribution),
            _t(m.guarantee if m.guarantee is not None else "none"),
        ))
        total_part += m.participation_pct
        total_profit += m.profit_share_pct
        total_capital += m.capital_contribution
        total_guarantee += m.guarantee or ZERO
    rows.append((_t("Total"), _t(""), _t(""), _t(total_part), _t(total_profit), _t(total_capital),
                 _t(total_guarantee)))
    blocks.append(Heading("Members"))
    blocks.append(Table("members", (
        Column("Member"), Column("Kind"), Column("Role"), Column("Participation", Kind.PERCENT),
        Column("Profit share", Kind.PERCENT), Column("Capital", Kind.MONEY), Column("Guarantee", Kind.MONEY),
    ), tuple(rows), total_rows=1))
    if o.notes.strip():
        blocks.extend(_paragraphs(o.notes))
    if c.text("rationale"):
        blocks.append(Heading("Why this consortium"))
        blocks.extend(_paragraphs(c.text("rationale")))
    if c.text("governance"):
        blocks.append(Heading("Governance"))
        blocks.extend(_paragraphs(c.text("governance")))
    return Section("consortium", SECTION_TITLES["consortium"], tuple(blocks))


# --------------------------------------------------------------------------- opportunity


def build_opportunity(c: _Ctx) -> Section | None:
    t = c.tender
    if t is None:
        return None
    ws = c.ws
    blocks: list[Block] = []
    term = f"{t.term_years} years" + (f" plus {t.extension_years} of extensions" if t.extension_years else "")
    facts: list[tuple[str, str]] = [
        ("Buyer", f"{t.buyer or MISSING} ({t.buyer_type.label.lower()})"),
        ("Procurement regime", t.regime.label),
        ("Reserved for public service mutuals", "yes" if t.reserved_for_mutuals else "no"),
        ("Published", _date(t.published)),
        ("Bid deadline", _date(t.deadline)),
        ("Service start", _date(t.start_date)),
        ("Term", term + (f", to {_date(t.end_date)}" if t.end_date else "")),
        ("Estimated annual value", format_gbp(t.annual_value)),
        ("Annual budget ceiling", format_gbp(t.budget_ceiling, missing="none given")),
        ("Mobilisation", f"{t.mobilisation_months} months"),
        ("Payment terms", f"{t.payment_terms_days} days"),
        ("Indexation assumed", f"pay {format_value(t.pay_indexation_pct, Kind.PERCENT)} a year, "
                               f"CPI {format_value(t.cpi_indexation_pct, Kind.PERCENT)} a year"),
        ("Minimum turnover", f"{format_decimal(t.turnover_multiple)} × annual value"),
        ("Performance bond", f"{format_value(t.bond_pct, Kind.PERCENT)} of annual value"
         if t.bond_pct else "none asked for"),
        ("Employer's liability insurance", format_gbp(t.employers_liability, missing="not stated")),
        ("Public liability insurance", format_gbp(t.public_liability, missing="not stated")),
    ]
    blocks.append(Table("tender", (Column("Item"), Column("Detail")), tuple((_t(k), _t(v)) for k, v in facts),
                        first_column_width=Decimal("0.34")))
    if t.notes.strip():
        blocks.extend(_paragraphs(t.notes))
    # what is bought: by lot and service line
    reqs = ws.requirements(t.id)  # type: ignore[arg-type]
    lots = {lot.id: lot for lot in ws.lots(t.id)}  # type: ignore[arg-type]
    groups: dict[tuple[int | None, str], list] = {}
    for r in reqs:
        groups.setdefault((r.lot_id, key(r.service_line)), []).append(r)
    if groups:
        rows = []
        order = sorted(groups, key=lambda k: (_lot_name(lots, k[0]).casefold(), groups[k][0].id or 0))
        for k in order:
            rs = groups[k]
            units = {r.unit for r in rs}
            rows.append((_t(_lot_name(lots, k[0])), _t(rs[0].service_line),
                         _t(Decimal(len({key(r.area) for r in rs}))),
                         _t(sum((r.annual_volume for r in rs), ZERO)), _t(", ".join(sorted(units)))))
        blocks.append(Heading("What the buyer wants"))
        blocks.append(Table("requirements", (
            Column("Lot"), Column("Service line"), Column("Areas", Kind.NUMBER, 0),
            Column("Annual volume", Kind.NUMBER, 0), Column("Unit")), tuple(rows)))
    # evaluation
    blocks.append(Heading("Evaluation"))
    blocks.append(Table("evaluation_weights", (Column("Criterion"), Column("Weight", Kind.PERCENT, 0)), (
        (_t("Quality"), _t(t.quality_weight)),
        (_t("Price"), _t(t.price_weight)),
        (_t("Social value"), _t(t.social_value_weight)),
    )))
    blocks.append(Paragraph(f"Price scoring: {t.price_method.label.lower()}; {PRICE_METHOD_RULES[t.price_method]}. "
                            "Total score = quality weight × quality score ÷ maximum + social value weight × social "
                            "value score ÷ maximum + price score."))
    conditions = ws.conditions(t.id)  # type: ignore[arg-type]
    if conditions:
        rows = []
        for fc in sorted(conditions, key=lambda x: list(type(x.metric)).index(x.metric)):
            rows.append((_t(fc.metric.label), _t(fc.threshold), _t(fc.amber_threshold), _t(fc.notes)))
        blocks.append(Heading("Financial conditions"))
        blocks.append(Table("financial_conditions", (
            Column("Test"), Column("Pass threshold", Kind.NUMBER), Column("Amber threshold", Kind.NUMBER),
            Column("Notes")), tuple(rows)))
    cohorts = ws.tupe_cohorts(t.id)  # type: ignore[arg-type]
    if cohorts:
        rows = [(_t(x.name), _t(x.current_employer), _t(x.service_line), _t(x.area), _t(Decimal(x.headcount)),
                 _t(x.fte), _t(x.average_salary), _t(x.pension_scheme.label)) for x in cohorts]
        blocks.append(Heading("Staff transferring under TUPE"))
        blocks.append(Table("tupe_cohorts", (
            Column("Cohort"), Column("Employer now"), Column("Service line"), Column("Area"),
            Column("Headcount", Kind.NUMBER, 0), Column("FTE", Kind.NUMBER, 1), Column("Average salary", Kind.MONEY),
            Column("Pension")), tuple(rows)))
    return Section("opportunity", SECTION_TITLES["opportunity"], tuple(blocks))


def _lot_name(lots: Mapping[int | None, Lot], lot_id: int | None) -> str:
    lot = lots.get(lot_id)
    return lot.name if lot else "No lot"


# --------------------------------------------------------------------------- capacity

HEATMAP_COLUMNS = 9  # areas per heat map table before it is split


def build_capacity(c: _Ctx) -> Section | None:
    coverage: _capacity.CoverageResult | None = c.get("coverage")
    workforce: _capacity.WorkforceResult | None = c.get("workforce")
    if coverage is None and workforce is None:
        return None
    blocks: list[Block] = []
    if coverage is not None:
        blocks.append(Paragraph(
            f"The tender asks for {format_decimal(coverage.total_required, 0)} units a year across "
            f"{len(coverage.requirements)} requirements (service line × area). The members are allocated "
            f"{format_decimal(coverage.total_allocated, 0)}, covering {format_value(coverage.covered_pct, Kind.PERCENT)}"
            f" of it: {coverage.n_covered} requirements covered with headroom, {coverage.n_thin} thin (little "
            f"headroom or relying on growth) and {coverage.n_gap} with a gap. Mobilisation allows "
            f"{coverage.mobilisation_months} months."))
        blocks.extend(_heatmaps(c))
        blocks.extend(_utilisation(c, coverage))
    partners: list[_capacity.PartnerCandidate] | None = c.get("partners")
    if partners:
        rows = [(_t(p.name), _t(p.kind.label), _t(p.home_area), _t(p.covers), _t(p.covers_pct),
                 _t(Decimal(p.lead_time_months)), _t(_yes(p.mobilisation_ok))) for p in partners[:8]]
        blocks.append(Heading("Partners who could fill the gaps"))
        blocks.append(Table("partners", (
            Column("Organisation"), Column("Kind"), Column("Home area"), Column("Volume it covers", Kind.NUMBER, 0),
            Column("Share of gaps", Kind.PERCENT), Column("Lead time (months)", Kind.NUMBER, 0),
            Column("Ready in time")), tuple(rows)))
    if workforce is not None:
        blocks.extend(_workforce(c, workforce))
    proposal: _optimise.Proposal | None = c.get("optimiser")
    if proposal is not None and coverage is not None and proposal.member_totals:
        blocks.extend(_optimiser(c, coverage, proposal))
    return Section("capacity", SECTION_TITLES["capacity"], tuple(blocks))


def _heatmaps(c: _Ctx) -> list[Block]:
    grid: _capacity.CoverageGrid | None = c.get("coverage_grid")
    if grid is None or not grid.rows:
        return []
    return [Heading("Coverage by service line and area"),
            *split_columns(coverage_heatmap(grid), HEATMAP_COLUMNS)]


def _utilisation(c: _Ctx, coverage: _capacity.CoverageResult) -> list[Block]:
    out: list[Block] = []
    members = [m for m in coverage.members if m.allocated > 0 or m.capacity > 0]
    if not members:
        return out
    chart_members = [m for m in members if m.utilisation_pct is not None]
    if chart_members:
        out.append(Heading("Members' capacity"))
        out.append(Chart("utilisation", ChartKind.BAR, "Allocated volume as % of each member's capacity now",
                         tuple(m.name for m in chart_members),
                         (Series("Utilisation", tuple(m.utilisation_pct for m in chart_members)),),
                         "Member", "Utilisation of capacity now (%)", y_kind=Kind.PERCENT, horizontal=True,
                         references=(ReferenceLine("Capacity now", Decimal(100)),)))
    else:
        out.append(Heading("Members' capacity"))
    rows = []
    for m in members:
        mob = MISSING if m.mobilisation_ok is None else ("ready" if m.mobilisation_ok else "late")
        mob_status = None if m.mobilisation_ok is None else (Status.GREEN if m.mobilisation_ok else Status.AMBER)
        growth_status = Status.RED if m.growth_exceeds_limit else None
        rows.append((_t(m.name), _t(m.role.label), _t(m.allocated), _t(m.capacity), _t(m.utilisation_pct),
                     _t(m.max_growth_needed_pct, growth_status),
                     _t(None if m.lead_time_months is None else Decimal(m.lead_time_months)),
                     _t(mob, mob_status)))
    out.append(Table("member_capacity", (
        Column("Member"), Column("Role"), Column("Allocated", Kind.NUMBER, 0), Column("Capacity now", Kind.NUMBER, 0),
        Column("Utilisation", Kind.PERCENT), Column("Growth needed", Kind.PERCENT),
        Column("Lead time (months)", Kind.NUMBER, 0), Column("Mobilisation")), tuple(rows),
        note=f"Volumes are units a year in each requirement's own unit. Mobilisation: {coverage.mobilisation_months} "
             "months; a member is late when its longest lead time to grow is longer."))
    return out


def _workforce(c: _Ctx, w: _capacity.WorkforceResult) -> list[Block]:
    out: list[Block] = [Heading("Workforce")]
    out.append(Paragraph(
        f"Delivering the allocated volume takes {format_decimal(w.total_fte)} FTE at "
        f"{format_decimal(w.productive_hours_per_fte, 0)} productive hours per FTE a year; "
        f"{format_decimal(w.total_tupe_fte)} FTE transfer under TUPE and {format_decimal(w.total_recruitment_fte)} FTE "
        f"must be recruited in the first year (the shortfall after TUPE plus {format_decimal(w.staff_turnover_pct, 0)}% "
        "staff turnover)."))
    rows = []
    for m in w.members:
        mob = MISSING if m.mobilisation_ok is None else ("ready" if m.mobilisation_ok else "late")
        rows.append((_t(m.name), _t(m.fte), _t(m.tupe_fte), _t(m.recruitment_fte),
                     _t(None if m.lead_time_months is None else Decimal(m.lead_time_months)),
                     _t(mob, None if m.mobilisation_ok is None else
                        (Status.GREEN if m.mobilisation_ok else Status.AMBER))))
    rows.append((_t("Total"), _t(w.total_fte), _t(w.total_tupe_fte), _t(w.total_recruitment_fte), _t(None),
                 _t("")))
    out.append(Table("workforce", (
        Column("Member"), Column("FTE", Kind.NUMBER), Column("TUPE FTE", Kind.NUMBER),
        Column("Recruitment FTE", Kind.NUMBER), Column("Lead time (months)", Kind.NUMBER, 0),
        Column("Mobilisation")), tuple(rows), total_rows=1))
    chart_members = [m for m in w.members if m.fte > 0]
    if chart_members:
        out.append(Chart("workforce_chart", ChartKind.STACKED, "Staff by member: transferring and recruited",
                         tuple(m.name for m in chart_members), (
                             Series("TUPE transfer", tuple(min(m.tupe_fte, m.fte) for m in chart_members)),
                             Series("Other staff", tuple(max(ZERO, m.fte - m.tupe_fte) for m in chart_members)),
                         ), "Member", "Staff (FTE)", y_kind=Kind.NUMBER, horizontal=True))
    if w.tupe_assignments or w.tupe_unassigned:
        rows = [(_t(a.cohort_name), _t(c.member_name(a.member_id)), _t(a.service_line), _t(a.fte))
                for a in w.tupe_assignments]
        rows += [(_t(u.cohort_name), _t("not assigned", Status.AMBER), _t(u.reason), _t(u.fte))
                 for u in w.tupe_unassigned]
        out.append(Table("tupe", (Column("TUPE cohort"), Column("Transfers to"), Column("Service line"),
                                  Column("FTE", Kind.NUMBER)), tuple(rows), title="TUPE transfers"))
    return out


def _optimiser(c: _Ctx, coverage: _capacity.CoverageResult, p: _optimise.Proposal) -> list[Block]:
    now = {m.member_id: m.allocated for m in coverage.members}
    rows = []
    for mt in p.member_totals:
        rows.append((_t(mt.name), _t(now.get(mt.member_id, ZERO)), _t(mt.volume), _t(mt.share_pct)))
    rows.append((_t("Total"), _t(coverage.total_allocated), _t(p.total_volume), _t(None)))
    return [
        Heading("Least-cost split"),
        Paragraph(f"A linear programme finds the split of the volume among these members that costs least, "
                  f"within each member's capacity and growth: {p.message} It prices each member's units at its "
                  "direct cost (pay and non-pay), before fixed and shared costs, fee and margin, so its total is "
                  "not the bid's cost."),
        Table("optimiser", (Column("Member"), Column("Allocated now", Kind.NUMBER, 0),
                            Column("Least-cost proposal", Kind.NUMBER, 0),
                            Column("Share of requirement", Kind.PERCENT)), tuple(rows), total_rows=1),
    ]


# --------------------------------------------------------------------------- pricing

DETAILED_LINES = 5  # service lines shown line by line; more are grouped


def build_pricing(c: _Ctx) -> Section | None:
    prices: _pricing.PriceSchedule | None = c.get("prices")
    if prices is None:
        return None
    b = prices.buildup
    blocks: list[Block] = []
    blocks.append(Paragraph(
        f"Priced on {b.rates.year.label} rates (in force on {_date(b.priced_on)}) with a "
        f"{format_value(b.margin_pct, Kind.PERCENT)} margin, a {format_value(b.management_fee_pct, Kind.PERCENT)} "
        f"management fee and {format_value(b.contingency_pct, Kind.PERCENT)} contingency. Shared back office costs "
        f"of {format_gbp(b.shared_costs_per_year)} a year are spread over {format_decimal(b.total_volume, 0)} units."))
    # the year-one build-up, annual
    if b.totals and b.annual_price:
        steps = [t for t in b.totals if t.annual]
        blocks.append(Heading("Year-one cost build-up"))
        blocks.append(Chart("buildup_waterfall", ChartKind.WATERFALL, "From cost to price, year one",
                            tuple(t.label for t in steps) + ("Annual price",),
                            (Series("Year one", tuple(t.annual for t in steps) + (b.annual_price,)),),
                            "Cost line", "£ a year", y_kind=Kind.MONEY, horizontal=True))
        rows = [(_t(t.label), _t(t.annual), _t(_pct_of(t.annual, b.annual_price))) for t in b.totals]
        rows.append((_t("Annual price"), _t(b.annual_price), _t(Decimal(100))))
        blocks.append(Table("buildup", (Column("Line"), Column("Year one", Kind.MONEY),
                                        Column("Share of price", Kind.PERCENT, 1)), tuple(rows), total_rows=1))
    blocks.extend(_per_unit(b))
    blocks.extend(_years(prices))
    if prices.lines:
        rows = []
        for ln in prices.lines:
            rows.append((_t(ln.service_line), _t(ln.unit), _t(ln.volume), _t(ln.unit_price),
                         _t(ln.should_cost_per_unit, kind=Kind.MONEY), _t(ln.abnormal_floor),
                         _t(ln.break_even_volume),
                         _t("yes" if ln.abnormally_low else "no", Status.RED if ln.abnormally_low else None)))
        blocks.append(Heading("Unit prices and guards"))
        blocks.append(Table("unit_prices", (
            Column("Service line"), Column("Unit"), Column("Volume", Kind.NUMBER, 0), Column("Price per unit", Kind.MONEY),
            Column("Should-cost", Kind.MONEY), Column("Abnormally low below", Kind.MONEY),
            Column("Break-even volume", Kind.NUMBER, 0), Column("Abnormally low")), tuple(rows),
            note=f"Should-cost is the full cost with the fee and no margin; a price more than "
                 f"{format_decimal(prices.abnormal_threshold_pct, 0)}% below it risks rejection as abnormally low [U]."
                 + (f" The planned volume covers fixed costs at {format_value(prices.break_even_pct, Kind.PERCENT)} "
                    "of itself (break-even)." if prices.break_even_pct is not None else "")))
    if prices.wage_floor_breaches:
        rows = [(_t(br.organisation_name), _t(br.service_line), _t(br.role_name), _t(Decimal(br.year)),
                 _t(br.hourly_rate), _t(br.floor), _t(br.shortfall, Status.RED)) for br in prices.wage_floor_breaches]
        blocks.append(Table("wage_floor", (
            Column("Member"), Column("Service line"), Column("Role"), Column("Contract year", Kind.NUMBER, 0),
            Column("Hourly rate", Kind.MONEY), Column("National Living Wage", Kind.MONEY), Column("Short by", Kind.MONEY)),
            tuple(rows), title="Pay below the National Living Wage"))
    ev: _bid.BidEvaluation | None = c.get("evaluation")
    if ev is not None:
        blocks.extend(_win(c, ev))
    return Section("pricing", SECTION_TITLES["pricing"], tuple(blocks))


def _per_unit(b) -> list[Block]:
    lines = list(b.service_lines)
    if not lines:
        return []
    out: list[Block] = [Heading("Price per unit, line by line")]
    if len(lines) <= DETAILED_LINES:
        from ..domain.costing import CATEGORIES

        cols = (Column("Line"),) + tuple(Column(f"{s.service_line} (per {s.unit})", Kind.MONEY) for s in lines)
        rows = []
        for cat_key, label, _kind in CATEGORIES:
            rows.append((_t(label),) + tuple(_t(s.line(cat_key).per_unit_display) for s in lines))
        rows.append((_t("Price per unit"),) + tuple(_t(s.price_per_unit) for s in lines))
        out.append(Table("per_unit", cols, tuple(rows), total_rows=1,
                         note="Each column's lines add to its price per unit (rounded by largest remainder)."))
    else:
        groups = (("Staff", ("wage", "employer_ni", "pension")), ("Travel and non-pay", ("mileage", "non_pay")),
                  ("Fixed and shared", ("member_fixed", "shared")), ("Contingency", ("contingency",)),
                  ("Fee", ("management_fee",)), ("Margin", ("margin",)))
        rows = []
        for s in lines:
            rows.append((_t(s.service_line), _t(s.unit)) + tuple(
                _t(sum((s.line(k).per_unit_display for k in keys), ZERO)) for _, keys in groups)
                + (_t(s.price_per_unit),))
        out.append(Table("per_unit", (Column("Service line"), Column("Unit")) + tuple(
            Column(g, Kind.MONEY) for g, _ in groups) + (Column("Price per unit", Kind.MONEY),), tuple(rows),
            note="Each row's lines add to its price per unit (rounded by largest remainder)."))
    top = sorted(lines, key=lambda s: s.annual_price, reverse=True)[:12]
    parts = (("Staff", ("wage", "employer_ni", "pension")), ("Travel and non-pay", ("mileage", "non_pay")),
             ("Fixed and shared", ("member_fixed", "shared", "contingency")), ("Fee and margin", ("management_fee",
                                                                                                 "margin")))
    out.append(Chart("per_unit_chart", ChartKind.STACKED,
                     "Price per unit by service line" + (" (the 12 largest)" if len(lines) > 12 else ""),
                     tuple(s.service_line for s in top),
                     tuple(Series(name, tuple(sum((s.line(k).per_unit_display for k in keys), ZERO) for s in top))
                           for name, keys in parts),
                     "Service line", "£ per unit", y_kind=Kind.MONEY, horizontal=True))
    return out


def _years(prices: _pricing.PriceSchedule) -> list[Block]:
    if not prices.years:
        return []
    rows = []
    highlight = []
    for y in prices.years:
        status = Status.RED if y.over_ceiling else Status.AMBER if y.over_budget else None
        label = f"Year {y.number}" + (" (extension)" if y.is_extension else "")
        dates = f"{y.starts:%b %Y} – {y.ends:%b %Y}" if y.starts and y.ends else MISSING
        rows.append((_t(label), _t(dates),
                     _t(y.rate_year + ("*" if y.rates_extrapolated else "")),
                     _t(y.annual_price, status), _t(y.annual_cost), _t(y.annual_fee), _t(y.annual_margin),
                     _t(y.headroom, Status.RED if y.headroom is not None and y.headroom < 0 else None)))
    n_term = sum(1 for y in prices.years if not y.is_extension)
    term = [y for y in prices.years if not y.is_extension]
    rows.append((_t(f"Term ({n_term} years)"), _t(""), _t(""), _t(prices.term_price),
                 _t(sum((y.annual_cost for y in term), ZERO)), _t(sum((y.annual_fee for y in term), ZERO)),
                 _t(sum((y.annual_margin for y in term), ZERO)), _t(None)))
    n_total = 1
    if len(term) != len(prices.years):
        rows.append((_t(f"With extensions ({len(prices.years)} years)"), _t(""), _t(""), _t(prices.total_price),
                     _t(prices.total_cost), _t(prices.total_fee), _t(prices.total_margin), _t(None)))
        n_total = 2
    extrapolated = any(y.rates_extrapolated for y in prices.years)
    out: list[Block] = [Heading("Prices by contract year")]
    out.append(Table("prices_by_year", (
        Column("Contract year"), Column("Dates"), Column("Rates"), Column("Annual price", Kind.MONEY),
        Column("Cost", Kind.MONEY), Column("Fee", Kind.MONEY), Column("Margin", Kind.MONEY),
        Column("Headroom to budget", Kind.MONEY)), tuple(rows), total_rows=n_total, highlight_rows=tuple(highlight),
        note=("Prices rise with the cost index (pay uplift on the staff share, CPI on the rest). "
              + ("* Rates beyond the last year known are carried forward. " if extrapolated else "")
              + "Red: above the budget ceiling.")))
    refs = []
    y1 = prices.years[0]
    if y1.budget is not None:
        refs.append(ReferenceLine("Estimated annual value", y1.budget))
    if y1.ceiling is not None:
        refs.append(ReferenceLine("Budget ceiling", y1.ceiling))
    out.append(Chart("prices_chart", ChartKind.BAR, "Annual price by contract year",
                     tuple(f"Y{y.number}" for y in prices.years),
                     (Series("Annual price", tuple(y.annual_price for y in prices.years)),
                      Series("Cost", tuple(y.annual_cost for y in prices.years))),
                     "Contract year", "£ a year", y_kind=Kind.MONEY, references=tuple(refs)))
    return out


def _win(c: _Ctx, ev: _bid.BidEvaluation) -> list[Block]:
    out: list[Block] = [Heading("Winning the evaluation")]
    if ev.evaluation is not None:
        rows = []
        highlight = []
        for i, bsc in enumerate(ev.evaluation.bids):
            if bsc.is_ours:
                highlight.append(i)
            rows.append((_t(bsc.name + (" (our bid)" if bsc.is_ours else "")), _t(bsc.price),
                         _t(bsc.quality_points), _t(bsc.social_value_points),
                         _t(bsc.price_points if bsc.price_points is not None else "fails", None if
                            bsc.price_points is not None else Status.RED),
                         _t(bsc.total), _t(None if bsc.rank is None else Decimal(bsc.rank))))
        out.append(Table("scores", (
            Column("Bidder"), Column("Annual price", Kind.MONEY), Column("Quality points", Kind.NUMBER),
            Column("Social value points", Kind.NUMBER), Column("Price points", Kind.NUMBER),
            Column("Total score", Kind.NUMBER), Column("Rank", Kind.NUMBER, 0)), tuple(rows),
            highlight_rows=tuple(highlight),
            note="Competitors' prices and scores are the bid team's assumptions. Year-one annual prices."))
        chart_bids = [bsc for bsc in ev.evaluation.bids if bsc.total is not None]
        if chart_bids:
            out.append(Chart("scores_chart", ChartKind.STACKED, "Score against price",
                             tuple(f"{bsc.name} ({_short_money(bsc.price)})" for bsc in chart_bids), (
                                 Series("Quality", tuple(bsc.quality_points for bsc in chart_bids)),
                                 Series("Social value", tuple(bsc.social_value_points for bsc in chart_bids)),
                                 Series("Price", tuple(bsc.price_points for bsc in chart_bids)),
                             ), "Bidder (annual price)", "Evaluation points (of 100)", horizontal=True))
    facts: list[str] = []
    wp = ev.winning_price
    if wp is not None:
        if wp.any_price:
            facts.append("Our quality and social value scores win at any price against the competitors assumed.")
        elif wp.cannot_win:
            facts.append("Against the competitors assumed, the bid cannot win at any price with its expected "
                         "quality and social value scores.")
        elif wp.price is not None:
            s = f"The highest annual price that still wins is {format_gbp(wp.price)}"
            if wp.binding:
                s += f" ({wp.binding} overtakes us a penny above it)"
            if ev.annual_cost is not None and wp.price < ev.annual_cost:
                s += f", below the year-one cost of {format_gbp(ev.annual_cost)}"
            facts.append(s + ".")
    qn = ev.quality_needed
    if qn is not None and qn.quality_score is not None:
        facts.append(f"At our price, a quality score of {format_decimal(qn.quality_score)} out of "
                     f"{format_decimal(qn.quality_max, 0)} would win or tie"
                     + ("" if qn.attainable else ", which is not attainable") + ".")
    if ev.win is not None:
        facts.append(f"Modelled win probability at our price: {format_value(ev.win.probability * HUNDRED, Kind.PERCENT)}"
                     f" (± {format_value(ev.win.standard_error * HUNDRED, Kind.PERCENT)}, {ev.win.draws:,} draws of "
                     "the competitors' prices and scores).")
    if ev.best is not None:
        facts.append(f"The price that maximises expected contribution (win probability × (price − cost)) is "
                     f"{format_gbp(ev.best.price)}: {format_value(ev.best.probability * HUNDRED, Kind.PERCENT)} to win, "
                     f"expected contribution {format_gbp(ev.best.expected_contribution)} against a year-one cost of "
                     f"{format_gbp(ev.best.cost)}.")
    if facts:
        out.append(Bullets(tuple(facts)))
    if ev.messages and ev.evaluation is None:
        out.append(Paragraph("The bid is not scored against competitors: " + "; ".join(ev.messages) + "."))
    if ev.best is not None and ev.best.grid:
        grid = ev.best.grid
        refs = []
        if ev.our_bid is not None:
            refs.append(ReferenceLine("Our price", ev.our_bid.price, "x"))
        refs.append(ReferenceLine("Best price", ev.best.price, "x"))
        out.append(Chart("win_probability", ChartKind.LINE, "Win probability by annual price",
                         (), (Series("Win probability", tuple(p.probability * HUNDRED for p in grid)),),
                         "Annual price (£)", "Win probability (%)", y_kind=Kind.PERCENT, x_kind=Kind.MONEY,
                         x_values=tuple(p.price for p in grid), references=tuple(refs)))
        out.append(Chart("expected_contribution", ChartKind.LINE, "Expected contribution by annual price",
                         (), (Series("Expected contribution", tuple(p.expected_contribution for p in grid)),),
                         "Annual price (£)", "Expected contribution (£ a year)", y_kind=Kind.MONEY,
                         x_kind=Kind.MONEY, x_values=tuple(p.price for p in grid), references=tuple(refs)))
    return out


def _short_money(amount: Decimal) -> str:
    if abs(amount) >= 1_000_000:
        return f"£{format_decimal(amount / 1_000_000, 2)}m"
    if abs(amount) >= 1_000:
        return f"£{format_decimal(amount / 1_000, 0)}k"
    return format_gbp(amount)


# --------------------------------------------------------------------------- projections, funding, returns
#
# Built only when analyse_option returns "projection", "funding" and "returns" (domain/projection.py);
# the attributes read here are those of its Projection, FundingResult and Returns.

PERIODS_PER_TABLE = 4  # P&L columns (periods) per table


def _month_label(d: dt.date | None) -> str:
    return MISSING if d is None else f"{d:%b %Y}"


def _funding_key_figures(c: _Ctx) -> list[KeyFigure]:
    out: list[KeyFigure] = []
    f = c.get("funding")
    if f is not None:
        status = Status.RED if f.shortfall > 0 else Status.GREEN if f.covered else Status.AMBER
        note = (f"shortfall {format_gbp(f.shortfall)}" if f.shortfall > 0 else
                f"sources {format_gbp(f.total_sources)}")
        out.append(KeyFigure("Funding requirement", f.requirement, Kind.MONEY, status=status, note=note))
    r = c.get("returns")
    if r is not None:
        out.append(KeyFigure(f"NPV at {format_decimal(r.discount_rate_pct)}%", r.npv, Kind.MONEY,
                             status=Status.RED if r.npv < 0 else None,
                             note=("IRR " + format_value(r.irr_pct, Kind.PERCENT)) if r.irr_pct is not None
                             else "no IRR"))
    return out


def _funding_ask(c: _Ctx) -> str:
    f = c.get("funding")
    if f is None:
        return ""
    parts = []
    for amount, what in ((f.equity, "member equity"), (f.grants, "grants"), (f.loans, "loans"),
                         (f.overdrafts, "overdraft facilities")):
        if amount:
            parts.append(f"{format_gbp(amount)} of {what}")
    s = (f"The consortium needs {format_gbp(f.requirement)} of funding to carry it through mobilisation and the "
         f"wait for the buyer's first payments")
    if f.peak_deficit_date is not None:
        s += f" (the cash low point, before funding, is in {_month_label(f.peak_deficit_date)})"
    s += "."
    if parts:
        s += f" The sources planned are {_join(parts)}, {format_gbp(f.total_sources)} in all"
        s += (f", leaving a shortfall of {format_gbp(f.shortfall)} to raise." if f.shortfall > 0 else
              ", which covers it.")
    else:
        s += " No sources of funding are planned yet."
    return s


def build_projection(c: _Ctx) -> Section | None:
    p = c.get("projection")
    if p is None:
        return None
    blocks: list[Block] = [Paragraph(
        f"Mobilisation runs for {p.mobilisation_months} months from {_date(p.mobilisation_start)}; the service "
        f"runs from {_date(p.service_start)} to {_date(p.service_end)}"
        + (" (with extensions)" if p.include_extensions else " (the term, without extensions)")
        + f", volumes building up over {p.ramp_up_months} months. The buyer pays each month's invoice "
        f"{p.receipt_lag_months} months after the work; non-pay is paid {p.non_pay_lag_months} month"
        f"{'s' if p.non_pay_lag_months != 1 else ''} after it is incurred and tax {p.tax_lag_months} months after "
        f"the period. {p.tax_basis}")]
    blocks.append(KeyFigures((
        KeyFigure("Income over the projection", p.total_income, Kind.MONEY),
        KeyFigure("EBITDA", p.total_ebitda, Kind.MONEY, status=Status.RED if p.total_ebitda < 0 else None),
        KeyFigure("Profit after tax", p.total_profit_after_tax, Kind.MONEY,
                  status=Status.RED if p.total_profit_after_tax < 0 else None),
        KeyFigure("Cash at the end", p.closing_balance, Kind.MONEY, status=Status.RED if p.closing_balance < 0 else None),
    ), title="Over the whole projection"))
    years = list(p.years)
    lines: list[tuple[str, str, bool]] = [  # (label, attribute, is a subtotal)
        ("Income", "income", False), ("Payroll", "payroll", False), ("Non-pay", "non_pay", False),
        ("Delivery cost", "delivery_cost", True), ("Performance bond", "bond", False), ("Insurance", "insurance", False),
        ("Mobilisation costs", "mobilisation", False), ("EBITDA", "ebitda", True), ("Depreciation", "depreciation", False),
        ("EBIT", "ebit", True), ("Grant income", "grant_income", False), ("Interest", "interest", False),
        ("Arrangement fees", "arrangement_fees", False), ("Profit before tax", "profit_before_tax", True),
        ("Tax", "tax", False), ("Profit after tax", "profit_after_tax", True),
        ("Capital expenditure", "capex", False), ("Cash flow before funding", "cash_before_funding", False),
        ("Bank balance at the end", "closing_balance", False),
    ]
    totals = {a: sum((getattr(y, a) for y in years), ZERO) for _, a, _ in lines}
    totals["closing_balance"] = p.closing_balance
    cols_all: list[tuple[str, Callable[[str], Decimal]]] = [
        (y.label + (" (extension)" if y.is_extension else ""), lambda a, y=y: getattr(y, a)) for y in years]
    cols_all.append(("Total", lambda a: totals[a]))
    blocks.append(Heading("Profit and loss by period"))
    for n in range(0, len(cols_all), PERIODS_PER_TABLE):
        chunk = cols_all[n:n + PERIODS_PER_TABLE]
        rows = tuple((_t(label),) + tuple(_t(get(attr)) for _, get in chunk) for label, attr, _ in lines)
        blocks.append(Table("profit_and_loss" if n == 0 else f"profit_and_loss_{n // PERIODS_PER_TABLE + 1}",
                            (Column("£"),) + tuple(Column(name, Kind.MONEY) for name, _ in chunk), rows,
                            highlight_rows=tuple(i for i, (_, _, sub) in enumerate(lines) if sub),
                            first_column_width=Decimal("0.28"),
                            note="" if n + PERIODS_PER_TABLE < len(cols_all) else
                            "The management fee sits inside income: it moves money between members and is not a "
                            "cost of the consortium. The first year's income is lower than its price while volumes "
                            "build up."))
    months = list(p.months)
    if months:
        service_month = p.mobilisation_months
        blocks.append(Heading("Monthly cash"))
        blocks.append(Chart("monthly_cash", ChartKind.LINE, "Cash by month",
                            (), (Series("Cumulative cash before funding",
                                        tuple(m.cumulative_before_funding for m in months)),
                                 Series("Bank balance after funding", tuple(m.closing_balance for m in months))),
                            "Months from the start of mobilisation", "£", y_kind=Kind.MONEY, x_kind=Kind.NUMBER,
                            x_values=tuple(Decimal(m.month) for m in months),
                            references=(ReferenceLine(f"Service starts ({_month_label(p.service_start)})",
                                                        Decimal(service_month), "x", show_value=False),)))
        f = c.get("funding")
        peak = f.peak_deficit_month if f is not None and f.peak_deficit_month is not None else 0
        last = min(len(months), max(peak + 3, service_month + 12))
        rows = []
        for m in months[:last]:
            payments = m.receipts - m.cash_before_funding
            finance = m.closing_balance - m.opening_balance - m.cash_before_funding
            rows.append((_t(_month_label(m.starts)), _t(m.volume_pct), _t(m.receipts), _t(payments),
                         _t(m.cash_before_funding), _t(m.cumulative_before_funding,
                                                      Status.RED if m.cumulative_before_funding < 0 else None),
                         _t(finance), _t(m.closing_balance, Status.RED if m.closing_balance < 0 else None)))
        blocks.append(Table("monthly_cash", (
            Column("Month"), Column("Volume", Kind.PERCENT, 0), Column("Receipts", Kind.MONEY),
            Column("Payments", Kind.MONEY), Column("Net cash", Kind.MONEY),
            Column("Cumulative before funding", Kind.MONEY), Column("Funding and finance", Kind.MONEY),
            Column("Bank balance", Kind.MONEY)), tuple(rows),
            title="Through mobilisation and the first year of service",
            note="Payments: payroll, non-pay, bond, insurance, mobilisation, capital expenditure and tax on the "
                 "operating profit. Funding and finance: equity, grants, loans and overdraft in, less interest, fees "
                 "and repayments (and the tax difference financing makes)."))
    if p.members:
        rows = [(_t(m.organisation_name), _t(m.role), _t(m.profit_share_pct), _t(m.tax_rate_pct), _t(m.work_value),
                 _t(m.profit_before_tax), _t(m.tax), _t(m.profit_after_tax)) for m in p.members]
        rows.append((_t("Total"), _t(""), _t(None), _t(None), _t(sum((m.work_value for m in p.members), ZERO)),
                     _t(sum((m.profit_before_tax for m in p.members), ZERO)), _t(sum((m.tax for m in p.members), ZERO)),
                     _t(sum((m.profit_after_tax for m in p.members), ZERO))))
        blocks.append(Heading("What each member earns"))
        blocks.append(Table("member_returns", (
            Column("Member"), Column("Role"), Column("Profit share", Kind.PERCENT, 0), Column("Tax rate", Kind.PERCENT, 0),
            Column("Work", Kind.MONEY), Column("Profit before tax", Kind.MONEY), Column("Tax", Kind.MONEY),
            Column("Profit after tax", Kind.MONEY)), tuple(rows), total_rows=1,
            note="Over the whole projection. Work: the member's share of the price."))
    return Section("projection", SECTION_TITLES["projection"], tuple(blocks))


def build_funding(c: _Ctx) -> Section | None:
    f = c.get("funding")
    if f is None:
        return None
    blocks: list[Block] = []
    blocks.append(KeyFigures(tuple(x for x in (
        KeyFigure("Funding requirement", f.requirement, Kind.MONEY),
        KeyFigure("Sources planned", f.total_sources, Kind.MONEY),
        KeyFigure("Shortfall", f.shortfall, Kind.MONEY, status=Status.RED if f.shortfall > 0 else Status.GREEN),
        KeyFigure("Lowest debt service cover", f.lowest_dscr, Kind.NUMBER,
                  status=None if f.dscr_ok is None else (Status.GREEN if f.dscr_ok else Status.RED),
                  note=f"lenders look for {format_decimal(f.min_dscr)} [U]") if f.lowest_dscr is not None else None,
    ) if x is not None), title="Funding at a glance"))
    ask = _funding_ask(c)
    if ask:
        blocks.append(Paragraph(ask))
    # uses of funds: what the money pays for up to the cash low point, then the buffer and contingency
    p = c.get("projection")
    uses: list[tuple[str, Decimal]] = []
    if p is not None and f.peak_deficit_month is not None and f.peak_deficit > 0:
        upto = [m for m in p.months if m.month <= f.peak_deficit_month]
        mob = sum((m.mobilisation_paid for m in upto), ZERO)
        capex = sum((m.capex_paid for m in upto), ZERO)
        uses = [("Mobilisation costs", mob), ("Capital expenditure", capex),
                ("Working capital: running costs until the buyer's payments catch up", f.peak_deficit - mob - capex)]
    else:
        uses = [("Cash deficit at its lowest point, before funding", f.peak_deficit)]
    uses += [(f"Cash buffer ({format_decimal(f.buffer_months, 1)} month{'s' if f.buffer_months != 1 else ''} of "
              "payroll)", f.buffer),
             (f"Contingency ({format_decimal(f.contingency_pct, 0)}%)", f.contingency)]
    rows = [(_t(k), _t(v)) for k, v in uses] + [(_t("Funding requirement"), _t(f.requirement))]
    blocks.append(Heading("Use of funds"))
    blocks.append(Table("uses", (Column("Use"), Column("Amount", Kind.MONEY)), tuple(rows), total_rows=1,
                        note=(f"The cash low point before funding is {format_gbp(f.peak_deficit)} in "
                              f"{_month_label(f.peak_deficit_date)}." if f.peak_deficit_date else "")))
    if f.sources:
        rows = [(_t(s.name), _t(s.kind.label), _t(s.amount), _t(_month_label(s.drawdown_date)), _t(s.arrangement_fee),
                 _t(s.interest), _t(s.outstanding_at_end)) for s in f.sources]
        rows.append((_t("Total"), _t(""), _t(f.total_sources), _t(""),
                     _t(sum((s.arrangement_fee for s in f.sources), ZERO)), _t(sum((s.interest for s in f.sources), ZERO)),
                     _t(sum((s.outstanding_at_end for s in f.sources), ZERO))))
        blocks.append(Heading("Sources of funds"))
        blocks.append(Table("sources", (
            Column("Source"), Column("Kind"), Column("Amount", Kind.MONEY), Column("Drawn"),
            Column("Fees", Kind.MONEY), Column("Interest", Kind.MONEY), Column("Owed at the end", Kind.MONEY)),
            tuple(rows), total_rows=1, note="Overdrafts: the facility, drawn only as cash needs it."))
    if f.loan_schedules:
        rows = [(_t(ls.name), _t(ls.amount), _t(ls.interest_rate_pct), _t(Decimal(ls.term_months)),
                 _t(Decimal(ls.capital_holiday_months)), _t(ls.annuity), _t(ls.total_interest), _t(ls.balloon))
                for ls in f.loan_schedules]
        blocks.append(Table("loans", (
            Column("Loan"), Column("Amount", Kind.MONEY), Column("Rate a year", Kind.PERCENT),
            Column("Term (months)", Kind.NUMBER, 0), Column("Capital holiday (months)", Kind.NUMBER, 0),
            Column("Monthly payment", Kind.MONEY), Column("Interest in all", Kind.MONEY),
            Column("Repaid at the end", Kind.MONEY)), tuple(rows), title="Loans"))
    if f.dscr:
        blocks.append(Heading("Affordability: debt service cover"))
        rows = []
        for d in f.dscr:
            status = None
            if d.dscr is not None and d.tested:
                status = Status.RED if d.below_minimum else Status.GREEN
            rows.append((_t(d.label), _t(d.ebitda), _t(d.cfads), _t(d.interest), _t(d.principal), _t(d.debt_service),
                         _t(d.dscr if d.dscr is not None else "no debt service", status,
                            None if d.dscr is not None else Kind.TEXT)))
        blocks.append(Table("dscr", (
            Column("Period"), Column("EBITDA", Kind.MONEY), Column("CFADS", Kind.MONEY), Column("Interest", Kind.MONEY),
            Column("Principal", Kind.MONEY), Column("Debt service", Kind.MONEY), Column("DSCR", Kind.NUMBER)),
            tuple(rows),
            note=f"CFADS: EBITDA less tax paid, capital expenditure and the build-up of working capital (what the "
                 f"funding requirement pays for is added back). DSCR = CFADS ÷ (interest + principal); lenders look "
                 f"for at least {format_decimal(f.min_dscr)} [U]. Mobilisation is shown, not tested."))
        tested = [d for d in f.dscr if d.dscr is not None and d.tested]
        if tested:
            blocks.append(Chart("dscr_chart", ChartKind.BAR, "Debt service cover by period",
                                tuple(d.label for d in tested), (Series("DSCR", tuple(d.dscr for d in tested)),),
                                "Period", "DSCR (times)", y_kind=Kind.NUMBER,
                                references=(ReferenceLine("Minimum", f.min_dscr),)))
    return Section("funding", SECTION_TITLES["funding"], tuple(blocks))


def build_returns(c: _Ctx) -> Section | None:
    r = c.get("returns")
    if r is None:
        return None
    blocks: list[Block] = []
    irr = (format_value(r.irr_pct, Kind.PERCENT) if r.irr_pct is not None else "none")
    payback = (f"{_month_label(r.payback_date)}" if r.payback_date is not None else "not within the projection")
    blocks.append(KeyFigures((
        KeyFigure(f"NPV at {format_decimal(r.discount_rate_pct)}%", r.npv, Kind.MONEY,
                  status=Status.RED if r.npv < 0 else Status.GREEN),
        KeyFigure("IRR", irr, note="several rates: see below" if r.multiple_irr else ""),
        KeyFigure("Payback", payback, note=(f"after {r.payback_service_months} months of service"
                                            if r.payback_service_months is not None else "")),
        KeyFigure("Discounted payback", _month_label(r.discounted_payback_date)
                  if r.discounted_payback_date is not None else "not within the projection"),
        KeyFigure("Cash flow before funding", r.total_cash_flow, Kind.MONEY, note="undiscounted, whole projection"),
        KeyFigure("Break-even volume", r.break_even_volume_pct, Kind.PERCENT, note="of the planned volume"),
        KeyFigure("Break-even price", r.break_even_price_pct, Kind.PERCENT, note="of the bid prices"),
    ), title="Returns at a glance"))
    blocks.append(Paragraph(r.basis))
    if r.irr_note:
        blocks.append(Paragraph(r.irr_note))
    if r.multiple_irr and r.other_irr_pct:
        blocks.append(Paragraph("The cash flows change sign more than once, so other rates also make the NPV zero ("
                                + ", ".join(format_value(x, Kind.PERCENT) for x in r.other_irr_pct)
                                + "); the IRR shown is the one nearest the discount rate. Read it with the NPV.", "note"))
    p = c.get("projection")
    if p is not None and p.years:
        running = ZERO
        rows = []
        for y in p.years:
            running += y.cash_before_funding
            rows.append((_t(y.label), _t(y.cash_before_funding), _t(running, Status.RED if running < 0 else None)))
        blocks.append(Heading("Cash flow before funding by period"))
        blocks.append(Chart("cash_flow_chart", ChartKind.BAR, "Cash flow before funding",
                            tuple(y.label for y in p.years),
                            (Series("Cash flow before funding", tuple(y.cash_before_funding for y in p.years)),),
                            "Period", "£", y_kind=Kind.MONEY))
        blocks.append(Table("cash_flows", (Column("Period"), Column("Cash flow before funding", Kind.MONEY),
                                           Column("Cumulative", Kind.MONEY)), tuple(rows)))
    return Section("returns", SECTION_TITLES["returns"], tuple(blocks))


# --------------------------------------------------------------------------- standing

STANDING_COLUMNS = 5  # organisations per standing table before it is split


def _metric_text(r: _standing.MetricResult) -> tuple[Decimal | str | None, Kind, int]:
    if r.value is None:
        return ({_standing.Status.NOT_GIVEN: "not given", _standing.Status.UNDEFINED: "n/a",
                 _standing.Status.NOT_TESTED: "not tested"}.get(r.status, r.status.label.lower()), Kind.TEXT, 0)
    if r.unit is _standing.Unit.MONEY:
        return r.value, Kind.MONEY, 2
    if r.unit is _standing.Unit.PERCENT:
        return r.value, Kind.PERCENT, 2
    if r.unit is _standing.Unit.MONTHS:
        return f"{format_decimal(r.value)} mo", Kind.TEXT, 2
    return r.value, Kind.NUMBER, 2


def _test_text(r: _standing.MetricResult) -> str:
    if r.threshold is None:
        return MISSING

    def show(v: Decimal) -> str:
        if r.unit is _standing.Unit.MONEY:
            return format_gbp(v)
        if r.unit is _standing.Unit.PERCENT:
            return f"{format_decimal(v)}%"
        if r.unit is _standing.Unit.MONTHS:
            return f"{format_decimal(v)} months"
        return format_decimal(v)

    s = f"{r.direction.label} {show(r.threshold)}"
    if r.amber_threshold is not None:
        s += f" (amber {show(r.amber_threshold)})"
    return s


def _metric_cell(r: _standing.MetricResult) -> Cell:
    value, kind, places = _metric_text(r)
    status = _STANDING_STATUS.get(r.status, Status.GREY)
    return Cell(value, status, kind, places)


def _source_mark(source: str) -> str:
    return source if source.startswith("[") else f"({source})"


def build_standing(c: _Ctx) -> Section | None:
    s: _standing.StandingResult | None = c.get("standing")
    if s is None:
        return None
    blocks: list[Block] = []
    for t in s.tested:
        blocks.append(Paragraph(f"Tested: {t.name}. {t.rule}"))
    blocks.append(KeyFigures((
        KeyFigure("Overall risk", s.risk.label, status=_RISK_STATUS[s.risk]),
        KeyFigure("Tests failed", Decimal(len(s.fails)), Kind.NUMBER, 0,
                  status=Status.RED if s.fails else Status.GREEN),
        KeyFigure("Annual contract value tested", s.annual_value, Kind.MONEY),
    ), title="Standing at a glance"))
    blocks.append(Paragraph(s.risk_explanation))
    # the matrix: metrics down, entities across (tested first, then each member)
    entities: list[tuple[str, tuple[_standing.MetricResult, ...]]] = []
    kinds = {"lead": "the lead", "lead with guarantors": "lead and guarantors", "members combined": "members combined",
             "vehicle guarantors": "guarantors combined"}
    for t in s.tested:
        label = "Tested: " + (kinds.get(t.kind, t.kind) if len(s.tested) == 1 else t.name)
        entities.append((label, t.metrics))
    for m in s.members:
        entities.append((f"{m.name} ({m.role.label.lower()})", m.standing.metrics))
    basis = s.tested[0].metrics if s.tested else (s.members[0].standing.metrics if s.members else ())
    metrics = [r.metric for r in basis]
    if entities and metrics:
        chunks = [entities[i:i + STANDING_COLUMNS] for i in range(0, len(entities), STANDING_COLUMNS)]
        for n, chunk in enumerate(chunks):
            rows = []
            for i, metric in enumerate(metrics):
                row = [_t(basis[i].metric.label), _t(_test_text(basis[i]))]
                for _, results in chunk:
                    r = next((x for x in results if x.metric is metric), None)
                    row.append(_metric_cell(r) if r is not None else _t(None))
                rows.append(tuple(row))
            cols = (Column("Test"), Column("Pass mark")) + tuple(Column(name, Kind.NUMBER) for name, _ in chunk)
            last = n == len(chunks) - 1
            blocks.append(Table("standing" if n == 0 else f"standing_{n + 1}", cols, tuple(rows),
                                title="Financial standing: entity tested and each member" if n == 0 else "",
                                note="" if not last else "Green passes; amber passes with caution; red fails; grey: not given, not "
                                     "tested or cannot be calculated. Each member's own figures are measured against "
                                     "the whole annual value (contract dependency against its own share); only the "
                                     "entity tested decides the risk. Latest accounts."))
    if s.tested:
        t = s.tested[0]
        tt = t.turnover_test
        blocks.append(Paragraph(tt.explanation))
    if s.fails:
        blocks.append(Heading("Fails and how to mitigate them"))
        for f in s.fails:
            items = [f.result.explanation, f.guarantee.explanation, f.bond.explanation,
                     f.what_it_would_take.explanation]
            blocks.append(Paragraph(f"{f.result.label[0].upper()}{f.result.label[1:]} ({f.entity_name})", "lead"))
            blocks.append(Bullets(tuple(x for x in items if x)))
    else:
        blocks.append(Paragraph("No test is failed by the entity the buyer tests, so no guarantee or bond is needed "
                                "to pass; the buyer may still ask for them."))
    guarantors = [m for m in s.members if m.guarantee]
    if guarantors:
        blocks.append(Paragraph("Guarantees offered: " + "; ".join(
            f"{m.name} {format_gbp(m.guarantee)}" for m in guarantors) +
            f" ({format_gbp(sum((m.guarantee or ZERO for m in guarantors), ZERO))} in all)."))
    return Section("standing", SECTION_TITLES["standing"], tuple(blocks))


def build_reserved(c: _Ctx) -> Section | None:
    s: _standing.StandingResult | None = c.get("standing")
    if s is None:
        return None
    r = s.reserved
    blocks: list[Block] = [KeyFigures((
        KeyFigure("Verdict", r.verdict.label, status=_VERDICT_STATUS[r.verdict]),
        KeyFigure("Tender reserved for mutuals", "yes" if r.tender_reserved else "no"),
        KeyFigure("Maximum term with extensions", f"{r.term_years} years",
                  note=f"at most {r.max_term_years} allowed" if r.max_term_years else ""),
    ), title="Reservation for public service mutuals")]
    blocks.append(Paragraph(r.explanation))
    rows = []
    for ch in r.checks:
        result = "pass" if ch.passed else ("check" if ch.passed is None else "fail")
        status = Status.GREEN if ch.passed else (Status.AMBER if ch.passed is None else Status.RED)
        rows.append((_t(ch.name[0].upper() + ch.name[1:]), _t(result, status), _t(ch.explanation)))
    if rows:
        blocks.append(Table("reserved_checks", (Column("Check"), Column("Result"), Column("Why")), tuple(rows)))
    if r.caveats:
        blocks.append(Paragraph("The workspace does not record, so check:", "note"))
        blocks.append(Bullets(r.caveats))
    return Section("reserved", SECTION_TITLES["reserved"], tuple(blocks))


# --------------------------------------------------------------------------- social impact


def build_social_impact(c: _Ctx) -> Section:
    rows = []
    mutuals = 0
    for m in c.members:
        org = c.orgs.get(m.id)  # type: ignore[arg-type]
        if org is None:
            continue
        psm, _why = _standing.is_public_service_mutual(org)
        mutuals += psm is True
        rows.append((_t(org.name), _t(org.kind.label), _t(org.legal_form.label),
                     _t(_yes(org.employee_owned)), _t(org.employee_ownership_pct),
                     _t(None if org.staff_headcount is None else Decimal(org.staff_headcount)),
                     _t(_yes(psm), Status.GREEN if psm else None)))
    blocks: list[Block] = []
    blocks.extend(_paragraphs(c.text("social_impact")))
    o, t = c.option, c.tender
    s = (f"{mutuals} of {len(rows)} members {'is a' if mutuals == 1 else 'are'} public service "
         f"mutual{'' if mutuals == 1 else 's'} as the workspace records them.")
    if t is not None:
        s += (f" The bid expects a social value score of {format_decimal(o.social_value_score, 1)} out of "
              f"{format_decimal(o.social_value_max, 0)}, worth up to {format_value(t.social_value_weight, Kind.PERCENT, 0)}"
              " of the evaluation.")
    blocks.append(Paragraph(s))
    blocks.append(Table("ownership", (
        Column("Member"), Column("Kind"), Column("Legal form"), Column("Employee owned"),
        Column("Staff control", Kind.PERCENT, 0), Column("Headcount", Kind.NUMBER, 0),
        Column("Public service mutual")), tuple(rows),
        note="Public service mutual: employee-led as PA23 s33(6)(c) asks (kind 'public service mutual', or more "
             "than half of control held by staff); 'check' where the figures do not settle it."))
    return Section("social_impact", SECTION_TITLES["social_impact"], tuple(blocks))


# --------------------------------------------------------------------------- risks

RISKS_SHOWN = 8  # of one kind, before the rest are counted in one line
_YEARLY = ("over_ceiling", "over_budget")  # one finding per contract year: said once


def _collect_risks(c: _Ctx) -> list[tuple[str, Status, str]]:
    """The analyses' findings (``Results.findings``: most severe first), a long run of one kind
    shortened to its first few and a count."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in c.findings:
        groups.setdefault((f.area, f.code), []).append(f)
    out: list[tuple[Severity, str, str]] = []
    for (area, code), fs in groups.items():
        severity = max((f.severity for f in fs), key=lambda x: x.rank)
        if code in _YEARLY and len(fs) > 2:
            out.append((severity, area, fs[0].message + f" The same holds in {len(fs) - 1} later contract years."))
        elif len(fs) > RISKS_SHOWN + 1:
            out.extend((f.severity, area, f.message) for f in fs[:RISKS_SHOWN])
            rest = fs[RISKS_SHOWN:]
            if code == "capacity_gap":
                short = sum((f.figure("shortfall") or ZERO for f in rest), ZERO)
                text = (f"{len(rest)} more requirements have a gap, {format_decimal(short, 0)} units a year short in "
                        "all (the largest gaps are listed above; every one is in the heat map).")
            else:
                text = (f"{len(rest)} more warnings like these ({code.replace('_', ' ')}); the option's "
                        f"{area.lower()} screen lists them all.")
            out.append((max((f.severity for f in rest), key=lambda x: x.rank), area, text))
        else:
            out.extend((f.severity, area, f.message) for f in fs)
    out.sort(key=lambda x: -x[0].rank)
    return [(area, status_of(sev), text) for sev, area, text in out]


def build_risks(c: _Ctx) -> Section:
    risks = _collect_risks(c)
    blocks: list[Block] = []
    if risks:
        label = {Status.RED: "high", Status.AMBER: "medium", Status.GREY: "note", Status.GREEN: "low"}
        blocks.append(Paragraph(f"{sum(1 for r in risks if r[1] is Status.RED)} high and "
                                f"{sum(1 for r in risks if r[1] is Status.AMBER)} medium matters raised by the "
                                "analyses, highest first."))
        blocks.append(Table("risks", (Column("Area"), Column("Level"), Column("Issue")),
                            tuple((_t(a), _t(label[s], s), _t(t)) for a, s, t in risks),
                            first_column_width=Decimal("0.17")))
    else:
        blocks.append(Paragraph("The analyses raise no warnings for this option."))
    return Section("risks", SECTION_TITLES["risks"], tuple(blocks))


# --------------------------------------------------------------------------- assumptions


def _rate_value(item) -> str:
    v = item.value
    if v is None:
        return "not known"
    if item.unit == "%":
        return f"{format_decimal(v, 2)}%"
    if item.unit == "£/year":
        return format_gbp(v).removesuffix(".00") + " a year"
    if item.unit == "£/mile":
        return f"{format_gbp(v)} a mile"
    if item.unit == "£/hour":
        return f"{format_gbp(v)} an hour"
    return f"{format_decimal(v)} {item.unit}"


def _capital_assumptions(c: _Ctx) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    p, f, r = c.get("projection"), c.get("funding"), c.get("returns")
    try:
        if p is not None:
            out.append(("Volume ramp-up from service start", f"{p.ramp_up_months} months", "option"))
            out.append(("Buyer pays", f"{p.receipt_lag_months} months after the month worked", "tender"))
            out.append(("Tax paid", f"{p.tax_lag_months} months after the period", "[K]"))
            out.append(("Performance bond premium", f"{format_decimal(p.bond_premium_pct, 1)}% of the bond a year",
                        "[U]"))
            out.append(("Tax", p.tax_basis, "option"))
        if f is not None:
            out.append(("Cash buffer", f"{format_decimal(f.buffer_months, 1)} months of year-one payroll", "option"))
            out.append(("Contingency on funding", format_value(f.contingency_pct, Kind.PERCENT, 0), "option"))
            out.append(("Minimum debt service cover", format_decimal(f.min_dscr), "[U]"))
        if r is not None:
            out.append(("Discount rate", format_value(r.discount_rate_pct, Kind.PERCENT)
                        + " a year (HM Treasury Green Book 3.5%, or the investor's rate)", "option"))
    except AttributeError:  # results of another shape: leave these rows out rather than guess
        return []
    return out


def build_assumptions(c: _Ctx) -> Section:
    blocks: list[Block] = []
    prices: _pricing.PriceSchedule | None = c.get("prices")
    rates = c.rates
    priced = prices.buildup.rates.year if prices is not None else (rates.last if rates else None)
    if priced is not None:
        rows = []
        for item in priced.items():
            p = item.provenance
            mark = f"[{p.status}]" if p and p.status else ""
            source = p.source if p else ""
            if p and p.effective:
                source += f" (from {_date(p.effective)})"
            if p and p.overridden:
                source += " (changed in this workspace)"
            rows.append((_t(item.label), _t(_rate_value(item)), _t(mark), _t(source)))
        blocks.append(Heading(f"Reference rates, {priced.label}"))
        blocks.append(Table("rates", (Column("Rate"), Column("Value", Kind.NUMBER), Column("Mark"), Column("Source")),
                            tuple(rows), first_column_width=Decimal("0.26"),
                            note="The year whose rates price year one; later years' pay follows the tender's "
                                 "pay uplift."))
    if rates is not None and len(rates.years) > 1:
        names = [i for i in rates.years[0].items()]
        rows = []
        for i, item in enumerate(names):
            rows.append((_t(item.label),) + tuple(_t(_rate_value(y.items()[i])) for y in rates.years))
        blocks.append(Table("rates_by_year", (Column("Rate"),) + tuple(Column(y.label, Kind.NUMBER)
                                                                       for y in rates.years), tuple(rows),
                            title="Rates by financial year"))
    standing: _standing.StandingResult | None = c.get("standing")
    if standing is not None:
        basis = standing.tested[0].metrics if standing.tested else (
            standing.members[0].standing.metrics if standing.members else ())
        if basis:
            rows = [(_t(r.metric.label), _t(_test_text(r)), _t(_source_mark(r.source))) for r in basis]
            blocks.append(Heading("Financial standing tests"))
            blocks.append(Table("thresholds", (Column("Test"), Column("Pass mark"), Column("Source")), tuple(rows),
                                note="Overall risk: no fails low, one medium, two or more high [U]. A tender "
                                     "condition takes precedence over the defaults."))
    model: list[tuple[str, str, str]] = []
    workforce: _capacity.WorkforceResult | None = c.get("workforce")
    if workforce is not None:
        model.append(("Productive hours per FTE a year", format_decimal(workforce.productive_hours_per_fte, 0), "[U]"))
        model.append(("Staff turnover a year", format_value(workforce.staff_turnover_pct, Kind.PERCENT, 0), "[U]"))
    model.append(("Capacity headroom below which cover is thin", f"{format_decimal(_capacity.THIN_HEADROOM_PCT, 0)}%",
                  "[U]"))
    if standing is not None:
        p = standing.params
        model.append(("Performance bond (when the tender sets none)", f"{format_decimal(p.bond_pct, 0)}% of annual value",
                      "[V]"))
        model.append(("Bond premium", f"{format_decimal(p.bond_premium_pct, 1)}% of the bond a year", "[U]"))
        model.append(("Guarantee sized at", f"{format_decimal(p.guarantee_pct, 0)}% of the annual value tested", "[U]"))
        model.append(("Accounts flagged as old after", f"{p.stale_after_months} months", "[U]"))
    if prices is not None:
        model.append(("Abnormally low price", f"more than {format_decimal(prices.abnormal_threshold_pct, 0)}% below "
                      "should-cost", "[U]"))
    if c.tender is not None:
        t = c.tender
        model.append(("Pay uplift a year (cost index)", format_value(t.pay_indexation_pct, Kind.PERCENT), "tender"))
        model.append(("CPI a year (cost index)", format_value(t.cpi_indexation_pct, Kind.PERCENT), "tender"))
    ev: _bid.BidEvaluation | None = c.get("evaluation")
    if ev is not None and ev.win is not None:
        u = _pricing.Uncertainty()
        model.append(("Win probability", f"{ev.draws:,} draws (seed {ev.seed}); competitors' prices ± "
                      f"{format_decimal(u.price_spread_pct, 0)}%, scores ± {format_decimal(u.quality_spread_pct, 0)}% "
                      "of the maximum (triangular)", "[U]"))
    model.extend(_capital_assumptions(c))
    blocks.append(Heading("Modelling assumptions"))
    blocks.append(Table("model_assumptions", (Column("Assumption"), Column("Value"), Column("Mark")),
                        tuple((_t(a), _t(b), _t(m)) for a, b, m in model), first_column_width=Decimal("0.4")))
    blocks.append(Heading("Marks"))
    blocks.append(Bullets(MARKS))
    blocks.append(Heading("Sources"))
    blocks.append(Bullets(SOURCES))
    return Section("assumptions", SECTION_TITLES["assumptions"], tuple(blocks))


# --------------------------------------------------------------------------- build

BUILDERS: dict[str, Callable[[_Ctx], Section | None]] = {
    "summary": build_summary,
    "consortium": build_consortium,
    "opportunity": build_opportunity,
    "capacity": build_capacity,
    "pricing": build_pricing,
    "projection": build_projection,
    "funding": build_funding,
    "returns": build_returns,
    "standing": build_standing,
    "reserved": build_reserved,
    "social_impact": build_social_impact,
    "risks": build_risks,
    "assumptions": build_assumptions,
}

#: The analyses a section needs (any one of them is enough); sections not listed need none.
NEEDS: dict[str, tuple[str, ...]] = {
    "capacity": ("coverage", "workforce"),
    "pricing": ("prices",),
    "projection": ("projection",),
    "funding": ("funding",),
    "returns": ("returns",),
    "standing": ("standing",),
    "reserved": ("standing",),
}


CAPITAL_SECTIONS = ("projection", "funding", "returns")


def check_sections(sections: Iterable[str] | None) -> tuple[str, ...]:
    """The section keys asked for, in document order; ValueError naming any unknown key."""
    if sections is None:
        return tuple(k for k, _ in SECTIONS)
    wanted = [s.strip() for s in sections if s.strip()]
    unknown = [s for s in wanted if s not in SECTION_TITLES]
    if unknown:
        raise ValueError(f"unknown section{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         f"choose from {', '.join(k for k, _ in SECTIONS)}")
    if not wanted:
        raise ValueError("no sections chosen")
    return tuple(k for k, _ in SECTIONS if k in wanted)


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
    orgs = {m.id: o for m in members if (o := ws.get(Organisation, m.organisation_id)) is not None}
    if results is None:
        results = _analyses.analyse_option(ws, option_id)
    if not isinstance(results, Results):
        results = Results.of(option_id, results)
    try:
        rates = _analyses.workspace_rates(ws)
    except ValueError:
        rates = None
    ctx = _Ctx(ws, option, tender, members, orgs, results, _narrative(ws, option_id, narrative), rates)  # type: ignore[arg-type]
    built: list[Section] = []
    left_out: list[tuple[str, str]] = []
    for k in keys:
        needs = NEEDS.get(k, ())
        if needs and not any(ctx.get(n) is not None for n in needs):
            why = "; ".join(f"{n}: {results[n].reason}" if isinstance(results.get(n), Refusal | NotApplicable)
                            else f"{n}: not run" for n in needs)
            left_out.append((k, why))
            continue
        try:
            section = BUILDERS[k](ctx)
        except (AttributeError, TypeError) as exc:
            if k not in CAPITAL_SECTIONS:
                raise
            left_out.append((k, f"the {k} results could not be read: {exc}"))
            continue
        if section is None or not section.blocks:
            left_out.append((k, "nothing to show"))
            continue
        built.append(section)
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
    return InvestmentCase(meta, tuple(built), logo_path, tuple(left_out))


def option_by_name(ws: Workspace, name: str) -> ConsortiumOption:
    """The option called ``name`` (case and spacing ignored); ValueError if none or several."""
    found = [o for o in ws.options() if key(o.name) == key(name)]
    if not found:
        names = ", ".join(repr(o.name) for o in ws.options()) or "none"
        raise ValueError(f"no consortium option named {name!r} (options: {names})")
    if len(found) > 1:
        raise ValueError(f"{len(found)} consortium options are named {name!r}; rename one")
    return found[0]

