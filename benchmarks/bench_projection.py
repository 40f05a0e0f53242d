"""Projection benchmarks: monthly projection, funding and returns of every option of the large workspace.

A plain script (not a test): ``python benchmarks/bench_projection.py`` prints, per option, the time of
the projection (funding and returns included) from an already computed price schedule, the target
being under 100 ms, and the price schedule itself for comparison; then the bundled demo's options.
"""

from __future__ import annotations

from _common import large_file, report, timed


def _bench(ws, label: str, repeat: int = 5) -> None:
    from consortium_planner.domain.model import Allocation, Member
    from consortium_planner.domain.projection import capital
    from consortium_planner.services.analyses import prices, workspace_rates

    rates = workspace_rates(ws)
    for i, option in enumerate(ws.options(), start=1):
        schedule = prices(ws, option.id)
        capital(ws, option.id, rates, schedule=schedule)  # warm up
        size = f"{len(ws.members(option.id))} members, {len(ws.allocations(option.id)):,} allocations"
        report(f"{label}: option {i} projection ({size})",
               *timed(lambda o=option, s=schedule: capital(ws, o.id, rates, schedule=s), repeat), 100)
        report(f"{label}: option {i} price schedule (for comparison)",
               *timed(lambda o=option: prices(ws, o.id), max(1, repeat // 2)))
    assert ws.count(Member) and ws.count(Allocation)


def main() -> None:
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services.demo import build_demo_entities, load_demo_source
    from consortium_planner.store.workspace_file import Store

    with Store.open(large_file()) as store:
        large = store.load()
    _bench(large, "large")
    _bench(Workspace(build_demo_entities(load_demo_source())), "demo")  # the bundled demo as it is now


if __name__ == "__main__":
    main()
