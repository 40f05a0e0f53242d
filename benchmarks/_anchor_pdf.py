"""The anchor of ``bench_export_pdf.py``: a bare reportlab process that lays out the same content.

    python benchmarks/_anchor_pdf.py CONTENT.json OUT.pdf [--one-pass]

It imports nothing of Consortium Planner (only the standard library and reportlab). ``CONTENT.json`` is
an investment case already built, dumped by ``bench_export_pdf.case_content``: each section's paragraphs,
headings, bullets, key figures, tables (every cell's text) and charts (their series). The script lays it
out as the program's renderer does in kind: A4, DejaVu Sans embedded, a contents page filled in a second
pass, each section on a new page with a running header and page numbers, tables with repeated header rows
and wrapped text cells, charts as reportlab graphics. It draws no red/amber/green shading, keeps nothing
together and checks nothing. Its contents page is reportlab's own ``TableOfContents``, filled by
``multiBuild``: two full passes, each laying out and drawing every page. ``--one-pass`` builds once, leaving
the contents' page numbers out (a placeholder line instead): the layout alone, which is the floor a renderer
of this content pays (the program's renderer draws the numbers in one pass, into forms defined at the end).
"""

from __future__ import annotations

import json
import sys
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

WIDTH = A4[0] - 36 * mm


def _styles(font: str, bold: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, spaceAfter=4)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=body, fontName=bold, fontSize=16, leading=20, spaceAfter=8),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=11.5, leading=14, spaceBefore=8),
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=24, leading=30),
    }


class _Doc(BaseDocTemplate):
    def __init__(self, out: str, header: str, styles: dict[str, ParagraphStyle]) -> None:
        super().__init__(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=22 * mm,
                         bottomMargin=20 * mm, title=header)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.header, self.font = header, styles["body"].fontName
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(self.font, 8)
        canvas.drawString(18 * mm, A4[1] - 12 * mm, self.header)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        entry = getattr(flowable, "_toc", None)
        if entry is not None:
            self.notify("TOCEntry", (0, entry, self.page))


def _table(block: dict, styles: dict[str, ParagraphStyle]) -> Table:
    small = styles["small"]
    numeric = block["numeric"]
    rows = [[Paragraph(escape(t), small) for t in block["header"]]]
    for row in block["rows"]:
        rows.append([t if numeric[i] else Paragraph(escape(t), small) for i, t in enumerate(row)])
    # columns as wide as their longest text needs (at least a sixth of an even share), as the program's are
    need = [max([len(t) for t in column] + [4]) for column in zip(block["header"], *block["rows"], strict=False)]
    floor = WIDTH / max(len(need), 1) / 6
    spare = WIDTH - floor * len(need)
    widths = [floor + spare * n / sum(need) for n in need]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), small.fontName, 7.5),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("ALIGN", (0, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def _chart(block: dict, font: str) -> Drawing:
    drawing = Drawing(WIDTH, 190)
    series = [[v if v is not None else 0.0 for v in s["values"]] for s in block["series"]] or [[0.0]]
    if block["kind"] == "line" and block["x_values"]:
        chart = LinePlot()
        chart.data = [list(zip(block["x_values"], s, strict=False)) for s in series]
    else:
        chart = HorizontalBarChart() if block["horizontal"] else VerticalBarChart()
        chart.data = series
        chart.categoryAxis.categoryNames = block["categories"][:len(series[0])]
        chart.categoryAxis.labels.fontName = font
    chart.x, chart.y, chart.width, chart.height = 50, 30, WIDTH - 70, 130
    drawing.add(chart)
    drawing.add(String(0, 175, block["title"], fontName=font, fontSize=9))
    return drawing


def build(content: dict, out: str, *, one_pass: bool = False) -> None:
    pdfmetrics.registerFont(TTFont("AnchorSans", content["font"]))
    pdfmetrics.registerFont(TTFont("AnchorSans-Bold", content["bold"]))
    styles = _styles("AnchorSans", "AnchorSans-Bold")
    toc = TableOfContents()
    toc.levelStyles = [styles["body"]]
    story: list = [Paragraph(escape(content["title"]), styles["title"]), PageBreak(),
                   Paragraph("Contents", styles["h1"]), toc]
    for section in content["sections"]:
        story.append(PageBreak())
        title = Paragraph(escape(section["title"]), styles["h1"])
        title._toc = section["title"]
        story.append(title)
        for block in section["blocks"]:
            kind = block["type"]
            if kind == "p":
                story.append(Paragraph(escape(block["text"]), styles["body"]))
            elif kind == "h":
                story.append(Paragraph(escape(block["text"]), styles["h2"]))
            elif kind == "ul":
                story.extend(Paragraph("• " + escape(t), styles["body"]) for t in block["items"])
            elif kind == "kf":
                story.append(_table({"header": ["Figure", "Value"], "rows": block["items"],
                                     "numeric": [False, True]}, styles))
            elif kind == "table":
                if block["title"]:
                    story.append(Paragraph(escape(block["title"]), styles["h2"]))
                story.append(_table(block, styles))
            elif kind == "chart":
                story.append(_chart(block, "AnchorSans"))
            story.append(Spacer(1, 3))
    doc = _Doc(out, content["title"], styles)
    if one_pass:
        doc.build(story)
    else:
        doc.multiBuild(story)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        build(json.load(f), sys.argv[2], one_pass="--one-pass" in sys.argv[3:])
