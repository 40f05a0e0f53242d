"""The choices the partnering entities use (DOMAIN §4, §10): VAT status, NHS Pension qualifying
contracts, the structure advisor's answers, protected pension schemes, the readiness principles and
culture dimensions, due-diligence areas and the heads of terms.

They live here, beside the partnering analyses, and are re-exported by ``domain.model`` (whose
entities use them), so ``from consortium_planner.domain.model import VatStatus`` works as for any
other choice. This module imports nothing but ``fields``.
"""

from __future__ import annotations

from ..fields import ChoiceEnum


def lower_first(label: str) -> str:
    """A label inside a sentence: its first letter in lower case, acronyms kept ("Pay and HR practice" →
    "pay and HR practice"; "LGPS admitted body" stays)."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]

__all__ = ["lower_first", "VatStatus", "QualifyingContract", "ContractingModel", "Appetite", "ProfitUse", "FeeVatBasis", "ProtectedScheme", "ExitProvision", "ReadinessDimension", "DueDiligenceArea", "DueDiligenceStatus", "TermsHead", "TermsStatus"]

class VatStatus(ChoiceEnum):
    """How an organisation's supplies of these services stand for VAT (DOMAIN §10)."""

    NOT_STATED = ("not_stated", "Not stated")
    NOT_REGISTERED = ("not_registered", "Not VAT registered")
    EXEMPT = ("exempt", "Exempt: welfare supplies (cannot recover VAT)")
    TAXABLE = ("taxable", "Taxable: standard-rated supplies (recovers VAT)")


class QualifyingContract(ChoiceEnum):
    """Whether the contract gives an independent provider's staff NHS Pension access [V]."""

    NONE = ("none", "Not a qualifying contract")
    NHS_STANDARD = ("nhs_standard", "NHS Standard Contract")
    APMS = ("apms", "APMS contract")
    PUBLIC_HEALTH = ("public_health", "Council public-health contract")


class ContractingModel(ChoiceEnum):
    UNDECIDED = ("undecided", "Not decided")
    ONE_ORGANISATION = ("one", "One organisation holds the contract")
    MEMBERS_JOINTLY = ("jointly", "Members sign jointly (or one as their agent)")
    NEW_VEHICLE = ("vehicle", "A new body the members own holds it")
    BUYER_EACH = ("each", "The buyer contracts each provider")


class Appetite(ChoiceEnum):
    LOW = ("low", "Low")
    MEDIUM = ("medium", "Medium")
    HIGH = ("high", "High")


class ProfitUse(ChoiceEnum):
    UNDECIDED = ("undecided", "Not decided")
    TO_MEMBERS = ("to_members", "Shared among the members")
    REINVESTED = ("reinvested", "Reinvested in the mission")
    FLEXIBLE = ("flexible", "Agreed flexibly each year")


class FeeVatBasis(ChoiceEnum):
    RETAINED = ("retained", "Kept out of the payments (no separate supply)")
    INVOICED = ("invoiced", "Invoiced to members as a management charge")


class ProtectedScheme(ChoiceEnum):
    LGPS_ADMITTED = ("lgps_admitted", "LGPS admitted body")
    NHS_PENSION = ("nhs", "NHS Pension")
    BROADLY_COMPARABLE = ("broadly_comparable", "Broadly comparable scheme")
    NONE = ("none", "No protected scheme (auto-enrolment)")


class ExitProvision(ChoiceEnum):
    NONE = ("none", "None")
    LOW = ("low", "Low estimate")
    CENTRAL = ("central", "Central estimate")
    HIGH = ("high", "High estimate")


class ReadinessDimension(ChoiceEnum):
    """The six principles of the Nuffield Partnership Assessment Tool [V], then culture fit [K]."""

    NEED = ("need", "The need for partnership")
    PURPOSE = ("purpose", "Clarity and realism of purpose")
    COMMITMENT = ("commitment", "Commitment and ownership")
    TRUST = ("trust", "Trust")
    ARRANGEMENTS = ("arrangements", "Robust arrangements")
    LEARNING = ("learning", "Monitoring, measuring and learning")
    DECISIONS = ("decisions", "Decision making")
    RISK = ("risk", "Risk appetite")
    VALUES = ("values", "Values and mission")
    PAY_HR = ("pay_hr", "Pay and HR practice")
    GOVERNANCE = ("governance", "Governance and member voice")
    COMMUNICATION = ("communication", "Communication")


class DueDiligenceArea(ChoiceEnum):
    ACCOUNTS = ("accounts", "Accounts")
    PENSIONS = ("pensions", "Pensions")
    FUNDING = ("funding", "Funding")
    CONTRACTS = ("contracts", "Contracts")
    PROPERTY = ("property", "Property and leases")
    GOVERNANCE = ("governance", "Governance")
    REGULATORS = ("regulators", "Regulators")
    INSURANCE = ("insurance", "Insurance")
    LITIGATION = ("litigation", "Litigation")
    WARRANTIES = ("warranties", "Warranties")


class DueDiligenceStatus(ChoiceEnum):
    NOT_STARTED = ("not_started", "Not started")
    REQUESTED = ("requested", "Requested")
    RECEIVED = ("received", "Received, not reviewed")
    CLEAR = ("clear", "Reviewed: no issues")
    ISSUE = ("issue", "Reviewed: issue found")
    NOT_APPLICABLE = ("not_applicable", "Not applicable")


class TermsHead(ChoiceEnum):
    """Consortium agreement heads of terms [V]."""

    ROLES = ("roles", "Roles and participation")
    EXCLUSIVITY = ("exclusivity", "Exclusivity")
    BID_COSTS = ("bid_costs", "Bid-cost sharing")
    DECISIONS = ("decisions", "Decision rights")
    CONFIDENTIALITY = ("confidentiality", "Confidentiality")
    PROFIT_LOSS = ("profit_loss", "Profit and loss share")
    LIABILITY_CAPS = ("liability_caps", "Liability caps")
    EXIT_STEP_IN = ("exit_step_in", "Exit and step-in")
    DISPUTES = ("disputes", "Disputes")
    VEHICLE_FORMS = ("vehicle_forms", "When the vehicle forms")


class TermsStatus(ChoiceEnum):
    NOT_DISCUSSED = ("not_discussed", "Not discussed")
    PROPOSED = ("proposed", "Proposed")
    AGREED = ("agreed", "Agreed")
    DISPUTED = ("disputed", "Disputed")
