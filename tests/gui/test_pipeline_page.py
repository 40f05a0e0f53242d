"""The Pipeline page: in the navigator, worked out off the UI thread, equal to the CLI's figures, red for the
demo's homecare promised twice, refreshed on an edit (un-choosing a bid removes its overlaps)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QThreadPool
from views_support import demo_path_fixture, main_window  # noqa: F401 (fixtures)

from consortium_planner.domain.model import ConsortiumOption
from consortium_planner.gui.pipeline_page import PipelinePage
from consortium_planner.reports.document import Status
from consortium_planner.reports.sections.bids import tenders_table
from consortium_planner.services.bids import pipeline

TIMEOUT = 60_000


@pytest.fixture(autouse=True)
def no_work_left_behind():
    yield
    QThreadPool.globalInstance().waitForDone(TIMEOUT)


def pipeline_page(window) -> PipelinePage:
    window.navigator.setCurrentRow(list(window.pages).index("Pipeline"))
    page = window.pages["Pipeline"]
    assert isinstance(page, PipelinePage)
    return page


def settled(qtbot, page: PipelinePage) -> None:
    qtbot.waitUntil(lambda: not page.busy and page.result is not None and not page._stale, timeout=TIMEOUT)


def test_pipeline_page_shows_the_tenders_totals_and_red_overlap(qtbot, qsettings, monkeypatch, demo_path, tmp_path):
    window = main_window(qtbot, qsettings, monkeypatch, demo_path)
    window.resize(1280, 720)
    page = pipeline_page(window)
    settled(qtbot, page)
    expected = pipeline(window.controller.ws)
    assert page.result == expected
    assert page.tenders_model.texts() == tenders_table(expected).texts()
    assert "Win all" in page.figures.text() and "Expected value" in page.figures.text()
    capacity = page.capacity_model.table
    assert capacity is not None and capacity.rows[0][0].value == "Eastmere Homecare Co-operative"
    assert capacity.rows[0][3].status is Status.RED
    assert page.findings.count() == len(expected.findings)
    assert page.partners_model.table.rows[0][0].value == "Eastmere Homecare Co-operative"
    assert page.gantt.rows == expected.timeline
    for i in range(page.tabs.count()):
        page.tabs.setCurrentIndex(i)
        assert not page.grab().isNull()  # every tab paints offscreen (the Gantt chart included)

    # un-choose the neighbour's bid: the page works the pipeline out again and the overlaps go
    second = max(window.controller.ws.all(ConsortiumOption), key=lambda o: o.id)
    window.controller.set_field(ConsortiumOption, second.id, "chosen", False)
    qtbot.waitUntil(lambda: not page.busy and page.result is not None and not page.result.capacity_overlaps,
                    timeout=TIMEOUT)
    assert page.result.tenders[1].option_id is None
