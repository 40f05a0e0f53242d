"""The structure advisor (DOMAIN §4, §10): the questions, every structure ranked with its reasons, and
each structure's effects worked out from this workspace.

**Effects** of a structure are computed on a copy of the workspace in which the option has that
structure (``structures.apply_structure``; the stored option is never touched): the standing analysis
on the copy gives the entity tested, its result and reserved-contract eligibility; the pension rules
give the TUPE employers, NHS Pension access and LGPS admission; the VAT rules give the cost-sharing
conditions and the VAT nobody recovers on year one's flows (on stated statuses, and at risk on
unstated ones); set-up time and cost come from ``structures.setup_estimates``.

**Ranking** [U]: each structure scores points for and against, each with its reason, and structures
are ranked by score (ties in the order of the structure list). Points:

    who holds the contract matches the answer                         +3
    low appetite for shared liability: consortium −3, alliance −1,
      lead provider −1 (the lead carries it all), a vehicle +2 (ring-fenced); high: consortium, alliance +1
    shared ownership wanted: a vehicle +2, others −1; not wanted: a vehicle −2
    profits shared among members: LLP +2, co-operative or SPV +1; reinvested: SPV +2, co-operative +1,
      LLP −2; agreed flexibly: LLP +2
    an asset lock wanted: SPV (a CIC) +2, co-operative +1, LLP −3
    regulated activity: a vehicle −1 (its own CQC registration); lead provider or going alone −3
      when the lead is not registered with CQC
    transferring staff in the LGPS or NHS Pension and a vehicle that would employ them: −1
    irrecoverable VAT (stated and at risk): −1 for each 1% of the annual price, at most −4
    set-up longer than the time to service start: −5 when even the quickest is too long, else −2
    set-up cost above the budget: −3 when even the cheapest is, else −1
    each standing test the tested entity fails: −2
    a tender reserved for mutuals the structure cannot bid for: −10; one to check: −1
    going alone with other members delivering: −5
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..findings import Finding, Severity
from ..model import (
    Appetite,
    ConsortiumOption,
    ContractingModel,
    Organisation,
    PartneringProfile,
    PensionScheme,
    ProfitUse,
    ProtectedScheme,
    Structure,
    Tender,
)
from ..money import HUNDRED, ZERO, format_decimal, format_gbp
from ..pricing import PriceSchedule
from ..standing import ReservedVerdict, standing_tests
from ..standing.thresholds import SHORT_LABEL
from ..workspace import Workspace
from .choices import lower_first
from .pensions import (
    CohortShare,
    cohort_shares,
    employer_name,
    nhs_access,
    party_to_contract,
    terms_for,
    volume_lines,
)
from .structures import (
    CQC_REGISTRATION_WEEKS,
    GOVERNANCE,
    LIABILITY,
    SetupEstimate,
    apply_structure,
    setup_estimates,
)
from .vat import VEHICLES, CseCondition, organisation_vat, profile_of, vat_a_year, vat_plan

__all__ = ["Answer", "RankedStructure", "Reason", "StructureAdvice", "StructureEffects", "advise", "findings"]

_CONTRACTING = {
    ContractingModel.ONE_ORGANISATION: {Structure.GO_ALONE, Structure.LEAD_PROVIDER},
    ContractingModel.MEMBERS_JOINTLY: {Structure.CONSORTIUM},
    ContractingModel.NEW_VEHICLE: set(VEHICLES),
    ContractingModel.BUYER_EACH: {Structure.ALLIANCE},
}


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answer: str
    source: str  # "answered", "default" or "from the workspace"


@dataclass(frozen=True, slots=True)
class Reason:
    text: str
    points: int


@dataclass(frozen=True, slots=True)
class StructureEffects:
    """What a structure does for this option, worked out on a copy of the workspace."""

    structure: Structure
    liability: str
    tested_entity: str
    tested_rule: str
    standing_risk: str
    standing_fails: tuple[str, ...]
    reserved: ReservedVerdict
    reserved_text: str
    tupe_employers: str
    nhs_pension: str
    nhs_ok: bool | None  # None: no NHS cohort, or check
    lgps: str
    vat_conditions: tuple[CseCondition, ...]
    cse_applies: bool
    fee_is_supply: bool  # the management fee is invoiced to members (the conditions then decide its VAT)
    vat_irrecoverable: Decimal  # a year, stated statuses
    vat_at_risk: Decimal  # a year, unstated statuses as likely
    vat_text: str
    setup_weeks_low: int
    setup_weeks_high: int
    setup_cost_low: Decimal
    setup_cost_high: Decimal
    setup_source: str
    ready_in_time: bool | None  # None: tight, or no dates to tell
    governance: str
    lead_regulated: bool | None  # the lead is registered with CQC (None: no lead)


@dataclass(frozen=True, slots=True)
class RankedStructure:
    rank: int
    structure: Structure
    score: int
    current: bool
    reasons: tuple[Reason, ...]
    effects: StructureEffects


@dataclass(frozen=True, slots=True)
class StructureAdvice:
    option_id: int
    current: Structure
    answered: bool  # the questions have been answered (else the defaults stand)
    answers: tuple[Answer, ...]
    weeks_available: int | None  # from the bid deadline (or publication) to service start
    ranked: tuple[RankedStructure, ...]
    best: Structure
    reserved_tender: bool  # the tender is reserved for public service mutuals (eligibility then matters)

    def of(self, structure: Structure) -> RankedStructure:
        return next(r for r in self.ranked if r.structure is structure)


def _a(label: str) -> str:
    """``label`` in lower case after "a" or "an"."""
    text = label[0].lower() + label[1:] if not label[:3].isupper() else label
    return ("an " if text[0] in "aeiou" else "a ") + text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- effects


def _weeks_available(tender: Tender) -> int | None:
    start = tender.start_date
    frm = tender.deadline or tender.published
    if start is None or frm is None:
        return None
    return max(0, (start - frm).days // 7)


def _pension_texts(ws: Workspace, option: ConsortiumOption, tender: Tender, nhs_rate: Decimal,
                   shared: Mapping[int | None, list[CohortShare]]) -> tuple[str, str, bool | None, str]:
    """(TUPE employers, NHS Pension, its verdict, LGPS admission) for the option as it stands in ``ws``;
    ``shared``: each cohort's ``cohort_shares`` by its id (a structure leaves them as they are: they read the
    members, allocations and requirements, which it does not change)."""
    cohorts = sorted(ws.tupe_cohorts(tender.id), key=lambda c: c.id or 0)
    if not cohorts:
        return "no staff transfer under TUPE", "no TUPE cohort", None, "no TUPE cohort"
    assert option.id is not None
    employers, nhs, lgps = [], [], []
    nhs_ok: bool | None = None
    for cohort in cohorts:
        shares = shared[cohort.id]
        if not shares:
            employers.append(f"{cohort.name}: nobody (no member delivers its service line)")
            continue
        by: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for s in shares:
            by[employer_name(ws, option, s.member_id)] += s.fte
        employers.append(f"{cohort.name}: " + ", ".join(f"{n} {format_decimal(f, 1)} FTE" for n, f in by.items()))
        terms = terms_for(cohort, None, nhs_rate)
        if cohort.pension_scheme is PensionScheme.NHS:
            ok, why = nhs_access(tender, terms, [party_to_contract(ws, option, s.member_id) for s in shares])
            nhs.append(f"{cohort.name}: {'available' if ok else ('to check' if ok is None else 'not available')}: "
                       f"{why}")
            nhs_ok = ok if nhs_ok is not False else False
        if terms.scheme is ProtectedScheme.LGPS_ADMITTED:
            lgps.append(f"{cohort.name}: {len(by)} admission agreement{'s' if len(by) != 1 else ''} "
                        f"({', '.join(by)}), each with the actuary's report, a bond and the exit risk")
    return ("; ".join(employers), "; ".join(nhs) or "no cohort in the NHS Pension Scheme", nhs_ok,
            "; ".join(lgps) or "no cohort in the LGPS")


def _effects(ws: Workspace, option_id: int, structure: Structure, schedule: PriceSchedule,
             setup: SetupEstimate, regulated: bool, weeks: int | None,
             shared: Mapping[int | None, list[CohortShare]]) -> StructureEffects:
    copy = apply_structure(ws, option_id, structure)
    option = copy.get(ConsortiumOption, option_id)
    tender = copy.get(Tender, option.tender_id) if option is not None else None
    assert option is not None and tender is not None
    st = standing_tests(copy, option_id)  # the tests and their failures; the cures are not weighed here
    tested_name, tested_rule = st.tested[0] if st.tested else ("nobody", "")
    fails = tuple(f"{SHORT_LABEL[metric]} ({name})" for name, metric in st.failed)
    ry = schedule.buildup.rates.year
    employers, nhs, nhs_ok, lgps = _pension_texts(copy, option, tender, ry.nhs_employer_pct + ry.nhs_admin_pct,
                                                  shared)
    plan = vat_plan(copy, option)
    year = vat_a_year(plan, schedule.buildup)
    lost = sum((m.irrecoverable for m in year), ZERO)
    risk = sum((m.at_risk for m in year), ZERO)
    if not plan.sub_contracts and not plan.fee_is_supply:
        vat_text = "no VAT between partners: " + (plan.members[0].sub_treatment if plan.members else "no partners")
    else:
        parts = [f"{m.name}: {m.sub_treatment}" for m in year if m.irrecoverable or m.at_risk]
        vat_text = ("; ".join(parts) if parts else "VAT between partners is exempt or recovered")
    low, high = setup.weeks_low, setup.weeks_high
    if regulated and structure in VEHICLES:
        low, high = low + CQC_REGISTRATION_WEEKS[0], high + CQC_REGISTRATION_WEEKS[1]
    ready = None if weeks is None else (True if high <= weeks else (False if low > weeks else None))
    lead = ws.get(Organisation, option.lead_organisation_id)
    lead_regulated = None if lead is None else any(r in lead.regulators.casefold() for r in ("cqc", "care quality"))
    return StructureEffects(
        structure=structure, liability=LIABILITY[structure].label,
        tested_entity=tested_name, tested_rule=tested_rule,
        standing_risk=st.risk.label, standing_fails=fails, reserved=st.reserved.verdict,
        reserved_text=st.reserved.explanation, tupe_employers=employers, nhs_pension=nhs, nhs_ok=nhs_ok, lgps=lgps,
        vat_conditions=plan.conditions, cse_applies=plan.cse_applies, fee_is_supply=plan.fee_is_supply,
        vat_irrecoverable=lost, vat_at_risk=risk,
        vat_text=vat_text, setup_weeks_low=low, setup_weeks_high=high, setup_cost_low=setup.cost_low,
        setup_cost_high=setup.cost_high,
        setup_source=setup.source + (" + own CQC registration [U]" if regulated and structure in VEHICLES else ""),
        ready_in_time=ready, governance=GOVERNANCE[structure], lead_regulated=lead_regulated)


# --------------------------------------------------------------------------- ranking


def _reasons(e: StructureEffects, p: PartneringProfile, annual_price: Decimal, weeks: int | None,
             protected_cohorts: bool, delivering: int, reserved_tender: bool) -> list[Reason]:
    s = e.structure
    out: list[Reason] = []
    if p.who_contracts in _CONTRACTING:
        if s in _CONTRACTING[p.who_contracts]:
            out.append(Reason(f"matches who should hold the contract ({lower_first(p.who_contracts.label)})", 3))
    if p.liability_appetite is Appetite.LOW:
        points = {Structure.CONSORTIUM: -3, Structure.ALLIANCE: -1, Structure.LEAD_PROVIDER: -1}.get(s, 0)
        if s in VEHICLES:
            out.append(Reason("low appetite for shared liability: the vehicle ring-fences it", 2))
        elif points:
            why = {Structure.CONSORTIUM: "members would be jointly and severally liable",
                   Structure.ALLIANCE: "risk and reward are shared",
                   Structure.LEAD_PROVIDER: "the lead carries all the liability"}[s]
            out.append(Reason(f"low appetite for shared liability: {why}", points))
    elif p.liability_appetite is Appetite.HIGH and s in (Structure.CONSORTIUM, Structure.ALLIANCE):
        out.append(Reason("members will share liability", 1))
    if p.shared_ownership:
        out.append(Reason("members want to own something together", 2) if s in VEHICLES
                   else Reason("members want shared ownership, which this does not give", -1))
    elif s in VEHICLES:
        out.append(Reason("members do not want to own something together", -2))
    profit = {ProfitUse.TO_MEMBERS: {Structure.LLP: 2, Structure.SECONDARY_COOP: 1, Structure.SPV: 1},
              ProfitUse.REINVESTED: {Structure.SPV: 2, Structure.SECONDARY_COOP: 1, Structure.LLP: -2},
              ProfitUse.FLEXIBLE: {Structure.LLP: 2}}.get(p.profit_use, {})
    if s in profit:
        out.append(Reason(f"profits {lower_first(p.profit_use.label)}", profit[s]))
    if p.asset_lock and s in (Structure.SPV, Structure.SECONDARY_COOP, Structure.LLP):
        out.append({Structure.SPV: Reason("an asset lock is wanted: a CIC has one", 2),
                    Structure.SECONDARY_COOP: Reason("an asset lock is wanted: a community benefit society can have "
                                                     "one", 1),
                    Structure.LLP: Reason("an asset lock is wanted: an LLP cannot have one", -3)}[s])
    if p.regulated_activity:
        if s in VEHICLES:
            out.append(Reason("regulated activity: the vehicle needs its own CQC registration", -1))
        elif s in (Structure.GO_ALONE, Structure.LEAD_PROVIDER) and e.lead_regulated is False:
            out.append(Reason("regulated activity, but the lead is not registered with CQC", -3))
    if protected_cohorts and s in VEHICLES and p.vehicle_employs_staff:
        out.append(Reason("transferring LGPS or NHS Pension staff would need a new employer's admission or access",
                          -1))
    vat = e.vat_irrecoverable + e.vat_at_risk
    if vat > 0 and annual_price > 0:
        points = max(-4, -int(vat / annual_price * HUNDRED) or -1)
        out.append(Reason(f"{format_gbp(vat)} a year of VAT nobody recovers"
                          + (" (at risk: statuses not stated)" if e.vat_at_risk and not e.vat_irrecoverable else ""),
                          points))
    if weeks is not None:
        if e.setup_weeks_low > weeks:
            out.append(Reason(f"takes {e.setup_weeks_low}–{e.setup_weeks_high} weeks to set up; {weeks} remain before "
                              "service start", -5))
        elif e.setup_weeks_high > weeks:
            out.append(Reason(f"may take up to {e.setup_weeks_high} weeks to set up; {weeks} remain", -2))
    budget = p.setup_budget
    if budget is not None:
        if e.setup_cost_low > budget:
            out.append(Reason(f"set-up costs at least {format_gbp(e.setup_cost_low)}, over the "
                              f"{format_gbp(budget)} budget", -3))
        elif e.setup_cost_high > budget:
            out.append(Reason(f"set-up may cost up to {format_gbp(e.setup_cost_high)}, over the budget", -1))
    if e.standing_fails:
        who = e.tested_entity if e.structure is not Structure.ALLIANCE else "the providers tested"
        out.append(Reason(f"{who} {'fails' if e.structure is not Structure.ALLIANCE else 'fail'} "
                          f"{len(e.standing_fails)} standing test"
                          f"{'s' if len(e.standing_fails) != 1 else ''}: {', '.join(e.standing_fails)}",
                          -2 * len(e.standing_fails)))
    if reserved_tender and e.reserved is ReservedVerdict.NOT_ELIGIBLE:
        out.append(Reason("cannot bid for this contract reserved for public service mutuals", -10))
    elif reserved_tender and e.reserved is ReservedVerdict.CHECK:
        out.append(Reason("eligibility for the reserved contract must be checked", -1))
    if s is Structure.GO_ALONE and delivering > 1:
        out.append(Reason(f"{delivering} members deliver volume: going alone leaves them out", -5))
    return out


def _answers(ws: Workspace, option: ConsortiumOption, tender: Tender, answered: bool, weeks: int | None
             ) -> tuple[Answer, ...]:
    p = profile_of(ws, option.id)[0]
    src = "answered" if answered else "default"
    cohorts = ws.tupe_cohorts(tender.id)
    protected = [c for c in cohorts if c.pension_scheme in (PensionScheme.LGPS, PensionScheme.NHS)]
    members = ws.members(option.id)
    statuses = []
    for m in members:
        org = ws.get(Organisation, m.organisation_id)
        if org is not None:
            v = organisation_vat(org)
            statuses.append(f"{org.name}: {lower_first(v.stated.label) if v.is_stated else v.reason}")
    yes = {True: "yes", False: "no"}
    return (
        Answer("Who should hold the contract?", p.who_contracts.label, src),
        Answer("Appetite for shared liability", p.liability_appetite.label, src),
        Answer("Do members want to own something together?", yes[p.shared_ownership], src),
        Answer("What happens to profits?", p.profit_use.label, src),
        Answer("Is an asset lock wanted?", yes[p.asset_lock], src),
        Answer("Does the service include regulated activity (CQC)?", yes[p.regulated_activity], src),
        Answer("NHS Pension or LGPS cohorts",
               "; ".join(f"{c.name} ({format_decimal(c.fte, 1)} FTE, {c.pension_scheme.label})" for c in protected)
               or "none", "from the workspace"),
        Answer("Members' VAT status", "; ".join(statuses) or "no members", "from the workspace"),
        Answer("Time to service start", f"{weeks} weeks" if weeks is not None else "no dates given",
               "from the workspace"),
        Answer("Set-up budget", format_gbp(p.setup_budget) if p.setup_budget is not None else "not given", src),
    )


def advise(ws: Workspace, option_id: int, schedule: PriceSchedule) -> StructureAdvice:
    """Every structure ranked for the option, with reasons and effects (module docstring)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"{option.name}: the option has no tender")
    profile, answered = profile_of(ws, option_id)
    weeks = _weeks_available(tender)
    setups = setup_estimates(ws)
    delivering = len({a.member_id for a in ws.allocations(option_id) if a.volume > 0})
    protected = any(c.pension_scheme in (PensionScheme.LGPS, PensionScheme.NHS) for c in ws.tupe_cohorts(tender.id))
    annual_price = schedule.years[0].annual_price if schedule.years else schedule.buildup.annual_price
    cohorts = ws.tupe_cohorts(tender.id)
    lines = volume_lines(ws, option_id) if cohorts else ()
    shared = {c.id: cohort_shares(ws, option_id, c, lines) for c in cohorts}  # the same under every structure
    scored = []
    for s in Structure:
        e = _effects(ws, option_id, s, schedule, setups[s], profile.regulated_activity, weeks, shared)
        reasons = _reasons(e, profile, annual_price, weeks, protected, delivering, tender.reserved_for_mutuals)
        scored.append((sum(r.points for r in reasons), s, tuple(reasons), e))
    order = list(Structure)
    scored.sort(key=lambda x: (-x[0], order.index(x[1])))
    ranked = tuple(RankedStructure(i + 1, s, score, s is option.structure, reasons, e)
                   for i, (score, s, reasons, e) in enumerate(scored))
    return StructureAdvice(option_id, option.structure, answered, _answers(ws, option, tender, answered, weeks),
                           weeks, ranked, ranked[0].structure, tender.reserved_for_mutuals)


def findings(advice: StructureAdvice) -> list[Finding]:
    """The chosen structure: set-up longer than the time left (serious), a cost-sharing condition failing
    where an invoiced fee needs it (warning), ranked below another structure (a note), and the questions
    not yet answered (a note)."""
    out: list[Finding] = []
    current = advice.of(advice.current)
    e = current.effects
    if e.ready_in_time is False:
        out.append(Finding("structure_not_ready",
                           f"{_cap(_a(advice.current.label))} takes {e.setup_weeks_low}–{e.setup_weeks_high} weeks to "
                           f"set up; {advice.weeks_available} weeks remain before service start.", Severity.SERIOUS,
                           figures=(("weeks_needed", Decimal(e.setup_weeks_low)),
                                    ("weeks_available", Decimal(advice.weeks_available or 0)))))
    elif e.ready_in_time is None and advice.weeks_available is not None:
        out.append(Finding("structure_tight",
                           f"{_cap(_a(advice.current.label))} may take up to {e.setup_weeks_high} weeks to set up; "
                           f"{advice.weeks_available} weeks remain before service start: start now.",
                           Severity.WARNING))
    if e.vat_irrecoverable > 0:
        failed = [lower_first(c.label) for c in e.vat_conditions if c.met is not True]
        out.append(Finding("vat_irrecoverable",
                           f"{format_gbp(e.vat_irrecoverable)} a year of VAT between partners cannot be recovered "
                           f"under this structure ({e.vat_text})"
                           + (f"; cost-sharing conditions not met: {', '.join(failed)}" if failed else "") + ".",
                           Severity.WARNING, figures=(("vat_a_year", e.vat_irrecoverable),)))
    if e.fee_is_supply and not e.cse_applies:  # the fee is invoiced: the exemption's conditions decide its VAT
        for c in e.vat_conditions:
            if c.met is not True:
                out.append(Finding(f"vat_condition_{c.key}",
                                   f"VAT cost-sharing condition {'not met' if c.met is False else 'not shown'}: "
                                   f"{lower_first(c.label)} ({c.reason}); the management fee invoiced to members carries "
                                   "VAT.", Severity.WARNING))
    best = advice.ranked[0]
    if best.structure is not advice.current and best.score > current.score:
        against = [r.text for r in current.reasons if r.points < 0]
        out.append(Finding("structure_ranked_lower",
                           f"On the answers given, {_a(best.structure.label)} ranks above the chosen "
                           f"{lower_first(advice.current.label)} ({best.score} points against {current.score})"
                           + (f"; against the {lower_first(advice.current.label)}: {'; '.join(against)}" if against else "")
                           + ".", Severity.INFO, figures=(("best_score", Decimal(best.score)),
                                                           ("current_score", Decimal(current.score)))))
    if not advice.answered:
        out.append(Finding("structure_questions", "The structure questions are not answered yet: the ranking uses "
                                                  "the defaults.", Severity.INFO))
    return out
