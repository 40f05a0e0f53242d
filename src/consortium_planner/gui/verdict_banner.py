"""The selected option's headline: its verdict, above its tabs (DOMAIN §9).

Bid (green), bid with conditions (amber) or do not bid as it stands (red), with the blocking findings
and the conditions that would change it, as the investment case opens with them. The verdict is the
pipeline's ``verdict`` analysis, computed off the UI thread on a snapshot (it needs the win analysis
and the projection), and refreshed when anything it reads changes; the screen only shows it.

The visible tab's figures go first: the banner starts its computation only when no analysis view it is
told of (``ahead``: the option's tabs) is on show and still computing. Their results are shared, so the
banner then reuses what that tab computed (the sensitivity the Sensitivity and Risks tabs need, for one)
instead of competing with it for the interpreter. Unless every long analysis (the sensitivity, the simulation, the
scenarios' runs) is at hand here (worked out by the Risks tab, or carried over an edit that left them as they
were), the verdict is weighed in the second process (``services.second_process``) if there is one: an edit then
finds this process free, with nothing of the verdict's to stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy

from ..domain.tasks import NEVER, CancelToken
from ..domain.verdict import Verdict
from ..reports.document import verdict_status
from ..services import second_process
from .analysis_view import OptionAnalysisView
from .style import GREY, STATUS_TONES, banner_style, esc, restyle

#: blocking findings and conditions listed before the rest are counted (the tooltip lists them all)
SHOWN = 2


def verdict_html(v: Verdict) -> str:
    """The decision and why, then the first few blocking findings and conditions, each on its line."""
    tone = STATUS_TONES[verdict_status(v.decision)]
    lines = [f"<b>{tone.glyph}&nbsp;{esc(v.label)}</b> — {esc(v.reason)}"]
    for b in v.blocking[:SHOWN]:
        lines.append(f"&nbsp;&nbsp;✗ <b>{esc(b.area)}</b>: {esc(b.text)}")
    if len(v.blocking) > SHOWN:
        lines.append(f"&nbsp;&nbsp;<i>… and {len(v.blocking) - SHOWN} more blocking findings</i>")
    word = "Would change it" if v.blocking else "Condition"
    for c in v.conditions[:SHOWN]:
        lines.append(f"&nbsp;&nbsp;→ <i>{word}</i> ({esc(c.area)}): {esc(c.text)}")
    if len(v.conditions) > SHOWN:
        lines.append(f"&nbsp;&nbsp;<i>… and {len(v.conditions) - SHOWN} more conditions (hover for every one; "
                     "the investment case lists them all)</i>")
    return "<br>".join(lines)


def stale_html(v: Verdict) -> str:
    """The banner while the verdict is weighed again after a change: one line, the decision before it."""
    tone = STATUS_TONES[verdict_status(v.decision)]
    return (f"<i>Weighing the findings again after the change. Before it:</i> "
            f"<b>{tone.glyph}&nbsp;{esc(v.label)}</b>")


#: after an edit, the verdict on show is marked as the one before it once the tab on show has painted its new
#: figures (their first, where they come in two), or after this many milliseconds, whichever comes first
MARK_WITHIN_MS = 100

#: the most of its column the banner takes, as a share of the column's height (the rest of the verdict scrolls)
MOST_OF_COLUMN = 0.3
#: ... but never fewer lines than this
LEAST_LINES = 4


class _Fitted(QScrollArea):
    """The verdict's label at the height of its text, up to ``MOST_OF_COLUMN`` of the column it shares with the
    tabs (at least ``LEAST_LINES`` lines), the rest scrolling: the large workspace's verdict took 218 of 667
    pixels at 1280×720 and left the tabs below less than their minimum."""

    def __init__(self, label: QLabel):
        super().__init__()
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def most(self) -> int:
        """The most the verdict may take: ``MOST_OF_COLUMN`` of the column, but no more than leaves what shares
        the column its minimum (``room``), and at least ``LEAST_LINES`` lines."""
        banner = self.parentWidget()
        column = banner.parentWidget() if banner is not None else None
        lines = LEAST_LINES * self.fontMetrics().lineSpacing()
        if column is None:
            return lines
        share = int(column.height() * MOST_OF_COLUMN)
        room = self.room()
        return max(lines, share if room is None else min(share, room))

    def room(self) -> int | None:
        """The height left to the verdict when everything else in its banner's column has its minimum (None: the
        banner is not in a column's layout). The tabs below have a minimum of their own: a verdict at its most
        took 7 pixels of it at 1280×720 on the large workspace, and the one line shown while the verdict is
        weighed again (held at that height, but within the room) gave them back. Each edit then laid out and
        painted the whole tab on show again, twice, while its figures were being worked out: 12–17 ms of the
        window's thread, on a processor the figures needed."""
        banner = self.parentWidget()
        column = banner.parentWidget() if banner is not None else None
        layout = column.layout() if column is not None else None
        if layout is None or layout.indexOf(banner) < 0:
            return None
        items = [layout.itemAt(i) for i in range(layout.count())]
        others = sum(item.minimumSize().height() for item in items if item.widget() is not banner)
        margins = layout.contentsMargins()
        return max(0, column.height() - others - layout.spacing() * (len(items) - 1) - margins.top()
                   - margins.bottom() - (banner.height() - self.height()))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        label = self.widget()
        return max(label.minimumHeight(), min(self.most(), label.heightForWidth(width)))

    def sizeHint(self) -> QSize:
        width = self.width() if self.width() > 0 else super().sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.widget().minimumHeight())


class VerdictBanner(OptionAnalysisView):
    """A banner in the verdict's colour, refreshed off the UI thread."""

    shows = ("verdict",)
    background = True
    settle_ms = 300  # the verdict runs sensitivity and simulation: let the visible tab go first

    def __init__(self, controller, option_id, parent=None, *, ahead: Callable[[], Iterable[Any]] | None = None):
        super().__init__(controller, option_id, parent)
        self._ahead = ahead or (lambda: ())
        self._waiting_for: Any = None  # the view on show whose figures go first
        self._shown_for: object = None  # the option whose verdict is on show
        self._marking = False  # the verdict on show is to be marked as the one before a change
        self._marking_after: Any = None  # ... once this view, on show, has painted its new figures
        self._mark_timer = QTimer(self)  # ... or when this times out, whichever comes first
        self._mark_timer.setSingleShot(True)
        self._mark_timer.timeout.connect(self._mark_stale)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setAccessibleName("Verdict")
        self.fitted = _Fitted(self.label)
        self.body.addWidget(self.fitted)
        self.message.setStyleSheet(banner_style(GREY, "4px 8px"))
        self._waiting()

    def reload(self) -> None:
        """After a change, the verdict on show is the one before it: say so, from when the tab on show has its new
        figures (``MARK_WITHIN_MS`` at most) until the new verdict is weighed (another option's verdict is not
        shown at all)."""
        super().reload()
        oid = self.option_id()
        if self.result is None or oid is None:
            return
        if oid != self._shown_for:
            self.result = None
            self._waiting()
            return
        if self._marking and self._marking_after is None:
            # the tab has painted the figures before this change and the mark, in the next turn, has not come yet:
            # it waits for the tab's figures after this change instead
            self._forget_mark()
        if self.label.text() == stale_html(self.result) or self._marking:
            return  # saying so already since an earlier edit (held, nothing to lay out again), or about to
        # the tab on show paints its new figures first: until they come it shows the figures before the change,
        # as the verdict does (marking it in the same instant cost the edit the banner's restyle, layout and paint
        # while the figures were worked out: 3-5 ms of the window's thread on the large workspace)
        self._marking = True
        on_show = next((v for v in self._ahead() if v.isVisible()), None)
        if on_show is None:
            self._mark_stale()
            return
        self._marking_after = on_show
        on_show.shown.connect(self._mark_after_paint)
        on_show.first_shown.connect(self._mark_after_paint)
        self._mark_timer.start(MARK_WITHIN_MS)

    def _mark_after_paint(self) -> None:
        """The tab on show has its new figures: mark the verdict in the event loop's next turn, once the window has
        painted them (in this turn the banner's restyle and paint went into the same paint as the tab's figures,
        and held them from the screen by about a millisecond on the demo)."""
        self._stop_marking()
        self._mark_timer.start(0)

    def _mark_stale(self) -> None:
        """Say that the verdict on show is the one before the change, unless the new one came meanwhile."""
        self._stop_marking()
        if not self._marking:
            return
        self._marking = False
        if self.result is None or self.option_id() != self._shown_for:
            return
        # one line, in a banner kept at its height: the tab below stays where it is (a line more moved it down
        # and back up with every edit, each time laying it out and painting it all again: 3–7 ms an edit)
        self._hold_height()
        restyle(self.label, banner_style(GREY, "4px 8px"))
        self._say(stale_html(self.result))
        self.label.setToolTip(f"Before the change: {self._tip(self.result)}")

    def _forget_mark(self) -> None:
        """Nothing to mark any more: a new verdict, the waiting words or a message is on show."""
        self._marking = False
        self._stop_marking()

    def _stop_marking(self) -> None:
        self._mark_timer.stop()
        view, self._marking_after = self._marking_after, None
        if view is not None and shiboken6.isValid(view):
            view.shown.disconnect(self._mark_after_paint)
            view.first_shown.disconnect(self._mark_after_paint)

    def _say(self, html: str) -> None:
        """Show ``html`` in the label, and have the column lay the banner out again at its new text's height (a
        scroll area does not pass on its widget's size)."""
        if html != self.label.text():
            self.label.setText(html)
            self.fitted.updateGeometry()

    def _hold_height(self) -> None:
        """Keep the verdict at its height while the new one is weighed, but never so tall that what shares the
        banner's column gets less than its minimum: where the verdict is long and the window short (the large
        workspace at 1280×720), holding its whole height raised the window's minimum, and the window grew taller
        than the screen, a little more with every edit."""
        height = self.fitted.height()
        room = self.fitted.room()
        self.label.setMinimumHeight(height if room is None else min(height, room))

    def _waiting(self) -> None:
        self._forget_mark()
        self.label.setMinimumHeight(0)
        restyle(self.label, banner_style(GREY, "4px 8px"))
        self._say("<i>Weighing the option's findings for a verdict…</i>")

    def refresh(self) -> None:
        first = next((v for v in self._ahead() if v.isVisible() and getattr(v, "busy", False)), None)
        if first is not None:  # the visible tab is computing its figures: they go first
            self._stale = True
            if self._waiting_for is not first:
                self._stop_waiting()
                first.shown.connect(self._after_ahead)
                self._waiting_for = first
            return
        self._stop_waiting()
        if self.result is None and self.option_id() is not None:
            self._waiting()
        self.fitted.setVisible(self.option_id() is not None)
        super().refresh()

    def _after_ahead(self) -> None:
        self._stop_waiting()
        if self._stale:
            self.refresh()

    def _stop_waiting(self) -> None:
        view, self._waiting_for = self._waiting_for, None
        if view is not None and shiboken6.isValid(view):
            view.shown.disconnect(self._after_ahead)

    def compute(self, ws, option_id: int, cancelled: CancelToken = NEVER) -> Verdict:
        """The verdict, weighed in the second process where there is one (``services.second_process.one``): this
        process is then left to the tab on show, and an edit does not wait for the verdict to stop."""
        return second_process.one(ws, option_id, "verdict", cancelled=cancelled, beside=self.controller.beside)

    def show_result(self, result: Verdict) -> None:
        self._forget_mark()
        self._shown_for = self.option_id()
        tone = STATUS_TONES[verdict_status(result.decision)]
        self.label.setMinimumHeight(0)
        restyle(self.label, banner_style(tone, "4px 8px"))
        self._say(verdict_html(result))
        self.fitted.setVisible(True)
        self.label.setToolTip(self._tip(result))

    @staticmethod
    def _tip(v: Verdict) -> str:
        every = [f"{b.area}: {b.text}" for b in v.blocking] + [f"{c.area}: {c.text}" for c in v.conditions]
        return "\n".join([v.headline, *every])

    # The banner is always on show, so its computation may still be running when the window closes: a
    # result that arrives after the widget has gone is dropped.
    def _deliver(self, result) -> None:
        if shiboken6.isValid(self.label):
            super()._deliver(result)

    def _refused(self, exc: Exception) -> None:
        if shiboken6.isValid(self.label):
            super()._refused(exc)

    def show_message(self, text: str) -> None:
        self._forget_mark()
        self.fitted.setVisible(False)
        super().show_message(text.replace("This analysis cannot be run", "No verdict can be reached"))


__all__ = ["VerdictBanner", "verdict_html"]
