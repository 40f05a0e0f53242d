"""The QApplication with the program's identity (QSettings, window titles)."""

from __future__ import annotations

import sys


def make_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("Consortium Planner")
    app.setOrganizationDomain("consortium-planner.invalid")
    app.setApplicationName("Consortium Planner")
    from importlib import resources

    from PySide6.QtGui import QIcon

    icon = resources.files("consortium_planner").joinpath("resources/icons/consortium-planner.svg")
    app.setWindowIcon(QIcon(str(icon)))
    app.setDesktopFileName("consortium-planner")
    return app
