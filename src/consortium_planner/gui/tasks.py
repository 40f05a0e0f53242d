"""Long work off the UI thread, with a progress dialog and Cancel: the one task protocol.

The work is a plain function ``fn(progress, cancelled)`` — typically a pure service or domain
function run on a ``Workspace.copy()`` — where ``progress(fraction, message)`` reports a fraction
between 0 and 1 and ``cancelled`` is the task's ``domain.tasks.CancelToken`` (call it to ask
whether to stop; the work then raises ``domain.tasks.Cancelled``). ``task.cancel()`` trips the token
(the dialog's Cancel button does too); ``task.was_cancelled`` tells a failure caused by it apart.
Database sessions never cross threads: hand the function data, not a session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ..domain.tasks import CancelToken, Progress, bound

Work = Callable[[Progress, CancelToken], Any]


class _Signals(QObject):
    progressed = Signal(float, str)
    finished = Signal(object)
    failed = Signal(object)  # the exception


class _Runnable(QRunnable):
    def __init__(self, work: Work, signals: _Signals, token: CancelToken, stopped: threading.Event):
        super().__init__()
        self.work, self.signals, self.token, self.stopped = work, signals, token, stopped
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            try:
                with bound(self.token):  # the work's checkpoints stop it soon after a cancel
                    result = self.work(lambda f, m="": self._emit(self.signals.progressed, float(f), str(m)),
                                       self.token)
            except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread, never lost
                self._emit(self.signals.failed, exc)
            else:
                self._emit(self.signals.finished, result)
        finally:
            self.stopped.set()

    def _emit(self, signal, *args) -> None:
        """Emit unless the task's owner has gone (a window closed while the work ran): then nobody waits
        for the result, and Qt would raise "Signal source has been deleted" on this worker thread."""
        if not shiboken6.isValid(self.signals):
            self.token.cancel()
            return
        try:
            signal.emit(*args)
        except RuntimeError:
            if shiboken6.isValid(self.signals):
                raise
            self.token.cancel()


class BackgroundTask(QObject):
    """Runs ``work`` on the thread pool; ``finished(result)`` or ``failed(exc)`` arrive on the GUI thread.

    With ``parent_widget`` a modal progress dialog shows (after ``show_after_ms``) with Cancel.
    """

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(float, str)

    def __init__(self, work: Work, *, title: str = "Working…", parent_widget: QWidget | None = None,
                 show_after_ms: int = 300):
        super().__init__(parent_widget)
        self.token = CancelToken()
        self._stopped = threading.Event()  # set when the work has returned or raised (its thread is free)
        self.signals = _Signals()
        self.signals.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self.signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self.runnable = _Runnable(work, self.signals, self.token, self._stopped)
        self.dialog: QProgressDialog | None = None
        self.done = False
        if parent_widget is not None:
            self.dialog = QProgressDialog(title, "Cancel", 0, 1000, parent_widget)
            self.dialog.setWindowTitle(title)
            self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self.dialog.setMinimumDuration(show_after_ms)
            self.dialog.setAutoClose(False)
            self.dialog.setAutoReset(False)
            self.dialog.canceled.connect(self.cancel)
            self.dialog.setValue(0)

    def start(self) -> BackgroundTask:
        QThreadPool.globalInstance().start(self.runnable)
        return self

    def cancel(self) -> None:
        self.token.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("Cancelling…")

    @property
    def stopped(self) -> bool:
        """The work has returned or raised on its thread (its result may still be on its way here)."""
        return self._stopped.is_set()

    def wait_stopped(self, timeout_s: float) -> bool:
        """Wait up to ``timeout_s`` for the work to return or raise (True if it has), the interpreter free
        for it meanwhile."""
        return self._stopped.wait(max(0.0, timeout_s))

    @property
    def was_cancelled(self) -> bool:
        """Cancel was asked for (a failure after it is the work stopping, not a fault)."""
        return self.token.is_cancelled

    def _on_progress(self, fraction: float, message: str) -> None:
        dialog = self.dialog
        if dialog is not None and not shiboken6.isValid(dialog):  # deleted with the widget it belonged to
            self.dialog = dialog = None
        if dialog is not None and not self.done:
            if message:
                dialog.setLabelText(message)
            # a window-modal dialog's setValue processes events: the task may finish inside it
            dialog.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.progressed.emit(fraction, message)

    def _close(self) -> None:
        self.done = True
        if self.dialog is not None and not shiboken6.isValid(self.dialog):
            self.dialog = None
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    def _on_finished(self, result: Any) -> None:
        self._close()
        self.finished.emit(result)

    def _on_failed(self, exc: BaseException) -> None:
        self._close()
        self.failed.emit(exc)
