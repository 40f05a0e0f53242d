"""What-if scenarios (DOMAIN §9): adjustments applied to a copy of a workspace, never to the option.

``apply(ws, option_id, adjustments)`` returns a new snapshot in which the option's tender, its
requirements and competitors, the option and its allocations, funding and one-off costs are moved
as the drivers below say; the original snapshot and every stored row are untouched (entities are
frozen; the copy shares the rows it does not change). Running a scenario is running the ordinary
analysis pipeline on that snapshot (``services.pipeline.run``), so every figure is computed exactly
as for the option itself.

**The bid as priced.** A scenario asks what happens to the bid the option would submit: the price
per unit in year one and the index a year each price follows stay at the base bid's (the snapshot
carries a ``ScenarioMark`` naming the option and the snapshot it was priced on; the prices analysis
fixes them through ``pricing.bid_prices(unit_prices=…, price_index=…)``), and the evaluation is of
that bid as the buyer scores it (the base's year-one price, against the scenario's competitors).
Volumes, costs, timing and rates move. With no adjustment at all the scenario equals the base to
the penny.

**The drivers**, each a change from the stored figures (0: no change):

* ``volume_pct`` — the buyer calls off that much more (+) or less (−) than planned: every requirement
  of the option's tender and every allocation of the option × (1 + v), exactly (no rounding, so the
  allocations still add up to the requirements). Unit prices stay, so income moves with volume;
  members' fixed costs and the shared back office stay, so the cost per unit moves the other way;
  FTE follow the volume; capacity does not. The buyer evaluated the bid on the volumes it
  published, so the evaluation (score, rank, win probability) stays the base bid's against the
  competitors (moved only by ``competitor_price_pct``); the ceiling and the estimated annual value
  are the buyer's and stay, so the headroom to the ceiling shows what the buyer would pay at the
  new volume; the standing tests stay on the estimated value, as at tender.
* ``ramp_up_months`` — added to the option's ramp-up (never below none).
* ``pay_uplift_pp`` — added to the tender's pay uplift a year: staff costs, and roles' pay in the
  wage-floor test, grow faster from year two; the prices keep the bid's indexation.
* ``nlw_uplift_pp`` — the National Living Wage (the wage floor) rises this many points a year faster
  than the reference rates give, from the financial year of service start (beyond the last year
  known the reference rates hold it flat, so this is then its growth a year). It moves the wage-floor
  guard, not the cost: pay rises through the pay uplift.
* ``cpi_pp`` — added to the tender's CPI a year: non-pay, fixed costs and insurance grow faster.
* ``payment_delay_days`` — added to the tender's payment terms (never below 0 days).
* ``mobilisation_overrun_months`` — the service starts m months later (the tender's service start
  and mobilisation months both move by m, so mobilisation starts when planned and the term is served
  in full from the later start). Mobilisation goes on meanwhile: m more months of mobilisation cost
  at the plan's average a month (the option's mobilisation items ÷ the planned mobilisation months),
  in the overrun months; one-off costs and funding drawn from service start on move with it.
* ``termination_after_year`` — the contract ends after that contract year (N ≥ 1): the term becomes
  N years with no extensions; equipment is written off and loans repaid when it ends (as at the end
  of any projection).
* ``competitor_price_pct`` — every competitor's expected annual price × (1 + c).
* ``interest_rate_pp`` — added to every loan's and overdraft's interest rate (never below 0%).
* ``cost_overrun_pct`` — every cost x% higher: the option's contingency becomes
  (1 + contingency)(1 + x) − 1, so the whole delivery cost (staff, non-pay, fixed costs, shared back
  office) is (1 + x) times the plan, and each mobilisation and capital item's amount × (1 + x).

Percentages are percentage points (``Decimal("-10")`` is −10%), as everywhere in the model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from .model import (
    CapitalItem,
    CapitalKind,
    Competitor,
    ConsortiumOption,
    FundingKind,
    FundingSource,
    Scenario,
    Tender,
    add_months,
    key,
)
from .money import HUNDRED, ZERO, allocate, quantize
from .rates import Provenance, RateTable, financial_year_start
from .workspace import Workspace

if TYPE_CHECKING:
    from .costing import CostBuildup
    from .pricing import PriceSchedule

__all__ = [
    "DRIVERS",
    "KEEPS_BUILDUP",
    "SHIPPED",
    "Adjustments",
    "Driver",
    "PricingBasis",
    "ScenarioMark",
    "adjust_rates",
    "apply",
    "pricing_basis",
    "scenario_rows",
    "shipped_scenarios",
]

ONE = Decimal(1)


@dataclass(frozen=True, slots=True)
class Driver:
    """One adjustment: its field (on ``Adjustments`` and on the ``Scenario`` entity) and how to say it."""

    name: str
    label: str  # short, for tables: "Volume"
    unit: str  # "%", "pp", "months", "days", "year"
    phrase: str  # ``{v}`` is the signed value: "volume {v}%"


#: The drivers of DOMAIN §9 in the order tables show them.
DRIVERS: tuple[Driver, ...] = (
    Driver("volume_pct", "Volume", "%", "volume {v}%"),
    Driver("ramp_up_months", "Ramp-up", "months", "ramp-up {v} months"),
    Driver("pay_uplift_pp", "Pay uplift", "pp", "pay uplift {v} points a year"),
    Driver("nlw_uplift_pp", "National Living Wage", "pp", "National Living Wage {v} points a year"),
    Driver("cpi_pp", "CPI", "pp", "CPI {v} points a year"),
    Driver("payment_delay_days", "Payment delay", "days", "payment terms {v} days"),
    Driver("mobilisation_overrun_months", "Mobilisation overrun", "months", "mobilisation {n} months late"),
    Driver("termination_after_year", "Ends after year", "year", "ends after year {n}"),
    Driver("competitor_price_pct", "Competitors' prices", "%", "competitors' prices {v}%"),
    Driver("interest_rate_pp", "Interest rate", "pp", "interest {v} points"),
    Driver("cost_overrun_pct", "Cost overrun", "%", "costs {v}%"),
)


@dataclass(frozen=True, slots=True)
class Adjustments:
    """The drivers' values (see the module's docstring); the default changes nothing."""

    volume_pct: Decimal = ZERO
    ramp_up_months: int = 0
    pay_uplift_pp: Decimal = ZERO
    nlw_uplift_pp: Decimal = ZERO
    cpi_pp: Decimal = ZERO
    payment_delay_days: int = 0
    mobilisation_overrun_months: int = 0
    termination_after_year: int = 0  # 0: the contract runs its term
    competitor_price_pct: Decimal = ZERO
    interest_rate_pp: Decimal = ZERO
    cost_overrun_pct: Decimal = ZERO

    def __post_init__(self) -> None:
        if self.volume_pct <= -HUNDRED:
            raise ValueError("volume cannot fall by 100% or more: nothing would be delivered")
        if self.competitor_price_pct <= -HUNDRED:
            raise ValueError("competitors' prices cannot fall by 100% or more")
        if self.cost_overrun_pct <= -HUNDRED:
            raise ValueError("costs cannot fall by 100% or more")
        if self.mobilisation_overrun_months < 0:
            raise ValueError("a mobilisation overrun cannot be negative")
        if self.termination_after_year < 0:
            raise ValueError("early termination is after a contract year (1 or more), or 0 for none")

    @classmethod
    def of(cls, scenario: Scenario) -> Adjustments:
        """The adjustments a stored scenario row holds."""
        return cls(**{d.name: getattr(scenario, d.name) for d in DRIVERS})

    def is_empty(self) -> bool:
        return self == Adjustments()

    def changes(self) -> tuple[tuple[Driver, Decimal | int], ...]:
        """The drivers this scenario moves, with their values, in ``DRIVERS`` order."""
        return tuple((d, getattr(self, d.name)) for d in DRIVERS if getattr(self, d.name))

    def describe(self) -> str:
        """``"volume −10%, pay uplift +1.5 points a year, …"`` ("no change" for none)."""
        parts = [_describe(d, v) for d, v in self.changes()]
        return ", ".join(parts) if parts else "no change"


def _signed(value: Decimal | int) -> str:
    """``+1.5``, ``−10``, ``0`` (a true minus sign)."""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return ("+" + text) if value > 0 else text.replace("-", "\u2212")


def _describe(d: Driver, v: Decimal | int) -> str:
    return d.phrase.format(v=_signed(v), n=v)


#: DOMAIN §9's shipped scenarios [U]: (name, the drivers they move, a note). Base changes nothing.
#: Upside is this program's assumption (DOMAIN gives none): more volume and pay a little below plan.
SHIPPED: tuple[tuple[str, Adjustments, str], ...] = (
    ("Base", Adjustments(), "The option as planned."),
    ("Downside", Adjustments(volume_pct=Decimal("-10"), pay_uplift_pp=Decimal("1.5"), payment_delay_days=30,
                             mobilisation_overrun_months=2),
     "DOMAIN §9 default [U]: volume −10%, pay +1.5 points a year, paid 30 days later, mobilisation 2 months late."),
    ("Severe", Adjustments(volume_pct=Decimal("-20"), pay_uplift_pp=Decimal("3"), payment_delay_days=60,
                           termination_after_year=3),
     "DOMAIN §9 default [U]: volume −20%, pay +3 points a year, paid 60 days later, terminated after year 3."),
    ("Upside", Adjustments(volume_pct=Decimal("10"), pay_uplift_pp=Decimal("-0.5")),
     "An assumption [U]: volume +10%, pay 0.5 points a year below plan."),
)


def shipped_scenarios(first_id: int = 1) -> list[Scenario]:
    """The shipped scenarios as rows with ids from ``first_id`` (what a new workspace holds)."""
    return [Scenario(first_id + i, name, notes=note, **{d.name: getattr(adj, d.name) for d in DRIVERS})
            for i, (name, adj, note) in enumerate(SHIPPED)]


# --------------------------------------------------------------------------- the bid as priced


@dataclass(frozen=True, slots=True)
class PricingBasis:
    """The base bid: each service line's year-one price per unit (to the penny) and the index a year its
    price follows (an exact fraction), by service-line key (``model.key``), and the base's own price
    schedule (the bid as the buyer evaluates it)."""

    unit_prices: Mapping[str, Decimal]
    price_index: Mapping[str, Decimal]
    schedule: PriceSchedule


def pricing_basis(schedule: PriceSchedule, tender: Tender | None) -> PricingBasis:
    """The basis of a price schedule computed on the stored option (its tender as stored).

    The index is recomputed from the same operands as the schedule's own, so the scenario's prices
    are the base's to the last digit.
    """
    pay = tender.pay_indexation_pct / HUNDRED if tender else ZERO
    cpi = tender.cpi_indexation_pct / HUNDRED if tender else ZERO
    return PricingBasis(
        MappingProxyType({t.key: t.unit_price for t in schedule.lines}),
        MappingProxyType({t.key: t.staff_share * pay + (ONE - t.staff_share) * cpi for t in schedule.lines}),
        schedule,
    )


@dataclass(frozen=True, slots=True)
class ScenarioMark:
    """Carried by a scenario's snapshot (``Workspace.scenario``): the option it adjusts, the adjustments,
    the snapshot as stored (the bid is priced on it) and, when the caller had it, that bid's basis."""

    option_id: int
    name: str
    adjustments: Adjustments
    base: Workspace
    basis: PricingBasis | None
    service_start: dt.date | None  # as the scenario has it: the National Living Wage path counts from its year
    years: int  # contract years priced (term and extensions, as stored)
    #: the option's cost build-up on this snapshot at the base bid's prices, when the caller already has it:
    #: adjustments that move only what the build-up does not read (``KEEPS_BUILDUP``) leave it as another such
    #: snapshot's
    buildup: CostBuildup | None = None


# --------------------------------------------------------------------------- applying


def _pct(value: Decimal) -> Decimal:
    return ONE + value / HUNDRED


def _next_ids(taken: Iterable[int | None], n: int) -> list[int]:
    """``n`` ids for rows that exist only in the snapshot: negative, so they never meet a stored one."""
    low = min([i for i in taken if i is not None] + [0])
    return [low - 1 - k for k in range(n)]


#: The drivers that move nothing the cost build-up reads: the tender's indexation a year (applied to the
#: years after the first by the price schedule) and the ramp-up (applied by the projection). Two snapshots
#: moved only by these, at the same base prices, have the same build-up, so one is carried into the other
#: (``ScenarioMark.buildup``; ``tests/services/test_sensitivity.py`` checks the build-ups and the figures).
KEEPS_BUILDUP = frozenset({"pay_uplift_pp", "cpi_pp", "ramp_up_months"})


E = TypeVar("E")
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]] = {}


def _with(row: E, name: str, value: Any) -> E:
    """``dataclasses.replace(row, **{name: value})`` for an entity (no ``__post_init__``, every field set by
    ``__init__``), without its generic work: the volume scenarios make about 2,000 rows at a time."""
    cls = type(row)
    known = _FIELDS.get(cls)
    if known is None:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        if any(not f.init for f in fields) or hasattr(cls, "__post_init__"):
            return dataclasses.replace(row, **{name: value})  # type: ignore[type-var]
        names = tuple(f.name for f in fields)
        known = _FIELDS[cls] = (names, operator.attrgetter(*names))
    names, get = known
    values = list(get(row))
    values[names.index(name)] = value
    return cls(*values)


def apply(ws: Workspace, option_id: int, adjustments: Adjustments, *, name: str = "",
          basis: PricingBasis | None = None, buildup: CostBuildup | None = None) -> Workspace:
    """A copy of ``ws`` with ``adjustments`` applied for ``option_id`` (see the module's docstring).

    ``ws`` is not changed. ``basis``: the base bid's prices when the caller already has them (else the
    prices analysis derives them from the snapshot as stored). ``buildup``: the option's cost build-up at
    ``basis``'s prices on a snapshot moved only by ``KEEPS_BUILDUP`` drivers, when the caller has one (carried
    by the mark; refused for adjustments that move anything else). Raises ``ValueError`` for an option
    that does not exist or a snapshot that is already a scenario's.
    """
    option = ws.get(ConsortiumOption, option_id)
    if option is None:
        raise ValueError(f"no consortium option with id {option_id}")
    if ws.scenario is not None:
        raise ValueError("this snapshot is already a scenario's: apply adjustments to the workspace as stored")
    a = adjustments
    if buildup is not None and (basis is None or not {d.name for d, _v in a.changes()} <= KEEPS_BUILDUP):
        raise ValueError("a cost build-up is carried only with the base prices, into adjustments that leave it as "
                         "it is (KEEPS_BUILDUP)")
    base = ws.copy()
    out = ws.copy()
    tender = ws.get(Tender, option.tender_id)
    volume = _pct(a.volume_pct)

    if tender is not None:
        changes: dict[str, object] = {}
        if a.pay_uplift_pp:
            changes["pay_indexation_pct"] = tender.pay_indexation_pct + a.pay_uplift_pp
        if a.cpi_pp:
            changes["cpi_indexation_pct"] = tender.cpi_indexation_pct + a.cpi_pp
        if a.payment_delay_days:
            changes["payment_terms_days"] = max(0, tender.payment_terms_days + a.payment_delay_days)
        if a.mobilisation_overrun_months:
            m = a.mobilisation_overrun_months
            changes["mobilisation_months"] = tender.mobilisation_months + m
            if tender.start_date is not None:
                changes["start_date"] = add_months(tender.start_date, m)
        if a.termination_after_year and a.termination_after_year < tender.term_years + tender.extension_years:
            changes["term_years"] = min(tender.term_years, a.termination_after_year)
            changes["extension_years"] = 0
        if changes:
            out.put(dataclasses.replace(tender, **changes))  # type: ignore[arg-type]
        if a.volume_pct:
            out.put_all(_with(r, "annual_volume", r.annual_volume * volume) for r in ws.requirements(tender.id))
        if a.competitor_price_pct:
            for c in ws.by(Competitor, "tender_id", tender.id):
                out.put(dataclasses.replace(c, annual_price=quantize(c.annual_price * _pct(a.competitor_price_pct))))

    option_changes: dict[str, object] = {}
    if a.ramp_up_months:
        option_changes["ramp_up_months"] = max(0, option.ramp_up_months + a.ramp_up_months)
    if a.cost_overrun_pct:
        option_changes["contingency_pct"] = (_pct(option.contingency_pct) * _pct(a.cost_overrun_pct) - ONE) * HUNDRED
    if option_changes:
        out.put(dataclasses.replace(option, **option_changes))  # type: ignore[arg-type]
    if a.volume_pct:
        out.put_all(_with(al, "volume", al.volume * volume) for al in ws.allocations(option_id))

    if a.interest_rate_pp:
        for s in ws.by(FundingSource, "option_id", option_id):
            if s.kind in (FundingKind.LOAN, FundingKind.OVERDRAFT):
                out.put(dataclasses.replace(s, interest_rate_pct=max(ZERO, s.interest_rate_pct + a.interest_rate_pp)))

    items = sorted(ws.by(CapitalItem, "option_id", option_id), key=lambda i: i.id or 0)
    if a.cost_overrun_pct:
        items = [dataclasses.replace(i, amount=quantize(i.amount * _pct(a.cost_overrun_pct))) for i in items]
    if a.mobilisation_overrun_months and tender is not None:
        items = _overrun(out, ws, option_id, items, tender.mobilisation_months, a.mobilisation_overrun_months)
    for item in items:
        out.put(item)

    moved = out.get(Tender, tender.id) if tender is not None else None  # its service start, as the scenario has it
    out.scenario = ScenarioMark(option_id, name, a, base, basis, moved.start_date if moved is not None else None,
                                (tender.term_years + tender.extension_years) if tender is not None else 1, buildup)
    return out


def _overrun(out: Workspace, ws: Workspace, option_id: int, items: list[CapitalItem], planned: int,
             months: int) -> list[CapitalItem]:
    """Mobilisation ``months`` longer: what was due from service start moves with it, and the plan's
    average monthly mobilisation cost goes on through the extra months (new items in the snapshot)."""
    moved = [dataclasses.replace(i, month=i.month + months) if i.month >= planned else i for i in items]
    for s in ws.by(FundingSource, "option_id", option_id):
        if s.drawdown_month >= planned:
            current = out.get(FundingSource, s.id) or s
            out.put(dataclasses.replace(current, drawdown_month=current.drawdown_month + months))
    total = sum((i.amount for i in items if i.kind is CapitalKind.MOBILISATION), ZERO)
    if planned <= 0 or total <= 0:
        return moved
    extra = allocate(quantize(total * months / planned), [ONE] * months)
    ids = _next_ids((i.id for i in ws.iter(CapitalItem)), months)
    taken = {key(i.name) for i in items}
    for k, (amount, id_) in enumerate(zip(extra, ids, strict=True)):
        label = f"Mobilisation overrun, month {k + 1}"
        while key(label) in taken:
            label += " (scenario)"
        moved.append(CapitalItem(id_, option_id, label, CapitalKind.MOBILISATION, amount, planned + k, 0))
    return moved


# --------------------------------------------------------------------------- the wage floor path


def adjust_rates(table: RateTable, mark: ScenarioMark | None) -> RateTable:
    """The reference rates with the scenario's National Living Wage path (unchanged without one).

    From the financial year of service start, year k's National Living Wage × (1 + x)^k; years beyond
    the last one known are added (the last year's rates, its wage on the path) up to the last contract
    year, each marked as the scenario's assumption.
    """
    if mark is None or not mark.adjustments.nlw_uplift_pp:
        return table
    growth = _pct(mark.adjustments.nlw_uplift_pp)
    start = financial_year_start(mark.service_start or table.last.starts)
    end = dt.date(start.year + mark.years + 1, 4, 1)  # the last contract year may start after 1 April
    years = list(table.years)
    while years[-1].starts < end:
        last = years[-1]
        years.append(dataclasses.replace(last, label=f"{last.starts.year + 1}/{(last.starts.year + 2) % 100:02d}",
                                         starts=dt.date(last.starts.year + 1, 4, 1)))
    source = Provenance(f"Scenario {mark.name!r}: National Living Wage {_signed(mark.adjustments.nlw_uplift_pp)} "
                        "points a year", status="U")
    out = []
    for y in years:
        k = y.starts.year - start.year
        if k <= 0:
            out.append(y)
            continue
        provenance = tuple((n, p) for n, p in y.provenance if n != "national_living_wage")
        out.append(dataclasses.replace(y, national_living_wage=quantize(y.national_living_wage * growth ** k),
                                       provenance=(*provenance, ("national_living_wage", source))))
    return RateTable(tuple(out))


def scenario_rows(ws: Workspace) -> list[Scenario]:
    """The workspace's scenarios in the order they were made."""
    return sorted(ws.iter(Scenario), key=lambda s: s.id or 0)
