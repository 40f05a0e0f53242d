"""Analyses worked out ahead in a second process, while this one goes on (``export-pdf`` on the command line).

An investment case needs more than its own option's analyses: the other options of its tender side by side
("Options considered"), the other chosen options' figures (the bid pipeline), and the option's least-cost
split and lot choice (whose first use imports ``scipy.optimize``). None of these needs the others, so
``working_ahead`` forks a child process that inherits the loaded workspace and works them out while this
process builds the case. Each job is a key and a function of no arguments (run in the child: nothing of it
is pickled but its value). ``result(key)`` waits for a job's value. For an analysis (``analysis_job``),
``pipeline.run`` on that very workspace (not a copy, not a scenario's) takes the value from the child instead
of computing it, leaving it (and whatever needs it) to the end of its run, so as to wait as little as
possible. A value that does not come (an error in the child, a value that does not pickle, a child that
died) is computed here, as without a child. Every figure is the one this process would have computed: the
same code on the same workspace.

Values are pickled: what a job sends should be small (a few figures, not a projection month by month),
or sending it costs as much as computing it.

Only a process that holds no lock another thread might hold when it forks may use it: the command line does;
the GUI does not (its exports run in worker threads beside Qt's). Elsewhere than Linux (Windows has no
``fork``; macOS's system libraries are not safe in a forked child), or with one processor, ``working_ahead``
does nothing and everything is computed here, as before.
"""

from __future__ import annotations

import copyreg
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any

from ..domain.workspace import Workspace
from .pipeline import AHEAD, AHEAD_MISSING, REGISTRY, Registry, Results

__all__ = ["Ahead", "Job", "analysis_job", "current", "result", "usable", "working_ahead"]

#: A job: its key and a function of no arguments, run in the child.
Job = tuple[Hashable, Callable[[], Any]]


def usable() -> bool:
    """Whether a child process can work ahead here: on Linux (where ``fork`` is Python's own default; macOS
    offers it, but its system libraries are not safe in a forked child) with a second processor."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus > 1


def current(ws: Workspace) -> Ahead | None:
    """The child working ahead on ``ws`` itself, if any."""
    ahead = AHEAD.get()
    return ahead if ahead is not None and ahead.ws is ws else None


def result(ws: Workspace, key: Hashable) -> Any:
    """The value of job ``key`` of the child working ahead on ``ws`` (waiting for it); ``AHEAD_MISSING`` when
    there is no such child or job, or the value will not come."""
    ahead = current(ws)
    return ahead.result(key) if ahead is not None else AHEAD_MISSING


def analysis_job(ws: Workspace, option_id: int, name: str, registry: Registry = REGISTRY) -> Job:
    """A job working out analysis ``name`` of ``option_id`` on ``ws`` (with what it needs, kept in the child
    for its other jobs on the option), which ``pipeline.run`` takes instead of computing it."""

    def work() -> Any:
        from .pipeline import run

        results = _IN_CHILD.setdefault((id(ws), option_id), Results(option_id, registry))
        return run(ws, option_id, (name,), registry=registry, results=results)[name]

    return ("analysis", option_id, name), work


#: The child's results by workspace and option, shared by its analysis jobs (filled in the child only).
_IN_CHILD: dict[tuple[int, int], Results] = {}


class Ahead:
    """The parent's side: the jobs' keys, and what the child has sent (pickled, unread)."""

    def __init__(self, ws: Workspace, keys: Iterable[Hashable], registry: Registry = REGISTRY):
        self.ws, self.registry = ws, registry
        self.keys = frozenset(keys)
        self._analyses: dict[int, set[str]] = {}
        for k in self.keys:
            if isinstance(k, tuple) and len(k) == 3 and k[0] == "analysis":
                self._analyses.setdefault(k[1], set()).add(k[2])
        self._sent: dict[Hashable, bytes | None] = {}  # None: the job failed
        self._ended = False
        self._changed = threading.Condition()
        self.taken = 0  # values taken from the child (for tests and benchmarks)

    def pending(self, option_id: int) -> frozenset[str]:
        """The analyses of ``option_id`` the child works out (``pipeline.run`` takes them)."""
        return frozenset(self._analyses.get(option_id, ()))

    def take(self, option_id: int, name: str) -> Any:
        """The child's value of analysis ``name`` of ``option_id`` (for ``pipeline.run``)."""
        return self.result(("analysis", option_id, name))

    def result(self, key: Hashable) -> Any:
        """Job ``key``'s value, waiting for it; ``AHEAD_MISSING`` when there is no such job or it will not come."""
        if key not in self.keys:
            return AHEAD_MISSING
        with self._changed:
            while key not in self._sent and not self._ended:
                self._changed.wait()
            data = self._sent.get(key)
        if data is None:
            return AHEAD_MISSING
        value = pickle.loads(data)
        self.taken += 1
        return value

    def _receive(self, conn: Any) -> None:
        """The reader thread: each job's value as it comes, until the child closes its end."""
        try:
            while True:
                key, data = pickle.loads(conn.recv_bytes())
                with self._changed:
                    self._sent[key] = data
                    self._changed.notify_all()
        except (EOFError, OSError):
            pass
        finally:
            with self._changed:
                self._ended = True
                self._changed.notify_all()


def _child(conn: Any, jobs: Sequence[Job]) -> None:
    """Run in the forked child: each job in turn, sending its value (pickled) as soon as it is worked out, or
    None when the job fails or its value does not pickle (the parent then computes it, and meets any real
    error itself)."""
    AHEAD.set(None)
    copyreg.pickle(MappingProxyType, _proxy)  # read-only views of dicts, in many results: sent as such
    for key, work in jobs:
        try:
            data: bytes | None = pickle.dumps(work(), pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - the parent computes it and meets the error itself
            data = None
        conn.send_bytes(pickle.dumps((key, data), pickle.HIGHEST_PROTOCOL))
    conn.close()


def _proxy(m: MappingProxyType) -> tuple[Callable[[dict], MappingProxyType], tuple[dict]]:
    return _read_only, (dict(m),)


def _read_only(d: dict) -> MappingProxyType:
    """A read-only view of ``d`` (how a ``MappingProxyType`` is unpickled: the type itself cannot be named)."""
    return MappingProxyType(d)


@contextmanager
def working_ahead(ws: Workspace, jobs: Iterable[Job], registry: Registry = REGISTRY) -> Iterator[Ahead | None]:
    """Inside, a forked child works out ``jobs`` (in order) on ``ws`` and ``result``/``pipeline.run`` take
    their values from it (see the module's docstring). Yields the ``Ahead``, or None when no child could be
    started (nothing is computed ahead then, and nothing else changes)."""
    jobs = list(jobs)
    if not jobs or not usable():
        yield None
        return
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    ahead = Ahead(ws, (k for k, _ in jobs), registry)
    process = context.Process(target=_child, args=(sending, jobs), daemon=True, name="consortium-planner-ahead")
    try:
        process.start()
    except OSError:
        receiving.close()
        sending.close()
        yield None
        return
    sending.close()  # the child's end: closed here, so the reader meets the end of the pipe when the child ends
    reader = threading.Thread(target=ahead._receive, args=(receiving,), daemon=True, name="ahead-reader")
    reader.start()
    token = AHEAD.set(ahead)
    try:
        yield ahead
    finally:
        AHEAD.reset(token)
        if process.is_alive():
            process.terminate()
        process.join(5)
        reader.join(5)
        receiving.close()
