"""``consortium-planner rounds FILE [--json] [--tender NAME] [--no-compare]``: the workshop rounds frozen
(``docs/rounds.md``): each with its date, attendees, decision and rationale, its options' figures as they
were, and what has changed since (the options as they stand now; ``--no-compare`` skips that)."""

from __future__ import annotations

import argparse
import sys


def add_parser(sub) -> None:
    r = sub.add_parser("rounds", help="the workshop rounds and decisions, and what has changed since")
    r.add_argument("file", help="the workspace (file or database URL)")
    r.add_argument("--json", action="store_true", help="as JSON: the rounds with their figures and changes since")
    r.add_argument("--tender", default=None, help="only this tender's rounds")
    r.add_argument("--no-compare", action="store_true", help="do not work out the changes since (faster)")


def cmd_rounds(args: argparse.Namespace) -> int:
    from .cli import _fail, _print_json, _tender, open_for_reading, workspace_arg
    from .services.rounds import diff, now_by_tender, round_figures, rounds_json, tender_rounds

    with open_for_reading(workspace_arg(args.file)) as store:
        ws = store.load()
    tender_id = None
    if args.tender is not None:
        try:
            tender_id = _tender(ws, args.tender).id
        except ValueError as exc:
            return _fail(str(exc))
    rounds = tender_rounds(ws, tender_id)
    now = None if args.no_compare else now_by_tender(ws, sorted({r.tender_id for r in rounds if r.tender_id}))
    if args.json:
        _print_json({"rounds": rounds_json(ws, tender_id, now)})
        return 0
    out = sys.stdout
    if not rounds:
        out.write("No rounds frozen yet (in the program: View → Rounds and decisions…, Freeze round…).\n")
        return 0
    for r in rounds:
        out.write(f"{r.held_on:%d/%m/%Y}  {r.name}\n")
        for label, text in (("Attendees", r.attendees), ("Decision", r.decision), ("Rationale", r.rationale)):
            if text:
                out.write(f"  {label}: {text}\n")
        if now is not None and r.tender_id in now:
            changes = diff(round_figures(ws, r.id), now[r.tender_id])  # type: ignore[arg-type]
            out.write(f"  Since then: {len(changes)} figure(s) changed\n")
            for d in changes[:40]:
                if d.status:
                    out.write(f"    {d.option}: {d.status} since\n")
                    continue
                change = "" if d.change is None else f" ({'+' if d.change > 0 else ''}{d.change})"
                out.write(f"    {d.option} · {d.label}: {d.before or '–'} → {d.after or '–'}{change}\n")
    return 0
