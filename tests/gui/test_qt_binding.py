"""The Qt binding must not leak references to None or booleans.

PySide6 6.12.0 on Python 3.11 took one reference from None on every call of a C++ method that
returns nothing; after some ten thousand calls the interpreter aborted (none_dealloc). That is a
crash of the real program in a long session, so this test guards the pinned version.
"""

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal(int)


def test_void_calls_and_slots_leave_refcounts_alone(qapp):
    label = QLabel()
    emitter = _Emitter()
    emitter.fired.connect(lambda _n: True)  # a slot that returns a value
    before_none, before_true = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(2000):
        label.setText("x")
        emitter.fired.emit(i)
    assert abs(sys.getrefcount(None) - before_none) < 50
    assert abs(sys.getrefcount(True) - before_true) < 50
