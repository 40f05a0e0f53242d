"""Option workbook export benchmarks: run the analyses, then write the workbook (every sheet and the Model).

A plain script (not a test): ``python benchmarks/bench_xlsx_export.py`` prints one line per figure, e.g.
``xlsx export: large workspace option, analyses + write   median 3123.4 ms ... target < 5,000 ms: met``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import demo_file, large_file, report, timed  # noqa: E402


def _bench(label: str, path: Path, option_name: str | None, target_ms: float, repeat: int) -> None:
    from openpyxl import load_workbook

    from consortium_planner.reports import workbook
    from consortium_planner.reports.case import option_by_name
    from consortium_planner.services.analyses import analyse_option
    from consortium_planner.store.workspace_file import Store

    with Store.open(path) as store:
        ws = store.load()
    if option_name is not None:
        option = option_by_name(ws, option_name)
    else:  # the option with the most members: the biggest workbook
        option = max(ws.options(), key=lambda o: (len(ws.members(o.id)), -(o.id or 0)))
    out_dir = Path(tempfile.mkdtemp(prefix="bench-xlsx-"))
    target = out_dir / "option.xlsx"
    oid: int = option.id  # type: ignore[assignment]

    t0 = time.perf_counter()  # the first export of the run: imports and caches warm up here
    workbook.write_option_workbook(ws, oid, target)
    first_ms = (time.perf_counter() - t0) * 1000

    results = analyse_option(ws, oid)
    saving: list[float] = []
    save = workbook.save_atomically

    def timed_save(wb, where):
        t = time.perf_counter()
        try:
            return save(wb, where)
        finally:
            saving.append((time.perf_counter() - t) * 1000)

    report(f"xlsx export: {label}, analyses + write", *timed(lambda: workbook.write_option_workbook(ws, oid, target),
                                                            repeat), target_ms)
    report(f"xlsx export: {label}, analyse_option", *timed(lambda: analyse_option(ws, oid), repeat))
    saving.clear()
    report(f"xlsx export: {label}, write (analyses given)",
           *timed(lambda: workbook.write_option_workbook(ws, oid, target, results=results), repeat))
    workbook.save_atomically = timed_save
    try:
        workbook.write_option_workbook(ws, oid, target, results=results)
    finally:
        workbook.save_atomically = save
    wb = load_workbook(target, read_only=True)
    cells = sum(s.max_row * s.max_column for s in wb.worksheets)
    wb.close()
    print(f"xlsx export: {label}: {option.name!r}, {len(ws.members(oid))} members; first export (cold) "
          f"{first_ms:,.0f} ms; of a write, saving the file {saving[-1]:,.0f} ms; {len(wb.sheetnames)} sheets, "
          f"~{cells:,} cells in used ranges, {target.stat().st_size / 1024:,.0f} KiB")
    target.unlink(missing_ok=True)
    out_dir.rmdir()


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _bench("demo option", demo_file(), "Special purpose vehicle", 2000, 5)
    _bench("large workspace option", large_file(), None, 5000, 3)


if __name__ == "__main__":
    main()
