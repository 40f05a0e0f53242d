"""Financial standing: could the option bid for a contract reserved for public service mutuals
(PA23 s33; before 24 Feb 2025, PCR15 reg 77)?
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import ConsortiumOption, MemberRole, Organisation, OrgKind, Regime, Structure, Tender
from ..money import format_decimal
from ..workspace import Workspace
from .tested import _are, _lead, _names, _parties
from .thresholds import ReservedVerdict


@dataclass(frozen=True, slots=True)
class ReservedCheck:
    name: str  # "regime", "term", "contracting supplier", "vehicle"
    passed: bool | None  # None: cannot be told from the workspace
    explanation: str


@dataclass(frozen=True, slots=True)
class ReservedEligibility:
    tender_reserved: bool  # the tender is flagged as reserved for mutuals
    verdict: ReservedVerdict
    max_term_years: int | None  # the longest term the regime allows for a reserved contract
    term_years: int  # term + extensions
    checks: tuple[ReservedCheck, ...]
    reasons: tuple[str, ...]  # why not, or what to check
    caveats: tuple[str, ...]  # conditions the workspace does not record
    explanation: str


def is_public_service_mutual(org: Organisation) -> tuple[bool | None, str]:
    """Whether the workspace shows ``org`` as a public service mutual, and why (None: check).

    PA23 s33(6)(c) asks that the body be "under the management and control of its employees".
    Taken as: kind MUTUAL (unless staff are recorded as holding 50 % or less of control, which is
    then flagged for checking), or employee owned with more than 50 % employee control.
    """
    pct = org.employee_ownership_pct
    if org.kind is OrgKind.MUTUAL:
        if pct is not None and pct <= 50:
            return None, (f"{org.name} is recorded as a public service mutual but its staff hold only "
                          f"{format_decimal(pct)}% of control; check that its employees manage and control it")
        return True, f"{org.name} is a public service mutual"
    if org.employee_owned:
        if pct is None:
            return None, f"{org.name} is employee owned but the share of control its staff hold is not given"
        if pct > 50:
            return True, f"{org.name} is {format_decimal(pct)}% controlled by its employees"
        return False, (f"{org.name} is only {format_decimal(pct)}% employee controlled, so it is not under its "
                       "employees' management and control")
    label = org.kind.label
    article = "an" if label[0].lower() in "aeiou" or label.startswith(("SME", "NHS")) else "a"
    return False, f"{org.name} is {article} {label if label[:2].isupper() else label.lower()}, not a public service mutual"


def reserved_eligibility(ws: Workspace, option_id: int) -> ReservedEligibility:
    """Could this option bid for a contract reserved for public service mutuals?

    My reading of the public text (Procurement Act 2023 s33, as enacted):
      * s33(1): a contract may be reserved only if it is for "reservable light touch services"
        (services specified in regulations under s33(8)) and "has a maximum term of five years or
        less". The maximum term is read as including every extension the contract allows, so
        ``term_years + extension_years`` must not exceed 5.
      * s33(4)-(5): the buyer must disregard tenders from suppliers that are not "qualifying public
        service mutuals": a public service mutual that has not entered into a comparable contract
        (same kind of services, same authority, reserved under s33) in the three years before award.
      * s33(6): a public service mutual operates to deliver public services, mainly reservable light
        touch services; is run not for profit or distributes profits only to members; and is under
        the management and control of its employees.
    The supplier that must qualify is the contracting party: the lead under go-alone and lead
    provider structures (subcontractors need not); each member who signs an unincorporated
    consortium's contract; each provider in an alliance; the vehicle itself for an SPV, LLP or
    secondary co-operative (which the workspace cannot assess: it must itself be employee
    controlled, and being owned by mutuals is not the same thing, so the verdict is CHECK).
    Before 24 Feb 2025 the rule was PCR15 reg 77 [K], with a maximum term of three years and the
    same three-year bar. PA23 (and so s33) does not apply to the NHS Provider Selection Regime or to
    grants. What the workspace does not record (the kind of services, earlier reserved contracts,
    profit distribution) is listed as caveats and does not change the verdict.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    tender = ws.get(Tender, option.tender_id)
    if tender is None:
        raise ValueError(f"consortium option {option_id} has no tender")
    checks: list[ReservedCheck] = []
    term = tender.term_years + tender.extension_years
    term_text = (f"{tender.term_years} years" if not tender.extension_years else
                 f"{term} years ({tender.term_years} plus {tender.extension_years} of extensions)")
    section = "PA23 s33"
    max_term: int | None
    if tender.regime is Regime.PA23:
        max_term = 5
        checks.append(ReservedCheck("regime", True, "The tender is under the Procurement Act 2023, whose s33 allows "
                                    "reserving light-touch contracts for public service mutuals."))
    elif tender.regime is Regime.PCR15:
        max_term, section = 3, "PCR15 reg 77"
        checks.append(ReservedCheck("regime", True, "The tender is under the Public Contracts Regulations 2015, "
                                    "whose reg 77 allows reserving some health, social and cultural service "
                                    "contracts for mutuals [K]."))
    else:
        max_term = None
        what = ("the NHS Provider Selection Regime, to which PA23 s33 does not apply"
                if tender.regime is Regime.PSR else "a grant, not a procurement, so PA23 s33 does not apply")
        checks.append(ReservedCheck("regime", False, f"The tender is under {what}."))
    if max_term is not None:
        ok = term <= max_term
        checks.append(ReservedCheck(
            "term", ok,
            f"The maximum term of {term_text} {'is within' if ok else 'exceeds'} the {max_term} years {section} "
            "allows for a reserved contract."))
    parties = _parties(ws, option_id)
    s = option.structure
    if s in (Structure.SPV, Structure.LLP, Structure.SECONDARY_COOP):
        owners = [p for p in parties if is_public_service_mutual(p.org)[0] is not True]
        extra = (f"; {_names(owners)} {_are(owners)} not shown as "
                 f"{'a public service mutual' if len(owners) == 1 else 'public service mutuals'}" if owners else "")
        checks.append(ReservedCheck(
            "vehicle", None,
            f"The contracting supplier would be the {s.label.lower()} itself, which must be under the management "
            f"and control of its own employees; check its articles{extra}."))
    else:
        if s in (Structure.GO_ALONE, Structure.LEAD_PROVIDER):
            lead = _lead(ws, option, parties, [])
            suppliers = [lead] if lead else []
            role = "the lead"
        elif s is Structure.CONSORTIUM:
            suppliers = [p for p in parties if p.member is not None
                         and p.member.role in (MemberRole.LEAD, MemberRole.PARTNER)]
            role = "a consortium member who signs the contract"
        else:
            suppliers = [p for p in parties if p.member is not None
                         and p.member.role not in (MemberRole.GUARANTOR, MemberRole.SUBCONTRACTOR)]
            role = "an alliance provider"
        if not suppliers:
            checks.append(ReservedCheck("contracting supplier", None,
                                        "No contracting supplier is chosen (no lead or members)."))
        for p in suppliers:
            qualifies, why = is_public_service_mutual(p.org)
            if qualifies is False:
                why = f"{role}, {why.replace(p.org.name + ' is', p.org.name + ', is', 1)}" \
                    if why.startswith(p.org.name + " is ") else f"{role}: {why}"
            checks.append(ReservedCheck("contracting supplier", qualifies, why[0].upper() + why[1:] + "."))
    caveats = (
        f"The services must be of a kind regulations allow to be reserved ({section}); the workspace does not "
        "record the kind of services.",
        "A qualifying mutual must not have entered into a comparable reserved contract with the same buyer in the "
        "three years before award.",
        "A public service mutual must operate mainly to deliver such services and be run not for profit or "
        "distribute profits only to its members.",
    )
    failed = [c.explanation for c in checks if c.passed is False]
    unsure = [c.explanation for c in checks if c.passed is None]
    if failed:
        verdict, reasons = ReservedVerdict.NOT_ELIGIBLE, failed
        text = "Not eligible for a contract reserved for public service mutuals: " + " ".join(failed)
    elif unsure:
        verdict, reasons = ReservedVerdict.CHECK, unsure
        text = "Check before relying on a reservation for public service mutuals: " + " ".join(unsure)
    else:
        verdict, reasons = ReservedVerdict.ELIGIBLE, []
        text = ("Eligible, as far as the workspace shows, for a contract reserved for public service mutuals "
                f"({section}).")
    return ReservedEligibility(tender.reserved_for_mutuals, verdict, max_term, term, tuple(checks), tuple(reasons),
                               caveats, text)
