"""The optimiser against its anchor, HiGHS alone on the same LP (issue 22, goal 3: at most 1.5×).

On the generated large workspace (``python benchmarks/bench_optimiser.py``; pass scales such as
``1 8`` for 1× and 8× the areas), the largest option, in memory:

- the anchor: ``scipy.optimize.linprog(method="highs")`` alone on the very LPs the optimiser
  handed it (captured during a run, then replayed): the strict LP and, when that is infeasible,
  the relaxation, so the anchor is every solve the optimiser makes;
- the optimiser after an allocation edit (``analyses.optimiser`` on a fresh ``Workspace.copy()``,
  the copy not timed, as the GUI hands one to its worker thread): what the goal is about;
- the optimiser after an edit to one requirement row (the option's model and LP are made again):
  shown for honesty, not the goal's case.

Runs alternate between the optimiser and the anchor so background load falls on both alike.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from typing import Any

GOAL = 1.5


def main() -> None:
    for scale in [int(a) for a in sys.argv[1:]] or [1]:
        _bench(scale)


def _bench(scale: int, repeat: int = 25) -> None:
    import scipy.optimize

    from consortium_planner.domain.model import ConsortiumOption
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services import analyses
    from consortium_planner.services.generate import build_large

    real_linprog = scipy.optimize.linprog
    ws = Workspace(build_large(areas=20 * scale))
    option = max(ws.all(ConsortiumOption), key=lambda o: len(ws.allocations(o.id)))
    oid = option.id
    allocs = sorted(ws.allocations(oid), key=lambda a: a.id or 0)
    reqs = ws.requirements(option.tender_id)
    print(f"large workspace x{scale}: {len(reqs):,} requirements, {len(ws.members(oid))} members, "
          f"{len(allocs):,} allocations")

    # the LPs the optimiser solves, captured as it hands them to linprog
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def capture(*args: Any, **kwargs: Any) -> Any:
        calls.append((args, kwargs))
        return real_linprog(*args, **kwargs)

    # once on the workspace itself: its indexes (cost profiles, roles, capacities) are built, as the
    # analyses an open window shows would have built them; an index built on a copy stays there
    scipy.optimize.linprog = capture
    try:
        first = analyses.optimiser(ws, oid)
    finally:
        scipy.optimize.linprog = real_linprog
    n_vars = calls[0][0][0].shape[0] if calls else 0
    print(f"  LP: {n_vars} variables, {len(calls)} solve(s) a run; status {first.status.value}")

    def highs_alone() -> float:
        t0 = time.perf_counter()
        for args, kwargs in calls:
            real_linprog(*args, **kwargs)
        return (time.perf_counter() - t0) * 1000

    step = iter(range(1, 1_000_000))

    def after_allocation_edit() -> tuple[float, float]:
        a = allocs[0]
        ws.put(dataclasses.replace(a, volume=a.volume + next(step) % 2))
        snap = ws.copy()
        t0 = time.perf_counter()
        p = analyses.optimiser(snap, oid)
        return (time.perf_counter() - t0) * 1000, p.solve_seconds * 1000

    def after_requirement_edit() -> float:
        r = reqs[len(reqs) // 2]
        ws.put(dataclasses.replace(r, unit=r.unit))  # a new row, the same values: the option's model is made again
        snap = ws.copy()
        t0 = time.perf_counter()
        analyses.optimiser(snap, oid)
        return (time.perf_counter() - t0) * 1000

    anchor, opt, own_solve, cold, paired = [], [], [], [], []
    for _ in range(repeat):
        before = highs_alone()
        ms, solve = after_allocation_edit()
        after = highs_alone()
        anchor += [before, after]
        opt.append(ms)
        own_solve.append(solve)
        paired.append(ms / ((before + after) / 2))
        cold.append(after_requirement_edit())
    a, o, c = statistics.median(anchor), statistics.median(opt), statistics.median(cold)
    ratio = o / a
    print(f"  HiGHS alone on the same LP(s)                  median {a:7.2f} ms "
          f"(the optimiser's own count of its solve time: {statistics.median(own_solve):.2f} ms)")
    print(f"  optimiser after an allocation edit             median {o:7.2f} ms (best {min(opt):.2f} ms)")
    print(f"  optimiser ÷ HiGHS alone: {ratio:.2f}x   goal <= {GOAL}x: {'met' if ratio <= GOAL else 'MISSED'}   "
          f"(run by run, each against the HiGHS runs either side: median {statistics.median(paired):.2f}x, "
          f"worst {max(paired):.2f}x)")
    print(f"  optimiser after a requirement edit (rebuilt)  median {c:7.2f} ms, {c / a:.2f}x HiGHS alone "
          "(not the goal's case)")


if __name__ == "__main__":
    main()
