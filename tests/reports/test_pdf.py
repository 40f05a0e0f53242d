"""The investment case PDF: it parses, holds the sections and figures, escapes user text, embeds its font."""

from __future__ import annotations

import datetime as dt
import getpass
import re

import pytest
from pypdf import PdfReader

from consortium_planner.domain.model import Organisation, Setting
from consortium_planner.domain.money import format_gbp
from consortium_planner.domain.tasks import Cancelled
from consortium_planner.reports.case import build_case, option_by_name
from consortium_planner.reports.pdf import render_pdf, render_pdf_bytes
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.store.workspace_file import Store

SPV = "Special purpose vehicle"
ON = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("pdf") / "demo.cplan")


@pytest.fixture(scope="module")
def ws(demo_path):
    with Store.open(demo_path) as store:
        return store.load()


@pytest.fixture(scope="module")
def spv_id(ws):
    return option_by_name(ws, SPV).id


@pytest.fixture(scope="module")
def case(ws, spv_id):
    return build_case(ws, spv_id, on=ON)


@pytest.fixture(scope="module")
def pdf(case, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "case.pdf"
    steps: list[tuple[float, str]] = []
    render_pdf(case, path, progress=lambda f, m: steps.append((f, m)))
    return path, PdfReader(path), steps


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_parses_and_holds_every_section_title(pdf, case):
    path, reader, _ = pdf
    assert path.read_bytes().startswith(b"%PDF")
    text = flat(text_of(reader))
    assert len(reader.pages) >= len(case.sections) + 2  # cover, contents, a page a section at least
    for section in case.sections:
        assert section.title in text
    outline = [o for o in reader.outline if not isinstance(o, list)]
    assert [o.title for o in outline] == [s.title for s in case.sections]
    # the contents page gives each section's real page (drawn into forms defined after the last page)
    contents = flat(reader.pages[1].extract_text()).split("Contents", 1)[1]
    listed = [int(n) for n in re.findall(r"(?:\.\s*)+(\d+)", contents)]
    pages = [reader.get_destination_page_number(o) + 1 for o in outline]
    assert listed == pages and pages == sorted(pages) and pages[0] == 3
    for o, page in zip(outline, pages, strict=True):
        assert o.title in flat(reader.pages[page - 1].extract_text())


def test_pdf_holds_the_key_figures_and_every_member(pdf, ws, spv_id):
    _, reader, _ = pdf
    text = flat(text_of(reader))
    year_one = analyses.prices(ws, spv_id).years[0].annual_price
    assert format_gbp(year_one) in text
    for member in ws.members(spv_id):
        assert ws.get(Organisation, member.organisation_id).name in text


def test_page_x_of_y_and_running_header(pdf, case):
    _, reader, _ = pdf
    n = len(reader.pages)
    cover = reader.pages[0].extract_text()
    assert "page 1 of" not in cover and "Westmarch Integrated Community Wellbeing Service" in cover
    for i in range(1, n):
        page = flat(reader.pages[i].extract_text())
        assert f"page {i + 1} of {n}" in page
        assert case.running_header in page


def test_font_is_embedded_and_nothing_else_is_used(pdf):
    _, reader, _ = pdf
    embedded, names = set(), set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])
            names.add(name)
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded.add(name)
    assert any("DejaVuSans" in n for n in embedded)
    assert any("DejaVuSans-Bold" in n for n in embedded)
    assert names == embedded  # no unembedded standard font (Helvetica) sneaks in


def test_metadata_without_user_name_or_path(pdf, case, demo_path):
    path, reader, _ = pdf
    meta = reader.metadata
    assert meta.title == case.metadata.title
    assert meta.author == "Westmarch Mutuals Partnership (demo)"
    assert meta.subject == case.metadata.subject
    assert meta.creator == "Consortium Planner"
    values = " ".join(str(v) for v in meta.values())
    user = getpass.getuser()
    if len(user) > 3:
        assert user not in values
    raw = path.read_bytes()
    for p in (str(path), str(path.parent), str(demo_path), str(demo_path.parent)):
        assert p.encode() not in raw and p not in values


def test_progress_per_section_and_finishes(pdf, case):
    _, _, steps = pdf
    fractions = [f for f, _ in steps]
    assert fractions[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in fractions)
    messages = " ".join(m for _, m in steps)
    for section in case.sections:
        assert section.title in messages


def test_user_text_is_printed_literally(demo_path, tmp_path, spv_id):
    copy = tmp_path / "escape.cplan"
    copy.write_bytes(demo_path.read_bytes())
    session = WorkspaceSession.open(copy)
    member = session.ws.members(spv_id)[0]
    session.set_field(Organisation, member.organisation_id, "name", "A<B & C")
    session.set_setting("author", "Ana Núñez & <Partners>")
    ws = session.ws
    built = build_case(ws, spv_id, sections=["summary", "consortium", "standing"], on=ON)
    session.close()
    out = render_pdf(built, tmp_path / "escape.pdf")
    reader = PdfReader(out)
    text = text_of(reader)
    assert "A<B & C" in text
    assert "A&lt;B" not in text and "&amp;" not in text
    assert "Ana Núñez & <Partners>" in text
    assert reader.metadata.author == "Ana Núñez & <Partners>"


def test_chosen_sections_only(ws, spv_id, tmp_path):
    built = build_case(ws, spv_id, sections=["summary", "standing"], on=ON)
    reader = PdfReader(render_pdf(built, tmp_path / "two.pdf"))
    text = flat(text_of(reader))
    assert "Executive summary" in text and "Financial standing" in text
    assert "Pricing and win analysis" not in text and "Assumptions and sources" not in text


def test_cancel_stops_rendering_and_writes_nothing(case, tmp_path):
    target = tmp_path / "cancelled.pdf"
    with pytest.raises(Cancelled):
        render_pdf(case, target, cancelled=lambda: True)
    assert not target.exists() and list(tmp_path.iterdir()) == []
    calls = {"n": 0}

    def later() -> bool:
        calls["n"] += 1
        return calls["n"] > len(case.sections) + 3  # during layout, after some sections are placed

    seen: list[str] = []
    with pytest.raises(Cancelled):
        render_pdf(case, target, progress=lambda f, m: seen.append(m), cancelled=later)
    assert not target.exists() and seen and not any(m == "Investment case ready" for m in seen)


def test_logo_from_the_workspace_setting(ws, spv_id, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (31, 58, 95)).save(logo)
    w = ws.copy()
    w.put(Setting(id=9100, key="logo_path", value=str(logo)))
    built = build_case(w, spv_id, sections=["summary"], on=ON)
    assert built.logo_path == str(logo)
    data = render_pdf_bytes(built)
    reader = PdfReader(__import__("io").BytesIO(data))
    xobjects = reader.pages[0]["/Resources"].get("/XObject", {})
    assert any(x.get_object()["/Subtype"] == "/Image" for x in xobjects.values())
    assert str(logo).encode() not in data
    w.put(Setting(id=9100, key="logo_path", value=str(tmp_path / "missing.png")))
    assert build_case(w, spv_id, sections=["summary"], on=ON).logo_path is None
