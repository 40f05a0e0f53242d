"""The lot choice (issue 18) on every option of the large workspace and the demo, and on a generated tender of
forty lots.

A plain script (not a test): ``python benchmarks/bench_lots.py`` prints, per option, the time of the ``lots``
analysis with what it needs already computed (what an edit to a lot decision recomputes: the problem built
from the workspace, the best set and the planned set solved, every lot's reason), and the anchor measured in
the same run: HiGHS alone (``scipy.optimize.milp``) on the same integer programme, the arrays already built.
An option none of whose lots fits the partners' capacity even alone needs no programme: its time is printed
without a ratio. The choice solves up to two programmes (the best set and the planned set) and checks each in Decimal, so about
2× the anchor is the floor.
"""

from __future__ import annotations

import random
import statistics
from decimal import Decimal

from _common import large_file, report, timed


def _milp_calls(fn):
    """Run ``fn`` and return the arguments of every ``milp`` call it made."""
    import scipy.optimize

    calls, real = [], scipy.optimize.milp

    def spy(*args, **kw):
        calls.append((args, kw))
        return real(*args, **kw)

    scipy.optimize.milp = spy
    try:
        fn()
    finally:
        scipy.optimize.milp = real
    return calls


def _anchor_ms(calls, repeat: int) -> tuple[float, float]:
    from scipy.optimize import milp

    def highs():
        for args, kw in calls:
            milp(*args, **kw)

    return timed(highs, repeat)


def _bench(ws, label: str, repeat: int = 7) -> list[float]:
    from consortium_planner.domain.lots import LotChoice
    from consortium_planner.services.pipeline import Results, run

    ratios = []
    options = [o for o in ws.options() if ws.lots(o.tender_id)]
    assert options, "no option's tender has lots: the benchmark would skip the work"
    for i, option in enumerate(options, start=1):
        base = run(ws, option.id, ["coverage", "prices", "evaluation", "funding"])

        def lots(o=option, b=base):
            result = run(ws, o.id, ["lots"], results=Results.of(o.id, dict(b)))["lots"]
            assert isinstance(result, LotChoice), result
            return result

        calls = _milp_calls(lots)
        med, best = timed(lots, repeat)
        n = len(ws.lots(option.tender_id))
        if not calls:  # no lot fits the partners' capacity even alone: the choice needs no programme
            report(f"{label}: option {i} lot choice ({n} lots, none fits alone: no programme)", med, best)
            continue
        a_med, a_best = _anchor_ms(calls, repeat)
        report(f"{label}: option {i} lot choice ({n} lots, {len(calls)} programmes)", med, best)
        report(f"{label}: option {i} HiGHS alone on the same programmes (the anchor)", a_med, a_best)
        ratios.append(med / a_med)
    return ratios


def _generated(repeat: int = 7) -> float:
    from consortium_planner.domain.lots import LotInput, LotProblem, lot_choice
    from consortium_planner.domain.model import LotDecision

    rng = random.Random(18)
    keys = [(f"line {k}", f"area {a}") for k in range(5) for a in range(3)]
    lots = tuple(LotInput(i, f"Lot {i}", LotDecision.CHOOSE, Decimal(rng.randint(10, 60)) / 100, "generated",
                          Decimal(rng.randint(-50_000, 900_000)), Decimal(0), Decimal(rng.randint(0, 200_000)),
                          {k: Decimal(rng.randint(100, 4000)) for k in rng.sample(keys, 3)}) for i in range(1, 41))
    problem = LotProblem(lots, {k: Decimal(rng.randint(3000, 12000)) for k in keys}, {}, Decimal(2_000_000), 12)
    calls = _milp_calls(lambda: lot_choice(1, problem))
    med, best = timed(lambda: lot_choice(1, problem), repeat)
    a_med, a_best = _anchor_ms(calls, repeat)
    report("generated: 40 lots, 15 service lines × areas, a cap of 12", med, best)
    report("generated: HiGHS alone on the same programmes (the anchor)", a_med, a_best)
    return med / a_med


def main() -> None:
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services.demo import build_demo_entities, load_demo_source
    from consortium_planner.store.workspace_file import Store

    with Store.open(large_file()) as store:
        large = store.load()
    ratios = _bench(large, "large")
    ratios += _bench(Workspace(build_demo_entities(load_demo_source())), "demo")
    ratios.append(_generated())
    print(f"lot choice ÷ HiGHS alone, median over the {len(ratios)} cases with a programme: "
          f"{statistics.median(ratios):.2f}× "
          f"(two programmes and the Decimal checks: goal ≤ 3×: {'met' if statistics.median(ratios) <= 3 else 'MISSED'})")


if __name__ == "__main__":
    main()
