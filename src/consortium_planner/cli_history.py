"""``consortium-planner history FILE [--json] [--entity E] [--since DATE] [--operation TEXT] [--who NAME]
[--record ID]``: the workspace's audit trail (``docs/history.md``), oldest first; a table for a person,
or JSON (``services/jsonout.py`` conventions: exact text values, ISO 8601 UTC times)."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub) -> None:
    h = sub.add_parser("history", help="the workspace's history of changes (the audit trail)")
    h.add_argument("file", help="the workspace (file or database URL)")
    h.add_argument("--json", action="store_true", help="as JSON, one object a change")
    h.add_argument("--entity", default="", help="only this kind of record (member, Member, allocation, ...)")
    h.add_argument("--since", default="", help="only changes at or after this date or time (UTC), e.g. 2026-12-03")
    h.add_argument("--operation", default="", help="only operations whose name contains this text")
    h.add_argument("--who", default="", help="only changes by names containing this text")
    h.add_argument("--record", type=int, default=None, help="only changes to the record with this id")


def cmd_history(args: argparse.Namespace) -> int:
    from .cli import _fail, _print_json, open_for_reading, workspace_arg
    from .services.history import (
        HistoryFilter,
        change_text,
        entity_label,
        entries_jsonable,
        filter_history,
        parse_since,
        read_history,
        when_text,
        who_text,
    )

    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as exc:
        return _fail(str(exc))
    with open_for_reading(workspace_arg(args.file)) as store:
        entries = read_history(store)
    shown = filter_history(entries, HistoryFilter(entity=args.entity, operation=args.operation, who=args.who,
                                                  record_id=args.record, since=since))
    if args.json:
        _print_json(entries_jsonable(shown))
        return 0
    out = sys.stdout
    if not shown:
        out.write(f"No changes recorded{' that match' if len(entries) else ''} ({len(entries)} in all).\n")
        return 0
    for e in shown:
        record = f"{entity_label(e.entity)} {e.record_id if e.record_id is not None else ''}".strip()
        what = f"{e.field}: " if e.field else ""
        out.write(f"{when_text(e.at)}  {who_text(e.who)}  {e.operation}  {record}  {what}{change_text(e, limit=120)}\n")
    out.write(f"{len(shown)} of {len(entries)} changes.\n")
    return 0
