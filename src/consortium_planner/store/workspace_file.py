"""Open, create, load and change a workspace file.

A workspace is one SQLite file (``.cplan``) or, for a team, a PostgreSQL database URL. On open
the schema is brought to the current version by Alembic, after a backup taken with SQLite's
backup API (never a copy of a live file). Foreign keys are enforced; the journal is the classic
rollback journal so the file is self-contained whenever no transaction is open, and safe to
e-mail once closed. Each change is one transaction.

On PostgreSQL the same code runs with these differences: no lock file and no backups (the
server's own backups apply), the integrity checks are the server's, and after rows are written
with ids chosen here (undo, redo, imports) the table's id sequence is moved past them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, IntegrityError, OperationalError

from ..domain.fields import Kind, specs
from ..domain.model import ENTITIES, ENTITY_BY_NAME, Entity
from ..domain.workspace import Workspace
from . import audit, safety
from .locations import is_database_url
from .safety import WorkspaceFileError, WorkspaceLocked, backup_dir, list_backups
from .tables import TABLES

__all__ = ["Removal", "Store", "WorkspaceFileError", "WorkspaceLocked", "backup_dir", "building", "database_url",
           "display_url", "install_workspace", "is_database_url", "list_backups", "restore_backup", "sqlite_backup",
           "workspace_stem"]

SUFFIX = ".cplan"
MIGRATIONS = Path(__file__).with_name("migrations")
APPLICATION_ID = 0x43504C4E  # "CPLN" in the SQLite header, so the file says what it is
# The newest migration. Opening a file already at this revision needs no Alembic import (it costs
# a fifth of a second at start-up); a test checks this equals Alembic's own head.
SCHEMA_HEAD = "0016"


def restore_backup(backup: str | Path, destination: str | Path) -> Path:
    """Write a backup out as a new workspace file (the damaged original is never touched)."""
    dest = Path(destination)
    if dest.exists():
        raise WorkspaceFileError(f"{dest.name}: a file of that name already exists")
    _check_sqlite_header(Path(backup))
    sqlite_backup(Path(backup), dest)
    return dest


@dataclass
class Removal:
    """What a delete took away, enough to put it back exactly (for undo)."""

    rows: list[Entity] = field(default_factory=list)  # parents before children
    unlinked: list[tuple[type[Entity], int, str, int]] = field(default_factory=list)  # (cls, id, field, old id)


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _on_connect(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = DELETE")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.close()


def _on_connect_read_only(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.close()


def database_url(target: str | Path) -> URL:
    """The URL of a team database: PostgreSQL through psycopg 3 (what ``postgresql://`` means here)."""
    try:
        url = make_url(str(target))
    except (ArgumentError, ValueError) as exc:
        raise WorkspaceFileError(f"{_redacted(str(target))}: not a database URL ({exc}); write it as "
                                 "postgresql://user@host:5432/database") from None
    if url.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise WorkspaceFileError(
            f"{display_url(url)}: only PostgreSQL databases are supported "
            "(postgresql://user@host/database)")
    return url.set(drivername="postgresql+psycopg")


def _redacted(text: str) -> str:
    """A URL that could not be parsed, for a message: anything between ``:`` and ``@`` (a password) hidden."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest:
        return text
    who, _, where = rest.rpartition("@")
    user = who.split(":", 1)[0]
    return f"{scheme}://{user}{':***' if ':' in who else ''}@{where}"


def display_url(url: str | URL) -> str:
    """The URL to show a person: never the password."""
    try:
        parsed = make_url(str(url)) if not isinstance(url, URL) else url
    except (ArgumentError, ValueError):
        return "a database"
    # (URL.set(password=None) would keep the password: None there means "leave as it is")
    bare = URL.create(parsed.drivername, username=parsed.username, host=parsed.host, port=parsed.port,
                      database=parsed.database, query=parsed.query)
    return bare.render_as_string(hide_password=False)


def workspace_stem(target: str | Path) -> str:
    """A name to base output file names on: the file's stem, or the team database's name."""
    if is_database_url(target):
        try:
            return make_url(str(target)).database or "workspace"
        except (ArgumentError, ValueError):
            return "workspace"
    return Path(target).stem


def make_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    """Engine for a file path or a database URL (``postgresql+psycopg://…`` for teams)."""
    if is_database_url(target):
        url = database_url(target)
        connect_args = {}
        if "connect_timeout" not in url.query:
            connect_args["connect_timeout"] = 10  # a wrong host answers within seconds, not minutes
        if "application_name" not in url.query:
            connect_args["application_name"] = "consortium-planner"
        try:
            return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        except ImportError:
            raise WorkspaceFileError(
                "PostgreSQL support is not installed: pip install 'consortium-planner[postgres]'") from None
    path = str(target)
    if read_only:
        uri = Path(path).resolve().as_uri() + "?mode=ro"
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
        event.listen(engine, "connect", _on_connect_read_only)
        return engine
    engine = create_engine(_sqlite_url(Path(path)))
    event.listen(engine, "connect", _on_connect)
    return engine


def alembic_config(connection: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    cfg = alembic_config(None)  # type: ignore[arg-type]
    return ScriptDirectory.from_config(cfg).get_current_head()  # type: ignore[return-value]


def current_schema(connection: Connection) -> str | None:
    """The schema revision recorded in the file, without importing Alembic."""
    if "alembic_version" not in inspect(connection).get_table_names():
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def sqlite_backup(source: Path, destination: Path) -> Path:
    """Copy a SQLite database with the backup API (consistent even if another connection writes)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return destination


def _check_sqlite_header(path: Path) -> bytes:
    """The file's first 100 bytes (the SQLite header), or ``WorkspaceFileError`` if it is not a SQLite database."""
    if not path.exists():
        raise WorkspaceFileError(f"{path.name}: no such file")
    if path.is_dir():
        raise WorkspaceFileError(f"{path.name}: is a folder, not a workspace file")
    size = path.stat().st_size
    if size == 0:
        raise WorkspaceFileError(f"{path.name}: the file is empty (0 bytes), not a workspace")
    try:
        with path.open("rb") as fh:
            head = fh.read(100)
    except PermissionError:
        raise WorkspaceFileError(f"{path.name}: you do not have permission to read it") from None
    if head[:16] != b"SQLite format 3\x00":
        raise WorkspaceFileError(f"{path.name}: not a Consortium Planner workspace (not a SQLite database)")
    return head


def known_revisions() -> frozenset[str]:
    """Every schema revision this version knows (``0001`` … ``SCHEMA_HEAD``), without importing Alembic."""
    return frozenset(f"{n:04d}" for n in range(1, int(SCHEMA_HEAD) + 1))


def identify(path: Path) -> None:
    """Refuse, with a message for a person, a file that is not a workspace this version can open —
    before anything writes to it (no lock, no journal-mode change, no schema).

    Reads the SQLite header (the application id at byte 68) and, through a connection that cannot
    write (``mode=ro&immutable=1``), the table names and the recorded schema revision. Refused: not a
    SQLite database; another program's database (another application id, or tables without ours); an
    empty SQLite database (Consortium Planner makes new workspaces with File → New or ``demo``, never
    by opening); a workspace from a newer version (a revision this version does not know)."""
    head = _check_sqlite_header(path)
    app_id = int.from_bytes(head[68:72], "big")
    if app_id not in (0, APPLICATION_ID):
        raise WorkspaceFileError(f"{path.name}: a SQLite database made by another program, not a Consortium "
                                 "Planner workspace (nothing was changed)")
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise WorkspaceFileError(f"{path.name}: cannot be read as a workspace ({exc})") from None
    try:
        tables, revision = _tables_and_revision(conn)
    except sqlite3.Error as exc:
        conn.close()
        if not _journal_beside(path):
            raise WorkspaceFileError(f"{path.name}: the file is damaged or not a workspace ({exc})") from None
        # A transaction cut short (the program killed, the power lost) leaves the file half-written beside
        # its rollback journal, which an immutable read ignores: SQLite's own recovery is to roll the file
        # back to its last committed state on the first read by a connection that may write, as any later
        # opening does. Read through one; only if that fails too is the file damaged.
        try:
            conn = sqlite3.connect(path, timeout=10)
            tables, revision = _tables_and_revision(conn)
        except sqlite3.Error as exc2:
            raise WorkspaceFileError(f"{path.name}: the file is damaged or not a workspace ({exc2})") from None
    finally:
        conn.close()
    if not tables:
        raise WorkspaceFileError(f"{path.name}: an empty SQLite database, not a Consortium Planner workspace "
                                 "(nothing was changed; make a new workspace with File → New)")
    ours = {t.name for t in TABLES.values()}
    if "alembic_version" not in tables or (app_id == 0 and ours and not (tables & ours)):
        raise WorkspaceFileError(f"{path.name}: a SQLite database, but not a Consortium Planner workspace "
                                 "(nothing was changed)")
    if revision is not None and revision not in known_revisions():
        if app_id == APPLICATION_ID or (tables & ours):
            raise WorkspaceFileError(
                f"{path.name}: made by a newer version of Consortium Planner (schema {revision}; this version "
                f"reads up to {SCHEMA_HEAD}). Install the newer version to open it; nothing was changed.")
        raise WorkspaceFileError(f"{path.name}: another program's database (schema {revision!r}), not a "
                                 "Consortium Planner workspace (nothing was changed)")


def _tables_and_revision(conn: sqlite3.Connection) -> tuple[set[str], str | None]:
    """The database's table names and the schema revision it records (None: no ``alembic_version`` row)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(row[0]) if row else None
    return tables, revision


def _journal_beside(path: Path) -> bool:
    """Whether a rollback journal with something in it lies beside the database (a transaction under way, or
    one cut short: then it is "hot", and the next connection that may write rolls the file back with it)."""
    journal = path.with_name(path.name + "-journal")
    try:
        return journal.stat().st_size > 0
    except OSError:
        return False


def scratch_path(target: Path) -> Path:
    """Where a workspace that will replace ``target`` is built: a hidden file beside it (same folder,
    so the final rename is atomic)."""
    return target.with_name(f".{target.stem}.new-{os.getpid()}{target.suffix}")


def _remove_workspace_file(path: Path) -> None:
    path.unlink(missing_ok=True)
    safety.lock_path(path).unlink(missing_ok=True)


def _install(built: Path, target: Path) -> None:
    """``built`` (a closed workspace file) takes ``target``'s place in one rename; the caller holds
    ``target``'s lock. A workspace already there is backed up first (``<stem>.backups/``)."""
    if target.is_dir():
        raise WorkspaceFileError(f"{target.name}: is a folder, not a workspace file")
    try:
        with target.open("rb") as fh:
            old_is_sqlite = fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        old_is_sqlite = False
    if old_is_sqlite:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        try:
            sqlite_backup(target, backup_dir(target) / f"{target.stem}-{stamp}-before-replacing{SUFFIX}")
        except (sqlite3.Error, OSError):
            pass  # a damaged file being replaced on purpose cannot be backed up; the user asked for --force
        safety.prune(target)
    os.replace(built, target)


def install_workspace(built: Path, target: Path) -> None:
    """Replace ``target`` by the finished workspace file ``built`` without ever deleting first: ``target``'s
    lock is taken before anything happens (a file another program has open is refused and left as it
    was, and ``built`` removed), a workspace there is backed up, and one rename puts ``built`` in place."""
    try:
        safety.acquire(target)
    except BaseException:
        _remove_workspace_file(built)
        raise
    try:
        _install(built, target)
    except BaseException:
        _remove_workspace_file(built)
        raise
    finally:
        safety.release(target)


@contextlib.contextmanager
def building(target: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Build a workspace file to put at ``target``: yields a scratch path beside it; when the block ends
    the finished file replaces ``target`` (``install_workspace``); if it fails, ``target`` is untouched and
    the scratch file removed. Refused up front when ``target`` exists and ``overwrite`` is false."""
    if target.exists() and not overwrite:
        raise WorkspaceFileError(f"{target.name}: a file of that name already exists")
    if target.is_dir():
        raise WorkspaceFileError(f"{target.name}: is a folder, not a workspace file")
    tmp = scratch_path(target)
    _remove_workspace_file(tmp)
    try:
        yield tmp
    except BaseException:
        _remove_workspace_file(tmp)
        raise
    install_workspace(tmp, target)


def _not_writable(path: Path) -> str:
    """Why ``path`` can only be opened read-only ("" when it can be edited): the file or its folder
    cannot be written (SQLite writes its journal beside the file)."""
    if not os.access(path, os.W_OK):
        return f"{path.name}: the file is read-only, so it is open read-only (nothing can be changed)"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return (f"{path.name}: its folder cannot be written, so it is open read-only "
                "(copy it to a folder you can write to, to edit it)")
    return ""


class Store:
    """One open workspace. Every public method that writes is one transaction.

    A writable store holds the file's lock (``safety.acquire``) until ``close``; a read-only
    one takes no lock and refuses every write.
    """

    def __init__(self, engine: Engine, path: Path | None, *, read_only: bool = False):
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self.read_only_reason = ""  # why a file asked for editing was opened read-only ("" if it was not)
        self._locked = False
        self._operations: list[str] = []  # the operations under way, outermost first (``operation``)

    @property
    def is_database(self) -> bool:
        """A team database (PostgreSQL), not a workspace file."""
        return self.path is None

    @property
    def location(self) -> str:
        """The file's path, or the database URL without its password: safe to show and to remember."""
        return str(self.path) if self.path is not None else display_url(self.engine.url)

    @property
    def name(self) -> str:
        """Short name for messages and the title bar: the file name, or the URL without password."""
        return self.path.name if self.path is not None else self.location

    # ------------------------------------------------------------------ open / create
    @classmethod
    def create(cls, path: str | Path, *, overwrite: bool = False) -> Store:
        """A new, empty workspace file; or a new workspace in an empty team database.

        A database is never emptied: ``overwrite`` applies to files only, and a database that
        already holds tables is refused with nothing changed.
        """
        if is_database_url(path):
            return cls._create_database(path)
        p = Path(path)
        if p.exists():
            if not overwrite:
                raise WorkspaceFileError(f"{p.name}: a file of that name already exists")
            return cls._replace(p)
        safety.acquire(p)
        try:
            engine = make_engine(p)
            store = cls(engine, p)
            store._locked = True
            store._migrate(backup=False)
        except BaseException:
            safety.release(p)
            raise
        return store

    @classmethod
    def _replace(cls, p: Path) -> Store:
        """A new, empty workspace in place of the file at ``p``, never deleting first (``install_workspace``),
        keeping ``p``'s lock for the store returned."""
        tmp = scratch_path(p)
        try:
            cls.create(tmp).close()
            safety.acquire(p)
        except BaseException:
            _remove_workspace_file(tmp)
            raise
        try:
            _install(tmp, p)
            store = cls(make_engine(p), p)
            store._locked = True
        except BaseException:
            _remove_workspace_file(tmp)
            safety.release(p)
            raise
        return store

    @classmethod
    def open(cls, target: str | Path, *, migrate: bool = True, read_only: bool = False) -> Store:
        """Open a workspace file (or database URL).

        Raises ``WorkspaceLocked`` when another program has it open for writing (open it with
        ``read_only=True`` instead), ``WorkspaceFileError`` when it is missing, damaged or not
        a workspace — in which case its bytes are left exactly as they were.
        """
        if is_database_url(target):
            return cls._open_database(target, migrate=migrate, read_only=read_only)
        p = Path(target)
        identify(p)
        why_read_only = ""
        if not read_only:
            why_read_only = _not_writable(p)
            if not why_read_only:
                try:
                    safety.acquire(p)
                except safety.LockUnavailable as exc:
                    why_read_only = str(exc)
            read_only = bool(why_read_only)
        engine = make_engine(p, read_only=read_only)
        store = cls(engine, p, read_only=read_only)
        store.read_only_reason = why_read_only
        store._locked = not read_only
        try:
            with engine.connect() as conn:
                app_id = conn.exec_driver_sql("PRAGMA application_id").scalar()
                tables = set(inspect(conn).get_table_names())
            if app_id not in (0, APPLICATION_ID) or (app_id == 0 and tables and "alembic_version" not in tables):
                raise WorkspaceFileError(f"{p.name}: a SQLite database, but not a Consortium Planner workspace")
            problems = store.integrity_problems(quick=True)
            if problems:
                raise WorkspaceFileError(f"{p.name}: the file is damaged ({problems[0]})")
            if read_only:
                with engine.connect() as conn:
                    if current_schema(conn) != SCHEMA_HEAD:
                        raise WorkspaceFileError(
                            f"{p.name}: written by another version of the program; open it for editing "
                            "once to upgrade it (a backup is kept)")
            elif migrate:
                store._migrate(backup=True)
                if safety.changed_since_last_backup(p):
                    store.backup(reason="on-open")
        except DatabaseError as exc:
            store.close()
            raise WorkspaceFileError(f"{p.name}: the file is damaged or not a workspace ({exc.orig})") from None
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _open_database(cls, url: str | Path, *, migrate: bool, read_only: bool) -> Store:
        store = cls(make_engine(url), None, read_only=read_only)
        try:
            with store._database_errors():
                with store.engine.connect() as conn:
                    tables = set(inspect(conn).get_table_names())
                    schema = current_schema(conn)
                if tables and "alembic_version" not in tables:
                    raise WorkspaceFileError(
                        f"{store.name}: the database holds other tables, not a Consortium Planner workspace")
                if read_only:
                    if schema != SCHEMA_HEAD:
                        raise WorkspaceFileError(
                            f"{store.name}: written by another version of the program (or empty); open it "
                            "for editing once to upgrade it")
                elif migrate:
                    store._migrate(backup=False)
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _create_database(cls, url: str | Path) -> Store:
        store = cls(make_engine(url), None)
        try:
            with store._database_errors():
                with store.engine.connect() as conn:
                    tables = inspect(conn).get_table_names()
                if tables:
                    raise WorkspaceFileError(
                        f"{store.name}: the database is not empty; a new workspace needs an empty database "
                        "(nothing was changed)")
                store._migrate(backup=False)
        except BaseException:
            store.close()
            raise
        return store

    @contextlib.contextmanager
    def _database_errors(self) -> Iterator[None]:
        """A server that cannot be reached or refuses us: a message for a person (never the password)."""
        try:
            yield
        except OperationalError as exc:
            raise WorkspaceFileError(f"{self.name}: cannot connect to the database ({exc.orig})") from None
        except DatabaseError as exc:
            raise WorkspaceFileError(f"{self.name}: the database refused ({exc.orig})") from None

    def _migrate(self, *, backup: bool) -> None:
        with self.engine.connect() as conn:
            current = current_schema(conn)
        if current == SCHEMA_HEAD:
            return
        from alembic import command
        if current is not None and backup and self.path is not None:
            self.backup(reason=f"before-upgrade-from-{current}")
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":
                # two team members opening a new database at once: one migrates, the other waits
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({APPLICATION_ID})")
                if current_schema(conn) == SCHEMA_HEAD:
                    return
            command.upgrade(alembic_config(conn), "head")
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    def backup(self, *, reason: str = "backup") -> Path:
        """A consistent copy in ``<stem>.backups/`` (SQLite backup API); keeps the newest ten."""
        if self.path is None:
            raise WorkspaceFileError("backups are for workspace files; a team database has the server's backups")
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        made = sqlite_backup(self.path, backup_dir(self.path) / f"{self.path.stem}-{stamp}-{reason}{SUFFIX}")
        safety.prune(self.path)
        return made

    def save_as(self, destination: str | Path) -> Path:
        """Write a consistent copy of the workspace to ``destination`` (SQLite backup API)."""
        if self.path is None:
            raise WorkspaceFileError("Save As is for workspace files, not a team database")
        dest = Path(destination)
        if dest.resolve() == self.path.resolve():
            return dest
        tmp = dest.with_name(dest.name + ".tmp")
        if tmp.exists():
            tmp.unlink()
        sqlite_backup(self.path, tmp)
        tmp.replace(dest)
        return dest

    def close(self) -> None:
        self.engine.dispose()
        if self._locked and self.path is not None:
            safety.release(self.path)
            self._locked = False

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ reading
    def load(self) -> Workspace:
        rows: list[Entity] = []
        try:
            with self.engine.connect() as conn:
                for cls in ENTITIES:
                    table = TABLES[cls]
                    names = list(specs(cls))
                    # in id order: PostgreSQL returns an updated row last, SQLite in rowid (= id) order
                    for r in conn.execute(select(*[table.c[n] for n in names]).order_by(table.c.id)):
                        rows.append(cls(*r))
        except DatabaseError as exc:
            if self.is_database:
                raise WorkspaceFileError(f"{self.name}: cannot be read ({exc.orig})") from None
            raise WorkspaceFileError(f"{self.name}: cannot be read, the file is damaged ({exc.orig})") from None
        except (ValueError, TypeError) as exc:
            raise WorkspaceFileError(f"{self.name}: holds a value this version cannot read ({exc})") from None
        return Workspace(rows)

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def operation(self, name: str) -> Iterator[None]:
        """Name the writes made inside the block in the audit trail (the outermost name wins, so the undo
        stack's "Undo: Set price" names the session's own writes)."""
        self._operations.append(name)
        try:
            yield
        finally:
            self._operations.pop()

    def _audit(self, conn: Connection, changes: Iterable[audit.Change], default: str) -> None:
        """Record ``changes`` in the audit trail, in the transaction ``conn`` (``store/audit.py``)."""
        audit.write(conn, changes, self._operations[0] if self._operations else default)

    def audit_records(self) -> list[tuple]:
        """The audit trail, oldest first (``audit.read``)."""
        with self.engine.connect() as conn:
            return audit.read(conn)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        if self.read_only:
            raise WorkspaceFileError(self.read_only_reason or f"{self.name} is open read-only: nothing can be changed")
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise WorkspaceFileError(f"the change breaks a rule of the workspace: {exc.orig}") from None
        except OperationalError as exc:
            if not self.is_database:  # the disk full, an I/O error: rolled back
                raise WorkspaceFileError(f"{self.name}: the change could not be saved ({exc.orig}); nothing was "
                                         "written") from None
            raise WorkspaceFileError(f"the database did not take the change ({exc.orig}); nothing was written") from None
        except DBAPIError as exc:
            if not self.is_database:
                raise
            # a value out of the server's range, a lost connection, a conflict with another writer
            raise WorkspaceFileError(f"the database did not take the change ({exc.orig}); nothing was written") from None

    @staticmethod
    def _values(e: Entity, *, with_id: bool) -> dict:
        return {n: getattr(e, n) for n in specs(type(e)) if with_id or n != "id"}

    def insert(self, e: Entity, conn: Connection | None = None) -> Entity:
        """Store a new row; returns it with its id."""
        import dataclasses

        def run(c: Connection) -> Entity:
            with_id = e.id is not None
            res = c.execute(insert(TABLES[type(e)]).values(**self._values(e, with_id=with_id)))
            if with_id:
                self._ids_written(c, TABLES[type(e)])
            stored = dataclasses.replace(e, id=e.id if with_id else res.inserted_primary_key[0])
            self._audit(c, [audit.added(stored)], f"Add {type(e).label}")
            return stored

        if conn is not None:
            return run(conn)
        with self.transaction() as c:
            return run(c)

    def insert_many(self, entities: Iterable[Entity]) -> list[Entity]:
        with self.transaction() as c:
            return [self.insert(e, c) for e in entities]

    def insert_rows(self, conn: Connection, entities: Iterable[Entity]) -> None:
        """Insert rows that already have their ids, in order, inside a caller's transaction.

        Consecutive rows of one kind go in one executemany (an import of 10,000 requirements is
        one statement, not 10,000); the order between kinds is kept, so parents precede children.
        """
        run: list[Entity] = []

        def flush() -> None:
            if run:
                conn.execute(insert(TABLES[type(run[0])]), [self._values(e, with_id=True) for e in run])
                self._ids_written(conn, TABLES[type(run[0])])
                self._audit(conn, [audit.added(e) for e in run], f"Add {type(run[0]).label}")
                run.clear()

        for e in entities:
            if e.id is None:
                raise ValueError(f"{type(e).label}: insert_rows needs rows with ids")
            if run and type(run[0]) is not type(e):
                flush()
            run.append(e)
        flush()

    def delete_rows(self, conn: Connection, entities: Iterable[Entity]) -> None:
        """Delete rows by id inside a caller's transaction, in order, grouped by kind (no cascade collection)."""
        run: list[Entity] = []

        def flush() -> None:
            if run:
                table = TABLES[type(run[0])]
                ids = [e.id for e in run]
                for start in range(0, len(ids), 500):
                    conn.execute(delete(table).where(table.c.id.in_(ids[start:start + 500])))
                self._audit(conn, [audit.removed(e) for e in run], f"Delete {type(run[0]).label}")
                run.clear()

        for e in entities:
            if run and type(run[0]) is not type(e):
                flush()
            run.append(e)
        flush()

    def _ids_written(self, conn: Connection, table: Table) -> None:
        """After rows were written with ids chosen here, keep the database's own id counter past them.

        SQLite's AUTOINCREMENT does this by itself (``sqlite_sequence``). A PostgreSQL sequence does
        not: without this, the next row added without an id would be given one already taken. The
        sequence never moves back, so an id is never handed out twice (as with AUTOINCREMENT).
        """
        if self.engine.dialect.name != "postgresql":
            return
        conn.execute(text(
            "SELECT setval(s.seq, GREATEST(COALESCE(pg_sequence_last_value(s.seq), 0), "
            f"(SELECT max(id) FROM {self._quoted(table)})))"
            " FROM (SELECT pg_get_serial_sequence(:t, 'id')::regclass AS seq) AS s"), {"t": self._quoted(table)})

    def _quoted(self, table: Table) -> str:
        return self.engine.dialect.identifier_preparer.quote_identifier(table.name)

    def update_fields(self, before: Entity, after: Entity, conn: Connection | None = None) -> None:
        """Write the fields in which ``after`` differs from ``before``, if the row still holds ``before``'s.

        Only the changed columns are written, so two people editing different fields of one row
        (a team database) do not undo each other; if someone else changed the same field since
        this copy was read, the edit is refused rather than written over theirs.
        """
        table = TABLES[type(after)]
        changed = {n: getattr(after, n) for n in specs(type(after))
                   if n != "id" and getattr(after, n) != getattr(before, n)}
        if not changed:
            return

        def run(c: Connection) -> None:
            res = c.execute(update(table)
                            .where(table.c.id == after.id,
                                   *[table.c[n].is_not_distinct_from(getattr(before, n)) for n in changed])
                            .values(**changed))
            if res.rowcount == 1:
                self._audit(c, audit.changed(before, after), f"Set {type(after).label} {', '.join(changed)}")
                return
            if c.execute(select(table.c.id).where(table.c.id == after.id)).first() is None:
                raise WorkspaceFileError(f"{type(after).label} {after.id} no longer exists")
            raise WorkspaceFileError(
                f"{type(after).label} {after.id} was changed by someone else after you opened the workspace; "
                "reopen it to see their change (nothing was written)")

        if conn is not None:
            run(conn)  # inside the caller's transaction: a refusal rolls back the whole batch
        else:
            with self.transaction() as c:
                run(c)

    def update(self, e: Entity, conn: Connection | None = None) -> None:
        table = TABLES[type(e)]

        def run(c: Connection) -> None:
            names = list(specs(type(e)))
            old = c.execute(select(*[table.c[n] for n in names]).where(table.c.id == e.id)).first()
            res = c.execute(update(table).where(table.c.id == e.id).values(**self._values(e, with_id=False)))
            if res.rowcount != 1 or old is None:
                raise WorkspaceFileError(f"{type(e).label} {e.id} no longer exists")
            self._audit(c, audit.changed(type(e)(*old), e), f"Set {type(e).label}")

        if conn is not None:
            run(conn)
        else:
            with self.transaction() as c:
                run(c)

    def delete(self, cls: type[Entity], id_: int) -> Removal:
        """Delete a row and everything that belongs to it; returns what went, for undo."""
        with self.transaction() as conn:
            removal = self._collect(conn, cls, id_)
            conn.execute(delete(TABLES[cls]).where(TABLES[cls].c.id == id_))
            self._audit(conn, [*(audit.removed(r) for r in removal.rows),
                               *(audit.field_changed(u, uid, f, old, None) for u, uid, f, old in removal.unlinked)],
                        f"Delete {cls.label}")
            return removal

    def delete_row(self, conn: Connection, cls: type[Entity], id_: int) -> None:
        """Delete one row inside a caller's transaction (rows without children, e.g. allocations)."""
        t, names = TABLES[cls], list(specs(cls))
        old = conn.execute(select(*[t.c[n] for n in names]).where(t.c.id == id_)).first()
        conn.execute(delete(t).where(t.c.id == id_))
        if old is not None:
            self._audit(conn, [audit.removed(cls(*old))], f"Delete {cls.label}")

    def next_id(self, cls: type[Entity]) -> int:
        """The id the next row of ``cls`` would get (ids are never reused: AUTOINCREMENT, or the sequence)."""
        table = TABLES[cls]
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(table.c.id))).scalar() or 0
            if self.engine.dialect.name == "sqlite":
                seq = conn.exec_driver_sql(
                    "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).scalar()
                top = max(top, seq or 0)
            elif self.engine.dialect.name == "postgresql":
                seq = conn.execute(text(
                    "SELECT pg_sequence_last_value(pg_get_serial_sequence(:t, 'id')::regclass)"),
                    {"t": self._quoted(table)}).scalar()
                top = max(top, seq or 0)
        return top + 1

    def restore(self, removal: Removal) -> None:
        """Put back what ``delete`` took away, with the same ids."""
        order = {c: i for i, c in enumerate(ENTITIES)}
        with self.transaction() as conn, self.operation("Restore"):
            for e in sorted(removal.rows, key=lambda r: order[type(r)]):
                self.insert(e, conn)
            for cls, id_, fname, old in removal.unlinked:
                conn.execute(update(TABLES[cls]).where(TABLES[cls].c.id == id_).values(**{fname: old}))
            self._audit(conn, [audit.field_changed(c, i, f, None, old) for c, i, f, old in removal.unlinked], "Restore")

    def _collect(self, conn: Connection, cls: type[Entity], id_: int) -> Removal:
        removal = Removal()
        seen: set[tuple[type[Entity], int]] = set()
        table = TABLES[cls]
        names = list(specs(cls))
        first = conn.execute(select(*[table.c[n] for n in names]).where(table.c.id == id_)).first()
        if first is None:
            raise WorkspaceFileError(f"{cls.label} {id_} no longer exists")
        queue: list[Entity] = [cls(*first)]
        while queue:
            row = queue.pop(0)
            if (type(row), row.id) in seen:
                continue
            seen.add((type(row), row.id))  # type: ignore[arg-type]
            removal.rows.append(row)
            for child_cls in ENTITIES:
                for fname, spec in specs(child_cls).items():
                    if spec.kind is not Kind.REF or ENTITY_BY_NAME[spec.ref] is not type(row):  # type: ignore[index]
                        continue
                    t = TABLES[child_cls]
                    cnames = list(specs(child_cls))
                    found = conn.execute(select(*[t.c[n] for n in cnames]).where(t.c[fname] == row.id)).all()
                    for r in found:
                        child = child_cls(*r)
                        if spec.cascade:
                            queue.append(child)
                        else:
                            removal.unlinked.append((child_cls, child.id, fname, row.id))  # type: ignore[arg-type]
        # a row that is itself removed need not be re-linked
        gone = {(type(r), r.id) for r in removal.rows}
        removal.unlinked = [u for u in removal.unlinked if (u[0], u[1]) not in gone]
        return removal

    def integrity_problems(self, *, quick: bool = False) -> list[str]:
        """SQLite's own integrity and foreign-key checks; empty when the file is sound.

        A PostgreSQL server enforces foreign keys as each change is made and looks after its own
        files, so there is nothing for the program to check: always empty.
        """
        if self.engine.dialect.name != "sqlite":
            return []
        check = "quick_check" if quick else "integrity_check"
        with self.engine.connect() as conn:
            problems = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {check}") if r[0] != "ok"]
            problems += [f"foreign key: {tuple(r)}" for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
        return problems
