"""``consortium-planner pipeline FILE [--json]``: the bid pipeline of the demo's two tenders."""

import json
from decimal import Decimal

import pytest

from consortium_planner.cli import main
from consortium_planner.domain.model import ConsortiumOption
from consortium_planner.services.session import WorkspaceSession


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("pipeline") / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


def test_json_totals_equal_the_sum_of_the_tenders(demo_file, capsys):
    assert main(["pipeline", str(demo_file), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    tenders = data["tenders"]
    assert [t["option"] for t in tenders] == ["Special purpose vehicle", "Eastmere home first partnership"]
    assert Decimal(data["win_all"]) == sum(Decimal(t["contribution"]) for t in tenders)
    assert Decimal(data["expected_value"]) == sum(Decimal(t["expected_value"]) for t in tenders)
    assert data["win_none"] == "0.00"
    assert Decimal(data["funding"]["total_requirement"]) == sum(Decimal(t["funding_requirement"]) for t in tenders)
    (red,) = [c for c in data["capacity_overlaps"] if c["severity"] == "serious"]
    assert red["organisation"] == "Eastmere Homecare Co-operative" and red["total"] == "16800"
    codes = [f["code"] for f in data["findings"]]
    assert codes.index("chosen_option_do_not_bid") < codes.index("capacity_promised_twice")  # both serious
    assert data["findings"][0]["severity"] == "serious"
    assert [t["verdict"] for t in tenders] == ["do_not_bid", "do_not_bid"]
    assert [r["service_start"] for r in data["timeline"]] == ["2027-04-01", "2027-07-01"]


def test_text_lists_the_tenders_totals_and_findings(demo_file, capsys):
    assert main(["pipeline", str(demo_file)]) == 0
    out = capsys.readouterr().out
    assert "chosen: Special purpose vehicle; chance 40%" in out
    # the Eastmere bid prices its social value commitments with its margin: £432.80 more than without them
    assert "Win all: £910,558.25" in out and "[serious] Eastmere Homecare Co-operative" in out


def test_unchoosing_the_second_bid_removes_the_overlap(tmp_path, capsys):
    path = tmp_path / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    s = WorkspaceSession.open(path)
    second = max(s.ws.all(ConsortiumOption), key=lambda o: o.id)
    s.set_field(ConsortiumOption, second.id, "chosen", False)
    s.close()
    capsys.readouterr()
    assert main(["pipeline", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["capacity_overlaps"] == [] and data["money_overlaps"] == []
    assert data["tenders"][1]["option"] == "" and data["tenders"][1]["expected_value"] is None
