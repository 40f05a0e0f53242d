"""Compare benchmarks: a tender's options side by side, as they stand and under a scenario, and every option
under every scenario (the ``scenarios`` analysis), on the large workspace and on the demo.

A plain script (not a test): ``python benchmarks/bench_compare.py`` prints the times of ``services.compare.compare``
(what ``consortium-planner compare --json`` and the Compare page compute, off the UI thread) and of the
``scenarios`` analysis of one option with its base analyses already known (what ``summary --json`` adds).
"""

from __future__ import annotations

from _common import large_file, report, timed


def _bench(ws, label: str, repeat: int = 3) -> None:
    from consortium_planner.services.compare import KEY_ANALYSES, compare
    from consortium_planner.services.pipeline import Results, run

    tender = ws.tenders()[0]
    n = len(ws.options(tender.id))
    report(f"{label}: compare {n} options as they stand", *timed(lambda: compare(ws, tender.id), repeat))
    report(f"{label}: compare {n} options under Downside", *timed(lambda: compare(ws, tender.id, "Downside"), repeat))
    option = ws.options(tender.id)[0]
    base = run(ws, option.id, KEY_ANALYSES)
    report(f"{label}: one option under every scenario",
           *timed(lambda: run(ws, option.id, ["scenarios"], results=Results.of(option.id, dict(base))), repeat))


def main() -> None:
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services.demo import build_demo_entities, load_demo_source
    from consortium_planner.store.workspace_file import Store

    with Store.open(large_file()) as store:
        large = store.load()
    _bench(large, "large")
    _bench(Workspace(build_demo_entities(load_demo_source())), "demo")


if __name__ == "__main__":
    main()
