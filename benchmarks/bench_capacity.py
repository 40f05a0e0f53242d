"""Capacity benchmarks on the large generated workspace: coverage after an edit, optimiser, partners, workforce.

A plain script (not a test): ``python benchmarks/bench_capacity.py`` prints one line per figure,
the median and best of several runs, with the target where there is one.
"""

from __future__ import annotations

import os
import statistics
import time
from decimal import Decimal

from _common import large_file, report, timed


def main() -> None:
    from consortium_planner.domain.model import Allocation
    from consortium_planner.services import analyses
    from consortium_planner.services.session import WorkspaceSession

    session = WorkspaceSession.open(large_file())
    try:
        ws = session.ws
        # the largest option: the one with the most allocations
        options = ws.options()
        option = max(options, key=lambda o: len(ws.allocations(o.id)))
        oid = option.id
        n_alloc = len(ws.allocations(oid))
        n_req = len(ws.requirements(option.tender_id))
        n_mem = len(ws.members(oid))
        size = f"{n_req} requirements, {n_mem} members, {n_alloc:,} allocations"
        print(f"largest option: ‘{option.name}’ ({size})")

        analyses.coverage(ws, oid)  # warm the capacity index cache, as an open screen would have
        alloc = sorted(ws.allocations(oid), key=lambda a: a.id)[0]
        volumes = iter(range(1, 100_000))

        def edit_then_coverage():
            session.set_field(Allocation, alloc.id, "volume", str(next(volumes)))
            analyses.coverage(session.ws, oid)

        report("allocation edit (saved) + coverage", *timed(edit_then_coverage, repeat=20), 50)

        edit_ms, after_ms = [], []
        for _ in range(20):
            t0 = time.perf_counter()
            session.set_field(Allocation, alloc.id, "volume", str(next(volumes)))
            t1 = time.perf_counter()
            analyses.coverage(session.ws, oid)
            t2 = time.perf_counter()
            edit_ms.append((t1 - t0) * 1000)
            after_ms.append((t2 - t1) * 1000)
        report("  of which the edit, validated and saved", statistics.median(edit_ms), min(edit_ms))
        report("  of which coverage (first run after the edit)", statistics.median(after_ms), min(after_ms), 50)
        report("coverage, nothing changed", *timed(lambda: analyses.coverage(session.ws, oid), repeat=20))
        report("workforce (FTE, TUPE, recruitment)", *timed(lambda: analyses.workforce(session.ws, oid), repeat=10))
        report("partner finder", *timed(lambda: analyses.partners(session.ws, oid), repeat=10))

        solve: list[float] = []
        whole: list[float] = []
        copying: list[float] = []
        statuses: set[str] = set()

        def optimise():
            t0 = time.perf_counter()
            snap = session.ws.copy()  # the GUI hands its worker a copy; making it is timed apart
            t1 = time.perf_counter()
            p = analyses.optimiser(snap, oid)
            whole.append((time.perf_counter() - t1) * 1000)
            copying.append((t1 - t0) * 1000)
            solve.append(p.solve_seconds * 1000)
            statuses.add(p.status.value)

        report("optimise one option (HiGHS, on a Workspace.copy())", *timed(optimise, repeat=5), 2000)
        report("  of which HiGHS's own solve time", statistics.median(solve), min(solve))
        report("  of which making the copy", statistics.median(copying), min(copying))
        for _ in range(10):
            optimise()
        ratio = statistics.median(whole[-10:]) / statistics.median(solve[-10:])
        print(f"  optimiser ÷ HiGHS alone on the same LP (the copy apart): {ratio:.2f}x  goal <= 1.5x: "
              f"{'met' if ratio <= 1.5 else 'MISSED'}")
        print(f"  optimiser status: {', '.join(sorted(statuses))}")

        # every option, for the spread
        per_option = []
        for o in options:
            t0 = time.perf_counter()
            p = analyses.optimiser(session.ws.copy(), o.id)
            per_option.append(((time.perf_counter() - t0) * 1000, p.solve_seconds * 1000,
                               len(ws.allocations(o.id)), p.status.value))
        worst = max(per_option)
        print(f"optimise each of the {len(options)} options: slowest {worst[0]:,.1f} ms "
              f"(HiGHS {worst[1]:,.1f} ms, {worst[2]:,} allocations, {worst[3]}); "
              f"median {statistics.median(t for t, *_ in per_option):,.1f} ms")
        # the edit benchmark changed the file: put the volume back so later runs start alike
        session.set_field(Allocation, alloc.id, "volume", str(Decimal(alloc.volume)))
    finally:
        session.close()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
