"""Zoom, presenter mode and the workshop layout (issue 19): View menu, shortcuts and what they change."""

from __future__ import annotations

import pytest
from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QApplication, QLabel, QSizePolicy, QTableView

from consortium_planner.gui import zoom
from consortium_planner.gui.style import Card


@pytest.fixture(autouse=True)
def back_to_100(qapp):
    """The zoom is application-wide: every test here starts and ends at 100%."""
    zoom.apply(1.0)
    yield
    zoom.apply(1.0)


@pytest.fixture
def window(qtbot, qsettings, demo_controller):
    from consortium_planner.gui.main_window import MainWindow

    demo_controller.session.close()
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    w.resize(1280, 720)
    assert w.open_path(demo_controller.session.path)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def _chart_view() -> tuple[QChartView, QValueAxis]:
    chart = QChart()
    series = QLineSeries()
    series.append(0, 1)
    series.append(1, 2)
    chart.addSeries(series)
    axis = QValueAxis()
    chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(axis)
    view = QChartView(chart)
    return view, axis


def test_zoom_scales_the_font_of_tables_charts_and_cards(qtbot):
    table = QTableView()
    table.setModel(QStandardItemModel(3, 2))
    view, axis = _chart_view()
    card = Card("Caption")
    card.set("£1.00m", "detail")
    for w in (table, view, card):
        qtbot.addWidget(w)
        w.show()
    base_table = table.font().pointSizeF()
    base_axis = axis.labelsFont().pointSizeF()
    base_title = view.chart().titleFont().pointSizeF()
    base_row = table.verticalHeader().defaultSectionSize()
    base_value = card.value.font().pointSizeF()
    assert zoom.apply(1.5) == 1.5
    assert table.font().pointSizeF() == pytest.approx(base_table * 1.5)
    assert axis.labelsFont().pointSizeF() == pytest.approx(base_axis * 1.5)
    assert view.chart().titleFont().pointSizeF() == pytest.approx(base_title * 1.5)
    assert table.verticalHeader().defaultSectionSize() == round(base_row * 1.5)
    assert card.value.font().pointSizeF() == pytest.approx(base_value * 1.5)  # relative to the card's font
    assert card.value.font().bold()
    assert zoom.scaled(24) == 36
    # a chart made after the change takes the zoomed font from the application
    later, later_axis = _chart_view()
    qtbot.addWidget(later)
    assert later_axis.labelsFont().pointSizeF() == pytest.approx(base_axis * 1.5)
    zoom.apply(1.0)
    assert table.font().pointSizeF() == pytest.approx(base_table)
    assert axis.labelsFont().pointSizeF() == pytest.approx(base_axis)
    assert table.verticalHeader().defaultSectionSize() == base_row


def test_zoom_stays_between_100_and_200_percent(qtbot):
    assert zoom.apply(3.0) == zoom.MAX_ZOOM
    assert zoom.apply(0.5) == zoom.MIN_ZOOM
    assert zoom.clamp(1.234) == 1.23


def test_a_label_with_a_style_sheet_follows_the_zoom(qtbot):
    label = QLabel("Verdict")
    label.setStyleSheet("QLabel { background: #f8d7da; }")
    qtbot.addWidget(label)
    label.show()
    base = label.font().pointSizeF()
    zoom.apply(2.0)
    assert label.font().pointSizeF() == pytest.approx(base * 2)


def test_ctrl_plus_and_minus_zoom_the_window_and_are_remembered(window, qtbot, qsettings):
    base = QApplication.font().pointSizeF()
    table = window.pages["Consortium options"].master.table
    table_base = table.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert zoom.factor() == pytest.approx(1.1)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.2)
    assert table.font().pointSizeF() == pytest.approx(table_base * 1.2)
    assert float(qsettings.value("view/zoom")) == pytest.approx(1.2)
    qtbot.keyClick(window, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert zoom.factor() == pytest.approx(1.1)
    qtbot.keyClick(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert zoom.factor() == 1.0
    assert not window.presenter.act_zoom_out.isEnabled()  # already at 100%
    # the View menu holds them, between Edit and Help
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus.index("&View") == menus.index("&Edit") + 1 and menus[-1] == "&Help"


def test_a_new_window_opens_at_the_remembered_zoom(qtbot, qsettings):
    from consortium_planner.gui.main_window import MainWindow

    qsettings.setValue("view/zoom", 1.3)
    w = MainWindow(qsettings)
    qtbot.addWidget(w)
    assert zoom.factor() == pytest.approx(1.3)
    w.close()


def test_presenter_mode_hides_the_navigator_and_puts_everything_back(window, qtbot, qsettings):
    p = window.presenter
    assert window.navigator.isVisible() and window.statusBar().isVisible()
    p.act_presenter.trigger()
    assert p.presenting and p.act_presenter.isChecked()
    assert not window.navigator.isVisible()
    assert not window.statusBar().isVisible()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert zoom.factor() == zoom.PRESENTER_DEFAULT  # 150% until the presenter chooses another
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert float(qsettings.value("view/presenter_zoom")) == pytest.approx(1.6)
    assert qsettings.value("view/zoom") is None  # the desk zoom is not touched
    qtbot.keyClick(window, Qt.Key.Key_Escape)  # Esc leaves
    assert not p.presenting and not p.act_presenter.isChecked()
    assert window.navigator.isVisible() and window.statusBar().isVisible()
    assert not window.windowState() & Qt.WindowState.WindowFullScreen
    assert zoom.factor() == 1.0
    assert not p.act_leave.isEnabled()  # Esc belongs to editors again
    p.act_presenter.trigger()  # the presenter zoom is remembered apart
    assert zoom.factor() == pytest.approx(1.6)
    p.act_presenter.trigger()
    assert window.navigator.isVisible()


def test_f11_toggles_full_screen(window, qtbot):
    p = window.presenter
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.windowState() & Qt.WindowState.WindowFullScreen and p.act_full_screen.isChecked()
    assert window.navigator.isVisible()  # full screen alone keeps the navigator
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert not window.windowState() & Qt.WindowState.WindowFullScreen and not p.act_full_screen.isChecked()


def test_workshop_layout_shows_compare_beside_the_side_panel(window, qtbot):
    from consortium_planner.gui.verdict_banner import VerdictBanner

    p = window.presenter
    p.workshop.set_panel_factory(None)  # the side pane's own summary (the what-if panel has its own tests)
    p.workshop.set_workshop_side_panel(None)
    page = window.show_page("Consortium options")
    page.master.table.selectRow(1)
    chosen = page.master.current_id()
    p.act_workshop.trigger()
    compare = window.pages["Compare"]
    assert window.stack.currentWidget() is compare
    side = p.workshop.side
    assert side.isVisible()
    assert compare.geometry().right() < side.mapTo(window, side.rect().topLeft()).x()  # beside, on the left
    summary = p.workshop.summary
    assert summary is not None and summary.isVisible()
    assert summary.option_id() == chosen  # the option selected on the Consortium options page
    assert isinstance(summary.verdict, VerdictBanner)
    qtbot.waitUntil(lambda: summary.verdict.result is not None, timeout=60_000)
    assert summary.verdict.label.text()
    qtbot.waitUntil(lambda: compare.comparison is not None, timeout=60_000)
    qtbot.waitUntil(lambda: summary.cards["year_one_price"].value.text().startswith("£"), timeout=10_000)
    figures = compare.comparison.option(chosen)
    assert summary.cards["win_probability"].value.text().endswith("%")
    assert figures.values["year_one_price"] is not None
    # in presenter mode, at 150%, the layout fits a 1280×720 screen
    p.act_presenter.trigger()
    assert zoom.factor() == 1.5 and window.stack.currentWidget() is compare
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    p.act_presenter.trigger()
    # another page turns the layout off, and the pages out of sight count towards the window's size again
    window.show_page("Tenders")
    assert not side.isVisible() and not p.act_workshop.isChecked()
    options = window.pages["Consortium options"]
    assert options.sizePolicy().horizontalPolicy() != QSizePolicy.Policy.Ignored
    assert window.minimumSizeHint().width() >= options.minimumSizeHint().width()


def test_the_side_panel_can_be_replaced_by_another_widget(window, qtbot):
    p = window.presenter
    panel = QLabel("What if")
    p.workshop.set_workshop_side_panel(panel)
    p.act_workshop.trigger()
    assert panel.isVisible() and not p.workshop.summary.isVisible()
    p.workshop.set_workshop_side_panel(None)
    assert p.workshop.summary.isVisible() and not panel.isVisible()


def test_help_names_the_keys_the_view_menu_uses(window, qtbot):
    from consortium_planner.gui.help import HelpWindow

    help_window = HelpWindow()
    qtbot.addWidget(help_window)
    help_window.show_topic("Workshops and projectors")
    text = help_window.browser.toPlainText()
    p = window.presenter
    for action in (p.act_presenter, p.act_full_screen, p.act_workshop, p.act_zoom_reset):
        assert action.shortcut().toString() in text, action.text()


def test_pages_are_reached_from_the_keyboard_while_the_navigator_is_hidden(window, qtbot):
    p = window.presenter
    p.act_presenter.trigger()
    assert not window.navigator.isVisible()
    names = [a.text() for a in p.pages_menu.actions()]
    assert names == list(window.pages)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.pages[names[3]]
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.stack.currentWidget() is window.pages[names[0]]
    p.act_presenter.trigger()
    assert window.navigator.currentItem().text() == names[0]  # the navigator followed


def test_a_panel_factory_makes_the_side_panel_for_each_workspace(window, qtbot, tmp_path):
    from consortium_planner.services.demo import write_demo

    made = []

    def factory(controller, compare):
        panel = QLabel(f"What if on {controller.session.path.name}")
        made.append((panel, compare))
        return panel

    p = window.presenter
    p.workshop.set_panel_factory(factory)  # for the workspace open now
    assert len(made) == 1 and made[0][0].text() == "What if on demo.cplan"
    assert window.open_path(write_demo(tmp_path / "second.cplan"))  # and the next
    assert len(made) == 2 and made[1][1] is window.pages["Compare"]
    made.pop(0)
    p.act_workshop.trigger()
    assert p.workshop.panel is made[0][0] and made[0][0].isVisible()
    assert made[0][0].text() == "What if on second.cplan"
    assert not p.workshop.summary.isVisible()
    window.close_workspace()
    assert p.workshop.panel is None  # made for the workspace that closed
