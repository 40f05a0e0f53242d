"""Run only the latest request off the UI thread: a newer one cancels the one still running.

The Compare page and its Scenarios tab ask for a recalculation on every edit (and, in the scenario
editor, on every keystroke); each request is a plain function ``work(progress, cancelled)`` run by
``gui.tasks.BackgroundTask`` on a workspace snapshot. Only the latest request's result is delivered;
older ones are cancelled through their token (the pipeline stops at its next analysis) and their
results, if they arrive anyway, are dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from time import perf_counter
from typing import Any

from PySide6.QtCore import QObject, Signal
from shiboken6 import isValid

from ..tasks import BackgroundTask, Work

__all__ = ["LatestWork"]

#: every task still running, whoever asked for it: a task's signals must outlive its work, even when the
#: page that asked is closed meanwhile (the page's requests are cancelled then, and their results dropped)
_RUNNING: set[BackgroundTask] = set()


class LatestWork(QObject):
    """See the module's docstring. ``progressed(fraction, message)`` reports the latest request's progress;
    ``seconds`` is how long the last delivered request took."""

    progressed = Signal(float, str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._generation = 0
        self._tasks: set[BackgroundTask] = set()
        self.busy = False
        self.seconds: float | None = None
        tasks = self._tasks  # not self: the slot runs as the object is destroyed
        self.destroyed.connect(lambda *_: [t.cancel() for t in list(tasks)])

    def start(self, work: Work, done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        self._generation += 1
        generation = self._generation
        for task in self._tasks:
            task.cancel()
        task = BackgroundTask(work)
        self._tasks.add(task)
        _RUNNING.add(task)
        started = perf_counter()
        self._set_busy(True)

        def finished(result: Any, task: BackgroundTask = task) -> None:
            _RUNNING.discard(task)
            self._tasks.discard(task)
            if not isValid(self):
                return
            if generation == self._generation:
                self.seconds = perf_counter() - started
                self._set_busy(False)
                done(result)

        def on_failed(exc: BaseException, task: BackgroundTask = task) -> None:
            _RUNNING.discard(task)
            self._tasks.discard(task)
            if not isValid(self) or generation != self._generation or task.was_cancelled:
                return
            self._set_busy(False)
            failed(exc)

        def progressed(fraction: float, message: str) -> None:
            if isValid(self) and generation == self._generation:
                self.progressed.emit(fraction, message)

        task.finished.connect(finished)
        task.failed.connect(on_failed)
        task.progressed.connect(progressed)
        task.start()

    def cancel(self) -> None:
        """Drop every request (a result still on its way is not delivered)."""
        self._generation += 1
        for task in self._tasks:
            task.cancel()
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)
