"""A throwaway PostgreSQL server for the tests of team workspaces.

``CPLAN_TEST_PG_URL`` names a server to use (a URL whose user may CREATE DATABASE); otherwise a
private cluster is made with ``initdb`` in a temporary folder and started with ``pg_ctl`` on a Unix
socket in that folder (no TCP port, so nothing else on the machine is touched), and removed at the
end. As root the server runs as the ``postgres`` user (PostgreSQL refuses to run as root).

Without PostgreSQL's programs the tests are skipped, saying why, unless ``CI`` is set: there they
fail, so a CI machine without the server can never pass by skipping them.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ENV_URL = "CPLAN_TEST_PG_URL"


def pg_bin_dir() -> Path | None:
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    return Path(candidates[-1]).parent if candidates else None


def unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason} (install Debian's 'postgresql' or set {ENV_URL})")


@contextmanager
def private_server() -> Iterator[str]:
    """Start a private cluster; yields the admin URL (database ``postgres``)."""
    bindir = pg_bin_dir()
    if bindir is None:
        unavailable("no initdb/pg_ctl found")
    as_root = os.geteuid() == 0
    # /tmp: short enough for a socket path (107 bytes), and reachable by the postgres user when we are root
    root = Path(tempfile.mkdtemp(prefix="cplan-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
    data, sock, log = root / "data", root / "sock", root / "server.log"
    sock.mkdir()
    prefix: list[str] = []
    if as_root:
        try:
            import pwd

            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            unavailable("running as root and there is no 'postgres' user to run the server as")
        for p in (root, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        runuser = shutil.which("runuser") or next(
            (p for p in ("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser") if os.path.exists(p)), None)
        if runuser is None:
            shutil.rmtree(root, ignore_errors=True)
            unavailable("running as root and there is no runuser to start the server as 'postgres'")
        prefix = [runuser, "-u", "postgres", "--"]

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
                               + (f"\n{log.read_text(errors='replace')}" if log.exists() else ""))

    started = False
    try:
        run(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C", "--no-sync")
        options = f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
        started = True
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}"
    finally:
        if started:
            try:
                run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(root, ignore_errors=True)


def with_database(url: str, database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(database=database).render_as_string(hide_password=False)


@contextmanager
def fresh_database(admin_url: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards (even if connections are left open)."""
    from sqlalchemy import create_engine

    name = f"cplan_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield with_database(admin_url, name)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
