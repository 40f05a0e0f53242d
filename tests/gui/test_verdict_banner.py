"""The option's headline: its verdict above its tabs, in its colour, following the option as it is edited."""

import threading
from decimal import Decimal

import pytest
from PySide6.QtWidgets import QApplication
from views_support import SPV, demo_path_fixture, main_window, option_id  # noqa: F401 (fixtures)

from consortium_planner.domain.model import Competitor
from consortium_planner.domain.tasks import NEVER
from consortium_planner.domain.verdict import Decision
from consortium_planner.gui.style import AMBER, GREEN, GREY, RED, STATUS_TONES
from consortium_planner.reports.document import verdict_status
from consortium_planner.services import analyses


@pytest.fixture
def window(qtbot, qsettings, monkeypatch, demo_path):
    return main_window(qtbot, qsettings, monkeypatch, demo_path)


def banner_for(window, qtbot, name):
    page = window.show_page("Consortium options")
    wanted = option_id(window.controller, name)
    page.master.table.select_id(wanted)
    banner = page.verdict
    qtbot.waitUntil(lambda: banner.result is not None and not banner.busy and banner.option_id() == wanted
                    and not banner._stale, timeout=60000)
    return banner


def test_the_spv_headline_is_do_not_bid_in_red_with_what_would_change_it(window, qtbot):
    banner = banner_for(window, qtbot, SPV)
    c = window.controller
    v = analyses.verdict(c.ws, option_id(c, SPV))
    assert banner.result == v and v.decision is Decision.DO_NOT_BID
    text = banner.label.text()
    assert text.index("Do not bid as it stands") < text.index("The highest winning price is £3,699,000")
    assert "Cut cost by £180,545 a year" in text
    assert RED.background in banner.label.styleSheet()
    assert banner.label.isVisible() and banner.isVisible()
    page = window.pages["Consortium options"]
    assert banner.parentWidget() is page.tabs.parentWidget()  # above the option's tabs


def test_the_headline_follows_an_edit_and_its_undo(window, qtbot):
    banner = banner_for(window, qtbot, SPV)
    c = window.controller
    # the competitor who sets the highest winning price bids dearer: a price covering cost now wins
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    assert c.set_field(Competitor, rival.id, "annual_price", "4,600,000")
    qtbot.waitUntil(lambda: banner.result is not None and not banner.busy
                    and banner.result.decision is not Decision.DO_NOT_BID, timeout=60000)
    v = analyses.verdict(c.ws, option_id(c, SPV))
    assert banner.result == v
    tone = {Decision.BID: GREEN, Decision.BID_WITH_CONDITIONS: AMBER}[v.decision]
    assert tone.background in banner.label.styleSheet() and v.label in banner.label.text()
    c.undo_stack.undo()
    assert c.ws.get(Competitor, rival.id).annual_price == Decimal("4050000.00")
    qtbot.waitUntil(lambda: banner.result is not None and not banner.busy
                    and banner.result.decision is Decision.DO_NOT_BID, timeout=60000)
    assert RED.background in banner.label.styleSheet()


@pytest.mark.second_process
def test_the_verdict_is_weighed_in_the_second_process_as_it_would_be_here(window, qtbot):
    """With a second processor, the banner's verdict is weighed in a second process (started by its first
    computation), so this one is left to the tab on show: the same verdict."""
    banner = banner_for(window, qtbot, SPV)
    c = window.controller
    if c.beside is None:
        pytest.skip("one processor: the verdict is weighed in this process")
    qtbot.waitUntil(lambda: c.beside.ready, timeout=60000)
    answered = c.beside.answered
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    assert c.set_field(Competitor, rival.id, "annual_price", "4,600,000")
    qtbot.waitUntil(lambda: banner.result is not None and not banner.busy and not banner._stale
                    and banner.result.decision is not Decision.DO_NOT_BID, timeout=60000)
    assert banner.result == analyses.verdict(c.ws, option_id(c, SPV))
    assert c.beside.answered > answered and not c.beside.failures


def test_the_banner_and_the_risks_tab_compute_the_sensitivity_of_one_edit_once(window, qtbot):
    """The Risks tab and the banner both need every finding (sensitivity among them); after an edit they work in
    the results shared by that version of the workspace, so the slowest analysis runs once, not once each."""
    import dataclasses

    from views_support import settle

    from consortium_planner.domain.model import Allocation
    from consortium_planner.services.pipeline import REGISTRY

    banner = banner_for(window, qtbot, SPV)
    page = window.pages["Consortium options"]
    risks = page.analysis_views["Risks"]
    page.tabs.setCurrentWidget(risks)
    settle(qtbot, risks)
    settle(qtbot, banner)
    c = window.controller
    oid = option_id(c, SPV)
    analysis = REGISTRY["sensitivity"]
    calls: list[int] = []

    def counted(i, compute=analysis.compute):
        calls.append(i.option_id)
        return compute(i)

    REGISTRY.register(dataclasses.replace(analysis, compute=counted), replace=True)
    try:
        alloc = c.ws.allocations(oid)[0]
        c.set_field(Allocation, alloc.id, "volume", str(alloc.volume + 1))
        qtbot.wait(400)  # the banner's settle: both are now at work on this version
        settle(qtbot, risks)
        settle(qtbot, banner)
    finally:
        REGISTRY.register(analysis, replace=True)
    assert calls == [oid]
    assert banner.result == analyses.verdict(c.ws, oid)


def test_the_visible_tabs_figures_go_before_the_verdict(window, qtbot):
    """While the tab on show computes its figures, the banner waits (it would compete with it for the
    interpreter); when the tab has shown them, the banner computes, reusing what the tab computed."""
    banner = banner_for(window, qtbot, SPV)
    page = window.pages["Consortium options"]
    tab = page.analysis_views["Sensitivity"]
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.result is not None and not tab.busy, timeout=60000)
    started: list[int] = []
    real = type(banner)._start_background
    banner._start_background = lambda oid: (started.append(oid), real(banner, oid))  # type: ignore[method-assign]
    gate = threading.Event()  # holds the tab's computation until the banner has been asked
    real_compute = tab.compute
    tab.compute = lambda ws, oid, cancelled=NEVER: (gate.wait(30), real_compute(ws, oid, cancelled))[1]
    c = window.controller
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    qtbot.waitUntil(lambda: tab.busy, timeout=10000)
    banner.refresh()  # as its settle timer would, while the tab computes
    assert not started and banner._stale and banner._waiting_for is tab
    gate.set()
    qtbot.waitUntil(lambda: not tab.busy and tab.result is not None, timeout=60000)
    qtbot.waitUntil(lambda: banner.result is not None and not banner.busy and not banner._stale, timeout=60000)
    assert started and banner._waiting_for is None
    assert banner.result == analyses.verdict(c.ws, option_id(c, SPV))


def test_after_a_change_the_banner_says_its_verdict_is_the_one_before_it(window, qtbot):
    """Until the new verdict is weighed, the one on show is marked as from before the change (grey, with the
    words); another option's verdict is never shown for the one selected."""
    banner = banner_for(window, qtbot, SPV)
    assert RED.background in banner.label.styleSheet()
    gate = threading.Event()  # holds the banner's computation
    real_compute = banner.compute
    banner.compute = lambda ws, oid, cancelled=NEVER: (gate.wait(30), real_compute(ws, oid, cancelled))[1]
    c = window.controller
    page = window.pages["Consortium options"]
    QApplication.processEvents()
    height, tabs_top = banner.label.height(), page.tabs.geometry().top()
    assert height > 2 * banner.label.fontMetrics().height()  # the verdict and its findings: lines of them
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    assert GREY.background in banner.label.styleSheet() and RED.background not in banner.label.styleSheet()
    assert "Before it:" in banner.label.text() and "Do not bid as it stands" in banner.label.text()
    assert banner.label.toolTip().startswith("Before the change: ")
    qtbot.wait(50)  # laid out (the banner's computation is held)
    # the banner keeps its height while it weighs again: the tab below does not move (a line more moved it
    # down and back up with every edit, laying it out and painting it all again each time)
    assert banner.label.height() == height and page.tabs.geometry().top() == tabs_top
    gate.set()
    qtbot.waitUntil(lambda: banner.result is not None and not banner.busy and not banner._stale
                    and "Before it:" not in banner.label.text(), timeout=60000)
    tone = STATUS_TONES[verdict_status(banner.result.decision)]
    assert tone.background in banner.label.styleSheet()
    assert "Before the change" not in banner.label.toolTip()
    # another option selected: the previous option's verdict goes, the waiting words come
    page.master.table.select_id(option_id(c, "Go alone"))
    assert "Weighing the option's findings" in banner.label.text()


def test_the_banner_held_at_its_height_never_makes_the_window_taller(window, qtbot):
    """While the new verdict is weighed the banner keeps its height, but not by raising the window's minimum:
    in a window too short for the verdict and the tabs' minimum (the large workspace at 1280×720), holding it
    made the window grow taller than the screen, a little more with every edit."""
    banner = banner_for(window, qtbot, SPV)
    page = window.pages["Consortium options"]
    window.resize(window.width(), 200)  # as short as it goes: the verdict's lines squeeze the tabs
    qtbot.wait(50)
    QApplication.processEvents()
    height = window.height()
    assert banner.label.height() + page.tabs.minimumSizeHint().height() > banner.parentWidget().height()
    gate = threading.Event()  # holds the banner's computation: it stays stale
    real_compute = banner.compute
    banner.compute = lambda ws, oid, cancelled=NEVER: (gate.wait(30), real_compute(ws, oid, cancelled))[1]
    c = window.controller
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    for price in ("4,100,000", "4,200,000", "4,300,000"):
        assert c.set_field(Competitor, rival.id, "annual_price", price)
        qtbot.wait(30)
        assert "Before it:" in banner.label.text()
        assert window.height() == height and window.minimumSizeHint().height() <= height
    gate.set()
    qtbot.waitUntil(lambda: not banner._stale and not banner.busy, timeout=60000)


def test_a_long_verdict_scrolls_in_a_banner_of_at_most_a_share_of_its_column(window, qtbot, monkeypatch):
    """The banner is as tall as its verdict up to ``MOST_OF_COLUMN`` of the column it shares with the tabs (never
    under ``LEAST_LINES`` lines); the rest scrolls, never clipped: the large workspace's verdict took 218 of 667
    pixels at 1280×720 and left the tabs less than their minimum. (The demo's verdict fits a third of the
    column, so the share is made smaller here.)"""
    from consortium_planner.gui import verdict_banner as vb

    banner = banner_for(window, qtbot, SPV)
    column = banner.parentWidget()
    tall = banner.label.heightForWidth(banner.fitted.width())
    qtbot.waitUntil(lambda: banner.fitted.height() == tall, timeout=5000)  # all of it, where there is room
    assert banner.fitted.verticalScrollBar().maximum() == 0
    monkeypatch.setattr(vb, "MOST_OF_COLUMN", 0.1)
    most = max(vb.LEAST_LINES * banner.fitted.fontMetrics().lineSpacing(), int(column.height() * 0.1))
    assert most < tall
    banner.fitted.updateGeometry()
    qtbot.waitUntil(lambda: banner.fitted.height() <= most, timeout=5000)
    assert banner.fitted.height() >= most - 1
    assert banner.fitted.verticalScrollBar().maximum() > 0  # the rest scrolls into view
    assert banner.label.height() >= banner.label.heightForWidth(banner.label.width())  # laid out whole, not cut


def test_a_second_edit_while_the_verdict_is_weighed_again_leaves_the_banner_alone(window, qtbot, monkeypatch):
    """The banner says the verdict is the one before the change at the first edit; further edits before the new
    verdict find it saying so and change nothing (laying the column out again cost every edit 2 ms on the demo)."""
    banner = banner_for(window, qtbot, SPV)
    gate = threading.Event()  # holds the banner's computation: it stays stale
    real_compute = banner.compute
    banner.compute = lambda ws, oid, cancelled=NEVER: (gate.wait(30), real_compute(ws, oid, cancelled))[1]
    laid_out: list[int] = []
    monkeypatch.setattr(banner.fitted, "updateGeometry", lambda: laid_out.append(1))
    c = window.controller
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    assert "Before it:" in banner.label.text() and laid_out == [1]
    held = banner.label.minimumHeight()
    for price in ("4,200,000", "4,300,000"):
        assert c.set_field(Competitor, rival.id, "annual_price", price)
    assert "Before it:" in banner.label.text() and laid_out == [1] and banner.label.minimumHeight() == held
    gate.set()
    qtbot.waitUntil(lambda: not banner._stale and not banner.busy, timeout=60000)


def test_a_verdict_at_its_most_leaves_the_tabs_their_minimum_and_the_edit_moves_nothing(window, qtbot, monkeypatch):
    """Where the verdict's share of the column would take part of the tabs' minimum (the large workspace at
    1280×720: 200 pixels of 667, the tabs 7 short of theirs), it takes only the room the tabs leave. Held at that
    height while it is weighed again after an edit (held within the room), it then keeps the tab below where it
    is: at its share, the one line shown after each edit gave the tabs their 7 pixels back, and the tab on show
    was laid out and painted again twice an edit, while its figures were being worked out."""
    from consortium_planner.gui import verdict_banner as vb

    banner = banner_for(window, qtbot, SPV)
    page = window.pages["Consortium options"]
    column = banner.parentWidget()
    monkeypatch.setattr(vb, "MOST_OF_COLUMN", 0.9)  # the demo's verdict is short: its share made to want more
    tabs_least = page.tabs.minimumSizeHint().height()
    tall = banner.label.heightForWidth(banner.fitted.width())
    lines = vb.LEAST_LINES * banner.fitted.fontMetrics().lineSpacing()
    assert tall > lines + 10
    # a window where the verdict whole and the tabs at their minimum do not both fit, but its least lines do
    window.resize(window.width(), window.height() - column.height() + tabs_least + (tall + lines) // 2 + 4)
    qtbot.waitUntil(lambda: column.height() < tabs_least + tall, timeout=5000)
    banner.fitted.updateGeometry()
    qtbot.wait(50)
    QApplication.processEvents()
    assert page.tabs.height() >= tabs_least  # the tabs have their minimum ...
    assert banner.fitted.height() >= lines
    assert banner.fitted.verticalScrollBar().maximum() > 0  # ... and the rest of the verdict scrolls
    tabs_at = page.tabs.geometry()
    gate = threading.Event()  # holds the banner's computation: it stays stale
    real_compute = banner.compute
    banner.compute = lambda ws, oid, cancelled=NEVER: (gate.wait(30), real_compute(ws, oid, cancelled))[1]
    c = window.controller
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    assert "Before it:" in banner.label.text()
    qtbot.wait(50)
    QApplication.processEvents()
    assert page.tabs.geometry() == tabs_at  # the tab on show stays where it was, at its size
    gate.set()
    qtbot.waitUntil(lambda: not banner._stale and not banner.busy, timeout=60000)
    QApplication.processEvents()
    assert page.tabs.geometry() == tabs_at  # and the new verdict keeps it there too


def _hold(view) -> threading.Event:
    """Hold ``view``'s computation until the event returned is set."""
    gate = threading.Event()
    real_compute = view.compute
    view.compute = lambda ws, oid, cancelled=NEVER: (gate.wait(30), real_compute(ws, oid, cancelled))[1]
    return gate


def _held_on_the_evaluation_tab(window, qtbot):
    """The SPV's banner and its Evaluation tab on show, their figures in; each one's next computation held (the
    events returned), the controller and the competitor whose price the tests edit."""
    banner = banner_for(window, qtbot, SPV)
    page = window.pages["Consortium options"]
    tab = page.analysis_views["Evaluation"]
    page.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.result is not None and not tab.busy, timeout=60000)
    c = window.controller
    rival = next(x for x in c.ws.all(Competitor) if x.name == "Regional health and care charity")
    return banner, tab, _hold(banner), _hold(tab), c, rival


def test_the_verdict_is_marked_as_before_the_change_once_the_tab_on_show_has_its_new_figures(window, qtbot):
    """The tab on show paints its new figures first: until they come it shows the figures before the change, and
    the banner the verdict before it, unmarked (marking it at once restyled, laid out and painted the banner
    while the tab's figures were worked out). Once the tab has shown them, and the window has had its turn to
    paint them, the banner says the verdict is the one before the change, until the new one is weighed."""
    banner, tab, weighed, figures, c, rival = _held_on_the_evaluation_tab(window, qtbot)
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    qtbot.waitUntil(lambda: tab.busy, timeout=10000)
    assert "Before it:" not in banner.label.text() and RED.background in banner.label.styleSheet()
    as_shown: list[str] = []
    tab.shown.connect(lambda: as_shown.append(banner.label.text()))
    with qtbot.waitSignal(tab.shown, timeout=60000):
        figures.set()
    assert as_shown and "Before it:" not in as_shown[0]  # not in the paint of the tab's figures
    qtbot.waitUntil(lambda: "Before it:" in banner.label.text(), timeout=1000)
    assert GREY.background in banner.label.styleSheet()
    weighed.set()
    qtbot.waitUntil(lambda: not banner._stale and not banner.busy and "Before it:" not in banner.label.text(),
                    timeout=60000)
    assert banner.result == analyses.verdict(c.ws, option_id(c, SPV))


def test_an_edit_before_the_mark_waits_for_the_tabs_figures_after_it(window, qtbot, monkeypatch):
    """An edit made in the moment between the tab's figures and the mark (the same turn of the event loop) waits
    for the tab's figures after it: the mark is not made while those are worked out."""
    from consortium_planner.gui import verdict_banner as vb

    monkeypatch.setattr(vb, "MARK_WITHIN_MS", 60_000)  # only the tab's figures mark it
    banner, tab, weighed, figures, c, rival = _held_on_the_evaluation_tab(window, qtbot)
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    qtbot.waitUntil(lambda: tab.busy, timeout=10000)
    held: list[threading.Event] = []

    def edit_again() -> None:
        if not held:
            held.append(_hold(tab))
            assert c.set_field(Competitor, rival.id, "annual_price", "4,200,000")

    tab.shown.connect(edit_again)
    with qtbot.waitSignal(tab.shown, timeout=60000):
        figures.set()
    qtbot.waitUntil(lambda: tab.busy, timeout=10000)
    qtbot.wait(200)
    assert "Before it:" not in banner.label.text()
    with qtbot.waitSignal(tab.shown, timeout=60000):
        held[0].set()
    qtbot.waitUntil(lambda: "Before it:" in banner.label.text(), timeout=1000)
    weighed.set()
    qtbot.waitUntil(lambda: not banner._stale and not banner.busy and not tab.busy
                    and "Before it:" not in banner.label.text(), timeout=60000)


def test_the_verdict_is_marked_within_a_moment_when_the_tabs_figures_take_longer(window, qtbot):
    """Whatever the tab on show takes, the verdict before the change is marked within ``MARK_WITHIN_MS``."""
    import time

    from consortium_planner.gui import verdict_banner as vb

    banner, tab, weighed, figures, c, rival = _held_on_the_evaluation_tab(window, qtbot)
    edited = time.monotonic()
    assert c.set_field(Competitor, rival.id, "annual_price", "4,100,000")
    qtbot.waitUntil(lambda: "Before it:" in banner.label.text(), timeout=5000)
    assert time.monotonic() - edited >= vb.MARK_WITHIN_MS / 1000 * 0.9 and tab.busy  # the figures still to come
    figures.set()
    weighed.set()
    qtbot.waitUntil(lambda: not banner._stale and not banner.busy and not tab.busy
                    and "Before it:" not in banner.label.text(), timeout=60000)
