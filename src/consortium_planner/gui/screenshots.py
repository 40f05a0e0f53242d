"""Offscreen screenshots of the main window on the demo workspace (README and docs images)."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings


def _settle(app, view, timeout_s: float = 60.0) -> None:
    """Process events until an analysis view (which may compute off the UI thread) has shown its result.

    A hidden view that is stale computes when it is next shown: there is nothing to wait for (waiting
    for it held every shot of a hidden Compare or Pipeline page for the whole timeout).
    """
    import time

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if not getattr(view, "busy", False) and (not getattr(view, "_stale", False) or not view.isVisible()):
            break
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def _show_tab(app, window, page_name: str, tab_title: str, row: int | None = None):
    page = window.show_page(page_name)
    if row is not None:
        page.master.table.selectRow(min(row, page.master.model.rowCount() - 1))
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    page.tabs.setCurrentIndex(titles.index(tab_title))
    _settle(app, page.tabs.currentWidget())
    if getattr(page, "verdict", None) is not None:
        _settle(app, page.verdict)
    return page


def _screen_size_shots(app, window, out: Path) -> list[Path]:
    """The window at a projector's 1280×720 and at 1920×1080, at the desk and in presenter mode
    (150%, the workshop layout: the options side by side beside the selected option's verdict)."""
    written: list[Path] = []

    def shot(filename: str, size: tuple[int, int]) -> None:
        window.resize(*size)
        for _ in range(10):
            app.processEvents()
        for page in window.pages.values():
            _settle(app, page)
        summary = window.presenter.workshop.summary
        if summary is not None and summary.isVisible():
            _settle(app, summary.verdict)
        target = out / filename
        window.grab().save(str(target))
        written.append(target)

    window.showNormal()
    _show_tab(app, window, "Consortium options", "Pricing", 2)
    shot("screen-1280x720-pricing.png", (1280, 720))
    _show_tab(app, window, "Compare", "Side by side")
    shot("screen-1280x720-compare.png", (1280, 720))
    _show_tab(app, window, "Consortium options", "Cash flow", 2)
    shot("screen-1920x1080-cash-flow.png", (1920, 1080))
    presenter = window.presenter
    _show_tab(app, window, "Consortium options", "Details", 2)
    presenter.act_presenter.setChecked(True)  # 150%, no navigator, full screen
    presenter.set_full_screen(False)  # offscreen, "full screen" is the platform's small screen: take the sizes given
    presenter.act_workshop.setChecked(True)
    panel = presenter.workshop.panel
    if panel is not None and hasattr(panel, "volume"):  # the what-if panel: show it answering a question
        options = window.controller.ws.options()
        panel.select_option(options[-1].id)
        panel.margin.setValue(panel.margin.value() + 1)
        panel.volume.setValue(-10)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (panel.outcome is None or "volume" not in panel.outcome.description):
            app.processEvents()
            time.sleep(0.01)
    shot("presenter-1920x1080-workshop.png", (1920, 1080))
    window.pages["Compare"].tabs.setCurrentIndex(1)  # the key figures as charts
    shot("presenter-1920x1080-key-figures.png", (1920, 1080))
    window.pages["Compare"].tabs.setCurrentIndex(0)
    shot("presenter-1280x720-workshop.png", (1280, 720))
    presenter.act_workshop.setChecked(False)
    presenter.act_presenter.setChecked(False)
    return written


def save_screenshots(out_dir: str | Path) -> list[Path]:
    from ..services.demo import write_demo
    from .application import make_application
    from .main_window import MainWindow

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = make_application()
    tmp = Path(tempfile.mkdtemp(prefix="cplan-shots-"))
    try:
        demo = write_demo(tmp / "Westmarch demo.cplan")
        settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(1400, 860)
        window.open_path(demo)
        window.show()
        written: list[Path] = []
        # (page, file, tab title, row): the options page shows the special purpose vehicle (row 2)
        shots = [("Consortium options", "main-window.png", "Capacity", 2),
                 ("Consortium options", "option-members.png", "Members", 2),
                 ("Consortium options", "standing.png", "Standing", 2),
                 ("Consortium options", "pricing.png", "Pricing", 2),
                 ("Consortium options", "cash-flow.png", "Cash flow", 2),
                 ("Consortium options", "markets.png", "Markets", 2),
                 ("Consortium options", "lots.png", "Lots", 1),  # the lead provider: it has lot decisions
                 ("Consortium options", "social-value.png", "Social value", 3),  # Eastmere: it has a ledger
                 ("Organisations", "organisations.png", "Details", 1),
                 ("Tenders", "tender-requirements.png", "Requirements", 0)]
        for page_name, filename, tab_title, row in shots:
            page = window.show_page(page_name)
            titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
            if tab_title not in titles:
                continue
            page.master.table.selectRow(min(row, page.master.model.rowCount() - 1))
            page.tabs.setCurrentIndex(titles.index(tab_title))
            view = page.tabs.currentWidget()
            _settle(app, view)
            verdict = getattr(page, "verdict", None)
            if verdict is not None:  # the banner above the tabs works in the background too
                _settle(app, verdict)
            target = out / filename
            window.grab().save(str(target))
            written.append(target)
        # Excel in and out: the import preview on a buyer's schedule, and the option workbook export
        from .import_dialog import representative_import_dialog
        from .xlsx_export import representative_export_dialog

        for filename, make in (("import-schedule.png", representative_import_dialog),
                               ("export-workbook.png", representative_export_dialog)):
            dialog = make(window.controller)
            dialog.show()
            for _ in range(10):
                app.processEvents()
            target = out / filename
            dialog.grab().save(str(target))
            written.append(target)
            dialog.close()
        written += _screen_size_shots(app, window, out)
        window.close()
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
