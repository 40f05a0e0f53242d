"""The cash flow chart's wrapping legend (issue 22): the same keys and names make nothing again, and the
flow layout's remembered heights follow its items."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from consortium_planner.gui.cashflow.chart import ChartLegend, FlowLayout, swatch


def test_the_legend_is_made_again_only_when_its_keys_or_names_change(qtbot):
    legend = ChartLegend()
    qtbot.addWidget(legend)
    items = [(swatch("bar", "#1f77b4"), "Net cash flow"), (swatch("line", "#d62728"), "Balance")]
    legend.set_items(items)
    entries = [legend.flow.itemAt(i).widget() for i in range(legend.flow.count())]
    legend.set_items([(swatch("bar", "#1f77b4"), "Net cash flow"), (swatch("line", "#d62728"), "Balance")])
    assert [legend.flow.itemAt(i).widget() for i in range(legend.flow.count())] == entries  # the very same
    legend.set_items([(swatch("bar", "#1f77b4"), "Net cash flow"), (swatch("dash", "#d62728"), "Balance")])
    assert legend.flow.itemAt(1).widget() is not entries[1]
    legend.set_items([(swatch("bar", "#1f77b4"), "Net cash flow"), (swatch("dash", "#d62728"), "Cash")])
    assert legend.names == ["Net cash flow", "Cash"]
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
