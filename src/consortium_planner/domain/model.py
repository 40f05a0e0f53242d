"""The workspace's entities as immutable value types.

Every entity is a frozen dataclass with an integer ``id`` (None before it is stored) and fields
described by ``FieldSpec`` (see ``fields.py``). Children point at their parent by id (``*_id``
fields of kind REF), exactly as the workspace file stores them. ``ENTITIES`` lists them in an
order where parents come before children.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from .fields import (
    ChoiceEnum,
    boolean,
    choice,
    date,
    decimal,
    id_field,
    integer,
    longtext,
    money,
    optional_money,
    percent,
    ref,
    text,
)
from .partnering.choices import (
    Appetite,
    ContractingModel,
    DueDiligenceArea,
    DueDiligenceStatus,
    ExitProvision,
    FeeVatBasis,
    ProfitUse,
    ProtectedScheme,
    QualifyingContract,
    ReadinessDimension,
    TermsHead,
    TermsStatus,
    VatStatus,
)

# --------------------------------------------------------------------------- choices


class OrgKind(ChoiceEnum):
    MUTUAL = ("mutual", "Public service mutual")
    CHARITY = ("charity", "Charity")
    CIC = ("cic", "Community interest company")
    COOPERATIVE = ("cooperative", "Co-operative")
    SOCIAL_ENTERPRISE = ("social_enterprise", "Social enterprise")
    SME = ("sme", "SME")
    NHS_BODY = ("nhs_body", "NHS body")
    LOCAL_AUTHORITY = ("local_authority", "Local authority")
    OTHER = ("other", "Other")


class LegalForm(ChoiceEnum):
    CIC_GUARANTEE = ("cic_guarantee", "CIC limited by guarantee")
    CIC_SHARES = ("cic_shares", "CIC limited by shares")
    COMPANY_GUARANTEE = ("company_guarantee", "Company limited by guarantee")
    COMPANY_SHARES = ("company_shares", "Company limited by shares")
    COOP_SOCIETY = ("coop_society", "Co-operative society")
    COMMUNITY_BENEFIT = ("community_benefit", "Community benefit society")
    CIO = ("cio", "Charitable incorporated organisation")
    LLP = ("llp", "Limited liability partnership")
    PUBLIC_BODY = ("public_body", "Public body")
    OTHER = ("other", "Other")


class PensionScheme(ChoiceEnum):
    AUTO_ENROLMENT = ("auto_enrolment", "Auto-enrolment")
    NHS = ("nhs", "NHS Pension")
    LGPS = ("lgps", "Local Government Pension Scheme")
    OTHER_DB = ("other_db", "Other defined benefit")
    NONE = ("none", "None")


class BuyerType(ChoiceEnum):
    COUNTY = ("county", "County council")
    UNITARY = ("unitary", "Unitary or metropolitan council")
    DISTRICT = ("district", "District council")
    ICB = ("icb", "Integrated care board")
    NHS_TRUST = ("nhs_trust", "NHS trust")
    COMBINED = ("combined", "Combined authority")
    CENTRAL = ("central", "Central government")
    OTHER = ("other", "Other")


class SegmentKind(ChoiceEnum):
    """Who pays for a market segment (DOMAIN §7, §13)."""

    COUNCIL = ("council_contract", "Council contract")
    ISF = ("individual_service_funds", "Individual service funds")
    DIRECT_PAYMENTS = ("direct_payments", "Direct payments")
    PHB = ("personal_health_budgets", "Personal health budgets")
    SELF_FUNDERS = ("self_funders", "Self-funders")
    OTHER_CONTRACTS = ("other_contracts", "Other contracts")
    GRANTS = ("grants", "Grants")


class Importance(ChoiceEnum):
    """How a buyer states the relative importance of its award criteria (Procurement Act 2023 s23)."""

    WEIGHTS = ("weights", "Weights")
    RANKED = ("ranked", "Ranked in order")
    DESCRIBED = ("described", "Described in words")


class GateAnswer(ChoiceEnum):
    """Whether an option meets a pass/fail criterion."""

    UNKNOWN = ("unknown", "Not yet known")
    MET = ("met", "Met")
    NOT_MET = ("not_met", "Not met")


class SocialValueTheme(ChoiceEnum):
    """The themes buyers' social value models group measures by (TOMs-style)."""

    JOBS = ("jobs", "Local jobs")
    SKILLS = ("skills", "Apprenticeships and skills")
    VOLUNTEERING = ("volunteering", "Volunteering")
    LOCAL_SPEND = ("local_spend", "Local supply chain")
    ENVIRONMENT = ("environment", "Carbon and environment")
    WELLBEING = ("wellbeing", "Health and wellbeing")
    OTHER = ("other", "Other")


class LotDecision(ChoiceEnum):
    """Whether an option bids for one lot of its tender."""

    CHOOSE = ("choose", "Choose for me")
    BID = ("bid", "Bid")
    NO_BID = ("no_bid", "Do not bid")


class Regime(ChoiceEnum):
    PA23 = ("pa23", "Procurement Act 2023")
    PCR15 = ("pcr15", "Public Contracts Regulations 2015")
    PSR = ("psr", "NHS Provider Selection Regime")
    GRANT = ("grant", "Grant (not a procurement)")


class PriceMethod(ChoiceEnum):
    RELATIVE = ("relative", "Relative to lowest price")
    LINEAR_LOWEST = ("linear_lowest", "Linear from lowest")
    LINEAR_RANGE = ("linear_range", "Linear across range")
    FROM_MEAN = ("from_mean", "Deviation from mean")
    BUDGET = ("budget", "Against budget")
    PQP = ("pqp", "Price per quality point")


class PriceBasis(ChoiceEnum):
    """The price the buyer evaluates and tests against the budget ceiling (DOMAIN §3)."""

    YEAR_ONE = ("year_one", "Year-one price")
    AVERAGE_ANNUAL = ("average_annual", "Average annual price")
    WHOLE_TERM = ("whole_term", "Whole-term price")


class CeilingIndexation(ChoiceEnum):
    """Whether the annual budget ceiling rises with the contract's indexation or stays fixed in cash."""

    FIXED = ("fixed", "Fixed in cash")
    INDEXED = ("indexed", "Indexed with prices")


class Metric(ChoiceEnum):
    TURNOVER_RATIO = ("turnover_ratio", "Turnover ÷ annual contract value")
    CONTRACT_DEPENDENCY = ("contract_dependency", "Contract dependency")
    OPERATING_MARGIN = ("operating_margin", "Operating margin")
    FREE_CASH_FLOW = ("free_cash_flow", "Free cash flow")
    NET_ASSETS = ("net_assets", "Net assets")
    CURRENT_RATIO = ("current_ratio", "Current ratio")
    ACID_RATIO = ("acid_ratio", "Acid ratio")
    GEARING = ("gearing", "Gearing (net debt ÷ net assets)")
    INTEREST_COVER = ("interest_cover", "Interest cover")
    NET_DEBT_EBITDA = ("net_debt_ebitda", "Net debt ÷ EBITDA")
    RESERVES_COVER = ("reserves_cover", "Reserves cover (months)")


class Structure(ChoiceEnum):
    GO_ALONE = ("go_alone", "Go alone")
    LEAD_PROVIDER = ("lead_provider", "Lead provider with subcontractors")
    CONSORTIUM = ("consortium", "Unincorporated consortium")
    SPV = ("spv", "Special purpose vehicle")
    LLP = ("llp", "Limited liability partnership")
    SECONDARY_COOP = ("secondary_coop", "Secondary co-operative")
    ALLIANCE = ("alliance", "Alliance contract")


class Liability(ChoiceEnum):
    LEAD = ("lead", "Lead, passed down back-to-back")
    JOINT_AND_SEVERAL = ("joint_and_several", "Joint and several")
    RING_FENCED = ("ring_fenced", "Ring-fenced in the vehicle")
    LIMITED = ("limited", "Limited")
    SHARED = ("shared", "Shared risk and reward")


class MemberRole(ChoiceEnum):
    LEAD = ("lead", "Lead")
    PARTNER = ("partner", "Partner")
    SUBCONTRACTOR = ("subcontractor", "Subcontractor")
    GUARANTOR = ("guarantor", "Guarantor only")


class FundingKind(ChoiceEnum):
    MEMBER_EQUITY = ("member_equity", "Member equity")
    GRANT = ("grant", "Grant")
    LOAN = ("loan", "Loan")
    OVERDRAFT = ("overdraft", "Overdraft")


class LoanRepayment(ChoiceEnum):
    AMORTISING = ("amortising", "Amortising (level payments)")
    FLAT = ("flat", "Flat rate (interest on the original amount)")


class RiskStatus(ChoiceEnum):
    OPEN = ("open", "Open")
    MITIGATED = ("mitigated", "Mitigated")
    ACCEPTED = ("accepted", "Accepted")
    CLOSED = ("closed", "Closed")


class RiskSource(ChoiceEnum):
    USER = ("user", "Added by the user")
    ANALYSES = ("analyses", "Seeded from the analyses")


class CapitalKind(ChoiceEnum):
    MOBILISATION = ("mobilisation", "Mobilisation (one-off cost)")
    CAPEX = ("capex", "Capital expenditure (depreciated)")


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True, slots=True)
class Entity:
    """Base of every stored entity."""

    entity_name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    parent_field: ClassVar[str | None] = None  # the REF that makes this row a child
    display_field: ClassVar[str] = "name"

    id: int | None = id_field()  # every entity's first field; None until the row is stored


@dataclass(frozen=True, slots=True)
class Organisation(Entity):
    entity_name: ClassVar[str] = "organisation"
    label: ClassVar[str] = "Organisation"

    id: int | None = id_field()
    name: str = text("Name", required=True)
    kind: OrgKind = choice(OrgKind, "Kind", OrgKind.MUTUAL)
    legal_form: LegalForm = choice(LegalForm, "Legal form", LegalForm.CIC_GUARANTEE)
    employee_owned: bool = boolean("Employee owned or controlled")
    employee_ownership_pct: Decimal | None = percent("Employee ownership", default=None,
                                                    help="Share of voting control held by staff")
    registered_charity: bool = boolean("Registered charity")
    regulators: str = text("Regulator registrations", help="e.g. CQC; Ofsted")
    home_area: str = text("Home area")
    areas_served: str = text("Areas served", help="Separate areas with semicolons")
    staff_headcount: int | None = integer("Staff headcount", default=None)
    notes: str = longtext("Notes")
    vat_status: VatStatus = choice(VatStatus, "VAT status of these services", VatStatus.NOT_STATED,
                                   help="Welfare services by a charity, public body or regulated provider are exempt; "
                                        "unregulated support by a company or CIC can be standard-rated")
    exempt_supplies_pct: Decimal | None = percent("Exempt or non-business supplies", default=None, places=1,
                                                  help="Share of all its supplies; the VAT cost-sharing exemption "
                                                       "needs at least 5%")

    def areas(self) -> tuple[str, ...]:
        parts = [a.strip() for a in self.areas_served.split(";")]
        if self.home_area.strip():
            parts.insert(0, self.home_area.strip())
        seen: dict[str, str] = {}
        for p in parts:
            if p and p.casefold() not in seen:
                seen[p.casefold()] = p
        return tuple(seen.values())


@dataclass(frozen=True, slots=True)
class FinancialYear(Entity):
    """One year's accounts. Every figure may be 'not given' (None), never assumed zero."""

    entity_name: ClassVar[str] = "financial_year"
    label: ClassVar[str] = "Financial year"
    parent_field: ClassVar[str | None] = "organisation_id"
    display_field: ClassVar[str] = "year_end"

    id: int | None = id_field()
    organisation_id: int | None = ref("organisation", "Organisation")
    year_end: dt.date | None = date("Year end", required=True)
    turnover: Decimal | None = optional_money("Turnover")
    operating_surplus: Decimal | None = optional_money("Operating surplus", minimum=None)
    ebitda: Decimal | None = optional_money("EBITDA", minimum=None)
    depreciation: Decimal | None = optional_money("Depreciation")
    interest: Decimal | None = optional_money("Net interest", minimum=None)
    tax: Decimal | None = optional_money("Tax", minimum=None)
    operating_cash_flow: Decimal | None = optional_money("Operating cash flow", minimum=None)
    capex: Decimal | None = optional_money("Net capital expenditure", minimum=None)
    dividends: Decimal | None = optional_money("Dividends")
    current_assets: Decimal | None = optional_money("Current assets")
    inventory: Decimal | None = optional_money("Inventory")
    current_liabilities: Decimal | None = optional_money("Current liabilities")
    total_assets: Decimal | None = optional_money("Total assets")
    total_liabilities: Decimal | None = optional_money("Total liabilities")
    cash: Decimal | None = optional_money("Cash", minimum=None)
    borrowings: Decimal | None = optional_money("Borrowings")
    free_reserves: Decimal | None = optional_money("Free reserves", minimum=None)
    expenditure: Decimal | None = optional_money("Total expenditure")


@dataclass(frozen=True, slots=True)
class Capacity(Entity):
    entity_name: ClassVar[str] = "capacity"
    label: ClassVar[str] = "Capacity"
    parent_field: ClassVar[str | None] = "organisation_id"
    display_field: ClassVar[str] = "service_line"

    id: int | None = id_field()
    organisation_id: int | None = ref("organisation", "Organisation")
    service_line: str = text("Service line", required=True)
    area: str = text("Area", required=True)
    units_per_year: Decimal = decimal("Units a year available now", places=0)
    unit: str = text("Unit", default="contact hour")
    max_growth_pct: Decimal = percent("Maximum growth", maximum=1000, help="How far capacity can grow")
    lead_time_months: int = integer("Lead time (months)", maximum=60)


@dataclass(frozen=True, slots=True)
class CostProfile(Entity):
    entity_name: ClassVar[str] = "cost_profile"
    label: ClassVar[str] = "Cost profile"
    parent_field: ClassVar[str | None] = "organisation_id"
    display_field: ClassVar[str] = "service_line"

    id: int | None = id_field()
    organisation_id: int | None = ref("organisation", "Organisation")
    service_line: str = text("Service line", required=True)
    unit: str = text("Unit", default="contact hour")
    travel_ratio: Decimal = decimal("Travel ratio", default="0.20", maximum=5, places=3,
                                    help="Paid travel hours per contact hour")
    training_ratio: Decimal = decimal("Training and supervision ratio", default="0.03", maximum=5, places=3)
    holiday_pct: Decimal = percent("Holiday", default="12.07")
    sickness_pct: Decimal = percent("Sickness", default="2")
    pension_scheme: PensionScheme = choice(PensionScheme, "Pension scheme", PensionScheme.AUTO_ENROLMENT)
    pension_rate_pct: Decimal = percent("Employer pension rate", default="3",
                                        help="Auto-enrolment 3%; NHS 14.38%; LGPS as the actuary sets")
    mileage_per_unit: Decimal = decimal("Miles per unit", places=2)
    non_pay_per_unit: Decimal = money("Non-pay cost per unit")
    fixed_costs_per_year: Decimal = money("Fixed costs a year")


@dataclass(frozen=True, slots=True)
class Role(Entity):
    entity_name: ClassVar[str] = "role"
    label: ClassVar[str] = "Role"
    parent_field: ClassVar[str | None] = "cost_profile_id"

    id: int | None = id_field()
    cost_profile_id: int | None = ref("cost_profile", "Cost profile")
    name: str = text("Role", required=True)
    hourly_rate: Decimal = money("Hourly pay rate")
    hours_per_unit: Decimal = decimal("Contact hours per unit", default="1", maximum=100, places=3)
    annual_paid_hours: Decimal = decimal("Paid hours a year per person", default="1950", places=0,
                                         help="For employer NI above the threshold")


@dataclass(frozen=True, slots=True)
class Tender(Entity):
    entity_name: ClassVar[str] = "tender"
    label: ClassVar[str] = "Tender"

    id: int | None = id_field()
    name: str = text("Name", required=True)
    buyer: str = text("Buyer")
    buyer_type: BuyerType = choice(BuyerType, "Buyer type", BuyerType.COUNTY)
    regime: Regime = choice(Regime, "Procurement regime", Regime.PA23)
    reserved_for_mutuals: bool = boolean("Reserved for public service mutuals",
                                         help="Procurement Act 2023 s33")
    published: dt.date | None = date("Published")
    deadline: dt.date | None = date("Bid deadline")
    start_date: dt.date | None = date("Service start")
    term_years: int = integer("Term (years)", default=5, minimum=1, maximum=30)
    extension_years: int = integer("Extensions (years)", maximum=30)
    annual_value: Decimal = money("Estimated annual value")
    budget_ceiling: Decimal | None = optional_money("Annual budget ceiling")
    price_evaluated: PriceBasis = choice(PriceBasis, "Price evaluated", PriceBasis.YEAR_ONE,
                                         help="The price the buyer scores and tests against the ceiling")
    ceiling_indexation: CeilingIndexation = choice(
        CeilingIndexation, "Ceiling in later years", CeilingIndexation.FIXED,
        help="Fixed in cash: later years above it are an affordability warning, not a failed bid")
    payment_terms_days: int = integer("Payment terms (days)", default=30, maximum=180)
    mobilisation_months: int = integer("Mobilisation (months)", default=3, maximum=36)
    pay_indexation_pct: Decimal = percent("Pay uplift a year", default="3", minimum=-20, maximum=50)
    cpi_indexation_pct: Decimal = percent("CPI a year", default="2", minimum=-20, maximum=50)
    quality_weight: Decimal = percent("Quality weight", default="60")
    price_weight: Decimal = percent("Price weight", default="30")
    social_value_weight: Decimal = percent("Social value weight", default="10")
    price_method: PriceMethod = choice(PriceMethod, "Price scoring method", PriceMethod.RELATIVE)
    turnover_multiple: Decimal = decimal("Minimum turnover (× annual value)", default="2", maximum=20)
    bond_pct: Decimal = percent("Performance bond (% of annual value)", default="0")
    abnormal_threshold_pct: Decimal = percent("Abnormally low: % below should-cost", default="15",
                                              help="A price this far below should-cost risks rejection [U]")
    employers_liability: Decimal | None = optional_money("Employer's liability insurance")
    public_liability: Decimal | None = optional_money("Public liability insurance")
    notes: str = longtext("Notes")
    nhs_qualifying_contract: QualifyingContract = choice(
        QualifyingContract, "NHS Pension: qualifying contract", QualifyingContract.NONE,
        help="NHS Standard Contract, APMS or a council public-health contract gives staff NHS Pension access [V]")
    win_probability_pct: Decimal | None = percent(
        "Chance of winning", default=None, places=0,
        help="The bid team's estimate, for the bid pipeline's expected value (blank: not estimated)")
    national_prices: bool = boolean("Prices set nationally", help="A national tariff: providers compete on "
                                                                  "quality only [K]")
    psr_only_capable_provider: bool = boolean(
        "PSR: only one capable provider", help="Provider Selection Regime: only one provider can deliver it "
                                               "(direct award A)")
    psr_patient_choice: bool = boolean("PSR: patients choose the provider",
                                       help="Provider Selection Regime: patient choice applies (direct award B)")
    psr_incumbent: str = text("PSR: incumbent provider", help="Who holds the contract now (blank: a new service)")
    psr_incumbent_satisfactory: bool = boolean(
        "PSR: incumbent performing satisfactorily", help="Provider Selection Regime: the buyer judges the "
                                                         "incumbent's contract delivered satisfactorily")
    psr_current_lifetime_value: Decimal | None = optional_money(
        "PSR: current contract's lifetime value", help="For the considerable-change test: the new contract's "
                                                       "lifetime value is ≥ £500k and ≥ 25% higher [K]")
    importance: Importance = choice(
        Importance, "Importance of the criteria", Importance.WEIGHTS,
        help="Weights; a ranking with no weights (the program shows the scores over every weighting the ranking "
             "allows); or described in words (any weighting)")
    quality_rank: int = integer("Rank of quality", default=1, minimum=1, maximum=3,
                                help="Ranked importance: 1 is the most important; equal ranks, equal importance")
    price_rank: int = integer("Rank of price", default=2, minimum=1, maximum=3)
    social_value_rank: int = integer("Rank of social value", default=3, minimum=1, maximum=3)
    quality_threshold_pct: Decimal | None = percent(
        "Minimum quality score", default=None, places=0,
        help="A bid whose quality score is below this share of the maximum is disqualified (blank: none)")
    max_lots_per_supplier: int | None = integer(
        "Most lots one supplier may win", default=None, minimum=1, maximum=99,
        help="Procurement Act 2023 s18: a cap on the lots awarded to one supplier (blank: no cap)")

    @property
    def end_date(self) -> dt.date | None:
        if self.start_date is None:
            return None
        return add_months(self.start_date, 12 * self.term_years) - dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Lot(Entity):
    entity_name: ClassVar[str] = "lot"
    label: ClassVar[str] = "Lot"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Lot", required=True)
    description: str = text("Description")


@dataclass(frozen=True, slots=True)
class Requirement(Entity):
    entity_name: ClassVar[str] = "requirement"
    label: ClassVar[str] = "Requirement"
    parent_field: ClassVar[str | None] = "tender_id"
    display_field: ClassVar[str] = "service_line"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    lot_id: int | None = ref("lot", "Lot", required=False, cascade=False)
    service_line: str = text("Service line", required=True)
    area: str = text("Area", required=True)
    annual_volume: Decimal = decimal("Annual volume", places=0, required=True)
    unit: str = text("Unit", default="contact hour")


@dataclass(frozen=True, slots=True)
class FinancialCondition(Entity):
    entity_name: ClassVar[str] = "financial_condition"
    label: ClassVar[str] = "Financial condition"
    parent_field: ClassVar[str | None] = "tender_id"
    display_field: ClassVar[str] = "metric"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    metric: Metric = choice(Metric, "Metric", Metric.CURRENT_RATIO)
    threshold: Decimal = decimal("Pass threshold", minimum=None, places=2)
    amber_threshold: Decimal | None = decimal("Amber threshold", default=None, minimum=None, places=2)
    notes: str = text("Notes")


@dataclass(frozen=True, slots=True)
class TupeCohort(Entity):
    entity_name: ClassVar[str] = "tupe_cohort"
    label: ClassVar[str] = "TUPE cohort"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Cohort", required=True)
    current_employer: str = text("Current employer")
    service_line: str = text("Service line")
    area: str = text("Area")
    headcount: int = integer("Headcount")
    fte: Decimal = decimal("FTE", places=1)
    average_salary: Decimal = money("Average salary")
    pension_scheme: PensionScheme = choice(PensionScheme, "Pension scheme", PensionScheme.LGPS)


@dataclass(frozen=True, slots=True)
class Competitor(Entity):
    """What the bid team assumes about a rival bidder, for price evaluation."""

    entity_name: ClassVar[str] = "competitor"
    label: ClassVar[str] = "Competitor"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Competitor", required=True)
    annual_price: Decimal = money("Expected annual price")
    quality_score: Decimal = decimal("Expected quality score", default="70", places=1)
    quality_max: Decimal = decimal("Quality score out of", default="100", minimum="0.01", places=1)
    social_value_score: Decimal = decimal("Expected social value score", default="70", places=1)
    social_value_max: Decimal = decimal("Social value score out of", default="100", minimum="0.01", places=1)
    social_value_a_year: Decimal | None = optional_money(
        "Social value committed a year", help="The rival's social value in proxy £ a year, as the bid team estimates "
                                              "it (blank: not estimated); the option's ledger is scored against it")
    notes: str = text("Notes")


@dataclass(frozen=True, slots=True)
class ConsortiumOption(Entity):
    entity_name: ClassVar[str] = "consortium_option"
    label: ClassVar[str] = "Consortium option"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Name", required=True)
    structure: Structure = choice(Structure, "Structure", Structure.CONSORTIUM)
    lead_organisation_id: int | None = ref("organisation", "Lead", required=False, cascade=False)
    liability: Liability = choice(Liability, "Liability", Liability.JOINT_AND_SEVERAL)
    management_fee_pct: Decimal = percent("Management fee", help="Share of contract value to the lead or vehicle")
    shared_costs_per_year: Decimal = money("Shared back office a year")
    margin_pct: Decimal = percent("Margin", default="3", minimum=-50, maximum=50)
    contingency_pct: Decimal = percent("Contingency", default="0")
    quality_score: Decimal = decimal("Expected quality score", default="70", places=1,
                                     help="What the bid team expects the evaluators to award")
    quality_max: Decimal = decimal("Quality score out of", default="100", minimum="0.01", places=1)
    social_value_score: Decimal = decimal("Expected social value score", default="70", places=1)
    social_value_max: Decimal = decimal("Social value score out of", default="100", minimum="0.01", places=1)
    ramp_up_months: int = integer("Ramp-up (months)", default=3, maximum=36,
                                  help="Volumes reach 100% linearly over these months from service start")
    discount_rate_pct: Decimal = percent("Discount rate", default="3.5", maximum=50, places=2,
                                         help="HM Treasury Green Book 3.5%, or the investor's rate")
    buffer_months_payroll: Decimal = decimal("Cash buffer (months of payroll)", default="1", maximum=12, places=1)
    contingency_on_funding_pct: Decimal = percent("Contingency on funding", default="10")
    min_dscr: Decimal = decimal("Minimum debt service cover", default="1.25", maximum=10, places=2,
                                help="Lenders look for 1.2–1.5 [U]")
    tax_rate_pct: Decimal = percent("Tax rate on profit", default="25",
                                    help="Corporation tax; charities and charitable CIOs pay none")
    non_pay_payment_days: int = integer("Non-pay paid after (days)", default=30, maximum=180)
    insurance_per_year: Decimal = money("Insurance a year")
    notes: str = longtext("Notes")
    chosen: bool = boolean("Chosen to bid", help="The option the partners bid with: the bid pipeline counts it")


@dataclass(frozen=True, slots=True)
class Member(Entity):
    entity_name: ClassVar[str] = "member"
    label: ClassVar[str] = "Member"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "organisation_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    organisation_id: int | None = ref("organisation", "Organisation")
    role: MemberRole = choice(MemberRole, "Role", MemberRole.PARTNER)
    participation_pct: Decimal = percent("Participation share")
    profit_share_pct: Decimal = percent("Profit share")
    capital_contribution: Decimal = money("Capital contribution")
    guarantee: Decimal | None = optional_money("Guarantee offered")


@dataclass(frozen=True, slots=True)
class Allocation(Entity):
    entity_name: ClassVar[str] = "allocation"
    label: ClassVar[str] = "Allocation"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "requirement_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    requirement_id: int | None = ref("requirement", "Requirement")
    member_id: int | None = ref("member", "Member")
    volume: Decimal = decimal("Annual volume", places=0)


@dataclass(frozen=True, slots=True)
class FundingSource(Entity):
    """Money that pays for mobilisation and working capital: equity, a grant, a loan or an overdraft.

    Months count from the start of mobilisation (month 0 is its first month).
    """

    entity_name: ClassVar[str] = "funding_source"
    label: ClassVar[str] = "Funding source"
    parent_field: ClassVar[str | None] = "option_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    name: str = text("Name", required=True)
    kind: FundingKind = choice(FundingKind, "Kind", FundingKind.LOAN)
    amount: Decimal = money("Amount")
    interest_rate_pct: Decimal = percent("Interest rate a year", places=2,
                                         help="Growth Fund loans under £150k averaged 7.01% [V]; for a flat-rate "
                                              "loan, the flat rate")
    repayment: LoanRepayment = choice(LoanRepayment, "Repayment", LoanRepayment.AMORTISING,
                                      help="Loans: amortising (interest on the balance, level payments) or flat "
                                           "rate (interest on the original amount for the whole term, as Key "
                                           "Fund lends; its true rate is shown beside it)")
    term_months: int = integer("Term (months)", maximum=600, help="Loans: months from drawdown to the last repayment")
    capital_holiday_months: int = integer("Capital holiday (months)", maximum=600,
                                          help="Interest only for these months after drawdown")
    arrangement_fee_pct: Decimal = percent("Arrangement fee", places=2,
                                           help="Of the sum lent, paid when drawn (Recovery Loan Fund 3% under "
                                                "£500k [V])")
    commitment_fee_pct: Decimal = percent("Commitment fee a year", places=2,
                                          help="On sums committed but not drawn: a loan from the start of "
                                               "mobilisation until it is drawn, an overdraft on its unused facility")
    grant_pct: Decimal = percent("Part given as grant", places=2,
                                 help="Loans: the share of the amount given as a grant alongside the loan, not "
                                      "repaid (Forward Enterprise Fund 15%, Key Fund up to a third [V])")
    secured: bool = boolean("Secured", help="Does the lender take security? Charity Bank usually secures loans "
                                            "over five years; the Recovery Loan Fund lends up to £250k unsecured [V]")
    security: str = text("Security given", help="What secures it, e.g. a debenture, a charge over the vehicles")
    drawdown_month: int = integer("Drawn in month", maximum=600, help="Months after mobilisation starts (0: first)")
    member_id: int | None = ref("member", "Member", required=False, cascade=False,
                                help="For member equity: the member putting it in")


@dataclass(frozen=True, slots=True)
class CapitalItem(Entity):
    """A one-off mobilisation cost (revenue) or a capital purchase depreciated over its life."""

    entity_name: ClassVar[str] = "capital_item"
    label: ClassVar[str] = "Capital or mobilisation cost"
    parent_field: ClassVar[str | None] = "option_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    name: str = text("Name", required=True)
    kind: CapitalKind = choice(CapitalKind, "Kind", CapitalKind.MOBILISATION)
    amount: Decimal = money("Amount")
    month: int = integer("Paid in month", maximum=600, help="Months after mobilisation starts (0: first)")
    useful_life_months: int = integer("Useful life (months)", default=36, maximum=600,
                                      help="Capital expenditure is depreciated straight-line over it")


@dataclass(frozen=True, slots=True)
class Risk(Entity):
    """One risk of an option's register: added by the user, or seeded from a finding of the analyses.

    Score = likelihood × impact (1–25), rated green 1–6, amber 8–12, red 15–25 (DOMAIN §6); the
    residual scores the risk after its mitigation. A seeded risk keeps the finding's code and a
    stable key (``domain/risk_register.py``): a refresh updates its area and description and keeps
    what the user wrote (owner, mitigation, residuals, status); when its finding has gone it is
    marked ``resolved_by_analyses`` (or removed, if the user never touched it).
    """

    entity_name: ClassVar[str] = "risk"
    label: ClassVar[str] = "Risk"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "description"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    area: str = text("Area", required=True)
    description: str = longtext("Risk")
    likelihood: int = integer("Likelihood", default=3, minimum=1, maximum=5, help="1 rare … 5 almost certain")
    impact: int = integer("Impact", default=3, minimum=1, maximum=5, help="1 negligible … 5 severe")
    owner: str = text("Owner", help="Who manages it")
    mitigation: str = longtext("Mitigation")
    residual_likelihood: int | None = integer("Residual likelihood", default=None, minimum=1, maximum=5,
                                              help="After the mitigation (blank: not assessed yet)")
    residual_impact: int | None = integer("Residual impact", default=None, minimum=1, maximum=5,
                                          help="After the mitigation (blank: not assessed yet)")
    status: RiskStatus = choice(RiskStatus, "Status", RiskStatus.OPEN)
    source: RiskSource = choice(RiskSource, "Source", RiskSource.USER)
    finding_code: str = text("Finding", help="The code of the analyses' finding it was seeded from")
    seed_key: str = text("Seed key", help="Which finding it follows, stable as the figures change")
    seed_severity: str = text("Severity when seeded", help="The finding's severity at the last refresh")
    resolved_by_analyses: bool = boolean("Resolved by the analyses",
                                         help="The finding it was seeded from is no longer raised")


@dataclass(frozen=True, slots=True)
class SocialOutcome(Entity):
    """A social outcome the consortium commits to (an impact framework line): measure, baseline, target."""

    entity_name: ClassVar[str] = "social_outcome"
    label: ClassVar[str] = "Social outcome"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "measure"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    measure: str = text("Measure", required=True, help="e.g. People supported to stay living at home")
    unit: str = text("Unit", help="e.g. people a year, % of staff")
    baseline: Decimal | None = decimal("Baseline", default=None, minimum=None, places=1,
                                       help="Where it stands now (blank: not measured yet)")
    target: Decimal | None = decimal("Target", default=None, minimum=None, places=1)
    target_date: dt.date | None = date("Target by")
    evidence: str = text("How it is measured", help="The source of the figures, e.g. care records, staff survey")


@dataclass(frozen=True, slots=True)
class Gate(Entity):
    """A pass/fail criterion of a tender (Procurement Act 2023 s23): a bid that does not meet it is
    disqualified, whatever it scores."""

    entity_name: ClassVar[str] = "gate"
    label: ClassVar[str] = "Pass/fail criterion"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Criterion", required=True, help="e.g. CQC registration for personal care")
    asks: str = text("What the buyer asks for", help="The evidence, and when: e.g. registered before service start")


@dataclass(frozen=True, slots=True)
class GateResponse(Entity):
    """Whether one consortium option meets one of its tender's pass/fail criteria."""

    entity_name: ClassVar[str] = "gate_response"
    label: ClassVar[str] = "Pass/fail answer"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "gate_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    gate_id: int | None = ref("gate", "Criterion")
    answer: GateAnswer = choice(GateAnswer, "Answer", GateAnswer.UNKNOWN)
    evidence: str = text("Evidence or plan", help="Who holds it, or what must happen, by when")


@dataclass(frozen=True, slots=True)
class QualityQuestion(Entity):
    """A sub-criterion of a tender's quality marks: a method statement question with its weight within quality,
    the scale it is marked on and, optionally, a minimum score below which the buyer disqualifies the bid."""

    entity_name: ClassVar[str] = "quality_question"
    label: ClassVar[str] = "Quality question"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Question", required=True, help="e.g. Q3 Mobilisation and TUPE")
    weight_pct: Decimal = percent("Share of the quality marks", default="10", places=1,
                                  help="The question's weight within quality (the questions should add up to 100%)")
    max_score: Decimal = decimal("Marked out of", default="5", minimum="0.01", places=1,
                                 help="The buyer's scale, e.g. 0 to 5")
    minimum_score: Decimal | None = decimal("Minimum score", default=None, places=1,
                                            help="A lower score disqualifies the bid (blank: none)")


@dataclass(frozen=True, slots=True)
class QualityAnswer(Entity):
    """The score one consortium option expects on one of its tender's quality questions."""

    entity_name: ClassVar[str] = "quality_answer"
    label: ClassVar[str] = "Expected score"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "question_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    question_id: int | None = ref("quality_question", "Question")
    expected_score: Decimal = decimal("Expected score", default="3", places=1)
    plan: str = text("How we earn it", help="The evidence and who writes the answer")


@dataclass(frozen=True, slots=True)
class BidRound(Entity):
    """A round of a competitive flexible procedure (Procurement Act 2023 s20): the buyer scores the bids,
    negotiates or refines, and asks for revised offers, the last often a best and final offer."""

    entity_name: ClassVar[str] = "bid_round"
    label: ClassVar[str] = "Bidding round"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Round", required=True, help="e.g. Initial tenders, After negotiation, Best and final offer")
    number: int = integer("Order", default=1, minimum=1, maximum=20)
    held: dt.date | None = date("Scored on")
    best_and_final: bool = boolean("Best and final offer", help="The buyer's last call for offers")
    notes: str = text("What changed", help="e.g. the buyer refined the outcomes framework")


@dataclass(frozen=True, slots=True)
class RoundScore(Entity):
    """One bid as scored in one round: ours from the buyer's feedback, a rival's as the bid team estimates it."""

    entity_name: ClassVar[str] = "round_score"
    label: ClassVar[str] = "Score in a round"
    parent_field: ClassVar[str | None] = "round_id"
    display_field: ClassVar[str] = "bidder"

    id: int | None = id_field()
    round_id: int | None = ref("bid_round", "Round")
    bidder: str = text("Bidder", required=True, help="Our bid, or a rival's name")
    ours: bool = boolean("Our bid")
    annual_price: Decimal = money("Annual price")
    quality_score: Decimal = decimal("Quality score", default="70", places=1)
    quality_max: Decimal = decimal("Quality score out of", default="100", minimum="0.01", places=1)
    social_value_score: Decimal = decimal("Social value score", default="70", places=1)
    social_value_max: Decimal = decimal("Social value score out of", default="100", minimum="0.01", places=1)
    feedback: str = text("Feedback", help="What the buyer said, or the source of the estimate")


@dataclass(frozen=True, slots=True)
class SocialValueCommitment(Entity):
    """A social value commitment of a consortium option: a measure, its quantity a year over contract years, the
    proxy value a unit (an assumption the user enters, never shipped as a fact) and what it costs to deliver."""

    entity_name: ClassVar[str] = "social_value_commitment"
    label: ClassVar[str] = "Social value commitment"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "measure"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    theme: SocialValueTheme = choice(SocialValueTheme, "Theme", SocialValueTheme.JOBS)
    measure: str = text("Measure", required=True, help="e.g. Local people employed")
    unit: str = text("Unit", default="FTE-year", help="e.g. FTE-year (12.5 FTE for 2 years is 25), hour, £ spent")
    quantity_a_year: Decimal = decimal("Quantity a year", places=1)
    from_year: int = integer("From contract year", default=1, minimum=1, maximum=30)
    to_year: int | None = integer("To contract year", default=None, minimum=1, maximum=30,
                                  help="Blank: to the end of the term")
    proxy_value: Decimal = money("Proxy value a unit", help="An assumption: the £ value the buyer's model gives a "
                                                             "unit; enter it from the buyer's model or your source")
    proxy_source: str = text("Source of the proxy value", help="e.g. the buyer's measures list, 2026 edition")
    cost_per_unit: Decimal = money("Cost to deliver a unit")
    cost_a_year: Decimal = money("Fixed cost a year", help="e.g. a coordinator's time")
    answered: bool = boolean("Method statement written", default=True,
                             help="A commitment with no qualitative answer scores nothing")


@dataclass(frozen=True, slots=True)
class LotBid(Entity):
    """Whether one consortium option bids for one lot of its tender, and the bid team's chance of winning it."""

    entity_name: ClassVar[str] = "lot_bid"
    label: ClassVar[str] = "Lot decision"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "lot_id"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    lot_id: int | None = ref("lot", "Lot")
    decision: LotDecision = choice(LotDecision, "Decision", LotDecision.CHOOSE,
                                   help="Choose for me: the best set of lots decides")
    win_probability_pct: Decimal | None = percent(
        "Chance of winning the lot", default=None, places=0,
        help="The bid team's estimate (blank: the option's modelled chance, else the tender's)")
    note: str = text("Why", help="The reason for the decision, e.g. the partner for this lot is not ready")


@dataclass(frozen=True, slots=True)
class Setting(Entity):
    """Workspace-level settings (author, logo path, discount rate...), key → text."""

    entity_name: ClassVar[str] = "setting"
    label: ClassVar[str] = "Setting"
    display_field: ClassVar[str] = "key"

    id: int | None = id_field()
    key: str = text("Key", required=True)
    value: str = longtext("Value")


@dataclass(frozen=True, slots=True)
class Scenario(Entity):
    """A named what-if: adjustments applied to a copy of any option, never to the option itself.

    Every field is a change from the option as stored (0: no change); ``domain/scenarios.py`` says
    exactly which fields of which entities each one moves (DOMAIN §9). Base, Downside, Severe and
    Upside are shipped in every workspace as editable rows.
    """

    entity_name: ClassVar[str] = "scenario"
    label: ClassVar[str] = "Scenario"

    id: int | None = id_field()
    name: str = text("Scenario", required=True)
    volume_pct: Decimal = percent("Volume", minimum=-90, maximum=200, places=1,
                                  help="Delivered volume up (+) or down (−), % of the plan; prices stay as bid")
    ramp_up_months: int = integer("Ramp-up (+ months)", minimum=-36, maximum=36,
                                  help="Months added to the option's ramp-up (never below none)")
    pay_uplift_pp: Decimal = percent("Pay uplift (+ points a year)", minimum=-20, maximum=20, places=2,
                                     help="Added to the tender's pay uplift a year: staff costs grow faster; "
                                          "the bid's price indexation stays as priced")
    nlw_uplift_pp: Decimal = percent("National Living Wage (+ points a year)", minimum=-20, maximum=20, places=2,
                                     help="The wage floor rises this much faster a year than the reference rates, "
                                          "from the first contract year (the guard; costs move with the pay uplift)")
    cpi_pp: Decimal = percent("CPI (+ points a year)", minimum=-20, maximum=20, places=2,
                              help="Added to the tender's CPI a year: non-pay costs grow faster; prices stay as bid")
    payment_delay_days: int = integer("Payment delay (+ days)", minimum=-180, maximum=180,
                                      help="Days added to the buyer's payment terms")
    mobilisation_overrun_months: int = integer("Mobilisation overrun (months)", maximum=24,
                                               help="Service starts later; mobilisation costs go on meanwhile")
    termination_after_year: int = integer("Early termination after year", maximum=30,
                                          help="The contract ends after this contract year (0: runs its term)")
    competitor_price_pct: Decimal = percent("Competitors' prices", minimum=-90, maximum=200, places=1,
                                            help="Every competitor's expected price up (+) or down (−)")
    interest_rate_pp: Decimal = percent("Interest rate (+ points)", minimum=-20, maximum=20, places=2,
                                        help="Added to every loan's and overdraft's interest rate")
    cost_overrun_pct: Decimal = percent("Cost overrun", minimum=-50, maximum=200, places=1,
                                        help="Every delivery, mobilisation and capital cost this much higher")
    notes: str = longtext("Notes")


# --------------------------------------------------------------------------- entities: partnering (DOMAIN §4, §10)


@dataclass(frozen=True, slots=True)
class PartneringProfile(Entity):
    """The structure advisor's questions for one option (one row an option)."""

    entity_name: ClassVar[str] = "partnering_profile"
    label: ClassVar[str] = "Partnering questions"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "who_contracts"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    who_contracts: ContractingModel = choice(ContractingModel, "Who holds the contract",
                                             ContractingModel.UNDECIDED)
    liability_appetite: Appetite = choice(Appetite, "Shared liability appetite", Appetite.MEDIUM)
    shared_ownership: bool = boolean("Shared ownership wanted")
    profit_use: ProfitUse = choice(ProfitUse, "Profits", ProfitUse.UNDECIDED)
    asset_lock: bool = boolean("Asset lock wanted", help="Assets kept for the community on winding up")
    regulated_activity: bool = boolean("Regulated activity (CQC)",
                                       help="A new vehicle that delivers it needs its own registration")
    vehicle_employs_staff: bool = boolean("Vehicle employs TUPE staff")
    vehicle_vat_status: VatStatus = choice(VatStatus, "Vehicle's VAT status", VatStatus.NOT_STATED)
    fee_vat_basis: FeeVatBasis = choice(FeeVatBasis, "Fee for VAT", FeeVatBasis.RETAINED)
    cost_sharing_group: bool = boolean("Separate cost-sharing group",
                                       help="VAT cost-sharing exemption: an independent group")
    services_directly_necessary: bool = boolean("Directly necessary for exempt supplies")
    recharged_at_cost: bool = boolean("Recharged at exact cost")
    no_distortion: bool = boolean("No distortion of competition", default=True)
    services_only: bool = boolean("Services only (no goods)", default=True)
    setup_budget: Decimal | None = optional_money("Set-up budget")
    notes: str = longtext("Notes")


@dataclass(frozen=True, slots=True)
class PensionArrangement(Entity):
    """How one TUPE cohort's pensions are protected under one option (DOMAIN §10)."""

    entity_name: ClassVar[str] = "pension_arrangement"
    label: ClassVar[str] = "Pension arrangement"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "scheme"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    cohort_id: int | None = ref("tupe_cohort", "TUPE cohort")
    scheme: ProtectedScheme = choice(ProtectedScheme, "Scheme", ProtectedScheme.LGPS_ADMITTED)
    employer_rate_pct: Decimal | None = percent("Employer rate", default=None, places=2,
                                                help="Blank: the scheme's default (LGPS 20% [U]; NHS the reference "
                                                     "rate; broadly comparable 18% [U])")
    deemed_employer: bool = boolean("Letting authority as deemed employer",
                                    help="Proposed Oct 2025, not yet law: the authority keeps the deficit risk")
    time_on_contract_pct: Decimal = percent("Staff time on the contract", default="100",
                                            help="NHS Pension needs more than 50%")
    bond_months: Decimal = decimal("Bond: months of employer contributions", default="12", maximum=60, places=1,
                                   help="Sized by the actuary; one year's contributions [U]")
    bond_premium_pct: Decimal = percent("Bond premium a year", default="1.5", places=2, help="[U]")
    liability_multiple: Decimal = decimal("Past-service liability ÷ pensionable pay", default="3", maximum=50,
                                          places=2, help="[U]")
    exit_low_pct: Decimal = percent("Exit shortfall: low", default="0", places=1,
                                    help="Share of the liability unfunded at exit [U]")
    exit_high_pct: Decimal = percent("Exit shortfall: high", default="15", places=1, help="[U]")
    exit_provision: ExitProvision = choice(ExitProvision, "Exit payment provided for in the price",
                                           ExitProvision.CENTRAL)
    admission_cost: Decimal = money("Admission set-up cost (actuary, legal)", default="7500",
                                    help="One-off, per admitted employer [U]")
    notes: str = text("Notes")


@dataclass(frozen=True, slots=True)
class ReadinessScore(Entity):
    """One partner's score of one readiness principle or culture dimension (1 to 5)."""

    entity_name: ClassVar[str] = "readiness_score"
    label: ClassVar[str] = "Readiness score"
    parent_field: ClassVar[str | None] = "member_id"
    display_field: ClassVar[str] = "dimension"

    id: int | None = id_field()
    member_id: int | None = ref("member", "Partner")
    dimension: ReadinessDimension = choice(ReadinessDimension, "Principle or dimension", ReadinessDimension.NEED)
    score: int = integer("Score (1–5)", default=3, minimum=1, maximum=5,
                         help="Principles: 1 not at all … 5 fully; culture: the partner's own position")
    note: str = text("Note")


@dataclass(frozen=True, slots=True)
class DueDiligenceItem(Entity):
    """One area of due diligence on one partner."""

    entity_name: ClassVar[str] = "due_diligence_item"
    label: ClassVar[str] = "Due diligence item"
    parent_field: ClassVar[str | None] = "member_id"
    display_field: ClassVar[str] = "area"

    id: int | None = id_field()
    member_id: int | None = ref("member", "Partner")
    area: DueDiligenceArea = choice(DueDiligenceArea, "Area", DueDiligenceArea.ACCOUNTS)
    status: DueDiligenceStatus = choice(DueDiligenceStatus, "Status", DueDiligenceStatus.NOT_STARTED)
    notes: str = text("Notes")


@dataclass(frozen=True, slots=True)
class HeadsOfTermsItem(Entity):
    """One head of the consortium agreement for an option."""

    entity_name: ClassVar[str] = "heads_of_terms_item"
    label: ClassVar[str] = "Heads of terms item"
    parent_field: ClassVar[str | None] = "option_id"
    display_field: ClassVar[str] = "head"

    id: int | None = id_field()
    option_id: int | None = ref("consortium_option", "Option")
    head: TermsHead = choice(TermsHead, "Head", TermsHead.ROLES)
    status: TermsStatus = choice(TermsStatus, "Status", TermsStatus.NOT_DISCUSSED)
    position: str = longtext("What is proposed or agreed")
    amount: Decimal | None = optional_money("Amount", help="Bid costs to share, or a liability cap")
    notes: str = text("Notes")


@dataclass(frozen=True, slots=True)
class DecisionRound(Entity):
    """A workshop round, frozen (issue 19): what was decided about a tender's options, and their figures as
    they stood then (``RoundFigure``). Read-only once frozen: the program offers no edit, only deletion."""

    entity_name: ClassVar[str] = "decision_round"
    label: ClassVar[str] = "Round"
    parent_field: ClassVar[str | None] = "tender_id"

    id: int | None = id_field()
    tender_id: int | None = ref("tender", "Tender")
    name: str = text("Round", required=True, help="e.g. Round 2: partners' workshop")
    held_on: dt.date | None = date("Held on", required=True)
    frozen_at: str = text("Frozen at", help="When the figures were frozen (UTC, ISO 8601)")
    attendees: str = longtext("Attendees")
    decision: str = longtext("Decision")
    rationale: str = longtext("Rationale")


@dataclass(frozen=True, slots=True)
class RoundFigure(Entity):
    """One option's figure in a frozen round: the Compare page's row key and its value as exact text."""

    entity_name: ClassVar[str] = "round_figure"
    label: ClassVar[str] = "Round figure"
    parent_field: ClassVar[str | None] = "round_id"
    display_field: ClassVar[str] = "figure"

    id: int | None = id_field()
    round_id: int | None = ref("decision_round", "Round")
    option_name: str = text("Option", required=True)
    figure: str = text("Figure", required=True, help="The Compare row's key; a breakdown's part after ': '")
    value: str = text("Value", help="Exact: a number as written by Decimal, or the text shown; blank: not available")


@dataclass(frozen=True, slots=True)
class MarketSegment(Entity):
    """Income from one market (DOMAIN §7, §13): an organisation's existing income (no option), or a new
    market an option plans, earned by one organisation (a member).

    Customers a month: c_t = c_(t−1) × (1 − churn) + new; revenue a month = customers × hours a week
    × 52 ÷ 12 × rate × (1 − bad debt), plus any fixed income a year ÷ 12 (a contract or grant stated
    as a sum). Rate and cost rise each year from the segment's start (``domain/markets.py``).
    """

    entity_name: ClassVar[str] = "market_segment"
    label: ClassVar[str] = "Market segment"
    parent_field: ClassVar[str | None] = "organisation_id"

    id: int | None = id_field()
    organisation_id: int | None = ref("organisation", "Earned by")
    option_id: int | None = ref("consortium_option", "Option", required=False,
                                help="Blank: the organisation's existing income; an option: a new market it plans")
    name: str = text("Segment", required=True)
    kind: SegmentKind = choice(SegmentKind, "Buyer type", SegmentKind.SELF_FUNDERS)
    buyer: str = text("Buyer", help="e.g. the council's name, or 'people paying for themselves'")
    start_date: dt.date | None = date("Starts", help="Blank: already earning (existing) or from the option's "
                                                     "service start (new)")
    customers_at_start: Decimal = decimal("Customers at the start", places=0)
    new_per_month: Decimal = decimal("New customers a month", places=1)
    churn_pct: Decimal = percent("Churn a month", places=1, help="Share of customers lost each month")
    hours_per_week: Decimal = decimal("Hours a week per customer", places=1, maximum=168)
    rate: Decimal = money("Rate an hour", help="Homecare 2025/26: councils pay £24.10 on average [V]")
    rate_indexation_pct: Decimal = percent("Rate rise a year", default="2", minimum=-20, maximum=50, places=1)
    bad_debt_pct: Decimal = percent("Bad debt", places=1)
    cost_per_hour: Decimal = money("Delivery cost an hour")
    cost_indexation_pct: Decimal = percent("Cost rise a year", default="3", minimum=-20, maximum=50, places=1)
    acquisition_cost: Decimal = money("Cost to win a customer")
    annual_income: Decimal = money("Fixed income a year", help="A contract or grant stated as a sum a year "
                                                               "(added to the customers' income)")
    annual_cost: Decimal = money("Fixed cost a year", help="Costs of the segment that do not follow hours")


ENTITIES: tuple[type[Entity], ...] = (
    Setting,
    Organisation,
    FinancialYear,
    Capacity,
    CostProfile,
    Role,
    Tender,
    Lot,
    Requirement,
    FinancialCondition,
    TupeCohort,
    Competitor,
    Gate,
    ConsortiumOption,
    Member,
    Allocation,
    FundingSource,
    CapitalItem,
    Scenario,
    Risk,
    SocialOutcome,
    PartneringProfile,
    PensionArrangement,
    ReadinessScore,
    DueDiligenceItem,
    HeadsOfTermsItem,
    DecisionRound,
    RoundFigure,
    MarketSegment,
    GateResponse,
    LotBid,
    QualityQuestion,
    QualityAnswer,
    BidRound,
    RoundScore,
    SocialValueCommitment,
)

ENTITY_BY_NAME: dict[str, type[Entity]] = {e.entity_name: e for e in ENTITIES}

# Unique keys (besides id): the store creates unique constraints; validation explains clashes.
UNIQUE_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "setting": (("key",),),
    "financial_year": (("organisation_id", "year_end"),),
    "capacity": (("organisation_id", "service_line", "area"),),
    "cost_profile": (("organisation_id", "service_line"),),
    "requirement": (("tender_id", "lot_id", "service_line", "area"),),
    "financial_condition": (("tender_id", "metric"),),
    "competitor": (("tender_id", "name"),),
    "gate": (("tender_id", "name"),),
    "gate_response": (("option_id", "gate_id"),),
    "lot_bid": (("option_id", "lot_id"),),
    "quality_question": (("tender_id", "name"),),
    "quality_answer": (("option_id", "question_id"),),
    "bid_round": (("tender_id", "name"),),
    "round_score": (("round_id", "bidder"),),
    "social_value_commitment": (("option_id", "measure"),),
    "member": (("option_id", "organisation_id"),),
    "allocation": (("requirement_id", "member_id"),),
    "funding_source": (("option_id", "name"),),
    "capital_item": (("option_id", "name"),),
    "scenario": (("name",),),
    "social_outcome": (("option_id", "measure"),),
    "partnering_profile": (("option_id",),),
    "pension_arrangement": (("option_id", "cohort_id"),),
    "readiness_score": (("member_id", "dimension"),),
    "due_diligence_item": (("member_id", "area"),),
    "heads_of_terms_item": (("option_id", "head"),),
    "decision_round": (("tender_id", "name"),),
    "round_figure": (("round_id", "option_name", "figure"),),
}


def stored_id(entity: Entity) -> int:
    """The id of a row read from a workspace, where every row has one (only a new row's is None)."""
    assert entity.id is not None, f"{type(entity).__name__} {entity!r} has no id: it is not stored"
    return entity.id


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (clamped to the month's last day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.lru_cache(maxsize=8192)
def key(text_value: str) -> str:
    """How service lines and areas are matched: case and surrounding space do not matter. Remembered for the
    last few thousand texts: the analyses key the same service lines and areas again and again."""
    return " ".join(text_value.split()).casefold()
