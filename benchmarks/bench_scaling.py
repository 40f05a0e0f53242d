"""How the work grows with the workspace: 1×, 2×, 4× and 8× the large workspace (issue 22, goal 5).

The generated workspace is scaled by its number of areas (requirements, capacities and allocations
grow in proportion; organisations and service lines stay). At each size, in memory (no file: the
store's speed is benchmarked elsewhere): one allocation edit of the largest option followed by
every analysis of that option (the whole pipeline: verdict, sensitivity, simulation included),
and the optimiser on the same option with HiGHS's own solve time as its anchor: the time of its
``linprog`` calls within the same run (goal 3: the optimiser at most 1.5× that; see also
``bench_optimiser.py``, which replays the same LPs alone). The optimiser gets a fresh
``Workspace.copy()`` each run, as the GUI's worker does; making the copy is not timed (it is the
caller's, and printed apart). The growth exponent is the least-squares slope of log(time) on
log(size); goal: ≤ 1.2 for both.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import sys
import time

from consortium_planner.domain.model import ConsortiumOption
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import analyses
from consortium_planner.services.generate import build_large
from consortium_planner.services.pipeline import Refusal

BASE_AREAS = 20


def _slope(sizes: list[int], times: list[float]) -> float:
    xs = [math.log(s) for s in sizes]
    ys = [math.log(t) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    scales = [int(a) for a in sys.argv[1:]] or [1, 2, 4, 8]
    whole, optimiser, highs, copies = [], [], [], []
    for scale in scales:
        ws = Workspace(build_large(areas=BASE_AREAS * scale))
        option = max(ws.all(ConsortiumOption), key=lambda o: len(ws.allocations(o.id)))
        alloc = sorted(ws.allocations(option.id), key=lambda a: a.id or 0)[0]
        n = len(ws.allocations(option.id))
        t0 = time.perf_counter()
        ws.put(dataclasses.replace(alloc, volume=alloc.volume + 1))
        results = analyses.run_all(ws, option.id)
        t_all = (time.perf_counter() - t0) * 1000
        refused = [k for k in results if isinstance(results[k], Refusal)]
        opt_times, solve_times, copy_times = [], [], []
        for _ in range(7):
            t1 = time.perf_counter()
            snap = ws.copy()
            t2 = time.perf_counter()
            p = analyses.optimiser(snap, option.id)
            opt_times.append((time.perf_counter() - t2) * 1000)
            copy_times.append((t2 - t1) * 1000)
            solve_times.append(p.solve_seconds * 1000)
        whole.append(t_all)
        optimiser.append(statistics.median(opt_times))
        highs.append(statistics.median(solve_times))
        copies.append(statistics.median(copy_times))
        ratio = optimiser[-1] / highs[-1]
        print(f"{scale}x: {n:,} allocations; edit + every analysis {t_all:9.1f} ms; optimiser "
              f"{optimiser[-1]:7.1f} ms, HiGHS alone {highs[-1]:6.1f} ms: optimiser ÷ HiGHS alone {ratio:.2f}x "
              f"(goal <= 1.5x: {'met' if ratio <= 1.5 else 'MISSED'}; the copy it is given "
              f"{copies[-1]:.1f} ms more)" + (f"; refused: {', '.join(refused)}" if refused else ""))
    if len(scales) > 1:
        sizes = scales
        for name, times in (("edit + every analysis", whole), ("optimiser", optimiser), ("HiGHS alone", highs)):
            e = _slope(sizes, times)
            goal = "" if name == "HiGHS alone" else f"  goal <= 1.2: {'met' if e <= 1.2 else 'MISSED'}"
            print(f"growth exponent, {name:<22} {e:5.2f}{goal}")


if __name__ == "__main__":
    main()
