"""The investment case PDF's pages: the document template (cover and body page templates, running
header, footer "page X of Y", contents entries and bookmarks), the cover and the contents page.

The document is built in passes (for the contents): the first only lays out, drawing nothing
(``LayoutFrame``); ``PageTotal`` carries the page count of the pass before into the footers and
keeps the build going until the total printed is the total counted.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.tableofcontents import TableOfContents

from .case import InvestmentCase
from .pdf_style import (
    FONT,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    NAVY,
    PAGE,
    RULE,
    TEAL,
    WIDTH,
    Styles,
    fit_text,
    para,
)


def load_logo(path: str | None) -> ImageReader | None:
    if not path:
        return None
    try:
        return ImageReader(path)
    except Exception:  # noqa: BLE001 - a missing or unreadable logo is left out, never fatal
        return None


def _skip_draw(*args, **kwargs) -> None:
    return None


class LayoutFrame(Frame):
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


class CaseDocTemplate(BaseDocTemplate):
    def __init__(self, target, case: InvestmentCase, styles: Styles, hook: Callable[[int], None], **kw):
        m = case.metadata
        super().__init__(target, pagesize=PAGE, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, title=m.title, author=m.author or m.consortium,
                         subject=m.subject, creator=m.creator, producer=m.creator, keywords=m.keywords,
                         lang="en-GB", initialFontName=FONT, initialFontSize=9, displayDocTitle=True, **kw)
        self.case = case
        self.styles = styles
        self.hook = hook
        self.logo = load_logo(case.logo_path)
        self.total = PageTotal()
        self.layout_only: Callable[[], bool] = lambda: False
        self.footer_label = fit_text(f"{m.kind} · {m.consortium}", FONT, 7.5, WIDTH * 0.7)
        body = LayoutFrame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = LayoutFrame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_BOTTOM - 30 * mm, id="cover",
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
        canv.drawString(MARGIN_X, h - 13 * mm, fit_text(self.case.running_header, FONT, 7.5, WIDTH - date_w - 8 * mm))
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.6)
        canv.line(MARGIN_X, h - 15 * mm, w - MARGIN_X, h - 15 * mm)
        canv.line(MARGIN_X, 14 * mm, w - MARGIN_X, 14 * mm)
        canv.drawString(MARGIN_X, 10 * mm, self.footer_label)
        canv.drawRightString(w - MARGIN_X, 10 * mm, f"page {doc.page} of {self.total.printed}")
        canv.restoreState()

    def beforeDocument(self) -> None:  # noqa: N802 - reportlab's name
        self.canv._layout_only = self.layout_only()  # see LayoutFrame

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


class PageTotal(Flowable):
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


class SectionRule(Flowable):
    """The accent rule under a section title."""

    def wrap(self, aw, ah):
        self.width = aw
        return aw, 10

    def draw(self):
        self.canv.setFillColor(TEAL)
        self.canv.rect(0, 5, 36, 2.2, stroke=0, fill=1)


def cover_page(case: InvestmentCase, styles: Styles) -> list[Flowable]:
    m = case.metadata
    out: list[Flowable] = [Spacer(1, 18 * mm), para(m.kind.upper(), styles.cover_kicker), para(m.consortium, styles.cover_title)]
    if m.tender:
        out.append(para(m.tender, styles.cover_sub))
    if m.buyer:
        out.append(para(f"for {m.buyer}", styles.cover_sub))
    out.append(Spacer(1, 95 * mm))
    rows = [("Prepared by", m.author or "—"), ("Date", f"{m.date.day} {m.date:%B %Y}"),
            ("Option", m.consortium)]
    grid = RLTable([[para(a, styles.cover_small), para(b, styles.cover_meta)] for a, b in rows], colWidths=[32 * mm, WIDTH - 32 * mm],
                hAlign="LEFT")
    grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE), ("TOPPADDING", (0, 0), (-1, -1), 5),
                           ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    out.append(grid)
    out.append(Spacer(1, 6 * mm))
    out.append(para("The figures in this document come from the consortium's planning workspace: every rate and "
                  "threshold is an assumption listed, with its source, in the appendix.", styles.cover_small))
    return out


def contents_page(styles: Styles) -> list[Flowable]:
    toc = TableOfContents()
    toc.levelStyles = [styles.toc0]
    toc.dotsMinLevel = 0
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    return [NextPageTemplate("body"), PageBreak(), para("Contents", styles.toc_title), toc]
