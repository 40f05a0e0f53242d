"""Sensitivity benchmark: the ``sensitivity`` analysis (a tornado of every driver at its low and high value,
nine break-evens solved by bisection) for each option of the demo and one option of the large workspace.

A plain script (not a test): ``python benchmarks/bench_sensitivity.py``. Every point of the analysis is a
scenario run, so the anchor, measured in the same run on the same machine, is one such point: the option
with volume −10% through ``services.scenarios.run_scenario`` and the analyses a point needs. The ratio of the
whole analysis to the anchor is how many points' worth of work it costs (the points it runs, less those it
finds cheaper: a point that moves competitors' prices also runs the evaluation), which does not depend on how
fast the machine is. Target [U]: a few seconds an option on the demo (< 5 s). The vector model's estimate the
Sensitivity tab shows first (``estimate_sensitivity``) is timed against the same anchor.
"""

from __future__ import annotations

from decimal import Decimal

from _common import large_file, report, timed


def _bench(ws, label: str, options, repeat: int) -> None:
    for option in options:
        _one(ws, label, option.id, option.name, repeat)


def _one(ws, label: str, option_id: int, name: str, repeat: int) -> None:
    from consortium_planner.domain.scenarios import Adjustments
    from consortium_planner.services.pipeline import run
    from consortium_planner.services.scenarios import run_scenario
    from consortium_planner.services.sensitivity import NEEDS, POINT_NEEDS, sensitivity

    base = run(ws, option_id, NEEDS)
    point = Adjustments(volume_pct=Decimal("-10"))
    anchor, anchor_best = timed(lambda: run_scenario(ws, option_id, point, base=base, names=POINT_NEEDS),
                                max(repeat, 3))
    report(f"{label} {name[:24]}: one point (anchor)", anchor, anchor_best)
    runs: list[int] = []
    median, best = timed(lambda: runs.append(sensitivity(ws, option_id, base).runs), repeat)
    report(f"{label} {name[:24]}: sensitivity", median, best, 5000 if label == "demo" else None)
    print(f"{'':<58} {runs[0]} scenario runs; {median / runs[0]:.1f} ms a run; {median / anchor:.0f}× the anchor")
    from consortium_planner.services.sensitivity import estimate_sensitivity

    est, est_best = timed(lambda: estimate_sensitivity(ws, option_id, base), max(repeat, 3))
    report(f"{label} {name[:24]}: its estimate", est, est_best)
    print(f"{'':<58} the vector model's estimate, shown first: {est / anchor:.1f}× the anchor, "
          f"{median / est:.0f}× faster than the exact analysis")


def main() -> None:
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services.demo import build_demo_entities, load_demo_source
    from consortium_planner.store.workspace_file import Store

    demo = Workspace(build_demo_entities(load_demo_source()))
    _bench(demo, "demo", demo.options(), 3)
    with Store.open(large_file()) as store:
        large = store.load()
    _bench(large, "large", large.options()[:1], 1)


if __name__ == "__main__":
    main()
