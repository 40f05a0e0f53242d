"""Pricing as the GUI runs it: ``services.analyses.prices`` for every option of the large workspace,
the bid evaluation (10,000 draws) of a demo option, and the Pricing tab's whole recalculation.

A plain script (not a test): ``python benchmarks/bench_pricing_options.py`` prints one line per
figure (median and best of several runs).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from _common import large_file, report, timed


def main() -> None:
    from consortium_planner.services import analyses
    from consortium_planner.services.demo import write_demo
    from consortium_planner.store.workspace_file import Store

    with Store.open(large_file()) as store:
        large = store.load()
    options = large.options()
    allocations = sum(len(large.allocations(o.id)) for o in options)  # type: ignore[arg-type]
    print(f"large workspace: {len(options)} options, {allocations:,} allocations")
    for o in options:
        analyses.prices(large, o.id)  # type: ignore[arg-type]  # warm up (rates file, caches)
    report(f"prices, every option of the large workspace ({len(options)})",
           *timed(lambda: [analyses.prices(large, o.id) for o in options], repeat=3))  # type: ignore[arg-type]
    per_option = {o.name: timed(lambda o=o: analyses.prices(large, o.id), repeat=3) for o in options}  # type: ignore[arg-type]
    slowest = max(per_option, key=lambda name: per_option[name][0])
    report(f"prices, slowest option ({slowest})", *per_option[slowest], 500)

    # a fresh demo (the cached one may predate the competitor assumptions)
    work = Path(tempfile.mkdtemp(prefix="bench-pricing-"))
    demo_path = write_demo(work / "demo.cplan")
    with Store.open(demo_path) as store:
        demo = store.load()
    spv = next(o for o in demo.options() if o.name == "Special purpose vehicle")
    schedule = analyses.prices(demo, spv.id)  # type: ignore[arg-type]
    ev = analyses.evaluation(demo, spv.id, schedule)  # type: ignore[arg-type]
    print(f"demo '{spv.name}': {ev.draws:,} draws, win {ev.win.probability if ev.win else None}, "
          f"best {ev.best.price if ev.best else None}")
    report("evaluation of a demo option (10,000 draws, best price grid)",
           *timed(lambda: analyses.evaluation(demo, spv.id, schedule)), 500)  # type: ignore[arg-type]
    report("prices + evaluation of a demo option",
           *timed(lambda: analyses.evaluation(demo, spv.id, analyses.prices(demo, spv.id))),  # type: ignore[arg-type]
           500)

    # the Pricing tab: compute (prices, evaluation, score curve) and redraw every panel
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from consortium_planner.gui.application import make_application
    from consortium_planner.gui.controller import WorkspaceController
    from consortium_planner.gui.pricing import PricingView
    from consortium_planner.services.session import WorkspaceSession

    app = make_application()
    session = WorkspaceSession.open(demo_path)
    controller = WorkspaceController(session)
    view = PricingView(controller, lambda: spv.id)
    view.resize(1100, 780)
    view.show()
    app.processEvents()

    def recalculate() -> None:
        view.refresh()
        app.processEvents()

    report("Pricing tab: recalculate and redraw (demo option)", *timed(recalculate), 500)
    view.close()
    view.deleteLater()
    app.processEvents()
    session.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
