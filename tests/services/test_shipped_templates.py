"""Shipped templates (issue 19): each loads, passes validation, summarises fully, prints an investment case
and a case study, and anonymises with no original name left in any table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from anonymise_support import assert_no_name, source_names
from consortium_planner.domain.anonymise import original_names
from consortium_planner.domain.model import Organisation, Tender
from consortium_planner.domain.validation import check_workspace, errors
from consortium_planner.reports.case import build_case
from consortium_planner.reports.case_study import build_case_study, write_case_study
from consortium_planner.reports.pdf import render_pdf
from consortium_planner.services.anonymise import read_workspace, write_anonymised
from consortium_planner.services.summary import summary
from consortium_planner.services.templates import (
    TEMPLATES,
    TemplateError,
    template,
    template_source_text,
    write_template,
)

NAMES = [t.name for t in TEMPLATES]


def test_the_demo_and_at_least_two_more_are_listed():
    assert NAMES[0] == "demo" and len(NAMES) >= 3
    assert len(set(NAMES)) == len(NAMES)
    assert all(t.title and len(t.description) > 40 for t in TEMPLATES)
    assert template("Youth-Alliance").name == "youth_alliance"
    with pytest.raises(TemplateError, match="templates: demo, youth_alliance, leisure_spv"):
        template("nope")


@pytest.mark.parametrize("name", ["youth_alliance", "leisure_spv"])
def test_every_assumed_figure_is_marked(name):
    text = template_source_text(name)
    assert "FICTIONAL" in text
    assert len(re.findall(r"\[A\]", text)) >= 40


@pytest.fixture(scope="module", params=NAMES)
def written(request, tmp_path_factory) -> tuple[str, Path]:
    path = tmp_path_factory.mktemp(request.param) / f"{request.param}.cplan"
    assert write_template(request.param, path) == path
    return request.param, path


def test_template_loads_validates_and_summarises(written):
    name, path = written
    ws = read_workspace(path)
    assert not errors(check_workspace(ws))
    assert len(list(ws.iter(Organisation))) >= 3
    data = summary(ws)
    assert not data["issues"]
    assert len(data["consortium_options"]) >= 2
    for option in data["consortium_options"]:
        analyses = option["analyses"]
        assert analyses["verdict"]["decision"] in {"bid", "bid_with_conditions", "do_not_bid"}, option["name"]
        refused = [k for k, v in analyses.items() if isinstance(v, dict) and set(v) == {"error"}]
        assert not refused, (name, option["name"], refused)


def test_template_prints_an_investment_case_and_a_case_study(written, tmp_path):
    name, path = written
    ws = read_workspace(path)
    option = ws.options()[-1]
    pdf = render_pdf(build_case(ws, option.id), tmp_path / "case.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 20_000
    study = build_case_study(ws)
    assert [s.key for s in study.sections] == ["context", "verdict"]
    assert study.metadata.kind == "Case study"
    table = study.sections[0].tables()[0]
    # the study follows the first tender with options (by id): every option of that tender, one row each
    first = min(o.tender_id for o in ws.options())
    assert len(table.rows) == len([o for o in ws.options() if o.tender_id == first])
    out = write_case_study(ws, tmp_path / "study.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"


def test_template_anonymises_without_a_name_left(written, tmp_path):
    name, path = written
    out = tmp_path / "anon.cplan"
    write_anonymised(path, out)
    ws = read_workspace(path)
    names = source_names(ws) | set(original_names(ws))
    assert next(ws.iter(Tender)).name in names
    assert_no_name(out, names)
    anon = read_workspace(out)
    assert not errors(check_workspace(anon))
    assert all(o.name.startswith("Organisation ") for o in anon.iter(Organisation))


def test_writing_a_template_over_an_existing_file_is_refused(tmp_path):
    path = tmp_path / "x.cplan"
    path.write_text("keep")
    with pytest.raises(Exception, match="already exists"):
        write_template("leisure_spv", path)
    assert path.read_text() == "keep"
