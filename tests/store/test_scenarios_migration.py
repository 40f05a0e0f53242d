"""Migration 0006: the scenario table, with the shipped scenarios in new and upgraded workspaces alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consortium_planner.domain.model import ConsortiumOption, Scenario
from consortium_planner.domain.scenarios import shipped_scenarios
from consortium_planner.domain.validation import ValidationError
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.store.workspace_file import Store

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_a_new_workspace_holds_the_shipped_scenarios(tmp_path):
    with Store.create(tmp_path / "new.cplan") as store:
        assert sorted(store.load().all(Scenario), key=lambda s: s.id) == shipped_scenarios()


def test_an_older_workspace_gets_them_on_upgrade_and_keeps_its_options(tmp_path):
    p = tmp_path / "old.cplan"
    shutil.copy(FIXTURES / "schema-0002.cplan", p)
    with Store.open(p) as store:
        ws = store.load()
    assert sorted(ws.all(Scenario), key=lambda s: s.id) == shipped_scenarios()
    assert ws.count(ConsortiumOption) == 3


def test_scenarios_are_edited_added_and_deleted_like_any_row(tmp_path):
    s = WorkspaceSession.create(tmp_path / "w.cplan")
    try:
        down = next(x for x in s.ws.all(Scenario) if x.name == "Downside")
        s.set_field(Scenario, down.id, "volume_pct", "-15%")
        mine, _ = s.add(Scenario, {"name": "Fair Pay Agreement", "nlw_uplift_pp": "2"})
        removal, _ = s.delete(Scenario, mine.id)
        s.restore(removal)
        loaded = {x.name: x for x in s.store.load().all(Scenario)}
        assert str(loaded["Downside"].volume_pct) == "-15"
        assert loaded["Fair Pay Agreement"].nlw_uplift_pp == 2
        with pytest.raises(ValidationError, match="at least -90"):
            s.set_field(Scenario, down.id, "volume_pct", "-95")
        with pytest.raises(ValidationError):
            s.add(Scenario, {"name": "downside"})  # names are unique
    finally:
        s.close()
