"""``consortium-planner new`` and ``anonymise`` (issue 19): templates, anonymised copies and case studies."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from anonymise_support import assert_no_name, source_names
from consortium_planner.cli import main
from consortium_planner.domain.model import Organisation, Tender
from consortium_planner.services.anonymise import read_workspace


def test_new_lists_and_writes_templates(tmp_path, capsys):
    assert main(["new", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "demo" in listed and "youth_alliance" in listed and "leisure_spv" in listed
    out = tmp_path / "youth.cplan"
    assert main(["new", "--template", "youth_alliance", str(out)]) == 0
    assert next(read_workspace(out).iter(Tender)).name == "Northfold Youth Services Contract"
    assert main(["new", "--template", "youth_alliance", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["new", "--template", "nope", str(tmp_path / "n.cplan")]) == 1
    assert "no template named 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "n.cplan").exists()


def test_anonymise_with_scale_and_case_study(tmp_path, capsys):
    src = tmp_path / "leisure.cplan"
    assert main(["new", "--template", "leisure_spv", str(src)]) == 0
    before = src.read_bytes()
    out, pdf = tmp_path / "anon.cplan", tmp_path / "study.pdf"
    assert main(["anonymise", str(src), "-o", str(out), "--scale", "2", "--case-study", str(pdf)]) == 0
    said = capsys.readouterr().out
    assert "none left" in said and "Wrote the case study" in said
    assert src.read_bytes() == before
    original, anon = read_workspace(src), read_workspace(out)
    assert next(anon.iter(Tender)).annual_value == next(original.iter(Tender)).annual_value * 2 == Decimal("2200000")
    assert {o.name for o in anon.iter(Organisation)} == {"Organisation A", "Organisation B", "Organisation C"}
    assert_no_name(out, source_names(original) | {"Fenbridge", "Marsh", "Steady"})
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):  # the case study's own text names no original either
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "Case study" in text and "Tender 1" in text and "Buyer A" in text
        for word in ("Fenbridge", "Marsh", "Steady Steps"):
            assert word.casefold() not in text.casefold()


def test_anonymise_refuses_the_source_a_workspace_as_pdf_and_a_bad_scale(tmp_path, capsys):
    src = tmp_path / "youth.cplan"
    assert main(["new", "--template", "youth_alliance", str(src)]) == 0
    before = src.read_bytes()
    assert main(["anonymise", str(src), "-o", str(src), "--force"]) == 1
    assert "is the workspace being anonymised" in capsys.readouterr().err
    assert main(["anonymise", str(src), "-o", str(tmp_path / "a.cplan"), "--case-study", str(src)]) == 1
    assert "is a workspace" in capsys.readouterr().err
    assert not (tmp_path / "a.cplan").exists()
    with pytest.raises(SystemExit) as exited:
        main(["anonymise", str(src), "-o", str(tmp_path / "b.cplan"), "--scale", "0"])
    assert exited.value.code == 2
    assert "above zero" in capsys.readouterr().err
    assert src.read_bytes() == before
