"""The pensions analysis: every TUPE cohort of the option's tender, its protected scheme and what it
costs under this option, in the price or not, with its findings (rules in ``pensions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding, Severity
from ..model import ConsortiumOption, ExitProvision, PensionScheme, ProtectedScheme, Structure, Tender
from ..money import HUNDRED, ZERO, format_decimal, format_gbp
from ..pricing import PriceSchedule
from ..workspace import Workspace
from .choices import lower_first
from .pensions import CohortCosts, ShareCost, cohort_costs, nhs_access, party_to_contract, vehicle_employs

__all__ = ["CohortPension", "PensionsResult", "findings", "pensions"]

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class CohortPension:
    cohort_id: int | None
    cohort_name: str
    current_scheme: PensionScheme
    stated: bool  # an arrangement is entered for this option (its costs are in the price)
    arrangement_id: int | None
    scheme: ProtectedScheme
    employer_rate_pct: Decimal
    rate_source: str
    deemed_employer: bool
    employers: str  # who employs the cohort under this option, in words
    fte: Decimal
    pay: Decimal  # pensionable pay a year (FTE × average salary), year-one pounds
    extra_contributions: Decimal  # a year, over what members' cost profiles already charge
    bond: Decimal
    bond_premium: Decimal  # a year
    exit_low: Decimal
    exit_central: Decimal
    exit_high: Decimal
    exit_provision: ExitProvision
    exit_provision_a_year: Decimal
    admission_employers: int
    admission_costs: Decimal  # one-off, first month of mobilisation
    annual_cost: Decimal  # extra contributions + bond premium + exit provision, a year
    nhs_eligible: bool | None  # NHS Pension schemes only (None: check)
    nhs_reason: str
    assumptions: tuple[str, ...]
    shares: tuple[ShareCost, ...]

    @property
    def lgps_risk(self) -> bool:
        return self.scheme is ProtectedScheme.LGPS_ADMITTED and not self.deemed_employer


@dataclass(frozen=True, slots=True)
class PensionsResult:
    option_id: int
    structure: Structure
    vehicle_employs_staff: bool
    cohorts: tuple[CohortPension, ...]
    annual_cost_in_price: Decimal  # stated arrangements, a year (year-one pounds)
    annual_cost_not_in_price: Decimal  # indicative, for cohorts with no arrangement stated
    admission_costs: Decimal  # stated, one-off
    exit_low: Decimal  # every LGPS cohort, stated or not
    exit_high: Decimal
    year_one_price: Decimal | None
    ceiling: Decimal | None
    term_margin: Decimal  # the price schedule's margin over the term (for the exit risk's size)
    price_keep: Decimal  # 1 − margin − fee: a cost of c a year raises the price by about c ÷ this


def _cohort(ws: Workspace, option: ConsortiumOption, tender: Tender, c: CohortCosts) -> CohortPension:
    t = c.terms
    shares = c.shares
    total = {name: sum((getattr(s, name) for s in shares), ZERO)
             for name in ("fte", "pay", "extra_contributions", "bond", "bond_premium", "exit_low", "exit_central",
                          "exit_high", "exit_provision_a_year")}
    names = list(dict.fromkeys(s.employer for s in shares))
    employers = ", ".join(names) if names else "nobody: no member delivers its service line"
    nhs_ok: bool | None = None
    nhs_reason = ""
    if t.scheme is ProtectedScheme.NHS_PENSION:
        nhs_ok, nhs_reason = nhs_access(tender, t, [party_to_contract(ws, option, s.member_id) for s in shares])
    assumptions = [f"employer rate {format_decimal(t.rate_pct)}% ({t.rate_source})",
                   f"pensionable pay {format_gbp(total['pay'])} a year ({format_decimal(c.cohort.fte, 1)} FTE × "
                   f"{format_gbp(c.cohort.average_salary)})"]
    if t.scheme is not ProtectedScheme.NONE:
        assumptions.append("extra contributions: the rate above what each member's cost profile already charges")
    if t.lgps_risk:
        assumptions += [
            f"bond {format_decimal(t.bond_months, 1)} months of employer contributions, premium "
            f"{format_decimal(t.bond_premium_pct)}% a year [U]",
            f"liability at exit {format_decimal(t.liability_multiple)} × pensionable pay, "
            f"{format_decimal(t.exit_low_pct, 1)}%–{format_decimal(t.exit_high_pct, 1)}% of it unfunded [U] "
            "(year-one pounds)",
            f"exit payment provided for in the price: {lower_first(t.exit_provision.label)}"
            + (f" ÷ {tender.term_years} years" if t.exit_provision is not ExitProvision.NONE else ""),
            f"admission set-up {format_gbp(t.admission_cost)} per admitted employer [U]"]
    elif t.deemed_employer:
        assumptions.append("deemed employer (proposed Oct 2025, not yet law): the authority keeps the deficit "
                           "risk; no bond, no exit payment")
    return CohortPension(
        cohort_id=t.cohort_id, cohort_name=t.cohort_name, current_scheme=t.current_scheme, stated=t.stated,
        arrangement_id=t.arrangement_id, scheme=t.scheme, employer_rate_pct=t.rate_pct, rate_source=t.rate_source,
        deemed_employer=t.deemed_employer, employers=employers, fte=total["fte"], pay=total["pay"],
        extra_contributions=total["extra_contributions"], bond=total["bond"], bond_premium=total["bond_premium"],
        exit_low=total["exit_low"], exit_central=total["exit_central"], exit_high=total["exit_high"],
        exit_provision=t.exit_provision, exit_provision_a_year=total["exit_provision_a_year"],
        admission_employers=c.admission_employers, admission_costs=c.admission_costs,
        annual_cost=total["extra_contributions"] + total["bond_premium"] + total["exit_provision_a_year"],
        nhs_eligible=nhs_ok, nhs_reason=nhs_reason, assumptions=tuple(assumptions), shares=shares)


def pensions(ws: Workspace, option_id: int, schedule: PriceSchedule) -> PensionsResult:
    """Every TUPE cohort's protected pension under the option (``pensions``'s rules)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"{option.name}: the option has no tender")
    b = schedule.buildup
    costed: dict[tuple[int, str], Decimal] = {}
    for ml in b.member_lines:
        wage = sum((r.wage_per_unit for r in ml.roles), ZERO)
        costed[(ml.member_id, ml.service_line_key)] = (sum((r.pension_per_unit for r in ml.roles), ZERO) / wage
                                                       * HUNDRED if wage > 0 else ZERO)
    ry = b.rates.year
    rows = tuple(_cohort(ws, option, tender, c) for c in cohort_costs(
        ws, option, ry.nhs_employer_pct + ry.nhs_admin_pct, lambda m, k: costed.get((m, k), ZERO)))
    year_one = schedule.years[0].annual_price if schedule.years else None
    keep = ONE - (option.margin_pct + option.management_fee_pct) / HUNDRED
    return PensionsResult(
        option_id=option_id, structure=option.structure, vehicle_employs_staff=vehicle_employs(ws, option),
        cohorts=rows,
        annual_cost_in_price=sum((c.annual_cost for c in rows if c.stated), ZERO),
        annual_cost_not_in_price=sum((c.annual_cost for c in rows if not c.stated), ZERO),
        admission_costs=sum((c.admission_costs for c in rows if c.stated), ZERO),
        exit_low=sum((c.exit_low for c in rows), ZERO), exit_high=sum((c.exit_high for c in rows), ZERO),
        year_one_price=year_one, ceiling=tender.budget_ceiling,
        term_margin=sum((y.annual_margin for y in schedule.years if not y.is_extension), ZERO),
        price_keep=keep if keep > 0 else ONE)


def findings(result: PensionsResult) -> list[Finding]:
    """No arrangement for a protected cohort (serious if its indicative cost would take the price over the
    ceiling), no protected scheme where Fair Deal needs one, NHS Pension access failing or to check, the
    LGPS exit payment's range (serious when its high estimate exceeds the term's margin), and a deemed
    employer relied on before it is law."""
    out: list[Finding] = []
    for c in result.cohorts:
        who = f"TUPE cohort {c.cohort_name}"
        if not c.shares:
            continue
        if not c.stated and c.scheme is not ProtectedScheme.NONE:
            rise = c.annual_cost / result.price_keep
            over = (result.ceiling is not None and result.year_one_price is not None
                    and result.year_one_price <= result.ceiling < result.year_one_price + rise)
            out.append(Finding(
                "pension_not_arranged",
                f"{who} ({format_decimal(c.fte, 1)} FTE from the {c.current_scheme.label}) has no pension arrangement "
                f"under this option: an indicative {format_gbp(c.annual_cost)} a year (extra contributions "
                f"{format_gbp(c.extra_contributions)}, bond premium {format_gbp(c.bond_premium)}, exit provision "
                f"{format_gbp(c.exit_provision_a_year)}) is not in the price"
                + (f"; it would take the year-one price over the ceiling of {format_gbp(result.ceiling)}"
                   if over else "") + ". State the arrangement on the Partnership tab.",
                Severity.SERIOUS if over else Severity.WARNING,
                figures=(("annual_cost", c.annual_cost), ("price_rise", rise))))
        if c.scheme is ProtectedScheme.NONE and c.current_scheme in (PensionScheme.LGPS, PensionScheme.NHS,
                                                                      PensionScheme.OTHER_DB):
            out.append(Finding(
                "pension_unprotected",
                f"{who} comes from the {c.current_scheme.label} but is offered no protected scheme: Fair Deal and the "
                "2007 direction need access to it or a broadly comparable scheme.", Severity.SERIOUS))
        if c.scheme is ProtectedScheme.NHS_PENSION and c.nhs_eligible is False:
            out.append(Finding("nhs_pension_unavailable", f"{who}: NHS Pension is not available: {c.nhs_reason}. "
                               "Offer a broadly comparable scheme instead.", Severity.SERIOUS))
        elif c.scheme is ProtectedScheme.NHS_PENSION and c.nhs_eligible is None:
            out.append(Finding("nhs_pension_check", f"{who}: {c.nhs_reason}.", Severity.WARNING))
        if c.lgps_risk:
            severe = c.exit_high > result.term_margin
            out.append(Finding(
                "lgps_exit_risk",
                f"{who}: the LGPS exit payment when the contract ends could be {format_gbp(c.exit_low)} to "
                f"{format_gbp(c.exit_high)} (central {format_gbp(c.exit_central)}; "
                f"{lower_first(c.exit_provision.label)} provided for in the price"
                + (f"); the high estimate is more than the {format_gbp(result.term_margin)} margin over the term"
                   if severe else ")") + ". A deemed-employer or pass-through arrangement would leave the risk with "
                "the authority.",
                Severity.SERIOUS if severe else Severity.WARNING,
                figures=(("exit_low", c.exit_low), ("exit_central", c.exit_central), ("exit_high", c.exit_high))))
        if c.deemed_employer:
            out.append(Finding("deemed_employer_not_law",
                               f"{who}: the deemed-employer arrangement was proposed in October 2025 and is not yet "
                               "law; agree pass-through terms with the authority in the meantime.", Severity.INFO))
    return out
