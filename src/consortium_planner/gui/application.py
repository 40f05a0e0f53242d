"""The QApplication with the program's identity (QSettings, window titles)."""

from __future__ import annotations

import sys

#: How long a thread computing in the background may keep the interpreter once the window's thread asks for it
#: (Python's default is 5 ms). An edit first stops the computations on the version before it
#: (``WorkspaceController.quiet``): a stopped computation's thread still ran a little Python after saying so, and
#: the edit then waited up to the whole interval to go on. Measured on the large workspace's Sensitivity tab,
#: the wait for the verdict banner to stop: 1 to 13 ms at 5 ms (medians 6.2, 6.2 and 1.5 in three
#: timelines of 9 edits), 0.7 to 2.4 ms at 0.5 ms (medians 0.8 and 0.9). The
#: computations' own time was the same (the exact sensitivities 742 against 756 ms): the interval only applies
#: while another thread is waiting.
SWITCH_INTERVAL_S = 0.0005


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
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    return app
