"""A new analysis and its section are declared once each, and reach ``summary --json`` and the
investment case without editing summary.py, cli.py or case.py; a refusal is said everywhere it should be."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from contextlib import redirect_stdout
from dataclasses import dataclass
from decimal import Decimal

import pytest

from consortium_planner import cli
from consortium_planner.domain.findings import Finding, Severity
from consortium_planner.reports.case import SECTION_TITLES, SECTIONS, build_case, check_sections
from consortium_planner.reports.document import Column, Kind, Paragraph, Status, Table, cell
from consortium_planner.reports.sections.context import CaseContext
from consortium_planner.reports.sections.registry import SECTION_REGISTRY, register_section
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.pipeline import REGISTRY, Analysis, Inputs
from consortium_planner.services.summary import summary

ON = dt.date(2026, 11, 25)


@dataclass(frozen=True, slots=True)
class Headcount:
    """The throwaway analysis's result: how many members the option has, and their capital."""

    members: int
    capital: Decimal


class Throwaway:
    """An analysis and its section, registered for one test module and removed afterwards."""

    def __init__(self) -> None:
        self.name = f"test_headcount_{uuid.uuid4().hex[:8]}"
        self.section = f"{self.name}_section"
        self.refuse = False

    def compute(self, inputs: Inputs) -> Headcount:
        if self.refuse:
            raise ValueError("the headcount register is locked")
        members = inputs.ws.members(inputs.option_id)
        return Headcount(len(members), sum((m.capital_contribution for m in members), Decimal(0)))

    def findings(self, result: Headcount) -> list[Finding]:
        return [Finding("headcount_small", f"Only {result.members} members.", Severity.WARNING)] \
            if result.members < 10 else []

    def build(self, ctx: CaseContext) -> list:
        value: Headcount | None = ctx.result(self.name)
        if value is None:
            return []
        return [Paragraph(f"The option has {value.members} members."),
                Table("headcount", (Column("Members", Kind.NUMBER, 0), Column("Capital", Kind.MONEY)),
                      ((cell(Decimal(value.members)), cell(value.capital)),))]


@pytest.fixture(scope="module")
def throwaway():
    t = Throwaway()
    REGISTRY.register(Analysis(t.name, t.compute, reads=frozenset({"member"}), title="Headcount",
                               area="Headcount", findings=t.findings))
    try:
        register_section(t.section, "Headcount", t.build, needs=(t.name,), position=120)
    except Exception:
        REGISTRY.unregister(t.name)
        raise
    yield t
    SECTION_REGISTRY.unregister(t.section)
    REGISTRY.unregister(t.name)


@pytest.fixture()
def refusing(throwaway):
    throwaway.refuse = True
    yield throwaway
    throwaway.refuse = False


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("registry") / "demo.cplan")


def _cli_summary(path) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["summary", str(path), "--json"]) == 0
    return json.loads(out.getvalue())


def test_a_registered_analysis_reaches_the_summary_json(ws, throwaway):
    for option in summary(ws)["consortium_options"]:
        members = len(ws.members(option["id"]))
        assert option["analyses"][throwaway.name] == {
            "members": members, "capital": format(sum((m.capital_contribution for m in ws.members(option["id"])),
                                                      Decimal(0)), "f")}


def test_a_registered_analysis_reaches_the_command_line_json(demo_file, throwaway):
    data = _cli_summary(demo_file)
    assert data["consortium_options"]
    for option in data["consortium_options"]:
        assert option["analyses"][throwaway.name]["members"] == len(option["members"])


def test_its_section_is_in_the_document_in_its_place(ws, spv_id, throwaway):
    keys = [k for k, _ in SECTIONS]
    assert keys.index(throwaway.section) == keys.index("summary") + 1  # position 120: after the summary
    assert SECTION_TITLES[throwaway.section] == "Headcount"
    assert throwaway.section in check_sections(None)
    case = build_case(ws, spv_id, on=ON)
    assert case.keys()[:2] == ("summary", throwaway.section)
    section = case.section(throwaway.section)
    assert section.title == "Headcount"
    table = section.table("headcount")
    assert table.text(0, 0) == str(len(ws.members(spv_id)))
    # its finding reaches the risks, with its severity's colour
    risks = case.section("risks").table("risks")
    row = next(r for r in range(len(risks.rows)) if risks.text(r, 2).startswith("Only "))
    assert risks.text(row, 0) == "Headcount" and risks.rows[row][1] == cell("warning", Status.AMBER)
    # asked for by name, alone
    assert build_case(ws, spv_id, sections=[throwaway.section], on=ON).keys() == (throwaway.section,)


def test_a_refusal_is_an_error_in_json_left_out_of_the_case_and_a_risk(ws, spv_id, demo_file, refusing):
    name = refusing.name
    for option in summary(ws)["consortium_options"]:
        assert option["analyses"][name] == {"error": "the headcount register is locked"}
    for option in _cli_summary(demo_file)["consortium_options"]:
        assert option["analyses"][name] == {"error": "the headcount register is locked"}
    results = analyses.analyse_option(ws, spv_id)
    assert results.refusal(name).reason == "the headcount register is locked"
    case = build_case(ws, spv_id, results=results, on=ON)
    assert refusing.section not in case.keys()
    assert dict(case.left_out)[refusing.section] == f"{name}: the headcount register is locked"
    risks = case.section("risks").table("risks")
    refused = [r for r in range(len(risks.rows)) if "the headcount register is locked" in risks.text(r, 2)]
    assert len(refused) == 1
    assert risks.text(refused[0], 0) == "Headcount"
    assert risks.rows[refused[0]][1] == cell("serious", Status.RED)


def test_declarations_are_checked(throwaway):
    with pytest.raises(ValueError, match="already declared"):
        register_section("summary", "Again", throwaway.build)
    with pytest.raises(ValueError, match="not registered analyses"):
        register_section("bogus_section", "Bogus", throwaway.build, needs=("no_such_analysis",))
    assert "bogus_section" not in SECTION_REGISTRY
