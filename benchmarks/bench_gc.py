"""The cyclic garbage collector's pauses on the large workspace, with and without the open workspace frozen.

Python's collector scans every tracked object in its oldest generation each time that generation runs; the
large workspace is a few hundred thousand of them. Whichever thread allocates at that moment pauses,
holding the interpreter, so a pause longer than the 50 ms an edit has is an edit that misses it
(issue 22, goal 1). The GUI freezes what is alive once a workspace opens (``gui/heap.settle``).

Each run opens the large workspace in a new process and makes allocation edits, each followed by every
analysis of the largest option (what the tabs and the verdict banner compute between edits), recording
every collection of the oldest generation (``gc.callbacks``). The anchor, measured the same way in the
same run and alternated with it, is the same process without the freeze. Printed: the number of
collections of the oldest generation, their median and longest pause, and the ratio of the medians.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _common import large_file

_CHILD = r'''
import gc, json, shutil, sys, time
pauses, started = [], []

def watch(phase, info):
    if info["generation"] != 2:
        return
    if phase == "start":
        started.append(time.perf_counter())
    else:
        pauses.append((time.perf_counter() - started.pop()) * 1000)

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


def _run(path: Path, freeze: bool, edits: int) -> list[float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(path.with_name("gc-bench.cplan")),
                          "1" if freeze else "0", str(edits)], check=True, capture_output=True, text=True,
                         env=dict(os.environ))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    path = large_file()
    edits = 6
    frozen: list[float] = []
    plain: list[float] = []
    for _ in range(2):  # alternated, so a change in the machine's load touches both alike
        plain += _run(path, False, edits)
        frozen += _run(path, True, edits)
    print(f"large workspace, {edits} edits each followed by every analysis of the largest option, two runs each")
    for label, pauses in (("without the freeze (anchor)", plain), ("with the open workspace frozen", frozen)):
        if pauses:
            print(f"  {label:<34} {len(pauses):3d} collections of the oldest generation: median "
                  f"{statistics.median(pauses):6.1f} ms, longest {max(pauses):6.1f} ms")
        else:
            print(f"  {label:<34} no collection of the oldest generation")
    if plain and frozen:
        print(f"  {'frozen ÷ anchor, median pause':<34} {statistics.median(frozen) / statistics.median(plain):6.2f}×")


if __name__ == "__main__":
    main()
