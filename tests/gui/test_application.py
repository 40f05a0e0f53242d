"""``gui/application.make_application``: the interpreter handed back to the window's thread quickly."""

from __future__ import annotations


def test_the_application_lets_a_computing_thread_keep_the_interpreter_half_a_millisecond(qapp):
    """``make_application``: an edit waiting for a stopped computation's thread waits at most the switch interval
    for the interpreter (Python's 5 ms: 1 to 13 ms measured on the large workspace; 0.5 ms: under 2.5 ms)."""
    import sys

    from consortium_planner.gui.application import SWITCH_INTERVAL_S, make_application

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        assert make_application() is qapp
        assert sys.getswitchinterval() == SWITCH_INTERVAL_S <= 0.001
    finally:
        sys.setswitchinterval(before)
