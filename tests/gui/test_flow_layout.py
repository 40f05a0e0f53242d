"""The cash flow chart's wrapping legend (issue 22): the same keys and names make nothing again, and the
flow layout's remembered heights follow its items."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from consortium_planner.gui.cashflow.chart import ChartLegend, FlowLayout, swatch


def _shown(legend: ChartLegend) -> list[tuple[QImage, str]]:
    """Each entry's key (its image) and name, as on screen, in order."""
    out = []
    for i in range(legend.flow.count()):
        key, name = legend.flow.itemAt(i).widget().findChildren(QLabel)
        out.append((key.pixmap().toImage(), name.text()))
    return out


def _key(pixmap: QPixmap) -> QImage:
    """``pixmap`` as a legend's key shows it (a label scales it to the screen's pixel ratio)."""
    label = QLabel()
    label.setPixmap(pixmap)
    return label.pixmap().toImage()


def test_the_legend_makes_its_entries_again_only_when_their_number_changes(qtbot):
    legend = ChartLegend()
    qtbot.addWidget(legend)
    bar, line, dash = swatch("bar", "#1f77b4"), swatch("line", "#d62728"), swatch("dash", "#d62728")
    legend.set_items([(bar, "Net cash flow"), (line, "Balance")])
    entries = [legend.flow.itemAt(i).widget() for i in range(legend.flow.count())]
    assert _shown(legend) == [(_key(bar), "Net cash flow"), (_key(line), "Balance")]
    legend.set_items([(swatch("bar", "#1f77b4"), "Net cash flow"), (swatch("line", "#d62728"), "Balance")])
    assert [legend.flow.itemAt(i).widget() for i in range(legend.flow.count())] == entries  # the very same
    # a key, then a name, changed: the same entries show the new ones (a figure in a name changes every edit)
    legend.set_items([(bar, "Net cash flow"), (dash, "Balance")])
    assert _shown(legend) == [(_key(bar), "Net cash flow"), (_key(dash), "Balance")]
    legend.set_items([(bar, "Net cash flow"), (dash, "Cash £1,234")])
    assert _shown(legend) == [(_key(bar), "Net cash flow"), (_key(dash), "Cash £1,234")]
    assert legend.names == ["Net cash flow", "Cash £1,234"]
    assert entries[1].accessibleName() == "Cash £1,234"
    assert [legend.flow.itemAt(i).widget() for i in range(legend.flow.count())] == entries
    # one more entry: the legend is made again, and shows all three
    legend.set_items([(bar, "In"), (line, "Out"), (dash, "Cash")])
    assert _shown(legend) == [(_key(bar), "In"), (_key(line), "Out"), (_key(dash), "Cash")]
    legend.clear()
    assert legend.flow.count() == 0 and legend.names == []


def test_the_flow_layouts_heights_follow_its_items(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    flow = FlowLayout(host)
    labels = [QLabel(f"Item {i}") for i in range(6)]
    for label in labels:
        flow.addWidget(label)
    host.show()
    QApplication.processEvents()
    width = sum(label.sizeHint().width() for label in labels[:3]) + 2 * 14 + 1  # three to a row

    def fresh() -> int:
        return flow._arrange(QRect(0, 0, width, 0), move=False)

    two_rows = flow.heightForWidth(width)
    assert two_rows == fresh() > labels[0].sizeHint().height() and flow.heightForWidth(width) == two_rows
    labels[0].setText("A much longer name than any other item in this legend, to take a row of its own")
    QApplication.processEvents()  # the label asks for a new layout: Qt invalidates the flow
    assert flow.heightForWidth(width) == fresh() > two_rows
    flow.takeAt(0).widget().deleteLater()
    assert flow.heightForWidth(width) == fresh() == two_rows
