"""Open, create, load and change a workspace file.

A workspace is one SQLite file (``.cplan``) or, for a team, a PostgreSQL database URL. On open
the schema is brought to the current version by Alembic, after a backup taken with SQLite's
backup API (never a copy of a live file). Foreign keys are enforced; the journal is the classic
rollback journal so the file is self-contained whenever no transaction is open, and safe to
e-mail once closed. Each change is one transaction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, delete, event, insert, inspect, select, update
from sqlalchemy.exc import DatabaseError, IntegrityError

from ..domain.fields import Kind, specs
from ..domain.model import ENTITIES, ENTITY_BY_NAME, Entity
from ..domain.workspace import Workspace
from . import safety
from .safety import WorkspaceFileError, WorkspaceLocked, backup_dir, list_backups
from .tables import TABLES

__all__ = ["Removal", "Store", "WorkspaceFileError", "WorkspaceLocked", "backup_dir", "list_backups",
           "restore_backup", "sqlite_backup"]

SUFFIX = ".cplan"
MIGRATIONS = Path(__file__).with_name("migrations")
APPLICATION_ID = 0x43504C4E  # "CPLN" in the SQLite header, so the file says what it is
# The newest migration. Opening a file already at this revision needs no Alembic import (it costs
# a fifth of a second at start-up); a test checks this equals Alembic's own head.
SCHEMA_HEAD = "0003"


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


def make_engine(target: str | Path, *, read_only: bool = False) -> Engine:
    """Engine for a file path or a database URL (``postgresql+psycopg://…`` for teams)."""
    text = str(target)
    if "://" in text:
        return create_engine(text)
    if read_only:
        uri = Path(text).resolve().as_uri() + "?mode=ro"
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False))
        event.listen(engine, "connect", _on_connect_read_only)
        return engine
    engine = create_engine(_sqlite_url(Path(text)))
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


def _check_sqlite_header(path: Path) -> None:
    if not path.exists():
        raise WorkspaceFileError(f"{path.name}: no such file")
    if path.is_dir():
        raise WorkspaceFileError(f"{path.name}: is a folder, not a workspace file")
    size = path.stat().st_size
    if size == 0:
        raise WorkspaceFileError(f"{path.name}: the file is empty (0 bytes), not a workspace")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise WorkspaceFileError(f"{path.name}: not a Consortium Planner workspace (not a SQLite database)")


class Store:
    """One open workspace. Every public method that writes is one transaction.

    A writable store holds the file's lock (``safety.acquire``) until ``close``; a read-only
    one takes no lock and refuses every write.
    """

    def __init__(self, engine: Engine, path: Path | None, *, read_only: bool = False):
        self.engine = engine
        self.path = path
        self.read_only = read_only
        self._locked = False

    # ------------------------------------------------------------------ open / create
    @classmethod
    def create(cls, path: str | Path, *, overwrite: bool = False) -> Store:
        p = Path(path)
        if p.exists():
            if not overwrite:
                raise WorkspaceFileError(f"{p.name}: a file of that name already exists")
            p.unlink()
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
    def open(cls, target: str | Path, *, migrate: bool = True, read_only: bool = False) -> Store:
        """Open a workspace file (or database URL).

        Raises ``WorkspaceLocked`` when another program has it open for writing (open it with
        ``read_only=True`` instead), ``WorkspaceFileError`` when it is missing, damaged or not
        a workspace — in which case its bytes are left exactly as they were.
        """
        text = str(target)
        if "://" in text:
            store = cls(make_engine(text), None, read_only=read_only)
            if migrate and not read_only:
                store._migrate(backup=False)
            return store
        p = Path(target)
        _check_sqlite_header(p)
        if not read_only:
            safety.acquire(p)
        engine = make_engine(p, read_only=read_only)
        store = cls(engine, p, read_only=read_only)
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

    def _migrate(self, *, backup: bool) -> None:
        with self.engine.connect() as conn:
            current = current_schema(conn)
        if current == SCHEMA_HEAD:
            return
        from alembic import command
        if current is not None and backup and self.path is not None:
            self.backup(reason=f"before-upgrade-from-{current}")
        with self.engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")

    def backup(self, *, reason: str = "backup") -> Path:
        """A consistent copy in ``<stem>.backups/`` (SQLite backup API); keeps the newest ten."""
        assert self.path is not None, "backups are for workspace files"
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        made = sqlite_backup(self.path, backup_dir(self.path) / f"{self.path.stem}-{stamp}-{reason}{SUFFIX}")
        safety.prune(self.path)
        return made

    def save_as(self, destination: str | Path) -> Path:
        """Write a consistent copy of the workspace to ``destination`` (SQLite backup API)."""
        assert self.path is not None
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
                    for r in conn.execute(select(*[table.c[n] for n in names])):
                        rows.append(cls(*r))
        except DatabaseError as exc:
            name = self.path.name if self.path else "the workspace"
            raise WorkspaceFileError(f"{name}: cannot be read, the file is damaged ({exc.orig})") from None
        except (ValueError, TypeError) as exc:
            name = self.path.name if self.path else "the workspace"
            raise WorkspaceFileError(f"{name}: holds a value this version cannot read ({exc})") from None
        return Workspace(rows)

    # ------------------------------------------------------------------ writing
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        if self.read_only:
            raise WorkspaceFileError("the workspace is open read-only")
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError as exc:
            raise WorkspaceFileError(f"the change breaks a rule of the workspace: {exc.orig}") from None

    @staticmethod
    def _values(e: Entity, *, with_id: bool) -> dict:
        return {n: getattr(e, n) for n in specs(type(e)) if with_id or n != "id"}

    def insert(self, e: Entity, conn: Connection | None = None) -> Entity:
        """Store a new row; returns it with its id."""
        import dataclasses

        def run(c: Connection) -> Entity:
            with_id = e.id is not None
            res = c.execute(insert(TABLES[type(e)]).values(**self._values(e, with_id=with_id)))
            new_id = e.id if with_id else res.inserted_primary_key[0]
            return dataclasses.replace(e, id=new_id)

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
                run.clear()

        for e in entities:
            if run and type(run[0]) is not type(e):
                flush()
            run.append(e)
        flush()

    def update(self, e: Entity, conn: Connection | None = None) -> None:
        table = TABLES[type(e)]

        def run(c: Connection) -> None:
            res = c.execute(update(table).where(table.c.id == e.id).values(**self._values(e, with_id=False)))
            if res.rowcount != 1:
                raise WorkspaceFileError(f"{type(e).label} {e.id} no longer exists")

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
            return removal

    def delete_row(self, conn: Connection, cls: type[Entity], id_: int) -> None:
        """Delete one row inside a caller's transaction (rows without children, e.g. allocations)."""
        conn.execute(delete(TABLES[cls]).where(TABLES[cls].c.id == id_))

    def next_id(self, cls: type[Entity]) -> int:
        """The id the next row of ``cls`` would get (ids are never reused: AUTOINCREMENT)."""
        from sqlalchemy import func

        table = TABLES[cls]
        with self.engine.connect() as conn:
            top = conn.execute(select(func.max(table.c.id))).scalar() or 0
            if self.engine.dialect.name == "sqlite":
                seq = conn.exec_driver_sql(
                    "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)).scalar()
                top = max(top, seq or 0)
        return top + 1

    def restore(self, removal: Removal) -> None:
        """Put back what ``delete`` took away, with the same ids."""
        order = {c: i for i, c in enumerate(ENTITIES)}
        with self.transaction() as conn:
            for e in sorted(removal.rows, key=lambda r: order[type(r)]):
                self.insert(e, conn)
            for cls, id_, fname, old in removal.unlinked:
                conn.execute(update(TABLES[cls]).where(TABLES[cls].c.id == id_).values(**{fname: old}))

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
        """SQLite's own integrity and foreign-key checks; empty when the file is sound."""
        if self.engine.dialect.name != "sqlite":
            return []
        check = "quick_check" if quick else "integrity_check"
        with self.engine.connect() as conn:
            problems = [r[0] for r in conn.exec_driver_sql(f"PRAGMA {check}") if r[0] != "ok"]
            problems += [f"foreign key: {tuple(r)}" for r in conn.exec_driver_sql("PRAGMA foreign_key_check")]
        return problems
