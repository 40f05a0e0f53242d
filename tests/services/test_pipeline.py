"""The analysis pipeline: declarations, run order, typed refusals, findings and declared reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from consortium_planner.domain.findings import Finding, Severity
from consortium_planner.domain.model import ENTITIES
from consortium_planner.domain.tasks import Cancelled, CancelToken, bound, checkpoint
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services import analyses
from consortium_planner.services.demo import build_demo_entities, load_demo_source
from consortium_planner.services.jsonout import to_jsonable
from consortium_planner.services.pipeline import (
    REGISTRY,
    Analysis,
    Inputs,
    NotApplicable,
    Refusal,
    Registry,
    Results,
    run,
)


@pytest.fixture(scope="module")
def demo() -> Workspace:
    return Workspace(build_demo_entities(load_demo_source()))


def spv_id(ws: Workspace) -> int:
    return next(o.id for o in ws.options() if o.name == "Special purpose vehicle")  # type: ignore[return-value]


def test_needs_run_first_and_a_cycle_or_a_missing_need_is_refused_at_declaration():
    reg = Registry()
    reg.register(Analysis("a", lambda i: 1))
    reg.register(Analysis("b", lambda i: i.need("a") + 1, needs=("a",)))
    reg.register(Analysis("c", lambda i: i.need("b") * 10, needs=("b",)))
    assert reg.names() == ("a", "b", "c")
    assert reg.closure(["c"]) == ("a", "b", "c")
    with pytest.raises(ValueError, match="not registered"):
        reg.register(Analysis("d", lambda i: 0, needs=("nope",)))
    with pytest.raises(ValueError, match="already registered"):
        reg.register(Analysis("a", lambda i: 2))
    with pytest.raises(ValueError, match="need 'a'"):
        reg.unregister("a")
    out = run(Workspace(), 1, ["c"], registry=reg)
    assert dict(out) == {"a": 1, "b": 2, "c": 20}


def test_only_what_is_asked_for_and_what_it_needs_is_run():
    calls: list[str] = []
    reg = Registry()
    for name, needs in (("a", ()), ("b", ("a",)), ("other", ())):
        reg.register(Analysis(name, lambda i, n=name: calls.append(n) or n, needs=needs))
    run(Workspace(), 1, ["b"], registry=reg)
    assert calls == ["a", "b"]


def test_a_refusal_is_typed_propagates_to_what_needs_it_and_is_one_serious_finding():
    reg = Registry()

    def broken(_i: Inputs):
        raise ValueError("no cost profile for homecare")

    reg.register(Analysis("prices", broken, area="Pricing"))
    reg.register(Analysis("evaluation", lambda i: i.need("prices"), needs=("prices",)))
    reg.register(Analysis("fine", lambda i: 3))
    out = run(Workspace(), 1, registry=reg)
    assert isinstance(out["prices"], Refusal) and out["prices"].reason == "no cost profile for homecare"
    assert out["evaluation"] == Refusal("evaluation", "no cost profile for homecare", because="prices")
    assert out.ok("evaluation") is None and out.ok("fine") == 3
    findings = out.findings()
    assert [(f.code, f.severity, f.area) for f in findings] == [("analysis_refused", Severity.SERIOUS, "Pricing")]
    assert to_jsonable(out["prices"]) == {"error": "no cost profile for homecare"}
    assert to_jsonable(out["evaluation"]) == {"error": "no cost profile for homecare", "because": "prices"}


def test_an_arithmetic_failure_is_a_refusal_with_a_message_not_a_traceback():
    reg = Registry()
    reg.register(Analysis("ratio", lambda i: Decimal(1) / Decimal(0)))
    out = run(Workspace(), 1, registry=reg)
    assert isinstance(out["ratio"], Refusal) and "could not be completed" in out["ratio"].reason


def test_a_bug_is_not_hidden_as_a_refusal():
    reg = Registry()
    reg.register(Analysis("buggy", lambda i: {}["missing"]))
    with pytest.raises(KeyError):
        run(Workspace(), 1, registry=reg)


def test_not_applicable_stops_what_needs_it_without_a_finding():
    reg = Registry()
    reg.register(Analysis("extensions", lambda i: NotApplicable("extensions", "no extension years")))
    reg.register(Analysis("uses", lambda i: i.need("extensions"), needs=("extensions",)))
    out = run(Workspace(), 1, registry=reg)
    assert isinstance(out["uses"], Refusal) and "does not apply" in out["uses"].reason
    assert out.findings() == []


def test_findings_are_most_severe_first_each_message_once_with_the_analysis_area():
    reg = Registry()
    reg.register(Analysis("one", lambda i: None, area="Capacity", findings=lambda r: [
        Finding("thin", "Thin here.", Severity.WARNING), Finding("gap", "A gap.", Severity.SERIOUS)]))
    reg.register(Analysis("two", lambda i: None, area="Pricing", findings=lambda r: [
        Finding("gap", "A gap.", Severity.SERIOUS), Finding("ceiling", "Over.", Severity.BLOCKING, "Price")]))
    found = run(Workspace(), 1, registry=reg).findings()
    assert [(f.message, f.severity, f.area) for f in found] == [
        ("Over.", Severity.BLOCKING, "Price"), ("A gap.", Severity.SERIOUS, "Capacity"),
        ("Thin here.", Severity.WARNING, "Capacity")]


def test_cancelling_stops_between_analyses():
    token = CancelToken()
    reg = Registry()
    reg.register(Analysis("first", lambda i: token.cancel()))
    reg.register(Analysis("second", lambda i: pytest.fail("ran after cancel")))
    with pytest.raises(Cancelled):
        run(Workspace(), 1, registry=reg, cancelled=token)


def test_an_analysis_stops_at_its_own_checkpoints_once_the_run_is_cancelled():
    """The run binds its token to the thread: an analysis's ``checkpoint()`` raises as soon as it is tripped,
    not at the end of the analysis (issue 22: an overtaken computation lets go of the interpreter at once)."""
    token = CancelToken()
    reached: list[int] = []

    def long(i):
        for k in range(100):
            if k == 3:
                token.cancel()  # as the GUI does from its thread when an edit comes
            checkpoint()
            reached.append(k)

    reg = Registry()
    reg.register(Analysis("long", long))
    with pytest.raises(Cancelled):
        run(Workspace(), 1, registry=reg, cancelled=token)
    assert reached == [0, 1, 2]
    checkpoint()  # outside the run, nothing is bound: the token no longer stops anything here


@pytest.mark.parametrize("stage", ["cost build-up", "price schedule", "projection", "simulation"])
def test_the_long_analyses_check_the_bound_token_inside(demo, stage):
    """The cost build-up, the price schedule, the monthly projection and the simulation's draws each stop at a
    checkpoint of their own when the token bound to the thread is set; with none bound they run."""
    from consortium_planner.domain import simulation as sim
    from consortium_planner.domain.costing import cost_buildup
    from consortium_planner.domain.pricing import bid_prices
    from consortium_planner.domain.projection import capital

    option = spv_id(demo)
    rates = analyses.workspace_rates(demo)
    base = run(demo, option, ("capital", "prices"))
    b = sim.basis(demo, option, base["capital"], base["prices"])
    work = {"cost build-up": lambda: cost_buildup(demo, option, rates),
            "price schedule": lambda: bid_prices(demo, option, rates),
            "projection": lambda: capital(demo, option, rates),
            "simulation": lambda: sim.simulate(b, draws=sim.MIN_DRAWS)}[stage]
    work()
    tripped = CancelToken()
    tripped.cancel()
    with bound(tripped), pytest.raises(Cancelled):
        work()


def test_results_given_are_reused_not_recomputed(demo):
    oid = spv_id(demo)
    schedule = analyses.prices(demo, oid)
    results = Results.of(oid, {"prices": schedule})
    out = run(demo, oid, ["evaluation"], results=results)
    assert out["prices"] is schedule and out.ok("evaluation") is not None


def test_every_public_analysis_is_in_the_summary(demo):
    from consortium_planner.services.summary import summary

    data = summary(demo)
    public = set(REGISTRY.names(public_only=True))
    for option in data["consortium_options"]:
        assert set(option["analyses"]) == public
    assert {"rates", "capital"}.isdisjoint(public)
    tender = data["tenders"][0]
    assert tender["competitors"] and {c["name"] for c in tender["competitors"]}
    spv = next(o for o in data["consortium_options"] if o["name"] == "Special purpose vehicle")
    assert spv["funding_sources"] and spv["capital_items"]


# --------------------------------------------------------------------------- declared reads


class RecordingWorkspace(Workspace):
    """A snapshot that records which kinds of entity are read."""

    def __init__(self, source: Workspace):
        super().__init__(source.entities())
        self.read: set[str] = set()

    def all(self, cls):
        self.read.add(cls.entity_name)
        return super().all(cls)

    def iter(self, cls):
        self.read.add(cls.entity_name)
        return super().iter(cls)

    def get(self, cls, id_):
        self.read.add(cls.entity_name)
        return super().get(cls, id_)

    def by(self, cls, field, value):
        self.read.add(cls.entity_name)
        return super().by(cls, field, value)

    def count(self, cls):
        self.read.add(cls.entity_name)
        return super().count(cls)

    def entities(self):
        self.read.update(c.entity_name for c in ENTITIES)
        return super().entities()

    def tables(self):
        self.read.update(c.entity_name for c in ENTITIES)
        return super().tables()


@pytest.mark.parametrize("name", [a.name for a in REGISTRY.ordered()])
def test_an_analysis_reads_only_what_it_declares(demo, name):
    """A view refreshes on the entities its analyses declare (``REGISTRY.reads``): an analysis that
    read an undeclared entity would leave a view stale after an edit to it."""
    declared = REGISTRY.reads([name])
    for option in demo.options():
        needed = run(demo, option.id, REGISTRY[name].needs)  # type: ignore[arg-type]
        ws = RecordingWorkspace(demo)
        run(ws, option.id, [name], results=Results.of(option.id, dict(needed)))  # type: ignore[arg-type]
        assert ws.read <= declared, f"{name} reads {sorted(ws.read - declared)} without declaring it"


def test_runs_on_equal_snapshots_share_their_results_and_compute_each_analysis_once(demo):
    """Two threads (a tab and the verdict banner) on two snapshots of one version, inside ``sharing``: the slow
    analysis both need runs once, one thread waiting for the other's result; a run on any other workspace
    (a scenario's copy, the workspace itself) computes its own."""
    import threading
    import time

    from consortium_planner.services.pipeline import SharedResults, sharing

    calls: list[int] = []
    started = threading.Event()

    def slow(i: Inputs) -> int:
        calls.append(1)
        started.set()
        time.sleep(0.2)
        return 41

    reg = Registry()
    reg.register(Analysis("slow", slow))
    reg.register(Analysis("tab", lambda i: i.need("slow") + 1, needs=("slow",)))
    reg.register(Analysis("banner", lambda i: i.need("slow") - 1, needs=("slow",)))
    shared = SharedResults(reg)
    oid = spv_id(demo)
    got: dict[str, int] = {}

    def compute(name: str) -> None:
        snapshot = demo.copy()
        with sharing(snapshot, shared):
            got[name] = run(snapshot, oid, (name,), registry=reg)[name]

    first = threading.Thread(target=compute, args=("tab",))
    first.start()
    started.wait(5)
    second = threading.Thread(target=compute, args=("banner",))
    second.start()
    first.join(5)
    second.join(5)
    assert got == {"tab": 42, "banner": 40}
    assert calls == [1]
    assert set(shared.results(oid)) == {"slow", "tab", "banner"}
    snapshot = demo.copy()
    with sharing(snapshot, shared):
        run(snapshot.copy(), oid, ("tab",), registry=reg)  # another workspace: computed afresh
        other = Registry()
        other.register(Analysis("slow", slow))
        run(snapshot, oid, ("slow",), registry=other)  # another registry: not these results
        assert run(snapshot, oid, ("tab",), registry=reg)["tab"] == 42  # the shared result
    assert calls == [1, 1, 1]


def test_closures_and_reads_are_remembered_until_the_registry_changes():
    reg = Registry()
    reg.register(Analysis("a", lambda i: 1, reads=frozenset({"member"})))
    reg.register(Analysis("b", lambda i: 2, needs=("a",), reads=frozenset({"allocation"})))
    assert reg.closure(x for x in ["b"]) == ("a", "b")  # any iterable, a generator too
    assert reg.closure(["b"]) is reg.closure(("b",))  # remembered
    assert reg.closure(["b"], given=("b",)) == ("b",)  # what only a given name needs is left out
    assert reg.reads(["b"]) == {"member", "allocation"} and reg.reads(["b"]) is reg.reads(("b",))
    reg.register(Analysis("b", lambda i: 3, needs=(), reads=frozenset({"tender"})), replace=True)
    assert reg.closure(["b"]) == ("b",) and reg.reads(["b"]) == {"tender"}
    reg.register(Analysis("c", lambda i: 4, needs=("b",)))
    reg.unregister("c")
    reg.unregister("a")
    assert reg.names() == ("b",) and reg.closure(["b"]) == ("b",)
