"""Tables, key figures and bullet lists of the investment case PDF.

Columns are sized from their text measured once (numbers never wrap; headers wrap as little as room
allows; text wraps last); a table too wide for its numbers drops to a smaller size. Tables repeat
their header rows on every page they run onto; red/amber/green cells are shaded; totals are bold.
Text that fits its column is a plain string (drawn as written, never parsed as markup); only text
that must wrap becomes an escaped Paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from .document import (
    Bullets,
    KeyFigures,
    Kind,
    Status,
    Table,
)
from .pdf_style import (
    CELL_PAD,
    CELL_SIZE,
    FONT,
    FONT_BOLD,
    HIGHLIGHT,
    INK,
    NAVY,
    PALE,
    RAG_FILL,
    RAG_INK,
    RAG_MARK,
    RULE,
    TEAL,
    WIDTH,
    ZEBRA,
    Styles,
    longest_word,
    natural_width,
    needs_fallback,
    para,
)


@dataclass(slots=True)
class TextMeasure:
    """A table's text measured once at 1pt: per column, header and widest / longest-word cells."""

    head_nat: list[float]
    head_min: list[float]
    cell_nat: list[float]
    cell_min: list[float]


def measure_table(tbl: Table, texts: list[list[str]]) -> TextMeasure:
    sample = texts[:300]
    bold = FONT_BOLD if (tbl.total_rows or tbl.highlight_rows) else FONT
    measured = TextMeasure([], [], [], [])
    for i, col in enumerate(tbl.columns):
        # a long piece of text in a column of figures wraps (see ``_wraps``): it does not set the width
        cells = [row[i] for r, row in enumerate(sample) if not _wraps(tbl, r, i, row[i])]
        measured.head_nat.append(natural_width(col.title, FONT_BOLD, 1))
        measured.head_min.append(longest_word(col.title, FONT_BOLD, 1))
        measured.cell_nat.append(max((natural_width(t, bold, 1) for t in cells), default=0.0))
        measured.cell_min.append(0.0 if col.numeric else max((longest_word(t, FONT, 1) for t in cells), default=0.0))
    return measured


def _wraps(tbl: Table, r: int, c: int, text: str) -> bool:
    """A text cell of 16 characters or more in a column of figures: drawn as a wrapping paragraph."""
    cell = tbl.rows[r][c]
    return tbl.columns[c].numeric and cell.kind is Kind.TEXT and len(text) >= 16


def column_widths(tbl: Table, measured: TextMeasure, width: float, size: float = CELL_SIZE) -> tuple[list[float], bool]:
    """Column widths at font ``size``: numbers never wrap, headers wrap as little as room allows, text wraps
    last. Also whether every number fits at its natural width."""
    pad = 2 * CELL_PAD + 1
    nat, want, low = [], [], []
    numeric = [c.numeric for c in tbl.columns]
    head = size - 0.3
    for i, col in enumerate(tbl.columns):
        head_nat, head_min = measured.head_nat[i] * head, measured.head_min[i] * head
        cell_nat = measured.cell_nat[i] * size
        if col.numeric:
            n = max(cell_nat, head_min) + pad
            nat.append(n)
            low.append(n)
            want.append(max(n, min(head_nat + pad, 96)))
        else:
            cell_min = measured.cell_min[i] * size
            n = min(max(cell_nat, head_nat), 230) + pad
            nat.append(n)
            want.append(n)
            low.append(min(n, max(min(max(cell_min, head_min), 110), 48) + pad))
    if tbl.first_column_width is not None and len(nat) > 1:
        first = float(tbl.first_column_width) * width
        out = [first, *share_width(nat[1:], want[1:], low[1:], numeric[1:], width - first)]
    else:
        out = share_width(nat, want, low, numeric, width)
    fits = all(w >= low[i] - 0.5 for i, w in enumerate(out) if numeric[i])
    return out, fits


def share_width(nat: list[float], want: list[float], low: list[float], numeric: list[bool], width: float) -> list[float]:
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


def table_flowables(tbl: Table, styles: Styles, width: float = WIDTH) -> list[Flowable]:
    texts = tbl.texts()
    measured = measure_table(tbl, texts)
    for size in TABLE_SIZES:
        widths, fits = column_widths(tbl, measured, width, size)
        if fits:
            break
    cs = styles.cells(size)
    room = [w - 2 * CELL_PAD - 0.5 for w in widths]
    # text that fits its column goes in as a plain string (drawn as written, never parsed as markup, and far
    # cheaper than a Paragraph); only text that must wrap becomes an escaped Paragraph
    head = [c.title if natural_width(c.title, FONT_BOLD, size - 0.3) <= room[i] and not needs_fallback(c.title) else
            para(c.title, cs.head_right if c.numeric else cs.head) for i, c in enumerate(tbl.columns)]
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
            numeric = tbl.columns[c].numeric and not _wraps(tbl, r, c, text)
            if cell.status is not None:
                style.append(("BACKGROUND", (c, r + 1), (c, r + 1), RAG_FILL[cell.status]))
                style.append(("TEXTCOLOR", (c, r + 1), (c, r + 1), RAG_INK[cell.status]))
            bold = total or r in tbl.highlight_rows or cell.bold
            if cell.bold:
                style.append(("FONTNAME", (c, r + 1), (c, r + 1), FONT_BOLD))
            if numeric or ("\n" not in text and natural_width(text, FONT_BOLD if bold else FONT, size) <= room[c]
                           and not needs_fallback(text)):
                out_row.append(text)  # a plain string: drawn as written, never parsed as markup
            else:
                pst = cs.cell_bold if bold else (cs.rag[cell.status] if cell.status is not None else cs.cell)
                out_row.append(para(text, pst))
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
    grid = RLTable(data, colWidths=widths, repeatRows=tbl.header_rows, hAlign="LEFT", splitByRow=1)
    grid.setStyle(TableStyle(style))
    out: list[Flowable] = []
    if tbl.title:
        out.append(para(tbl.title, styles.caption))
    out.append(grid)
    out.append(para(tbl.note, styles.note) if tbl.note else Spacer(1, 8))
    if nrows <= 12:
        return [KeepTogether(out)]
    return [CondPageBreak(40 * mm), *out]  # a long table starts where a few rows fit under its caption





def key_figure_flowables(kf: KeyFigures, styles: Styles, width: float = WIDTH) -> list[Flowable]:
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
    value_base = ParagraphStyle("kf_value_fit", parent=styles.kf_value, fontSize=size, leading=size * 1.22)
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
        parts = [para(f.label, styles.kf_label), para(f.text, value_style)]
        if f.note:
            parts.append(para(f.note, styles.kf_note))
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
    grid = RLTable(cells, colWidths=[cw] * per_row, hAlign="LEFT")
    grid.setStyle(TableStyle(style))
    out: list[Flowable] = []
    if kf.title:
        out.append(para(kf.title, styles.caption))
    out.extend([grid, Spacer(1, 10)])
    return [KeepTogether(out)]


def bullet_flowables(bullets: Bullets, styles: Styles) -> list[Flowable]:
    items = [ListItem(para(x, styles.bullet), leftIndent=12, value="•") for x in bullets.items]
    return [ListFlowable(items, bulletType="bullet", start="•", leftIndent=12, bulletFontName=FONT,
                         bulletFontSize=8, bulletColor=TEAL, spaceAfter=6), Spacer(1, 4)]
