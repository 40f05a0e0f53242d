"""Which route, which contest: the Provider Selection Regime screener (DOMAIN §11; issue 18).

NHS and public-health healthcare services are awarded under the Provider Selection Regime (from
January 2024) [V]. From the facts entered on the tender the screener says which processes the buyer
may use, in the regime's order, and what each means for a bid:

- **Direct award A**: only one provider is capable of delivering the service. No competition.
- **Direct award B**: patients choose their provider. Every provider meeting the requirements is
  awarded a contract, so there is no competition on price; income follows the patients' choices.
- **Direct award C**: the incumbent is delivering satisfactorily **and** the considerable-change
  test is not met. The considerable-change test is met when the new contract's lifetime value is
  at least £500,000 **and** at least 25% higher than the current one [K]. Lifetime value is the annual
  value × (term + extensions).
- **Most suitable provider**: the buyer picks the provider it judges most suitable against the key
  criteria, without a competition.
- **Competitive process**: bids scored against the five key criteria (quality and innovation; value;
  integration, collaboration and service sustainability; improving access, reducing inequalities
  and facilitating choice; social value).

The last two are always open to a buyer; the three direct awards only when their facts hold. Where
prices are set nationally, providers compete on quality only [K]. In the first ten weeks of the
regime awards went A 33%, B 12%, C 32%, most suitable provider 11%, competitive 12% [V].

Outside the regime (Procurement Act 2023, PCR 2015, a grant) the screener does not apply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from .findings import Finding, Severity
from .model import Regime, Tender, key

__all__ = ["KEY_CRITERIA", "Process", "ProcessCheck", "Route", "considerable_change", "screen"]

CHANGE_POUNDS = Decimal(500_000)  # [K]
CHANGE_PCT = Decimal(25)  # [K]
KEY_CRITERIA = ("Quality and innovation", "Value", "Integration, collaboration and service sustainability",
                "Improving access, reducing inequalities and facilitating choice", "Social value")


class Process(enum.StrEnum):
    DIRECT_A = "direct_award_a"
    DIRECT_B = "direct_award_b"
    DIRECT_C = "direct_award_c"
    MOST_SUITABLE = "most_suitable_provider"
    COMPETITIVE = "competitive"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {Process.DIRECT_A: "Direct award A", Process.DIRECT_B: "Direct award B",
           Process.DIRECT_C: "Direct award C", Process.MOST_SUITABLE: "Most suitable provider",
           Process.COMPETITIVE: "Competitive process"}

#: Share of awards in the regime's first ten weeks [V].
EARLY_SHARE = {Process.DIRECT_A: Decimal(33), Process.DIRECT_B: Decimal(12), Process.DIRECT_C: Decimal(32),
               Process.MOST_SUITABLE: Decimal(11), Process.COMPETITIVE: Decimal(12)}


@dataclass(frozen=True, slots=True)
class ProcessCheck:
    process: Process
    available: bool
    reason: str  # why it is or is not open to the buyer
    price_competition: bool  # whether bids would compete on price under it
    meaning: str  # what it means for a bid


@dataclass(frozen=True, slots=True)
class Change:
    """The considerable-change test on lifetime values."""

    current: Decimal
    new: Decimal
    increase: Decimal
    increase_pct: Decimal | None  # None when the current value is nothing
    considerable: bool


@dataclass(frozen=True, slots=True)
class Route:
    applies: bool  # the tender is under the Provider Selection Regime
    regime: str
    processes: tuple[ProcessCheck, ...]
    likely: Process | None  # the first process open to the buyer, in the regime's order
    change: Change | None
    incumbent: str
    incumbent_in_bid: bool | None  # None: no option given, or no incumbent
    price_competition: bool
    summary: str
    findings: tuple[Finding, ...]

    def check(self, process: Process) -> ProcessCheck:
        return next(p for p in self.processes if p.process is process)


def considerable_change(current: Decimal, new: Decimal) -> Change:
    increase = new - current
    pct = increase / current * 100 if current > 0 else None
    considerable = increase >= CHANGE_POUNDS and (pct is None or pct >= CHANGE_PCT)
    return Change(current, new, increase, pct, considerable)


def _money(amount: Decimal) -> str:
    return f"£{amount:,.0f}"


def screen(tender: Tender, bidders: tuple[str, ...] = ()) -> Route:
    """The processes open to the buyer of ``tender`` and what they mean for a bid by ``bidders`` (the
    option's member organisations' names; empty: no option in view)."""
    if tender.regime is not Regime.PSR:
        summary = (f"{tender.regime.label}: the Provider Selection Regime does not apply, so the screener has "
                   "nothing to say; the tender's evaluation is as set.")
        return Route(False, tender.regime.label, (), None, None, tender.psr_incumbent, None, not tender.national_prices,
                     summary, ())
    nationally = tender.national_prices
    incumbent = tender.psr_incumbent.strip()
    in_bid = None
    if incumbent and bidders:
        in_bid = key(incumbent) in {key(b) for b in bidders}
    new_value = tender.annual_value * (tender.term_years + tender.extension_years)
    change = (considerable_change(tender.psr_current_lifetime_value, new_value)
              if tender.psr_current_lifetime_value is not None else None)
    checks = [
        ProcessCheck(Process.DIRECT_A, tender.psr_only_capable_provider,
                     "only one provider is capable of delivering it" if tender.psr_only_capable_provider
                     else "more than one provider is capable (not stated otherwise)", False,
                     "the buyer awards to the only capable provider without competition"),
        ProcessCheck(Process.DIRECT_B, tender.psr_patient_choice,
                     "patients choose their provider" if tender.psr_patient_choice else "patient choice does not apply",
                     False, "every provider meeting the requirements gets a contract; no price competition, and "
                            "income follows patients' choices (volume risk)"),
    ]
    if not incumbent:
        c_open, c_reason = False, "there is no incumbent (a new service)"
    elif not tender.psr_incumbent_satisfactory:
        c_open, c_reason = False, f"the incumbent ({incumbent}) is not judged to be performing satisfactorily"
    elif change is None:
        c_open, c_reason = True, (f"the incumbent ({incumbent}) performs satisfactorily; enter the current lifetime "
                                  "value to run the considerable-change test (assumed not met)")
    elif change.considerable:
        pct = f", {change.increase_pct:.0f}%" if change.increase_pct is not None else ""
        c_open, c_reason = False, (f"a considerable change: the lifetime value rises by {_money(change.increase)}{pct} "
                                   f"(≥ £500,000 and ≥ 25%)")
    else:
        pct = f" ({change.increase_pct:.0f}%)" if change.increase_pct is not None else ""
        c_open, c_reason = True, (f"the incumbent ({incumbent}) performs satisfactorily; lifetime value "
                                  f"{'+' if change.increase >= 0 else '−'}{_money(abs(change.increase))}{pct}: "
                                  "not a considerable change")
    checks.append(ProcessCheck(Process.DIRECT_C, c_open, c_reason, False,
                               f"the buyer may award to the incumbent ({incumbent or 'none'}) without competition"))
    checks.append(ProcessCheck(Process.MOST_SUITABLE, True, "always open to the buyer", False,
                               "the buyer picks the provider it judges most suitable against the five key criteria, "
                               "without a competition: no bid is scored"))
    checks.append(ProcessCheck(Process.COMPETITIVE, True, "always open to the buyer", not nationally,
                               "bids are scored against the five key criteria; "
                               + ("prices are set nationally, so bids compete on quality only" if nationally
                                  else "price counts within value")))
    likely = next(c.process for c in checks if c.available)
    findings: list[Finding] = []
    if likely in (Process.DIRECT_A, Process.DIRECT_C) and in_bid is False:
        findings.append(Finding(
            "psr_direct_award_elsewhere",
            f"{likely.label} is open to the buyer: it may award the contract to {incumbent or 'the only capable provider'} "
            "without a competition, so this bid may never be scored", Severity.WARNING, area="Route",
            cure="ask the buyer which process it intends (it must publish its intention) before spending on the bid"))
    elif likely is Process.DIRECT_A and in_bid is None and bidders:
        findings.append(Finding(
            "psr_direct_award_a", "Direct award A is open to the buyer: it may award to the only capable provider "
            "without a competition", Severity.WARNING, area="Route"))
    if in_bid and likely is Process.DIRECT_C:
        findings.append(Finding(
            "psr_incumbent_in_bid", f"The incumbent ({incumbent}) is in this bid and direct award C is open: the buyer "
            "may renew without a competition", Severity.INFO, area="Route"))
    if nationally or likely in (Process.DIRECT_B, Process.MOST_SUITABLE):
        findings.append(Finding(
            "no_price_competition", "No price competition is likely (" + ("prices are set nationally" if nationally
                                                                         else likely.label.lower())
            + "): bids are judged on quality against the key criteria; the price still has to cover cost",
            Severity.INFO, area="Route"))
    competes = not nationally and likely is Process.COMPETITIVE
    summary = (f"Provider Selection Regime: the first process open to the buyer is {likely.label} "
               f"({next(c for c in checks if c.process is likely).reason}); "
               + ("bids would compete on price within value." if competes else "no price competition is likely."))
    return Route(True, tender.regime.label, tuple(checks), likely, change, incumbent, in_bid, competes, summary,
                 tuple(findings))
