"""VAT between partners (DOMAIN §10): each party's status, the cost-sharing exemption's conditions, and
which flows between partners carry VAT that nobody can recover.

Rules chosen (stated here because the build-up, the flows, the advisor and the tests rely on them):

* **Status.** An organisation's ``vat_status`` says how its supplies of these services stand:
  not registered (charges no VAT), exempt (welfare services by a charity, public body or state-
  regulated provider [V]: charges no VAT, recovers none), taxable (standard-rated: charges 20%,
  recovers VAT on its costs). When it is **not stated**, the likely status is worked out (a
  charity, CIO, public or NHS body, or a provider registered with CQC or Ofsted: exempt; otherwise
  taxable, since unregulated support by a company, CIC or society can be standard-rated [V]) and
  used only to show what is **at risk**: nothing is charged on an assumption. A vehicle's status is
  the answer ``vehicle_vat_status`` (not stated: exempt if it carries on regulated activity).
* **Sub-contract payments** carry VAT when the contracting party pays a member for its work: the
  lead under "lead provider", the vehicle under SPV, LLP and secondary co-operative. A member paid
  as agent (unincorporated consortium), the buyer paying each provider (alliance) and going alone
  move no VAT between partners. The VAT is a cost when the supplier is stated taxable and the
  contracting party is stated exempt or not registered (it cannot recover it); at risk when either
  is not stated and the likely statuses would make it a cost, or when a member not registered would
  pass the registration threshold (£90,000 [V]) on this work alone.
* **The management fee** is a supply only when it is invoiced to members (``fee_vat_basis``) under
  "lead provider" or an unincorporated consortium with a lead; kept out of the payments it is not a
  supply, and a vehicle keeps its fee out of the price. An invoiced fee carries VAT unless the
  cost-sharing exemption applies; the VAT is a cost to each member that cannot recover it.
* **Cost-sharing exemption**: all six conditions [V] must hold: an independent group supplies the
  services (a separate cost-sharing group), every member makes at least 5% exempt or non-business
  supplies, the services are directly necessary for them, they are recharged at exact cost, the
  exemption does not distort competition, and only services are shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import (
    ConsortiumOption,
    FeeVatBasis,
    LegalForm,
    Member,
    MemberRole,
    Organisation,
    OrgKind,
    PartneringProfile,
    Structure,
    VatStatus,
)
from ..money import HUNDRED, ZERO, format_gbp, quantize
from ..workspace import Workspace

if TYPE_CHECKING:  # costing imports this package's charges, which import this module
    from ..costing import CostBuildup
from .choices import lower_first

__all__ = ["CSE_MIN_EXEMPT_PCT", "REGISTRATION_THRESHOLD", "VAT_RATE_PCT", "VEHICLES", "CseCondition", "MemberVat",
           "MemberVatYear", "PartyVat", "VatPlan", "cse_conditions", "default_profile", "exempt_share",
           "organisation_vat", "profile_of", "vat_a_year", "vat_plan", "vehicle_vat"]

VAT_RATE_PCT = Decimal("20")  # standard rate [V]
REGISTRATION_THRESHOLD = Decimal("90000")  # VAT registration threshold from 1 April 2024 [V]
CSE_MIN_EXEMPT_PCT = Decimal("5")  # every member's exempt or non-business supplies, at least [V]
VEHICLES = frozenset({Structure.SPV, Structure.LLP, Structure.SECONDARY_COOP})
_REGULATORS = ("cqc", "care quality commission", "ofsted", "care inspectorate", "ciw")
_RATE = VAT_RATE_PCT / HUNDRED


def default_profile(option_id: int | None) -> PartneringProfile:
    """The answers an option has before anyone answers (the entity's defaults)."""
    return PartneringProfile(option_id=option_id)


def profile_of(ws: Workspace, option_id: int | None) -> tuple[PartneringProfile, bool]:
    """The option's partnering answers and whether they were given (False: the defaults)."""
    rows = ws.children(PartneringProfile, option_id)
    if rows:
        return min(rows, key=lambda r: r.id or 0), True
    return default_profile(option_id), False


@dataclass(frozen=True, slots=True)
class PartyVat:
    """One party's VAT position: as stated, or (not stated) as it is likely to be, and why."""

    name: str
    stated: VatStatus  # NOT_STATED when nobody has said
    likely: VatStatus  # the stated status, or the one worked out
    reason: str

    @property
    def is_stated(self) -> bool:
        return self.stated is not VatStatus.NOT_STATED

    @property
    def charges_vat(self) -> bool:
        return self.likely is VatStatus.TAXABLE

    @property
    def recovers(self) -> bool:
        return self.likely is VatStatus.TAXABLE


def _regulated(org: Organisation) -> bool:
    text = org.regulators.casefold()
    return any(r in text for r in _REGULATORS)


def organisation_vat(org: Organisation) -> PartyVat:
    """An organisation's VAT position (rule in the module's docstring)."""
    if org.vat_status is not VatStatus.NOT_STATED:
        return PartyVat(org.name, org.vat_status, org.vat_status, f"stated: {lower_first(org.vat_status.label)}")
    return _likely(org)


def _likely(org: Organisation) -> PartyVat:
    """What an organisation's supplies of these services are likely to be, from its kind and regulators."""
    if org.registered_charity or org.kind in (OrgKind.CHARITY, OrgKind.NHS_BODY, OrgKind.LOCAL_AUTHORITY) \
            or org.legal_form in (LegalForm.CIO, LegalForm.PUBLIC_BODY):
        return PartyVat(org.name, VatStatus.NOT_STATED, VatStatus.EXEMPT,
                        "not stated; likely exempt: welfare services by a charity or public body")
    if _regulated(org):
        return PartyVat(org.name, VatStatus.NOT_STATED, VatStatus.EXEMPT,
                        "not stated; likely exempt: welfare services by a regulated provider")
    return PartyVat(org.name, VatStatus.NOT_STATED, VatStatus.TAXABLE,
                    "not stated; likely standard-rated: unregulated support by a company, CIC or society")


def vehicle_vat(profile: PartneringProfile, name: str = "the vehicle") -> PartyVat:
    status = profile.vehicle_vat_status
    if status is not VatStatus.NOT_STATED:
        return PartyVat(name, status, status, f"stated: {lower_first(status.label)}")
    if profile.regulated_activity:
        return PartyVat(name, status, VatStatus.EXEMPT,
                        "not stated; likely exempt: a regulated provider of welfare services")
    return PartyVat(name, status, VatStatus.TAXABLE, "not stated; likely standard-rated: not a regulated provider")


def _basis(p: PartyVat) -> str:
    """Why a party's status is what it is, briefly: ``stated`` or ``likely: <why>``."""
    return "stated" if p.is_stated else "likely: " + p.reason.split(": ", 1)[-1]


def exempt_share(org: Organisation) -> Decimal | None:
    """The share of its supplies that are exempt or non-business (None: cannot tell)."""
    if org.exempt_supplies_pct is not None:
        return org.exempt_supplies_pct
    return {VatStatus.EXEMPT: HUNDRED, VatStatus.NOT_REGISTERED: HUNDRED, VatStatus.TAXABLE: ZERO}.get(org.vat_status)


# --------------------------------------------------------------------------- cost-sharing exemption


@dataclass(frozen=True, slots=True)
class CseCondition:
    key: str
    label: str
    met: bool | None  # None: the workspace cannot tell
    reason: str


def cse_conditions(profile: PartneringProfile, orgs: Sequence[Organisation]) -> tuple[CseCondition, ...]:
    """The six conditions of the VAT cost-sharing exemption (DOMAIN §4, §10), each met or not and why."""
    shares = [(o.name, exempt_share(o)) for o in orgs]
    low = [n for n, s in shares if s is not None and s < CSE_MIN_EXEMPT_PCT]
    unknown = [n for n, s in shares if s is None]
    if low:
        members = CseCondition("members_exempt", "Every member makes exempt or non-business supplies", False,
                               f"{', '.join(low)} {'makes' if len(low) == 1 else 'make'} less than "
                               f"{CSE_MIN_EXEMPT_PCT}% exempt or non-business supplies")
    elif unknown:
        members = CseCondition("members_exempt", "Every member makes exempt or non-business supplies", None,
                               f"not stated for {', '.join(unknown)}")
    else:
        members = CseCondition("members_exempt", "Every member makes exempt or non-business supplies", True,
                               f"every member makes at least {CSE_MIN_EXEMPT_PCT}%" if orgs else "no members")

    def answer(key: str, label: str, value: bool, yes: str, no: str) -> CseCondition:
        return CseCondition(key, label, value, yes if value else no)

    return (
        answer("independent", "An independent group supplies the services", profile.cost_sharing_group,
               "a separate cost-sharing group supplies the shared services",
               "no separate cost-sharing group: the lead or vehicle charges the fee"),
        members,
        answer("directly_necessary", "The services are directly necessary for those supplies",
               profile.services_directly_necessary, "stated", "not confirmed"),
        answer("exact_cost", "Members reimburse exactly the cost", profile.recharged_at_cost,
               "recharged at exact cost", "not recharged at exact cost (a fee or mark-up)"),
        answer("no_distortion", "No distortion of competition", profile.no_distortion, "stated",
               "the exemption could distort competition"),
        answer("services_only", "Services only", profile.services_only, "only services are shared",
               "goods are shared too"),
    )


# --------------------------------------------------------------------------- the plan for one structure


@dataclass(frozen=True, slots=True)
class MemberVat:
    """VAT on the flows between one member and the contracting party, as fractions of the flow.

    ``sub_*`` apply to the member's sub-contract payment, ``fee_*`` to its part of the management fee;
    ``*_cost`` is VAT nobody recovers on stated facts (charged to the price), ``*_risk`` what would be
    lost if the unstated statuses are as likely. Each is 0 or the VAT rate (0.2).
    """

    member_id: int | None
    name: str
    supplier: PartyVat
    sub_cost: Decimal
    sub_risk: Decimal
    sub_treatment: str
    fee_cost: Decimal
    fee_risk: Decimal
    fee_treatment: str
    registration_risk: bool = False  # not registered, taxable supplies: at risk if they pass the threshold

    def sub_risk_on(self, payment: Decimal) -> Decimal:
        """The fraction of a sub-contract ``payment`` a year at risk (a member not registered that would
        pass the registration threshold on it is at risk too)."""
        if self.registration_risk and payment > REGISTRATION_THRESHOLD:
            return _RATE
        return self.sub_risk


@dataclass(frozen=True, slots=True)
class VatPlan:
    """Which flows between the partners of an option carry VAT under one structure (module docstring)."""

    structure: Structure
    party: PartyVat | None  # the contracting party that pays the members (None: nobody does)
    party_member_id: int | None  # the lead member, when the party is a member
    pays_at_cost: bool  # a vehicle pays members their own cost; a lead their share of the price less the fee
    sub_contracts: bool  # the contracting party pays members for their work (VAT may apply)
    fee_is_supply: bool  # the management fee is invoiced to members
    conditions: tuple[CseCondition, ...]
    cse_applies: bool
    members: tuple[MemberVat, ...]
    price_treatment: str  # the buyer's payment to the contracting party
    notes: tuple[str, ...]

    def member(self, member_id: int | None) -> MemberVat | None:
        return next((m for m in self.members if m.member_id == member_id), None)

    @property
    def any_cost(self) -> bool:
        return any(m.sub_cost or m.fee_cost for m in self.members)


def _lead_member(members: Sequence[Member], option: ConsortiumOption) -> Member | None:
    if option.lead_organisation_id is not None:
        lead = next((m for m in members if m.organisation_id == option.lead_organisation_id), None)
        if lead is not None:
            return lead
    return next((m for m in members if m.role is MemberRole.LEAD), None)


def vat_plan(ws: Workspace, option: ConsortiumOption, *, profile: PartneringProfile | None = None) -> VatPlan:
    """The VAT plan of ``option`` as it stands in ``ws`` (a copy with another structure gives that structure's)."""
    if profile is None:
        profile = profile_of(ws, option.id)[0]
    s = option.structure
    members = ws.members(option.id)
    orgs = {m.id: ws.get(Organisation, m.organisation_id) for m in members}
    conditions = cse_conditions(profile, [o for o in orgs.values() if o is not None])
    cse = all(c.met is True for c in conditions)
    lead = _lead_member(members, option) if s in (Structure.GO_ALONE, Structure.LEAD_PROVIDER,
                                                  Structure.CONSORTIUM) else None
    party: PartyVat | None
    if s in VEHICLES:
        party = vehicle_vat(profile)
    elif lead is not None and orgs.get(lead.id) is not None:
        party = organisation_vat(orgs[lead.id])  # type: ignore[arg-type]
    else:
        party = None
    sub_contracts = (s is Structure.LEAD_PROVIDER and lead is not None) or s in VEHICLES
    fee_is_supply = (profile.fee_vat_basis is FeeVatBasis.INVOICED and option.management_fee_pct > 0
                     and lead is not None and s in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM))
    notes: list[str] = []
    out: list[MemberVat] = []
    for m in members:
        org = orgs[m.id]
        if org is None or (lead is not None and m.id == lead.id):
            continue
        supplier = organisation_vat(org)
        sub_cost = sub_risk = ZERO
        registration = False
        if not sub_contracts or party is None:
            sub_text = {Structure.CONSORTIUM: "outside the scope: passed on by the lead as agent",
                        Structure.ALLIANCE: "no payment between partners: the buyer pays each provider",
                        Structure.GO_ALONE: "no payment between partners"}.get(s, "no payment between partners")
        elif supplier.likely is VatStatus.EXEMPT:
            sub_text = f"exempt ({_basis(supplier)})"
        elif supplier.likely is VatStatus.NOT_REGISTERED:
            # it must register only if these supplies are taxable (exempt supplies do not count)
            registration = not party.recovers and _likely(org).likely is VatStatus.TAXABLE
            sub_text = ("no VAT: not registered; it must register if its taxable supplies pass "
                        f"{format_gbp(REGISTRATION_THRESHOLD)} a year")
        elif party.recovers:
            sub_text = f"standard-rated {VAT_RATE_PCT}% ({_basis(supplier)}): {party.name} recovers it"
        else:
            if supplier.is_stated and party.is_stated:
                sub_cost = _RATE
                sub_text = f"standard-rated {VAT_RATE_PCT}% (stated): {party.name} cannot recover it"
            else:
                sub_risk = _RATE
                sub_text = (f"at risk: standard-rated {VAT_RATE_PCT}% ({_basis(supplier)}), and {party.name} "
                            f"cannot recover it ({_basis(party)})")
        fee_cost = fee_risk = ZERO
        if not fee_is_supply:
            fee_text = ("kept out of the payments: no separate supply" if option.management_fee_pct > 0
                        and s in (Structure.LEAD_PROVIDER, Structure.CONSORTIUM) else "no fee charged to members")
        elif cse:
            fee_text = "exempt: the cost-sharing exemption applies"
        elif supplier.recovers:
            fee_text = f"standard-rated {VAT_RATE_PCT}%: {org.name} recovers it"
        elif supplier.is_stated:
            fee_cost, fee_text = _RATE, (f"standard-rated {VAT_RATE_PCT}%: {org.name} cannot recover it "
                                         "(the cost-sharing exemption does not apply)")
        else:
            fee_risk, fee_text = _RATE, (f"at risk: standard-rated {VAT_RATE_PCT}%, which {org.name} could not "
                                         f"recover ({_basis(supplier)})")
        out.append(MemberVat(m.id, org.name, supplier, sub_cost, sub_risk, sub_text, fee_cost, fee_risk, fee_text,
                             registration))
    if party is None:
        price_text = "no contracting party named"
    elif party.likely is VatStatus.TAXABLE:
        price_text = (f"standard-rated {VAT_RATE_PCT}% on top ({_basis(party)}); a council recovers it, "
                      "an NHS buyer may not")
    else:
        price_text = f"no VAT: exempt or not registered ({_basis(party)})"
    if s is Structure.ALLIANCE:
        price_text = "each provider invoices the buyer for its own work"
    return VatPlan(s, party if sub_contracts or fee_is_supply or s in VEHICLES or lead else None,
                   lead.id if lead is not None else None, s in VEHICLES, sub_contracts, fee_is_supply,
                   conditions, cse, tuple(out), price_text, tuple(notes))


# --------------------------------------------------------------------------- a year of it


@dataclass(frozen=True, slots=True)
class MemberVatYear:
    """One member's flows with the contracting party in year one, and the VAT on them."""

    member_id: int | None
    name: str
    sub_contract: Decimal  # paid for its work (a vehicle: its cost; a lead: its share of the price less the fee)
    fee: Decimal  # its part of the management fee
    irrecoverable: Decimal  # VAT nobody recovers, on stated statuses
    at_risk: Decimal  # VAT that would be lost if unstated statuses are as likely
    sub_treatment: str
    fee_treatment: str


#: The last build-up's year-one payments by how a plan pays (``_payments``): the structure advisor asks for
#: them under each of seven structures, and most pay alike. (The build-up, {its key: (payments, fees)}.)
_PAID: tuple[CostBuildup | None, dict[tuple[Any, ...], tuple[dict[int | None, Decimal], dict[int | None, Decimal]]]] = (
    None, {})


def _payments(plan: VatPlan, buildup: CostBuildup) -> tuple[dict[int | None, Decimal], dict[int | None, Decimal]]:
    """What each of the plan's members is paid for its work in year one, and its part of the management fee
    (exact): remembered for the last build-up by what they are worked out from."""
    from .charges import shares_of

    global _PAID
    with_fee = plan.fee_is_supply or (not plan.pays_at_cost and plan.structure in (Structure.LEAD_PROVIDER,
                                                                                    Structure.CONSORTIUM))
    ids = tuple(m.member_id for m in plan.members)
    slot = (ids, plan.sub_contracts, plan.pays_at_cost, with_fee)
    memo = _PAID  # one read: another thread may put another build-up's
    if memo[0] is buildup and (hit := memo[1].get(slot)) is not None:
        return dict(hit[0]), dict(hit[1])
    fee = buildup.management_fee_pct / HUNDRED
    sub = {m: ZERO for m in ids}
    fees = dict(sub)
    by_line = shares_of(buildup)
    for line in buildup.service_lines:
        shares = by_line[line.key]
        for ml in line.members:
            if ml.member_id not in sub:
                continue
            share = shares.get(ml.member_id, ZERO)
            if plan.sub_contracts:
                sub[ml.member_id] += ml.annual_cost if plan.pays_at_cost else share * line.annual_price * (1 - fee)
            if with_fee:
                fees[ml.member_id] += share * line.annual_price * fee
    known = memo[1] if memo[0] is buildup else {}
    known[slot] = (dict(sub), dict(fees))
    _PAID = (buildup, known)
    return sub, fees


def vat_a_year(plan: VatPlan, buildup: CostBuildup) -> tuple[MemberVatYear, ...]:
    """Year one's flows between the contracting party and each member, with their VAT (``plan``'s rules on
    ``buildup``'s service lines: members' shares of each line by cost, as the projection shares them)."""
    sub, fees = _payments(plan, buildup)
    out = []
    for mv in plan.members:
        payment, part = quantize(sub[mv.member_id]), quantize(fees[mv.member_id])
        cost = quantize(payment * mv.sub_cost + (part * mv.fee_cost if plan.fee_is_supply else ZERO))
        risk = quantize(payment * mv.sub_risk_on(payment) + (part * mv.fee_risk if plan.fee_is_supply else ZERO))
        out.append(MemberVatYear(mv.member_id, mv.name, payment, part, cost, risk, mv.sub_treatment, mv.fee_treatment))
    return tuple(out)
