"""The Capacity tab's tables as document ``Table``s (no Qt here: they could feed the PDF and the workbook).

Members (utilisation, growth, lead time, contract dependency), workforce per member and per service
line, partners outside the option, and the optimiser's proposal (volumes, members, shortfalls, unit
costs). Every figure is the domain's; a cell's status is its colour, its note the tooltip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ...domain.capacity import CoverageResult, PartnerCandidate, Rag, WorkforceResult
from ...domain.money import format_decimal, format_gbp
from ...domain.optimise import Proposal
from ...reports.document import Cell, Column, Kind, Status, Table
from ...reports.sections.capacity import fmt_pct, fmt_volume

__all__ = ["MEMBER_COLUMNS", "PARTNER_BUTTON_COLUMN", "PARTNER_COLUMNS", "RAG_STATUS", "WORKFORCE_COLUMNS",
           "WORKFORCE_LINE_COLUMNS", "ProposalRow", "fmt_fte", "member_table", "partner_table", "plural",
           "proposal_member_table", "proposal_rows", "shortfall_table", "unit_cost_table", "volume_table",
           "workforce_line_table", "workforce_table"]

RAG_STATUS: dict[Rag, Status] = {Rag.GREEN: Status.GREEN, Rag.AMBER: Status.AMBER, Rag.RED: Status.RED,
                                 Rag.NOT_GIVEN: Status.GREY, Rag.NO_TURNOVER: Status.GREY}
_GLYPH = {Status.GREEN: "✓", Status.AMBER: "!", Status.RED: "✗", Status.GREY: "–"}  # as the screen's tones


def fmt_fte(value: Decimal) -> str:
    return format_decimal(value, 2)


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _whole(value: Decimal | None) -> int:
    """Places to show a volume or percentage with: none when whole, else two (as ``fmt_volume``)."""
    return 0 if value is None or value == value.to_integral_value() else 2


def volume(value: Decimal | None, **kw) -> Cell:
    """A volume cell: 27,200 (whole) or 27,200.50."""
    return Cell(value, places=_whole(value), **kw)


def pct(value: Decimal | None, **kw) -> Cell:
    """A percentage cell: 100% (whole) or 29.41%."""
    return Cell(value, places=_whole(value), **kw)


def _number(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _in_time(ok: bool) -> tuple[str, Status]:
    return ("✓", Status.GREEN) if ok else ("✗", Status.RED)


# --------------------------------------------------------------------------- members

MEMBER_COLUMNS = (
    Column("Member", note="The member organisation and its role in the option"),
    Column("Allocated", Kind.NUMBER, note="Units a year allocated to the member, all the tender's service lines"),
    Column("Capacity\nnow", Kind.NUMBER,
           note="Units a year the member can deliver now on the tender's service lines and areas"),
    Column("Capacity\nwith growth", Kind.NUMBER, note="Capacity including the member's maximum growth"),
    Column("Utilisation", Kind.PERCENT, note="Allocated ÷ capacity now; over 100% means the member must grow"),
    Column("Growth\nneeded", Kind.PERCENT, note="The most growth any of its lines needs: ✓ within the maximum "
                                                "growth it has given for the line, ✗ beyond it"),
    Column("Lead time\n(months)", Kind.NUMBER, 0,
           note="The longest lead time of its lines against the tender's mobilisation period"),
    Column("Contract\ndependency", Kind.PERCENT, note="Its share of the annual contract value ÷ its latest turnover "
                                                      "(≤25% green, ≤50% amber, else red)"),
)


def member_table(result: CoverageResult) -> Table:
    """One row per member (keys: ``[m.member_id for m in result.members]``)."""
    rows = []
    for m in result.members:
        lines_tip = []
        for ln in m.lines:
            if not ln.has_capacity_row:
                lines_tip.append(f"• {ln.service_line}, {ln.area}: {fmt_volume(ln.allocated)} allocated, "
                                 "but it has no capacity there ✗")
                continue
            growth = ""
            if ln.growth_needed_pct:
                growth = (f"; needs {fmt_pct(ln.growth_needed_pct)} growth, max {fmt_pct(ln.max_growth_pct)}"
                          + (" ✗" if ln.exceeds_growth_limit else ""))
            lead = f"; lead time {ln.lead_time_months} months" if ln.lead_time_months is not None else ""
            lines_tip.append(f"• {ln.service_line}, {ln.area}: {fmt_volume(ln.allocated)} of "
                             f"{fmt_volume(ln.capacity)} ({fmt_pct(ln.utilisation_pct)}){growth}{lead}")
        name_tip = f"{m.name} ({m.role.label.lower()})" + ("\n" + "\n".join(lines_tip) if lines_tip else
                                                           "\nNothing allocated.")
        # utilisation: red when some line is beyond even its growth, amber when it relies on growth
        growth_status = (Status.RED if m.growth_exceeds_limit
                         else Status.AMBER if (m.max_growth_needed_pct or 0) > 0 else None)
        if m.max_growth_needed_pct is None:
            growth_text = "–" if not m.unsupported_volume else "✗ no capacity"
        elif m.max_growth_needed_pct == 0 and not m.growth_exceeds_limit:
            growth_text = "none"
        else:
            growth_text = f"{'✗' if m.growth_exceeds_limit else '✓'} {fmt_pct(m.max_growth_needed_pct)}"
        growth_tip = "\n".join(
            f"{ln.service_line}, {ln.area}: needs {fmt_pct(ln.growth_needed_pct)}, max {fmt_pct(ln.max_growth_pct)}"
            + (" — beyond the maximum" if ln.exceeds_growth_limit else "")
            for ln in m.lines if ln.has_capacity_row and ln.growth_needed_pct)
        if m.unsupported_volume:
            growth_tip += (("\n" if growth_tip else "") + f"{fmt_volume(m.unsupported_volume)} allocated where it "
                           "has no capacity at all")
        if m.lead_time_months is None:
            lead = Cell(None, note="Nothing allocated, or no lead time known")
        else:
            glyph, status = _in_time(bool(m.mobilisation_ok))
            lead = Cell(_number(m.lead_time_months), status, text=f"{glyph} {m.lead_time_months} vs "
                                                                  f"{m.mobilisation_months}",
                        note=f"Lead time {m.lead_time_months} months; the tender allows {m.mobilisation_months} "
                             f"months to mobilise: {'in time' if m.mobilisation_ok else 'it cannot be ready in time'}")
        dep_status = RAG_STATUS[m.dependency]
        dep_text = (f"{_GLYPH[dep_status]} {fmt_pct(m.dependency_pct)}" if m.dependency_pct is not None
                    else f"{_GLYPH[dep_status]} {m.dependency.value}")
        year = f" (year to {m.turnover_year_end.strftime('%d/%m/%Y')})" if m.turnover_year_end else ""
        dep_tip = (f"Share of the annual contract value: {format_gbp(m.contract_value)}\n"
                   f"Latest turnover{year}: {format_gbp(m.latest_turnover)}\n"
                   f"Contract dependency: {fmt_pct(m.dependency_pct)} — {m.dependency.value}")
        rows.append((
            Cell(m.name, text=f"{m.name} · {m.role.label.lower()}", note=name_tip),
            volume(m.allocated),
            volume(m.capacity),
            volume(m.capacity_with_growth),
            pct(m.utilisation_pct, status=growth_status,
                note=f"{fmt_volume(m.allocated)} allocated ÷ {fmt_volume(m.capacity)} capacity now"),
            Cell(m.max_growth_needed_pct, growth_status, text=growth_text, note=growth_tip or "No line needs growth"),
            lead,
            Cell(m.dependency_pct, dep_status, text=dep_text, note=dep_tip),
        ))
    return Table("capacity_members", MEMBER_COLUMNS, tuple(rows), title="Members' capacity and utilisation")


# --------------------------------------------------------------------------- workforce

WORKFORCE_COLUMNS = (
    Column("Member"),
    Column("FTE needed", Kind.NUMBER, note="Allocated units × paid hours per unit ÷ productive hours per FTE"),
    Column("TUPE FTE", Kind.NUMBER,
           note="Staff transferring under TUPE to this member, in proportion to the volume it delivers"),
    Column("Recruitment FTE", Kind.NUMBER, note="max(0, FTE − TUPE FTE) + FTE × staff turnover, line by line"),
    Column("Lead time", note="The longest lead time of its lines against the tender's mobilisation period"),
)


def workforce_table(result: WorkforceResult) -> Table:
    """Per member, then the total (keys: ``[m.member_id …] + [None]``)."""
    rows = []
    for m in result.members:
        tip = [m.name]
        for ln in m.lines:
            flags = f" ({'; '.join(ln.flags)})" if ln.flags else ""
            tip.append(f"• {ln.service_line} ({', '.join(ln.areas)}): {fmt_volume(ln.allocated_units)} units × "
                       f"{format_decimal(ln.paid_hours_per_unit, 4)} h = {fmt_fte(ln.fte)} FTE; TUPE "
                       f"{fmt_fte(ln.tupe_fte)}; recruit {fmt_fte(ln.recruitment_fte)}{flags}")
        flagged = any(ln.flags for ln in m.lines)
        if m.lead_time_months is None:
            lead = Cell("–")
        else:
            glyph, status = _in_time(bool(m.mobilisation_ok))
            lead = Cell(f"{glyph} {m.lead_time_months} vs {m.mobilisation_months} months", status)
        rows.append((Cell(m.name + (" ⚠" if flagged else ""), note="\n".join(tip)), Cell(m.fte), Cell(m.tupe_fte),
                     Cell(m.recruitment_fte), lead))
    rows.append((Cell("Total"), Cell(result.total_fte), Cell(result.total_tupe_fte), Cell(result.total_recruitment_fte),
                 Cell("")))
    return Table("workforce_members", WORKFORCE_COLUMNS, tuple(rows), title="Workforce by member", total_rows=1)


def workforce_keys(result: WorkforceResult) -> list[int | None]:
    return [m.member_id for m in result.members] + [None]


WORKFORCE_LINE_COLUMNS = (
    Column("Member · service line", note="Each member's FTE service line by service line (areas in the tooltip)"),
    Column("Units\na year", Kind.NUMBER, note="Units a year allocated to the member on this service line, all areas"),
    Column("Hours\na unit", Kind.NUMBER, 4,
           note="Paid hours per unit: roles' hours × (1 + travel + training), from its cost profile"),
    Column("FTE", Kind.NUMBER, note="Units × hours a unit ÷ productive hours per FTE"),
    Column("TUPE\nFTE", Kind.NUMBER,
           note="Staff transferring under TUPE to this line; shaded where more transfer than the line needs"),
    Column("Recruit\nFTE", Kind.NUMBER, note="max(0, FTE − TUPE FTE) + FTE × staff turnover"),
)


def workforce_line_table(result: WorkforceResult) -> Table:
    """Per member and service line (keys: ``[(ln.member_id, ln.service_line) for ln in result.lines]``)."""
    names = {m.member_id: m.name for m in result.members}
    rows = []
    for ln in result.lines:
        # more staff transferring to a line than it needs: shown, not hidden in a member's total
        surplus = ln.tupe_fte > ln.fte
        name = f"{names.get(ln.member_id, ln.member_id)} · {ln.service_line}"
        tip = [name, "Areas: " + ", ".join(ln.areas)]
        if ln.lead_time_months is not None:
            tip.append(f"Lead time {plural(ln.lead_time_months, 'month')}")
        tip += [f"⚠ {f}" for f in ln.flags]
        rows.append((
            Cell(name + ("  ⚠" if ln.flags else ""), note="\n".join(tip)),
            volume(ln.allocated_units),
            Cell(ln.paid_hours_per_unit),
            Cell(ln.fte),
            Cell(ln.tupe_fte, Status.AMBER if surplus else None,
                 note=("More staff transfer under TUPE than this line's volume needs; the surplus does not reduce "
                       "recruitment on the member's other lines") if surplus else ""),
            Cell(ln.recruitment_fte),
        ))
    return Table("workforce_lines", WORKFORCE_LINE_COLUMNS, tuple(rows), title="Workforce by service line")


# --------------------------------------------------------------------------- partners

PARTNER_COLUMNS = (
    Column("Organisation", note="An organisation outside the option with capacity where the option falls short"),
    Column("Would fill", Kind.NUMBER, note="Units a year of the option's gaps it could fill, including its own growth"),
    Column("Of the gap", Kind.PERCENT, note="Share of the option's whole capacity gap it would fill"),
    Column("Gaps\nhelped", Kind.NUMBER, 0, note="Requirements it would help with, and how many are in its home area"),
    Column("Lead time", note="Its longest lead time among those gaps, against the tender's mobilisation period"),
    Column(""),  # the "Add to option" button
)
PARTNER_BUTTON_COLUMN = len(PARTNER_COLUMNS) - 1


def partner_table(partners: Sequence[PartnerCandidate], mobilisation_months: int) -> Table:
    """Best first (keys: ``[p.organisation_id for p in partners]``)."""
    rows = []
    for p in partners:
        helps = "\n".join(f"• {h.service_line}, {h.area}: fills {fmt_volume(h.covers)} of a "
                          f"{fmt_volume(h.gap)} gap (capacity {fmt_volume(h.capacity)}, "
                          f"{fmt_volume(h.capacity_with_growth)} with growth; lead time {h.lead_time_months} "
                          "months)" for h in p.helps)
        glyph, status = _in_time(p.mobilisation_ok)
        where = " · ".join(x for x in (p.kind.label, p.home_area) if x)
        rows.append((
            Cell(p.name, text=f"{p.name}\n{where}", note=f"{p.name} — {where}\n{helps}"),
            volume(p.covers, bold=True),
            pct(p.covers_pct),
            Cell(Decimal(p.requirements_helped), text=f"{p.requirements_helped}\n{p.local_requirements} local"),
            Cell(Decimal(p.lead_time_months), status, text=f"{glyph} {plural(p.lead_time_months, 'month')}",
                 note=f"Lead time {plural(p.lead_time_months, 'month')}; the tender allows {mobilisation_months} to "
                      f"mobilise: {'in time' if p.mobilisation_ok else 'it cannot be ready in time'}"),
            Cell(""),
        ))
    return Table("partners", PARTNER_COLUMNS, tuple(rows), title="Partners outside the option")


# --------------------------------------------------------------------------- the optimiser's proposal


@dataclass(frozen=True, slots=True)
class ProposalRow:
    requirement_id: int
    member_id: int
    requirement: str
    member: str
    current: Decimal
    proposed: Decimal
    unit_cost: Decimal | None
    cost: Decimal | None

    @property
    def change(self) -> Decimal:
        return self.proposed - self.current


def proposal_rows(proposal: Proposal, current: dict[tuple[int, int], Decimal], requirement_labels: dict[int, str],
                  member_names: dict[int, str]) -> list[ProposalRow]:
    """Every (requirement, member) pair with a current or proposed volume, in requirement order."""
    lines = {(ln.requirement_id, ln.member_id): ln for ln in proposal.lines}
    pairs = sorted(set(lines) | {k for k, v in current.items() if v})
    order = {rid: i for i, rid in enumerate(requirement_labels)}
    pairs.sort(key=lambda k: (order.get(k[0], len(order)), k[0], member_names.get(k[1], "").casefold(), k[1]))
    out = []
    for rid, mid in pairs:
        ln = lines.get((rid, mid))
        out.append(ProposalRow(rid, mid, requirement_labels.get(rid, f"Requirement {rid}"),
                               member_names.get(mid, f"Member {mid}"), current.get((rid, mid), Decimal(0)),
                               ln.volume if ln else Decimal(0), ln.unit_cost if ln else None,
                               ln.cost if ln else None))
    return out


VOLUME_COLUMNS = (Column("Requirement"), Column("Member"),
                  Column("Current", Kind.NUMBER, note="Volume allocated now, units a year"),
                  Column("Proposed", Kind.NUMBER, note="The optimiser's volume, units a year"),
                  Column("Change", Kind.NUMBER),
                  Column("Unit cost", Kind.PRICE, note="Direct cost per unit used by the optimiser"),
                  Column("Cost a year", Kind.MONEY))


def volume_table(rows: Sequence[ProposalRow]) -> Table:
    """The proposal against the current allocation (keys: ``[(r.requirement_id, r.member_id) …]``)."""
    out = []
    for r in rows:
        change = r.change
        status = None if change == 0 else Status.GREEN if change > 0 else Status.AMBER
        sign = "+" if change > 0 else ""
        out.append((Cell(r.requirement), Cell(r.member), volume(r.current), volume(r.proposed, bold=change != 0),
                    volume(change, status=status, text="–" if change == 0 else f"{sign}{fmt_volume(change)}"),
                    Cell(r.unit_cost), Cell(r.cost)))
    return Table("proposal_volumes", VOLUME_COLUMNS, tuple(out), title="Proposed volumes")


def proposal_member_table(proposal: Proposal, current: dict[tuple[int, int], Decimal]) -> Table:
    """Each member's volume now and proposed, its share and cost, and the totals."""
    now_by_member: dict[int, Decimal] = defaultdict(Decimal)
    for (_rid, mid), v in current.items():
        now_by_member[mid] += v
    current_total = sum(current.values(), Decimal(0))
    rows = [(Cell(t.name), volume(now_by_member.get(t.member_id, Decimal(0))), volume(t.volume, bold=True),
             pct(t.share_pct), Cell(t.cost)) for t in proposal.member_totals]
    rows.append((Cell("Total"), volume(current_total), volume(proposal.total_volume), Cell(""),
                 Cell(proposal.total_cost)))
    columns = (Column("Member"), Column("Current", Kind.NUMBER, note="Units a year allocated now"),
               Column("Proposed", Kind.NUMBER, note="Units a year proposed"),
               Column("Share", Kind.PERCENT, note="Of the tender's total required volume"),
               Column("Cost a year", Kind.MONEY, note="Direct cost estimate"))
    return Table("proposal_members", columns, tuple(rows), title="Proposal by member", total_rows=1)


def shortfall_table(proposal: Proposal, requirement_labels: dict[int, str], member_names: dict[int, str]) -> Table:
    """What the plan cannot cover (requirements, then the member rules), and why."""
    rows = [(Cell(requirement_labels.get(s.requirement_id, f"{s.service_line} — {s.area}")), volume(s.required),
             volume(s.proposed), volume(s.uncovered, status=Status.RED, bold=True), Cell(s.reason, note=s.reason))
            for s in proposal.shortfalls]
    rows += [(Cell(f"{member_names.get(r.member_id, r.member_id)}: {r.rule}"), volume(r.target_volume),
              volume(r.achieved_volume), volume(r.shortfall, status=Status.RED, bold=True),
              Cell("The rule cannot be met with the members' capacity")) for r in proposal.rule_shortfalls]
    columns = (Column("Requirement"), Column("Required", Kind.NUMBER), Column("Proposed", Kind.NUMBER),
               Column("Uncovered", Kind.NUMBER), Column("Why"))
    return Table("proposal_shortfalls", columns, tuple(rows), title="Shortfalls")


def unit_cost_table(proposal: Proposal, member_names: dict[int, str]) -> Table:
    """The direct cost per unit the optimiser used, and where it came from."""
    rows = [(Cell(member_names.get(u.member_id, str(u.member_id))), Cell(u.service_line), Cell(u.cost_per_unit),
             Cell("cost profile" if u.from_profile and not u.note else u.note or "cost profile",
                  None if u.from_profile else Status.AMBER))
            for u in proposal.unit_costs]
    columns = (Column("Member"), Column("Service line"), Column("Cost per unit", Kind.PRICE, note="Direct cost per unit"),
               Column("Source"))
    return Table("proposal_unit_costs", columns, tuple(rows), title="Unit costs")
