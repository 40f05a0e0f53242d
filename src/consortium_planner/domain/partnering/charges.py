"""What stated partnering facts add to the cost build-up and the projection: the hooks
``domain.costing`` and ``domain.projection.engine`` call.

Only what is **stated** is charged: a pension arrangement entered for a cohort, and VAT statuses
stated for the parties. Where nothing is stated these return nothing, so the build-up and the
projection are exactly what they were (the pensions and money-flows analyses show what is at risk).

* ``pension_charges(ws, option, nhs_rate)``: per member and service line, the extra employer
  contributions for protected TUPE staff, the LGPS bond premium and the exit-payment provision, a
  year (``pensions``'s rules); the build-up adds them to the member's employer pension.
* ``vat_terms(ws, option, lines, fee)``: per service line, the irrecoverable VAT on the flows between
  partners (``vat``'s rules), as a fraction of the line's price (a lead's sub-contract payments and
  invoiced fees are shares of the price) and a fixed amount a year (a vehicle pays members their
  cost). The build-up prices the line so that it covers it: price = cost ÷ (1 − margin − fee − q).
* ``one_off_costs(ws, option_id)``: LGPS admission set-up costs (actuary and admission agreement)
  in the first month of mobilisation, for the projection.
* ``line_shares(members)``: each member's share of a service line by its cost (by volume when no
  member has a cost), the rule the projection uses for members' work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import ConsortiumOption, Tender
from ..money import ZERO, quantize
from ..workspace import Workspace
from .pensions import CohortCosts, cohort_costs
from .vat import vat_plan

if TYPE_CHECKING:
    from ..costing_types import CostBuildup

__all__ = ["LineMember", "PensionCharges", "VatTerms", "line_shares", "one_off_costs", "pension_charges", "vat_terms"]

ONE = Decimal(1)
#: the build-up's keys and labels for the pension lines a stated arrangement adds (category "pension")
PENSION_LINES = (
    ("pension_tupe", "Employer pension: protected TUPE staff"),
    ("pension_bond", "Employer pension: LGPS bond premium"),
    ("pension_exit", "Employer pension: LGPS exit payment provision"),
)


@dataclass(frozen=True, slots=True)
class LineMember:
    """A member's part of one service line, as the build-up has it."""

    member_id: int
    annual_cost: Decimal
    volume: Decimal


def line_shares(members: Sequence[LineMember]) -> dict[int, Decimal]:
    """Each member's exact share of a service line: by its cost, or by volume when no member has a cost."""
    costs = {m.member_id: (m.annual_cost if m.annual_cost > 0 else ZERO) for m in members}
    total = sum(costs.values(), ZERO)
    if total == 0:
        costs = {m.member_id: m.volume for m in members}
        total = sum(costs.values(), ZERO)
    return {k: v / total for k, v in costs.items()} if total > 0 else {}


#: The last build-up's ``line_shares`` by service line key (``shares_of``): the VAT between partners and the
#: money flows read them for each structure and each contract year.
_SHARES: tuple[Any, dict[str, dict[int, Decimal]]] = (None, {})


def shares_of(buildup: CostBuildup) -> dict[str, dict[int, Decimal]]:
    """Each service line's ``line_shares`` (key → member id → exact share) of ``buildup``, remembered for the
    last build-up asked about (do not change the mapping returned)."""
    global _SHARES
    memo = _SHARES  # one read: another thread may put another build-up's
    if memo[0] is buildup:
        return memo[1]
    out = {sl.key: line_shares([LineMember(ml.member_id, ml.annual_cost, ml.volume) for ml in sl.members])
           for sl in buildup.service_lines}
    _SHARES = (buildup, out)
    return out


class PensionCharges:
    """Stated pension arrangements of one option, ready to cost each member's service line."""

    def __init__(self, ws: Workspace, option: ConsortiumOption, nhs_rate_pct: Decimal):
        self._ws, self._option, self._nhs = ws, option, nhs_rate_pct
        self._cohorts: list[CohortCosts] | None = None
        self._rates: dict[tuple[int, str], Decimal] = {}

    def lines(self, member_id: int, line_key: str, costed_rate_pct: Decimal) -> list[tuple[str, str, Decimal]]:
        """(key, label, amount a year) of each pension line the member's service line gets (none if zero)."""
        self._rates[(member_id, line_key)] = costed_rate_pct
        totals = [ZERO, ZERO, ZERO]
        for cohort in cohort_costs(self._ws, self._option, self._nhs, lambda m, k: self._rates.get((m, k), ZERO),
                                   stated_only=True):
            for share in cohort.shares:
                if share.member_id == member_id and share.line_key == line_key:
                    totals[0] += share.extra_contributions
                    totals[1] += share.bond_premium
                    totals[2] += share.exit_provision_a_year
        return [(k, label, amount) for (k, label), amount in zip(PENSION_LINES, totals, strict=True) if amount > 0]


def pension_charges(ws: Workspace, option: ConsortiumOption, nhs_rate_pct: Decimal) -> PensionCharges | None:
    """The option's stated pension arrangements for the build-up; None when it has none (nothing to add)."""
    from .pensions import stated_arrangements

    if not stated_arrangements(ws, option):
        return None
    return PensionCharges(ws, option, nhs_rate_pct)


@dataclass(frozen=True, slots=True)
class VatTerms:
    """Irrecoverable VAT of one service line: ``on_price`` × its price + ``fixed`` a year."""

    on_price: Decimal  # exact fraction of the price
    fixed: Decimal  # exact, a year


def vat_terms(ws: Workspace, option: ConsortiumOption, lines: Mapping[str, Sequence[LineMember]],
              fee_fraction: Decimal) -> dict[str, VatTerms]:
    """Per service line key, the irrecoverable VAT on stated facts (empty when there is none)."""
    plan = vat_plan(ws, option)
    if not plan.any_cost:
        return {}
    out: dict[str, VatTerms] = {}
    for line_key, members in lines.items():
        shares = line_shares(members)
        on_price = fixed = ZERO
        for m in members:
            mv = plan.member(m.member_id)
            if mv is None:
                continue
            share = shares.get(m.member_id, ZERO)
            if plan.sub_contracts:
                if plan.pays_at_cost:
                    fixed += m.annual_cost * mv.sub_cost
                else:
                    on_price += share * (ONE - fee_fraction) * mv.sub_cost
            if plan.fee_is_supply:
                on_price += share * fee_fraction * mv.fee_cost
        if on_price or fixed:
            out[line_key] = VatTerms(on_price, fixed)
    return out


def one_off_costs(ws: Workspace, option_id: int) -> list[tuple[int, Decimal, str]]:
    """(month, amount, label) of the stated arrangements' one-off costs: LGPS admission set-up, month 0."""
    option = ws.get(ConsortiumOption, option_id)
    if option is None or ws.get(Tender, option.tender_id) is None:
        return []
    out = []
    for cohort in cohort_costs(ws, option, ZERO, lambda m, k: ZERO, stated_only=True):
        amount = quantize(cohort.admission_costs)
        if amount > 0:
            out.append((0, amount, f"LGPS admission for {cohort.terms.cohort_name} ({cohort.admission_employers} "
                                   f"employer{'s' if cohort.admission_employers != 1 else ''})"))
    return out
