"""Import of a buyer's 10,000-row pricing schedule: read safely, plan (check every row), apply.

A plain script (not a test): ``python benchmarks/bench_xlsx_import.py`` prints one line per figure.
Target (issue 8): the whole import under 3 s.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import WORK, demo_file, report  # noqa: E402

ROWS = 10_000


def write_schedule(path: Path, rows: int = ROWS) -> Path:
    """A buyer-style schedule: a title block, the header on row 4, one row per service line and area."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Pricing schedule")
    ws.append(["Schedule 3: pricing"])
    ws.append(["Complete the yellow cells"])
    ws.append([])
    ws.append(["Lot", "Description of service", "Locality", "Est. annual hours", "Unit of measure",
               "Unit rate (£)", "Annual price (£)"])
    for i in range(rows):
        ws.append([f"Lot {i % 4 + 1}", f"Service {i // 100:03d}", f"Area {i % 100:03d}", 1000 + (i * 37) % 9000,
                   "contact hour", None, None])
    wb.save(path)
    return path


def main() -> None:
    from consortium_planner.domain.model import Tender
    from consortium_planner.services import xlsx_import
    from consortium_planner.services.session import WorkspaceSession

    WORK.mkdir(parents=True, exist_ok=True)
    book = write_schedule(WORK / "schedule-10k.xlsx")
    runs = []
    for _ in range(3):
        target = WORK / "import.cplan"
        shutil.copyfile(demo_file(), target)
        shutil.rmtree(WORK / "import.backups", ignore_errors=True)
        session = WorkspaceSession.open(target)
        tender_id = session.ws.all(Tender)[0].id
        t0 = time.perf_counter()
        grid = xlsx_import.read(book)
        t1 = time.perf_counter()
        prepared = xlsx_import.plan(grid, session.ws, session.store.next_id, kind="schedule", tender_id=tender_id)
        t2 = time.perf_counter()
        assert not prepared.plan.problems, prepared.plan.problems[:3]
        xlsx_import.apply_import(session, prepared.plan)
        t3 = time.perf_counter()
        session.close()
        runs.append((t1 - t0, t2 - t1, t3 - t2, t3 - t0, len(prepared.plan.rows)))
    runs.sort(key=lambda r: r[3])
    read_s, plan_s, apply_s, total_s, rows = runs[len(runs) // 2]
    best = runs[0][3]
    print(f"xlsx import: {ROWS:,}-row schedule → {rows:,} rows planned (requirements, lots, layout)")
    report("xlsx import: read the workbook safely", read_s * 1000, read_s * 1000)
    report("xlsx import: plan (coerce + validate every row)", plan_s * 1000, plan_s * 1000)
    report("xlsx import: backup + write in one transaction", apply_s * 1000, apply_s * 1000)
    report("xlsx import: whole import", total_s * 1000, best * 1000, 3000)


if __name__ == "__main__":
    main()
