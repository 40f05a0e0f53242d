"""Command line.

    consortium-planner [FILE]                       open the GUI (on FILE)
    consortium-planner demo OUT.cplan               write the demo workspace
    consortium-planner summary FILE --json          everything, and every analysis, as JSON
    consortium-planner export-pdf FILE --option NAME -o OUT.pdf [--sections a,b]   an investment case
    consortium-planner generate --size large OUT    a synthetic workspace for benchmarks
    consortium-planner run-demo DEMO.cplan --out D  GUI on the demo, or headless output without a display
    consortium-planner screenshots DIR              offscreen screenshots of the main window

Errors go to stderr with a non-zero exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

COMMANDS = ("demo", "summary", "export-pdf", "generate", "run-demo", "screenshots")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="consortium-planner",
                                description="Model a consortium's capacity, capital and pricing against a tender.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="write the bundled demo workspace")
    d.add_argument("out", type=Path)
    d.add_argument("--force", action="store_true", help="replace OUT if it exists")
    s = sub.add_parser("summary", help="print the workspace and its analyses")
    s.add_argument("file", type=Path)
    s.add_argument("--json", action="store_true", help="JSON output (the default)")
    s.add_argument("--option", help="only this consortium option (by name)")
    e = sub.add_parser("export-pdf", help="write a consortium option's investment case as a PDF")
    e.add_argument("file", type=Path)
    e.add_argument("--option", required=True, help="the consortium option, by name")
    e.add_argument("-o", "--out", type=Path, required=True, help="the PDF to write")
    e.add_argument("--sections", help="comma-separated section keys, e.g. summary,pricing,standing (default: those chosen in the GUI, else all)")
    g = sub.add_parser("generate", help="write a synthetic workspace for benchmarks")
    g.add_argument("--size", choices=["large"], default="large")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("out", type=Path)
    g.add_argument("--force", action="store_true")
    r = sub.add_parser("run-demo", help="open the GUI on the demo; without a display, export headless")
    r.add_argument("file", type=Path)
    r.add_argument("--out", type=Path, default=Path("out"))
    sc = sub.add_parser("screenshots", help="save offscreen screenshots of the main window")
    sc.add_argument("out", type=Path)
    return p


def _fail(message: str, code: int = 1) -> int:
    print(f"consortium-planner: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in COMMANDS and not args_in[0].startswith("-")):
        if len(args_in) > 1:
            return _fail(f"unknown command {args_in[0]!r}; try --help", 2)
        from .app import run_gui

        return run_gui(args_in[0] if args_in else None)
    args = _parser().parse_args(args_in)
    from .domain.validation import ValidationError
    from .store.workspace_file import WorkspaceFileError

    try:
        return _COMMANDS[args.command](args)
    except (WorkspaceFileError, ValidationError, FileExistsError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.filename or ''}: {exc.strerror or exc}")


def cmd_demo(args) -> int:
    from .services.demo import write_demo

    if args.out.exists() and not args.force:
        return _fail(f"{args.out}: already exists (use --force to replace it)")
    path = write_demo(args.out, overwrite=True)
    print(f"Wrote the demo workspace to {path}")
    return 0


def cmd_summary(args) -> int:
    from .services.summary import summary
    with open_for_reading(args.file) as store:
        ws = store.load()
    data = summary(ws)
    if args.option:
        data["consortium_options"] = [o for o in data["consortium_options"] if o["name"] == args.option]
        if not data["consortium_options"]:
            return _fail(f"no consortium option named {args.option!r}")
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def open_for_reading(path):
    """Open for editing (which upgrades an older file, with a backup); read-only if another program has it."""
    from .store.workspace_file import Store, WorkspaceLocked

    try:
        return Store.open(path)
    except WorkspaceLocked:
        return Store.open(path, read_only=True)


def cmd_export_pdf(args) -> int:
    from .reports.case import build_case, check_sections, option_by_name
    from .reports.pdf import render_pdf

    try:
        sections = check_sections(args.sections.split(",")) if args.sections is not None else None
    except ValueError as exc:
        return _fail(str(exc))
    with open_for_reading(args.file) as store:
        ws = store.load()
    try:
        option = option_by_name(ws, args.option)
    except ValueError as exc:
        return _fail(str(exc))
    if sections is None:
        from .reports.choices import chosen_sections

        sections = chosen_sections(ws, option.id)  # type: ignore[arg-type]  # what the user picked in the GUI
    path = render_pdf(build_case(ws, option.id, sections=sections), args.out)  # type: ignore[arg-type]
    print(f"Wrote {path}")
    return 0


def cmd_generate(args) -> int:
    from .services.generate import write_large

    if args.out.exists() and not args.force:
        return _fail(f"{args.out}: already exists (use --force to replace it)")
    if args.out.exists():
        args.out.unlink()
    path = write_large(args.out, seed=args.seed)
    print(f"Wrote a large synthetic workspace to {path}")
    return 0


def cmd_run_demo(args) -> int:
    from .app import has_display

    if has_display():
        from .app import run_gui

        return run_gui(args.file)
    print("No display found (DISPLAY and WAYLAND_DISPLAY are unset): exporting headless instead.")
    from .services.headless import export_headless

    for path in export_headless(args.file, args.out):
        print(f"Wrote {path}")
    from .reports.export import export_workspace_cases

    for path in export_workspace_cases(args.file, args.out):
        print(f"Wrote {path}")
    return 0


def cmd_screenshots(args) -> int:
    from .gui.screenshots import save_screenshots

    for path in save_screenshots(args.out):
        print(f"Wrote {path}")
    return 0


_COMMANDS = {
    "demo": cmd_demo,
    "summary": cmd_summary,
    "export-pdf": cmd_export_pdf,
    "generate": cmd_generate,
    "run-demo": cmd_run_demo,
    "screenshots": cmd_screenshots,
}
