import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from consortium_planner.cli import main


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "consortium_planner", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


def test_summary_json_has_stable_keys_and_money_as_strings(demo, capsys):
    assert main(["summary", str(demo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"schema_version", "organisations", "tenders", "consortium_options", "issues"}
    tender = data["tenders"][0]
    assert isinstance(tender["annual_value"], str) and Decimal(tender["annual_value"]) > 0
    assert tender["annual_value"].count(".") == 1 and len(tender["annual_value"].split(".")[1]) == 2
    names = {o["name"] for o in data["consortium_options"]}
    assert {"Go alone", "Lead provider with subcontractors", "Special purpose vehicle"} <= names
    org = data["organisations"][0]
    assert {"financial_years", "capacities", "cost_profiles"} <= set(org)
    for option in data["consortium_options"]:
        assert "analyses" in option and "members" in option and "allocations" in option


def test_summary_for_one_option_analyses_only_that_option(demo, capsys, monkeypatch):
    from consortium_planner.services import summary as summary_module

    analysed: list[int] = []
    real = summary_module.analyse_option
    monkeypatch.setattr(summary_module, "analyse_option", lambda ws, oid, *a, **k: analysed.append(oid) or real(ws, oid))
    assert main(["summary", str(demo), "--option", "Go alone"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [o["name"] for o in data["consortium_options"]] == ["Go alone"]
    assert analysed == [data["consortium_options"][0]["id"]]
    # the same figures as the whole summary gives that option
    assert main(["summary", str(demo)]) == 0
    whole = json.loads(capsys.readouterr().out)
    same = [o for o in whole["consortium_options"] if o["name"] == "Go alone"]
    for o in same + data["consortium_options"]:  # how long the solver took is not a figure of the option
        for k in ("solve_seconds", "total_seconds"):
            o["analyses"]["optimiser"].pop(k, None)
    assert same == data["consortium_options"]


def test_errors_go_to_stderr_with_non_zero_exit(tmp_path, demo):
    missing = run_cli("summary", tmp_path / "nope.cplan")
    assert missing.returncode != 0 and "no such file" in missing.stderr and missing.stdout == ""
    exists = run_cli("demo", demo)
    assert exists.returncode != 0 and "already exists" in exists.stderr
    unknown = run_cli("summary", demo, "--option", "Nobody")
    assert unknown.returncode != 0 and "Nobody" in unknown.stderr


def test_a_command_ends_its_process_with_all_its_output_written(demo, tmp_path):
    """``cli.console`` ends a command's process without Python's teardown, after flushing its output: a
    piped stdout is block-buffered (unless PYTHONUNBUFFERED is set, as it may be where tests run), so without
    the flush a short message, or the JSON's last block, is lost."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "consortium_planner", *map(str, args)], capture_output=True,
                              text=True, timeout=120, env=env)

    made = run("demo", tmp_path / "new.cplan")
    assert made.returncode == 0 and made.stdout.startswith("Wrote the demo workspace to "), made
    piped = run("summary", demo, "--json")
    assert piped.returncode == 0, piped.stderr
    assert len(piped.stdout) > 64_000  # many buffers' worth
    data = json.loads(piped.stdout)
    assert {o["name"] for o in data["consortium_options"]} >= {"Go alone", "Special purpose vehicle"}
    failed = run("summary", tmp_path / "nope.cplan")
    assert failed.returncode == 1 and "no such file" in failed.stderr


def test_generate_large(tmp_path):
    out = tmp_path / "large.cplan"
    assert main(["generate", "--size", "large", str(out)]) == 0
    from consortium_planner.domain.model import ConsortiumOption, Organisation, Requirement
    from consortium_planner.store.workspace_file import Store

    with Store.open(out) as s:
        ws = s.load()
    assert ws.count(Organisation) >= 60 and ws.count(Requirement) >= 800 and ws.count(ConsortiumOption) >= 10


def test_run_demo_without_display_exports_headless(demo, tmp_path):
    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "consortium_planner", "run-demo", str(demo), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "No display" in result.stdout
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "demo-summary.json" in written
