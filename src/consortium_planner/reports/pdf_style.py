"""The investment case PDF's look: the embedded font, page geometry, palette and paragraph styles, and
text measuring shared by the tables and charts.

DejaVu Sans, shipped in ``resources/fonts`` and embedded, so £, accents and non-Latin names print on
any machine. All user text goes through ``para`` (``xml.sax.saxutils.escape`` before a ``Paragraph``),
so ``A<B & C`` prints as written.

**Scripts DejaVu lacks** (Chinese, Japanese, Korean; emoji): ``para`` sets each run of characters the
embedded font does not cover in the first fallback font of this computer that does
(``FALLBACK_FONTS``: Droid Sans Fallback or Microsoft YaHei or Arial Unicode for CJK, Symbola or Segoe UI
Symbol for emoji), embedded like DejaVu. A fallback is loaded only when such a character occurs. A
character no font here covers is recorded (``take_missing``) so the export can say so rather than
print an empty box silently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph as RLParagraph

from .document import (
    Status,
)

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


class Styles:
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
        self._cells: dict[float, CellStyles] = {CELL_SIZE: CellStyles(self.cell, self.cell_bold, self.head,
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


    def cells(self, size: float) -> CellStyles:
        if size not in self._cells:
            def at(p: ParagraphStyle, name: str) -> ParagraphStyle:
                return ParagraphStyle(f"{name}_{size}", parent=p, fontSize=p.fontSize - CELL_SIZE + size,
                                      leading=p.leading - CELL_SIZE + size)

            self._cells[size] = CellStyles(at(self.cell, "cell"), at(self.cell_bold, "cell_bold"),
                                            at(self.head, "head"), at(self.head_right, "head_right"),
                                            {k: at(v, f"rag_{k.value}") for k, v in self.rag.items()})
        return self._cells[size]


@dataclass(frozen=True, slots=True)
class CellStyles:
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    head: ParagraphStyle
    head_right: ParagraphStyle
    rag: dict


def para(text: str, style: ParagraphStyle) -> RLParagraph:
    """A paragraph of user text, escaped so it prints literally (runs DejaVu lacks in a fallback font)."""
    return RLParagraph(markup(text), style)


# Font files that cover what DejaVu Sans does not, where systems put them (TrueType outlines only:
# reportlab cannot embed CFF-flavoured OpenType). (path, index of the font within a .ttc collection)
_WINDOWS_FONTS = os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts")
FALLBACK_FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    (os.path.join(_WINDOWS_FONTS, "msyh.ttc"), 0),
    (os.path.join(_WINDOWS_FONTS, "malgun.ttf"), 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf", 0),
    ("/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf", 0),
    (os.path.join(_WINDOWS_FONTS, "seguisym.ttf"), 0),
    (os.path.join(_WINDOWS_FONTS, "seguiemj.ttf"), 0),
    ("/System/Library/Fonts/Apple Symbols.ttf", 0),
)
_missing: set[str] = set()
_IGNORABLE = frozenset(range(0x200B, 0x2010)) | frozenset(range(0xFE00, 0xFE10)) | {0xFEFF, 0x2060}


@lru_cache(maxsize=1)
def _covered() -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(FONT).face.charToGlyph)  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _fallbacks() -> tuple[tuple[str, frozenset[int]], ...]:
    """The fallback fonts found on this computer, registered with reportlab, each with what it covers."""
    out = []
    for i, (path, index) in enumerate(FALLBACK_FONTS):
        if not os.path.isfile(path):
            continue
        name = f"CPFallback{i}"
        try:
            font = TTFont(name, path, subfontIndex=index)
        except (TTFError, OSError, ValueError, KeyError):
            continue  # CFF outlines, a damaged file: not usable here
        pdfmetrics.registerFont(font)
        out.append((name, frozenset(font.face.charToGlyph)))
    return tuple(out)


def _font_for(ch: str) -> str | None:
    code = ord(ch)
    for name, covered in _fallbacks():
        if code in covered:
            return name
    return None


def needs_fallback(text: str) -> bool:
    """Whether ``text`` has a character DejaVu Sans lacks (so it must go through ``para``, not be drawn plain)."""
    if text.isascii():
        return False
    covered = _covered()
    return any(ord(ch) not in covered and ch not in "\n\t" for ch in text)


def markup(text: str) -> str:
    """``text`` escaped for a ``Paragraph``, with each run DejaVu Sans lacks in a ``<font>`` that has it."""
    if text.isascii():
        return escape(text)
    covered = _covered()
    if all(ord(ch) in covered or ch in "\n\t" for ch in text):
        return escape(text)
    parts: list[str] = []
    run: list[str] = []
    run_font: str | None = None
    for ch in text:
        code = ord(ch)
        font = None if (code in covered or ch in "\n\t" or code in _IGNORABLE) else _font_for(ch)
        if font is None and code not in covered and ch not in "\n\t" and code not in _IGNORABLE:
            _missing.add(ch)
        if font != run_font and run:
            parts.append(_run(run, run_font))
            run = []
        run_font = font
        run.append(ch)
    if run:
        parts.append(_run(run, run_font))
    return "".join(parts)


def _run(chars: list[str], font: str | None) -> str:
    text = escape("".join(chars))
    return text if font is None else f'<font name="{font}">{text}</font>'


def take_missing() -> str:
    """The characters met since the last call that no font on this computer covers (they print as boxes)."""
    chars = "".join(sorted(_missing))
    _missing.clear()
    return chars



def fit_text(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@lru_cache(maxsize=20000)
def unit_width(text: str, font: str) -> float:
    """The width of ``text`` at 1pt (widths scale with the size)."""
    return stringWidth(text, font, 1)


def natural_width(text: str, font: str, size: float) -> float:
    return unit_width(text, font) * size


def longest_word(text: str, font: str, size: float) -> float:
    words = text.split()
    if not words:
        return 0.0
    if len(words) > 3:  # measure only the few longest by characters
        words = sorted(words, key=len, reverse=True)[:3]
    return max(unit_width(w, font) for w in words) * size
