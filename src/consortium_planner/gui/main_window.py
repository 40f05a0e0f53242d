"""The main window: menus, navigator, pages, status bar, recent files, drag and drop."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..services.locations import is_database_url
from .heap import settle as settle_heap
from .message_bar import MessageBar
from .presenter import install_presenter_actions
from .view_actions import (
    install_history_actions,
    install_rounds_actions,
    install_template_actions,
    install_whatif_actions,
)

if TYPE_CHECKING:
    from ..services.session import WorkspaceSession
    from .controller import WorkspaceController

# The rest (the store and SQLAlchemy, the domain, the pages and their analyses) is imported when a workspace
# is opened, not when the window is made: the window shows first, as fast as an empty one (issue 22, goal 2).

APP_NAME = "Consortium Planner"
FILE_FILTER = "Consortium Planner workspaces (*.cplan);;All files (*)"
WORKBOOK_FILTER = "Excel workbooks (*.xlsx *.xlsm);;All files (*)"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
MAX_RECENT = 8


class FileDialogs:
    """File choosers, replaceable in tests (``FileDialogs.ask_open = ...``)."""

    @staticmethod
    def ask_open(parent: QWidget) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Open workspace", "", FILE_FILTER)
        return path or None

    @staticmethod
    def ask_save(parent: QWidget, title: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, "", FILE_FILTER)
        if not path:
            return None
        return path if path.endswith(".cplan") else path + ".cplan"

    @staticmethod
    def ask_open_workbook(parent: QWidget) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, "Import from Excel", "", WORKBOOK_FILTER)
        return path or None

    @staticmethod
    def ask_save_workbook(parent: QWidget, title: str, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, "Excel workbooks (*.xlsx)")
        if not path:
            return None
        return path if path.lower().endswith(".xlsx") else path + ".xlsx"

    @staticmethod
    def ask_folder(parent: QWidget, title: str) -> str | None:
        return QFileDialog.getExistingDirectory(parent, title) or None


class Messages:
    """Message boxes, replaceable in tests."""

    @staticmethod
    def error(parent: QWidget, title: str, text: str) -> None:
        QMessageBox.warning(parent, title, text)

    @staticmethod
    def info(parent: QWidget, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)

    @staticmethod
    def ask_overwrite(parent: QWidget, names: list[str]) -> bool:
        listed = "\n".join(f"• {n}" for n in names)
        answer = QMessageBox.question(parent, "Replace files?",
                                      f"These files already exist:\n\n{listed}\n\nReplace them?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def choose(parent: QWidget, title: str, label: str, items: list[str]) -> int | None:
        from PySide6.QtWidgets import QInputDialog

        item, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
        return items.index(item) if ok and item in items else None

    @staticmethod
    def ask_read_only(parent: QWidget, text: str) -> bool:
        answer = QMessageBox.question(parent, "Workspace in use", f"{text}\n\nOpen it read-only?",
                                      QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Open

    @staticmethod
    def ask_restore(parent: QWidget, text: str, backup_description: str) -> bool:
        answer = QMessageBox.question(
            parent, "Cannot open workspace",
            f"{text}\n\nThe file has not been changed. Restore the newest backup "
            f"({backup_description}) into a new file and open that?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    @staticmethod
    def choose_backup(parent: QWidget, descriptions: list[str]) -> int | None:
        from PySide6.QtWidgets import QInputDialog

        item, ok = QInputDialog.getItem(parent, "Restore from backup", "Backups of this workspace, newest first:",
                                        descriptions, 0, False)
        return descriptions.index(item) if ok and item in descriptions else None

    @staticmethod
    def ask_database_url(parent: QWidget, last: str) -> str | None:
        """The URL of a team database (PostgreSQL); ``last`` (never with a password) is offered first."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(
            parent, "Open team database",
            "PostgreSQL database URL, for example postgresql://alice@db.example.org/bids\n\n"
            "A password typed into the URL is used for this connection only and never saved;\n"
            "a ~/.pgpass file (or PGPASSWORD) saves typing it. An empty database becomes a new workspace.",
            QLineEdit.EchoMode.Normal, last)
        return text.strip() if ok and text.strip() else None

    @staticmethod
    def about(parent: QWidget) -> None:
        QMessageBox.about(parent, f"About {APP_NAME}", (
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Model a consortium's capacity, capital and pricing against a public-sector tender, "
            "compare consortium options, and export an investment case.</p>"
            "<p>For UK public service mutuals and the social enterprises they partner with.</p>"))


class WelcomePage(QWidget):
    def __init__(self, window: MainWindow):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel(f"<h1>{APP_NAME}</h1><p>Open a workspace, or start a new one.</p>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        for text, slot in (("New workspace…", window.new_workspace), ("Open workspace…", window.open_dialog)):
            b = QPushButton(text)
            b.clicked.connect(slot)
            b.setMinimumWidth(220)
            layout.addWidget(b, 0, Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("You can also drag a .cplan file onto this window (and, once a workspace is open, "
                      "an Excel workbook to import).")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setStyleSheet("color: #666")
        layout.addWidget(hint)
        layout.addStretch(2)


def _recent_label(entry: str) -> str:
    """A recent file's name, or a team database's URL without its password."""
    if not is_database_url(entry):
        return Path(entry).name
    from ..services.session import display_url

    return display_url(entry)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False


class MainWindow(QMainWindow):
    workspace_opened = Signal(object)  # WorkspaceController or None

    def __init__(self, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or QSettings()
        self.controller: WorkspaceController | None = None
        self.pages: dict[str, QWidget] = {}
        self.setAcceptDrops(True)
        self.resize(1280, 800)
        self._build_actions()
        self._build_menus()
        self.stack = QStackedWidget()
        self.welcome = WelcomePage(self)
        self.stack.addWidget(self.welcome)
        self.opening = QLabel()  # "Opening demo.cplan…", while a workspace asked for at start opens
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.opening.setStyleSheet("color: #555; font-size: 13pt")
        self.stack.addWidget(self.opening)
        self._pending_open: str | None = None
        self.navigator = QListWidget()
        self.navigator.setFixedWidth(190)
        self.navigator.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 6px; }")
        self.navigator.currentRowChanged.connect(self._show_page)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.navigator)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        self.message_bar = MessageBar()
        right.addWidget(self.message_bar)
        right.addWidget(self.stack, 1)
        row.addLayout(right, 1)
        self.setCentralWidget(central)
        self.status_path = QLabel()
        self.statusBar().addPermanentWidget(self.status_path)
        self._refused_timer = QTimer(self)
        self._refused_timer.setSingleShot(True)
        self._refused_timer.timeout.connect(lambda: self.statusBar().setStyleSheet(""))
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.presenter = install_presenter_actions(self)  # View: zoom, presenter mode, workshop layout
        install_history_actions(self)  # View → History…, in the same View menu
        install_whatif_actions(self)  # View → What-if (a dock), and the workshop layout's side panel
        install_rounds_actions(self)  # View → Rounds and decisions…
        self._update_title()
        self._update_actions()

    # ------------------------------------------------------------------ actions and menus
    def _act(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        act = QAction(text, self)
        act.triggered.connect(slot)
        if shortcut is not None:
            act.setShortcut(shortcut)
        if tip:
            act.setStatusTip(tip)
        return act

    def _build_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_new = self._act("&New workspace…", self.new_workspace, K.New, "Create an empty workspace file")
        self.act_open = self._act("&Open workspace…", self.open_dialog, K.Open)
        self.act_open_db = self._act("Open &team database…", self.open_database_dialog,
                                     tip="Open a workspace shared by a team in a PostgreSQL database")
        self.act_save = self._act("&Save", self.save, K.Save, "Every change is saved as you make it")
        self.act_save_as = self._act("Save &As…", self.save_as, K.SaveAs)
        self.act_close = self._act("&Close workspace", self.close_workspace, K.Close)
        self.act_export_case = self._act("&Export investment case…", self.export_case, QKeySequence("Ctrl+E"),
                                         "Write the selected option's investment case as a PDF")
        self.act_import = self._act("&Import from Excel…", self.import_workbook, QKeySequence("Ctrl+I"),
                                    "Import organisations, tender requirements or a buyer's pricing schedule "
                                    "from an Excel workbook (one undo step)")
        self.act_templates = self._act("Export blank tem&plates…", self.export_templates,
                                       tip="Write the organisations and tender requirements templates, "
                                           "to fill in Excel and import")
        self.act_export_orgs = self._act("Export or&ganisations to Excel…", self.export_organisations,
                                         tip="Write every organisation in the template's layout: edit in "
                                             "Excel, then import it back")
        self.act_export_reqs = self._act("Export &tender requirements to Excel…", self.export_requirements,
                                         tip="Write a tender's requirements in the template's layout: edit "
                                             "in Excel, then import them back")
        self.act_export_workbook = self._act("Export option as &workbook…", self.export_workbook,
                                             QKeySequence("Ctrl+Shift+E"),
                                             "Write the selected option's figures as an Excel workbook, and "
                                             "optionally fill the buyer's pricing schedule")
        self.act_restore = self._act("Restore from &backup…", self.restore_from_backup,
                                     tip="Open one of this workspace's automatic backups as a new file")
        self.act_quit = self._act("&Quit", self.close, K.Quit)
        self.act_about = self._act("&About Consortium Planner", lambda: Messages.about(self))
        self.act_help = self._act("&Help for this screen", self.show_help, K.HelpContents,
                                  "Help on the screen you are looking at (F1)")
        self.act_glossary = self._act("&Glossary", lambda: self.show_help("Glossary"),
                                      tip="Every metric, test and mark the program shows, explained")
        self.act_demo = self._act("Open a copy of the &demo…", self.open_demo_copy,
                                  tip="Save the worked example where you choose, and open it")
        self.act_undo = self._act("&Undo", self.undo, K.Undo)
        self.act_undo.setEnabled(False)
        self.act_redo = self._act("&Redo", self.redo)
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(K.Redo)])
        self.act_redo.setEnabled(False)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for a in (self.act_new, self.act_open, self.act_open_db):
            file_menu.addAction(a)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        for a in (self.act_save, self.act_save_as, self.act_restore, self.act_close):
            file_menu.addAction(a)
        file_menu.addSeparator()
        for a in (self.act_import, self.act_templates, self.act_export_orgs, self.act_export_reqs):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.act_export_case)
        file_menu.addAction(self.act_export_workbook)
        install_template_actions(self, file_menu)  # New from template…, Export anonymised copy… (issue 19)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.edit_menu.addAction(self.act_undo)
        self.edit_menu.addAction(self.act_redo)
        help_menu = self.menuBar().addMenu("&Help")
        for a in (self.act_help, self.act_glossary, self.act_demo):
            help_menu.addAction(a)
        help_menu.addSeparator()
        help_menu.addAction(self.act_about)
        self._rebuild_recent()

    # ------------------------------------------------------------------ recent files
    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if v]

    def _remember(self, path: Path | str) -> None:
        """Remember a file, or a database URL as ``display_url`` gives it (never with a password)."""
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.settings.setValue("recent_files", items[:MAX_RECENT])
        self._rebuild_recent()

    def _rebuild_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, p in enumerate(files, 1):
            act = self.recent_menu.addAction(f"&{i} {_recent_label(p)}")
            act.setToolTip(p)
            act.triggered.connect(lambda _=False, p=p: self._open_recent(p))
        self.recent_menu.setEnabled(bool(files))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear list", self._clear_recent)

    def _open_recent(self, path: str) -> None:
        self.open_path(path)  # a slot returns None (PySide6 leaks a reference per returned value)

    def _clear_recent(self) -> None:
        self.settings.setValue("recent_files", [])
        self._rebuild_recent()

    # ------------------------------------------------------------------ help
    def show_help(self, topic: str | None = None) -> None:
        """Help → Help for this screen (F1), or ``topic``: the help window, at the current page's topic."""
        from .help import HelpWindow

        if topic is None or topic is False:
            item = self.navigator.currentItem()
            topic = item.text() if item is not None and self.controller is not None else "Getting started"
        if getattr(self, "help_window", None) is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_topic(str(topic))
        self.help_window.show()
        self.help_window.raise_()

    def open_demo_copy(self) -> None:
        """Help → Open a copy of the demo…: the worked example written where the user chooses, then opened."""
        from ..services.demo import write_demo
        from ..services.session import WorkspaceFileError

        path = FileDialogs.ask_save(self, "Save a copy of the demo as")
        if not path:
            return
        current = self.controller.session.path if self.controller is not None else None
        if current is not None and _same_file(current, Path(path)):
            Messages.error(self, "Open a copy of the demo", f"{Path(path).name} is the workspace open in this "
                           "window; choose another name (nothing was changed).")
            return
        try:
            write_demo(path, overwrite=True)  # the save dialog has asked before replacing a file
        except (WorkspaceFileError, OSError, ValueError) as exc:
            Messages.error(self, "Open a copy of the demo", str(exc))
            return
        self.open_path(path)

    # ------------------------------------------------------------------ opening and closing
    def new_workspace(self) -> None:
        from ..services.session import WorkspaceFileError, WorkspaceSession

        path = FileDialogs.ask_save(self, "New workspace")
        if path:
            current = self.controller.session.path if self.controller is not None else None
            if current is not None and _same_file(current, Path(path)):
                Messages.error(self, "Cannot create workspace",
                               f"{Path(path).name} is the workspace open in this window; choose another name "
                               "for the new one (nothing was changed).")
                return
            try:
                session = WorkspaceSession.create(path, overwrite=True)
            except (WorkspaceFileError, OSError) as exc:
                Messages.error(self, "Cannot create workspace", str(exc))
                return
            self.set_session(session)
            self.show_help("Getting started")  # an empty workspace: what to enter first

    def open_dialog(self) -> None:
        path = FileDialogs.ask_open(self)
        if path:
            self.open_path(path)

    def open_database_dialog(self) -> None:
        """File → Open team database…: ask for the URL (offering the last one, without its password)."""
        url = Messages.ask_database_url(self, str(self.settings.value("team/last_url", "") or ""))
        if url:
            self.open_path(url)

    def open_database(self, url: str) -> bool:
        """Open a team database (an empty one becomes a new workspace). No lock and no backups here."""
        from ..services.session import WorkspaceFileError, WorkspaceSession

        try:
            session = WorkspaceSession.open(url)
        except (WorkspaceFileError, OSError) as exc:
            Messages.error(self, "Cannot open team database", str(exc))
            return False
        self.settings.setValue("team/last_url", session.location)  # without the password
        self.set_session(session)
        return True

    def open_when_shown(self, path: str | Path) -> None:
        """Open ``path`` as soon as the window has been drawn (the start-up path: ``app.run_gui``).

        The window shows at once, saying what it is opening, and the workspace (the store, the analyses and
        their pages, most of the start's imports) opens next; a file that cannot be opened says so in a
        message over the window, as File → Open does."""
        self._pending_open = str(path)
        name = _recent_label(str(path))
        self.opening.setText(f"Opening {name}…")
        self.stack.setCurrentWidget(self.opening)
        self.statusBar().showMessage(f"Opening {name}…")
        self.installEventFilter(self)
        QTimer.singleShot(1000, self._open_pending)  # in case the window is never drawn (minimised)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and self._pending_open is not None:
            self.removeEventFilter(self)
            QTimer.singleShot(0, self._open_pending)  # after this paint reaches the screen
        return super().eventFilter(watched, event)

    def _open_pending(self) -> None:
        path, self._pending_open = self._pending_open, None
        if path is None:
            return
        self.removeEventFilter(self)
        self.statusBar().clearMessage()
        if not self.open_path(path) and self.controller is None:
            self.stack.setCurrentWidget(self.welcome)

    def open_path(self, path: str | Path) -> bool:
        """Open a workspace; if another program has it, offer read-only; if damaged, offer a backup.

        A database URL (``postgresql://…``) opens a team database instead.
        """
        from ..services.session import WorkspaceFileError, WorkspaceLocked, WorkspaceSession, list_backups

        if is_database_url(path):
            return self.open_database(str(path))
        path = Path(path)
        current = self.controller.session.path if self.controller is not None else None
        if current is not None and _same_file(current, path):
            self.statusBar().showMessage(f"{path.name} is already open.", 4000)
            return True  # not "in use by another program": it is this window's own
        try:
            session = WorkspaceSession.open(path)
        except WorkspaceLocked as exc:
            if not Messages.ask_read_only(self, str(exc)):
                return False
            try:
                session = WorkspaceSession.open(path, read_only=True)
            except (WorkspaceFileError, OSError) as exc2:
                Messages.error(self, "Cannot open workspace", str(exc2))
                return False
        except (WorkspaceFileError, OSError) as exc:
            backups = list_backups(path) if path.exists() else []
            if backups and Messages.ask_restore(self, str(exc), backups[0].describe()):
                return self._restore(backups[0].path, path)
            Messages.error(self, "Cannot open workspace", str(exc))
            return False
        self.set_session(session)
        return True

    def _restore(self, backup: Path, original: Path) -> bool:
        from ..services.session import WorkspaceFileError, restore_backup

        stamp = datetime.now().strftime("%Y-%m-%d %H%M")
        target = original.with_name(f"{original.stem} (restored {stamp}).cplan")
        try:
            restore_backup(backup, target)
        except (WorkspaceFileError, OSError) as exc:
            Messages.error(self, "Cannot restore the backup", str(exc))
            return False
        self.statusBar().showMessage(f"Restored a backup into {target.name}; the original file is untouched.", 8000)
        return self.open_path(target)

    def restore_from_backup(self) -> None:
        """File → Restore from backup: pick one of this workspace's backups; it opens as a new file."""
        from ..services.session import list_backups

        if self.controller is None or self.controller.session.path is None:
            return
        original = self.controller.session.path
        backups = list_backups(original)
        if not backups:
            Messages.error(self, "Restore from backup", f"There are no backups of {original.name} yet.")
            return
        index = Messages.choose_backup(self, [b.describe() for b in backups])
        if index is not None:
            self._restore(backups[index].path, original)

    def set_session(self, session: WorkspaceSession | None) -> None:
        from ..domain.model import ConsortiumOption
        from .compare import ComparePage
        from .controller import WorkspaceController
        from .pages import OptionsPage, OrganisationsPage, SettingsPage, TendersPage
        from .pipeline_page import PipelinePage

        old = self.controller
        self.controller = None
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.setParent(None)
            page.deleteLater()
        self.pages.clear()
        self.navigator.clear()
        if old is not None:
            old.workspace_changed.disconnect()
            old.close()
            old.undo_stack.clear()
            old.session.close()
            old.setParent(None)
            old.deleteLater()
        if session is not None:
            c = WorkspaceController(session, self)
            self.controller = c
            c.edit_refused.connect(self.show_refusal)
            c.workspace_changed.connect(self._on_changed)
            self.pages = {
                "Organisations": OrganisationsPage(c),
                "Tenders": TendersPage(c),
                "Consortium options": OptionsPage(c),
                "Compare": ComparePage(c),
                "Pipeline": PipelinePage(c),
                "Workspace settings": SettingsPage(c),
            }
            for name, page in self.pages.items():
                self.stack.addWidget(page)
                QListWidgetItem(name, self.navigator)
            self._wire_undo(c)
            options_table = self.pages["Consortium options"].master.table  # type: ignore[attr-defined]
            options_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            options_table.addActions([self.act_export_case, self.act_export_workbook])
            self._remember(session.path if session.path is not None else session.location)
            self.navigator.setCurrentRow(2 if session.ws.count(ConsortiumOption) else 0)
            if session.store.read_only_reason:  # asked for editing, but the file or its folder is read-only
                self.statusBar().showMessage(session.store.read_only_reason, 15000)
        else:
            self.stack.setCurrentWidget(self.welcome)
            self._wire_undo(None)
        self._update_title()
        self._update_actions()
        self._update_counts()
        settle_heap(self.controller is not None)
        self.workspace_opened.emit(self.controller)

    def _wire_undo(self, c: WorkspaceController | None) -> None:
        """Point the permanent Undo/Redo actions at this workspace's undo stack."""
        if c is None:
            self._undo_state(None)
            return
        stack = c.undo_stack
        for sig in (stack.canUndoChanged, stack.canRedoChanged, stack.undoTextChanged, stack.redoTextChanged):
            sig.connect(lambda *_: self._undo_state(self.controller))
        self._undo_state(c)

    def _undo_state(self, c: WorkspaceController | None) -> None:
        if not shiboken6.isValid(self.act_undo):  # signalled while the window is torn down
            return
        stack = c.undo_stack if c is not None and shiboken6.isValid(c) else None
        if stack is not None and not shiboken6.isValid(stack):  # signalled while the window is torn down
            stack = None
        self.act_undo.setEnabled(bool(stack and stack.canUndo()))
        self.act_redo.setEnabled(bool(stack and stack.canRedo()))
        undo_text = stack.undoText() if stack else ""
        redo_text = stack.redoText() if stack else ""
        self.act_undo.setText(f"&Undo {undo_text}".strip())
        self.act_redo.setText(f"&Redo {redo_text}".strip())

    def undo(self) -> None:
        if self.controller is not None:
            self.controller.undo_stack.undo()

    def redo(self) -> None:
        if self.controller is not None:
            self.controller.undo_stack.redo()

    def close_workspace(self) -> None:
        self.set_session(None)

    def save(self) -> None:
        where = "workspace file" if self.controller is None or self.controller.session.path else "team database"
        self.statusBar().showMessage(f"Every change is already saved in the {where}.", 4000)

    def save_as(self) -> None:
        from ..services.session import WorkspaceFileError

        if self.controller is None:
            return
        path = FileDialogs.ask_save(self, "Save workspace as")
        if not path:
            return
        try:
            session = self.controller.session.save_as(path)
        except (WorkspaceFileError, OSError) as exc:
            Messages.error(self, "Cannot save workspace", str(exc))
            return
        self.set_session(session)
        self.statusBar().showMessage(f"Saved as {Path(path).name}; you are now working in that file.", 6000)

    # ------------------------------------------------------------------ investment case
    def selected_option_id(self) -> int | None:
        page = self.pages.get("Consortium options")
        return page.master.current_id() if page is not None else None  # type: ignore[attr-defined]

    def export_case(self) -> None:
        """File → Export investment case…: choose, then render off the UI thread with progress."""
        from .export_dialog import ExportCaseDialog, export_case_task

        c = self.controller
        if c is None:
            return
        if not c.ws.options():
            Messages.error(self, "Export investment case", "There is no consortium option to write a case for.")
            return
        choice = ExportCaseDialog.ask(c, self.selected_option_id(), self)
        if choice is None:
            return
        option_id, sections, path = choice
        task = export_case_task(c, option_id, sections, path, self)
        task.finished.connect(lambda written: self.statusBar().showMessage(f"Wrote {written}", 10000))
        task.failed.connect(self._export_failed)
        self._export_task = task.start()

    def _export_failed(self, exc: BaseException) -> None:
        from ..domain.tasks import Cancelled

        if isinstance(exc, Cancelled):
            self.statusBar().showMessage("Export cancelled; nothing was written.", 6000)
        else:
            Messages.error(self, "Export investment case", f"The case could not be written: {exc}")

    # ------------------------------------------------------------------ Excel in
    def current_tender_id(self) -> int | None:
        """The tender in view: selected on the Tenders page, or the selected option's tender."""
        from ..domain.model import ConsortiumOption

        if self.controller is None:
            return None
        tenders = self.pages.get("Tenders")
        if tenders is not None and self.stack.currentWidget() is tenders:
            tid = tenders.master.current_id()  # type: ignore[attr-defined]
            if tid is not None:
                return tid
        option = self.controller.ws.get(ConsortiumOption, self.selected_option_id())
        if option is not None:
            return option.tender_id
        return tenders.master.current_id() if tenders is not None else None  # type: ignore[attr-defined]

    def import_workbook(self, path: str | Path | None = None) -> None:
        """File → Import from Excel… (or a dropped workbook): read it off the UI thread, then preview."""
        from ..domain.tasks import Cancelled as ReadCancelled
        from .import_dialog import read_workbook_task

        c = self.controller
        if c is None:
            Messages.error(self, "Import from Excel", "Open a workspace first, then import the workbook into it.")
            return
        if c.session.read_only:
            Messages.error(self, "Import from Excel", "The workspace is open read-only: nothing can be imported.")
            return
        if path is None or path is False:  # a menu's triggered(bool) arrives as False
            path = FileDialogs.ask_open_workbook(self)
            if not path:
                return
        path = Path(path)
        task = read_workbook_task(path, self)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ReadCancelled) or task.was_cancelled:
                self.statusBar().showMessage("Import cancelled; nothing was changed.", 6000)
            else:
                Messages.error(self, "Import from Excel", f"{exc}\n\nNothing was imported.")

        task.finished.connect(lambda grid: self._show_import(path, grid))
        task.failed.connect(failed)
        self._import_task = task.start()

    def _show_import(self, path: Path, grid) -> None:
        from ..domain.model import Organisation as Org
        from .import_dialog import ImportDialog

        self._import_task = None
        c = self.controller
        if c is None:
            return
        prepared = ImportDialog.ask(c, grid, path, self.current_tender_id(), self)
        if prepared is None:
            return
        self.statusBar().showMessage(
            f"Imported from {path.name}: {prepared.plan.summary()}. A backup was taken first; "
            f"Undo ({self.act_undo.shortcut().toString(QKeySequence.SequenceFormat.NativeText)}) removes it.", 12000)
        entity = type(prepared.plan.rows[0].entity) if prepared.plan.rows else None
        if prepared.kind == "organisations" or entity is Org:
            self.show_page("Organisations")
        else:
            page = self.show_page("Tenders")
            tender_id = next((getattr(r.entity, "tender_id", None) for r in prepared.plan.rows
                              if getattr(r.entity, "tender_id", None) is not None), None)
            page.master.table.select_id(tender_id)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ Excel out
    def export_templates(self) -> None:
        """File → Export blank templates…: both templates into a folder the user chooses."""
        from .xlsx_export import template_paths, write_blank_templates

        folder = FileDialogs.ask_folder(self, "Export blank templates to folder")
        if not folder:
            return
        existing = [p.name for p in template_paths(folder) if p.exists()]
        if existing and not Messages.ask_overwrite(self, existing):
            return
        try:
            written = write_blank_templates(folder)
        except OSError as exc:
            Messages.error(self, "Export blank templates", f"The templates could not be written: {exc}")
            return
        self.statusBar().showMessage(f"Wrote {' and '.join(p.name for p in written)} in {folder}", 10000)

    def export_organisations(self) -> None:
        """File → Export organisations to Excel…: every organisation in the template's layout."""
        c = self.controller
        if c is None:
            return
        folder = c.session.path.parent if c.session.path else Path.home()
        stem = c.session.path.stem if c.session.path else "workspace"
        path = FileDialogs.ask_save_workbook(self, "Export organisations to Excel",
                                             str(folder / f"{stem} – organisations.xlsx"))
        if path:
            self._write_template("organisations", Path(path), None)

    def export_requirements(self) -> None:
        """File → Export tender requirements to Excel…: one tender's requirements, for a round trip."""
        from ..domain.model import Tender
        from .xlsx_export import safe_filename

        c = self.controller
        if c is None:
            return
        tenders = c.ws.tenders()
        if not tenders:
            Messages.error(self, "Export tender requirements", "There is no tender whose requirements to export.")
            return
        tender_id = self.current_tender_id()
        if tender_id is None or c.ws.get(Tender, tender_id) is None:
            if len(tenders) == 1:
                tender_id = tenders[0].id
            else:
                index = Messages.choose(self, "Export tender requirements", "Tender:", [t.name for t in tenders])
                if index is None:
                    return
                tender_id = tenders[index].id
        tender = c.ws.get(Tender, tender_id)
        folder = c.session.path.parent if c.session.path else Path.home()
        path = FileDialogs.ask_save_workbook(
            self, "Export tender requirements to Excel",
            str(folder / f"{safe_filename(tender.name, 'tender')} – requirements.xlsx"))  # type: ignore[union-attr]
        if path:
            self._write_template("requirements", Path(path), tender_id)

    def _write_template(self, kind: str, path: Path, tender_id: int | None) -> None:
        from .xlsx_export import filled_template_task

        task = filled_template_task(self.controller, kind, path, tender_id, self)  # type: ignore[arg-type]
        task.finished.connect(lambda written: self.statusBar().showMessage(f"Wrote {Path(written).name}", 10000))
        task.failed.connect(lambda exc: self._excel_failed("Export to Excel", exc))
        self._excel_task = task.start()

    def export_workbook(self) -> None:
        """File → Export option as workbook…: the option's figures, optionally the buyer's schedule filled."""
        from .xlsx_export import ExportWorkbookDialog, export_workbook_task, remember_mapping

        c = self.controller
        if c is None:
            return
        if not c.ws.options():
            Messages.error(self, "Export option as workbook", "There is no consortium option to export.")
            return
        choice = ExportWorkbookDialog.ask(c, self.selected_option_id(), self)
        if choice is None:
            return
        targets = [choice.path] + ([choice.fill.destination] if choice.fill else [])
        existing = [p.name for p in targets if p.exists()]
        if existing and not Messages.ask_overwrite(self, existing):
            return
        if choice.fill is not None:
            remember_mapping(c, choice.fill)
        task = export_workbook_task(c, choice, self)
        task.finished.connect(self._workbook_written)
        task.failed.connect(lambda exc: self._excel_failed("Export option as workbook", exc))
        self._excel_task = task.start()

    def _workbook_written(self, result) -> None:
        from .xlsx_export import describe_export

        self._excel_task = None
        status, details = describe_export(result)
        self.statusBar().showMessage(status, 12000)
        if details:
            Messages.info(self, "Export option as workbook", details)

    def _excel_failed(self, title: str, exc: BaseException) -> None:
        from ..domain.tasks import Cancelled

        self._excel_task = None
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage("Export cancelled; nothing was written.", 6000)
        else:
            Messages.error(self, title, f"The workbook could not be written: {exc}")

    # ------------------------------------------------------------------ feedback
    def show_refusal(self, message: str) -> None:
        self.message_bar.show_refusal(message)  # stays until the next change succeeds
        self.statusBar().setStyleSheet("QStatusBar { color: #b00020; }")
        self.statusBar().showMessage(f"Not changed — {message}", 12000)
        self._refused_timer.start(12000)
        QApplication.beep()

    def _on_changed(self, changes) -> None:
        from .controller import touches

        self.message_bar.clear()  # a change went through: the last refusal no longer stands
        if touches(changes, "organisation", "tender", "consortium_option"):
            self._update_counts()

    def _update_counts(self) -> None:
        from ..domain.model import ConsortiumOption, Organisation, Tender

        c = self.controller
        if c is None:
            self.status_path.setText("No workspace open")
            return
        ws = c.ws
        path = c.session.path
        def n(count: int, word: str) -> str:
            return f"{count} {word}{'' if count == 1 else 's'}"

        self.status_path.setText(
            f"{n(ws.count(Organisation), 'organisation')} · {n(ws.count(Tender), 'tender')} · "
            f"{n(ws.count(ConsortiumOption), 'option')} · {path if path else c.session.location}")

    def _update_title(self) -> None:
        if self.controller is None:
            self.setWindowTitle(APP_NAME)
            return
        path = self.controller.session.path
        name = path.name if path else self.controller.session.location
        ro = " [read-only]" if self.controller.session.store.read_only else ""
        self.setWindowTitle(f"{name}{ro} — {APP_NAME}")
        self.setWindowFilePath(str(path) if path else "")

    def _update_actions(self) -> None:
        has = self.controller is not None
        for a in (self.act_save, self.act_save_as, self.act_restore, self.act_close, self.act_export_case,
                  self.act_export_orgs, self.act_export_reqs, self.act_export_workbook):
            a.setEnabled(has)
        is_file = has and self.controller.session.path is not None  # type: ignore[union-attr]
        self.act_save_as.setEnabled(is_file)  # Save As and backups are for files; a database has the server's
        self.act_restore.setEnabled(is_file)
        self.act_import.setEnabled(has and not self.controller.session.read_only)  # type: ignore[union-attr]

    def _show_page(self, row: int) -> None:
        names = list(self.pages)
        if 0 <= row < len(names):
            self.stack.setCurrentWidget(self.pages[names[row]])

    def show_page(self, name: str) -> QWidget:
        self.navigator.setCurrentRow(list(self.pages).index(name))
        return self.pages[name]

    # ------------------------------------------------------------------ drag and drop
    @staticmethod
    def _dropped_file(event) -> str | None:
        """A dropped workspace (.cplan) or, into an open workspace, an Excel workbook to import."""
        md = event.mimeData()
        if md.hasUrls():
            for url in md.urls():
                name = url.toLocalFile().lower() if url.isLocalFile() else ""
                if name.endswith(".cplan") or name.endswith(WORKBOOK_SUFFIXES):
                    return url.toLocalFile()
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._dropped_file(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self._dropped_file(event)
        if not path:
            return
        event.acceptProposedAction()
        if path.lower().endswith(WORKBOOK_SUFFIXES):
            self.import_workbook(path)
        else:
            self.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.set_session(None)
        super().closeEvent(event)
