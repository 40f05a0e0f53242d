"""``consortium-planner history FILE [--json]``: the audit trail, filtered, as JSON or a table."""

import json

import pytest

from consortium_planner.cli import main
from consortium_planner.domain.model import Member
from consortium_planner.services.session import WorkspaceSession


@pytest.fixture
def edited(tmp_path):
    path = tmp_path / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    s = WorkspaceSession.open(path)
    s.set_setting("audit_name", "Ana")
    member = min(s.ws.all(Member), key=lambda m: m.id)
    s.set_field(Member, member.id, "capital_contribution", "£41,000.5")
    s.close()
    return path, member


def test_json_lists_each_change_with_exact_text_values(edited, capsys):
    path, member = edited
    assert main(["history", str(path), "--json", "--entity", "member", "--who", "ana"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["record_id"] == member.id and row["field"] == "capital_contribution"
    assert (row["old"], row["new"]) == ("40000.00", "41000.50")
    assert row["who"] == "Ana" and row["operation"] == "Set Member: Capital contribution"
    assert row["at"].endswith("+00:00")


def test_the_whole_history_and_a_since_filter(edited, capsys):
    path, _ = edited
    assert main(["history", str(path), "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert everything[0]["operation"] == "Create the demo workspace" and everything[0]["who"] == ""
    assert main(["history", str(path), "--json", "--since", "2999-01-01"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_the_table_for_a_person_shows_the_name_not_set(edited, capsys):
    path, _ = edited
    assert main(["history", str(path), "--entity", "setting", "--who", "ana"]) == 0
    out = capsys.readouterr().out
    assert "Set setting audit_name" in out and "1 of " in out
    assert main(["history", str(path), "--operation", "create the demo"]) == 0
    assert "(not set)" in capsys.readouterr().out


def test_a_bad_date_is_a_clear_message(edited, capsys):
    path, _ = edited
    assert main(["history", str(path), "--since", "yesterday"]) == 1
    err = capsys.readouterr().err
    assert "--since: 'yesterday' is not a date" in err and "Traceback" not in err
