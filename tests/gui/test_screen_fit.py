"""Every dialog and the Pricing headline fit a 1280×720 screen (issue 19: a projector's resolution)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from PySide6.QtWidgets import QDialog

import consortium_planner.gui as gui_package
from consortium_planner.domain.model import Member
from consortium_planner.gui.screen_fit import DIALOG_ROOM, SMALL_SCREEN


def _gui_dialog_classes() -> set[type[QDialog]]:
    """Every QDialog subclass defined anywhere in the gui package (a new dialog is included by itself)."""
    for info in pkgutil.walk_packages(gui_package.__path__, gui_package.__name__ + "."):
        importlib.import_module(info.name)
    found: set[type[QDialog]] = set()
    stack = list(QDialog.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith(gui_package.__name__ + "."):
            found.add(cls)
    return found


def _builders(controller):
    """A way to open each dialog on the demo workspace, at its largest (the option with most in it)."""
    from consortium_planner.gui.capacity.proposal import ProposalDialog
    from consortium_planner.gui.export_dialog import ExportCaseDialog
    from consortium_planner.gui.help import HelpWindow
    from consortium_planner.gui.history import HistoryDialog
    from consortium_planner.gui.import_dialog import ImportDialog, representative_import_dialog
    from consortium_planner.gui.optimise_rules import OptimiseRulesDialog
    from consortium_planner.gui.rounds import FreezeRoundDialog, RoundsDialog
    from consortium_planner.gui.templates_dialog import AnonymiseDialog, TemplateDialog
    from consortium_planner.gui.xlsx_export import ExportWorkbookDialog, representative_export_dialog
    from consortium_planner.services import analyses

    ws = controller.ws
    option = max(ws.options(), key=lambda o: len(ws.members(o.id)))
    members = [(m.id, ws.display_name(Member, m.id)) for m in ws.members(option.id)]

    def proposal() -> ProposalDialog:
        go_alone = ws.options()[0]
        made = analyses.optimiser(ws.copy(), go_alone.id)
        current = {(a.requirement_id, a.member_id): a.volume for a in ws.allocations(go_alone.id)}
        labels = {r.id: f"{r.service_line} — {r.area}" for r in ws.requirements(go_alone.tender_id)}
        names = {m.id: ws.display_name(Member, m.id) for m in ws.members(go_alone.id)}
        return ProposalDialog(made, current, labels, names, go_alone.name)

    return {
        ExportCaseDialog: lambda: ExportCaseDialog(controller, option.id),
        OptimiseRulesDialog: lambda: OptimiseRulesDialog(members, None),
        HelpWindow: lambda: HelpWindow(),
        ImportDialog: lambda: representative_import_dialog(controller),
        ExportWorkbookDialog: lambda: representative_export_dialog(controller),
        ProposalDialog: proposal,
        HistoryDialog: lambda: HistoryDialog(controller),
        FreezeRoundDialog: lambda: FreezeRoundDialog({"Round 1"}),
        RoundsDialog: lambda: RoundsDialog(controller),
        TemplateDialog: lambda: TemplateDialog(),
        AnonymiseDialog: lambda: AnonymiseDialog(None, "Westmarch demo (anonymised).cplan"),
    }


def _fits(size, room) -> bool:
    return size.width() <= room.width() and size.height() <= room.height()


def test_every_dialog_fits_a_1280_by_720_screen(qtbot, demo_controller):
    classes = _gui_dialog_classes()
    builders = _builders(demo_controller)
    assert classes, "no dialog classes found in the gui package"
    missing = sorted(c.__qualname__ for c in classes - set(builders))
    assert not missing, f"add a way to open these dialogs to this test: {missing}"
    for cls in sorted(classes, key=lambda c: c.__qualname__):
        dialog = builders[cls]()
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        name = cls.__qualname__
        assert _fits(dialog.minimumSizeHint(), DIALOG_ROOM), (name, dialog.minimumSizeHint())
        assert _fits(dialog.minimumSize(), DIALOG_ROOM), (name, dialog.minimumSize())
        assert _fits(dialog.size(), DIALOG_ROOM), (name, dialog.size())
        # what it would like: never wider than the screen (an unwrapped line made one 1,438 px wide)
        assert dialog.sizeHint().width() <= SMALL_SCREEN.width(), (name, dialog.sizeHint())
        dialog.close()


def test_the_dialog_finder_sees_every_dialog_class():
    names = {c.__qualname__ for c in _gui_dialog_classes()}
    assert {"ExportCaseDialog", "OptimiseRulesDialog", "ImportDialog", "ExportWorkbookDialog", "ProposalDialog",
            "HelpWindow"} <= names


@pytest.fixture
def window_1280(qtbot, qsettings, demo_controller):
    from consortium_planner.gui.main_window import MainWindow

    demo_controller.session.close()
    path = demo_controller.session.path
    window = MainWindow(qsettings)
    qtbot.addWidget(window)
    window.resize(SMALL_SCREEN)
    assert window.open_path(path)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def test_the_main_window_fits_1280_by_720_on_every_page(window_1280):
    window = window_1280
    for name in window.pages:
        window.show_page(name)
        hint = window.minimumSizeHint()
        assert hint.width() <= SMALL_SCREEN.width() and hint.height() <= SMALL_SCREEN.height(), (name, hint)
    assert window.size() == SMALL_SCREEN


def test_pricing_headline_cards_are_not_clipped_at_1280_by_720(window_1280, qtbot):
    window = window_1280
    page = window.show_page("Consortium options")
    page.master.table.selectRow(2)  # the special purpose vehicle: the longest headline of the demo
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    page.tabs.setCurrentIndex(titles.index("Pricing"))
    view = page.tabs.currentWidget()
    qtbot.waitUntil(lambda: not view.busy and view.result is not None, timeout=60_000)
    qtbot.waitUntil(lambda: page.verdict.result is not None, timeout=60_000)
    qtbot.wait(50)
    scroll = view.headline_scroll
    viewport = scroll.viewport()
    shown = [card for card in view.headline.cards.values() if card.isVisible()]
    assert len(shown) == 6
    for card in shown:  # each card whole, inside the visible part of the headline, none scrolled out of view
        bottom = card.mapTo(viewport, card.rect().bottomLeft()).y()
        right = card.mapTo(viewport, card.rect().bottomRight()).x()
        assert 0 <= bottom <= viewport.height(), (card.caption.text(), bottom, viewport.size())
        assert right <= viewport.width(), (card.caption.text(), right, viewport.size())
        assert card.height() >= card.heightForWidth(card.width()), card.caption.text()
    assert scroll.verticalScrollBar().value() == 0
