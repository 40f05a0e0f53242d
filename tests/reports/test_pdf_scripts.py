"""Names in every script print in the PDF: runs DejaVu Sans lacks are set in a fallback font (issue 21)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from consortium_planner.reports import pdf_style
from consortium_planner.reports.pdf_style import markup, take_missing

HAVE_CJK = any(ord("伙") in covered for _name, covered in pdf_style._fallbacks())
HAVE_EMOJI = any(ord("🤝") in covered for _name, covered in pdf_style._fallbacks())


def test_latin_text_needs_no_fallback_and_is_escaped():
    assert markup("A<B & Café £5") == "A&lt;B &amp; Café £5"


@pytest.mark.skipif(not HAVE_CJK, reason="no CJK fallback font on this computer (CI installs fonts-droid-fallback)")
def test_cjk_runs_are_set_in_a_fallback_font_that_covers_them():
    text = "Partnership 伙伴関係 <Ltd>"
    out = markup(text)
    assert '<font name="CPFallback' in out and "伙伴関係</font>" in out and "&lt;Ltd&gt;" in out
    take_missing()


def test_a_character_no_font_covers_is_reported_not_silently_boxed():
    take_missing()
    markup("x\U000F0000y")  # a private-use character no font has
    assert take_missing() == "\U000F0000"
    assert take_missing() == ""


@pytest.mark.skipif(not (HAVE_CJK and HAVE_EMOJI and shutil.which("pdftotext")),
                    reason="needs CJK and emoji fallback fonts and poppler (CI installs them)")
def test_the_investment_case_embeds_the_fallbacks_and_the_text_reads_back(tmp_path):
    from consortium_planner.cli import main
    from consortium_planner.domain.model import Organisation
    from consortium_planner.services.session import WorkspaceSession

    ws = tmp_path / "d.cplan"
    assert main(["demo", str(ws)]) == 0
    session = WorkspaceSession.open(ws)
    try:
        member = session.ws.organisations()[0]
        session.set_field(Organisation, member.id, "name", "协作 Care 🤝 Mutual")
        option = session.ws.options()[2].name
    finally:
        session.close()
    out = tmp_path / "case.pdf"
    assert main(["export-pdf", str(ws), "--option", option, "-o", str(out), "--sections", "consortium"]) == 0
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts and "DroidSansFallback" in fonts and "Symbola" in fonts
    assert fonts.count("yes yes") >= 4  # DejaVu regular and bold and both fallbacks, embedded
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    # (the emoji is drawn, but reportlab's text map gives characters beyond U+FFFF a wrong code on copying)
    assert "协作 Care" in text
