"""LibreOffice (headless) for the tests: find it, and a private profile that recalculates every formula.

The option workbook's tests recompute its Model sheets and print it to PDF with LibreOffice. Without
it they are skipped, unless ``CI`` is set, when they fail (CI installs ``libreoffice-calc-nogui``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest


def soffice_or_skip() -> str:
    exe = shutil.which("soffice")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is needed on CI to recompute and print the option workbook: install "
                        "libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed: the option workbook cannot be recomputed or printed here")
    return exe


def recalculating_profile(folder: Path) -> str:
    """A private LibreOffice user profile that recalculates every formula when a workbook is loaded.

    By default LibreOffice trusts cached values in .xlsx files ("Recalculation on file load: Excel
    2007 and newer" = "Never recalculate"); openpyxl writes none, so they would be computed anyway,
    but ``OOXMLRecalcMode`` = 0 ("Always recalculate") makes the test independent of that. A private
    profile (``-env:UserInstallation``) also keeps parallel runs from clashing.
    """
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" '
        'oor:op="fuse"><value>0</value></prop></item>\n'
        '</oor:items>\n', encoding="utf-8")
    return folder.resolve().as_uri()


def convert(files: Sequence[Path], to: str, out: Path, work: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    """Convert ``files`` with LibreOffice to ``to`` ("xlsx": recomputed; "pdf": printed) into ``out``."""
    exe = soffice_or_skip()
    cmd = [exe, f"-env:UserInstallation={recalculating_profile(work / 'profile')}", "--headless", "--norestore",
           "--convert-to", to, "--outdir", str(out), *map(str, files)]
    if to == "xlsx":
        cmd.insert(4, "--calc")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
