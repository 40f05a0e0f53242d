"""``summary --json`` on the generated large workspace (issue 22, goal 7): ``--option`` analyses only that option,
and the large workspace's JSON is written in under 1 s.

- The analyses: ``services.summary.summary`` of every option, then with ``option=`` the largest one, each once
  (every option's analyses take seconds). The options whose analyses ran are counted (``pipeline._run_one``
  watched), which shows ``--option`` analysing that option alone.
- The JSON: what ``summary --json`` writes (the CLI's ``_print_json``: pretty-printed through orjson) into a file,
  alternated with its anchor, the same text written to a file without being made; median of five each.
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import WORK, large_file  # noqa: E402

GOAL_MS = 1000


def main() -> None:
    from consortium_planner.cli import _print_json, open_for_reading
    from consortium_planner.domain.model import ConsortiumOption
    from consortium_planner.services import pipeline
    from consortium_planner.services.summary import summary

    with open_for_reading(large_file()) as store:
        ws = store.load()
    largest = max(ws.all(ConsortiumOption), key=lambda o: len(ws.allocations(o.id)))

    analysed: set[int] = set()
    real = pipeline._run_one

    def watched(a, out, inputs, *rest):
        analysed.add(inputs.option_id)
        return real(a, out, inputs, *rest)

    pipeline._run_one = watched
    try:
        t0 = time.perf_counter()
        data = summary(ws)
        every_ms = (time.perf_counter() - t0) * 1000
        every = len(analysed)
        analysed.clear()
        t0 = time.perf_counter()
        summary(ws, option=largest.name)
        one_ms = (time.perf_counter() - t0) * 1000
        one = sorted(analysed)
    finally:
        pipeline._run_one = real
    print(f"large workspace: {len(ws.all(ConsortiumOption))} options")
    print(f"  summary, every option's analyses         {every_ms:9.0f} ms ({every} options analysed)")
    print(f"  summary --option ‘{largest.name}’: {one_ms:,.0f} ms; options analysed: {one} "
          f"({'that option alone' if one == [largest.id] else 'NOT that option alone'})")

    WORK.mkdir(parents=True, exist_ok=True)
    out, anchor = WORK / "summary.json", WORK / "summary-anchor.json"
    with open(out, "w", encoding="utf-8") as f, contextlib.redirect_stdout(f):
        _print_json(data)
    text = out.read_text(encoding="utf-8")
    ours, bare = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        with open(out, "w", encoding="utf-8") as f, contextlib.redirect_stdout(f):
            _print_json(data)
        ours.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        with open(anchor, "w", encoding="utf-8") as f:
            f.write(text)
        bare.append((time.perf_counter() - t0) * 1000)
    o, b = statistics.median(ours), statistics.median(bare)
    print(f"  the same text written to a file (anchor) median {b:7.0f} ms  ({len(text) / 1e6:.1f} MB)")
    print(f"  summary --json written to a file         median {o:7.0f} ms  {o / b:.2f}x the anchor  "
          f"goal < {GOAL_MS:,} ms: {'met' if o < GOAL_MS else 'MISSED'}")


if __name__ == "__main__":
    main()
