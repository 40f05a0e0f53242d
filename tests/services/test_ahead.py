"""A second process working ahead for ``export-pdf`` (``services.ahead``): the same case, with each job taken."""

from __future__ import annotations

import os
from types import MappingProxyType

import pytest

from consortium_planner.reports.case import AHEAD_OF_THE_CASE, build_case, option_by_name, work_ahead
from consortium_planner.reports.choices import chosen_sections
from consortium_planner.services import ahead as _ahead
from consortium_planner.services.demo import write_demo
from consortium_planner.services.pipeline import AHEAD_MISSING, run
from consortium_planner.store.workspace_file import Store

pytestmark = pytest.mark.skipif(not _ahead.usable(), reason="needs fork and a second processor")


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    path = write_demo(tmp_path_factory.mktemp("ahead") / "demo.cplan")
    with Store.open(path, read_only=True) as store:
        return store.load()


def test_the_case_built_with_a_child_working_ahead_is_the_case_built_alone(demo_ws):
    option = option_by_name(demo_ws, "Special purpose vehicle")
    sections = chosen_sections(demo_ws, option.id)
    jobs = work_ahead(demo_ws, option.id, sections)
    # the option's own analyses ahead, the tender's two other options, the other tender's chosen option
    assert [k for k, _ in jobs] == [*[("analysis", option.id, n) for n in AHEAD_OF_THE_CASE],
                                    *[("option_figures", o.id) for o in demo_ws.options(option.tender_id)
                                      if o.id != option.id],
                                    *[("bid_figures", o.id) for o in demo_ws.options() if o.chosen
                                      and o.tender_id != option.tender_id]]
    with _ahead.working_ahead(demo_ws, jobs) as ahead:
        assert ahead is not None
        ahead_case = build_case(demo_ws, option.id, sections=sections)
    assert ahead.taken == len(jobs)  # every value came from the child: none was computed here as well
    assert ahead_case == build_case(demo_ws, option.id, sections=sections)


def test_an_analysis_taken_from_the_child_is_not_computed_here_nor_what_only_it_needs(demo_ws):
    option = demo_ws.options()[0]
    job = (("analysis", option.id, "coverage_grid"), lambda: "from the child")
    with _ahead.working_ahead(demo_ws, [job]) as ahead:
        results = run(demo_ws, option.id, ["coverage_grid", "standing"])
    assert results["coverage_grid"] == "from the child"
    assert "coverage" not in results  # needed by the coverage grid alone
    assert "standing" in results and ahead.taken == 1


def _fails() -> object:
    raise ArithmeticError("planted")


def _unpicklable() -> object:
    return lambda: None


def _dies() -> object:
    os._exit(3)


@pytest.mark.parametrize("work", [_fails, _unpicklable])
def test_a_value_the_child_cannot_send_is_computed_here(demo_ws, work):
    option = demo_ws.options()[0]
    alone = run(demo_ws, option.id, ["coverage_grid"])["coverage_grid"]
    with _ahead.working_ahead(demo_ws, [(("analysis", option.id, "coverage_grid"), work), ("other", lambda: 7)]) \
            as ahead:
        assert ahead.result(("analysis", option.id, "coverage_grid")) is AHEAD_MISSING
        assert run(demo_ws, option.id, ["coverage_grid"])["coverage_grid"] == alone
        assert ahead.result("other") == 7  # the jobs after it still ran
        assert ahead.result("no such job") is AHEAD_MISSING


def test_a_child_that_dies_leaves_the_parent_computing_not_waiting(demo_ws):
    option = demo_ws.options()[0]
    alone = run(demo_ws, option.id, ["coverage_grid"])["coverage_grid"]
    with _ahead.working_ahead(demo_ws, [("first", _dies), (("analysis", option.id, "coverage_grid"), _dies)]) \
            as ahead:
        assert ahead.result("first") is AHEAD_MISSING
        assert run(demo_ws, option.id, ["coverage_grid"])["coverage_grid"] == alone


def test_read_only_mappings_cross_and_other_workspaces_are_not_served(demo_ws, monkeypatch):
    proxy = MappingProxyType({"a": 1})
    other = demo_ws.copy()
    with _ahead.working_ahead(demo_ws, [("proxy", lambda: proxy)]) as ahead:
        got = ahead.result("proxy")
        assert _ahead.result(other, "proxy") is AHEAD_MISSING  # a copy is another workspace
        assert _ahead.result(demo_ws, "proxy") == {"a": 1}
    assert isinstance(got, MappingProxyType) and got == proxy
    assert _ahead.result(demo_ws, "proxy") is AHEAD_MISSING  # outside the block: no child
    monkeypatch.setattr(_ahead, "usable", lambda: False)
    with _ahead.working_ahead(demo_ws, [("proxy", lambda: proxy)]) as ahead:
        assert ahead is None and _ahead.result(demo_ws, "proxy") is AHEAD_MISSING


def test_what_is_taken_and_what_needs_it_run_last_in_order():
    from consortium_planner.services.pipeline import REGISTRY, _taken_last

    todo = list(REGISTRY.closure(["coverage_grid", "standing", "workforce"]))
    out = _taken_last(todo, frozenset({"coverage"}), REGISTRY)
    assert sorted(out) == sorted(todo)
    assert out[-2:] == ["coverage", "coverage_grid"]  # the grid needs the coverage: after it, both last
    assert [n for n in out if n not in ("coverage", "coverage_grid")] == \
        [n for n in todo if n not in ("coverage", "coverage_grid")]
