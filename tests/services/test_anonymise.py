"""Anonymised copies (issue 19, case studies): no original name survives anywhere, aliases are consistent,
money scales exactly, free text is dropped unless kept, and the source is never written to."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from anonymise_support import assert_no_name, source_names
from consortium_planner.domain import anonymise as anon_domain
from consortium_planner.domain.anonymise import AnonymiseError, original_names
from consortium_planner.domain.fields import Kind, specs
from consortium_planner.domain.model import (
    ENTITIES,
    Capacity,
    FundingSource,
    Member,
    Organisation,
    Requirement,
    Risk,
    Setting,
    Tender,
    TupeCohort,
)
from consortium_planner.services.anonymise import read_workspace, write_anonymised
from consortium_planner.services.demo import write_demo

# distinctive words of the demo's names, written out here so the test does not rely on the rule it checks
DEMO_WORDS = ["Westmarch", "Eastmere", "Brackenmoor", "Coldharbour", "Kestrel", "Harper", "Lowe", "Pathways"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("anon") / "demo.cplan"
    write_demo(path)
    return path


@pytest.mark.parametrize("keep_text", [False, True])
def test_no_original_name_survives_in_any_table_or_text_column(demo, tmp_path, keep_text):
    out = tmp_path / "anon.cplan"
    write_anonymised(demo, out, keep_text=keep_text)
    ws = read_workspace(demo)
    names = source_names(ws) | set(DEMO_WORDS) | set(original_names(ws))
    assert {"Westmarch Care Mutual", "Westmarch County Council", "Eastmere"} <= names
    scanned = assert_no_name(out, names)
    assert scanned > 300  # service lines, units, role names, option names… were all read
    # the original still has them (the scan would find them)
    with pytest.raises(AssertionError):
        assert_no_name(demo, ["Westmarch"])


def test_aliases_are_consistent(demo, tmp_path):
    out = tmp_path / "anon.cplan"
    result = write_anonymised(demo, out)
    before, after = read_workspace(demo), read_workspace(out)
    for org in before.iter(Organisation):
        assert after.get(Organisation, org.id).name == result.aliases[org.name]
    # the equity lines name the member's organisation by the same alias
    equity = [f for f in after.iter(FundingSource) if f.name.startswith("Equity: ")]
    assert len(equity) == 5
    for f in equity:
        member = after.get(Member, f.member_id)
        assert f.name == "Equity: " + after.get(Organisation, member.organisation_id).name
    # the buyer who employs the TUPE cohort has one alias in both places
    tender = next(after.iter(Tender))
    assert tender.buyer == "Buyer A" and next(after.iter(TupeCohort)).current_employer == "Buyer A"
    # areas line up between what the tender buys and what the organisations can deliver
    req_areas = {r.area for r in after.iter(Requirement)}
    assert req_areas == {"Area 1", "Area 2", "Area 3"}
    assert {c.area for c in after.iter(Capacity)} <= req_areas
    orgs = {o.id: o for o in after.iter(Organisation)}
    assert orgs[1].home_area in req_areas and set(orgs[1].areas_served.split("; ")) <= req_areas


def test_scale_two_doubles_money_exactly_and_keeps_everything_else(demo, tmp_path):
    out = tmp_path / "anon.cplan"
    write_anonymised(demo, out, scale=2)
    before, after = read_workspace(demo), read_workspace(out)
    money = kept = 0
    for cls in ENTITIES:
        for row in before.iter(cls):
            new = after.get(cls, row.id)
            if new is None:
                continue  # dropped settings
            for name, spec in specs(cls).items():
                old_v, new_v = getattr(row, name), getattr(new, name)
                if spec.kind is Kind.MONEY and old_v is not None:
                    assert new_v == old_v * 2, (cls.__name__, name)
                    money += 1
                elif spec.kind in (Kind.PERCENT, Kind.DECIMAL, Kind.INT, Kind.DATE, Kind.BOOL, Kind.CHOICE):
                    assert new_v == old_v, (cls.__name__, name)
                    kept += 1
    assert money > 200 and kept > 500
    assert next(after.iter(Tender)).annual_value == Decimal("8000000.00")


def test_fractional_scale_rounds_to_the_penny(demo, tmp_path):
    out = tmp_path / "anon.cplan"
    write_anonymised(demo, out, scale="0.37")
    after = read_workspace(out)
    tender = next(after.iter(Tender))
    assert tender.annual_value == Decimal("1480000.00")
    for row in after.iter(FundingSource):
        assert row.amount == row.amount.quantize(Decimal("0.01"))


def test_free_text_dropped_by_default_and_kept_when_asked(demo, tmp_path):
    dropped, kept = tmp_path / "dropped.cplan", tmp_path / "kept.cplan"
    write_anonymised(demo, dropped)
    write_anonymised(demo, kept, keep_text=True)
    d, k = read_workspace(dropped), read_workspace(kept)
    assert all(o.notes == "" for o in d.iter(Organisation))
    assert all(r.description == "" and r.mitigation == "" for r in d.iter(Risk))
    assert next(d.iter(Tender)).notes == ""
    assert sum(bool(o.notes) for o in k.iter(Organisation)) >= 5
    # kept text has its names replaced: the SPV's regulation risk names the care mutual by its alias
    regulation = next(r for r in k.iter(Risk) if "registration" in r.description)
    assert "Organisation B delivers under its own registration" in regulation.mitigation
    # settings: prepared by, logo and title are gone; the discount rate stays
    settings = {s.key: s.value for s in d.iter(Setting)}
    assert "author" not in settings and "logo_path" not in settings
    assert settings["discount_rate"] == "3.5" and settings["title"] == "Anonymised case study: Tender 1"


def test_refuses_the_source_and_an_existing_file(demo, tmp_path):
    before = demo.read_bytes()
    with pytest.raises(AnonymiseError, match="is the workspace being anonymised"):
        write_anonymised(demo, demo, overwrite=True)
    with pytest.raises(AnonymiseError, match="is the workspace being anonymised"):
        write_anonymised(demo, demo.parent / "." / demo.name, overwrite=True)
    other = tmp_path / "other.cplan"
    other.write_bytes(b"keep me")
    with pytest.raises(AnonymiseError, match="already exists"):
        write_anonymised(demo, other)
    assert other.read_bytes() == b"keep me"
    assert demo.read_bytes() == before
    with pytest.raises(AnonymiseError, match="above zero"):
        write_anonymised(demo, tmp_path / "x.cplan", scale="-1")
    assert not (tmp_path / "x.cplan").exists()


def test_a_leaking_copy_is_never_left_behind(demo, tmp_path, monkeypatch):
    real = anon_domain._replacer

    def leaky(aliases, tokens):  # a bug that forgets to replace names in text fields
        replace = real(aliases, tokens)
        return lambda text: text if text.startswith("Equity") else replace(text)

    monkeypatch.setattr(anon_domain, "_replacer", leaky)
    out = tmp_path / "leak.cplan"
    with pytest.raises(AnonymiseError, match="funding_source.name"):
        write_anonymised(demo, out)
    assert not out.exists()
    assert not list(tmp_path.glob(".leak*"))


def test_the_large_synthetic_workspace_anonymises_with_no_name_left(tmp_path):
    # its buyer is a "Combined Authority": a word that is also a stored choice (buyer_type "combined"),
    # so it must not count as a distinctive word of the name (the choice column is never rewritten)
    from consortium_planner.services.generate import write_large

    src, out = tmp_path / "large.cplan", tmp_path / "anon.cplan"
    write_large(src, seed=1)
    result = write_anonymised(src, out, scale="1.25")
    ws = read_workspace(src)
    assert len(list(ws.iter(Organisation))) == len([a for a in result.aliases.values() if a.startswith("Organisation")])
    assert "combined" not in {n.casefold() for n in original_names(ws)}
    assert_no_name(out, source_names(ws) | set(original_names(ws)))
