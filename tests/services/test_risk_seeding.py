"""Seeding an option's risk register from the analyses (WorkspaceSession.seed_risks), and the register in
the pipeline and ``summary --json``."""

from __future__ import annotations

import pytest

from consortium_planner.domain.model import ConsortiumOption, Risk, RiskSource, RiskStatus, Tender
from consortium_planner.services import analyses
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.services.summary import summary


@pytest.fixture
def demo(tmp_path):
    path = write_demo(tmp_path / "demo.cplan")
    s = WorkspaceSession.open(path)
    yield s
    s.close()


def option(s: WorkspaceSession, name: str) -> ConsortiumOption:
    return next(o for o in s.ws.options() if o.name == name)


def rows(s: WorkspaceSession, option_id: int) -> list[tuple]:
    """The register as stored (everything but the ids), in id order."""
    return [(r.area, r.description, r.likelihood, r.impact, r.owner, r.status, r.source, r.seed_key,
             r.resolved_by_analyses) for r in sorted(s.ws.children(Risk, option_id), key=lambda r: r.id)]


def test_seeding_twice_gives_the_same_rows_and_the_second_adds_nothing(demo, tmp_path):
    spv = option(demo, "Special purpose vehicle")
    before = len(demo.ws.children(Risk, spv.id))
    batch, changes = demo.seed_risks(spv.id)
    seeded = rows(demo, spv.id)
    assert len(seeded) > before and "risk" in changes.entities
    assert {r[6] for r in seeded[before:]} == {RiskSource.ANALYSES}
    again, changes2 = demo.seed_risks(spv.id)
    assert not again and not changes2.entities
    assert rows(demo, spv.id) == seeded
    # and as stored in the file, not only in memory
    demo.close()
    reopened = WorkspaceSession.open(demo.path)
    try:
        assert rows(reopened, spv.id) == seeded
    finally:
        reopened.close()


def test_every_warning_or_worse_finding_is_in_the_register_once_seeded(demo):
    lead = option(demo, "Lead provider with subcontractors")
    demo.seed_risks(lead.id)
    register = analyses.risk_register(demo.ws, lead.id)
    findings = analyses.analyse_option(demo.ws, lead.id).findings()
    from consortium_planner.domain.risk_register import seed_key, seedable, unregistered

    assert unregistered(findings, demo.ws.children(Risk, lead.id)) == []
    keys = {e.seed_key for e in register if e.source is RiskSource.ANALYSES}
    assert keys == {seed_key(f) for f in findings if seedable(f)}
    assert all(e.finding_raised for e in register if e.source is RiskSource.ANALYSES)
    scores = [e.score for e in register if e.active]
    assert scores == sorted(scores, reverse=True)  # worst first


def test_a_users_edits_survive_a_refresh_as_the_figures_change(demo):
    spv = option(demo, "Special purpose vehicle")
    demo.seed_risks(spv.id)
    risk = next(r for r in demo.ws.children(Risk, spv.id) if r.finding_code == "ceiling_affordability")
    demo.set_field(Risk, risk.id, "owner", "Bid director")
    demo.set_field(Risk, risk.id, "mitigation", "Take the shared back office out of the vehicle")
    demo.set_field(Risk, risk.id, "residual_likelihood", "2")
    demo.set_field(Risk, risk.id, "status", "Mitigated")
    tender = demo.ws.get(Tender, spv.tender_id)
    demo.set_field(Tender, tender.id, "budget_ceiling", "4,200,000")  # the figures in the finding change
    batch, _ = demo.seed_risks(spv.id)
    after = demo.ws.get(Risk, risk.id)
    assert "£4,200,000" in after.description and "£4,200,000" not in risk.description
    assert (after.owner, after.mitigation, after.residual_likelihood, after.status) == (
        "Bid director", "Take the shared back office out of the vehicle", 2, RiskStatus.MITIGATED)
    # the refresh rewrites the risks whose findings quote the ceiling (this one, and the pension
    # finding's "over the ceiling"), and nothing else
    assert risk.id in [r.id for r in batch.before] and after in batch.after
    assert all("£4,200,000" in r.description or "ceiling" in r.description for r in batch.after)


def test_a_finding_that_disappears_is_marked_when_worked_on_and_removed_when_not(demo):
    spv = option(demo, "Special purpose vehicle")
    demo.seed_risks(spv.id)
    ceiling = next(r for r in demo.ws.children(Risk, spv.id) if r.finding_code == "ceiling_affordability")
    demo.set_field(Risk, ceiling.id, "owner", "Bid director")
    tender = demo.ws.get(Tender, spv.tender_id)
    demo.set_field(Tender, tender.id, "budget_ceiling", "9,000,000")  # no year is above the ceiling now
    findings = analyses.analyse_option(demo.ws, spv.id).findings()
    assert not [f for f in findings if f.code == "ceiling_affordability"]
    demo.seed_risks(spv.id, findings)
    kept = demo.ws.get(Risk, ceiling.id)
    assert kept is not None and kept.resolved_by_analyses and kept.owner == "Bid director"
    entry = next(e for e in analyses.risk_register(demo.ws, spv.id) if e.risk_id == ceiling.id)
    assert entry.finding_raised is False and not entry.active
    # an untouched seeded risk whose finding goes is removed
    untouched = next(r for r in demo.ws.children(Risk, spv.id) if r.finding_code == "not_winning")
    demo.set_field(Tender, tender.id, "budget_ceiling", "4,150,000")
    demo.set_field(ConsortiumOption, spv.id, "quality_score", "95")  # now it ranks first
    demo.seed_risks(spv.id)
    assert demo.ws.get(Risk, untouched.id) is None
    assert demo.ws.get(Risk, ceiling.id) is not None and not demo.ws.get(Risk, ceiling.id).resolved_by_analyses


def test_a_refresh_is_undone_exactly_by_its_batch(demo):
    spv = option(demo, "Special purpose vehicle")
    before = rows(demo, spv.id)
    batch, _ = demo.seed_risks(spv.id)
    after = rows(demo, spv.id)
    demo.apply_batch(batch, reverse=True)
    assert rows(demo, spv.id) == before
    demo.apply_batch(batch)
    assert rows(demo, spv.id) == after


def test_the_register_reaches_summary_json_as_a_list_per_option(demo):
    spv = option(demo, "Special purpose vehicle")
    demo.seed_risks(spv.id)
    data = summary(demo.ws)
    for o in data["consortium_options"]:
        register = o["analyses"]["risk_register"]
        assert isinstance(register, list)
        if o["id"] == spv.id:
            assert register and {"area", "description", "likelihood", "impact", "score", "rating", "owner",
                                 "mitigation", "residual_score", "status", "source"} <= set(register[0])
            assert register[0]["rating"] in ("red", "amber", "green")
            first = register[0]
            assert int(first["score"]) == int(first["likelihood"]) * int(first["impact"])


@pytest.fixture
def refusing_returns():
    """The returns analysis refuses (as it would on figures it cannot use) for the length of a test."""
    import dataclasses

    from consortium_planner.services.pipeline import REGISTRY, register

    original = REGISTRY["returns"]

    def refuse(_inputs):
        raise ValueError("the cash flows cannot be discounted")

    register(dataclasses.replace(original, compute=refuse), replace=True)
    yield
    register(original, replace=True)


def test_the_register_runs_when_an_analysis_it_reads_is_refused(small_workspace, refusing_returns):
    s = WorkspaceSession.open(small_workspace)
    try:
        op = s.ws.options()[0]
        results = analyses.analyse_option(s.ws, op.id)
        assert results.refusal("returns") is not None
        register = results.ok("risk_register")
        assert [e.description for e in register] == ["The registered manager leaves before start"]
        # the refusal is itself a finding, and seeds a risk like any other
        s.seed_risks(op.id, results.findings())
        refused = [r for r in s.ws.children(Risk, op.id) if r.finding_code == "analysis_refused"]
        assert [r.description for r in refused] == [
            "The returns analysis could not run: the cash flows cannot be discounted"]
        assert (refused[0].likelihood, refused[0].impact) == (4, 4)
    finally:
        s.close()


def test_seeding_an_option_that_has_gone_is_refused(demo):
    from consortium_planner.services.session import WorkspaceFileError

    with pytest.raises(WorkspaceFileError):
        demo.seed_risks(9999)
