"""Windows that fit a 1280×720 screen (a laptop on a projector): the room a dialog may take, and its size.

A 1280×720 screen leaves about 1240×650 to a dialog once a title bar and a desktop panel are counted
(``DIALOG_ROOM``). ``fit_size(dialog, width, height)`` gives a dialog the size it asks for, never more
than that room nor than the screen it opens on (less a margin), so a larger screen still gets the larger
size where the room allows. ``tests/gui/test_screen_fit.py`` opens every dialog class of the GUI and checks
that its size hints and its shown size fit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget

#: the smallest screen the program is made for
SMALL_SCREEN = QSize(1280, 720)
#: what a dialog may take of it: less a title bar (about 30 px) and a desktop panel (about 40 px)
DIALOG_ROOM = QSize(1240, 650)
SCREEN_MARGIN = 60


def room(widget: QWidget | None = None) -> QSize:
    """The most a dialog may take: ``DIALOG_ROOM``, or less on a smaller screen."""
    screen = (widget.screen() if widget is not None else None) or QApplication.primaryScreen()
    if screen is None:
        return QSize(DIALOG_ROOM)
    available = screen.availableGeometry().size()
    return QSize(min(DIALOG_ROOM.width(), available.width() - SCREEN_MARGIN),
                 min(DIALOG_ROOM.height(), available.height() - SCREEN_MARGIN))


def fit_size(widget: QWidget, width: int, height: int) -> None:
    """Resize ``widget`` to ``width``×``height`` within ``room`` (never below its minimum size hint)."""
    limit = room(widget)
    least = widget.minimumSizeHint()
    widget.resize(max(min(width, limit.width()), least.width()), max(min(height, limit.height()), least.height()))


__all__ = ["DIALOG_ROOM", "SMALL_SCREEN", "fit_size", "room"]
