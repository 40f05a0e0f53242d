"""Base for screens that show an analysis of the selected consortium option.

A view recomputes when the workspace changes, but only while it is visible (a hidden view just
marks itself stale), and coalesces a burst of changes into one recalculation on the next turn
of the event loop. A visible background view with nothing running starts at once, inside the change
notification, so its worker computes while the window paints the edit; the rest of a burst then
waits for the next turn, and the result of a computation a change has overtaken is never shown. Subclasses implement ``compute(ws, option_id, cancelled)`` (call the pipeline
or a pure service, nothing else) and ``show_result(result)``.

A view that computes in the background (``background = True``) works on a snapshot, in results shared
with the other views computing on the same version of the workspace (``share_results``); when a newer
edit overtakes it, the computation still running is cancelled through its token (the pipeline
stops at the next analysis) and its result, if it comes anyway, is dropped.

A long computation can show figures that come before its result (the Sensitivity tab's estimate, the Risks
tab's findings of all but the long analyses): ``compute`` hands them to ``show_first``, the view shows them in
``show_first_result`` and emits ``first_shown``; the result follows as usual, with ``shown``.
"""

from __future__ import annotations

import threading
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QGraphicsView, QLabel, QVBoxLayout, QWidget

from ..domain.tasks import NEVER, CancelToken
from ..domain.validation import ValidationError
from ..services.pipeline import REGISTRY, sharing
from .controller import WorkspaceController, touches
from .tasks import BackgroundTask

_UNSET = object()


class _FirstRelay(QObject):
    """Carries a computation's first figures to its view (a queued signal from the worker thread): the
    computation's token, the figures, and the event the view sets once it has painted them."""

    ready = Signal(object, object, object)


def paint_now(root: QWidget | None = None) -> None:
    """Lay out and paint now what is waiting to be, and only that: the layouts and the paint that widgets asked
    for are posted events (the paint at low priority). ``repaint()`` of the whole view painted every widget in
    it, changed or not: the Risks tab's two risk matrices, a Python delegate a cell, on every edit.

    With ``root`` (the view whose figures these are), what it left for a queued call first: its own (a fit once
    laid out) and its charts' (a chart's scene gathers its changes in a queued call and only then asks for a
    paint). Without them a chart's new figures were painted a turn of the event loop later, after the time
    taken as "painted" (5-6 ms later on the demo's Cash flow tab, issue 22)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    if root is not None:
        QCoreApplication.sendPostedEvents(root, QEvent.Type.MetaCall)
        for chart in root.findChildren(QGraphicsView):
            if chart.isVisible() and chart.scene() is not None:
                QCoreApplication.sendPostedEvents(chart.scene(), QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateRequest)


class OptionAnalysisView(QWidget):
    #: the analyses this view shows (``services/pipeline``); what makes it stale is derived from them
    shows: tuple[str, ...] = ()
    #: compute on a ``Workspace.copy()`` off the UI thread (for analyses slower than a frame or two);
    #: a result that a newer edit has overtaken is dropped
    background: bool = False
    #: wait this long after an edit before recomputing (a burst of edits starts one computation). A heavy
    #: view that is not the one being looked at (the verdict banner) waits, so the visible tab's figures
    #: get the interpreter first; its computation already running is cancelled at once, not after the wait
    settle_ms: int = 0
    #: a background computation works in the results shared by every view computing on the same version of
    #: the workspace (``pipeline.sharing``): the visible tab and the verdict banner compute much the same
    #: analyses, each once. Views whose results are read by name only can share.
    share_results: bool = True

    #: emitted after a result (or a refusal) is shown
    shown = Signal()
    #: emitted after a computation's first figures are shown (``show_first``); its result follows with ``shown``
    first_shown = Signal()
    #: how long ``show_first`` waits for the view to paint the first figures before the computation goes on
    FIRST_WAIT_S = 0.25

    def __init__(self, controller: WorkspaceController, option_id, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.option_id = option_id  # a callable returning the selected option's id (or None)
        self.result: Any = None
        self._stale = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.settle_ms)
        self._timer.timeout.connect(self.refresh)
        self._generation = 0
        self._inputs_option: object = _UNSET  # the option whose rows the input tables hold
        self._tasks: set[BackgroundTask] = set()
        self.busy = False
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(4, 4, 4, 4)
        self.body.addWidget(self.message)
        self._interrupted = False  # its computation was stopped for an edit about to be written
        self._start_after_change = False  # made stale by the edit being written: computes when it is done
        self._first = _FirstRelay(self)
        self._first.ready.connect(self._on_first)
        controller.workspace_changed.connect(self._on_changed)
        controller.about_to_change.connect(self._before_change)
        controller.change_done.connect(self._after_change)

    @classmethod
    def depends_on(cls) -> frozenset[str]:
        """Entity names whose changes make this view stale: what its analyses (and their needs) read."""
        return REGISTRY.reads(cls.shows) if cls.shows else frozenset({"*"})

    def _on_changed(self, changes) -> None:
        depends = self.depends_on()
        if "*" in depends or touches(changes, *depends):
            self._interrupted = False  # started again here, on the edited workspace
            self.reload()

    def _before_change(self) -> None:
        """An edit is about to be written: stop computing on the version before it (its result would be out of
        date, and until it stops it shares the interpreter with the edit; ``WorkspaceController.quiet``)."""
        if self._tasks:
            self._generation += 1
            self._cancel_running()
            self._stale = self._interrupted = True

    def _after_change(self) -> None:
        """The edit was written and every listener told, or it was refused: the computation made stale by it
        starts now (``reload``), and one stopped for it that the change did not make stale (it reads nothing the
        edit touched, or the edit was refused) starts again."""
        if self._start_after_change:
            self._start_after_change = False
            if self._stale and not self._tasks and self.isVisible():
                self._timer.stop()
                self.refresh()
        if self._interrupted:
            self._interrupted = False
            self.reload()

    def reload(self) -> None:
        """Recalculate soon if visible, else when next shown."""
        self._stale = True
        if self._tasks:  # what it is computing is out of date: never show it, and stop it holding the CPU
            self._generation += 1
            self._cancel_running()  # ``busy`` stays set: a newer result is on its way
        if not self.isVisible():
            return
        if self.background and not self.settle_ms and not self._tasks:
            # start on the snapshot now, so the worker computes while the window paints the edit (a
            # paint pass of 7–13 ms came first otherwise); a further change in the same burst finds the
            # task running and waits for the timer, whose computation replaces this one. Inside an edit, once
            # every listener has heard of it (``_after_change``): started among them, the worker held the
            # interpreter while they ran, each return from Qt waiting up to the switch interval (5 ms) for it,
            # and the edit's 4 ms of notifications took 8–26 ms, holding up the worker in turn
            if self.controller.editing:
                self._start_after_change = True
                return
            self._timer.stop()
            self.refresh()
        else:
            self._timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self._timer.start()

    def refresh(self) -> None:
        self._stale = False
        option_id = self.option_id()
        if option_id != self._inputs_option:
            self._inputs_option = option_id
            self.reload_inputs()
        if option_id is None:
            self._generation += 1  # drop any result still on its way
            self._cancel_running()
            self.busy = False
            self.show_message("Select a consortium option.")
            self.result = None
            return
        if self.background:
            self._start_background(option_id)
            return
        try:
            result = self.compute(self.controller.ws, option_id)
        except (ValidationError, ValueError) as exc:
            self._refused(exc)
            return
        self._deliver(result)

    def _cancel_running(self) -> None:
        """Cancel every computation still running: a newer one (or none) replaces it."""
        for task in self._tasks:
            task.cancel()

    def _start_background(self, option_id: int) -> None:
        self._generation += 1
        generation = self._generation
        self._cancel_running()
        snapshot = self.controller.ws.copy()
        shared = self.controller.shared_results() if self.share_results else None

        def work(_progress, cancelled):
            if shared is None:
                return self.compute(snapshot, option_id, cancelled)
            with sharing(snapshot, shared):
                return self.compute(snapshot, option_id, cancelled)

        task = BackgroundTask(work)
        self._tasks.add(task)
        self.controller.track(task)
        self.busy = True

        def finished(result, task=task) -> None:
            self._tasks.discard(task)
            if not shiboken6.isValid(self.message):
                return  # the view was closed while its analysis ran: nothing to show it in
            if generation == self._generation:
                self.busy = False
                self._deliver(result)

        def failed(exc, task=task) -> None:
            self._tasks.discard(task)
            if not shiboken6.isValid(self.message):
                return
            if generation != self._generation or task.was_cancelled:
                return
            self.busy = False
            if isinstance(exc, ValidationError | ValueError):
                self._refused(exc)
            else:  # a bug: show it rather than lose it
                self._refused(RuntimeError(f"{type(exc).__name__}: {exc}"))

        task.finished.connect(finished)
        task.failed.connect(failed)
        task.start()

    def show_first(self, cancelled: CancelToken, figures: Any) -> None:
        """From ``compute``, off the UI thread: hand ``figures`` that come before the result to the view
        (``show_first_result``) and wait, up to ``FIRST_WAIT_S``, for it to paint them.

        PySide lets go of the interpreter on every call into Qt, and with the computation going on each call
        waited up to the switch interval (5 ms) to get it back: painting the Sensitivity tab's estimate took
        80–120 ms on the large workspace, 10 ms with the wait. An edit that trips ``cancelled`` ends the wait at
        once (the view cannot paint while the UI thread is in the edit, and the edit waits for the computation
        to stop: ``WorkspaceController.quiet``)."""
        drawn = threading.Event()
        self._first.ready.emit(cancelled, figures, drawn)
        cancelled.wait_for(drawn, self.FIRST_WAIT_S)

    def _on_first(self, token: CancelToken, figures: Any, drawn: threading.Event) -> None:
        """Show a computation's first figures, unless it was overtaken or its result is in."""
        try:
            if token.is_cancelled or not self.busy:
                return
            self.show_first_result(figures)
            paint_now(self)  # painted now, while the computation waits
            self.first_shown.emit()
        finally:
            drawn.set()

    def show_first_result(self, figures: Any) -> None:
        """Show the figures a computation hands to ``show_first`` (a view whose ``compute`` calls it)."""
        raise NotImplementedError

    def _refused(self, exc: Exception) -> None:
        self.result = None
        self.show_message(f"This analysis cannot be run on the option as it stands: {exc}")
        self.shown.emit()

    def _deliver(self, result: Any) -> None:
        self.result = result
        self.message.setVisible(False)
        self.show_result(result)
        self.shown.emit()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    # ------------------------------------------------------------------ for subclasses
    def reload_inputs(self) -> None:
        """Reload the tables of the option's own rows that the view edits (its inputs), if it has any.

        Called when the view is shown for another option, never for a hidden view: an input table's
        model follows edits to its rows by itself, so an edit elsewhere costs a hidden view nothing.
        """

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def show_result(self, result: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
