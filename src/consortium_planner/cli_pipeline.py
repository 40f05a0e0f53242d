"""``consortium-planner pipeline FILE [--json]``: the bid pipeline (``docs/pipeline.md``): each tender with
the option chosen to bid, its chance of winning, contribution and expected value; the win-all, win-none
and expected totals; capacity and money promised to two bids at once; the combined funding need; the
timeline of deadlines, mobilisation and service."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal


def add_parser(sub) -> None:
    p = sub.add_parser("pipeline", help="the bid pipeline: the chosen option per tender, overlaps, expected value")
    p.add_argument("file", help="the workspace (file or database URL)")
    p.add_argument("--json", action="store_true", help="as JSON (the same as summary --json's pipeline)")


def _money(v: Decimal | None) -> str:
    return "–" if v is None else f"£{v:,.2f}"


def _date(d) -> str:
    return "–" if d is None else f"{d:%d/%m/%Y}"


def cmd_pipeline(args: argparse.Namespace) -> int:
    from .cli import _print_json, open_for_reading, workspace_arg
    from .services.bids import pipeline, to_json

    with open_for_reading(workspace_arg(args.file)) as store:
        ws = store.load()
    result = pipeline(ws)
    if args.json:
        _print_json(to_json(result))
        return 0
    out = sys.stdout
    if not result.tenders:
        out.write("No tenders in this workspace.\n")
        return 0
    out.write("Bid pipeline\n")
    for t in result.tenders:
        chance = "not estimated" if t.win_probability_pct is None else f"{t.win_probability_pct}%"
        out.write(f"  {t.tender} ({t.buyer or 'buyer not given'})\n")
        out.write(f"    chosen: {t.option or 'none'}; chance {chance}; contribution {_money(t.contribution)}; "
                  f"expected {_money(t.expected_value)}; funding {_money(t.funding_requirement)}\n")
    out.write(f"  Win all: {_money(result.win_all)}   Expected: {_money(result.expected_value)}   "
              f"Win none: {_money(result.win_none)}\n")
    f = result.funding
    out.write(f"  Funding if all are won: {_money(f.total_requirement)} in all; deficits by calendar month peak at "
              f"{_money(f.combined_peak)}" + (f" ({f.combined_peak_month:%m/%Y})" if f.combined_peak_month else "")
              + "\n")
    out.write("Timeline\n")
    for r in result.timeline:
        out.write(f"  {r.tender}: deadline {_date(r.deadline)}, mobilisation {_date(r.mobilisation_start)}, "
                  f"service {_date(r.service_start)} to {_date(r.service_end)}\n")
    if result.findings:
        out.write("Findings\n")
        for finding in result.findings:
            out.write(f"  [{finding.severity.label}] {finding.message}\n")
    return 0
