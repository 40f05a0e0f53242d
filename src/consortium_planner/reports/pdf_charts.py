"""Charts of the investment case PDF: bar, stacked, waterfall and line charts as reportlab graphics
with titled axes and units, and heat maps as shaded tables (so large ones split across pages)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.charts.textlabels import Label
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from .document import (
    Chart,
    ChartKind,
    Kind,
    format_value,
)
from .pdf_style import (
    ALERT,
    CELL_PAD,
    CELL_SIZE,
    FONT,
    FONT_BOLD,
    GRID,
    INK,
    MUTED,
    NAVY,
    RAG_FILL,
    RAG_INK,
    RULE,
    SERIES,
    TEAL,
    WIDTH,
    Styles,
    fit_text,
    longest_word,
    natural_width,
    para,
)


def _nice_scale(lo: float, hi: float, ticks: int = 5) -> tuple[float, float, float]:
    """A round axis range containing [lo, hi] and a round step."""
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    span = hi - lo
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _compact_money(v: float, decimals: int | None = None) -> str:
    a, sign = abs(v), ("−" if v < 0 else "")
    if a >= 1e6:
        return f"{sign}£{a / 1e6:,.{2 if decimals is None else decimals}f}m"
    if a >= 1e3:
        return f"{sign}£{a / 1e3:,.{0 if decimals is None else decimals}f}k"
    return f"{sign}£{a:,.2f}" if a < 100 else f"{sign}£{a:,.0f}"


def _ref_text(value, kind: Kind) -> str:
    if kind in (Kind.MONEY, Kind.PRICE):
        return _compact_money(float(value))
    return format_value(value, kind, 0 if value == int(value) else 2)


def _tick_format(kind: Kind, step: float) -> Callable[[float], str]:
    def money(v: float) -> str:
        a, sign = abs(v), ("−" if v < 0 else "")
        if step >= 1e5 or a >= 1e6:
            decimals = 0 if step >= 1e6 else (1 if step >= 1e5 and (step / 1e5) % 1 == 0 else 2)
            return f"{sign}£{a / 1e6:,.{decimals}f}m"
        if step >= 1e3 or a >= 1e3:
            return f"{sign}£{a / 1e3:,.0f}k"
        return f"{sign}£{a:,.2f}" if step < 1 else f"{sign}£{a:,.0f}"

    def percent(v: float) -> str:
        return f"{v:,.0f}%" if step >= 1 else f"{v:,.1f}%"

    def number(v: float) -> str:
        return f"{v:,.0f}" if step >= 1 else f"{v:,.1f}"

    return {Kind.MONEY: money, Kind.PRICE: money, Kind.PERCENT: percent}.get(kind, number)


def _axis_fonts(axis) -> None:
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.labels.fillColor = INK
    axis.strokeColor = RULE
    axis.strokeWidth = 0.6


def _grid(axis) -> None:
    axis.visibleGrid = 1
    axis.gridStrokeColor = GRID
    axis.gridStrokeWidth = 0.5


def _titles(drawing: Drawing, chart: Chart, plot: tuple[float, float, float, float], *, x_title: str, y_title: str) -> None:
    x0, y0, w, h = plot
    drawing.add(String(0, drawing.height - 10, chart.title, fontName=FONT_BOLD, fontSize=8.6, fillColor=INK))
    if x_title:
        drawing.add(String(x0 + w / 2, 3, x_title, fontName=FONT, fontSize=7.3, fillColor=MUTED, textAnchor="middle"))
    if y_title:
        lab = Label()
        lab.setOrigin(8, y0 + h / 2)
        lab.angle = 90
        lab.boxAnchor = "c"
        lab.fontName = FONT
        lab.fontSize = 7.3
        lab.fillColor = MUTED
        lab.setText(y_title)
        drawing.add(lab)


LegendItem = tuple[str, object, str]  # ("box" | "line", colour, label)


def _legend(drawing: Drawing, items: Sequence[LegendItem], y: float, right: float, left_note: str = "") -> None:
    """One row of keys, right-aligned: colour boxes for series, dashed strokes for reference lines."""
    size, gap = 7.0, 12.0
    widths = [(14 if kind == "line" else size) + 3 + stringWidth(label, FONT, 7) for kind, _, label in items]
    x = right - sum(widths) - gap * max(len(items) - 1, 0)
    for (kind, colour, label), w in zip(items, widths, strict=True):
        if kind == "line":
            drawing.add(Line(x, y + 2.5, x + 14, y + 2.5, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
            tx = x + 17
        else:
            drawing.add(Rect(x, y, size, size, fillColor=colour, strokeColor=None, strokeWidth=0))
            tx = x + size + 3
        drawing.add(String(tx, y + 0.5, label, fontName=FONT, fontSize=7, fillColor=INK))
        x += w + gap
    if left_note:
        drawing.add(String(0, y + 0.5, left_note, fontName=FONT, fontSize=6.6, fillColor=MUTED))


def new_drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # the renderer's starting font: never an unembedded Helvetica
    drawing.initialFontSize = 7
    return drawing


def _bar_chart(chart: Chart, width: float) -> Drawing:
    cats = list(chart.categories)
    n = max(len(cats), 1)
    series = [s for s in chart.series if any(v is not None for v in s.values)]
    kind = chart.kind
    stacked = kind in (ChartKind.STACKED, ChartKind.WATERFALL)
    step_labels: list[str] = []
    if kind is ChartKind.WATERFALL:
        vals = [float(v or 0) for v in series[0].values]
        base, step = [], []
        running = 0.0
        for i, v in enumerate(vals):
            if i == len(vals) - 1:
                base.append(0.0)
                step.append(v)
            else:
                base.append(min(running, running + v))
                step.append(abs(v))
                running += v
        data = [base, step]
        step_labels = [_compact_money(v) if chart.y_kind is Kind.MONEY else f"{v:,.0f}" for v in vals]
        lo, hi = 0.0, max(max(vals), running)
    else:
        data = [[float(v) if v is not None else 0.0 for v in s.values] for s in series]
        if stacked:
            cols = list(zip(*data, strict=True))
            lo = min([0.0] + [sum(min(0.0, x) for x in col) for col in cols])
            hi = max([0.0] + [sum(max(0.0, x) for x in col) for col in cols])
        else:
            flat = [x for row in data for x in row] or [0.0]
            lo, hi = min(0.0, *flat), max(flat)
    refs = [r for r in chart.references if r.axis == "y"]
    hi = max([hi, *(float(r.value) for r in refs)])
    note = ""
    if chart.y_kind is Kind.MONEY and not stacked and lo >= 0 and hi > 0:
        # amounts close together (prices by year): start the axis near them, and say so
        positive = [x for row in data for x in row if x > 0] + [float(r.value) for r in refs]
        every_bar_above_zero = all(x > 0 for row in data for x in row)  # a zero bar needs the axis at zero
        if positive and every_bar_above_zero and min(positive) > 0.6 * hi:
            lo = min(positive) * 0.9
    vmin, vmax, vstep = _nice_scale(lo, hi * 1.03 if kind is ChartKind.WATERFALL else hi * 1.01)
    if vmin > 0:
        note = f"The axis starts at {_tick_format(chart.y_kind, vstep)(vmin)}."
    fmt = _tick_format(chart.y_kind, vstep)
    legend: list[LegendItem] = []
    if kind is not ChartKind.WATERFALL and len(series) > 1:
        legend += [("box", SERIES[i % len(SERIES)], s.name) for i, s in enumerate(series)]
    ref_colours = [ALERT if "ceiling" in r.label.casefold() else MUTED for r in refs]
    legend += [("line", c, f"{r.label} {_ref_text(r.value, chart.y_kind)}" if r.show_value else r.label)
               for r, c in zip(refs, ref_colours, strict=True)]
    top = 18 + (16 if legend or note else 0)
    if chart.horizontal:
        label_w = min(max((stringWidth(c, FONT, 7) for c in cats), default=40) + 6, width * 0.36)
        bar_h = 16 if stacked or len(series) == 1 else 8 * len(series) + 6
        plot_h = max(n * bar_h, 48)
        drawing = new_drawing(width, plot_h + top + 34)
        bc = HorizontalBarChart()
        bc.x, bc.y = label_w + 10, 30
        bc.width, bc.height = width - bc.x - (46 if step_labels else 12), plot_h
        bc.data = [list(reversed(row)) for row in data]
        bc.categoryAxis.categoryNames = [fit_text(c, FONT, 7, label_w - 4) for c in reversed(cats)]
        bc.categoryAxis.labels.boxAnchor = "e"
        bc.categoryAxis.labels.dx = -4
        x_title, y_title = chart.y_title, ""
    else:
        drawing = new_drawing(width, 218 + (16 if legend or note else 0))
        bc = VerticalBarChart()
        bc.x, bc.y = 56, 40
        bc.width, bc.height = width - bc.x - 10, drawing.height - bc.y - top
        bc.data = data
        slot = bc.width / n
        widest = max((stringWidth(c, FONT, 7) for c in cats), default=0)
        bc.categoryAxis.categoryNames = [fit_text(c, FONT, 7, max(slot * 1.8, 40)) for c in cats]
        if widest > slot - 4:
            bc.categoryAxis.labels.angle = 30
            bc.categoryAxis.labels.boxAnchor = "ne"
            bc.y += 22
            bc.height -= 22
        else:
            bc.categoryAxis.labels.boxAnchor = "n"
        bc.categoryAxis.labels.dy = -3
        x_title, y_title = chart.x_title, chart.y_title
    cat_axis, val_axis = bc.categoryAxis, bc.valueAxis
    _axis_fonts(cat_axis)
    _axis_fonts(val_axis)
    _grid(val_axis)
    val_axis.valueMin, val_axis.valueMax, val_axis.valueStep = vmin, vmax, vstep
    val_axis.labelTextFormat = fmt
    cat_axis.visibleTicks = 0
    if vmin < 0:  # negative bars: keep the category labels clear of them, along the bottom (left)
        cat_axis.joinAxisMode = "left" if chart.horizontal else "bottom"
    if stacked:
        cat_axis.style = "stacked"
    bc.barSpacing = 1.5
    bc.groupSpacing = 6 if not chart.horizontal else 5
    bc.bars.strokeWidth = 0
    bc.bars.strokeColor = None
    if kind is ChartKind.WATERFALL:
        bc.bars[0].fillColor = None
        bc.bars[0].strokeColor = None
        bc.bars[1].fillColor = TEAL
        bc.bars[(1, 0 if chart.horizontal else n - 1)].fillColor = NAVY
        labels = list(reversed(step_labels)) if chart.horizontal else step_labels
        bc.barLabelFormat = "values"
        bc.barLabelArray = [["" for _ in labels], labels]
        bc.barLabels.fontName = FONT
        bc.barLabels.fontSize = 6.8
        bc.barLabels.fillColor = INK
        bc.barLabels.boxAnchor = "w" if chart.horizontal else "s"
        bc.barLabels.dx, bc.barLabels.dy = (3, 0) if chart.horizontal else (0, 2)
    else:
        for i in range(len(series)):
            bc.bars[i].fillColor = SERIES[i % len(SERIES)]
        if len(series) == 1 and not stacked:
            order = list(reversed(data[0])) if chart.horizontal else data[0]
            for j, v in enumerate(order):
                if v < 0:
                    bc.bars[(0, j)].fillColor = ALERT
    drawing.add(bc)
    for r, colour in zip(refs, ref_colours, strict=True):
        v = float(r.value)
        if not vmin <= v <= vmax:
            continue
        if chart.horizontal:
            x = bc.x + (v - vmin) / (vmax - vmin) * bc.width
            drawing.add(Line(x, bc.y - 2, x, bc.y + bc.height + 2, strokeColor=colour, strokeWidth=1.1,
                       strokeDashArray=[3, 2]))
        else:
            y = bc.y + (v - vmin) / (vmax - vmin) * bc.height
            drawing.add(Line(bc.x, y, bc.x + bc.width, y, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
    _titles(drawing, chart, (bc.x, bc.y, bc.width, bc.height), x_title=x_title, y_title=y_title)
    if legend or note:
        _legend(drawing, legend, drawing.height - 28, width, note)
    return drawing


def _line_chart(chart: Chart, width: float) -> Drawing:
    xs = [float(x) for x in chart.x_values]
    series = [s for s in chart.series if any(v is not None for v in s.values)]
    refs = sorted((r for r in chart.references if r.axis == "x"), key=lambda r: r.value)
    ref_colours = [ALERT if i % 2 == 0 else TEAL for i in range(len(refs))]
    legend: list[LegendItem] = []
    if len(series) > 1:
        legend += [("box", SERIES[i % len(SERIES)], s.name) for i, s in enumerate(series)]
    legend += [("line", c, f"{r.label} {_ref_text(r.value, chart.x_kind)}" if r.show_value else r.label)
               for r, c in zip(refs, ref_colours, strict=True)]
    drawing = new_drawing(width, 178 + (16 if legend else 0))
    lp = LinePlot()
    lp.x, lp.y = 60, 36
    lp.width, lp.height = width - lp.x - 12, drawing.height - lp.y - 18 - (16 if legend else 0)
    data = [[(x, float(v)) for x, v in zip(xs, s.values, strict=True) if v is not None] for s in series]
    lp.data = data
    all_y = [p[1] for row in data for p in row] or [0.0]
    xmin, xmax, xstep = _nice_scale(min(xs), max(xs))
    ymin, ymax, ystep = _nice_scale(min(0.0, min(all_y)), max(all_y) * 1.05 if max(all_y) > 0 else 1.0, 4)
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax, lp.xValueAxis.valueStep = xmin, xmax, xstep
    lp.yValueAxis.valueMin, lp.yValueAxis.valueMax, lp.yValueAxis.valueStep = ymin, ymax, ystep
    lp.xValueAxis.labelTextFormat = _tick_format(chart.x_kind, xstep)
    lp.yValueAxis.labelTextFormat = _tick_format(chart.y_kind, ystep)
    _axis_fonts(lp.xValueAxis)
    _axis_fonts(lp.yValueAxis)
    _grid(lp.yValueAxis)
    lp.xValueAxis.labels.dy = -4
    lp.yValueAxis.labels.dx = -4
    for i in range(len(series)):
        lp.lines[i].strokeColor = SERIES[i % len(SERIES)]
        lp.lines[i].strokeWidth = 1.6
    drawing.add(lp)
    for r, colour in zip(refs, ref_colours, strict=True):
        v = float(r.value)
        if xmin <= v <= xmax:
            x = lp.x + (v - xmin) / (xmax - xmin) * lp.width
            drawing.add(Line(x, lp.y, x, lp.y + lp.height, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
    _titles(drawing, chart, (lp.x, lp.y, lp.width, lp.height), x_title=chart.x_title, y_title=chart.y_title)
    if legend:
        _legend(drawing, legend, drawing.height - 28, width)
    return drawing


def heatmap_flowables(chart: Chart, styles: Styles, width: float) -> list[Flowable]:
    cols = list(chart.categories)
    label_w = min(max((stringWidth(s.name, FONT, CELL_SIZE) for s in chart.series), default=60) + 2 * CELL_PAD + 2,
                  width * 0.38)
    room = (width - label_w) / max(len(cols), 1)
    need = max((longest_word(c, FONT_BOLD, CELL_SIZE - 0.3) for c in cols), default=20) + 2 * CELL_PAD + 2
    cell_w = max(min(room, 84), min(need, room))
    head_size = CELL_SIZE - 0.3
    if all(longest_word(c, FONT_BOLD, head_size) <= cell_w - 2 * CELL_PAD for c in cols):
        head: list = [para(chart.y_title, styles.head)] + [para(c, styles.head_right) for c in cols]
    else:  # long area names over narrow columns: set them on end rather than break them mid-word
        tall = min(max(natural_width(c, FONT_BOLD, head_size) for c in cols) + 4, 90)
        head = [para(chart.y_title, styles.head)] + [vertical_label(c, cell_w - 2 * CELL_PAD, tall, head_size) for c in cols]
    data: list[list] = [head]
    style: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("GRID", (1, 1), (-1, -1), 1.2, colors.white),
        ("LINEBELOW", (0, 1), (0, -1), 0.3, RULE),
    ]
    for r, s in enumerate(chart.series, start=1):
        row: list = [para(s.name, styles.cell)]
        for c, v in enumerate(s.values, start=1):
            status = s.statuses[c - 1] if c - 1 < len(s.statuses) else None
            row.append("" if v is None else format_value(v, chart.y_kind, chart.places))
            if status is not None:
                style.append(("BACKGROUND", (c, r), (c, r), RAG_FILL[status]))
                style.append(("TEXTCOLOR", (c, r), (c, r), RAG_INK[status]))
        data.append(row)
    grid = RLTable(data, colWidths=[label_w] + [cell_w] * len(cols), repeatRows=1, hAlign="LEFT", splitByRow=1)
    grid.setStyle(TableStyle(style))
    out: list[Flowable] = [para(chart.title, styles.caption), grid]
    out.append(para(chart.note, styles.note) if chart.note else Spacer(1, 8))
    if len(chart.series) <= 12:
        return [KeepTogether(out)]
    return [CondPageBreak(40 * mm), *out]


def vertical_label(text: str, width: float, height: float, size: float) -> Drawing:
    """A header label set on end (read bottom to top), for narrow heat map columns."""
    drawing = new_drawing(width, height)
    label = Label()
    label.setOrigin(width - 2, 0)
    label.angle = 90
    label.boxAnchor = "sw"
    label.fontName = FONT_BOLD
    label.fontSize = size
    label.fillColor = colors.white
    label.setText(fit_text(text, FONT_BOLD, size, height - 2))
    drawing.add(label)
    return drawing


def chart_flowables(chart: Chart, styles: Styles, width: float = WIDTH) -> list[Flowable]:
    if chart.kind is ChartKind.HEATMAP:
        return heatmap_flowables(chart, styles, width)
    if chart.value_count() == 0:
        return []
    drawing = _line_chart(chart, width) if chart.kind is ChartKind.LINE else _bar_chart(chart, width)
    out: list[Flowable] = [Spacer(1, 4), drawing]
    out.append(para(chart.note, styles.note) if chart.note else Spacer(1, 10))
    return [KeepTogether(out)]
