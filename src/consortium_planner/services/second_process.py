"""A second process that works out some analyses' findings while this one works out the others (issue 22).

The Risks tab's first figures are the findings of every quick finding analysis, worked out again after each
edit: about 18 ms on the demo and 55 ms on the large workspace, on one thread, while the machine's second
processor has nothing to do. Python runs one thread at a time, so a second thread would not help; a second
process does. ``quick_findings`` hands the analyses of ``BESIDE`` to a ``SecondProcess`` and works out the rest
meanwhile, then puts the two sets of findings together exactly as one process would (``pipeline.gather``).

The second process holds a copy of the workspace of its own. It is started (``spawn``: it runs no code of its
parent's, so it is safe beside Qt's threads) the first time it is asked, then given every row once, in the
background; until it has them, everything is worked out here, as without it. After that, each request carries
only what changed since the one before: the rows whose objects are not the very same (rows are immutable, so
the same object is the same row), the rows gone, and a whole table when the order of its rows changed (the
analyses read rows in the table's order). Only findings come back: an analysis's value, pickled, costs about
as much as working it out (the large workspace's coverage, 13 ms to pickle and 9 ms to read back).

Every figure is the one this process would give: the same code on the same rows. What does not come (the
process died, failed, or was busy with another request) is worked out here. A request stopped by an edit
stops the second process's work at its next checkpoint too (a flag in shared memory, read by its cancel
token).

The verdict banner asks it for values too (``one``): the verdict, weighed there unless the long analyses it
needs are already at hand here. The second process keeps what it works out for the rows as they are, by
option, until they change: the verdict after the Risks tab's first findings reuses them.

The program's entry points start the window only under ``if __name__ == "__main__"`` (and the packaged one
calls ``multiprocessing.freeze_support`` first), as ``spawn`` needs: the second process imports the main
module again.

Which analyses go there (``BESIDE``) was chosen by measuring, on the demo and the large workspace, each side's
time with what it needs (both sides work out ``prices`` on the large workspace: it is needed on both): 10.3 ms
there and 10.8 ms here on the demo (17.6 ms on one), 30.9 ms and 30.1 ms on the large workspace (55.8 ms).
"""

from __future__ import annotations

import itertools
import multiprocessing
import operator
import os
import pickle
import sys
import threading
import time
import traceback
from collections.abc import Iterable, Sequence
from multiprocessing.connection import Connection
from typing import Any

from ..domain.findings import Finding
from ..domain.model import ENTITY_BY_NAME, Entity, stored_id
from ..domain.tasks import NEVER, Cancelled, CancelToken
from ..domain.workspace import Workspace
from .pipeline import REGISTRY, Registry, Results, at_hand, gather, run

__all__ = ["BESIDE", "MISSING", "ONE_PROCESS_ENV", "SecondProcess", "one", "quick_findings", "usable"]

#: the quick finding analyses worked out in the second process (the others, and ``prices`` for both, here)
BESIDE: tuple[str, ...] = ("workforce", "optimiser", "standing", "readiness", "route", "heads_of_terms", "structure",
                           "pensions", "evaluation_model", "social_value")

#: rows sent in one message when the second process is first given the workspace
CHUNK = 2000
#: what ``SecondProcess.value`` gives when the value does not come from the second process
MISSING = object()
#: how often a wait for the second process's answer looks at its cancel token: an edit waits for it to stop
POLL_S = 0.001
#: how long an answer may take before the second process is given up (the verdict of the large workspace: 1-2 s)
ANSWER_TIMEOUT_S = 120.0
#: how long the second process may take to start (importing what the analyses need) before it is given up
START_TIMEOUT_S = 60.0

Table = dict[int | None, Entity]
#: a request's changes: rows put, rows removed (table, id), whole tables sent again (table, rows in order)
Diff = tuple[list[Entity], list[tuple[str, int]], list[tuple[str, list[Entity]]]]


#: set, to anything but "" or "0", to work everything out in this one process (a machine short of memory: the
#: second process takes about 100 MB; the test suite, but for the tests of the second process itself)
ONE_PROCESS_ENV = "CONSORTIUM_PLANNER_ONE_PROCESS"


def usable() -> bool:
    """Whether a second process can help: a second processor to run it on, and not turned off
    (``ONE_PROCESS_ENV``)."""
    if os.environ.get(ONE_PROCESS_ENV, "") not in ("", "0"):
        return False
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cpus > 1


def quick_findings(ws: Workspace, option_id: int, names: Sequence[str], *, cancelled: CancelToken = NEVER,
                   beside: SecondProcess | None = None) -> tuple[Results, list[Finding]]:
    """``names``' findings, the list ``run(ws, option_id, names).findings(names)`` gives, with the results worked
    out here. With ``beside``, the analyses of ``BESIDE`` among ``names`` are worked out there while this
    process works out the others (their values are then not in the results: only their findings came)."""
    held = at_hand(ws, option_id) if beside is not None else frozenset()  # here already (carried over an edit)
    asked = beside.ask(ws, option_id, [n for n in names if n in BESIDE and n not in held]) \
        if beside is not None else None
    if asked is None:
        results = run(ws, option_id, names, cancelled=cancelled)
        return results, results.findings(names)
    here = [n for n in names if n not in asked.names]
    try:
        results = run(ws, option_id, here, cancelled=cancelled)
        there = asked.wait(cancelled)
    finally:
        asked.done()
    if there is None:  # it did not come: worked out here after all
        results = run(ws, option_id, names, cancelled=cancelled, results=results)
        return results, results.findings(names)
    by_analysis = {n: results.findings_of(n) for n in here}
    by_analysis.update(there)
    return results, gather(results.registry, by_analysis)


def one(ws: Workspace, option_id: int, name: str, *, cancelled: CancelToken = NEVER,
        beside: SecondProcess | None = None) -> Any:
    """``analyses.one``: analysis ``name``'s value, or ``ValueError`` why not. With ``beside``, worked out there,
    unless every long analysis (``analyses.LONG_FINDING_ANALYSES``: most of the time of the verdict, say) is
    already at hand in the results shared here (``pipeline.at_hand``), as after the Risks tab or an edit that
    left them as they were (``SharedResults.carried``): then finishing it here from them is quick. With a long
    analysis still to work out, this process is left to the tab on show, and an edit finds nothing here to stop."""
    from .analyses import LONG_FINDING_ANALYSES, value
    from .analyses import one as here

    if beside is not None and not at_hand(ws, option_id).issuperset(LONG_FINDING_ANALYSES):
        got = beside.value(ws, option_id, name, cancelled)
        if got is not MISSING:
            return value(Results.of(option_id, {name: got}), name)
    return here(ws, option_id, name, cancelled=cancelled)


class _Asked:
    """A request the second process is working on; the process is this request's until ``done``."""

    def __init__(self, owner: SecondProcess, number: int, names: tuple[str, ...]):
        self.owner, self.number, self.names = owner, number, names
        self._over = False

    def wait(self, cancelled: CancelToken) -> dict[str, list[tuple[str, Finding]]] | None:
        """The findings by analysis, once they come; None if they will not. ``Cancelled`` when ``cancelled`` is
        set meanwhile (the second process is told to stop too)."""
        owner = self.owner
        conn = owner._conn
        if conn is None:  # closed meanwhile (the workspace closed)
            return None
        give_up = time.monotonic() + ANSWER_TIMEOUT_S
        try:
            while True:
                while not conn.poll(POLL_S):
                    cancelled.check()
                    if not owner._alive():
                        owner._lost("the second process ended")
                        return None
                    if time.monotonic() > give_up:
                        owner._lost(f"the second process did not answer within {ANSWER_TIMEOUT_S:.0f} s")
                        return None
                kind, number, payload = pickle.loads(conn.recv_bytes())
                if number != self.number:
                    continue  # a request stopped earlier: its answer is of no use
                if kind == "found":
                    owner.answered += 1
                    return payload
                if kind == "failed":
                    owner.failures.append(payload)
                return None
        except (EOFError, OSError) as exc:
            owner._lost(f"the second process could not be reached: {exc}")
            return None

    def done(self) -> None:
        """Give the process back; if no answer was read, its work is stopped (its answer will be passed over)."""
        if self._over:
            return
        self._over = True
        owner = self.owner
        if owner._flag is not None:
            owner._flag.value = self.number  # stops the work on this request and any before it
        owner._lock.release()


class SecondProcess:
    """The parent's side of the second process: started on first use, closed with ``close``."""

    def __init__(self, registry: Registry = REGISTRY):
        self.registry = registry
        self._lock = threading.Lock()  # held by a request in flight, or while the workspace is first sent
        self._process: Any = None
        self._conn: Connection | None = None
        self._flag: Any = None  # requests numbered up to this one are stopped
        self._number = 0
        self._base: dict[type[Entity], Table] | None = None  # the rows the second process holds
        self._state = "new"  # new → starting (the rows being sent) → ready; or gone
        self.failures: list[str] = []  # why requests were worked out here after all
        self.answered = 0  # requests answered there (for tests and benchmarks)

    # ------------------------------------------------------------------ lifecycle
    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        self._flag = context.RawValue("q", 0)
        self._process = context.Process(target=_serve, args=(theirs, self._flag), name="consortium-planner-beside",
                                        daemon=True)
        self._process.start()
        theirs.close()
        self._conn = ours
        self._state = "starting"

    def _alive(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def _lost(self, why: str) -> None:
        """Given up: everything is worked out here from now on (a process still running is ended)."""
        self.failures.append(why)
        self._state = "gone"
        process = self._process
        if process is not None and process.is_alive():
            process.terminate()

    def close(self) -> None:
        """End the second process (a workspace closed; the program ending ends it too)."""
        self._state = "gone"
        conn, process = self._conn, self._process
        self._conn = self._process = None
        if conn is not None:
            conn.close()  # the second process sees its end of the pipe close, and ends
        if process is not None:
            process.join(1.0)
            if process.is_alive():  # pragma: no cover - it ends on its own
                process.terminate()

    @property
    def ready(self) -> bool:
        """Whether it holds the workspace and takes requests."""
        return self._state == "ready"

    # ------------------------------------------------------------------ requests
    def ask(self, ws: Workspace, option_id: int, names: Iterable[str], *, values: bool = False) -> _Asked | None:
        """Ask for the findings of ``names`` on ``ws`` (``values``: their values, each a ``Refusal`` or
        ``NotApplicable`` where it is one), or None: it cannot take them (not started or not ready yet, busy,
        gone, or the analyses are not all the program's own). The caller must call ``done`` on what it gets,
        when it has the answer or has stopped."""
        names = tuple(names)
        if not names or ws.scenario is not None or not self._own(names):
            return None
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._state != "ready":
                if not self._get_ready(ws):  # else the lock is the thread's that gives it the rows
                    self._lock.release()
                return None
            diff = self._diff(ws)
            self._number += 1
            assert self._conn is not None
            self._conn.send_bytes(pickle.dumps(("work", self._number, diff, option_id, names, values), protocol=5))
        except (OSError, EOFError, pickle.PicklingError) as exc:
            self._lost(f"the second process could not be reached: {exc}")
            self._lock.release()
            return None
        except BaseException:
            self._lock.release()
            raise
        return _Asked(self, self._number, names)

    def value(self, ws: Workspace, option_id: int, name: str, cancelled: CancelToken = NEVER) -> Any:
        """Analysis ``name``'s value on ``ws``, worked out there (a ``Refusal`` or ``NotApplicable`` where it is
        one), or ``MISSING``: it cannot take it, or it did not come. ``Cancelled`` when ``cancelled`` is set
        meanwhile (the work there stops too)."""
        asked = self.ask(ws, option_id, (name,), values=True)
        if asked is None:
            return MISSING
        try:
            got = asked.wait(cancelled)
        finally:
            asked.done()
        return MISSING if got is None else got[name]

    def held(self, timeout_s: float = 30.0) -> dict[str, list[Entity]] | None:
        """Every row the second process holds, by table in its order (None: not ready, or no answer within
        ``timeout_s``): what the tests compare with the workspace's own."""
        if not self._lock.acquire(timeout=timeout_s):
            return None
        try:
            if self._state != "ready" or self._conn is None:
                return None
            self._number += 1
            self._conn.send_bytes(pickle.dumps(("rows?", self._number), protocol=5))
            while self._conn.poll(timeout_s):
                kind, number, payload = pickle.loads(self._conn.recv_bytes())
                if number == self._number:
                    return payload
            return None
        finally:
            self._lock.release()

    def _own(self, names: tuple[str, ...]) -> bool:
        """Whether every analysis ``names`` need is the program's own, as the second process declares them."""
        if self.registry is not REGISTRY:
            return False
        for n in self.registry.closure(names):
            a = self.registry[n]
            for fn in (a.compute, a.findings):
                if fn is not None and not getattr(fn, "__module__", "").startswith("consortium_planner."):
                    return False
        return True

    def _get_ready(self, ws: Workspace) -> bool:
        """Start the second process, and hand the lock to a thread that gives it ``ws``'s rows once it is ready:
        True when it did (the first request; the ones that come before it is ready are worked out here)."""
        if self._state != "new":
            return False
        self._start()
        tables = {cls: dict(rows) for cls, rows in ws.tables().items()}
        threading.Thread(target=self._send_all, args=(tables,), name="beside-send", daemon=True).start()
        return True

    def _send_all(self, tables: dict[type[Entity], Table]) -> None:
        """Wait for the second process to be ready, then give it every row, a chunk at a time (on a thread of its
        own, holding the lock)."""
        try:
            conn = self._conn
            assert conn is not None
            if not conn.poll(START_TIMEOUT_S) or conn.recv_bytes() != b"ready":
                self._lost("the second process did not start")
                return
            for rows in tables.values():
                values = list(rows.values())
                for i in range(0, len(values), CHUNK):
                    conn.send_bytes(pickle.dumps(("rows", values[i:i + CHUNK]), protocol=5))
            conn.send_bytes(pickle.dumps(("sent",), protocol=5))
            self._base = tables
            self._state = "ready"
        except (OSError, EOFError, AttributeError, pickle.PicklingError) as exc:
            self._lost(f"the workspace could not be sent to the second process: {exc}")
        finally:
            self._lock.release()

    def _diff(self, ws: Workspace) -> Diff:
        """What changed from the rows the second process holds to ``ws``'s; they become the rows it holds."""
        base = self._base
        assert base is not None
        puts: list[Entity] = []
        gone: list[tuple[str, int]] = []
        whole: list[tuple[str, list[Entity]]] = []
        now: dict[type[Entity], Table] = {}
        for cls, rows in ws.tables().items():
            old = base.get(cls, {})
            if rows is old:  # the very table held since the last request, shared all along: the same rows
                now[cls] = old
                continue
            # a table shared with a copy is never changed in place (``Workspace.shared``): held as it is, a later
            # snapshot with the same table passes the line above (a snapshot shares every table, and an edit
            # changes one: comparing the large workspace's 36 tables took 0.8 ms a request)
            held = rows if ws.shared(cls) else None
            same_order = rows.keys() == old.keys() and list(rows) == list(old)  # at C speed, as is the next
            if same_order and rows == old:  # the very same objects (``==`` takes an object as equal to itself)
                now[cls] = old if held is None else held
                continue
            now[cls] = dict(rows) if held is None else held
            if same_order:  # the rows that are not the very same objects
                puts.extend(itertools.compress(rows.values(), map(operator.is_not, rows.values(), old.values())))
                continue
            kept = [k for k in old if k in rows]
            if kept + [k for k in rows if k not in old] != list(rows):  # the order changed: the whole table
                whole.append((cls.entity_name, list(rows.values())))
                continue
            puts.extend(v for k, v in rows.items() if old.get(k) is not v)
            gone.extend((cls.entity_name, k) for k in old if k not in rows)  # type: ignore[misc]
        self._base = now
        return puts, gone, whole


# ---------------------------------------------------------------------- the second process itself
class _Flagged(CancelToken):
    """The second process's cancel token for one request: set once the parent's flag reaches its number."""

    __slots__ = ("_flag", "_number")

    def __init__(self, flag: Any, number: int):
        self._flag, self._number = flag, number

    def cancel(self) -> None:  # pragma: no cover - only the parent stops a request
        raise RuntimeError("only the parent process stops a request")

    @property
    def is_cancelled(self) -> bool:
        return bool(self._flag.value >= self._number)

    def __call__(self) -> bool:
        return self.is_cancelled

    def check(self) -> None:
        if self._flag.value >= self._number:
            raise Cancelled()


def _apply(ws: Workspace, diff: Diff) -> None:
    puts, gone, whole = diff
    for name, id_ in gone:
        ws.remove(ENTITY_BY_NAME[name], id_)
    for name, rows in whole:
        cls = ENTITY_BY_NAME[name]
        for old in list(ws.tables()[cls].values()):
            ws.remove(cls, stored_id(old))
        for row in rows:
            ws.put(row)
    for row in puts:
        ws.put(row)


def _serve(conn: Connection, flag: Any) -> None:
    """The second process: say it is ready, take the rows, then answer each request in turn until the parent
    closes its end of the pipe."""
    import gc

    REGISTRY.names()  # the program's analyses, declared
    import scipy.optimize  # noqa: F401

    from ..domain import optimise  # noqa: F401  (what the analyses import on first use)

    gc.set_threshold(50_000, 10, 10)  # as the GUI's (``gui.heap``): the analyses make many small objects
    conn.send_bytes(b"ready")
    rows: list[Entity] = []
    ws: Workspace | None = None
    kept: dict[int, Results] = {}  # by option, what was worked out on the rows as they are (what a change leaves)
    try:
        while True:
            message = pickle.loads(conn.recv_bytes())
            kind = message[0]
            if kind == "rows":
                rows.extend(message[1])
            elif kind == "sent":
                ws, rows = Workspace(rows), []
                gc.freeze()  # the workspace stays: no collection need look at it again
            elif kind == "rows?":
                assert ws is not None
                held = {cls.entity_name: list(table.values()) for cls, table in ws.tables().items()}
                conn.send_bytes(pickle.dumps(("rows", message[1], held), protocol=5))
            elif kind == "work":
                _, number, diff, option_id, names, values = message
                assert ws is not None
                if any(diff):
                    _apply(ws, diff)
                    touched = _touched(diff)  # what the rows' change leaves as it was is kept
                    kept = {o: carried for o, r in kept.items() if (carried := r.carried(touched))}
                results = kept.setdefault(option_id, Results(option_id))
                answer = _work(ws, results, names, values, _Flagged(flag, number), number)
                try:
                    data = pickle.dumps(answer, protocol=5)
                except Exception as exc:  # a value that does not pickle: worked out in the parent instead
                    data = pickle.dumps(("failed", number, f"the answer could not be sent: {exc!r}"), protocol=5)
                conn.send_bytes(data)
    except (EOFError, OSError, KeyboardInterrupt):
        return


def _touched(diff: Diff) -> frozenset[str]:
    """The entity names whose rows ``diff`` puts, removes or replaces."""
    puts, gone, whole = diff
    return frozenset({type(e).entity_name for e in puts} | {name for name, _ in gone} | {name for name, _ in whole})


def _work(ws: Workspace, results: Results, names: tuple[str, ...], values: bool, token: CancelToken,
          number: int) -> tuple:
    """One request's answer: ``names``' findings or values, worked out in ``results`` (what is there already
    is not worked out again)."""
    try:
        run(ws, results.option_id, names, cancelled=token, results=results)
        if values:
            return "found", number, {n: results[n] for n in names}
        return "found", number, {n: results.findings_of(n) for n in names}
    except Cancelled:
        return "stopped", number, None
    except Exception:  # a bug there is worked out here, where it shows as it would without a second process
        return "failed", number, "".join(traceback.format_exception(*sys.exc_info()))
