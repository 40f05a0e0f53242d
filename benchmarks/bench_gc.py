"""The cyclic garbage collector's pauses on the large workspace, with and without ``gui/heap.settle``.

Python's collector scans every tracked object in a generation each time that generation runs, and the oldest
generation holds the large workspace's few hundred thousand. Whichever thread allocates at that moment pauses,
holding the interpreter, so a pause in an edit's 50 ms is taken from it (issue 22, goal 1). Once a workspace
opens, the GUI freezes what is alive and collects the youngest generation every ``heap.YOUNG`` new objects,
not Python's 700 (``gui/heap.settle``).

Each run opens the large workspace in a new process and makes allocation edits, each followed by every
analysis of the largest option (what the tabs and the verdict banner compute between edits), recording
every collection (``gc.callbacks``). The anchor, measured the same way in the same run and alternated with
it, is the same process without ``settle``. Printed for each generation: the number of collections, their
time in all and the longest pause; and the ratio of the time in all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from _common import large_file

_CHILD = r'''
import gc, json, shutil, sys, time
pauses, started = [], []

def watch(phase, info):
    if phase == "start":
        started.append(time.perf_counter())
    else:
        pauses.append((info["generation"], (time.perf_counter() - started.pop()) * 1000))

from consortium_planner.domain.model import Allocation
from consortium_planner.gui.heap import settle
from consortium_planner.services.pipeline import run
from consortium_planner.services.session import WorkspaceSession

source, copy, freeze, edits = sys.argv[1], sys.argv[2], sys.argv[3] == "1", int(sys.argv[4])
shutil.copy(source, copy)
session = WorkspaceSession.open(copy)
option = max(session.ws.options(), key=lambda o: len(session.ws.allocations(o.id)))
allocation = sorted(session.ws.allocations(option.id), key=lambda a: a.id or 0)[0]
if freeze:
    settle(True)
else:
    gc.collect()
gc.callbacks.append(watch)
volume = int(allocation.volume)
for k in range(edits):
    volume += 1
    session.set_field(Allocation, allocation.id, "volume", str(volume))
    run(session.ws.copy(), option.id)
gc.callbacks.remove(watch)
session.close()
print(json.dumps(pauses))
'''


def _run(path: Path, freeze: bool, edits: int) -> list[list[float]]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(path.with_name("gc-bench.cplan")),
                          "1" if freeze else "0", str(edits)], check=True, capture_output=True, text=True,
                         env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    path = large_file()
    edits = 6
    runs = {"without settle (anchor)": [], "with settle": []}
    for _ in range(2):  # alternated, so a change in the machine's load touches both alike
        runs["without settle (anchor)"] += _run(path, False, edits)
        runs["with settle"] += _run(path, True, edits)
    print(f"large workspace, {edits} edits each followed by every analysis of the largest option, two runs each")
    total = {}
    for label, pauses in runs.items():
        total[label] = sum(ms for _g, ms in pauses)
        print(f"  {label:<24} {len(pauses):5d} collections, {total[label]:7.1f} ms in all")
        for generation in (0, 1, 2):
            mine = [ms for g, ms in pauses if g == generation]
            if mine:
                print(f"    generation {generation}: {len(mine):5d} collections, {sum(mine):7.1f} ms in all, "
                      f"longest {max(mine):5.1f} ms")
    anchor, ours = total["without settle (anchor)"], total["with settle"]
    if anchor:
        print(f"  {'with ÷ without, time in all':<34} {ours / anchor:6.3f}×")


if __name__ == "__main__":
    main()
