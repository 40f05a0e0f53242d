"""The command line on a team database: every command that takes a workspace takes a URL too."""

from __future__ import annotations

import json
from pathlib import Path

from test_cli import run_cli

from consortium_planner.cli import _parser, main, workspace_arg
from consortium_planner.services.demo import write_demo


def without_timings(v):
    if isinstance(v, dict):
        return {k: without_timings(x) for k, x in v.items() if not k.endswith("seconds")}
    if isinstance(v, list):
        return [without_timings(x) for x in v]
    return v


def test_urls_are_kept_as_text_and_paths_stay_paths():
    url = "postgresql+psycopg://alice@db.example.org:5432/bids"
    assert workspace_arg(url) == url  # a Path would fold '//' into '/'
    assert str(Path(url)) != url
    assert workspace_arg("out/demo.cplan") == Path("out/demo.cplan")
    parser = _parser()
    for argv in (["summary", url], ["export-pdf", url, "--option", "O", "-o", "x.pdf"], ["demo", url],
                 ["generate", url], ["run-demo", url], ["import-xlsx", url, "book.xlsx"],
                 ["export-xlsx", url, "-o", "x.xlsx"]):
        args = parser.parse_args(argv)
        assert (getattr(args, "file", None) or args.out) == url, argv


def test_demo_and_summary_on_a_team_database(pg_url, tmp_path, capsys):
    assert main(["demo", pg_url]) == 0
    out = capsys.readouterr().out
    assert "Wrote the demo workspace to postgresql+psycopg://" in out
    assert main(["demo", pg_url]) == 1  # never into a database that holds something
    assert "not empty" in capsys.readouterr().err
    file = write_demo(tmp_path / "demo.cplan")
    done = run_cli("summary", pg_url, "--json")  # through a real argv, as a user types it
    assert done.returncode == 0, done.stderr
    assert main(["summary", str(file), "--json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert without_timings(json.loads(done.stdout)) == without_timings(from_file)


def test_import_and_export_on_a_team_database(pg_url, tmp_path, capsys):
    assert main(["demo", pg_url]) == 0
    capsys.readouterr()
    book = tmp_path / "orgs.xlsx"
    assert main(["export-xlsx", pg_url, "--template", "organisations", "--filled", "-o", str(book)]) == 0
    assert main(["import-xlsx", pg_url, str(book), "--kind", "organisations"]) == 0
    assert "Nothing to import from orgs.xlsx" in capsys.readouterr().out  # the round trip changes nothing
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb["Organisations"].append(["New Horizons Co-op", "Co-operative"])
    wb.save(book)
    assert main(["import-xlsx", pg_url, str(book), "--kind", "organisations"]) == 0
    assert "Imported from orgs.xlsx: organisations: 1 new" in capsys.readouterr().out
    assert main(["summary", "postgresql+psycopg://nobody@/no_such_db?host=/nonexistent-dir"]) == 1
    assert "cannot connect" in capsys.readouterr().err
