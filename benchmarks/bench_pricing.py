"""Pricing benchmarks: Monte Carlo win probability, best price, cost build-up and winning price.

A plain script (not a test): ``python benchmarks/bench_pricing.py`` prints one line per figure,
the median of several runs, e.g. ``pricing: monte carlo 10,000 draws: 12.3 ms``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
import time
from collections.abc import Callable
from decimal import Decimal as D

from consortium_planner.domain.costing import cost_buildup
from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    CostProfile,
    Member,
    Organisation,
    PensionScheme,
    PriceMethod,
    Requirement,
    Role,
    Tender,
)
from consortium_planner.domain.pricing import (
    Competitor,
    ScoringRules,
    best_price,
    bid_prices,
    evaluate,
    highest_winning_price,
    win_probability,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.rates import load_reference_rates


def _median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _line(what: str, ms: float, target_ms: float | None = None) -> None:
    verdict = "" if target_ms is None else f" (target < {target_ms:,.0f} ms: {'met' if ms < target_ms else 'MISSED'})"
    print(f"pricing: {what}: {ms:,.1f} ms{verdict}")


def large_option(members: int = 20, lines: int = 10, areas: int = 4, roles: int = 3) -> Workspace:
    """A tender with lines × areas requirements, all delivered by every member (3 roles each)."""
    ents: list = [
        Tender(id=1, name="Large", start_date=dt.date(2025, 10, 1), term_years=5, extension_years=2,
               annual_value=D("50000000"), budget_ceiling=D("60000000")),
        ConsortiumOption(id=1, tender_id=1, name="Everyone", management_fee_pct=D("3"),
                         shared_costs_per_year=D("750000"), contingency_pct=D("2")),
    ]
    req_id = 0
    reqs: list[tuple[int, int]] = []
    for li in range(lines):
        for a in range(areas):
            req_id += 1
            reqs.append((req_id, li))
            ents.append(Requirement(id=req_id, tender_id=1, service_line=f"Service {li}", area=f"Area {a}",
                                    annual_volume=D(members * 1000)))
    prof_id = role_id = alloc_id = 0
    schemes = list(PensionScheme)
    for m in range(1, members + 1):
        ents += [Organisation(id=m, name=f"Member {m}"), Member(id=m, option_id=1, organisation_id=m)]
        for li in range(lines):
            prof_id += 1
            ents.append(CostProfile(id=prof_id, organisation_id=m, service_line=f"Service {li}",
                                    pension_scheme=schemes[(m + li) % len(schemes)], pension_rate_pct=D("18"),
                                    mileage_per_unit=D("4"), non_pay_per_unit=D("1.25"),
                                    fixed_costs_per_year=D(20000 + 100 * m)))
            for r in range(roles):
                role_id += 1
                ents.append(Role(id=role_id, cost_profile_id=prof_id, name=f"Role {r}",
                                 hourly_rate=D("12.71") + D(r) + D(m) / 10, hours_per_unit=D("0.5")))
        for rid, _li in reqs:
            alloc_id += 1
            ents.append(Allocation(id=alloc_id, option_id=1, requirement_id=rid, member_id=m, volume=D(1000)))
    return Workspace(ents)


def main() -> None:
    rules = ScoringRules(D("60"), D("30"), D("10"), PriceMethod.RELATIVE)
    ours = Competitor("Us", D("1000000"), D("70"), D("100"), D("8"), D("10"))
    field = [Competitor(f"C{i}", D(900000 + 40000 * i), D(55 + 5 * i), D("100"), D(5 + i % 4), D("10"))
             for i in range(5)]

    _line("monte carlo 10,000 draws", _median_ms(lambda: win_probability(ours, field, rules, seed=1)), 200)
    budget = dataclasses.replace(rules, method=PriceMethod.BUDGET, budget=D("1000000"), ceiling=D("1100000"))
    _line("monte carlo 10,000 draws (budget method)",
          _median_ms(lambda: win_probability(ours, field, budget, seed=1)), 200)
    _line("monte carlo 100,000 draws", _median_ms(lambda: win_probability(ours, field, rules, draws=100_000, seed=1),
                                                  repeat=3))
    _line("best price, 101 prices × 10,000 draws",
          _median_ms(lambda: best_price(D("850000"), ours, field, rules, seed=1), repeat=3))
    _line("evaluate 6 bids", _median_ms(lambda: evaluate(ours, field, rules)))
    for method in PriceMethod:
        r = dataclasses.replace(rules, method=method, budget=D("1000000"), ceiling=D("1300000"))
        _line(f"highest winning price ({method.value})", _median_ms(lambda r=r: highest_winning_price(ours, field, r)))

    rates = load_reference_rates()
    ws = large_option()
    _line("cost build-up, 20 members × 10 service lines × 4 areas (800 allocations)",
          _median_ms(lambda: cost_buildup(ws, 1, rates), repeat=5), 500)
    _line("bid prices with extensions, same option",
          _median_ms(lambda: bid_prices(ws, 1, rates, include_extensions=True), repeat=5), 500)


if __name__ == "__main__":
    main()
