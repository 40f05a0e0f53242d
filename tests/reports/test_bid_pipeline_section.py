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
