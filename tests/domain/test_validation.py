import datetime as dt
from decimal import Decimal

import pytest

from consortium_planner.domain.fields import FieldError, coerce, specs
from consortium_planner.domain.model import (
    Allocation,
    Capacity,
    ConsortiumOption,
    Member,
    Organisation,
    Requirement,
    Structure,
    Tender,
)
from consortium_planner.domain.validation import (
    Severity,
    ValidationError,
    build,
    check_entity,
    check_in_context,
    check_option,
    check_workspace,
    errors,
    with_value,
)
from consortium_planner.domain.workspace import Workspace


def small_ws(**member_shares) -> Workspace:
    rows = [
        Organisation(id=1, name="Northfield Health Mutual"),
        Organisation(id=2, name="Care Co-op"),
        Tender(id=1, name="Wellbeing", annual_value=Decimal("4000000")),
        Requirement(id=1, tender_id=1, service_line="Homecare", area="East", annual_volume=Decimal("1000")),
        ConsortiumOption(id=1, tender_id=1, name="SPV", lead_organisation_id=1),
        Member(id=1, option_id=1, organisation_id=1, participation_pct=Decimal(member_shares.get("a", "60"))),
        Member(id=2, option_id=1, organisation_id=2, participation_pct=Decimal(member_shares.get("b", "40"))),
    ]
    return Workspace(rows)


def test_negative_capacity_is_refused_naming_the_field():
    cap = Capacity(id=1, organisation_id=1, service_line="Homecare", area="East")
    with pytest.raises(ValidationError) as info:
        with_value(cap, "units_per_year", "-5")
    assert "Units a year available now" in str(info.value)
    assert "negative" in str(info.value)


def test_text_in_a_number_field_is_refused():
    org_year = specs(Tender)["annual_value"]
    with pytest.raises(FieldError, match="Estimated annual value.*'lots' is not a number"):
        coerce(org_year, "lots", entity="Tender")


def test_percent_over_100_refused():
    with pytest.raises(ValidationError, match="at most 100%"):
        with_value(Member(id=1, option_id=1, organisation_id=1), "participation_pct", "101")


def test_shares_over_100_refused_in_context():
    ws = small_ws()
    m = with_value(ws.get(Member, 2), "participation_pct", "41")
    problems = errors(check_in_context(ws, m))
    assert problems and "101%" in problems[0].message and problems[0].field == "Participation share"
    ok = with_value(ws.get(Member, 2), "participation_pct", "40")
    assert not errors(check_in_context(ws, ok))


def test_deadline_before_publication_is_an_error():
    t = Tender(id=1, name="T", published=dt.date(2026, 5, 1), deadline=dt.date(2026, 4, 1))
    issues = errors(check_entity(t))
    assert [i.field for i in issues] == ["Bid deadline"]


def test_service_start_before_deadline_is_an_error():
    t = Tender(id=1, name="T", deadline=dt.date(2026, 9, 1), start_date=dt.date(2026, 4, 1))
    assert [i.field for i in errors(check_entity(t))] == ["Service start"]


def test_allocation_to_member_of_another_option_refused():
    ws = small_ws()
    ws.put(ConsortiumOption(id=2, tender_id=1, name="Other"))
    a = Allocation(id=None, option_id=2, requirement_id=1, member_id=1, volume=Decimal(10))
    assert any("another consortium option" in i.message for i in check_in_context(ws, a))


def test_duplicate_keys_found_case_insensitively():
    ws = small_ws()
    ws.put(Capacity(id=1, organisation_id=1, service_line="Homecare", area="East"))
    dup = Capacity(id=None, organisation_id=1, service_line=" homecare ", area="EAST")
    assert any("same service line and area" in i.message for i in check_in_context(ws, dup))


def test_required_name():
    with pytest.raises(ValidationError, match="Name: a value is required"):
        build(Organisation, {"name": "  "})


def test_workspace_warnings_do_not_block():
    ws = small_ws()
    ws.put(Tender(id=1, name="Wellbeing", quality_weight=Decimal(50)))
    ws.put(ConsortiumOption(id=1, tender_id=1, name="Alone", structure=Structure.GO_ALONE,
                            lead_organisation_id=1))
    issues = check_workspace(ws)
    assert not errors(issues)
    messages = {i.message for i in issues if i.severity is Severity.WARNING}
    assert "quality, price and social value add up to 90, not 100" in messages
    assert "'go alone' with 2 members" in messages
    assert {i.message for i in check_option(ws, 1)} >= messages


def test_check_workspace_reports_shares_over_100():
    ws = small_ws(a="70", b="40")
    assert any("110%" in i.message for i in errors(check_workspace(ws)))


def test_missing_figures_stay_missing():
    assert build(Organisation, {"name": "X", "staff_headcount": ""}).staff_headcount is None
