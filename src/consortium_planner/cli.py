"""Command line.

    consortium-planner [FILE]                       open the GUI (on FILE)
    consortium-planner demo OUT.cplan               write the demo workspace
    consortium-planner summary FILE --json          everything, and every analysis, as JSON
    consortium-planner compare FILE [--tender NAME] [--scenario NAME] [--baseline OPTION] --json
                                                    a tender's options side by side, as JSON
    consortium-planner export-pdf FILE --option NAME -o OUT.pdf [--sections a,b]   an investment case
    consortium-planner generate --size large OUT    a synthetic workspace for benchmarks
    consortium-planner run-demo DEMO.cplan --out D  GUI on the demo, or headless output without a display
    consortium-planner screenshots DIR              offscreen screenshots of the main window
    consortium-planner import-xlsx FILE BOOK.xlsx [--kind K] [--tender NAME] [--map service_line=B ...]
                                                    import organisations, requirements or a buyer's schedule
    consortium-planner export-xlsx FILE --option NAME -o OUT.xlsx [--schedule BUYER.xlsx --schedule-out F.xlsx]
    consortium-planner export-xlsx FILE --template organisations|requirements -o OUT.xlsx [--filled]
    consortium-planner history FILE [--json] [--entity E] [--since DATE]   the history of changes
    consortium-planner rounds FILE [--json] [--tender NAME]   workshop rounds, decisions and changes since
    consortium-planner new --template NAME OUT.cplan | new --list   a new workspace from a shipped template
    consortium-planner anonymise FILE -o OUT.cplan [--scale F] [--keep-text] [--case-study OUT.pdf]

FILE (and OUT of demo and generate) may instead be a team database's URL,
postgresql://user@host/database (PostgreSQL; needs the 'postgres' extra installed).
Errors go to stderr with a non-zero exit status.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from . import cli_history, cli_pipeline, cli_rounds, cli_templates

COMMANDS = ("demo", "summary", "compare", "export-pdf", "generate", "run-demo", "screenshots", "import-xlsx",
            "export-xlsx", "history", "rounds", "pipeline", *cli_templates.COMMANDS)


def workspace_arg(text: str) -> str | Path:
    """A workspace file, or a team database's URL kept as text (a Path would fold its ``//``)."""
    return text if "://" in text else Path(text)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="consortium-planner",
                                description="Model a consortium's capacity, capital and pricing against a tender.")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="write the bundled demo workspace")
    d.add_argument("out", type=workspace_arg)
    d.add_argument("--force", action="store_true", help="replace OUT if it exists")
    s = sub.add_parser("summary", help="print the workspace and its analyses")
    s.add_argument("file", type=workspace_arg)
    s.add_argument("--json", action="store_true", help="JSON output (the default)")
    s.add_argument("--option", help="only this consortium option (by name)")
    c = sub.add_parser("compare", help="a tender's consortium options side by side")
    c.add_argument("file", type=workspace_arg)
    c.add_argument("--tender", help="the tender (by name; default: the only one)")
    c.add_argument("--scenario", help="a named scenario of the workspace (default: the options as they stand)")
    c.add_argument("--baseline", help="an option (by name): every option's differences from it")
    c.add_argument("--json", action="store_true", help="JSON output (the default)")
    e = sub.add_parser("export-pdf", help="write a consortium option's investment case as a PDF")
    e.add_argument("file", type=workspace_arg)
    e.add_argument("--option", required=True, help="the consortium option, by name")
    e.add_argument("-o", "--out", type=Path, required=True, help="the PDF to write")
    e.add_argument("--sections", help="comma-separated section keys, e.g. summary,pricing,standing (default: those chosen in the GUI, else all)")
    g = sub.add_parser("generate", help="write a synthetic workspace for benchmarks")
    g.add_argument("--size", choices=["large"], default="large")
    g.add_argument("--seed", type=int, default=1)
    g.add_argument("out", type=workspace_arg)
    g.add_argument("--force", action="store_true")
    r = sub.add_parser("run-demo", help="open the GUI on the demo; without a display, export headless")
    r.add_argument("file", type=workspace_arg)
    r.add_argument("--out", type=Path, default=Path("out"))
    sc = sub.add_parser("screenshots", help="save offscreen screenshots of the main window")
    sc.add_argument("out", type=Path)
    i = sub.add_parser("import-xlsx", help="import organisations, tender requirements or a buyer's pricing schedule",
                       description="Checks every row first: if anything is wrong, the problems are listed by "
                                   "sheet, row and column and nothing is imported. Otherwise the workspace is "
                                   "backed up and every row is written in one transaction.")
    i.add_argument("file", type=workspace_arg, help="the workspace (file or database URL)")
    i.add_argument("workbook", type=Path, help="the .xlsx to import")
    i.add_argument("--kind", choices=["organisations", "requirements", "schedule"],
                   help="what the workbook is (default: our template if it is one, else a pricing schedule)")
    i.add_argument("--tender", help="the tender to import requirements into (by name; default: the only one)")
    i.add_argument("--sheet", help="pricing schedule: the sheet (default: remembered or guessed)")
    i.add_argument("--header-row", type=int, help="pricing schedule: the header row (1-based)")
    i.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="pricing schedule: which column holds a field, e.g. service_line=B volume=D "
                        "(fields: service_line, area, volume, unit, lot, unit_price, total_price)")
    i.add_argument("--area", default="", help="pricing schedule: one area for every row (no area column)")
    i.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    x = sub.add_parser("export-xlsx", help="export an option as a workbook, or a template")
    x.add_argument("file", type=workspace_arg, help="the workspace (file or database URL)")
    x.add_argument("--option", help="the consortium option, by name")
    x.add_argument("--template", choices=["organisations", "requirements"], help="write a template instead")
    x.add_argument("--filled", action="store_true", help="template: with the workspace's rows (for a round trip)")
    x.add_argument("--tender", help="requirements template: the tender whose requirements to write")
    x.add_argument("-o", "--out", type=Path, required=True, help="the workbook to write")
    x.add_argument("--schedule", type=Path, help="a buyer's pricing schedule to fill with the option's prices")
    x.add_argument("--schedule-out", type=Path, help="where to write the filled schedule")
    cli_history.add_parser(sub)
    cli_rounds.add_parser(sub)
    cli_pipeline.add_parser(sub)
    cli_templates.add_parsers(sub)
    return p


def _fail(message: str, code: int = 1) -> int:
    print(f"consortium-planner: {message}", file=sys.stderr)
    return code


def console() -> NoReturn:
    """The program's entry point (``python -m consortium_planner``, the installed scripts, the package): ``main``
    on the process's arguments. After a command that showed no window, the process ends as soon as its output
    is flushed, without freeing its objects one by one: the system takes back the memory at once, where
    Python's own teardown of a loaded workspace took about 0.15 s (demo) to 0.3 s (large) after the work was
    done. Nothing is left unwritten: every file and database is closed by the command before it returns, and
    the program registers no exit handlers. After the window, Python exits as usual (Qt saves its settings
    as its objects go)."""
    code = main()
    if not _WINDOW_SHOWN:
        for stream in (sys.stdout, sys.stderr):  # None in a windowed build (pythonw, the packaged program)
            if stream is not None:
                stream.flush()
        os._exit(code)
    raise SystemExit(code)


_WINDOW_SHOWN = False


def _window(path) -> int:
    """The main window on ``path`` (None: the last workspace), until it closes."""
    from .app import run_gui

    global _WINDOW_SHOWN
    _WINDOW_SHOWN = True
    return run_gui(path)


def main(argv: list[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or (args_in[0] not in COMMANDS and not args_in[0].startswith("-")):
        if len(args_in) > 1:
            return _fail(f"unknown command {args_in[0]!r}; try --help", 2)
        return _window(args_in[0] if args_in else None)
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

    if isinstance(args.out, Path) and args.out.exists() and not args.force:
        return _fail(f"{args.out}: already exists (use --force to replace it)")
    path = write_demo(args.out, overwrite=True)
    if not isinstance(path, Path):
        from .store.workspace_file import display_url

        path = display_url(path)
    print(f"Wrote the demo workspace to {path}")
    return 0


def cmd_summary(args) -> int:
    from .services.summary import summary
    with open_for_reading(args.file) as store:
        ws = store.load()
    try:
        data = summary(ws, option=args.option or None)  # only that option is analysed
    except KeyError:
        return _fail(f"no consortium option named {args.option!r}")
    _print_json(data)
    return 0


def _print_json(data) -> None:
    """Pretty-printed JSON, as ``json.dumps(indent=2, ensure_ascii=False)`` gives it, through orjson: the large
    workspace's 72 MB in 0.07 s rather than 2 s (the standard library's encoder is pure Python once it indents)."""
    import orjson

    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    sys.stdout.write("\n")


def cmd_compare(args) -> int:
    from .reports.case import option_by_name
    from .services.compare import compare, comparison_json

    with open_for_reading(args.file) as store:
        ws = store.load()
    try:
        tender = _tender(ws, args.tender)
        baseline = None
        if args.baseline:
            baseline = option_by_name(ws, args.baseline)
            if baseline.tender_id != tender.id:
                return _fail(f"{baseline.name!r} is an option for another tender")
        comparison = compare(ws, tender.id, args.scenario)
    except ValueError as exc:
        return _fail(str(exc))
    _print_json(comparison_json(comparison, baseline.id if baseline is not None else None))
    return 0


def open_for_reading(path):
    """Open for editing (which upgrades an older file, with a backup); read-only if another program has it."""
    from .store.workspace_file import Store, WorkspaceLocked

    try:
        return Store.open(path)
    except WorkspaceLocked:
        return Store.open(path, read_only=True)


def cmd_export_pdf(args) -> int:
    import gc

    from .reports.case import build_case, check_sections, option_by_name, work_ahead
    from .reports.files import check_output
    from .reports.pdf import render_pdf
    from .services.ahead import working_ahead

    check_output(args.out)  # before any work: never a workspace, by any spelling or link
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
    gc.freeze()  # while the case is built: the collector need not scan the workspace, nor the child touch its pages
    try:
        with working_ahead(ws, work_ahead(ws, option.id, sections)):  # type: ignore[arg-type]  # a second process
            case = build_case(ws, option.id, sections=sections)  # type: ignore[arg-type]
        path = render_pdf(case, args.out)
    finally:
        gc.unfreeze()
    print(f"Wrote {path}")
    from .reports.pdf_style import take_missing

    if missing := take_missing():
        print(f"warning: no font on this computer covers {missing!r}, so they print as empty boxes; install "
              "a font that does (for example Droid Sans Fallback for Chinese, Japanese and Korean, Symbola for "
              "emoji) and export again", file=sys.stderr)
    return 0


def cmd_generate(args) -> int:
    from .services.generate import write_large

    if isinstance(args.out, Path) and args.out.exists() and not args.force:
        return _fail(f"{args.out}: already exists (use --force to replace it)")
    path = write_large(args.out, seed=args.seed, overwrite=bool(args.force))
    if not isinstance(path, Path):
        from .store.workspace_file import display_url

        path = display_url(path)
    print(f"Wrote a large synthetic workspace to {path}")
    return 0


def cmd_run_demo(args) -> int:
    from .app import has_display

    if has_display():
        return _window(args.file)
    print("No display found (DISPLAY and WAYLAND_DISPLAY are unset): exporting headless instead.")
    from .services.headless import export_headless

    for path in export_headless(args.file, args.out):
        print(f"Wrote {path}")
    from .reports.export import export_workspace_cases

    for path in export_workspace_cases(args.file, args.out, workbooks=True):
        print(f"Wrote {path}")
    return 0


def cmd_screenshots(args) -> int:
    from .gui.screenshots import save_screenshots

    for path in save_screenshots(args.out):
        print(f"Wrote {path}")
    return 0


def _tender(ws, name: str | None):
    from .domain.model import Tender

    tenders = ws.all(Tender)
    if name:
        found = [t for t in tenders if t.name.casefold() == name.strip().casefold()]
        if not found:
            raise ValueError(f"no tender named {name!r} (there are: {', '.join(t.name for t in tenders) or 'none'})")
        return found[0]
    if len(tenders) == 1:
        return tenders[0]
    raise ValueError("name the tender with --tender (the workspace has "
                     f"{len(tenders)}: {', '.join(t.name for t in tenders) or 'none'})")


def _column_mapping(args, grid):
    """The user's mapping from --sheet/--header-row/--map, or None to use a remembered or guessed one."""
    from .services.schedule_import import guess_mapping, mapping_for_headers
    from .services.tabular import MAPPABLE_FIELDS, column_index

    if not (args.sheet or args.header_row or args.map or args.area):
        return None
    columns: dict[str, int] = {}
    fields = {f for f, _label, _req in MAPPABLE_FIELDS}
    for item in args.map:
        name, _, col = item.partition("=")
        if name not in fields or not col:
            raise ValueError(f"--map {item!r}: use FIELD=COLUMN with FIELD one of {', '.join(sorted(fields))}")
        columns[name] = int(col) if col.isdigit() else column_index(col)
    guess = guess_mapping(grid, args.sheet)
    sheet = args.sheet or (guess.sheet if guess else grid.sheet_names[0])
    header_row = args.header_row or (guess.header_row if guess and guess.sheet == sheet else 1)
    base = mapping_for_headers(grid, sheet, header_row)
    return mapping_for_headers(grid, sheet, header_row, columns if args.map else base.columns, fixed_area=args.area)


def _describe_mapping(m, how: str) -> str:
    from .services.tabular import MAPPABLE_FIELDS, column_letter

    cols = ", ".join(f"{f}={column_letter(m.columns[f])}" for f, _l, _r in MAPPABLE_FIELDS if f in m.columns)
    area = f", area '{m.fixed_area}' for every row" if m.fixed_area else ""
    return f"Mapping ({how}): sheet '{m.sheet}', header row {m.header_row}, {cols}{area}"


def cmd_import_xlsx(args) -> int:
    from .services import xlsx_import
    from .services.importing import ImportRefused
    from .services.session import WorkspaceSession

    try:
        grid = xlsx_import.read(args.workbook)
    except xlsx_import.WorkbookRefused as exc:
        return _fail(str(exc))
    session = WorkspaceSession.open(args.file)
    try:
        schedule_options = bool(args.sheet or args.header_row or args.map or args.area)
        if schedule_options and args.kind in ("organisations", "requirements"):
            return _fail("--sheet, --header-row, --map and --area are for a buyer's pricing schedule "
                         f"(--kind schedule), not our {args.kind} template")
        # a mapping given means a buyer's schedule, even one headed like our template
        kind = args.kind or ("schedule" if schedule_options else xlsx_import.detect_kind(grid))
        tender_id = _tender(session.ws, args.tender).id if xlsx_import.needs_tender(kind) else None
        prepared = xlsx_import.plan(grid, session.ws, session.store.next_id, kind=kind, tender_id=tender_id,
                                    mapping=_column_mapping(args, grid) if kind == "schedule" else None)
        plan = prepared.plan
        if prepared.mapping is not None:
            print(_describe_mapping(prepared.mapping, prepared.mapping_source))
        for w in plan.warnings:
            print(f"warning: {w}", file=sys.stderr)
        if plan.problems:
            for p in plan.problems:
                print(f"problem: {p}", file=sys.stderr)
            return _fail(f"{args.workbook.name}: {len(plan.problems)} problem(s); nothing was imported")
        if not plan.rows:
            print(f"Nothing to import from {args.workbook.name}: every row is already in the workspace as it is "
                  f"({plan.counts_text()})")
            return 0
        if args.dry_run:
            print(f"Would import from {args.workbook.name}: {plan.summary()} (dry run: nothing written)")
            return 0
        xlsx_import.apply_import(session, plan)
        print(f"Imported from {args.workbook.name}: {plan.summary()}")
        return 0
    except (ValueError, ImportRefused) as exc:
        return _fail(str(exc))
    finally:
        session.close()


def cmd_export_xlsx(args) -> int:
    from .reports.files import check_output

    for out in (args.out, args.schedule_out):
        if out is not None:
            check_output(out)  # before any work: never a workspace, by any spelling or link
    from .services.history import read_history

    with open_for_reading(args.file) as store:
        ws, history = store.load(), read_history(store)
    try:
        if args.template:
            from .reports.templates import write_organisations_template, write_requirements_template

            if args.template == "organisations":
                path = write_organisations_template(args.out, ws if args.filled else None)
            else:
                tender = _tender(ws, args.tender) if args.filled else None
                path = write_requirements_template(args.out, ws if args.filled else None,
                                                   tender.id if tender else None)
            print(f"Wrote {path}")
            return 0
        if not args.option:
            return _fail("name the consortium option with --option (or ask for a --template)")
        from .reports.case import option_by_name
        from .reports.workbook import write_option_workbook

        option = option_by_name(ws, args.option)
        if args.schedule and not args.schedule_out:
            return _fail("--schedule needs --schedule-out: the buyer's file is never overwritten")
        from .services.analyses import analyse_option

        results = analyse_option(ws, option.id)  # type: ignore[arg-type]
        path = write_option_workbook(ws, option.id, args.out, results=results, history=history)  # type: ignore[arg-type]
        print(f"Wrote {path}")
        if args.schedule:
            return _fill_schedule(ws, results, args.schedule, args.schedule_out)
        return 0
    except ValueError as exc:
        return _fail(str(exc))


def _fill_schedule(ws, results, source: Path, destination: Path) -> int:
    from .reports.schedule_fill import fill_pricing_schedule
    from .services import xlsx_import
    from .services.schedule_import import guess_mapping, remembered_mapping

    try:
        grid = xlsx_import.read(source)
    except xlsx_import.WorkbookRefused as exc:
        return _fail(str(exc))
    mapping, how = remembered_mapping(ws, grid), "remembered"
    if mapping is None:
        mapping, how = guess_mapping(grid), "guessed"
    if mapping is None:
        return _fail(f"{source.name}: no sheet has a header row naming a service line and a volume; map it "
                     "once with import-xlsx --sheet/--header-row/--map (the mapping is remembered), then export again")
    print(_describe_mapping(mapping, how))
    schedule = results.get("prices")
    if not hasattr(schedule, "lines"):
        return _fail(f"no prices to fill in: {schedule.get('error') if isinstance(schedule, dict) else schedule}")
    result = fill_pricing_schedule(source, mapping, schedule, destination)
    for p in result.problems:
        print(f"warning: {p}", file=sys.stderr)
    print(f"Wrote {result.path} ({result.rows_filled} row(s) priced)")
    return 0


_COMMANDS = {
    "history": cli_history.cmd_history,
    "rounds": cli_rounds.cmd_rounds,
    "pipeline": cli_pipeline.cmd_pipeline,
    "demo": cmd_demo,
    "summary": cmd_summary,
    "compare": cmd_compare,
    "export-pdf": cmd_export_pdf,
    "generate": cmd_generate,
    "run-demo": cmd_run_demo,
    "screenshots": cmd_screenshots,
    "import-xlsx": cmd_import_xlsx,
    "export-xlsx": cmd_export_xlsx,
    **cli_templates.COMMAND_FUNCTIONS,
}
