"""Render an ``InvestmentCase`` to PDF with reportlab platypus.

    render_pdf(case, "case.pdf", progress=lambda f, m: ..., cancelled=lambda: False)

* A4 portrait. A cover page without header or footer; a contents page (``TableOfContents``, filled
  by ``afterFlowable``, so the document is built in two passes: the first only lays out, drawing
  nothing); then one section a page onwards, each with a running header (consortium – tender) and a
  footer "page X of Y" (Y counted by the pass before, checked like an index entry). Sections are
  also PDF bookmarks.
* DejaVu Sans, shipped in ``resources/fonts`` and embedded, so £, accents and non-Latin names
  print on any machine.
* All user text goes through ``xml.sax.saxutils.escape`` before it reaches a ``Paragraph``
  (``A<B & C`` prints as written); table numbers are plain strings, right-aligned.
* Tables repeat their header rows on every page they run onto; red/amber/green cells are shaded;
  charts are reportlab graphics with titled axes and units. Heat maps are shaded tables, so large
  ones split across pages.
* Metadata: title, subject, author (the workspace's "author" setting), creator. No user name, no path.
* ``progress(fraction, message)`` is called per section; ``cancelled()`` is checked between sections
  and raises ``Cancelled``; nothing is written unless the whole document is built.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.charts.textlabels import Label
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tableofcontents import TableOfContents

from ..domain.tasks import Cancelled
from .case import (
    Bullets,
    Chart,
    ChartKind,
    Heading,
    InvestmentCase,
    KeyFigures,
    Kind,
    Paragraph,
    Section,
    Status,
    Table,
    format_value,
)
from .files import atomic_write

__all__ = ["FONT", "FONT_BOLD", "register_fonts", "render_pdf", "render_pdf_bytes"]

Progress = Callable[[float, str], None]

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}

PAGE = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 22 * mm
MARGIN_BOTTOM = 20 * mm
WIDTH = PAGE[0] - 2 * MARGIN_X

# a restrained palette: navy for structure, teal as the accent, greys for rules and notes
NAVY = colors.HexColor("#1F3A5F")
TEAL = colors.HexColor("#2E7D7A")
INK = colors.HexColor("#1D2939")
MUTED = colors.HexColor("#667085")
RULE = colors.HexColor("#D0D5DD")
ZEBRA = colors.HexColor("#F7F8FA")
PALE = colors.HexColor("#EEF2F6")
HIGHLIGHT = colors.HexColor("#E3F1EF")
ALERT = colors.HexColor("#B42318")
GRID = colors.HexColor("#EAECF0")
SERIES = [NAVY, TEAL, colors.HexColor("#8FB3D9"), colors.HexColor("#D9A441"), colors.HexColor("#A3AAB5"),
          colors.HexColor("#5B7DA3"), colors.HexColor("#7FB7A8")]
RAG_FILL = {Status.GREEN: colors.HexColor("#D1FADF"), Status.AMBER: colors.HexColor("#FEF0C7"),
            Status.RED: colors.HexColor("#FEE4E2"), Status.GREY: colors.HexColor("#EAECF0")}
RAG_INK = {Status.GREEN: colors.HexColor("#05603A"), Status.AMBER: colors.HexColor("#93370D"),
           Status.RED: colors.HexColor("#912018"), Status.GREY: colors.HexColor("#475467")}
RAG_MARK = {Status.GREEN: colors.HexColor("#12B76A"), Status.AMBER: colors.HexColor("#F79009"),
            Status.RED: colors.HexColor("#F04438"), Status.GREY: colors.HexColor("#98A2B3")}

CELL_SIZE = 7.8
CELL_PAD = 4


# --------------------------------------------------------------------------- fonts and styles


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register the shipped DejaVu Sans (regular and bold) with reportlab, once."""
    base = resources.files("consortium_planner").joinpath("resources", "fonts")
    for name, filename in FONT_FILES.items():
        with resources.as_file(base.joinpath(filename)) as path:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    return FONT, FONT_BOLD


def _style(name: str, parent: ParagraphStyle | None = None, **kw) -> ParagraphStyle:
    if parent is not None:
        return ParagraphStyle(name, parent=parent, **kw)
    base = {"fontName": FONT, "fontSize": 9.3, "leading": 13.2, "textColor": INK}
    base.update(kw)
    return ParagraphStyle(name, **base)


class _Styles:
    def __init__(self) -> None:
        self.body = _style("body", spaceAfter=6)
        self.lead = _style("lead", fontSize=10.2, leading=14.6, spaceAfter=8)
        self.lead_bold = _style("lead_bold", fontName=FONT_BOLD, fontSize=9.6, leading=13.5, spaceBefore=4,
                                spaceAfter=3, textColor=NAVY)
        self.note = _style("note", fontSize=7.3, leading=9.8, textColor=MUTED, spaceBefore=2, spaceAfter=8)
        self.h1 = _style("h1", fontName=FONT_BOLD, fontSize=17, leading=21, textColor=NAVY, spaceAfter=4)
        self.h2 = _style("h2", fontName=FONT_BOLD, fontSize=11.2, leading=14.5, textColor=NAVY, spaceBefore=10,
                         spaceAfter=5)
        self.caption = _style("caption", fontName=FONT_BOLD, fontSize=8.4, leading=11, textColor=INK, spaceBefore=4,
                              spaceAfter=4)
        self.bullet = _style("bullet", spaceAfter=3)
        self.cell = _style("cell", fontSize=CELL_SIZE, leading=CELL_SIZE + 2.2)
        self.cell_bold = _style("cell_bold", fontName=FONT_BOLD, fontSize=CELL_SIZE, leading=CELL_SIZE + 2.2)
        self.head = _style("head", fontName=FONT_BOLD, fontSize=CELL_SIZE - 0.3, leading=CELL_SIZE + 1.8,
                           textColor=colors.white)
        self.head_right = _style("head_right", parent=self.head, alignment=TA_RIGHT)
        self.rag = {s: _style(f"cell_{s.value}", fontSize=CELL_SIZE, leading=CELL_SIZE + 2.2, textColor=RAG_INK[s])
                    for s in Status}
        self._cells: dict[float, _CellStyles] = {CELL_SIZE: _CellStyles(self.cell, self.cell_bold, self.head,
                                                                         self.head_right, self.rag)}
        self.kf_label = _style("kf_label", fontSize=7.6, leading=9.6, textColor=MUTED)
        self.kf_value = _style("kf_value", fontName=FONT_BOLD, fontSize=13.5, leading=16.5, textColor=NAVY)
        self.kf_note = _style("kf_note", fontSize=7.2, leading=9, textColor=MUTED)
        self.toc_title = _style("toc_title", fontName=FONT_BOLD, fontSize=17, leading=21, textColor=NAVY,
                                spaceAfter=14)
        self.toc0 = _style("toc0", fontSize=10.5, leading=19, leftIndent=0, firstLineIndent=0)
        self.cover_kicker = _style("cover_kicker", fontName=FONT_BOLD, fontSize=10, leading=13,
                                   textColor=colors.HexColor("#B9D3EA"))
        self.cover_title = _style("cover_title", fontName=FONT_BOLD, fontSize=28, leading=33, textColor=colors.white,
                                  spaceBefore=6)
        self.cover_sub = _style("cover_sub", fontSize=13, leading=17.5, textColor=colors.white, spaceBefore=8)
        self.cover_meta = _style("cover_meta", fontSize=10, leading=15, textColor=INK)
        self.cover_small = _style("cover_small", fontSize=7.6, leading=10.5, textColor=MUTED)


    def cells(self, size: float) -> _CellStyles:
        if size not in self._cells:
            def at(p: ParagraphStyle, name: str) -> ParagraphStyle:
                return ParagraphStyle(f"{name}_{size}", parent=p, fontSize=p.fontSize - CELL_SIZE + size,
                                      leading=p.leading - CELL_SIZE + size)

            self._cells[size] = _CellStyles(at(self.cell, "cell"), at(self.cell_bold, "cell_bold"),
                                            at(self.head, "head"), at(self.head_right, "head_right"),
                                            {k: at(v, f"rag_{k.value}") for k, v in self.rag.items()})
        return self._cells[size]


@dataclass(frozen=True, slots=True)
class _CellStyles:
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    head: ParagraphStyle
    head_right: ParagraphStyle
    rag: dict


def _p(text: str, style: ParagraphStyle) -> RLParagraph:
    """A paragraph of user text, escaped so it prints literally."""
    return RLParagraph(escape(text), style)


# --------------------------------------------------------------------------- page furniture


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _logo(path: str | None) -> ImageReader | None:
    if not path:
        return None
    try:
        return ImageReader(path)
    except Exception:  # noqa: BLE001 - a missing or unreadable logo is left out, never fatal
        return None


def _skip_draw(*args, **kwargs) -> None:
    return None


class _Frame(Frame):
    """A frame that, in the first (layout-only) pass, places flowables without drawing them.

    The first pass exists only to learn the page of each section for the contents; nothing it draws
    is kept, so skipping the drawing there halves the work. Later passes draw as usual.
    """

    def _add(self, flowable, canv, trySplit=0):
        if not getattr(canv, "_layout_only", False) or "drawOn" in vars(flowable):
            return super()._add(flowable, canv, trySplit)
        try:  # object.__setattr__: charts (Drawing) refuse attributes they do not declare
            object.__setattr__(flowable, "drawOn", _skip_draw)
        except (AttributeError, TypeError):
            return super()._add(flowable, canv, trySplit)
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            object.__delattr__(flowable, "drawOn")

    add = _add  # Frame binds ``add`` to its own ``_add`` at class creation


class _Doc(BaseDocTemplate):
    def __init__(self, target, case: InvestmentCase, styles: _Styles, hook: Callable[[int], None], **kw):
        m = case.metadata
        super().__init__(target, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, title=m.title, author=m.author or m.consortium,
                         subject=m.subject, creator=m.creator, producer=m.creator, keywords=m.keywords,
                         lang="en-GB", initialFontName=FONT, initialFontSize=9, displayDocTitle=True, **kw)
        self.case = case
        self.styles = styles
        self.hook = hook
        self.logo = _logo(case.logo_path)
        self.total = _PageTotal()
        self.layout_only: Callable[[], bool] = lambda: False
        self.footer_label = _fit(f"Investment case · {m.consortium}", FONT, 7.5, WIDTH * 0.7)
        body = _Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = _Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_BOTTOM - 30 * mm, id="cover",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("cover", [cover], onPage=self._cover_page),
                               PageTemplate("body", [body], onPage=self._body_page)])

    def _cover_page(self, canv, doc) -> None:
        w, h = PAGE
        canv.saveState()
        canv.setFillColor(NAVY)
        canv.rect(0, h * 0.52, w, h * 0.48, stroke=0, fill=1)
        canv.setFillColor(TEAL)
        canv.rect(0, h * 0.52 - 3 * mm, w, 3 * mm, stroke=0, fill=1)
        if self.logo is not None:
            iw, ih = self.logo.getSize()
            box_w, box_h = 45 * mm, 22 * mm
            scale = min(box_w / iw, box_h / ih)
            canv.setFillColor(colors.white)
            canv.roundRect(w - MARGIN_X - box_w - 4 * mm, h - 16 * mm - box_h - 4 * mm, box_w + 8 * mm,
                           box_h + 8 * mm, 2 * mm, stroke=0, fill=1)
            canv.drawImage(self.logo, w - MARGIN_X - iw * scale - 0 * mm, h - 16 * mm - ih * scale,
                           iw * scale, ih * scale, mask="auto")
        canv.setFont(FONT, 7.5)
        canv.setFillColor(MUTED)
        canv.drawString(MARGIN_X, 12 * mm, f"Prepared with {self.case.metadata.creator}")
        canv.restoreState()

    def _body_page(self, canv, doc) -> None:
        w, h = PAGE
        canv.saveState()
        canv.setFont(FONT, 7.5)
        canv.setFillColor(MUTED)
        date = f"{self.case.metadata.date.day} {self.case.metadata.date:%B %Y}"
        date_w = stringWidth(date, FONT, 7.5)
        canv.drawRightString(w - MARGIN_X, h - 13 * mm, date)
        canv.drawString(MARGIN_X, h - 13 * mm, _fit(self.case.running_header, FONT, 7.5, WIDTH - date_w - 8 * mm))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, h - 15 * mm, w - MARGIN_X, h - 15 * mm)
        canv.line(MARGIN_X, 14 * mm, w - MARGIN_X, 14 * mm)
        canv.drawString(MARGIN_X, 10 * mm, self.footer_label)
        canv.drawRightString(w - MARGIN_X, 10 * mm, f"page {doc.page} of {self.total.printed}")
        canv.restoreState()

    def beforeDocument(self) -> None:  # noqa: N802 - reportlab's name
        self.canv._layout_only = self.layout_only()  # see _Frame

    def afterPage(self) -> None:  # noqa: N802
        self.total.counted = self.page

    def afterFlowable(self, flowable) -> None:
        info = getattr(flowable, "_section", None)
        if info is None:
            return
        index, title, key_ = info
        self.notify("TOCEntry", (0, escape(title), self.page, key_))
        self.canv.bookmarkPage(key_)
        self.canv.addOutlineEntry(title, key_, level=0, closed=False)
        self.hook(index)


class _PageTotal(Flowable):
    """The "Y" of "page X of Y": the page count of the pass before, checked like an index.

    The document is built in passes anyway (for the contents); each pass prints the total the pass
    before it counted, and the build is not finished until the total printed is the total counted.
    """

    def __init__(self) -> None:
        super().__init__()
        self.printed = 0  # the total footers say in this pass
        self.counted = 0  # the pages this pass made

    def isIndexing(self):  # noqa: N802 - reportlab's name
        return 1

    def isSatisfied(self):  # noqa: N802
        return self.printed == self.counted

    def beforeBuild(self):  # noqa: N802
        self.printed = self.counted

    def afterBuild(self):  # noqa: N802
        pass

    def notify(self, kind, stuff):  # every indexing flowable hears every notice; this one needs none
        pass

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        pass


# --------------------------------------------------------------------------- tables


@lru_cache(maxsize=20000)
def _unit_width(text: str, font: str) -> float:
    """The width of ``text`` at 1pt (widths scale with the size)."""
    return stringWidth(text, font, 1)


def _natural(text: str, font: str, size: float) -> float:
    return _unit_width(text, font) * size


def _longest_word(text: str, font: str, size: float) -> float:
    words = text.split()
    if not words:
        return 0.0
    if len(words) > 3:  # measure only the few longest by characters
        words = sorted(words, key=len, reverse=True)[:3]
    return max(_unit_width(w, font) for w in words) * size


@dataclass(slots=True)
class _Measure:
    """A table's text measured once at 1pt: per column, header and widest / longest-word cells."""

    head_nat: list[float]
    head_min: list[float]
    cell_nat: list[float]
    cell_min: list[float]


def _measure(tbl: Table, texts: list[list[str]]) -> _Measure:
    sample = texts[:300]
    bold = FONT_BOLD if (tbl.total_rows or tbl.highlight_rows) else FONT
    m = _Measure([], [], [], [])
    for i, col in enumerate(tbl.columns):
        cells = [row[i] for row in sample]
        m.head_nat.append(_natural(col.title, FONT_BOLD, 1))
        m.head_min.append(_longest_word(col.title, FONT_BOLD, 1))
        m.cell_nat.append(max((_natural(t, bold, 1) for t in cells), default=0.0))
        m.cell_min.append(0.0 if col.numeric else max((_longest_word(t, FONT, 1) for t in cells), default=0.0))
    return m


def _widths(tbl: Table, m: _Measure, width: float, size: float = CELL_SIZE) -> tuple[list[float], bool]:
    """Column widths at font ``size``: numbers never wrap, headers wrap as little as room allows, text wraps
    last. Also whether every number fits at its natural width."""
    pad = 2 * CELL_PAD + 1
    nat, want, low = [], [], []
    numeric = [c.numeric for c in tbl.columns]
    head = size - 0.3
    for i, col in enumerate(tbl.columns):
        head_nat, head_min = m.head_nat[i] * head, m.head_min[i] * head
        cell_nat = m.cell_nat[i] * size
        if col.numeric:
            n = max(cell_nat, head_min) + pad
            nat.append(n)
            low.append(n)
            want.append(max(n, min(head_nat + pad, 96)))
        else:
            cell_min = m.cell_min[i] * size
            n = min(max(cell_nat, head_nat), 230) + pad
            nat.append(n)
            want.append(n)
            low.append(min(n, max(min(max(cell_min, head_min), 110), 48) + pad))
    if tbl.first_column_width is not None and len(nat) > 1:
        first = float(tbl.first_column_width) * width
        out = [first, *_fill(nat[1:], want[1:], low[1:], numeric[1:], width - first)]
    else:
        out = _fill(nat, want, low, numeric, width)
    fits = all(w >= low[i] - 0.5 for i, w in enumerate(out) if numeric[i])
    return out, fits


def _fill(nat: list[float], want: list[float], low: list[float], numeric: list[bool], width: float) -> list[float]:
    text = [i for i, num in enumerate(numeric) if not num]
    if sum(want) <= width:
        out = list(want)
    elif sum(nat) <= width:
        # room for every number and text at its natural width: spend the rest on numeric headers
        grow = sum(w - n for w, n in zip(want, nat, strict=True))
        alpha = (width - sum(nat)) / grow if grow else 0.0
        return [n + (w - n) * alpha for n, w in zip(nat, want, strict=True)]
    else:
        # too wide: cap the widest text columns first (water-filling down to their minimum)
        fixed = sum(w for i, w in enumerate(nat) if numeric[i])

        def used(cap: float) -> float:
            return fixed + sum(max(low[i], min(nat[i], cap)) for i in text)

        lo_cap, hi_cap = 0.0, max((nat[i] for i in text), default=0.0)
        for _ in range(40):
            mid = (lo_cap + hi_cap) / 2
            if used(mid) > width:
                hi_cap = mid
            else:
                lo_cap = mid
        out = [w if numeric[i] else max(low[i], min(w, lo_cap)) for i, w in enumerate(nat)]
        if sum(out) > width + 1e-6:
            scale = width / sum(out)
            return [w * scale for w in out]
    extra = width - sum(out)
    flex = text or list(range(len(out)))
    share = sum(out[i] for i in flex) or 1.0
    return [w + (extra * w / share if i in flex else 0.0) for i, w in enumerate(out)]


TABLE_SIZES = (CELL_SIZE, 7.2, 6.6)  # a table too wide for its numbers drops to a smaller size


def _table(tbl: Table, st: _Styles, width: float = WIDTH) -> list[Flowable]:
    texts = tbl.texts()
    measured = _measure(tbl, texts)
    for size in TABLE_SIZES:
        widths, fits = _widths(tbl, measured, width, size)
        if fits:
            break
    cs = st.cells(size)
    room = [w - 2 * CELL_PAD - 0.5 for w in widths]
    # text that fits its column goes in as a plain string (drawn as written, never parsed as markup, and far
    # cheaper than a Paragraph); only text that must wrap becomes an escaped Paragraph
    head = [c.title if _natural(c.title, FONT_BOLD, size - 0.3) <= room[i] else
            _p(c.title, cs.head_right if c.numeric else cs.head) for i, c in enumerate(tbl.columns)]
    data: list[list] = [head]
    style: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size + 2.2),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("FONTSIZE", (0, 0), (-1, 0), size - 0.3),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.2),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
    ]
    nrows = len(tbl.rows)
    first_total = nrows - tbl.total_rows
    for i, col in enumerate(tbl.columns):
        if col.numeric:
            style.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
    for r, row in enumerate(tbl.rows):
        out_row = []
        total = r >= first_total
        for c, cell in enumerate(row):
            text = texts[r][c]
            numeric = tbl.columns[c].numeric and (cell.kind is None or cell.kind is not Kind.TEXT or len(text) < 16)
            if cell.status is not None:
                style.append(("BACKGROUND", (c, r + 1), (c, r + 1), RAG_FILL[cell.status]))
                style.append(("TEXTCOLOR", (c, r + 1), (c, r + 1), RAG_INK[cell.status]))
            bold = total or r in tbl.highlight_rows
            if numeric or ("\n" not in text and _natural(text, FONT_BOLD if bold else FONT, size) <= room[c]):
                out_row.append(text)  # a plain string: drawn as written, never parsed as markup
            else:
                pst = cs.cell_bold if bold else (cs.rag[cell.status] if cell.status is not None else cs.cell)
                out_row.append(_p(text, pst))
        data.append(out_row)
        if total:
            style.append(("FONTNAME", (0, r + 1), (-1, r + 1), FONT_BOLD))
            style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), PALE))
        elif r in tbl.highlight_rows:
            style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), HIGHLIGHT))
            style.append(("FONTNAME", (0, r + 1), (-1, r + 1), FONT_BOLD))
        elif r % 2 == 1:
            style.append(("BACKGROUND", (0, r + 1), (-1, r + 1), ZEBRA))
    if tbl.total_rows:
        style.append(("LINEABOVE", (0, first_total + 1), (-1, first_total + 1), 0.8, NAVY))
        if first_total > 0:  # a total never starts a page alone: keep it with the row above
            style.append(("NOSPLIT", (0, first_total), (-1, nrows)))
    # RAG backgrounds must win over zebra and total shading: move them last
    rag = [s for s in style if s[0] in ("BACKGROUND", "TEXTCOLOR") and s[1] == s[2] and s[1][1] > 0]
    style = [s for s in style if s not in rag] + rag
    t = RLTable(data, colWidths=widths, repeatRows=tbl.header_rows, hAlign="LEFT", splitByRow=1)
    t.setStyle(TableStyle(style))
    out: list[Flowable] = []
    if tbl.title:
        out.append(_p(tbl.title, st.caption))
    out.append(t)
    out.append(_p(tbl.note, st.note) if tbl.note else Spacer(1, 8))
    if nrows <= 12:
        return [KeepTogether(out)]
    return [CondPageBreak(40 * mm), *out]  # a long table starts where a few rows fit under its caption


# --------------------------------------------------------------------------- charts


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
    if kind is Kind.MONEY:
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

    return {Kind.MONEY: money, Kind.PERCENT: percent}.get(kind, number)


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


def _titles(d: Drawing, chart: Chart, plot: tuple[float, float, float, float], *, x_title: str, y_title: str) -> None:
    x0, y0, w, h = plot
    d.add(String(0, d.height - 10, chart.title, fontName=FONT_BOLD, fontSize=8.6, fillColor=INK))
    if x_title:
        d.add(String(x0 + w / 2, 3, x_title, fontName=FONT, fontSize=7.3, fillColor=MUTED, textAnchor="middle"))
    if y_title:
        lab = Label()
        lab.setOrigin(8, y0 + h / 2)
        lab.angle = 90
        lab.boxAnchor = "c"
        lab.fontName = FONT
        lab.fontSize = 7.3
        lab.fillColor = MUTED
        lab.setText(y_title)
        d.add(lab)


LegendItem = tuple[str, object, str]  # ("box" | "line", colour, label)


def _legend(d: Drawing, items: Sequence[LegendItem], y: float, right: float, left_note: str = "") -> None:
    """One row of keys, right-aligned: colour boxes for series, dashed strokes for reference lines."""
    size, gap = 7.0, 12.0
    widths = [(14 if kind == "line" else size) + 3 + stringWidth(label, FONT, 7) for kind, _, label in items]
    x = right - sum(widths) - gap * max(len(items) - 1, 0)
    for (kind, colour, label), w in zip(items, widths, strict=True):
        if kind == "line":
            d.add(Line(x, y + 2.5, x + 14, y + 2.5, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
            tx = x + 17
        else:
            d.add(Rect(x, y, size, size, fillColor=colour, strokeColor=None, strokeWidth=0))
            tx = x + size + 3
        d.add(String(tx, y + 0.5, label, fontName=FONT, fontSize=7, fillColor=INK))
        x += w + gap
    if left_note:
        d.add(String(0, y + 0.5, left_note, fontName=FONT, fontSize=6.6, fillColor=MUTED))


def _drawing(width: float, height: float) -> Drawing:
    d = Drawing(width, height)
    d.initialFontName = FONT  # the renderer's starting font: never an unembedded Helvetica
    d.initialFontSize = 7
    return d


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
        if positive and min(positive) > 0.6 * hi:
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
        d = _drawing(width, plot_h + top + 34)
        bc = HorizontalBarChart()
        bc.x, bc.y = label_w + 10, 30
        bc.width, bc.height = width - bc.x - (46 if step_labels else 12), plot_h
        bc.data = [list(reversed(row)) for row in data]
        bc.categoryAxis.categoryNames = [_fit(c, FONT, 7, label_w - 4) for c in reversed(cats)]
        bc.categoryAxis.labels.boxAnchor = "e"
        bc.categoryAxis.labels.dx = -4
        x_title, y_title = chart.y_title, ""
    else:
        d = _drawing(width, 218 + (16 if legend or note else 0))
        bc = VerticalBarChart()
        bc.x, bc.y = 56, 40
        bc.width, bc.height = width - bc.x - 10, d.height - bc.y - top
        bc.data = data
        slot = bc.width / n
        widest = max((stringWidth(c, FONT, 7) for c in cats), default=0)
        bc.categoryAxis.categoryNames = [_fit(c, FONT, 7, max(slot * 1.8, 40)) for c in cats]
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
    d.add(bc)
    for r, colour in zip(refs, ref_colours, strict=True):
        v = float(r.value)
        if not vmin <= v <= vmax:
            continue
        if chart.horizontal:
            x = bc.x + (v - vmin) / (vmax - vmin) * bc.width
            d.add(Line(x, bc.y - 2, x, bc.y + bc.height + 2, strokeColor=colour, strokeWidth=1.1,
                       strokeDashArray=[3, 2]))
        else:
            y = bc.y + (v - vmin) / (vmax - vmin) * bc.height
            d.add(Line(bc.x, y, bc.x + bc.width, y, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
    _titles(d, chart, (bc.x, bc.y, bc.width, bc.height), x_title=x_title, y_title=y_title)
    if legend or note:
        _legend(d, legend, d.height - 28, width, note)
    return d


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
    d = _drawing(width, 178 + (16 if legend else 0))
    lp = LinePlot()
    lp.x, lp.y = 60, 36
    lp.width, lp.height = width - lp.x - 12, d.height - lp.y - 18 - (16 if legend else 0)
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
    d.add(lp)
    for r, colour in zip(refs, ref_colours, strict=True):
        v = float(r.value)
        if xmin <= v <= xmax:
            x = lp.x + (v - xmin) / (xmax - xmin) * lp.width
            d.add(Line(x, lp.y, x, lp.y + lp.height, strokeColor=colour, strokeWidth=1.1, strokeDashArray=[3, 2]))
    _titles(d, chart, (lp.x, lp.y, lp.width, lp.height), x_title=chart.x_title, y_title=chart.y_title)
    if legend:
        _legend(d, legend, d.height - 28, width)
    return d


def _heatmap(chart: Chart, st: _Styles, width: float) -> list[Flowable]:
    cols = list(chart.categories)
    label_w = min(max((stringWidth(s.name, FONT, CELL_SIZE) for s in chart.series), default=60) + 2 * CELL_PAD + 2,
                  width * 0.38)
    room = (width - label_w) / max(len(cols), 1)
    need = max((_longest_word(c, FONT_BOLD, CELL_SIZE - 0.3) for c in cols), default=20) + 2 * CELL_PAD + 2
    cell_w = max(min(room, 84), min(need, room))
    head_size = CELL_SIZE - 0.3
    if all(_longest_word(c, FONT_BOLD, head_size) <= cell_w - 2 * CELL_PAD for c in cols):
        head: list = [_p(chart.y_title, st.head)] + [_p(c, st.head_right) for c in cols]
    else:  # long area names over narrow columns: set them on end rather than break them mid-word
        tall = min(max(_natural(c, FONT_BOLD, head_size) for c in cols) + 4, 90)
        head = [_p(chart.y_title, st.head)] + [_vertical(c, cell_w - 2 * CELL_PAD, tall, head_size) for c in cols]
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
        row: list = [_p(s.name, st.cell)]
        for c, v in enumerate(s.values, start=1):
            status = s.statuses[c - 1] if c - 1 < len(s.statuses) else None
            row.append("" if v is None else format_value(v, chart.y_kind, chart.places))
            if status is not None:
                style.append(("BACKGROUND", (c, r), (c, r), RAG_FILL[status]))
                style.append(("TEXTCOLOR", (c, r), (c, r), RAG_INK[status]))
        data.append(row)
    t = RLTable(data, colWidths=[label_w] + [cell_w] * len(cols), repeatRows=1, hAlign="LEFT", splitByRow=1)
    t.setStyle(TableStyle(style))
    out: list[Flowable] = [_p(chart.title, st.caption), t]
    out.append(_p(chart.note, st.note) if chart.note else Spacer(1, 8))
    if len(chart.series) <= 12:
        return [KeepTogether(out)]
    return [CondPageBreak(40 * mm), *out]


def _vertical(text: str, width: float, height: float, size: float) -> Drawing:
    """A header label set on end (read bottom to top), for narrow heat map columns."""
    d = _drawing(width, height)
    label = Label()
    label.setOrigin(width - 2, 0)
    label.angle = 90
    label.boxAnchor = "sw"
    label.fontName = FONT_BOLD
    label.fontSize = size
    label.fillColor = colors.white
    label.setText(_fit(text, FONT_BOLD, size, height - 2))
    d.add(label)
    return d


def _chart(chart: Chart, st: _Styles, width: float = WIDTH) -> list[Flowable]:
    if chart.kind is ChartKind.HEATMAP:
        return _heatmap(chart, st, width)
    if chart.value_count() == 0:
        return []
    drawing = _line_chart(chart, width) if chart.kind is ChartKind.LINE else _bar_chart(chart, width)
    out: list[Flowable] = [Spacer(1, 4), drawing]
    out.append(_p(chart.note, st.note) if chart.note else Spacer(1, 10))
    return [KeepTogether(out)]


# --------------------------------------------------------------------------- key figures and text


def _key_figures(kf: KeyFigures, st: _Styles, width: float = WIDTH) -> list[Flowable]:
    items = list(kf.items)
    if not items:
        return []
    widest = max(stringWidth(f.text, FONT_BOLD, 10) for f in items) / 10  # width per point of size
    per_row, size = min(4, len(items)), 13.5
    for n in range(min(4, len(items)), 0, -1):
        per_row = n
        inner = width / n - 16
        size = min(13.5, inner / widest) if widest else 13.5
        if size >= 11.5:
            break
    size = max(size, 9.0)
    value_base = ParagraphStyle("kf_value_fit", parent=st.kf_value, fontSize=size, leading=size * 1.22)
    cw = width / per_row
    cells, style = [], [
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LINEBEFORE", (1, 0), (-1, -1), 2, colors.white),
        ("LINEBELOW", (0, 0), (-1, -2), 2, colors.white),
    ]
    row: list = []
    for i, f in enumerate(items):
        value_style = value_base
        if f.status is not None and f.status is not Status.GREY:
            value_style = ParagraphStyle(f"kf_{f.status.value}", parent=value_base, textColor=RAG_INK[f.status])
        parts = [_p(f.label, st.kf_label), _p(f.text, value_style)]
        if f.note:
            parts.append(_p(f.note, st.kf_note))
        row.append(parts)
        r, c = divmod(i, per_row)
        style.append(("BACKGROUND", (c, r), (c, r), PALE))
        style.append(("LINEABOVE", (c, r), (c, r), 2.5, RAG_MARK[f.status] if f.status is not None else NAVY))
        if len(row) == per_row:
            cells.append(row)
            row = []
    if row:
        row += [""] * (per_row - len(row))
        cells.append(row)
    t = RLTable(cells, colWidths=[cw] * per_row, hAlign="LEFT")
    t.setStyle(TableStyle(style))
    out: list[Flowable] = []
    if kf.title:
        out.append(_p(kf.title, st.caption))
    out.extend([t, Spacer(1, 10)])
    return [KeepTogether(out)]


def _bullets(b: Bullets, st: _Styles) -> list[Flowable]:
    items = [ListItem(_p(x, st.bullet), leftIndent=12, value="•") for x in b.items]
    return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=12, bulletFontName=FONT,
                         bulletFontSize=8, bulletColor=TEAL, spaceAfter=6), Spacer(1, 4)]


def _block(block, st: _Styles) -> list[Flowable]:
    if isinstance(block, Paragraph):
        return [_p(block.text, {"lead": st.lead, "note": st.note}.get(block.style, st.body))]
    if isinstance(block, Heading):
        return [_p(block.text, st.h2)]
    if isinstance(block, Bullets):
        return _bullets(block, st)
    if isinstance(block, Table):
        return _table(block, st)
    if isinstance(block, Chart):
        return _chart(block, st)
    if isinstance(block, KeyFigures):
        return _key_figures(block, st)
    return []


def _section(index: int, section: Section, st: _Styles) -> list[Flowable]:
    """A section on a new page; each part under a heading kept on one page when it fits on one."""
    title = _p(section.title, st.h1)
    title._section = (index, section.title, f"s-{section.key}")  # type: ignore[attr-defined]
    groups: list[list[Flowable]] = [[title, SectionRule()]]
    for block in section.blocks:
        if isinstance(block, Heading):
            groups.append([])
        groups[-1].extend(_block(block, st))
    out: list[Flowable] = [PageBreak()]
    for i, group in enumerate(groups):
        if i:
            out.append(CondPageBreak(50 * mm))
        if _height(group) <= KEEP_TOGETHER_MAX:
            out.append(KeepTogether(_unnest(group)))
            continue
        # too big to keep whole: keep the heading with what follows it, when that is not itself long
        j = next((k for k, f in enumerate(group[1:], start=1) if not isinstance(f, CondPageBreak)), None)
        if i and j is not None and _height(group[j:j + 1]) <= KEEP_TOGETHER_MAX:
            out.append(KeepTogether(_unnest(group[:j + 1])))
            out.extend(group[j + 1:])
        else:
            out.extend(group)
    return out


def _unnest(flowables: Sequence[Flowable]) -> list[Flowable]:
    """The flowables with inner KeepTogethers opened up: an inner one reports a huge height to force a split,
    which would make the outer one break the page every time."""
    out: list[Flowable] = []
    for f in flowables:
        if isinstance(f, KeepTogether):
            out.extend(_unnest(f._content))
        else:
            out.append(f)
    return out


KEEP_TOGETHER_MAX = 0.42 * (PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM)


def _height(flowables: Sequence[Flowable]) -> float:
    """Roughly how tall the flowables lay out at full width (stops counting once past the limit)."""
    total = 0.0
    for f in flowables:
        if isinstance(f, KeepTogether):  # its wrap() claims to be huge to force a split: measure its content
            total += _height(f._content)
            if total > KEEP_TOGETHER_MAX:
                break
            continue
        try:
            _, h = f.wrap(WIDTH, PAGE[1])
        except Exception:  # noqa: BLE001 - a flowable that cannot say is treated as tall
            return float("inf")
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
        if total > KEEP_TOGETHER_MAX:
            break
    return total


class SectionRule(Flowable):
    """The accent rule under a section title."""

    def wrap(self, aw, ah):
        self.width = aw
        return aw, 10

    def draw(self):
        self.canv.setFillColor(TEAL)
        self.canv.rect(0, 5, 36, 2.2, stroke=0, fill=1)


def _cover(case: InvestmentCase, st: _Styles) -> list[Flowable]:
    m = case.metadata
    out: list[Flowable] = [Spacer(1, 18 * mm), _p("INVESTMENT CASE", st.cover_kicker), _p(m.consortium, st.cover_title)]
    if m.tender:
        out.append(_p(m.tender, st.cover_sub))
    if m.buyer:
        out.append(_p(f"for {m.buyer}", st.cover_sub))
    out.append(Spacer(1, 95 * mm))
    rows = [("Prepared by", m.author or "—"), ("Date", f"{m.date.day} {m.date:%B %Y}"),
            ("Option", m.consortium)]
    t = RLTable([[_p(a, st.cover_small), _p(b, st.cover_meta)] for a, b in rows], colWidths=[32 * mm, WIDTH - 32 * mm],
                hAlign="LEFT")
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("TOPPADDING", (0, 0), (-1, -1), 5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    out.append(t)
    out.append(Spacer(1, 6 * mm))
    out.append(_p("The figures in this document come from the consortium's planning workspace: every rate and "
                  "threshold is an assumption listed, with its source, in the appendix.", st.cover_small))
    return out


def _contents(st: _Styles) -> list[Flowable]:
    toc = TableOfContents()
    toc.levelStyles = [st.toc0]
    toc.dotsMinLevel = 0
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    return [NextPageTemplate("body"), PageBreak(), _p("Contents", st.toc_title), toc]


# --------------------------------------------------------------------------- entry points


def render_pdf_bytes(case: InvestmentCase, progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> bytes:
    """The PDF as bytes (see ``render_pdf``)."""
    register_fonts()
    st = _Styles()
    n = max(len(case.sections), 1)
    state = {"pass": 0}

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    def check(message: str) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(message)

    def on_section(index: int) -> None:
        check("Rendering cancelled")
        p = max(state["pass"], 1)
        done = (min(p, 2) - 1 + (index + 1) / n) / 2
        report(0.15 + 0.8 * done, f"Laying out {case.sections[index].title}")

    report(0.0, "Preparing the investment case")
    story: list[Flowable] = _cover(case, st) + _contents(st)
    for i, section in enumerate(case.sections):
        check("Rendering cancelled")
        story.extend(_section(i, section, st))
        report(0.15 * (i + 1) / n, f"Prepared {section.title}")
    buf = io.BytesIO()
    doc = _Doc(buf, case, st, on_section)

    def on_progress(kind: str, value) -> None:
        if kind == "PASS":
            state["pass"] = int(value)

    doc.setProgressCallBack(on_progress)
    doc.layout_only = lambda: state["pass"] <= 1  # the first pass only finds the pages: nothing is drawn
    doc.multiBuild([doc.total, *story])
    report(1.0, "Investment case ready")
    return buf.getvalue()


def render_pdf(case: InvestmentCase, path: str | os.PathLike, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path:
    """Write ``case`` as a PDF to ``path`` (atomically: a cancelled or failed render writes nothing)."""
    data = render_pdf_bytes(case, progress, cancelled)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))

