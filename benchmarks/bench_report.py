"""Investment case benchmarks: analyse an option, build the document and render the PDF.

A plain script (not a test): ``python benchmarks/bench_report.py`` prints one line per figure, e.g.
``report: demo option, analyse + build + render PDF   median 1234.5 ms ... target < 2,000 ms: met``.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _common import demo_file, large_file, report, timed  # noqa: E402

ON = dt.date(2026, 11, 25)


def _bench(label: str, path: Path, option_name: str | None, target_ms: float, repeat: int) -> None:
    from consortium_planner.reports.case import build_case, option_by_name
    from consortium_planner.reports.pdf import render_pdf_bytes
    from consortium_planner.services.analyses import analyse_option
    from consortium_planner.store.workspace_file import Store

    with Store.open(path) as store:
        ws = store.load()
    if option_name is not None:
        option = option_by_name(ws, option_name)
    else:  # the option with the most members: the biggest case
        option = max(ws.options(), key=lambda o: (len(ws.members(o.id)), -(o.id or 0)))
    render_pdf_bytes(build_case(ws, option.id, on=ON))  # warm up: fonts, imports
    pages = {}

    def whole() -> None:
        data = render_pdf_bytes(build_case(ws, option.id, on=ON))
        pages["bytes"] = len(data)

    results = analyse_option(ws, option.id)
    case = build_case(ws, option.id, results=results, on=ON)
    report(f"report: {label}, analyse + build + render PDF", *timed(whole, repeat), target_ms)
    report(f"report: {label}, analyse_option", *timed(lambda: analyse_option(ws, option.id), repeat))
    report(f"report: {label}, build the document (analyses given)",
           *timed(lambda: build_case(ws, option.id, results=results, on=ON), repeat))
    report(f"report: {label}, render the PDF", *timed(lambda: render_pdf_bytes(case), repeat))
    from io import BytesIO

    from pypdf import PdfReader

    n = len(PdfReader(BytesIO(render_pdf_bytes(case))).pages)
    print(f"report: {label}: {option.name!r}, {len(ws.members(option.id))} members, {n} pages, "
          f"{pages['bytes'] / 1024:,.0f} KiB")


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _bench("demo option", demo_file(), "Special purpose vehicle", 2000, 5)
    _bench("large workspace option", large_file(), None, 10000, 3)


if __name__ == "__main__":
    main()
