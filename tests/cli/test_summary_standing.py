"""``consortium-planner summary --json`` carries the financial standing of every option."""

import json
import re
from decimal import Decimal

import pytest

from consortium_planner.cli import main
from consortium_planner.domain.standing import ReservedVerdict, Risk, Status

MONEY = re.compile(r"^-?\d+\.\d{2}$")
STATUSES = {s.value for s in Status}


@pytest.fixture(scope="module")
def summary(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


@pytest.fixture
def data(summary, capsys):
    capsys.readouterr()
    assert main(["summary", str(summary), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def options(data):
    return {o["name"]: o["analyses"]["standing"] for o in data["consortium_options"]}


def test_every_option_has_its_standing(data):
    got = options(data)
    assert set(got) >= {"Go alone", "Lead provider with subcontractors", "Special purpose vehicle"}
    for name, s in got.items():
        assert s["option_name"] == name
        assert s["risk"] in {r.value for r in Risk}
        assert isinstance(s["risk_explanation"], str) and s["risk_explanation"].endswith(".")
        assert s["reserved"]["verdict"] in {v.value for v in ReservedVerdict}
        assert s["tested"], name
        assert isinstance(s["warnings"], list)


def test_members_metrics_have_status_strings(data):
    for s in options(data).values():
        assert s["members"]
        for member in s["members"]:
            metrics = member["standing"]["metrics"]
            assert [m["metric"] for m in metrics][:2] == ["turnover_ratio", "contract_dependency"]
            for m in metrics:
                assert m["status"] in STATUSES
                assert m["value"] is None or isinstance(m["value"], str)
                assert isinstance(m["explanation"], str) and m["explanation"]


def test_money_is_decimal_strings(data):
    values = {t["id"]: Decimal(t["annual_value"]) for t in data["tenders"]}  # the county's £4m, its neighbour's £200k
    for o in data["consortium_options"]:
        s = o["analyses"]["standing"]
        assert MONEY.match(s["annual_value"]) and Decimal(s["annual_value"]) == values[o["tender_id"]]
    assert sorted(values.values()) == [Decimal("200000"), Decimal("4000000")]
    for s in options(data).values():
        for member in s["members"]:
            assert member["share_of_acv"] is None or MONEY.match(member["share_of_acv"])
            items = member["standing"]["line_items"]
            assert items["turnover"] is None or MONEY.match(items["turnover"])
            for m in member["standing"]["metrics"]:
                if m["unit"] == "money" and m["value"] is not None:
                    assert MONEY.match(m["value"]), m
        for tested in s["tested"]:
            tt = tested["turnover_test"]
            assert MONEY.match(tt["turnover"]) and MONEY.match(tt["required"])
            assert Decimal(tt["shortfall"]) >= 0  # a decimal string (not always two places: see the report)
        for fail in s["fails"]:
            assert MONEY.match(fail["bond"]["annual_cost"]) and MONEY.match(fail["guarantee"]["amount"])


def test_known_demo_figures(data):
    got = options(data)
    spv = got["Special purpose vehicle"]
    members = {m["name"]: {x["metric"]: x for x in m["standing"]["metrics"]} for m in spv["members"]}
    kestrel = members["Kestrel Leisure and Wellbeing"]["gearing"]
    assert (kestrel["value"], kestrel["status"]) == ("1.04", "red")
    eastmere = members["Eastmere Homecare Co-operative"]["current_ratio"]
    assert (eastmere["value"], eastmere["status"]) == ("0.85", "amber")
    care = members["Westmarch Care Mutual"]["turnover_ratio"]
    assert (care["value"], care["status"]) == ("1.30", "red")
    net_assets = members["Westmarch Community Health CIC"]["net_assets"]
    assert (net_assets["value"], net_assets["unit"]) == ("1141700.00", "money")
    (tested,) = spv["tested"]
    assert tested["kind"] == "vehicle guarantors" and tested["has_track_record"] is False
    assert tested["turnover_test"]["required"] == "8000000.00"
    assert tested["turnover_test"]["status"] == "green"
    assert spv["risk"] == "low" and spv["fails"] == []
    go_alone = got["Go alone"]
    assert go_alone["tested"][0]["kind"] == "lead"
    assert go_alone["reserved"]["verdict"] == "not_eligible"
