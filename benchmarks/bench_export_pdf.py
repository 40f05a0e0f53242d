"""``export-pdf`` as a whole process against a bare reportlab process laying out the same content (issue 22, goal 4).

The measured figure is what a user waits for: ``python -m consortium_planner export-pdf FILE --option NAME -o
OUT.pdf`` in a new process (imports, opening the workspace, every analysis the case needs, building the case,
rendering it). The anchor, measured in the same run and alternated with it, is ``_anchor_pdf.py`` in a new
process: reportlab alone laying out the case's own content (every paragraph, table cell, key figure and
chart series of the same case, dumped to JSON beforehand, untimed) into A4 pages with a contents page and
running headers. Both page counts are printed, so a reader can see the two documents are of a size.
Goal: the export ≤ 2× the anchor.

The anchor fills its contents page as reportlab does by itself (``multiBuild``: two full passes). The program's
renderer needs one (the contents' numbers and "of Y" are forms defined at the end), so the benchmark also
times the anchor's layout alone, in one pass (``--one-pass``, the contents' numbers left out), and prints the
export's ratio to that too: the floor, for which no goal is set.

Both processes run with Python's bytecode cache allowed (``PYTHONDONTWRITEBYTECODE`` taken out of their
environment, and one unmeasured run of each first to write it), as on a user's machine where it is written on
the first run (or shipped in the package): reportlab's cache is written when it is installed, ours is not, so
otherwise every export process would compile the program's sources and be measured doing it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import WORK, demo_file, large_file

HERE = Path(__file__).parent


def case_content(path: Path, option_name: str) -> dict:
    """The case ``export-pdf`` builds for the option, as plain text and numbers (for the anchor)."""
    from consortium_planner.reports import document as d
    from consortium_planner.reports.case import build_case, option_by_name
    from consortium_planner.reports.choices import chosen_sections
    from consortium_planner.store.workspace_file import Store

    with Store.open(path, read_only=True) as store:
        ws = store.load()
    option = option_by_name(ws, option_name)
    case = build_case(ws, option.id, sections=chosen_sections(ws, option.id))  # type: ignore[arg-type]
    fonts = Path(d.__file__).parent.parent / "resources" / "fonts"

    def block(b) -> dict:
        if isinstance(b, d.Paragraph):
            return {"type": "p", "text": b.text}
        if isinstance(b, d.Heading):
            return {"type": "h", "text": b.text}
        if isinstance(b, d.Bullets):
            return {"type": "ul", "items": list(b.items)}
        if isinstance(b, d.KeyFigures):
            return {"type": "kf", "items": [[f.label, f.text] for f in b.items]}
        if isinstance(b, d.Table):
            return {"type": "table", "title": b.title, "header": [c.title for c in b.columns],
                    "numeric": [c.numeric for c in b.columns],
                    "rows": [[b.text(r, c) for c in range(len(b.columns))] for r in range(len(b.rows))]}
        if isinstance(b, d.Chart):
            return {"type": "chart", "kind": str(b.kind), "title": b.title, "categories": list(b.categories),
                    "horizontal": b.horizontal, "x_values": [float(x) for x in b.x_values],
                    "series": [{"name": s.name, "values": [float(v) if v is not None else None for v in s.values]}
                               for s in b.series]}
        raise TypeError(f"no anchor for {type(b).__name__}")

    return {"title": case.metadata.title, "font": str(fonts / "DejaVuSans.ttf"),
            "bold": str(fonts / "DejaVuSans-Bold.ttf"),
            "sections": [{"title": s.title, "blocks": [block(b) for b in s.blocks]} for s in case.sections]}


def _process_ms(args: list[str]) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, env=env, capture_output=True)
    return (time.perf_counter() - t0) * 1000


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def _bench(label: str, path: Path, option_name: str, repeat: int) -> None:
    content = WORK / f"anchor-{path.stem}.json"
    content.write_text(json.dumps(case_content(path, option_name)), encoding="utf-8")
    ours, anchor = WORK / f"export-{path.stem}.pdf", WORK / f"anchor-{path.stem}.pdf"
    export = ["-m", "consortium_planner", "export-pdf", str(path), "--option", option_name, "-o", str(ours)]
    bare = [str(HERE / "_anchor_pdf.py"), str(content), str(anchor)]
    once = [*bare, "--one-pass"]
    _process_ms(bare)  # unmeasured: each writes its bytecode cache, as a first run on a user's machine does
    _process_ms(export)
    runs, anchors, floors = [], [], []
    for _ in range(repeat):  # alternated, so a change in the machine's load touches all alike
        anchors.append(_process_ms(bare))
        floors.append(_process_ms(once))
        runs.append(_process_ms(export))
    a, f, r = statistics.median(anchors), statistics.median(floors), statistics.median(runs)
    print(f"{label}: option ‘{option_name}’; ours {_pages(ours)} pages, the anchor's {_pages(anchor)}")
    print(f"  {'bare reportlab process, same content (anchor)':<52} median {a:9.1f} ms  best {min(anchors):9.1f} ms")
    print(f"  {'the same in one pass, contents unnumbered (floor)':<52} median {f:9.1f} ms  best {min(floors):9.1f} ms")
    print(f"  {'export-pdf process':<52} median {r:9.1f} ms  best {min(runs):9.1f} ms")
    ratio = r / a
    print(f"  {'export-pdf ÷ bare reportlab':<52} {ratio:6.2f}×   goal ≤ 2×: {'met' if ratio <= 2 else 'MISSED'}")
    print(f"  {'export-pdf ÷ its one-pass floor':<52} {r / f:6.2f}×   (no goal: the anchor's second pass left out)")


def _largest_option(path: Path) -> str:
    from consortium_planner.store.workspace_file import Store

    with Store.open(path, read_only=True) as store:
        ws = store.load()
    return max(ws.options(), key=lambda o: (len(ws.members(o.id)), -(o.id or 0))).name


def main() -> None:
    repeat = 3
    _bench("demo", demo_file(), "Special purpose vehicle", repeat)
    large = large_file()
    _bench("large", large, _largest_option(large), repeat)


if __name__ == "__main__":
    main()
