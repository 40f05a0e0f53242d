"""Workspace benchmarks: cold start to a shown main window, opening and loading the large workspace.

Cold start (issue 22, goal 2) is a new process from interpreter start until the main window is shown on the
demo workspace; its anchor, measured in the same run and alternated with it, is a new process showing an
empty PySide6 ``QMainWindow``. Goal: cold start ≤ 2× the empty window.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from _common import demo_file, large_file, report, timed

STARTUP = r"""
import sys, time
from PySide6.QtCore import QSettings, QTimer
from consortium_planner.gui.application import make_application
from consortium_planner.gui.main_window import MainWindow
app = make_application()
w = MainWindow(QSettings(sys.argv[2], QSettings.Format.IniFormat))
w.open_path(sys.argv[1])
w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""

EMPTY_WINDOW = r"""
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow()
w.show()
QTimer.singleShot(0, app.quit)
app.exec()
"""


def _process_ms(script: str, *args: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, *args], check=True, env=env, capture_output=True)
    return (time.perf_counter() - t0) * 1000


def cold_start_ms(path, settings) -> float:
    return _process_ms(STARTUP, str(path), str(settings))


def main() -> None:
    from consortium_planner.store.workspace_file import Store

    demo, large = demo_file(), large_file()
    settings = demo.with_name("bench-settings.ini")
    runs, empty = [], []
    for _ in range(5):  # alternated, so a change in the machine's load touches both alike
        empty.append(_process_ms(EMPTY_WINDOW))
        runs.append(cold_start_ms(demo, settings))
    runs.sort()
    empty.sort()
    report("an empty PySide6 window (new process): the anchor", empty[2], empty[0])
    report("cold start to a shown main window (demo, new process)", runs[2], runs[0], 1500)
    ratio = runs[2] / empty[2]
    print(f"{'cold start ÷ empty window':<58} {ratio:6.2f}×   goal ≤ 2×: {'met' if ratio <= 2 else 'MISSED'}")

    def open_large():
        Store.open(large).close()

    report("open the large workspace (checks, no migration)", *timed(open_large), 2000)
    store = Store.open(large)
    report("load the large workspace into the domain", *timed(store.load), 2000)
    store.close()  # the file's lock is ours until then: a second writer (even this process) is refused

    def open_and_load():
        with Store.open(large) as s:
            s.load()

    report("open + load the large workspace", *timed(open_and_load), 2000)

    from PySide6.QtCore import QSettings

    from consortium_planner.gui.application import make_application
    from consortium_planner.gui.main_window import MainWindow

    app = make_application()
    window = MainWindow(QSettings(str(settings), QSettings.Format.IniFormat))
    window.show()

    def open_in_window():
        window.close_workspace()  # opening the file this window already has open does nothing
        window.open_path(large)
        app.processEvents()

    report("open the large workspace in the main window", *timed(open_in_window, repeat=3), 2000)
    c = window.controller
    from consortium_planner.domain.model import Allocation

    alloc = c.ws.all(Allocation)[0]
    values = iter(range(1, 10_000))

    def edit_one():
        c.set_field(Allocation, alloc.id, "volume", str(next(values)))
        app.processEvents()

    report("one allocation edit, saved and every view refreshed (large)", *timed(edit_one, repeat=20), 100)
    window.close()


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    main()
