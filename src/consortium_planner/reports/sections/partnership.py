"""Partnership (DOMAIN §4, §10): the structure advisor, money between members, pensions by cohort,
readiness and fit, due diligence and the heads of terms, as document blocks.

The investment case's "Partnership" section is ``build_partnership``; the option workbook's
partnership sheets (``reports/xlsx_partnership.py``) and the GUI's Partnership tab
(``gui/partnership``) show the same tables, built by the functions below from the analyses' results,
so the figures agree cell for cell. The worst news comes first: the section opens with the findings
of its analyses, most severe first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from ...domain.findings import Finding, by_severity
from ...domain.model import DueDiligenceStatus, ReadinessDimension, Structure, TermsStatus
from ...domain.money import ZERO, format_decimal, format_gbp
from ...domain.partnering.advisor import StructureAdvice, StructureEffects
from ...domain.partnering.choices import lower_first
from ...domain.partnering.flows import MoneyFlows
from ...domain.partnering.pension_analysis import PensionsResult
from ...domain.partnering.readiness import CULTURE, Fit, HeadsOfTerms, ReadinessResult
from ...domain.standing import ReservedVerdict
from ..document import (
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
    Series,
    Status,
    Table,
    cell,
    status_of,
)
from .context import CaseContext, article

__all__ = ["ANALYSES", "FIT_STATUS", "SHORT_DIMENSION", "advisor_blocks", "answers_table", "build_partnership",
           "conditions_table", "diligence_table", "effects_table", "findings_table", "flow_amounts_table",
           "flow_blocks", "flows_by_month_table", "flows_chart", "flows_table", "members_money_table",
           "pension_blocks", "pension_costs_table", "pensions_table", "ranking_table", "readiness_blocks",
           "readiness_heatmap", "reasons_table", "terms_blocks", "terms_table"]

#: the analyses this section shows (any one is enough)
ANALYSES = ("structure", "money_flows", "pensions", "readiness", "heads_of_terms")
AREAS = ("Partnering", "Pensions")
FIT_STATUS = {Fit.GOOD: Status.GREEN, Fit.WATCH: Status.AMBER, Fit.WEAK: Status.RED, Fit.UNSCORED: Status.GREY}
READY = {True: ("yes", Status.GREEN), False: ("no", Status.RED), None: ("tight", Status.AMBER)}
RESERVED = {ReservedVerdict.ELIGIBLE: Status.GREEN, ReservedVerdict.CHECK: Status.AMBER,
            ReservedVerdict.NOT_ELIGIBLE: Status.RED}
DD_SHORT = {DueDiligenceStatus.CLEAR: "clear", DueDiligenceStatus.ISSUE: "issue", DueDiligenceStatus.RECEIVED: "received",
            DueDiligenceStatus.REQUESTED: "asked", DueDiligenceStatus.NOT_STARTED: "–",
            DueDiligenceStatus.NOT_APPLICABLE: "n/a"}
DD_STATUS = {DueDiligenceStatus.CLEAR: Status.GREEN, DueDiligenceStatus.ISSUE: Status.RED,
             DueDiligenceStatus.RECEIVED: Status.AMBER, DueDiligenceStatus.REQUESTED: Status.AMBER,
             DueDiligenceStatus.NOT_STARTED: Status.GREY, DueDiligenceStatus.NOT_APPLICABLE: None}
TERMS_STATUS = {TermsStatus.AGREED: Status.GREEN, TermsStatus.PROPOSED: Status.AMBER, TermsStatus.DISPUTED: Status.RED,
                TermsStatus.NOT_DISCUSSED: Status.GREY}
#: the dimensions' short names, for a heat map's columns
SHORT_DIMENSION = {
    ReadinessDimension.NEED: "Need", ReadinessDimension.PURPOSE: "Purpose", ReadinessDimension.COMMITMENT: "Commitment",
    ReadinessDimension.TRUST: "Trust", ReadinessDimension.ARRANGEMENTS: "Arrangements",
    ReadinessDimension.LEARNING: "Learning", ReadinessDimension.DECISIONS: "Decisions",
    ReadinessDimension.RISK: "Risk appetite", ReadinessDimension.VALUES: "Values", ReadinessDimension.PAY_HR: "Pay and HR",
    ReadinessDimension.GOVERNANCE: "Governance", ReadinessDimension.COMMUNICATION: "Communication",
}


def _yes(flag: bool | None) -> str:
    return "check" if flag is None else ("yes" if flag else "no")


def findings_table(key: str, findings: Iterable[Finding], title: str = "") -> Table | None:
    """The findings, most severe first, each coloured by its severity (``status_of``)."""
    rows = tuple((cell(f.severity.label, status_of(f.severity)), cell(f.message)) for f in by_severity(findings))
    if not rows:
        return None
    return Table(key, (Column("Severity"), Column("Finding")), rows, title=title, first_column_width=Decimal("0.12"))


# --------------------------------------------------------------------------- the structure advisor


def ranking_table(advice: StructureAdvice) -> Table:
    rows = []
    highlight = []
    for i, r in enumerate(advice.ranked):
        e = r.effects
        ready, ready_status = READY[e.ready_in_time]
        if r.current:
            highlight.append(i)
        rows.append((
            cell(Decimal(r.rank)), cell(r.structure.label + (" (chosen)" if r.current else "")), cell(Decimal(r.score)),
            cell(f"{e.standing_risk} risk" + (f", {len(e.standing_fails)} fail{'s' if len(e.standing_fails) != 1 else ''}"
                                              if e.standing_fails else ""),
                 {"Low": Status.GREEN, "Medium": Status.AMBER, "High": Status.RED}.get(e.standing_risk)),
            cell(e.reserved.label, RESERVED[e.reserved] if advice.reserved_tender else None,
                 note="" if advice.reserved_tender else "the tender is not reserved for mutuals"),
            Cell(e.vat_irrecoverable + e.vat_at_risk, Status.AMBER if (e.vat_irrecoverable or e.vat_at_risk) else None,
                 note="stated statuses; " + format_gbp(e.vat_at_risk) + " of it at risk" if e.vat_at_risk else ""),
            cell(f"{e.setup_weeks_low}–{e.setup_weeks_high} wk", ready_status, note=f"ready in time: {ready}"),
        ))
    return Table("structure_ranking", (
        Column("Rank", Kind.NUMBER, 0), Column("Structure"), Column("Points", Kind.NUMBER, 0),
        Column("Standing"), Column("Reserved contract"),
        Column("VAT lost a year", Kind.MONEY, note="irrecoverable VAT on payments between partners, stated and at risk"),
        Column("Set-up"),
    ), tuple(rows), title="Every structure ranked", highlight_rows=tuple(highlight),
        note="Points [U] for and against each structure from the answers and the workspace (the reasons follow); "
             "effects worked out on a copy of the option with that structure (the stored option is unchanged).")


def reasons_table(advice: StructureAdvice) -> Table:
    """Each structure's points for and against, with their reasons."""
    rows = tuple((cell(r.structure.label), cell(Decimal(r.score)),
                  cell("; ".join(f"{x.text} ({x.points:+d})" for x in r.reasons) or "no points for or against"))
                 for r in advice.ranked)
    return Table("structure_reasons", (Column("Structure"), Column("Points", Kind.NUMBER, 0),
                                       Column("For (+) and against (−)")), rows, title="Why each structure scores as it "
                 "does", first_column_width=Decimal("0.2"))


def answers_table(advice: StructureAdvice) -> Table:
    return Table("structure_answers", (Column("Question"), Column("Answer"), Column("Source")),
                 tuple((cell(a.question), cell(a.answer), cell(a.source)) for a in advice.answers),
                 title="The questions", first_column_width=Decimal("0.3"))


def _effect_rows(e: StructureEffects, reserved: bool) -> list[tuple[str, Cell]]:
    ready, ready_status = READY[e.ready_in_time]
    met = sum(1 for c in e.vat_conditions if c.met is True)
    return [
        ("Liability", cell(e.liability)),
        ("Entity tested for standing", cell(e.tested_entity, note=e.tested_rule)),
        ("Standing result", cell(f"{e.standing_risk} risk" + (": fails " + ", ".join(e.standing_fails)
                                                             if e.standing_fails else ": no test failed"),
                                 {"Low": Status.GREEN, "Medium": Status.AMBER, "High": Status.RED}.get(e.standing_risk))),
        ("Reserved-contract eligibility", cell(e.reserved.label, RESERVED[e.reserved] if reserved else None,
                                               note=e.reserved_text)),
        ("TUPE employer", cell(e.tupe_employers)),
        ("NHS Pension", cell(e.nhs_pension, None if e.nhs_ok is None else (Status.GREEN if e.nhs_ok else Status.RED))),
        ("LGPS admission", cell(e.lgps)),
        ("VAT: cost-sharing conditions met", cell(f"{met} of {len(e.vat_conditions)}"
                                                  + (": the exemption applies" if e.cse_applies else ""),
                                                  None if not e.fee_is_supply else
                                                  (Status.GREEN if e.cse_applies else Status.RED))),
        ("VAT nobody recovers, a year", Cell(e.vat_irrecoverable, Status.RED if e.vat_irrecoverable else None,
                                             Kind.MONEY, note=e.vat_text)),
        ("VAT at risk, a year", Cell(e.vat_at_risk, Status.AMBER if e.vat_at_risk else None, Kind.MONEY,
                                     note="where VAT statuses are not stated")),
        ("Set-up time", cell(f"{e.setup_weeks_low}–{e.setup_weeks_high} weeks; ready in time: {ready}", ready_status,
                             note=e.setup_source)),
        ("Set-up cost", cell(f"{format_gbp(e.setup_cost_low)}–{format_gbp(e.setup_cost_high)}", note=e.setup_source)),
        ("Governance", cell(e.governance)),
    ]


def effects_table(advice: StructureAdvice, structures: Sequence[Structure], key: str = "structure_effects") -> Table:
    """The effects of ``structures`` side by side (one column each)."""
    columns = (Column("Effect"),) + tuple(Column(s.label + (" (chosen)" if s is advice.current else ""))
                                          for s in structures)
    per = [_effect_rows(advice.of(s).effects, advice.reserved_tender) for s in structures]
    rows = tuple((cell(per[0][i][0]),) + tuple(p[i][1] for p in per) for i in range(len(per[0])))
    return Table(key, columns, rows, title="What each structure does for this option",
                 first_column_width=Decimal("0.2"))


def conditions_table(advice: StructureAdvice, structure: Structure) -> Table:
    e = advice.of(structure).effects
    rows = tuple((cell(c.label), cell(_yes(c.met), None if c.met is None else (Status.GREEN if c.met else Status.RED)),
                  cell(c.reason)) for c in e.vat_conditions)
    note = ("The management fee is invoiced to members, so these conditions decide its VAT." if e.fee_is_supply else
            "The fee is not invoiced to members, so no charge between partners needs the exemption.")
    return Table("vat_conditions", (Column("VAT cost-sharing condition"), Column("Met"), Column("Why")), rows,
                 title=f"VAT cost-sharing exemption ({lower_first(structure.label)})", note=note,
                 first_column_width=Decimal("0.35"))


def advisor_blocks(advice: StructureAdvice) -> list[Block]:
    best, current = advice.ranked[0], advice.of(advice.current)
    lead = (f"On the answers given, {article(best.structure.label)} ranks first ({best.score} points)"
            + (", the structure chosen." if best.structure is advice.current else
               f"; the chosen {lower_first(advice.current.label)} ranks {current.rank} of {len(advice.ranked)} "
               f"({current.score} points)."))
    blocks: list[Block] = [Paragraph(lead, "lead")]
    if not advice.answered:
        blocks.append(Paragraph("The structure questions are not answered yet: the ranking uses the defaults.", "note"))
    blocks += [answers_table(advice), ranking_table(advice), reasons_table(advice)]
    shown = [advice.current] + ([best.structure] if best.structure is not advice.current else [])
    blocks.append(effects_table(advice, shown))
    blocks.append(conditions_table(advice, advice.current))
    return blocks


# --------------------------------------------------------------------------- money between members


def _flow_name(f) -> str:
    return f"VAT via {f.payer}" if f.kind == "VAT" else (f"Kept by {f.payee}" if f.kind == "kept" else
                                                        ("Price" if f.kind == "price" else f"To {f.payee}"))


def flows_table(m: MoneyFlows) -> Table:
    """Who pays whom, each flow's VAT treatment and timing."""
    rows = tuple((cell(f.kind[:1].upper() + f.kind[1:]), cell(f.payer), cell(f.payee),
                  cell(f.vat_treatment), cell(f.timing)) for f in m.flows)
    return Table("money_flows", (Column("What"), Column("From"), Column("To"), Column("VAT"), Column("When")), rows,
                 title="The flows: who pays whom, VAT and timing")


def flow_amounts_table(m: MoneyFlows) -> Table:
    """Each flow's amounts by contract year (as the buyer pays), the parts adding up to the price."""
    columns = (Column("Flow"),) + tuple(Column(label, Kind.MONEY) for label in m.year_labels) + (
        Column("Total", Kind.MONEY),)
    rows = tuple((cell(_flow_name(f)),) + tuple(cell(v) for v in f.by_year) + (Cell(f.total, bold=True),)
                 for f in m.flows)
    return Table("money_flow_amounts", columns, rows, title="Amounts by contract year (as the buyer pays)",
                 note="Each payment the buyer makes is split when it arrives; payments between partners are made as "
                      "the buyer pays (back-to-back). The rows below the price add up to it every month.",
                 first_column_width=Decimal("0.22"))


def flows_by_month_table(m: MoneyFlows) -> Table:
    parts = [f for f in m.flows if f.part]
    columns = (Column("Month"), Column("Buyer pays", Kind.MONEY)) + tuple(
        Column(f"{f.payee}" if f.kind != "VAT" else f"VAT ({f.payer})", Kind.MONEY, note=f.kind) for f in parts) + (
        Column("Check"),)
    rows = tuple((cell(f"{x.starts:%b %Y}"), cell(x.buyer_payment)) + tuple(cell(v) for v in x.parts)
                 + (cell("adds up" if sum(x.parts, ZERO) == x.buyer_payment else "differs",
                         Status.GREEN if sum(x.parts, ZERO) == x.buyer_payment else Status.RED),)
                 for x in m.months)
    total = (Cell("Total", bold=True), Cell(m.buyer_total, bold=True)) + tuple(
        Cell(f.total, bold=True) for f in parts) + (Cell(""),)
    return Table("money_by_month", columns, rows + (total,), title="Where each month's payment goes",
                 total_rows=1)


def members_money_table(m: MoneyFlows) -> Table:
    rows = tuple((cell(x.name), cell(x.role), cell(x.received), cell(x.income), cell(x.own_cost), cell(x.profit_share),
                  Cell(x.result, Status.RED if x.result < 0 else None, bold=True)) for x in m.members)
    return Table("member_money", (Column("Member"), Column("Role"), Column("Cash received", Kind.MONEY),
                                  Column("Income", Kind.MONEY), Column("Own costs", Kind.MONEY),
                                  Column("Profit share", Kind.MONEY), Column("Result", Kind.MONEY)), rows,
                 title="Each member's cash and profit from the flows (over the term)",
                 note="Income and own costs accrue with the projection (ramp-up included); a vehicle reimburses "
                      "members at cost and shares its profit. Bonds, insurance, mobilisation, financing and tax are "
                      "outside the flows.")


def flows_chart(m: MoneyFlows) -> Chart:
    """Where the buyer's payments go, by year: to the members, as VAT to HMRC, kept by the contracting party."""
    groups: dict[str, list[Decimal]] = {}
    for f in (f for f in m.flows if f.part):
        name = "VAT to HMRC" if f.kind == "VAT" else (f"Kept by {f.payee}" if f.kind == "kept" else "Paid to members")
        acc = groups.setdefault(name, [ZERO] * len(m.year_labels))
        for i, v in enumerate(f.by_year):
            acc[i] += v
    series = tuple(Series(name, tuple(values)) for name, values in groups.items())
    return Chart("money_flows_chart", ChartKind.STACKED, "Where the buyer's payments go, by contract year",
                 m.year_labels, series, "Contract year", "Paid (£)", Kind.MONEY)


def flow_blocks(m: MoneyFlows, *, monthly: bool = False) -> list[Block]:
    blocks: list[Block] = [KeyFigures((
        KeyFigure("Buyer pays over the term", m.buyer_total, Kind.MONEY),
        KeyFigure("Receives it", m.party),
        KeyFigure("VAT nobody recovers, year one", m.vat_irrecoverable_year_one, Kind.MONEY,
                  status=Status.RED if m.vat_irrecoverable_year_one else Status.GREEN),
        KeyFigure("VAT at risk, year one", m.vat_at_risk_year_one, Kind.MONEY,
                  status=Status.AMBER if m.vat_at_risk_year_one else Status.GREEN,
                  note="where VAT statuses are not stated"),
    ), title="Money between members"), flows_table(m), flow_amounts_table(m), members_money_table(m)]
    if any(f.part for f in m.flows) and m.year_labels:
        blocks.append(flows_chart(m))
    if m.distributions:
        blocks.append(Table("profit_shares", (Column("Member"), Column("For"), Column("Paid"), Column("Amount", Kind.MONEY)),
                            tuple((cell(d.name), cell(next((lbl for i, lbl in enumerate(m.year_labels, 1)
                                                            if i == d.period), f"Period {d.period}")),
                                   cell(f"{d.starts:%b %Y}"), cell(d.amount)) for d in m.distributions),
                            title="Profit shares paid by the vehicle"))
    if monthly:
        blocks.append(flows_by_month_table(m))
    return blocks


# --------------------------------------------------------------------------- pensions


def pensions_table(p: PensionsResult) -> Table:
    """Each cohort: its scheme, employers, pay and rate, and whether its cost is in the price."""
    rows = tuple((cell(c.cohort_name), cell(c.scheme.label + (" (deemed employer)" if c.deemed_employer else "")),
                  cell(c.employers), cell(c.fte, kind=Kind.NUMBER, places=1), cell(c.pay),
                  cell(c.employer_rate_pct, kind=Kind.PERCENT, note=c.rate_source),
                  cell("stated: in the price" if c.stated else "indicative: not in the price",
                       Status.GREEN if c.stated else Status.AMBER)) for c in p.cohorts)
    return Table("pension_cohorts", (
        Column("Cohort"), Column("Scheme"), Column("Employers"), Column("FTE", Kind.NUMBER, 1),
        Column("Pensionable pay", Kind.MONEY), Column("Rate", Kind.PERCENT), Column("Arrangement"),
    ), tuple(rows), title="Pensions by TUPE cohort", first_column_width=Decimal("0.15"))


def pension_costs_table(p: PensionsResult) -> Table:
    """Each cohort's costs a year, bond, exit range and admission, in year-one pounds."""
    rows = tuple((cell(c.cohort_name), cell(c.extra_contributions), cell(c.bond), cell(c.bond_premium),
                  cell(c.exit_low), cell(c.exit_central), cell(c.exit_high),
                  Cell(c.annual_cost, Status.GREEN if c.stated else Status.AMBER, bold=True,
                       note="in the price" if c.stated else "indicative: not in the price until stated"),
                  cell(c.admission_costs)) for c in p.cohorts)
    return Table("pension_costs", (
        Column("Cohort"), Column("Extra contributions a year", Kind.MONEY), Column("Bond", Kind.MONEY),
        Column("Bond premium a year", Kind.MONEY), Column("Exit: low", Kind.MONEY), Column("Exit: central", Kind.MONEY),
        Column("Exit: high", Kind.MONEY),
        Column("A year", Kind.MONEY, note="extra contributions + bond premium + exit provision"),
        Column("Admission (one-off)", Kind.MONEY),
    ), tuple(rows), title="What protecting their pensions costs (year-one pounds)",
        note="Green: an arrangement is stated and its cost is in the price; amber: indicative from the cohort's current "
             "scheme, not in the price.", first_column_width=Decimal("0.15"))


def pension_blocks(p: PensionsResult) -> list[Block]:
    if not p.cohorts:
        return [Paragraph("No staff transfer under TUPE for this tender.")]
    blocks: list[Block] = [KeyFigures((
        KeyFigure("In the price a year", p.annual_cost_in_price, Kind.MONEY),
        KeyFigure("Not in the price a year", p.annual_cost_not_in_price, Kind.MONEY,
                  status=Status.AMBER if p.annual_cost_not_in_price else Status.GREEN),
        KeyFigure("Admission set-up (one-off)", p.admission_costs, Kind.MONEY),
        KeyFigure("Exit payment at contract end", f"{format_gbp(p.exit_low)}–{format_gbp(p.exit_high)}",
                  status=Status.AMBER if p.exit_high else None),
    ), title="Pensions"), pensions_table(p), pension_costs_table(p)]
    for c in p.cohorts:
        items = list(c.assumptions)
        if c.nhs_reason:
            items.append(f"NHS Pension: {_yes(c.nhs_eligible)}: {c.nhs_reason}")
        blocks.append(Paragraph(f"{c.cohort_name}: assumptions", "note"))
        blocks.append(Bullets(tuple(items)))
    return blocks


# --------------------------------------------------------------------------- readiness, due diligence, terms


def readiness_heatmap(r: ReadinessResult) -> Chart:
    series = []
    for (_mid, name), cells in zip(r.partners, r.cells, strict=True):
        series.append(Series(
            name, tuple(Decimal(c.score) if c.score is not None else None for c in cells),
            statuses=tuple(FIT_STATUS[c.fit] for c in cells),
            details=tuple(f"±{format_decimal(c.divergence, 1)}" if c.divergence is not None else "" for c in cells),
            notes=tuple((f"{name}: {c.dimension.label} {c.score} of 5; the others' median "
                         f"{format_decimal(c.others_median, 1) if c.others_median is not None else 'not scored'}"
                         + (f"; {c.note}" if c.note else "")) if c.score is not None else f"{name}: not scored"
                        for c in cells)))
    return Chart("readiness_heatmap", ChartKind.HEATMAP, "Readiness and culture fit: each partner's score and its "
                 "divergence from the others", tuple(SHORT_DIMENSION[d] for d in r.dimensions), tuple(series),
                 "Principle or dimension", "Partner", Kind.NUMBER,
                 note="Principles (need … learning): 1 not at all, 5 fully. Culture (decisions … communication): the "
                      "partner's own position, 1 to 5. Colour: divergence from the other partners' median under 1 "
                      "green, under 2 amber, 2 or more red (or a principle scored 2 or less) [U]; grey: not scored.")


def diligence_table(r: ReadinessResult) -> Table:
    from ...domain.model import DueDiligenceArea

    by = {(d.member_id, d.area): d for d in r.due_diligence}
    rows = []
    for area in DueDiligenceArea:
        items = [by[(mid, area)] for mid, _name in r.partners]
        rows.append((cell(area.label),) + tuple(Cell(DD_SHORT[d.status], DD_STATUS[d.status], note=d.status.label
                                                     + (f": {d.notes}" if d.notes else "")) for d in items))
    return Table("due_diligence", (Column("Area"),) + tuple(Column(name) for _mid, name in r.partners), tuple(rows),
                 title="Due diligence: each partner's checklist", first_column_width=Decimal("0.16"),
                 note="clear: reviewed, no issues (green); issue: an issue found (red); asked or received: not yet "
                      "reviewed (amber); –: not started (grey). The issues found are listed below.")


def readiness_blocks(r: ReadinessResult) -> list[Block]:
    if not r.partners:
        return [Paragraph("No partners to assess.")]
    blocks: list[Block] = [readiness_heatmap(r)]
    if r.weakest_links:
        blocks.append(Paragraph("Weakest links, worst first:", "lead"))
        blocks.append(Bullets(tuple(f"{w.name}, {lower_first(w.dimension.label)}: {w.why}" for w in r.weakest_links[:8])))
    else:
        blocks.append(Paragraph("No weak link: the partners' scores lie within a point or so of each other."))
    culture = [s for s in r.summaries if s.dimension in CULTURE and s.spread is not None and s.spread >= 2]
    if culture:
        blocks.append(Paragraph("Culture dimensions the partners are furthest apart on: " + "; ".join(
            f"{lower_first(s.dimension.label)} (spread {s.spread})" for s in culture) + "."))
    if r.unscored:
        blocks.append(Paragraph(f"Not yet scored: {', '.join(r.unscored)}.", "note"))
    blocks.append(diligence_table(r))
    issues = [d for d in r.due_diligence if d.status is DueDiligenceStatus.ISSUE]
    if issues:
        blocks.append(Bullets(tuple(f"{d.name}, {lower_first(d.area.label)}: {d.notes or 'issue found'}"
                                    for d in issues)))
    return blocks


def terms_table(t: HeadsOfTerms) -> Table:
    rows = tuple((cell(x.head.label), cell(x.status.label, TERMS_STATUS[x.status]), cell(x.position),
                  cell(x.amount, kind=Kind.MONEY), cell(x.from_workspace)) for x in t.rows)
    return Table("heads_of_terms", (Column("Head"), Column("Status"), Column("What is proposed or agreed"),
                                    Column("Amount", Kind.MONEY), Column("The workspace says")), rows,
                 title="Consortium agreement: heads of terms", first_column_width=Decimal("0.14"))


def terms_blocks(t: HeadsOfTerms) -> list[Block]:
    blocks: list[Block] = [Paragraph(f"{t.agreed} of {len(t.rows)} heads agreed, {t.disputed} disputed, "
                                     f"{t.not_discussed} not yet discussed."), terms_table(t)]
    if t.bid_cost_shares:
        blocks.append(Table("bid_cost_shares", (Column("Member"), Column("Participation", Kind.PERCENT),
                                                Column("Share of bid costs", Kind.MONEY)),
                            tuple((cell(b.name), cell(b.participation_pct), cell(b.amount)) for b in t.bid_cost_shares)
                            + ((Cell("Total", bold=True), Cell(None),
                                Cell(sum((b.amount for b in t.bid_cost_shares), ZERO), bold=True)),),
                            title=f"Bid costs of {format_gbp(t.bid_costs)} shared by participation", total_rows=1))
    return blocks


# --------------------------------------------------------------------------- the section


def build_partnership(ctx: CaseContext) -> list[Block] | None:
    results = {name: ctx.result(name) for name in ANALYSES}
    if not any(results.values()):
        return None
    blocks: list[Block] = []
    found = ctx.results.findings(ANALYSES)
    table = findings_table("partnership_findings", [f for f in found if f.severity.rank >= 1],
                           "What needs attention, most serious first")
    if table is not None:
        blocks.append(table)
    if results["structure"] is not None:
        blocks += [Heading("Choosing the structure"), *advisor_blocks(results["structure"])]
    if results["money_flows"] is not None:
        blocks += [Heading("Money between members"), *flow_blocks(results["money_flows"])]
    if results["pensions"] is not None:
        blocks += [Heading("Pensions of transferring staff"), *pension_blocks(results["pensions"])]
    if results["readiness"] is not None:
        blocks += [Heading("Partner readiness and fit"), *readiness_blocks(results["readiness"])]
    if results["heads_of_terms"] is not None:
        blocks += [Heading("Heads of terms"), *terms_blocks(results["heads_of_terms"])]
    return blocks
