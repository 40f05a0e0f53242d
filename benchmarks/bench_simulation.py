"""Risk by simulation: 10,000 draws of each demo option's projection (target: under 1 s).

A plain script (not a test): ``python benchmarks/bench_simulation.py`` prints, per option of the bundled
demo, the time of ``domain.simulation.simulate`` with the default ranges and 10,000 draws (sampling, the
vector model in chunks, the percentiles and histograms), and, as an anchor measured in the same run,
one exact ``run_scenario`` of the same option under the Severe scenario (the Decimal pipeline the
vector model reproduces), with the ratio: how many exact runs the 10,000 draws cost.
"""

from __future__ import annotations

from _common import report, timed

DRAWS = 10_000


def main() -> None:
    from consortium_planner.domain import scenarios as sc
    from consortium_planner.domain import simulation as sim
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services import pipeline
    from consortium_planner.services.demo import build_demo_entities, load_demo_source
    from consortium_planner.services.scenarios import run_scenario

    ws = Workspace(build_demo_entities(load_demo_source()))
    severe = dict((name, adj) for name, adj, _ in sc.SHIPPED)["Severe"]
    for option in ws.options():
        base = pipeline.run(ws, option.id, ("capital", "prices"))
        basis = sim.basis(ws, option.id, base["capital"], base["prices"])
        sim.simulate(basis, draws=1_000)  # warm up
        median, best = timed(lambda b=basis: sim.simulate(b, draws=DRAWS), 5)
        report(f"demo: {option.name[:24]}: {DRAWS:,} draws", median, best, 1000)
        anchor, anchor_best = timed(lambda o=option, r=base: run_scenario(ws, o.id, severe, base=r), 5)
        report(f"demo: {option.name[:24]}: one exact run (anchor)", anchor, anchor_best)
        print(f"{'':<58} {DRAWS:,} draws = {median / anchor:,.1f} exact runs "
              f"({median / DRAWS * 1000:,.1f} µs a draw, {anchor * 1000:,.0f} µs an exact run)")


if __name__ == "__main__":
    main()
