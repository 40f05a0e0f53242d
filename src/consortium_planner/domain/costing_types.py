"""The cost build-up's result types (``domain/costing.py`` computes them; read its docstring for the rules).

Kept apart from the computation so each module stays readable; ``costing`` re-exports the public names.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding
from .model import PensionScheme, key
from .money import HUNDRED
from .rates import RateLookup


class CostingError(ValueError):
    """Inputs that cannot be priced (e.g. margin and fee take the whole price)."""


class LineKind(enum.StrEnum):
    STAFF = "staff"  # wages, employer NI, pension
    VARIABLE = "variable"  # mileage, non-pay
    FIXED = "fixed"  # member fixed costs, shared back office
    CONTINGENCY = "contingency"
    FEE = "fee"  # management fee to the lead or vehicle
    MARGIN = "margin"


COST_KINDS = frozenset({LineKind.STAFF, LineKind.VARIABLE, LineKind.FIXED, LineKind.CONTINGENCY})

# Category lines of a service line (and of the option's totals), in display order.
CATEGORIES: tuple[tuple[str, str, LineKind], ...] = (
    ("wage", "Wages", LineKind.STAFF),
    ("employer_ni", "Employer National Insurance", LineKind.STAFF),
    ("pension", "Employer pension", LineKind.STAFF),
    ("mileage", "Mileage", LineKind.VARIABLE),
    ("non_pay", "Non-pay", LineKind.VARIABLE),
    ("member_fixed", "Members' fixed costs", LineKind.FIXED),
    ("shared", "Shared back office", LineKind.FIXED),
    ("contingency", "Contingency", LineKind.CONTINGENCY),
    ("irrecoverable_vat", "Irrecoverable VAT", LineKind.VARIABLE),
    ("management_fee", "Management fee", LineKind.FEE),
    ("margin", "Margin", LineKind.MARGIN),
)
CATEGORY_BY_KEY = {k: (label, kind) for k, label, kind in CATEGORIES}


#: A warning about the inputs or the result, for the user to see: a ``Finding`` whose severity is
#: decided here, where the rule lives (``domain/findings.py``).
Flag = Finding


@dataclass(frozen=True, slots=True)
class CostLine:
    """One line of a build-up. ``category`` groups role lines ("wage:12" → "wage")."""

    key: str
    category: str
    label: str
    kind: LineKind
    per_unit: Decimal  # exact, unrounded
    per_unit_display: Decimal  # to the penny; the display lines add to the displayed unit total
    annual: Decimal  # to the penny; the lines add to the annual total


@dataclass(frozen=True, slots=True)
class RoleCost:
    """One role's cost per unit, with the working behind it."""

    role_id: int | None
    name: str
    hourly_rate: Decimal
    contact_hours_per_unit: Decimal
    paid_hours_per_unit: Decimal  # contact hours × (1 + travel + training)
    annual_paid_hours: Decimal
    annual_gross: Decimal  # exact: rate × annual paid hours × (1 + holiday)
    employer_ni_annual: Decimal  # exact
    pension_annual: Decimal  # exact
    pension_scheme: PensionScheme
    pension_rate_pct: Decimal  # the rate applied (percentage points)
    wage_per_unit: Decimal  # exact
    employer_ni_per_unit: Decimal  # exact
    pension_per_unit: Decimal  # exact

    @property
    def cost_per_unit(self) -> Decimal:
        return self.wage_per_unit + self.employer_ni_per_unit + self.pension_per_unit


@dataclass(frozen=True, slots=True)
class MemberLineCost:
    """A member's cost of one service line: direct costs and its own fixed costs (no fee/margin)."""

    member_id: int
    organisation_id: int | None
    organisation_name: str
    service_line: str
    service_line_key: str
    unit: str
    volume: Decimal  # allocated a year, all areas
    cost_profile_id: int | None  # None: no profile for this line, costed at zero (flagged)
    roles: tuple[RoleCost, ...]
    lines: tuple[CostLine, ...]  # per role wage/NI/pension, mileage, non-pay, member fixed
    staff_cost_per_unit: Decimal  # exact
    direct_cost_per_unit: Decimal  # exact: staff + mileage + non-pay
    fixed_costs_per_year: Decimal
    unit_cost: Decimal  # exact: direct + fixed ÷ volume
    unit_cost_display: Decimal  # to the penny
    annual_cost: Decimal  # to the penny = Σ lines' annual


@dataclass(frozen=True, slots=True)
class ServiceLineCost:
    """The consortium's blended cost and price of one service line."""

    key: str
    service_line: str
    unit: str
    volume: Decimal  # allocated a year, all members
    required_volume: Decimal  # the tender's requirements for this service line
    members: tuple[MemberLineCost, ...]
    lines: tuple[CostLine, ...]  # CATEGORIES, per unit blended
    staff_cost_per_unit: Decimal  # exact
    direct_cost_per_unit: Decimal  # exact
    member_fixed_per_unit: Decimal  # exact
    shared_per_unit: Decimal  # exact
    contingency_per_unit: Decimal  # exact
    cost_per_unit: Decimal  # exact delivery cost: direct + fixed + shared + contingency
    price_exact: Decimal  # cost ÷ (1 − margin − fee), unrounded
    price_per_unit: Decimal  # to the penny: the bid price
    price_fixed_by_user: bool
    fee_per_unit: Decimal  # exact, fee % × price
    margin_per_unit: Decimal  # exact, price − cost − fee
    staff_share: Decimal  # fraction of cost before contingency that is staff (0..1), exact
    variable_cost_per_unit: Decimal  # exact: direct × (1 + contingency) + fee
    fixed_costs_per_year: Decimal  # exact: (member fixed + share of shared) × (1 + contingency)
    should_cost_per_unit: Decimal  # exact: cost + fee (full cost, no margin)
    annual_cost: Decimal  # to the penny, delivery cost (no fee, no margin)
    annual_fee: Decimal
    annual_margin: Decimal
    annual_price: Decimal  # = price per unit × volume = cost + fee + margin

    @property
    def margin_pct(self) -> Decimal | None:
        """The margin actually earned, percentage points of price (exact)."""
        return None if self.price_per_unit == 0 else self.margin_per_unit / self.price_per_unit * HUNDRED

    def line(self, category: str) -> CostLine:
        for line in self.lines:
            if line.key == category:
                return line
        raise KeyError(category)


@dataclass(frozen=True, slots=True)
class TotalLine:
    key: str
    label: str
    kind: LineKind
    annual: Decimal  # to the penny: Σ service lines' displayed annual lines


@dataclass(frozen=True, slots=True)
class MemberTotal:
    member_id: int
    organisation_name: str
    annual_cost: Decimal  # Σ of the member's service lines, to the penny


@dataclass(frozen=True, slots=True)
class CostBuildup:
    option_id: int
    tender_id: int | None
    rates: RateLookup  # the year whose rates priced the build-up
    priced_on: dt.date
    management_fee_pct: Decimal
    margin_pct: Decimal
    contingency_pct: Decimal
    shared_costs_per_year: Decimal  # the shared back office + the social value commitments' cost a year
    social_value_per_year: Decimal  # of which: the social value commitments' average cost a year over the term
    total_volume: Decimal
    shared_per_unit: Decimal  # exact: shared costs ÷ total volume
    service_lines: tuple[ServiceLineCost, ...]
    member_totals: tuple[MemberTotal, ...]
    totals: tuple[TotalLine, ...]  # CATEGORIES summed over service lines
    annual_cost: Decimal
    annual_fee: Decimal
    annual_margin: Decimal
    annual_price: Decimal
    staff_share: Decimal  # staff ÷ cost before contingency, whole option, exact
    flags: tuple[Flag, ...]

    @property
    def member_lines(self) -> tuple[MemberLineCost, ...]:
        return tuple(m for s in self.service_lines for m in s.members)

    def service_line(self, service_line: str) -> ServiceLineCost:
        want = key(service_line)
        for s in self.service_lines:
            if s.key == want:
                return s
        raise KeyError(service_line)
