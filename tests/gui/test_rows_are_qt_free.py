"""The views' row builders are Qt-free, so they can move to ``reports`` and feed the PDF and workbook too."""

import ast
from pathlib import Path

import pytest

import consortium_planner.gui as gui

QT_FREE = ("capacity/rows.py", "pricing/rows.py", "cashflow/rows.py", "cashflow/result.py", "standing_rows.py", "risks/rows.py",
           "formatting.py")
ALLOWED = ("consortium_planner.domain", "consortium_planner.reports", "consortium_planner.services",
           "consortium_planner.gui.formatting")  # Qt-free itself (checked here too)


def imports(path: Path, package: str) -> set[str]:
    """Every module ``path`` imports, relative imports resolved against ``package``."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                out.add(".".join(base + ([node.module] if node.module else [])))
            else:
                out.add(node.module or "")
    return out


@pytest.mark.parametrize("name", QT_FREE)
def test_row_builders_import_nothing_from_qt(name):
    path = Path(gui.__file__).parent / name
    package = "consortium_planner.gui" + ("." + name.split("/")[0] if "/" in name else "")
    found = imports(path, package)
    assert found, name
    for module in found:
        assert not module.startswith(("PySide6", "shiboken6")), (name, module)
        if module.startswith("consortium_planner."):
            assert module.startswith(ALLOWED), (name, module)  # nothing of the GUI (which is Qt)


def test_the_check_reads_relative_imports():
    """The check above would see a Qt import hidden behind a relative import of a GUI module."""
    found = imports(Path(gui.__file__).parent / "capacity/view.py", "consortium_planner.gui.capacity")
    assert "consortium_planner.gui.style" in found and "PySide6.QtCore" in found
