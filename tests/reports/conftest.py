"""Fixtures shared by the report tests: the demo workspace, its special purpose vehicle, its analyses."""

from __future__ import annotations

import pytest

from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.case import option_by_name
from consortium_planner.services import analyses
from consortium_planner.services.demo import build_demo_entities, load_demo_source

SPV = "Special purpose vehicle"


@pytest.fixture(scope="module")
def ws() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


@pytest.fixture(scope="module")
def spv_id(ws) -> int:
    return option_by_name(ws, SPV).id


@pytest.fixture(scope="module")
def results(ws, spv_id):
    return analyses.analyse_option(ws, spv_id)
