"""Rounds and decisions (issue 19): a frozen round keeps the figures of its time; differences with now and
between rounds; the CLI, the case's decision log and the workbook's Rounds sheet; undo."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from consortium_planner.domain.model import ConsortiumOption, DecisionRound, RoundFigure
from consortium_planner.services.compare import compare
from consortium_planner.services.rounds import diff, figures_now, round_figures, tender_rounds

SPV = "Special purpose vehicle"


@pytest.fixture
def c(demo_controller):
    return demo_controller


def freeze(c, name, **kw):
    tender = c.ws.tenders()[0]
    ok = c.freeze_round(tender.id, name, kw.get("held_on", dt.date(2026, 12, 3)), kw.get("attendees", "A, B"),
                        kw.get("decision", "Bid as the SPV"), kw.get("rationale", "Shares the risk"),
                        compare(c.ws, tender.id))
    assert ok, c.refusals
    return next(r for r in tender_rounds(c.ws, tender.id) if r.name == name)


def test_a_round_stores_the_figures_the_compare_page_gives_at_the_time(c):
    tender = c.ws.tenders()[0]
    expected = figures_now(compare(c.ws, tender.id))
    r = freeze(c, "Round 1")
    assert r.decision == "Bid as the SPV" and r.attendees == "A, B" and r.frozen_at.endswith("+00:00")
    assert round_figures(c.ws, r.id) == expected
    spv = next(o for o in c.ws.options() if o.name == SPV)
    assert Decimal(expected[SPV]["year_one_price"]) > 0
    assert c.ws.count(RoundFigure) == sum(len(v) for v in expected.values())
    # a later edit leaves the round as it was, and shows in the changes since
    assert c.set_field(ConsortiumOption, spv.id, "margin_pct", "5")
    assert round_figures(c.ws, r.id) == expected
    now = figures_now(compare(c.ws, tender.id))
    changes = {(d.option, d.key): d for d in diff(round_figures(c.ws, r.id), now)}
    price = changes[(SPV, "year_one_price")]
    assert price.change == Decimal(now[SPV]["year_one_price"]) - Decimal(expected[SPV]["year_one_price"]) > 0
    assert price.better is False  # dearer
    assert all(d.option == SPV for d in changes.values())  # only the edited option moved


def test_round_against_round_and_options_added(c):
    r1 = freeze(c, "Round 1")
    spv = next(o for o in c.ws.options() if o.name == SPV)
    c.duplicate_option(spv.id)
    r2 = freeze(c, "Round 2")
    changes = diff(round_figures(c.ws, r1.id), round_figures(c.ws, r2.id))
    added = {d.option for d in changes if d.status == "added"}
    assert added == {f"{SPV} (copy)"}
    assert not [d for d in changes if not d.status]  # nothing else moved between the rounds


def test_freezing_is_one_undo_step_and_names_are_unique(c):
    n = c.undo_stack.count()
    freeze(c, "Round 1")
    assert c.undo_stack.count() == n + 1
    tender = c.ws.tenders()[0]
    assert not c.freeze_round(tender.id, "round 1", dt.date(2026, 12, 3), "", "", "", compare(c.ws, tender.id))
    assert "already has a round" in c.refusals[-1]
    c.undo_stack.undo()
    assert c.ws.count(DecisionRound) == 0 and c.ws.count(RoundFigure) == 0


def test_cli_rounds_json(c, capsys):
    from consortium_planner.cli import main

    freeze(c, "Round 1")
    spv = next(o for o in c.ws.options() if o.name == SPV)
    c.set_field(ConsortiumOption, spv.id, "margin_pct", "5")
    path = c.session.path
    c.session.close()
    assert main(["rounds", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (r,) = data["rounds"]
    assert r["name"] == "Round 1" and r["decision"] == "Bid as the SPV" and r["held_on"] == "2026-12-03"
    assert SPV in r["options"]
    moved = {(x["option"], x["figure"]) for x in r["changes_since"]}
    assert (SPV, "year_one_price") in moved
    assert main(["rounds", str(path)]) == 0
    text = capsys.readouterr().out
    assert "Round 1" in text and "Decision: Bid as the SPV" in text and "Year-one price" in text


def test_decision_log_in_the_case_and_rounds_sheet(c, tmp_path):
    from openpyxl import load_workbook

    from consortium_planner.reports.case import build_case
    from consortium_planner.reports.workbook import write_option_workbook

    freeze(c, "Round 1", decision="Go ahead as the SPV")
    spv = next(o for o in c.ws.options() if o.name == SPV)
    doc = build_case(c.ws, spv.id)
    section = next(s for s in doc.sections if s.key == "decision_log")
    tables = {b.key: b for b in section.blocks if hasattr(b, "rows")}
    assert tables["decision_log"].rows[0][3].value == "Go ahead as the SPV"
    figures = tables["decision_log_figures"]
    assert [col.title for col in figures.columns] == ["Figure", "Round 1", "Now"]
    book = write_option_workbook(c.ws, spv.id, tmp_path / "b.xlsx")
    sheet = load_workbook(book, read_only=True)["Rounds"]
    values = [v for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert "Go ahead as the SPV" in values and "Round 1" in values


def test_an_anonymised_copy_leaves_the_rounds_out(c, tmp_path):
    """A round's figures are frozen text (scaling cannot reach them) and its attendees are people."""
    import sqlite3

    from consortium_planner.services.anonymise import write_anonymised

    freeze(c, "Round 1", attendees="Jo Bloggs of Westmarch Care Mutual")
    source = c.session.path
    c.session.close()
    out = write_anonymised(source, tmp_path / "anon.cplan", scale=2)
    out_path = out if not hasattr(out, "path") else out.path
    with sqlite3.connect(out_path) as db:
        assert db.execute("SELECT count(*) FROM decision_round").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM round_figure").fetchone() == (0,)
    assert b"Jo Bloggs" not in (tmp_path / "anon.cplan").read_bytes()
