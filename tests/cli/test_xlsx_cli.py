"""import-xlsx and export-xlsx from the command line: problems listed and nothing written, or all written."""

from __future__ import annotations

import shutil
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.cli import main
from consortium_planner.domain.model import Organisation, Tender
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.store.safety import list_backups

#: the demo has two tenders: a buyer's schedule is imported into the one named
WESTMARCH = "Westmarch Integrated Community Wellbeing Service"


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


@pytest.fixture
def demo(demo_master, tmp_path):
    path = tmp_path / "demo.cplan"
    shutil.copyfile(demo_master, path)
    return path


def write_schedule(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Prices"
    ws.append(["Annual pricing schedule"])
    ws.append([])
    ws.append(["Service", "Locality", "Hours a year", "Rate (£)", "Total (£)"])
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    return path


def requirements(path):
    s = WorkspaceSession.open(path)
    try:
        tender = s.ws.all(Tender)[0]
        return {(r.service_line, r.area): r.annual_volume for r in s.ws.requirements(tender.id)}
    finally:
        s.close()


def test_import_schedule_with_a_problem_lists_it_and_writes_nothing(demo, tmp_path, capsys):
    before = requirements(demo)
    book = write_schedule(tmp_path / "buyer.xlsx", [("Homecare", "North", 1000, None, None),
                                                    ("Homecare", "South", "about 200", None, None)])
    assert main(["import-xlsx", str(demo), str(book), "--tender", WESTMARCH]) == 1
    err = capsys.readouterr().err
    assert "problem: sheet 'Prices', row 5, column C (Hours a year): Annual volume:" in err
    assert "nothing was imported" in err
    assert requirements(demo) == before
    assert [b for b in list_backups(demo) if b.reason == "before-import"] == []


def test_import_schedule_then_export_fills_it_with_our_prices(demo, tmp_path, capsys):
    s = WorkspaceSession.open(demo)
    tender_name = s.ws.all(Tender)[0].name
    existing = s.ws.requirements(s.ws.all(Tender)[0].id)[0]
    s.close()
    book = write_schedule(tmp_path / "buyer.xlsx", [(existing.service_line, existing.area, 1234, None, None),
                                                    ("Brand new service", "Somewhere", 10, None, None)])
    assert main(["import-xlsx", str(demo), str(book), "--tender", tender_name, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run" in out and "Mapping (guessed): sheet 'Prices', header row 3" in out
    assert requirements(demo)[(existing.service_line, existing.area)] == existing.annual_volume
    assert main(["import-xlsx", str(demo), str(book), "--tender", tender_name]) == 0
    out = capsys.readouterr().out
    assert "requirements: 1 new, 1 updated" in out
    after = requirements(demo)
    assert after[(existing.service_line, existing.area)] == Decimal(1234)
    assert after[("Brand new service", "Somewhere")] == Decimal(10)
    assert [b.reason for b in list_backups(demo)].count("before-import") == 1
    # a second run remembers the layout
    assert main(["import-xlsx", str(demo), str(book), "--tender", tender_name, "--dry-run"]) == 0
    assert "Mapping (remembered)" in capsys.readouterr().out


def test_import_with_an_explicit_mapping(demo, tmp_path, capsys):
    book = write_schedule(tmp_path / "odd.xlsx", [("Day care", "North", 500, None, None)])
    assert main(["import-xlsx", str(demo), str(book), "--sheet", "Prices", "--header-row", "3", "--tender", WESTMARCH,
                 "--map", "service_line=A", "--map", "volume=C", "--area", "Everywhere"]) == 0
    assert "area 'Everywhere' for every row" in capsys.readouterr().out
    assert requirements(demo)[("Day care", "Everywhere")] == Decimal(500)
    assert main(["import-xlsx", str(demo), str(book), "--tender", WESTMARCH, "--map", "colour=B"]) == 1
    assert "FIELD=COLUMN" in capsys.readouterr().err


def test_a_refused_workbook_is_explained(demo, tmp_path, capsys):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("name,area\nx,y\n")
    assert main(["import-xlsx", str(demo), str(fake)]) == 1
    err = capsys.readouterr().err
    assert "fake.xlsx" in err and "not an Excel workbook" in err


def test_templates_round_trip_through_the_cli(demo, tmp_path, capsys):
    blank = tmp_path / "orgs-blank.xlsx"
    assert main(["export-xlsx", str(demo), "--template", "organisations", "-o", str(blank)]) == 0
    assert "Organisations" in openpyxl.load_workbook(blank).sheetnames
    filled = tmp_path / "orgs.xlsx"
    assert main(["export-xlsx", str(demo), "--template", "organisations", "--filled", "-o", str(filled)]) == 0
    capsys.readouterr()
    assert main(["import-xlsx", str(demo), str(filled), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Nothing to import from orgs.xlsx" in out and "new" not in out and "updated" not in out
    s = WorkspaceSession.open(demo)
    names = sorted(o.name for o in s.ws.all(Organisation))
    s.close()
    wb = openpyxl.load_workbook(filled)
    texts = {c.value for row in wb["Organisations"].iter_rows() for c in row if isinstance(c.value, str)}
    assert set(names) <= texts


def test_export_option_workbook(demo, tmp_path, capsys):
    out = tmp_path / "option.xlsx"
    assert main(["export-xlsx", str(demo), "--option", "Go alone", "-o", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert {"Inputs", "Model"} <= set(wb.sheetnames)
    assert main(["export-xlsx", str(demo), "--option", "No such option", "-o", str(out)]) == 1
    assert "no consortium option named" in capsys.readouterr().err
