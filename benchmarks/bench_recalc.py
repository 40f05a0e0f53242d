"""How long each analysis takes after an edit, on the demo and on the large workspace.

An edit in the GUI saves the change (one transaction), then the visible analysis tab recalculates;
the Pricing tab's Monte Carlo runs off the UI thread. These figures are each analysis alone, after
an allocation edit, so a reader can see which fit the 100 ms interactive budget.
"""

from __future__ import annotations

from _common import demo_file, large_file, report, timed

from consortium_planner.domain.model import Allocation
from consortium_planner.services import analyses
from consortium_planner.services.session import WorkspaceSession


def _bench(label: str, path, option_index: int) -> None:
    session = WorkspaceSession.open(path)
    try:
        ws = session.ws
        option = ws.options()[option_index]
        schedule = analyses.prices(ws, option.id)
        # before any edit: the demo option covers its tender in full, so it is scored against competitors
        report(f"{label}: bid evaluation (10,000 draws, off the UI thread)", *timed(
            lambda: analyses.evaluation(session.ws, option.id, schedule), repeat=3))
        alloc = ws.allocations(option.id)[0]
        volumes = iter(range(int(alloc.volume), int(alloc.volume) + 100_000))

        def edit() -> None:
            session.set_field(Allocation, alloc.id, "volume", str(next(volumes)))

        report(f"{label}: save one allocation edit", *timed(edit, repeat=10), 100)
        for name in ("coverage", "workforce", "standing", "prices"):
            report(f"{label}: {name} after the edit",
                   *timed(lambda name=name: analyses.one(session.ws, option.id, name), repeat=7))
        schedule = analyses.prices(session.ws, option.id)
        report(f"{label}: projection, funding, returns", *timed(
            lambda: analyses.capital(session.ws, option.id, schedule), repeat=5))
        report(f"{label}: optimiser (off the UI thread)", *timed(
            lambda: analyses.optimiser(session.ws, option.id), repeat=3))
    finally:
        session.close()


def main() -> None:
    _bench("demo SPV", demo_file(), 2)
    _bench("large option", large_file(), 0)


if __name__ == "__main__":
    main()
