"""Offscreen screenshots of the main window on the demo workspace (README and docs images)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings


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
        shots = [("Consortium options", "main-window.png", 0), ("Consortium options", "option-members.png", 1),
                 ("Organisations", "organisations.png", 0), ("Tenders", "tender-requirements.png", 1)]
        for page_name, filename, tab in shots:
            page = window.show_page(page_name)
            page.master.table.selectRow(min(1, page.master.model.rowCount() - 1))
            page.tabs.setCurrentIndex(tab)
            app.processEvents()
            target = out / filename
            window.grab().save(str(target))
            written.append(target)
        window.close()
        return written
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
