"""The investment case PDF's pages: the document template (cover and body page templates, running
header, footer "page X of Y", contents entries and bookmarks), the cover and the contents page.

The document is built in one pass. What is known only at its end, each section's page for the contents
and the page count for the footers, is drawn into PDF forms that the pages refer to as they are drawn and
that are defined after the last page (``CaseDocTemplate._endBuild``): a PDF may refer to a form before it
is defined. The contents' entries, one a section, are known before the layout (``ForwardContents``), so the
contents page has its final size from the start. (It used to be built in two passes, the first only to
learn the pages: about 15% of the render.)
"""

from __future__ import annotations

from ast import literal_eval
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
        self.section_pages: dict[str, int] = {}  # a section's key → its first page, learned as it is laid out
        self.footers: list[int] = []  # the pages whose footer refers to its "page X of Y" form
        self.contents: list[ForwardContents] = []  # the contents tables in the story (their forms come last)
        self.footer_label = fit_text(f"{m.kind} · {m.consortium}", FONT, 7.5, WIDTH * 0.7)
        body = Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                     leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover = Frame(MARGIN_X, MARGIN_BOTTOM, WIDTH, PAGE[1] - MARGIN_BOTTOM - 30 * mm, id="cover",
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
        canv.doForm(f"footer-{doc.page}")  # "page X of Y": Y is known at the end (``_endBuild``)
        self.footers.append(doc.page)
        canv.restoreState()

    def afterFlowable(self, flowable) -> None:
        info = getattr(flowable, "_section", None)
        if info is None:
            return
        index, title, key_ = info
        self.section_pages.setdefault(key_, self.page)
        self.canv.bookmarkPage(key_)
        self.canv.addOutlineEntry(title, key_, level=0, closed=False)
        self.hook(index)

    def _endBuild(self) -> None:  # noqa: N802 - reportlab's name
        """After the last page and before saving: the forms the pages refer to, now that the pages are known."""
        self._doSave = 0
        super()._endBuild()
        canv, total = self.canv, self.page
        w = PAGE[0]
        for page in self.footers:
            canv.beginForm(f"footer-{page}")
            canv.setFont(FONT, 7.5)
            canv.setFillColor(MUTED)
            canv.drawRightString(w - MARGIN_X, 10 * mm, f"page {page} of {total}")
            canv.endForm()
        for toc in self.contents:
            toc.define_forms(canv, self.section_pages)
        canv.save()


class ForwardContents(TableOfContents):
    """The contents page's table, laid out once: its entries (one a section, as ``afterFlowable`` meets
    them) are given before the layout, and each entry's dots and page number, drawn as ``TableOfContents``
    draws them, go into a form defined when the section's page is known (``define_forms``)."""

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        super().__init__()
        self._lastEntries = [(0, escape(title), 0, key_) for title, key_ in entries]
        self._entries = list(self._lastEntries)
        self._ends: dict[str, tuple[float, float, float]] = {}  # key → (x, y, width) where its entry ends

    def wrap(self, availWidth, availHeight):  # noqa: N803 - reportlab's names
        out = super().wrap(availWidth, availHeight)

        def entry_end(canvas, kind, label) -> None:
            key_ = literal_eval(label.split(",")[2])
            x, y = canvas._curr_tx_info["cur_x"], canvas._curr_tx_info["cur_y"]
            self._ends[key_] = (x, y, availWidth)
            canvas.doForm(f"toc-{key_}")
            # the number links to its section, as ``drawPageNumbers`` makes it: a link belongs to the page, so
            # it is made now, as wide as three digits (the number itself is not known yet)
            style = self.getLevelStyle(0)
            numw = stringWidth("999", style.fontName, style.fontSize)
            canvas.linkRect("", key_, (availWidth - numw, y, availWidth, y + style.leading), relative=1)

        self.canv.setNamedCB("drawTOCEntryEnd", entry_end)
        return out

    def define_forms(self, canv, pages: dict[str, int]) -> None:
        """Each entry's dots and page number, as ``tableofcontents.drawPageNumbers`` draws them (right-aligned,
        the gap filled with dots), in the coordinates of the entry's paragraph."""
        style = self.getLevelStyle(0)
        span = (-PAGE[0], -PAGE[1], 2 * PAGE[0], 2 * PAGE[1])  # the paragraph's coordinates: any sign
        for _level, _text, _page, key_ in self._lastEntries:
            canv.beginForm(f"toc-{key_}", *span)
            end = self._ends.get(key_)
            if end is not None:
                x, y, width = end
                pagestr = str(pages.get(key_, ""))
                size = style.fontSize
                pagew = stringWidth(pagestr, style.fontName, size)
                while pagew > width - x and size >= 1.0:  # as drawPageNumbers shrinks a number too wide
                    size *= 0.9
                    pagew = stringWidth(pagestr, style.fontName, size)
                dotw = stringWidth(" . ", style.fontName, size)
                dots = int((width - x - pagew) / dotw)
                tx = canv.beginText(width - dots * dotw - pagew, y)
                tx.setFont(style.fontName, size)
                tx.setFillColor(style.textColor)
                tx.textLine(f"{dots * ' . '}{pagestr}")
                canv.drawText(tx)
            canv.endForm()


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


def contents_page(styles: Styles, entries: list[tuple[str, str]]) -> list[Flowable]:
    """The contents page: ``entries`` are the sections' (title, key) in order."""
    toc = ForwardContents(entries)
    toc.levelStyles = [styles.toc0]
    toc.dotsMinLevel = 0
    toc.tableStyle = TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                 ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])
    return [NextPageTemplate("body"), PageBreak(), para("Contents", styles.toc_title), toc]
