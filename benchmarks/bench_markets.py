"""Markets and income concentration (issue 17) on every option of the large workspace and the demo.

A plain script (not a test): ``python benchmarks/bench_markets.py`` prints, per option, the time of the
``markets`` and ``concentration`` analyses with the projection already computed (what an edit to a market
segment recomputes), and the projection itself, measured in the same run, as the anchor: the ratio says
what the markets add on top of the figures they sit beside. The large workspace has 2–4 income segments
for each of its organisations and 1–3 new markets for each option, so nothing returns early.
"""

from __future__ import annotations

import statistics

from _common import large_file, report, timed


def _bench(ws, label: str, repeat: int = 5) -> None:
    from consortium_planner.domain.model import MarketSegment
    from consortium_planner.services.pipeline import Refusal, Results, run

    ratios = []
    options = [o for o in ws.options() if ws.by(MarketSegment, "option_id", o.id)]
    assert options, "no option has new markets: the benchmark would skip the work"
    for i, option in enumerate(options, start=1):
        base = run(ws, option.id, ["projection"])
        segments = len(ws.by(MarketSegment, "option_id", option.id))

        def markets(o=option, b=base):
            results = run(ws, o.id, ["markets", "concentration"], results=Results.of(o.id, dict(b)))
            assert not isinstance(results["concentration"], Refusal), results["concentration"]
            return results

        markets()
        m_med, m_best = timed(markets, repeat)
        p_med, p_best = timed(lambda o=option: run(ws, o.id, ["projection"]), max(1, repeat // 2))
        report(f"{label}: option {i} markets + concentration ({segments} new, {len(ws.members(option.id))} members)",
               m_med, m_best)
        report(f"{label}: option {i} projection (the anchor)", p_med, p_best)
        ratios.append(m_med / p_med)
    print(f"{label}: markets + concentration ÷ projection, median over the options: "
          f"{statistics.median(ratios):.2f}× (target ≤ 0.5×: {'met' if statistics.median(ratios) <= 0.5 else 'MISSED'})")


def main() -> None:
    from consortium_planner.domain.model import MarketSegment
    from consortium_planner.domain.workspace import Workspace
    from consortium_planner.services.demo import build_demo_entities, load_demo_source
    from consortium_planner.store.workspace_file import Store

    with Store.open(large_file()) as store:
        large = store.load()
    assert all(large.by(MarketSegment, "option_id", o.id) for o in large.options())
    _bench(large, "large")
    demo = Workspace(build_demo_entities(load_demo_source()))
    _bench(demo, "demo")


if __name__ == "__main__":
    main()
