"""One protocol for long work: progress as a fraction, one cancel token, one ``Cancelled``.

Every long function (an analysis, the optimiser, rendering a PDF, reading a workbook) takes
``progress`` and ``cancelled`` arguments:

    def work(..., progress: Progress = no_progress, cancelled: CancelToken | Callable[[], bool] = NEVER)

``progress(fraction, message)`` reports a fraction between 0 and 1 with a short message;
``cancelled()`` says whether to stop, and the work then raises ``Cancelled`` (``check(cancelled)``
does both). A ``CancelToken`` is such a callable that the caller can trip from another thread:
the GUI gives one to each background task and trips it when the user presses Cancel or when a
newer edit overtakes the result.

A task's token is also **bound to the thread running it** (``bound``; the GUI's background tasks and
``services.pipeline.run`` bind theirs), and the deep loops of the long analyses (the cost build-up's
member lines, the price schedule's years, the projection's years, periods and months, the simulation's
periods, months and array blocks) call ``checkpoint()``, which raises
``Cancelled`` when the bound token is set. A computation that a newer edit overtakes then stops within
a few milliseconds, not at the end of the analysis it is in: until it stops, it holds the interpreter
in turns with the computation of the figures the user is waiting for.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["NEVER", "WAIT_SLICE_S", "CancelToken", "Cancelled", "Progress", "bound", "check", "checkpoint",
           "no_progress", "scaled"]

#: how often ``CancelToken.wait_for`` looks at the token while it waits
WAIT_SLICE_S = 0.002

#: ``progress(fraction, message)``: fraction in [0, 1]
Progress = Callable[[float, str], None]


class Cancelled(Exception):
    """The work stopped because its caller asked it to; nothing it would have written was written."""


class CancelToken:
    """A flag one thread sets and another reads; calling the token says whether it is set."""

    __slots__ = ("_event",)

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def is_cancelled(self) -> bool:
        return self._event.is_set()

    def __call__(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise ``Cancelled`` if the token is set."""
        if self._event.is_set():
            raise Cancelled()

    def wait_for(self, event: threading.Event, timeout_s: float) -> None:
        """Wait until ``event`` is set or ``timeout_s`` has passed, and raise ``Cancelled`` as soon as the token
        is set meanwhile (looked at every ``WAIT_SLICE_S``): a computation waiting for the UI thread must not
        keep an edit waiting for it to stop (``WorkspaceController.quiet``)."""
        end = time.monotonic() + timeout_s
        while True:
            self.check()
            left = end - time.monotonic()
            if left <= 0 or event.wait(min(WAIT_SLICE_S, left)):
                self.check()
                return


class _Never(CancelToken):
    """A token nobody can trip (the default when the caller cannot cancel)."""

    __slots__ = ()

    def cancel(self) -> None:  # pragma: no cover - a misuse, not a path
        raise RuntimeError("NEVER cannot be cancelled; make a CancelToken")


NEVER: CancelToken = _Never()


def no_progress(fraction: float, message: str = "") -> None:
    """A progress callback that reports nowhere."""


def check(cancelled: Callable[[], bool] | None) -> None:
    """Raise ``Cancelled`` if ``cancelled()`` says so (None: never)."""
    if cancelled is not None and cancelled():
        raise Cancelled()


def scaled(progress: Progress, start: float, end: float) -> Progress:
    """A progress callback for one stage that reports into ``[start, end]`` of the whole."""

    def report(fraction: float, message: str = "") -> None:
        progress(start + (end - start) * max(0.0, min(1.0, fraction)), message)

    return report


class _Bound(threading.local):
    token: CancelToken = NEVER  # each thread's own; NEVER until a task binds one


_BOUND = _Bound()


@contextmanager
def bound(token: CancelToken) -> Iterator[None]:
    """Inside, ``checkpoint()`` on this thread raises ``Cancelled`` once ``token`` is set (NEVER: the token
    bound outside stays bound)."""
    if token is NEVER:
        yield
        return
    outer = _BOUND.token
    _BOUND.token = token
    try:
        yield
    finally:
        _BOUND.token = outer


def checkpoint() -> None:
    """Raise ``Cancelled`` if the token bound to this thread (``bound``) is set: cheap enough for a loop."""
    if _BOUND.token.is_cancelled:
        raise Cancelled()
