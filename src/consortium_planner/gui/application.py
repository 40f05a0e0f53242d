"""The QApplication with the program's identity (QSettings, window titles)."""

from __future__ import annotations

import sys


def make_application(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName("Consortium Planner")
    app.setOrganizationDomain("consortium-planner.invalid")
    app.setApplicationName("Consortium Planner")
    return app
