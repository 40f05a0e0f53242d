"""The analysis pipeline: each analysis declared once, run in the order its needs give.

An ``Analysis`` is a declaration: its name, the pure function that computes it, the analyses it
needs, the entities it reads (for the GUI's refresh), and the function that turns its result into
``Finding``s. Everything else is derived from the declarations:

* ``run(ws, option_id)`` runs every analysis (or just the ones asked for, with what they need) in
  dependency order; the result of each is its typed value or a ``Refusal`` that says why not;
* ``summary --json`` lists every declared analysis under its name;
* a view that shows some analyses refreshes when an entity any of them reads changes
  (``REGISTRY.reads(names)``);
* ``Results.findings()`` gathers every analysis's findings with one severity scale;
* computations on equal snapshots of one version of the workspace (the GUI's visible tab and its verdict
  banner, each on a thread of its own) can share what they compute: inside ``sharing(snapshot, shared)``
  a ``run`` on that snapshot works in ``shared``'s results for the option, computing each analysis once
  (one thread computes it while another that needs it waits for it).

Adding an analysis is one ``register(Analysis(...))`` call (``services/analyses.py`` holds the
program's own); nothing else needs editing for it to run, reach JSON, and refresh views.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from ..domain.findings import Finding, Severity, by_severity
from ..domain.model import ConsortiumOption, Tender
from ..domain.tasks import NEVER, Cancelled, CancelToken, Progress, bound, no_progress
from ..domain.workspace import Workspace

__all__ = ["REGISTRY", "Analysis", "at_hand", "Inputs", "NotApplicable", "Refusal", "Registry", "Results", "SharedResults",
           "gather", "register", "reusing", "run", "sharing"]

#: Exceptions an analysis raises when the data cannot support it; anything else is a bug and propagates.
REFUSED = (ValueError, ArithmeticError)


@dataclass(frozen=True, slots=True)
class Refusal:
    """An analysis could not be computed on the data as it stands; ``reason`` says why, for a person.

    ``because`` names the needed analysis whose refusal stopped this one (None: refused itself).
    """

    analysis: str
    reason: str
    because: str | None = None

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class NotApplicable:
    """The analysis does not apply to this option (for example, no extension years to include)."""

    analysis: str
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True, slots=True)
class Analysis:
    """One analysis, declared once.

    ``compute(inputs)`` is a pure function of the workspace snapshot (``inputs.ws``), the option and
    the results of ``needs`` (``inputs.need(name)``); it returns a typed value, ``NotApplicable``, or
    raises ``ValueError`` (or ``ArithmeticError``) to refuse. ``reads`` are the entity names
    (``Entity.entity_name``) whose changes make it stale; a need's reads count too. ``findings``
    turns a result into findings (their ``area`` defaults to the analysis's ``area``). ``public``
    analyses appear in ``summary --json``; internal ones (shared inputs) do not.
    """

    name: str
    compute: Callable[[Inputs], Any]
    needs: tuple[str, ...] = ()
    reads: frozenset[str] = frozenset()
    title: str = ""
    area: str = ""
    findings: Callable[[Any], Iterable[Finding]] | None = None
    public: bool = True

    @property
    def label(self) -> str:
        return self.title or self.name.replace("_", " ").capitalize()


class Registry:
    """The declared analyses, in the order they were registered (which breaks ties in run order).

    ``builtin`` names the module that declares the program's own analyses; it is imported the first
    time the registry is used, so the registry is never seen without them.
    """

    def __init__(self, builtin: str | None = None) -> None:
        self._items: dict[str, Analysis] = {}
        self._order_cache: tuple[Analysis, ...] | None = None
        #: ``closure`` and ``reads`` answers, asked on every edit by every view (forgotten with the order)
        self._closures: dict[tuple[tuple[str, ...], frozenset[str]], tuple[str, ...]] = {}
        self._reads: dict[tuple[str, ...], frozenset[str]] = {}
        self._builtin = builtin

    def _load(self) -> None:
        if self._builtin is not None:
            module, self._builtin = self._builtin, None
            importlib.import_module(module)

    def register(self, analysis: Analysis, *, replace: bool = False) -> Analysis:
        self._load()
        if analysis.name in self._items and not replace:
            raise ValueError(f"an analysis named {analysis.name!r} is already registered")
        missing = [n for n in analysis.needs if n not in self._items and n != analysis.name]
        if missing:
            raise ValueError(f"{analysis.name!r} needs {', '.join(map(repr, missing))}, which are not registered")
        if analysis.name in analysis.needs:
            raise ValueError(f"{analysis.name!r} cannot need itself")
        self._items[analysis.name] = analysis
        self._forget()
        return analysis

    def unregister(self, name: str) -> None:
        self._load()
        dependants = [a.name for a in self._items.values() if name in a.needs]
        if dependants:
            raise ValueError(f"{', '.join(dependants)} need {name!r}")
        self._items.pop(name, None)
        self._forget()

    def _forget(self) -> None:
        self._order_cache = None
        self._closures = {}
        self._reads = {}

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._items

    def __getitem__(self, name: str) -> Analysis:
        self._load()
        try:
            return self._items[name]
        except KeyError:
            raise KeyError(f"no analysis named {name!r}; known: {', '.join(self._items)}") from None

    def __iter__(self) -> Iterator[Analysis]:
        return iter(self.ordered())

    def names(self, *, public_only: bool = False) -> tuple[str, ...]:
        return tuple(a.name for a in self.ordered() if a.public or not public_only)

    def ordered(self) -> tuple[Analysis, ...]:
        """Every analysis after the ones it needs (registration order otherwise)."""
        self._load()
        if self._order_cache is None:
            # needs are registered before their dependants, so registration order is already a
            # topological order; keep it explicit in case of replace=True re-registrations
            done: dict[str, Analysis] = {}

            def visit(a: Analysis, path: tuple[str, ...]) -> None:
                if a.name in done:
                    return
                if a.name in path:
                    raise ValueError(f"analyses need each other in a cycle: {' → '.join(path + (a.name,))}")
                for n in a.needs:
                    visit(self._items[n], path + (a.name,))
                done[a.name] = a

            for a in self._items.values():
                visit(a, ())
            self._order_cache = tuple(done.values())
        return self._order_cache

    def closure(self, names: Iterable[str], given: Collection[str] = ()) -> tuple[str, ...]:
        """``names`` and everything they need, in run order; what only ``given`` names need is left out (their
        values come from elsewhere: ``services.ahead``)."""
        names = tuple(names)
        memo = (names, frozenset(given))
        hit = self._closures.get(memo)
        if hit is not None:
            return hit
        want: set[str] = set()
        stack = list(names)
        while stack:
            n = stack.pop()
            if n in want:
                continue
            want.add(n)
            if n not in given:
                stack.extend(self[n].needs)
        out = tuple(a.name for a in self.ordered() if a.name in want)
        self._closures[memo] = out
        return out

    def reads(self, names: Iterable[str]) -> frozenset[str]:
        """The entity names whose change makes any of ``names`` (or what they need) stale."""
        names = tuple(names)
        hit = self._reads.get(names)
        if hit is None:
            out: set[str] = set()
            for n in self.closure(names):
                out |= self[n].reads
            hit = self._reads[names] = frozenset(out)
        return hit


REGISTRY = Registry(builtin="consortium_planner.services.analyses")


def register(analysis: Analysis, *, replace: bool = False) -> Analysis:
    """Declare an analysis in the program's registry."""
    return REGISTRY.register(analysis, replace=replace)


class Inputs:
    """What an analysis's ``compute`` receives."""

    __slots__ = ("ws", "option_id", "cancelled", "progress", "_results")

    def __init__(self, ws: Workspace, option_id: int, results: Results, cancelled: CancelToken, progress: Progress):
        self.ws = ws
        self.option_id = option_id
        self.cancelled = cancelled
        self.progress = progress
        self._results = results

    def need(self, name: str) -> Any:
        """The result of a declared need (never a refusal: a refused need refuses this analysis first)."""
        value = self._results[name]
        if isinstance(value, Refusal | NotApplicable):  # pragma: no cover - the runner prevents it
            raise ValueError(str(value))
        return value

    def findings(self, names: Iterable[str]) -> list[Finding]:
        """The findings of ``names`` as ``Results.findings`` gathers them (a refusal among them is itself a
        finding), running any not run yet. For an analysis over other analyses' findings that must still
        run when one of them is refused (the risk register): those are not its ``needs``, whose refusal
        would refuse it too."""
        names = tuple(names)
        run(self.ws, self.option_id, names, cancelled=self.cancelled, registry=self._results.registry,
            results=self._results)
        return self._results.findings(names)

    @property
    def option(self) -> ConsortiumOption:
        option = self.ws.get(ConsortiumOption, self.option_id)
        if option is None:
            raise ValueError(f"no consortium option with id {self.option_id}")
        return option

    @property
    def tender(self) -> Tender | None:
        return self.ws.get(Tender, self.option.tender_id)


class Results(Mapping[str, Any]):
    """Each analysis run, by name: its typed value, a ``Refusal`` or ``NotApplicable``."""

    def __init__(self, option_id: int, registry: Registry = REGISTRY, *, shared: bool = False):
        self.option_id = option_id
        self.registry = registry
        self._values: dict[str, Any] = {}
        #: shared between threads (``SharedResults``): each analysis is computed under its own lock
        self._locks: dict[str, threading.RLock] | None = {} if shared else None

    def _lock(self, name: str) -> AbstractContextManager[Any]:
        """What one analysis is computed under: its lock when these results are shared, else nothing."""
        locks = self._locks
        return nullcontext() if locks is None else locks.setdefault(name, threading.RLock())

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @classmethod
    def of(cls, option_id: int, values: Mapping[str, Any], registry: Registry = REGISTRY) -> Results:
        """Results from values already at hand (a test, or results filtered by a caller)."""
        out = cls(option_id, registry)
        out._values.update(values)
        return out

    def _set(self, name: str, value: Any) -> None:
        self._values[name] = value

    def carried(self, touched: Collection[str]) -> Results:
        """New results for the workspace after a change to the entities named ``touched``: every value here whose
        analysis reads none of them, nor does anything it needs (``Registry.reads``), the very same object;
        nothing else. Exact as far as the analyses declare what they read, which a test checks for each of them
        (``tests/services/test_pipeline.py``). ``"*"`` (anything may have changed) carries nothing."""
        out = Results(self.option_id, self.registry, shared=self._locks is not None)
        if "*" not in touched:
            reads = self.registry.reads
            out._values.update((n, v) for n, v in list(self._values.items()) if reads((n,)).isdisjoint(touched))
        return out

    def ok(self, name: str) -> Any:
        """The value of ``name``, or None when it was not run, refused or does not apply."""
        value = self._values.get(name)
        return None if isinstance(value, Refusal | NotApplicable) else value

    def refusal(self, name: str) -> Refusal | None:
        value = self._values.get(name)
        return value if isinstance(value, Refusal) else None

    def refusals(self) -> list[Refusal]:
        return [v for v in self._values.values() if isinstance(v, Refusal)]

    def public(self) -> dict[str, Any]:
        """The public analyses' results by name, in run order (what ``summary --json`` prints)."""
        return {n: self._values[n] for n in self.registry.names(public_only=True) if n in self._values}

    def findings(self, names: Iterable[str] | None = None) -> list[Finding]:
        """Every finding of the analyses run (or of ``names``), most severe first, each message once.

        An analysis refused on its own account is itself a serious finding; one refused only
        because something it needs was refused adds nothing more.
        """
        wanted = set(names) if names is not None else None
        return gather(self.registry, {n: self.findings_of(n) for n in self._values if wanted is None or n in wanted})

    def findings_of(self, name: str) -> list[tuple[str, Finding]]:
        """Analysis ``name``'s own findings, before ``gather`` puts them with others': each with what makes
        another its repeat (its message; a refusal's reason)."""
        a, value = self.registry[name], self._values[name]
        if isinstance(value, Refusal):
            if value.because is not None:
                return []
            return [(value.reason, Finding("analysis_refused", f"The {a.name} analysis could not run: {value.reason}",
                                           Severity.SERIOUS, a.area or a.label))]
        if isinstance(value, NotApplicable) or a.findings is None:
            return []
        return [(f.message, f if f.area else dataclasses.replace(f, area=a.area or a.label)) for f in a.findings(value)]


def gather(registry: Registry, by_analysis: Mapping[str, Iterable[tuple[str, Finding]]]) -> list[Finding]:
    """Analyses' own findings (``Results.findings_of``, by analysis) as one list: in the registry's order, each
    once (the first of its repeats), most severe first. The same list whether the analyses were worked out in
    one process or two (``services.second_process``)."""
    out: list[Finding] = []
    seen: set[str] = set()
    for a in registry.ordered():
        for key, finding in by_analysis.get(a.name, ()):
            if key not in seen:
                seen.add(key)
                out.append(finding)
    return by_severity(out)


class SharedResults:
    """Results by option for one version of the workspace, shared by computations on equal snapshots of it.

    Make a new one whenever the workspace changes (the GUI's controller does, on every change, with ``carried``):
    results are valid only for the version they were computed on, or a later one that changed nothing they read.
    """

    def __init__(self, registry: Registry = REGISTRY) -> None:
        self.registry = registry
        self._by_option: dict[int, Results] = {}
        self._guard = threading.Lock()

    def results(self, option_id: int) -> Results:
        with self._guard:
            out = self._by_option.get(option_id)
            if out is None:
                out = self._by_option[option_id] = Results(option_id, self.registry, shared=True)
            return out

    def carried(self, touched: Collection[str]) -> SharedResults:
        """Shared results for the workspace after a change to the entities named ``touched``: each option's
        values that the change leaves as they were (``Results.carried``), so that an edit is followed by working
        out again only what it touches."""
        out = SharedResults(self.registry)
        with self._guard:
            kept = list(self._by_option.items())
        for option_id, results in kept:
            carried = results.carried(touched)
            if carried:
                out._by_option[option_id] = carried
        return out


_SHARING: ContextVar[tuple[Workspace, SharedResults] | None] = ContextVar("pipeline_sharing", default=None)
#: The child process working ahead (``services.ahead.Ahead``: ``ws``, ``registry``, ``pending(option_id)``,
#: ``take(option_id, name)``), set by ``ahead.working_ahead``; ``take`` gives ``AHEAD_MISSING`` for a value
#: that will not come.
AHEAD: ContextVar[Any] = ContextVar("pipeline_ahead", default=None)
AHEAD_MISSING = object()


@contextmanager
def sharing(ws: Workspace, shared: SharedResults) -> Iterator[None]:
    """Inside, ``run`` on ``ws`` itself (not a copy of it, not a scenario's) with no ``results`` given works
    in ``shared``'s results for the option."""
    token = _SHARING.set((ws, shared))
    try:
        yield
    finally:
        _SHARING.reset(token)


def at_hand(ws: Workspace, option_id: int, registry: Registry = REGISTRY) -> frozenset[str]:
    """The analyses of ``option_id`` already worked out in the results shared on ``ws`` (inside ``sharing`` on
    ``ws`` itself; none elsewhere)."""
    context = _SHARING.get()
    if context is None or context[0] is not ws or context[1].registry is not registry:
        return frozenset()
    return frozenset(context[1].results(option_id))  # one call in C: other threads add to it only between calls


@contextmanager
def reusing(ws: Workspace, results: Results) -> Iterator[None]:
    """Inside, ``run`` on ``ws`` for ``results``' option with no ``results`` given starts from a copy of
    ``results`` (other options from results of their own, kept for the block), so a report that asks again
    for an option's analyses, such as the investment case's bid pipeline for the case's own option, computes
    nothing twice and shows what the rest of the report shows. What it computes that ``results`` lacks goes
    into the copy: ``results`` itself stays as the report was given it. Inside a ``sharing`` on ``ws``
    already, that one holds."""
    context = _SHARING.get()
    if context is not None and context[0] is ws:
        yield
        return
    shared = SharedResults(results.registry)
    shared._by_option[results.option_id] = Results.of(results.option_id, results, results.registry)
    with sharing(ws, shared):
        yield


def run(ws: Workspace, option_id: int, names: Iterable[str] | None = None, *,
        cancelled: CancelToken = NEVER, progress: Progress = no_progress,
        registry: Registry = REGISTRY, results: Results | None = None) -> Results:
    """Run ``names`` (None: every analysis) with what they need, in dependency order.

    ``results`` from an earlier run on the same snapshot are reused (only what is missing is
    computed). ``cancelled`` is checked between analyses (and by long ones inside); ``Cancelled``
    propagates. Progress is reported as the fraction of analyses done. Inside ``ahead.working_ahead`` on
    ``ws`` itself, what the child process is working out is taken from it, after everything else.
    """
    ahead = AHEAD.get()
    taking = ahead.pending(option_id) if ahead is not None and ahead.ws is ws and ahead.registry is registry \
        else frozenset()
    order = registry.names() if names is None and not taking else registry.closure(
        registry.names() if names is None else names, taking)
    if results is None and (context := _SHARING.get()) is not None and context[0] is ws and \
            context[1].registry is registry:
        results = context[1].results(option_id)
    out = results if results is not None else Results(option_id, registry)
    todo = [n for n in order if n not in out]
    if taking and not taking.isdisjoint(todo):
        todo = _taken_last(todo, taking, registry)
    inputs = Inputs(ws, option_id, out, cancelled, progress)
    with bound(cancelled):  # the analyses' own loops stop at their checkpoints once it is set
        for i, name in enumerate(todo):
            cancelled.check()
            if name in out:  # computed meanwhile, for an analysis that read other analyses' findings
                continue
            with out._lock(name):  # shared: another thread may be computing it; then this one waits for its result
                if name in out:
                    continue
                if name in taking:
                    value = ahead.take(option_id, name)
                    if value is not AHEAD_MISSING:
                        out._set(name, value)
                        continue
                    run(ws, option_id, registry[name].needs, cancelled=cancelled, registry=registry, results=out)
                _run_one(registry[name], out, inputs, i, len(todo))
    progress(1.0, "")
    return out


def _taken_last(todo: list[str], taking: frozenset[str], registry: Registry) -> list[str]:
    """``todo`` with what is taken from the child process, and what needs it, moved to the end (in order)."""
    late: set[str] = set()
    for n in todo:
        if n in taking or not late.isdisjoint(registry[n].needs):
            late.add(n)
    return [n for n in todo if n not in late] + [n for n in todo if n in late]


def _run_one(a: Analysis, out: Results, inputs: Inputs, i: int, n: int) -> None:
    inputs.progress(i / max(1, n), a.label)
    blocked = next((k for k in a.needs if isinstance(out.get(k), Refusal | NotApplicable)), None)
    if blocked is not None:
        why = out[blocked]
        reason = why.reason if isinstance(why, Refusal) else f"{blocked} does not apply: {why.reason}"
        out._set(a.name, Refusal(a.name, reason, blocked))
        return
    try:
        out._set(a.name, a.compute(inputs))
    except Cancelled:
        raise
    except REFUSED as exc:
        out._set(a.name, Refusal(a.name, _reason(exc)))


def _reason(exc: Exception) -> str:
    if isinstance(exc, ArithmeticError) and not isinstance(exc, ValueError):
        return (f"a calculation could not be completed ({type(exc).__name__}): check the option's figures for "
                "extreme or zero values")
    return str(exc) or type(exc).__name__
