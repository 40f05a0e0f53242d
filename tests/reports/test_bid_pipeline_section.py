"""The investment case's "Bid pipeline" section: there when the workspace holds more than one tender, with
the same tables as the Pipeline page and the workbook's Pipeline sheet."""

from __future__ import annotations

import datetime as dt

from consortium_planner.domain.model import ConsortiumOption, Tender
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import build_case
from consortium_planner.reports.sections.bids import pipeline_tables
from consortium_planner.services.bids import pipeline

ON = dt.date(2026, 11, 25)


def test_bid_pipeline_section_in_the_demo_case(ws, spv_id, results):
    case = build_case(ws, spv_id, results=results, on=ON)
    section = case.section("bid_pipeline")
    assert section is not None and section.title == "Bid pipeline"
    expected = pipeline(ws)
    for table in pipeline_tables(expected):
        assert section.table(table.key) == table
    tenders = section.table("pipeline_tenders")
    assert tenders is not None and tenders.rows[-3][0].value == "Win all"
    assert tenders.rows[-3][5].value == expected.win_all
    assert "Eastmere Homecare Co-operative" in section.text()
    # the worst news first: the section opens with the first serious finding, before the totals
    worst = next(f for f in expected.findings if f.severity.red)
    assert section.blocks[0].text.startswith(worst.message)


def test_no_bid_pipeline_section_with_one_tender(ws, spv_id, results):
    one = Workspace([e for e in ws.entities() if not (
        (isinstance(e, Tender) and e.id != ws.get(ConsortiumOption, spv_id).tender_id)
        or (isinstance(e, ConsortiumOption) and e.tender_id != ws.get(ConsortiumOption, spv_id).tender_id))])
    assert len(one.tenders()) == 1
    case = build_case(one, spv_id, results=results, on=ON)  # the SPV's analyses read nothing of the other tender
    assert "bid_pipeline" not in case.keys()


def test_the_case_computes_its_own_options_analyses_once(ws, spv_id, monkeypatch):
    """The bid pipeline section asks for every chosen option's verdict, the case's own among them: it reuses
    the case's results for that one (sensitivity, the slowest of them, runs once for it) and shows the same
    verdict as the case's page one."""
    from consortium_planner.services import analyses
    from consortium_planner.services import sensitivity as _sensitivity
    from consortium_planner.services.bids import chosen_option_ids

    assert spv_id in chosen_option_ids(ws) and len(chosen_option_ids(ws)) > 1
    ran: list[int] = []
    real = _sensitivity.sensitivity

    def counted(ws_, option_id, *args, **kwargs):
        ran.append(option_id)
        return real(ws_, option_id, *args, **kwargs)

    monkeypatch.setattr(_sensitivity, "sensitivity", counted)
    own = analyses.analyse_option(ws, spv_id)
    assert ran == [spv_id]
    case = build_case(ws, spv_id, results=own, on=ON)
    assert ran.count(spv_id) == 1, ran
    assert sorted(ran) == sorted(chosen_option_ids(ws))  # each chosen option's verdict, once
    spv = next(r for r in pipeline(ws).tenders if r.option_id == spv_id)
    assert case.verdict is not None and spv.verdict == case.verdict.decision.value
