"""``consortium-planner export-pdf`` and the investment cases ``run-demo`` writes without a display."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from consortium_planner.cli import main


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "consortium_planner", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


def test_export_pdf_writes_the_investment_case(demo, tmp_path, capsys):
    out = tmp_path / "case.pdf"
    assert main(["export-pdf", str(demo), "--option", "Special purpose vehicle", "-o", str(out),
                 "--sections", "summary,pricing"]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    reader = PdfReader(out)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Executive summary" in text and "Pricing and win analysis" in text
    assert "Financial standing risk" in text and "Assumptions and sources" not in text
    assert reader.metadata.title == "Special purpose vehicle: investment case"


def test_export_pdf_errors_go_to_stderr(demo, tmp_path):
    out = tmp_path / "nope.pdf"
    bad_option = run_cli("export-pdf", demo, "--option", "Nobody", "-o", out)
    assert bad_option.returncode != 0 and "Nobody" in bad_option.stderr and bad_option.stdout == ""
    assert "Special purpose vehicle" in bad_option.stderr  # it lists the options there are
    bad_section = run_cli("export-pdf", demo, "--option", "Go alone", "-o", out, "--sections", "summary,bogus")
    assert bad_section.returncode != 0 and "bogus" in bad_section.stderr
    missing = run_cli("export-pdf", tmp_path / "missing.cplan", "--option", "Go alone", "-o", out)
    assert missing.returncode != 0 and missing.stderr
    no_option = run_cli("export-pdf", demo, "-o", out)
    assert no_option.returncode != 0 and "--option" in no_option.stderr
    assert not out.exists()


def test_run_demo_without_display_writes_a_case_per_option(demo, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = run_cli("run-demo", demo, "--out", tmp_path / "out", env=env)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "demo-summary.json" in written
    for name in ("demo-go-alone.pdf", "demo-lead-provider-with-subcontractors.pdf",
                 "demo-special-purpose-vehicle.pdf"):
        assert name in written
        assert f"Wrote {tmp_path / 'out' / name}" in result.stdout
    assert PdfReader(tmp_path / "out" / "demo-go-alone.pdf").metadata.title == "Go alone: investment case"
    for name in ("demo-go-alone.xlsx", "demo-special-purpose-vehicle.xlsx"):  # and each option's workbook
        assert name in written
    import openpyxl

    assert "Model" in openpyxl.load_workbook(tmp_path / "out" / "demo-go-alone.xlsx", read_only=True).sheetnames
