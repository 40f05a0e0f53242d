"""Export an anonymised copy of a workspace as a new ``.cplan`` (issue 19, case studies).

    result = write_anonymised(Path("bid.cplan"), Path("case.cplan"), scale=Decimal("1.5"))
    result.path, result.aliases          # where it went, and which name became which alias

The rows are anonymised in memory (``domain.anonymise``: names replaced consistently, free text
dropped unless ``keep_text``, money scaled), checked (``check_workspace``), and written in one
transaction to a new file beside the target, which takes the target's place only when whole. The
finished file is then read back with ``sqlite3`` and every text column of every table is searched
for each original name and distinctive token (``scan_for_names``); if one survives, the file is
removed and ``AnonymiseError`` names what and where, so a leaking copy is never left behind.

The source is never written to: the target may not be the source (by any spelling or link), nor
any other workspace or database unless ``overwrite`` (and then never the source).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..domain.anonymise import AnonymiseError, anonymise, original_names
from ..domain.model import Scenario
from ..domain.validation import check_workspace, errors
from ..domain.workspace import Workspace
from ..store.workspace_file import Store, WorkspaceLocked, building, is_database_url

__all__ = ["AnonymiseError", "Leak", "AnonymisedFile", "scan_for_names", "write_anonymised", "write_anonymised_workspace",
           "read_workspace"]


@dataclass(frozen=True)
class Leak:
    table: str
    column: str
    row_id: object
    name: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} (row {self.row_id}) still holds {self.name!r}"


@dataclass(frozen=True)
class AnonymisedFile:
    path: Path
    aliases: dict[str, str]
    names_checked: int  # how many names and tokens the output was scanned for
    rows: int


def read_workspace(source: str | Path) -> Workspace:
    """The workspace at ``source`` (a file or a team database's URL), read-only if another program has it."""
    try:
        store = Store.open(source)
    except WorkspaceLocked:
        store = Store.open(source, read_only=True)
    with store:
        return store.load()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def scan_for_names(path: str | Path, names: Iterable[str]) -> list[Leak]:
    """Every text value, in every table and column of the SQLite file at ``path``, holding one of
    ``names`` as a whole word (case and spacing ignored); then the file's raw bytes (free pages, indexes)."""
    wanted = [n for n in {" ".join(n.split()) for n in names} if n]
    if not wanted:
        return []
    rx = re.compile(r"(?<!\w)(" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in
                                           sorted(wanted, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)
    leaks: list[Leak] = []
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            for row in con.execute(f'SELECT rowid, * FROM "{table}"') if columns else ():
                for column, value in zip(columns, row[1:], strict=True):
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "replace")
                    if isinstance(value, str) and (m := rx.search(value)):
                        leaks.append(Leak(table, column, row[0], m.group(1)))
    finally:
        con.close()
    if not leaks and (m := rx.search(Path(path).read_bytes().decode("utf-8", "ignore"))):
        leaks.append(Leak("(the file's free space)", "(bytes)", None, m.group(1)))  # e.g. a deleted row's text
    return leaks


def write_anonymised(source: str | Path, target: str | Path, *, scale: Decimal | int | str = 1,
                     keep_text: bool = False, overwrite: bool = False) -> AnonymisedFile:
    """Write an anonymised copy of the workspace at ``source`` to the new file ``target``."""
    _check_target(source, target, overwrite)
    return write_anonymised_workspace(read_workspace(source), target, source=source, scale=scale,
                                      keep_text=keep_text, overwrite=overwrite)


def _check_target(source: str | Path | None, target: str | Path, overwrite: bool) -> Path:
    out = Path(target)
    if is_database_url(str(target)):
        raise AnonymiseError("the anonymised copy is written to a file (.cplan), not a database")
    if source is not None and not is_database_url(str(source)) and _same_file(Path(source), out):
        raise AnonymiseError(f"{out.name}: is the workspace being anonymised; choose another file name "
                             "(nothing was written)")
    if out.is_dir():
        raise AnonymiseError(f"{out.name}: is a folder; name the file to write")
    if out.exists() and not overwrite:
        raise AnonymiseError(f"{out.name}: already exists; choose another file name (nothing was written)")
    return out


def write_anonymised_workspace(ws: Workspace, target: str | Path, *, source: str | Path | None = None,
                               scale: Decimal | int | str = 1, keep_text: bool = False,
                               overwrite: bool = False) -> AnonymisedFile:
    """Write an anonymised copy of ``ws`` (read from ``source``, which the target may never be) to ``target``."""
    out = _check_target(source, target, overwrite)
    result = anonymise(ws, scale=scale, keep_text=keep_text)
    problems = errors(check_workspace(Workspace(result.rows)))
    if problems:
        raise AnonymiseError("the anonymised copy would not be a valid workspace: "
                             + "; ".join(str(p) for p in problems[:5]))
    names = original_names(ws)
    with building(out, overwrite=overwrite) as scratch:
        with Store.create(scratch) as store:
            with store.transaction() as conn:
                store.delete_rows(conn, store.load().all(Scenario))  # the migration's shipped scenarios
                store.insert_rows(conn, result.rows)
        leaks = scan_for_names(scratch, names)
        if leaks:  # never install a copy that leaks: building() removes the scratch file
            raise AnonymiseError("the anonymised copy still names the original: "
                                 + "; ".join(str(x) for x in leaks[:5]) + " (nothing was written)")
    return AnonymisedFile(out, result.aliases, len(names), len(result.rows))
