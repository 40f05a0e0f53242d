"""Each partnering structure's facts (DOMAIN §4, §10) and the option as it would be under another
structure.

* **Set-up time and cost** [U], editable: the workspace setting ``partnering_setup`` (JSON, like the
  rate overrides) replaces any of them, e.g. ``{"spv": {"weeks_high": 30, "cost_high": "45000"}}``.
  A new vehicle that carries on regulated activity also needs its own CQC registration
  (``CQC_REGISTRATION_WEEKS`` [U] more).
* **Restructuring** (``restructured`` / ``apply_structure``): the option with another structure, on a
  copy of the workspace, never the stored option. Liability follows the structure (lead; joint and
  several; ring-fenced in the vehicle; limited for an LLP or co-operative; shared in an alliance).
  Go alone and lead provider keep the option's lead (or the lead member, or the member with the
  largest participation); an unincorporated consortium keeps its lead as agent if it has one; a
  vehicle and an alliance have none. Roles follow: the lead is "lead", others "subcontractor" under a
  lead, "partner" in a consortium or alliance; in a vehicle, members with a profit share are partners
  (owners) and the rest subcontract to it (everyone a partner when no one has a profit share).
  Guarantors stay guarantors. "Try this structure" stores exactly these rows as a new option.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .. import jsontext
from ..model import ConsortiumOption, Liability, Member, MemberRole, Structure
from ..workspace import Workspace

__all__ = ["CQC_REGISTRATION_WEEKS", "DEFAULT_SETUP", "GOVERNANCE", "LIABILITY", "SETUP_SETTING_KEY", "SetupEstimate",
           "apply_structure", "restructured", "setup_estimates"]

SETUP_SETTING_KEY = "partnering_setup"
CQC_REGISTRATION_WEEKS = (8, 16)  # [U] a new provider's CQC registration, on top of forming the vehicle


@dataclass(frozen=True, slots=True)
class SetupEstimate:
    weeks_low: int
    weeks_high: int
    cost_low: Decimal
    cost_high: Decimal
    source: str


def _d(x: str | int) -> Decimal:
    return Decimal(str(x))


DEFAULT_SETUP: dict[Structure, SetupEstimate] = {
    Structure.GO_ALONE: SetupEstimate(0, 2, _d(0), _d(2000), "board approval only [U]"),
    Structure.LEAD_PROVIDER: SetupEstimate(4, 8, _d(3000), _d(15000), "4–8 weeks, £3–15k legal (DOMAIN §4) [U]"),
    Structure.CONSORTIUM: SetupEstimate(4, 13, _d(5000), _d(20000), "1–3 months for a consortium agreement [U]"),
    Structure.SPV: SetupEstimate(13, 26, _d(10000), _d(40000),
                                 "3–6+ months [U]; Companies House incorporation £50 [V]"),
    Structure.LLP: SetupEstimate(13, 26, _d(10000), _d(40000), "as an SPV [U]"),
    Structure.SECONDARY_COOP: SetupEstimate(13, 26, _d(8000), _d(30000),
                                            "as an SPV [U]; the FCA registers 90% of valid society applications "
                                            "within 15 working days [V]"),
    Structure.ALLIANCE: SetupEstimate(8, 26, _d(5000), _d(15000), "commissioner-led [U]"),
}

GOVERNANCE: dict[Structure, str] = {
    Structure.GO_ALONE: "The bidder's own board decides; there are no partners to govern.",
    Structure.LEAD_PROVIDER: "The lead's board holds the contract; subcontracts pass its terms down back-to-back; "
                             "a contract management group of the lead and subcontractors reviews performance.",
    Structure.CONSORTIUM: "A consortium agreement: a steering group of the members decides by the majority agreed; "
                          "one member may act as lead and agent; members answer jointly and severally.",
    Structure.SPV: "The vehicle's board (directors nominated by the members) under its articles and a members' "
                   "agreement; as a CIC, an asset lock and the CIC Regulator.",
    Structure.LLP: "A members' agreement sets decisions, profit shares and exit; designated members file the "
                   "accounts; no asset lock.",
    Structure.SECONDARY_COOP: "The partner organisations are its members, one member one vote; rules registered "
                              "with the FCA; an asset lock if it is a community benefit society.",
    Structure.ALLIANCE: "An alliance leadership team of the commissioner and every provider decides 'best for "
                        "service', usually unanimously; risk and reward are shared; no new entity.",
}

LIABILITY: dict[Structure, Liability] = {
    Structure.GO_ALONE: Liability.LEAD, Structure.LEAD_PROVIDER: Liability.LEAD,
    Structure.CONSORTIUM: Liability.JOINT_AND_SEVERAL, Structure.SPV: Liability.RING_FENCED,
    Structure.LLP: Liability.LIMITED, Structure.SECONDARY_COOP: Liability.LIMITED, Structure.ALLIANCE: Liability.SHARED,
}
_FIELDS = ("weeks_low", "weeks_high", "cost_low", "cost_high")


def setup_estimates(ws: Workspace) -> dict[Structure, SetupEstimate]:
    """Each structure's set-up time and cost: the defaults with the workspace's overrides (``ValueError``
    naming the problem when the setting cannot be read)."""
    text = ws.setting(SETUP_SETTING_KEY, "").strip()
    if not text:
        return dict(DEFAULT_SETUP)
    try:
        data = jsontext.loads(text)
    except ValueError as exc:
        raise ValueError(f"the {SETUP_SETTING_KEY} setting is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"the {SETUP_SETTING_KEY} setting must map structures to figures, e.g. "
                         '{"spv": {"weeks_high": 30}}')
    out = dict(DEFAULT_SETUP)
    for name, figures in data.items():
        try:
            structure = Structure.from_value(name)
        except ValueError:
            raise ValueError(f"{SETUP_SETTING_KEY}: {name!r} is not a structure") from None
        if not isinstance(figures, dict) or any(k not in _FIELDS for k in figures):
            raise ValueError(f"{SETUP_SETTING_KEY}: {name!r} takes {', '.join(_FIELDS)}")
        base = out[structure]
        try:
            weeks = {k: int(figures.get(k, getattr(base, k))) for k in _FIELDS[:2]}
            costs = {k: Decimal(str(figures.get(k, getattr(base, k)))) for k in _FIELDS[2:]}
        except (ValueError, TypeError, InvalidOperation):
            raise ValueError(f"{SETUP_SETTING_KEY}: {name!r} has a figure that is not a number") from None
        if any(v < 0 for v in weeks.values()) or any(not v.is_finite() or v < 0 for v in costs.values()):
            raise ValueError(f"{SETUP_SETTING_KEY}: {name!r} has a negative figure")
        merged = SetupEstimate(weeks["weeks_low"], weeks["weeks_high"], costs["cost_low"], costs["cost_high"],
                               "this workspace's setting")
        if merged.weeks_low > merged.weeks_high or merged.cost_low > merged.cost_high:
            raise ValueError(f"{SETUP_SETTING_KEY}: {name!r} has a low figure above its high one")
        out[structure] = merged
    return out


# --------------------------------------------------------------------------- restructuring


def _lead(option: ConsortiumOption, members: list[Member]) -> Member | None:
    if option.lead_organisation_id is not None:
        lead = next((m for m in members if m.organisation_id == option.lead_organisation_id), None)
        if lead is not None:
            return lead
    lead = next((m for m in members if m.role is MemberRole.LEAD), None)
    if lead is not None:
        return lead
    candidates = [m for m in members if m.role is not MemberRole.GUARANTOR] or members
    return max(candidates, key=lambda m: (m.participation_pct, -(m.id or 0)), default=None)


def restructured(ws: Workspace, option_id: int, structure: Structure) -> tuple[ConsortiumOption, list[Member]]:
    """The option's row and its members' rows as they would be under ``structure`` (module docstring)."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    members = ws.members(option_id)
    lead: Member | None = None
    if structure in (Structure.GO_ALONE, Structure.LEAD_PROVIDER):
        lead = _lead(option, members)
    elif structure is Structure.CONSORTIUM and option.lead_organisation_id is not None:
        lead = next((m for m in members if m.organisation_id == option.lead_organisation_id), None)
    owners = {m.id for m in members if m.profit_share_pct > 0}
    rows = []
    for m in members:
        if m.role is MemberRole.GUARANTOR:
            role = MemberRole.GUARANTOR
        elif lead is not None and m.id == lead.id:
            role = MemberRole.LEAD
        elif structure in (Structure.GO_ALONE, Structure.LEAD_PROVIDER):
            role = MemberRole.SUBCONTRACTOR
        elif structure in (Structure.SPV, Structure.LLP, Structure.SECONDARY_COOP):
            role = MemberRole.PARTNER if (not owners or m.id in owners) else MemberRole.SUBCONTRACTOR
        else:
            role = MemberRole.PARTNER
        rows.append(dataclasses.replace(m, role=role) if role is not m.role else m)
    new_option = dataclasses.replace(option, structure=structure, liability=LIABILITY[structure],
                                     lead_organisation_id=lead.organisation_id if lead is not None else None)
    return new_option, rows


def apply_structure(ws: Workspace, option_id: int, structure: Structure) -> Workspace:
    """A copy of ``ws`` in which the option has ``structure`` (the stored option is never touched)."""
    option, members = restructured(ws, option_id, structure)
    copy = ws.copy()
    copy.put(option)
    for m in members:
        copy.put(m)
    return copy
