"""``CancelToken.wait_for``: a computation waiting for the UI thread returns when the event is set or the time is
up, and stops at once when its token is tripped (an edit waiting for it to stop is not kept waiting)."""

from __future__ import annotations

import threading
import time

import pytest

from consortium_planner.domain.tasks import NEVER, WAIT_SLICE_S, Cancelled, CancelToken


def test_it_returns_as_soon_as_the_event_is_set():
    token, event = CancelToken(), threading.Event()
    threading.Timer(0.02, event.set).start()
    t0 = time.monotonic()
    token.wait_for(event, 5.0)
    assert event.is_set() and time.monotonic() - t0 < 1.0


def test_it_gives_up_after_the_timeout_without_raising():
    t0 = time.monotonic()
    CancelToken().wait_for(threading.Event(), 0.05)
    NEVER.wait_for(threading.Event(), 0.01)
    assert 0.05 <= time.monotonic() - t0 < 1.0


def test_a_token_tripped_while_waiting_stops_the_wait_at_once():
    token, event = CancelToken(), threading.Event()
    threading.Timer(0.03, token.cancel).start()
    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        token.wait_for(event, 5.0)  # the event never comes: only the token ends the wait
    assert time.monotonic() - t0 < 0.03 + 0.5
    with pytest.raises(Cancelled):  # already tripped: no wait at all
        token.wait_for(threading.Event(), 5.0)
    assert WAIT_SLICE_S <= 0.005
