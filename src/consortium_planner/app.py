"""Composition root: the only place that wires the GUI to the rest."""

from __future__ import annotations

import sys
from pathlib import Path


def run_gui(path: str | Path | None = None) -> int:
    """Open the main window (on ``path`` if given) and run the event loop.

    On Linux under X, the system libraries Qt's window needs are checked first: a missing one is named,
    with the packages and the command to install them, instead of Qt's abort."""
    from .qt_prerequisites import advice, missing_libraries, uses_xcb

    if uses_xcb() and (missing := missing_libraries()):
        print(advice(missing), file=sys.stderr)
        return 1
    from PySide6.QtCore import QLocale

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    from .gui.application import make_application
    from .gui.main_window import MainWindow

    app = make_application()

    window = MainWindow()
    if path is not None:
        window.open_when_shown(path)  # the window first, then the workspace (issue 22, goal 2)
    window.show()
    return app.exec()


def has_display() -> bool:
    """Whether a GUI can be shown here (Linux without X or Wayland cannot)."""
    import os

    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
