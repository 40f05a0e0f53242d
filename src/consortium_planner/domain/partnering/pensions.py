"""Pensions by TUPE cohort and vehicle (DOMAIN §10): who employs each cohort, the scheme that protects
it, the extra employer contributions, the LGPS bond and its premium, the exit (cessation) payment's
range, NHS Pension eligibility, and the analysis with its findings.

Rules chosen (every rate and multiple is an editable assumption on the option's pension arrangement):

* **Who employs them.** Staff move to whoever performs the service (TUPE): a cohort goes to the
  members delivering its service line (and its area, when it names one), split in proportion to
  their allocated volume, exactly as the workforce analysis splits it. Under an SPV, LLP or
  secondary co-operative whose answers say the vehicle employs the transferring staff, the vehicle
  is their employer (one admission); otherwise each receiving member is.
* **Scheme and rate.** The option's arrangement for the cohort states the scheme (LGPS admitted
  body, NHS Pension, a broadly comparable scheme, or none) and the employer rate; with no rate, the
  scheme's default: LGPS 20% [U] (an admitted body's rate is usually above the letting authority's),
  NHS Pension the reference rates' employer rate and levy, broadly comparable 18% [U]. With no
  arrangement stated, the cohort's current scheme gives an *indicative* arrangement with these
  defaults: shown, never charged.
* **Extra contributions** a year = the share's pensionable pay (FTE × average salary) × (scheme rate
  − the pension rate the member's cost profile already charges, never below zero). The cost build-up
  already charges each member's own scheme on all its staff; this is what protecting the transferred
  staff adds.
* **LGPS bond** (an admitted body, not a deemed employer) = bond months ÷ 12 × a year's employer
  contributions (one year [U]); its **premium** a year = bond × premium % (1.5% [U]).
* **Exit payment** (LGPS admitted body, not a deemed employer), in year-one pounds: past-service
  liability at exit L = pay × the liability multiple (3 [U]); the cessation valuation's shortfall
  is a share of L from low (0% [U]) to high (15% [U]); central = the midpoint. The estimate chosen
  (``exit_provision``, central by default) is provided for in the price: ÷ the term's years, a year.
* **Deemed employer** (proposed Oct 2025, not law in May 2026): the contractor pays the employer rate
  stated (the authority's primary rate) and neither a bond nor an exit payment.
* **NHS Pension** [V]: the employer must be party to a qualifying contract (NHS Standard Contract,
  APMS or a council public-health contract) and the staff spend more than 50% of their time on it.
  A lead, an alliance provider, a consortium member signing the contract, or a vehicle that employs
  the staff is party to it; a sub-contractor's access must be checked with NHS Pensions.
* **Admission set-up** (LGPS, not deemed): the actuary's report and admission agreement, one-off,
  per admitted employer, in the first month of mobilisation.

Stated arrangements flow into the cost build-up (``charges``) as lines of the member's employer
pension (extra contributions, bond premium, exit provision) and into the projection (admission
set-up as a mobilisation cost).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..model import (
    ConsortiumOption,
    ExitProvision,
    Member,
    MemberRole,
    Organisation,
    PensionArrangement,
    PensionScheme,
    ProtectedScheme,
    QualifyingContract,
    Structure,
    Tender,
    TupeCohort,
    key,
)
from ..money import HUNDRED, ZERO, allocate, quantize
from ..workspace import Workspace
from .vat import VEHICLES, profile_of

__all__ = ["DEFAULT_COMPARABLE_RATE_PCT", "DEFAULT_LGPS_RATE_PCT", "NHS_TIME_THRESHOLD_PCT", "ArrangementTerms",
           "CohortShare", "ShareCost", "VolumeLines", "cohort_shares", "share_cost", "stated_arrangements", "terms_for",
           "volume_lines"]

DEFAULT_LGPS_RATE_PCT = Decimal("20")  # [U] an admitted body's rate, usually above the letting authority's
DEFAULT_COMPARABLE_RATE_PCT = Decimal("18")  # [U]
NHS_TIME_THRESHOLD_PCT = Decimal("50")  # more than half the time on the qualifying contract [V]
TWELVE = Decimal(12)
_FROM_CURRENT = {PensionScheme.LGPS: ProtectedScheme.LGPS_ADMITTED, PensionScheme.NHS: ProtectedScheme.NHS_PENSION,
                 PensionScheme.OTHER_DB: ProtectedScheme.BROADLY_COMPARABLE}


@dataclass(frozen=True, slots=True)
class ArrangementTerms:
    """The arrangement for one cohort under one option: as stated, or indicative from its current scheme."""

    cohort_id: int | None
    cohort_name: str
    current_scheme: PensionScheme
    stated: bool
    arrangement_id: int | None
    scheme: ProtectedScheme
    rate_pct: Decimal
    rate_source: str
    deemed_employer: bool
    time_on_contract_pct: Decimal
    bond_months: Decimal
    bond_premium_pct: Decimal
    liability_multiple: Decimal
    exit_low_pct: Decimal
    exit_high_pct: Decimal
    exit_provision: ExitProvision
    admission_cost: Decimal

    @property
    def lgps_risk(self) -> bool:
        """An LGPS admitted body carrying its own deficit risk (bond, exit payment)."""
        return self.scheme is ProtectedScheme.LGPS_ADMITTED and not self.deemed_employer

    @property
    def protected(self) -> bool:
        """The cohort came from a scheme Fair Deal protects."""
        return self.current_scheme in _FROM_CURRENT


def terms_for(cohort: TupeCohort, arrangement: PensionArrangement | None, nhs_rate_pct: Decimal) -> ArrangementTerms:
    """The arrangement's terms, or the indicative ones from the cohort's current scheme and the defaults."""
    a = arrangement if arrangement is not None else PensionArrangement(
        cohort_id=cohort.id, scheme=_FROM_CURRENT.get(cohort.pension_scheme, ProtectedScheme.NONE))
    defaults = {ProtectedScheme.LGPS_ADMITTED: (DEFAULT_LGPS_RATE_PCT, "LGPS default [U]"),
                ProtectedScheme.NHS_PENSION: (nhs_rate_pct, "NHS Pension employer rate and levy [V]"),
                ProtectedScheme.BROADLY_COMPARABLE: (DEFAULT_COMPARABLE_RATE_PCT, "broadly comparable default [U]"),
                ProtectedScheme.NONE: (ZERO, "no protected scheme")}
    if a.employer_rate_pct is not None and a.scheme is not ProtectedScheme.NONE:
        rate, source = a.employer_rate_pct, "stated" if arrangement is not None else "default"
    else:
        rate, source = defaults[a.scheme]
    low, high = sorted((a.exit_low_pct, a.exit_high_pct))
    return ArrangementTerms(
        cohort_id=cohort.id, cohort_name=cohort.name, current_scheme=cohort.pension_scheme,
        stated=arrangement is not None, arrangement_id=a.id, scheme=a.scheme, rate_pct=rate, rate_source=source,
        deemed_employer=a.deemed_employer, time_on_contract_pct=a.time_on_contract_pct, bond_months=a.bond_months,
        bond_premium_pct=a.bond_premium_pct, liability_multiple=a.liability_multiple, exit_low_pct=low,
        exit_high_pct=high, exit_provision=a.exit_provision, admission_cost=a.admission_cost)


def stated_arrangements(ws: Workspace, option: ConsortiumOption) -> dict[int | None, PensionArrangement]:
    """The option's arrangements by cohort id (only cohorts of the option's tender count)."""
    cohorts = {c.id for c in ws.tupe_cohorts(option.tender_id)}
    out: dict[int | None, PensionArrangement] = {}
    for a in sorted(ws.children(PensionArrangement, option.id), key=lambda r: r.id or 0):
        if a.cohort_id in cohorts:
            out.setdefault(a.cohort_id, a)
    return out


@dataclass(frozen=True, slots=True)
class CohortShare:
    member_id: int
    line_key: str
    service_line: str
    fte: Decimal


#: An option's allocated volume as ``cohort_shares`` reads it: (member id, service line key, area key, service
#: line as written, volume), one an allocation with volume to a member of the option, in allocation order.
VolumeLines = tuple[tuple[int, str, str, str, Decimal], ...]


def volume_lines(ws: Workspace, option_id: int) -> VolumeLines:
    """The option's allocations with volume, keyed once for every cohort (``cohort_shares``' ``lines``)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        return ()
    members = {m.id for m in ws.members(option_id)}
    reqs = {r.id: (key(r.service_line), key(r.area), r.service_line) for r in ws.requirements(option.tender_id)}
    out = []
    for a in ws.allocations(option_id):
        r = reqs.get(a.requirement_id)
        if r is None or a.member_id not in members or a.volume <= 0 or a.member_id is None:
            continue
        out.append((a.member_id, r[0], r[1], r[2], a.volume))
    return tuple(out)


def cohort_shares(ws: Workspace, option_id: int, cohort: TupeCohort, lines: VolumeLines | None = None
                  ) -> list[CohortShare]:
    """The members delivering the cohort's service line (and area), each with its share of the cohort's
    FTE in proportion to its allocated volume (the workforce analysis's split). ``lines``: the option's
    ``volume_lines``, when the caller shares them between the tender's cohorts."""
    if lines is None:
        lines = volume_lines(ws, option_id)
    sl, ar = key(cohort.service_line), key(cohort.area)
    weights: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    names: dict[str, str] = {}
    for member_id, line_key, area_key, service_line, volume in lines:
        if (sl and line_key != sl) or (ar and area_key != ar):
            continue
        weights[(member_id, line_key)] += volume
        names.setdefault(line_key, service_line)
    if not weights:
        return []
    order = sorted(weights)
    parts = allocate(cohort.fte, [weights[k] for k in order])
    return [CohortShare(mid, lk, names[lk], part) for (mid, lk), part in zip(order, parts, strict=True)]


@dataclass(frozen=True, slots=True)
class ShareCost:
    """What protecting one employer's share of a cohort costs (rules in the module's docstring)."""

    member_id: int
    employer: str
    line_key: str
    service_line: str
    fte: Decimal
    pay: Decimal  # pensionable pay a year, year-one pounds
    costed_rate_pct: Decimal  # the rate the member's cost profile already charges (effective)
    extra_contributions: Decimal
    bond: Decimal
    bond_premium: Decimal
    exit_low: Decimal
    exit_central: Decimal
    exit_high: Decimal
    exit_provision_a_year: Decimal

    @property
    def annual_cost(self) -> Decimal:
        return self.extra_contributions + self.bond_premium + self.exit_provision_a_year


def share_cost(terms: ArrangementTerms, share: CohortShare, employer: str, salary: Decimal, costed_rate_pct: Decimal,
               term_years: int) -> ShareCost:
    pay = quantize(share.fte * salary)
    rate = terms.rate_pct
    extra = quantize(pay * max(ZERO, rate - costed_rate_pct) / HUNDRED) if terms.scheme is not ProtectedScheme.NONE \
        else ZERO
    bond = premium = low = central = high = provision = ZERO
    if terms.lgps_risk:
        bond = quantize(pay * rate / HUNDRED * terms.bond_months / TWELVE)
        premium = quantize(bond * terms.bond_premium_pct / HUNDRED)
        liability = pay * terms.liability_multiple
        low = quantize(liability * terms.exit_low_pct / HUNDRED)
        high = quantize(liability * terms.exit_high_pct / HUNDRED)
        central = quantize(liability * (terms.exit_low_pct + terms.exit_high_pct) / (2 * HUNDRED))
        chosen = {ExitProvision.NONE: ZERO, ExitProvision.LOW: low, ExitProvision.CENTRAL: central,
                  ExitProvision.HIGH: high}[terms.exit_provision]
        provision = quantize(chosen / term_years) if term_years > 0 else chosen
    return ShareCost(share.member_id, employer, share.line_key, share.service_line, share.fte, pay, costed_rate_pct,
                     extra, bond, premium, low, central, high, provision)


# --------------------------------------------------------------------------- employers and NHS access


def vehicle_employs(ws: Workspace, option: ConsortiumOption) -> bool:
    return option.structure in VEHICLES and profile_of(ws, option.id)[0].vehicle_employs_staff


def employer_name(ws: Workspace, option: ConsortiumOption, member_id: int) -> str:
    if vehicle_employs(ws, option):
        return "the vehicle"
    member = ws.get(Member, member_id)
    org = ws.get(Organisation, member.organisation_id) if member is not None else None
    return org.name if org is not None else f"Member {member_id}"


def party_to_contract(ws: Workspace, option: ConsortiumOption, member_id: int) -> bool | None:
    """Whether the employer of a share is party to the buyer's contract (None: a sub-contractor, check)."""
    s = option.structure
    if s in VEHICLES:
        return True if vehicle_employs(ws, option) else None
    if s is Structure.ALLIANCE:
        return True
    member = ws.get(Member, member_id)
    if member is None:
        return None
    if s is Structure.CONSORTIUM:
        return True if member.role in (MemberRole.LEAD, MemberRole.PARTNER) else None
    is_lead = (option.lead_organisation_id is not None and member.organisation_id == option.lead_organisation_id) \
        or member.role is MemberRole.LEAD
    return True if is_lead else None


def nhs_access(tender: Tender, terms: ArrangementTerms, parties: Sequence[bool | None]) -> tuple[bool | None, str]:
    """NHS Pension eligibility of a cohort's staff with their new employers, and why [V]."""
    contract = tender.nhs_qualifying_contract
    if contract is QualifyingContract.NONE:
        return False, ("the contract is not a qualifying contract (NHS Standard Contract, APMS or a council "
                       "public-health contract)")
    if terms.time_on_contract_pct <= NHS_TIME_THRESHOLD_PCT:
        return False, (f"staff spend {terms.time_on_contract_pct}% of their time on it; more than "
                       f"{NHS_TIME_THRESHOLD_PCT}% is needed")
    if any(p is None for p in parties):
        return None, (f"a {contract.label} qualifies, but some staff go to a sub-contractor: check with NHS "
                      "Pensions that its sub-contract gives access")
    return True, (f"the employer is party to a {contract.label} and staff spend more than "
                  f"{NHS_TIME_THRESHOLD_PCT}% of their time on it; the scheme may ask for a guarantee and charge "
                  "excess pay-rise and redundancy strain costs")


# --------------------------------------------------------------------------- one option's cohorts


@dataclass(frozen=True, slots=True)
class CohortCosts:
    """One cohort under one option: its terms and what each employer's share costs."""

    terms: ArrangementTerms
    cohort: TupeCohort
    shares: tuple[ShareCost, ...]
    admission_employers: int

    @property
    def admission_costs(self) -> Decimal:
        return self.terms.admission_cost * self.admission_employers if self.terms.lgps_risk else ZERO


def cohort_costs(ws: Workspace, option: ConsortiumOption, nhs_rate_pct: Decimal,
                 costed: Callable[[int, str], Decimal], *, stated_only: bool = False) -> list[CohortCosts]:
    """Every cohort of the option's tender (or only those with a stated arrangement), costed with
    ``costed(member_id, line_key)`` giving the pension rate a member's profile already charges."""
    tender = ws.get(Tender, option.tender_id)
    if tender is None or option.id is None:
        return []
    stated = stated_arrangements(ws, option)
    lines: VolumeLines | None = None  # keyed when a cohort is first costed (every capital run asks)
    out: list[CohortCosts] = []
    for cohort in sorted(ws.tupe_cohorts(tender.id), key=lambda c: c.id or 0):
        arrangement = stated.get(cohort.id)
        if stated_only and arrangement is None:
            continue
        terms = terms_for(cohort, arrangement, nhs_rate_pct)
        if lines is None:
            lines = volume_lines(ws, option.id)
        shares = cohort_shares(ws, option.id, cohort, lines)
        costs = tuple(share_cost(terms, s, employer_name(ws, option, s.member_id), cohort.average_salary,
                                 costed(s.member_id, s.line_key), tender.term_years) for s in shares)
        employers = 1 if (shares and vehicle_employs(ws, option)) else len({s.member_id for s in shares})
        out.append(CohortCosts(terms, cohort, costs, employers))
    return out
