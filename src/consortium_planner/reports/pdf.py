"""Render an ``InvestmentCase`` to PDF with reportlab platypus.

    render_pdf(case, "case.pdf", progress=lambda f, m: ..., cancelled=lambda: False)

* A4 portrait. A cover page without header or footer; a contents page; then one section a page
  onwards, each with a running header (consortium – tender) and a footer "page X of Y". Built in one
  pass: the contents' page numbers and the footers' Y are PDF forms defined after the last page
  (``pdf_template``). Sections are also PDF bookmarks.
* DejaVu Sans, shipped in ``resources/fonts`` and embedded, so £, accents and non-Latin names
  print on any machine.
* All user text goes through ``xml.sax.saxutils.escape`` before it reaches a ``Paragraph``
  (``A<B & C`` prints as written); table numbers are plain strings, right-aligned.
* Tables repeat their header rows on every page they run onto; red/amber/green cells are shaded;
  charts are reportlab graphics with titled axes and units. Heat maps are shaded tables, so large
  ones split across pages.
* Metadata: title, subject, author (the workspace's "author" setting), creator. No user name, no path.
* The look is in ``pdf_style``, tables and key figures in ``pdf_tables``, charts and heat maps in
  ``pdf_charts``, the page templates, cover and contents in ``pdf_template``; this module lays the
  sections out and renders.
* ``progress(fraction, message)`` is called per section; ``cancelled()`` is checked between sections
  and raises ``Cancelled``; nothing is written unless the whole document is built.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
)

from ..domain.tasks import Cancelled
from .case import (
    Bullets,
    Chart,
    Heading,
    InvestmentCase,
    KeyFigures,
    Paragraph,
    Section,
    Table,
)
from .files import atomic_write
from .pdf_charts import chart_flowables
from .pdf_style import FONT, FONT_BOLD, MARGIN_BOTTOM, MARGIN_TOP, PAGE, WIDTH, Styles, para, register_fonts
from .pdf_tables import bullet_flowables, key_figure_flowables, table_flowables
from .pdf_template import CaseDocTemplate, ForwardContents, SectionRule, contents_page, cover_page

__all__ = ["FONT", "FONT_BOLD", "register_fonts", "render_pdf", "render_pdf_bytes"]

Progress = Callable[[float, str], None]

def _block(block, styles: Styles) -> list[Flowable]:
    if isinstance(block, Paragraph):
        return [para(block.text, {"lead": styles.lead, "note": styles.note}.get(block.style, styles.body))]
    if isinstance(block, Heading):
        return [para(block.text, styles.h2)]
    if isinstance(block, Bullets):
        return bullet_flowables(block, styles)
    if isinstance(block, Table):
        return table_flowables(block, styles)
    if isinstance(block, Chart):
        return chart_flowables(block, styles)
    if isinstance(block, KeyFigures):
        return key_figure_flowables(block, styles)
    return []


def _section(index: int, section: Section, styles: Styles) -> list[Flowable]:
    """A section on a new page; each part under a heading kept on one page when it fits on one."""
    title = para(section.title, styles.h1)
    title._section = (index, section.title, f"s-{section.key}")  # type: ignore[attr-defined]
    groups: list[list[Flowable]] = [[title, SectionRule()]]
    for block in section.blocks:
        if isinstance(block, Heading):
            groups.append([])
        groups[-1].extend(_block(block, styles))
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


# --------------------------------------------------------------------------- entry points


def render_pdf_bytes(case: InvestmentCase, progress: Progress | None = None,
                     cancelled: Callable[[], bool] | None = None) -> bytes:
    """The PDF as bytes (see ``render_pdf``)."""
    register_fonts()
    styles = Styles()
    n = max(len(case.sections), 1)

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(max(fraction, 0.0), 1.0), message)

    def check(message: str) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled(message)

    def on_section(index: int) -> None:
        check("Rendering cancelled")
        report(0.2 + 0.8 * (index + 1) / n, f"Laying out {case.sections[index].title}")

    report(0.0, "Preparing the investment case")
    contents = contents_page(styles, [(s.title, f"s-{s.key}") for s in case.sections])  # as ``_section`` marks them
    story: list[Flowable] = cover_page(case, styles) + contents
    for i, section in enumerate(case.sections):
        check("Rendering cancelled")
        story.extend(_section(i, section, styles))
        report(0.2 * (i + 1) / n, f"Prepared {section.title}")
    buf = io.BytesIO()
    doc = CaseDocTemplate(buf, case, styles, on_section)
    doc.contents = [f for f in contents if isinstance(f, ForwardContents)]
    doc.build(story)
    report(1.0, "Investment case ready")
    return buf.getvalue()


def render_pdf(case: InvestmentCase, path: str | os.PathLike, progress: Progress | None = None,
               cancelled: Callable[[], bool] | None = None) -> Path:
    """Write ``case`` as a PDF to ``path`` (atomically: a cancelled or failed render writes nothing)."""
    data = render_pdf_bytes(case, progress, cancelled)
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
