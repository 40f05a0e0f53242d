"""Cost build-up: a hand-worked role, a hand-worked price, economies of scale, reconciliation."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium_planner.domain.costing import (
    CATEGORIES,
    CostingError,
    LineKind,
    cost_buildup,
    reconcile,
    role_cost,
)
from consortium_planner.domain.model import (
    Allocation,
    ConsortiumOption,
    CostProfile,
    Member,
    Organisation,
    PensionScheme,
    Requirement,
    Role,
    Tender,
    key,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.services.rates import load_reference_rates

RATES = load_reference_rates()
Y2526 = RATES.get("2025/26")
START = dt.date(2025, 4, 1)


# --------------------------------------------------------------------------- the hand-worked role


def test_care_worker_at_national_living_wage_auto_enrolment():
    # Care worker at £12.21, 1 contact hour a unit, travel 0.20, training 0.03, holiday 12.07%,
    # sickness 2%, 1,950 paid hours a year, auto-enrolment 3%, 2025/26 rates.
    profile = CostProfile(id=1, organisation_id=1, service_line="Homecare")
    role = Role(id=1, cost_profile_id=1, name="Care worker", hourly_rate=D("12.21"))
    rc, note = role_cost(role, profile, Y2526)
    assert note == ""
    # paid hours per unit h = 1 × (1 + 0.20 + 0.03) = 1.23
    assert rc.paid_hours_per_unit == D("1.23")
    # wage = 12.21 × 1.23 × (1 + 0.1207 + 0.02) = 15.0183 × 1.1407 = 17.13137481
    assert rc.wage_per_unit == D("17.13137481")
    # annual gross = 12.21 × 1,950 × 1.1207 = 23,809.50 × 1.1207 = 26,683.30665
    assert rc.annual_gross == D("26683.30665")
    # employer NI a year = 15% × (26,683.30665 − 5,000) = 0.15 × 21,683.30665 = 3,252.4959975
    assert rc.employer_ni_annual == D("3252.4959975")
    # spread over paid hours: per unit = 17.13137481 × 3,252.4959975 ÷ 26,683.30665 = 2.08818677…
    assert rc.employer_ni_per_unit.quantize(D("0.00000001")) == D("2.08818677")
    # pension: 3% × (26,683.30665 − 6,240) = 0.03 × 20,443.30665 = 613.2991995 a year
    assert rc.pension_annual == D("613.2991995")
    # per unit = 17.13137481 × 613.2991995 ÷ 26,683.30665 = 0.39375399…
    assert rc.pension_per_unit.quantize(D("0.00000001")) == D("0.39375399")
    # role cost per unit = 17.13137481 + 2.08818677 + 0.39375399 = 19.61331557
    assert rc.cost_per_unit.quantize(D("0.00000001")) == D("19.61331557")


def test_ni_is_nil_below_the_secondary_threshold():
    profile = CostProfile(id=1, organisation_id=1, service_line="x")
    # 12.21 × 300 × 1.1207 = 4,105.14 < 5,000: no employer NI; below £6,240: no AE pension either
    rc, _ = role_cost(Role(id=1, cost_profile_id=1, name="r", hourly_rate=D("12.21"), annual_paid_hours=D("300")),
                      profile, Y2526)
    assert rc.employer_ni_per_unit == 0 and rc.pension_per_unit == 0


def test_auto_enrolment_band_caps_at_upper_limit():
    profile = CostProfile(id=1, organisation_id=1, service_line="x", holiday_pct=D("0"))
    # £40 × 1,950 = £78,000 gross; band = 50,270 − 6,240 = 44,030; 3% = 1,320.90 a year
    rc, _ = role_cost(Role(id=1, cost_profile_id=1, name="r", hourly_rate=D("40")), profile, Y2526)
    assert rc.pension_annual == D("1320.90")


@pytest.mark.parametrize(
    "scheme, rate_pct, expected_pct",
    [
        (PensionScheme.NHS, D("3"), D("14.46")),  # 14.38 + 0.08 of gross, from the rates
        (PensionScheme.NHS, D("23.78"), D("23.78")),  # no central funding: the full rate
        (PensionScheme.LGPS, D("19.5"), D("19.5")),  # the profile's actuarial rate
        (PensionScheme.OTHER_DB, D("12"), D("12")),
        (PensionScheme.NONE, D("5"), D("0")),
    ],
)
def test_pension_schemes_as_share_of_gross(scheme, rate_pct, expected_pct):
    profile = CostProfile(id=1, organisation_id=1, service_line="x", pension_scheme=scheme,
                          pension_rate_pct=rate_pct)
    rc, _ = role_cost(Role(id=1, cost_profile_id=1, name="r", hourly_rate=D("15")), profile, Y2526)
    assert rc.pension_rate_pct == expected_pct
    assert rc.pension_annual == rc.annual_gross * expected_pct / 100
    assert rc.pension_per_unit == rc.wage_per_unit * rc.pension_annual / rc.annual_gross


def test_auto_enrolment_rate_never_below_statutory_minimum():
    profile = CostProfile(id=1, organisation_id=1, service_line="x", pension_rate_pct=D("1"))
    rc, note = role_cost(Role(id=1, cost_profile_id=1, name="r", hourly_rate=D("15")), profile, Y2526)
    assert rc.pension_rate_pct == 3 and "below the auto-enrolment minimum" in note
    generous = CostProfile(id=1, organisation_id=1, service_line="x", pension_rate_pct=D("5"))
    rc5, note5 = role_cost(Role(id=1, cost_profile_id=1, name="r", hourly_rate=D("15")), generous, Y2526)
    assert rc5.pension_rate_pct == 5 and note5 == ""


# --------------------------------------------------------------------------- workspaces


def workspace(*, members=(("Alpha", D("1000")),), shared=D("5000"), fee=D("2"), margin=D("3"),
              contingency=D("2"), second_line=None, start=START, **profile_kw):
    """One tender, one option; each member delivers 'Homecare' with the same simple profile:
    a £20 role with no NI or pension (tiny annual hours, no scheme), 10 miles, £0.50 non-pay,
    £10,000 fixed a year."""
    profile = dict(travel_ratio=D("0"), training_ratio=D("0"), holiday_pct=D("0"), sickness_pct=D("0"),
                   pension_scheme=PensionScheme.NONE, mileage_per_unit=D("10"), non_pay_per_unit=D("0.50"),
                   fixed_costs_per_year=D("10000"))
    profile.update(profile_kw)
    ents = [
        Tender(id=1, name="Tender", start_date=start, annual_value=D("100000"), budget_ceiling=D("120000")),
        Requirement(id=1, tender_id=1, service_line="Homecare", area="North",
                    annual_volume=sum((v for _, v in members), D(0))),
        ConsortiumOption(id=1, tender_id=1, name="Option", management_fee_pct=fee, shared_costs_per_year=shared,
                         margin_pct=margin, contingency_pct=contingency),
    ]
    for i, (name, volume) in enumerate(members, start=1):
        ents += [
            Organisation(id=i, name=name),
            CostProfile(id=i, organisation_id=i, service_line="Homecare", **profile),
            Role(id=i, cost_profile_id=i, name="Worker", hourly_rate=D("20"), annual_paid_hours=D("100")),
            Member(id=i, option_id=1, organisation_id=i),
            Allocation(id=i, option_id=1, requirement_id=1, member_id=i, volume=volume),
        ]
    if second_line is not None:
        ents += [
            Requirement(id=2, tender_id=1, service_line="Day services", area="North", annual_volume=second_line),
            CostProfile(id=99, organisation_id=1, service_line="day services", **profile),
            Role(id=99, cost_profile_id=99, name="Worker", hourly_rate=D("20"), annual_paid_hours=D("100")),
            Allocation(id=99, option_id=1, requirement_id=2, member_id=1, volume=second_line),
        ]
    return Workspace(ents)


def test_hand_worked_price_per_unit_and_annual():
    b = cost_buildup(workspace(), 1, RATES)
    assert b.rates.year.label == "2025/26" and not b.flags
    s = b.service_line("HOMECARE")
    # direct: wage 20 (no on-costs) + mileage 10 × 0.45 = 4.50 + non-pay 0.50 = 25.00
    assert s.direct_cost_per_unit == D("25.00")
    # member fixed 10,000 ÷ 1,000 = 10; shared 5,000 ÷ 1,000 = 5; contingency 2% × 40 = 0.80
    assert (s.member_fixed_per_unit, s.shared_per_unit, s.contingency_per_unit) == (10, 5, D("0.80"))
    assert s.cost_per_unit == D("40.80")
    # price = 40.80 ÷ (1 − 0.03 − 0.02) = 42.947368… → £42.95
    assert s.price_exact.quantize(D("0.000001")) == D("42.947368")
    assert s.price_per_unit == D("42.95")
    # fee = 2% × 42.95 = 0.859; margin = 42.95 − 40.80 − 0.859 = 1.291
    assert s.fee_per_unit == D("0.8590") and s.margin_per_unit == D("1.2910")
    disp = {line.key: line.per_unit_display for line in s.lines}
    assert disp == {"wage": D("20.00"), "employer_ni": 0, "pension": 0, "mileage": D("4.50"), "non_pay": D("0.50"),
                    "member_fixed": D("10.00"), "shared": D("5.00"), "contingency": D("0.80"),
                    "irrecoverable_vat": 0, "management_fee": D("0.86"), "margin": D("1.29")}
    # annual: price 42.95 × 1,000 = 42,950; cost 40,800; fee 859; margin 1,291
    assert (s.annual_price, s.annual_cost, s.annual_fee, s.annual_margin) == (
        D("42950.00"), D("40800.00"), D("859.00"), D("1291.00"))
    assert b.annual_price == D("42950.00") and b.annual_cost == D("40800.00")
    assert {t.key: t.annual for t in b.totals}["shared"] == D("5000.00")
    # break-even: variable = 25 × 1.02 + 0.859 = 26.359; fixed = 15,000 × 1.02 = 15,300
    assert s.variable_cost_per_unit == D("26.359") and s.fixed_costs_per_year == D("15300")
    assert s.staff_share == D("0.5")  # 20 ÷ 40 before contingency


def test_hand_worked_role_inside_a_member_line():
    ws = workspace(travel_ratio=D("0.20"), training_ratio=D("0.03"), holiday_pct=D("12.07"),
                   sickness_pct=D("2"), pension_scheme=PensionScheme.AUTO_ENROLMENT, pension_rate_pct=D("3"),
                   mileage_per_unit=D("3"), fixed_costs_per_year=D("20000"),
                   members=(("Alpha", D("20000")),))
    ws.put(Role(id=1, cost_profile_id=1, name="Care worker", hourly_rate=D("12.21")))
    m = cost_buildup(ws, 1, RATES).service_lines[0].members[0]
    lines = {line.key: line for line in m.lines}
    assert lines["wage:1"].per_unit == D("17.13137481")
    assert lines["wage:1"].per_unit_display == D("17.13")
    assert lines["employer_ni:1"].per_unit_display == D("2.09")
    assert lines["pension:1"].per_unit_display == D("0.39")
    assert lines["mileage"].per_unit == D("1.35")  # 3 miles × 45p
    assert lines["member_fixed"].per_unit == 1  # 20,000 ÷ 20,000
    # unit cost 19.61331557 + 1.35 + 0.50 + 1 = 22.46331557 → £22.46
    assert m.unit_cost_display == D("22.46")
    # annual 22.46331557… × 20,000 = 449,266.31
    assert m.annual_cost == D("449266.31")
    assert sum(line.annual for line in m.lines) == m.annual_cost
    assert sum(line.per_unit_display for line in m.lines) == m.unit_cost_display


def test_blended_unit_cost_is_volume_weighted():
    ws = workspace(members=(("Alpha", D("3000")), ("Beta", D("1000"))), shared=D("0"), contingency=D("0"))
    ws.put(Role(id=2, cost_profile_id=2, name="Worker", hourly_rate=D("24"), annual_paid_hours=D("100")))
    s = cost_buildup(ws, 1, RATES).service_lines[0]
    # wages (3,000 × 20 + 1,000 × 24) ÷ 4,000 = 21
    assert s.line("wage").per_unit == 21
    # fixed: each member's 10,000 over its own volume, blended = 20,000 ÷ 4,000 = 5
    assert s.member_fixed_per_unit == 5
    assert [m.organisation_name for m in s.members] == ["Alpha", "Beta"]
    assert [m.unit_cost for m in s.members] == [D("20") + D("4.50") + D("0.50") + D("10000") / 3000, D("39.00")]


def test_economies_of_scale_shared_costs_fall_with_total_volume():
    small = cost_buildup(workspace(members=(("Alpha", D("1000")),)), 1, RATES)
    big = cost_buildup(workspace(members=(("Alpha", D("1000")), ("Beta", D("4000")))), 1, RATES)
    assert small.shared_per_unit == 5 and big.shared_per_unit == 1
    assert big.service_lines[0].price_per_unit < small.service_lines[0].price_per_unit


def test_shared_costs_spread_over_all_service_lines():
    b = cost_buildup(workspace(second_line=D("3000")), 1, RATES)
    assert b.total_volume == 4000 and b.shared_per_unit == D("1.25")
    shared = [s.line("shared").annual for s in b.service_lines]
    assert sum(shared) == D("5000.00") and shared == [D("1250.00"), D("3750.00")]
    assert [s.service_line for s in b.service_lines] == ["Homecare", "Day services"]
    assert [t.annual_cost for t in b.member_totals] == [sum(m.annual_cost for m in b.member_lines)]


def test_user_price_replaces_cost_plus_and_margin_shows_it():
    b = cost_buildup(workspace(), 1, RATES, unit_prices={"homecare": D("40")})
    s = b.service_lines[0]
    assert s.price_fixed_by_user and s.price_per_unit == 40
    assert s.margin_per_unit == D("40") - D("40.80") - D("0.80")
    assert any(f.code == "price_below_cost" for f in b.flags)


def test_missing_cost_profile_is_flagged_and_costed_at_zero():
    ws = workspace(members=(("Alpha", D("1000")), ("Beta", D("1000"))))
    ws.remove(CostProfile, 2)
    b = cost_buildup(ws, 1, RATES)
    assert any(f.code == "missing_cost_profile" and "Beta" in f.message for f in b.flags)
    beta = b.service_lines[0].members[1]
    assert beta.cost_profile_id is None and beta.annual_cost == 0 and beta.lines == ()


def test_flags_for_volume_dates_and_rates():
    ws = workspace(start=None)
    b = cost_buildup(ws, 1, RATES)
    assert b.rates.year.label == "2026/27"
    assert any(f.code == "no_start_date" for f in b.flags)
    late = cost_buildup(workspace(start=dt.date(2031, 1, 1)), 1, RATES)
    assert late.rates.extrapolated and any(f.code == "rates_extrapolated" for f in late.flags)
    ws2 = workspace()
    ws2.put(Requirement(id=1, tender_id=1, service_line="Homecare", area="North", annual_volume=D("1500")))
    assert any(f.code == "under_allocated" for f in cost_buildup(ws2, 1, RATES).flags)


def test_margin_and_fee_taking_the_whole_price_is_refused():
    with pytest.raises(CostingError):
        cost_buildup(workspace(fee=D("60"), margin=D("40")), 1, RATES)


def test_unknown_option():
    with pytest.raises(KeyError):
        cost_buildup(workspace(), 42, RATES)


def test_empty_option_prices_nothing():
    ws = workspace()
    ws.remove(Allocation, 1)
    b = cost_buildup(ws, 1, RATES)
    assert b.service_lines == () and b.annual_price == 0
    assert {f.code for f in b.flags} >= {"no_volume", "shared_unrecovered", "under_allocated"}


# --------------------------------------------------------------------------- reconciliation


def test_reconcile_largest_remainder():
    assert reconcile([D("0.333"), D("0.333"), D("0.334")], D("1.00")) == [D("0.33"), D("0.33"), D("0.34")]
    assert reconcile([D("1.005"), D("1.005")], D("2.01")) == [D("1.01"), D("1.00")]
    # negative parts: floors are -0.01 and 1.00; the missing penny goes to the larger remainder
    assert reconcile([D("-0.004"), D("1.004")], D("1.00")) == [D("0.00"), D("1.00")]
    assert reconcile([D("-1.006"), D("2.003")], D("1.00")) == [D("-1.00"), D("2.00")]
    assert reconcile([], D("0")) == []


def _reconcile_by_the_book(exact, target):
    """Largest remainder as the docstring states it, step by step (the reference for the fast one)."""
    floors = [int((v * 100).to_integral_value(rounding=ROUND_FLOOR)) for v in exact]
    left = int(target.quantize(D("0.01")) * 100) - sum(floors)
    rema = [v * 100 - f for v, f in zip(exact, floors, strict=True)]
    if left >= 0:
        order = sorted(range(len(exact)), key=lambda i: (-rema[i], i))
    else:
        order = sorted(range(len(exact)), key=lambda i: (rema[i], i))
    for j in range(abs(left)):
        floors[order[j % len(exact)]] += 1 if left > 0 else -1
    return [(D(p) / 100).quantize(D("0.01")) for p in floors]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.decimals(min_value=-10**7, max_value=10**7, allow_nan=False, allow_infinity=False,
                            places=6), min_size=1, max_size=12),
       st.integers(-40, 40))
def test_reconcile_is_the_largest_remainder_to_the_digit(exact, pennies_off):
    """Every part (its value and its two decimal places) as the step-by-step definition gives it, for
    targets at, above and below the rounded total, negative parts included."""
    target = sum(exact, D(0)).quantize(D("0.01")) + D(pennies_off) / 100
    got = reconcile(exact, target)
    want = _reconcile_by_the_book(exact, target)
    assert got == want and [g.as_tuple() for g in got] == [w.as_tuple() for w in want]
    assert sum(got, D(0)) == target.quantize(D("0.01"))


money = st.decimals(min_value=0, max_value=100, places=2)
ratio = st.decimals(min_value=0, max_value=D("0.5"), places=3)
pct = st.decimals(min_value=0, max_value=20, places=2)
vol = st.integers(min_value=1, max_value=50_000)


@st.composite
def scenarios(draw):
    return dict(
        rate=draw(st.decimals(min_value=D("10"), max_value=D("40"), places=2)),
        hours=draw(st.decimals(min_value=D("0.25"), max_value=D("3"), places=3)),
        paid=draw(st.integers(min_value=100, max_value=2200)),
        travel=draw(ratio), training=draw(ratio), holiday=draw(pct), sickness=draw(pct),
        scheme=draw(st.sampled_from(list(PensionScheme))), pension=draw(pct),
        miles=draw(st.decimals(min_value=0, max_value=30, places=2)), non_pay=draw(money),
        fixed=draw(st.decimals(min_value=0, max_value=50_000, places=2)),
        shared=draw(st.decimals(min_value=0, max_value=80_000, places=2)),
        fee=draw(pct), margin=draw(st.decimals(min_value=-10, max_value=20, places=2)), contingency=draw(pct),
        volumes=draw(st.lists(vol, min_size=1, max_size=3)), second=draw(st.one_of(st.none(), vol)),
    )


def _ws(sc, volumes=None, second=None):
    vols = volumes or sc["volumes"]
    ws = workspace(members=tuple((f"M{i}", D(v)) for i, v in enumerate(vols)), shared=sc["shared"], fee=sc["fee"],
                   margin=sc["margin"], contingency=sc["contingency"], second_line=D(second) if second else None,
                   travel_ratio=sc["travel"], training_ratio=sc["training"], holiday_pct=sc["holiday"],
                   sickness_pct=sc["sickness"], pension_scheme=sc["scheme"], pension_rate_pct=sc["pension"],
                   mileage_per_unit=sc["miles"], non_pay_per_unit=sc["non_pay"], fixed_costs_per_year=sc["fixed"])
    for i in range(1, len(vols) + 1):
        ws.put(Role(id=i, cost_profile_id=i, name="Worker", hourly_rate=sc["rate"] + i, hours_per_unit=sc["hours"],
                    annual_paid_hours=D(sc["paid"])))
    return ws


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_lines_add_up_to_the_penny(sc):
    b = cost_buildup(_ws(sc, second=sc["second"]), 1, RATES)
    for s in b.service_lines:
        assert sum(line.annual for line in s.lines) == s.annual_price
        assert sum(line.per_unit_display for line in s.lines) == s.price_per_unit
        assert s.annual_price == (s.price_per_unit * s.volume).quantize(D("0.01"))
        costs = [line for line in s.lines if line.kind not in (LineKind.FEE, LineKind.MARGIN)]
        assert sum(line.annual for line in costs) == s.annual_cost
        assert s.annual_cost + s.annual_fee + s.annual_margin == s.annual_price
        for line in costs:  # every rounded cost line is within a penny of its exact value
            assert abs(line.per_unit_display - line.per_unit) < D("0.01")
        assert [line.key for line in s.lines] == [c[0] for c in CATEGORIES]
        for m in s.members:
            assert sum(line.annual for line in m.lines) == m.annual_cost
            assert sum(line.per_unit_display for line in m.lines) == m.unit_cost_display
            assert abs(m.annual_cost - m.unit_cost * m.volume) <= D("0.005")
            for line in m.lines:
                assert abs(line.per_unit_display - line.per_unit) < D("0.01")
        # member-level lines add up to the service line's member categories
        for cat in ("wage", "employer_ni", "pension", "mileage", "non_pay", "member_fixed"):
            assert s.line(cat).annual == sum(x.annual for m in s.members for x in m.lines if x.category == cat)
    assert sum(t.annual for t in b.totals) == b.annual_price
    assert b.annual_cost + b.annual_fee + b.annual_margin == b.annual_price
    assert sum(s.line("shared").annual for s in b.service_lines) == b.shared_costs_per_year
    assert sum(t.annual_cost for t in b.member_totals) + {t.key: t.annual for t in b.totals}["shared"] + {
        t.key: t.annual for t in b.totals}["contingency"] == b.annual_cost


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(min_value=0, max_value=2), st.integers(min_value=1, max_value=20_000))
def test_more_volume_never_lowers_total_cost(sc, which, extra):
    vols = list(sc["volumes"])
    which %= len(vols)
    before = cost_buildup(_ws(sc, vols, sc["second"]), 1, RATES)
    vols[which] += extra
    after = cost_buildup(_ws(sc, vols, sc["second"]), 1, RATES)
    assert after.annual_cost >= before.annual_cost
    assert after.member_totals[which].annual_cost >= before.member_totals[which].annual_cost
    # and the shared back office per unit never rises with volume
    assert after.shared_per_unit <= before.shared_per_unit


# --------------------------------------------------------------------------- member lines kept between build-ups


@pytest.fixture(scope="module")
def demo_ws():
    from consortium_planner.services.demo import build_demo_entities, load_demo_source

    return Workspace(build_demo_entities(load_demo_source()))


_EDITS = st.lists(st.tuples(st.sampled_from(["allocation", "role", "profile", "organisation", "same"]),
                            st.integers(0, 10_000), st.integers(1, 400)), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=_EDITS, which=st.integers(0, 3))
def test_a_build_up_after_edits_is_the_one_computed_afresh(demo_ws, edits, which):
    """Member lines are taken from an earlier build-up only when nothing they read has changed: after any
    edits (a volume, a wage, a profile's non-pay, an organisation's name, a volume rewritten with another
    number of decimal places), the build-up equals the one computed with nothing kept, flags included."""
    import dataclasses

    from consortium_planner.domain import costing
    from consortium_planner.domain.model import CostProfile as Cp
    from consortium_planner.domain.model import Organisation as Org
    from consortium_planner.domain.model import Role as Rl

    ws = demo_ws.copy()
    option = ws.options()[which]
    tender = ws.get(Tender, option.tender_id)
    cost_buildup(ws, option.id, RATES, on=tender.start_date)  # what later build-ups may keep
    for kind, pick, amount in edits:
        if kind in ("allocation", "same"):
            rows = sorted(ws.allocations(option.id), key=lambda a: a.id)
            a = rows[pick % len(rows)]
            volume = a.volume + amount if kind == "allocation" else a.volume.quantize(D("0.1"))
            ws.put(dataclasses.replace(a, volume=volume))
        elif kind == "role":
            rows = sorted(ws.all(Rl), key=lambda r: r.id)
            r = rows[pick % len(rows)]
            ws.put(dataclasses.replace(r, hourly_rate=r.hourly_rate + D(amount) / 100))
        elif kind == "profile":
            rows = sorted(ws.all(Cp), key=lambda p: p.id)
            p = rows[pick % len(rows)]
            ws.put(dataclasses.replace(p, non_pay_per_unit=p.non_pay_per_unit + D(amount) / 100))
        else:
            rows = sorted(ws.all(Org), key=lambda o: o.id)
            o = rows[pick % len(rows)]
            ws.put(dataclasses.replace(o, name=f"{o.name} {amount}"))
        kept = cost_buildup(ws, option.id, RATES, on=tender.start_date)
        saved, saved_staff, saved_sums = dict(costing._LINES), dict(costing._STAFF), dict(costing._SUMS)
        costing._LINES.clear()
        costing._STAFF.clear()
        costing._SUMS.clear()
        try:
            fresh = cost_buildup(ws, option.id, RATES, on=tender.start_date)
        finally:
            costing._LINES.update(saved)
            costing._STAFF.update(saved_staff)
            costing._SUMS.update(saved_sums)
        assert kept == fresh
        assert [ml.volume.as_tuple() for s in kept.service_lines for ml in s.members] == \
            [ml.volume.as_tuple() for s in fresh.service_lines for ml in s.members]


def test_an_allocation_edit_computes_one_member_line_again(demo_ws, monkeypatch):
    import dataclasses

    from consortium_planner.domain import costing

    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    tender = ws.get(Tender, option.tender_id)
    cost_buildup(ws, option.id, RATES, on=tender.start_date)
    computed: list[int] = []
    real = costing._member_line
    monkeypatch.setattr(costing, "_member_line", lambda *a, **k: computed.append(1) or real(*a, **k))
    first = cost_buildup(ws, option.id, RATES, on=tender.start_date)
    assert not computed and len([ml for s in first.service_lines for ml in s.members]) > 3
    a = sorted(ws.allocations(option.id), key=lambda a: a.id)[0]
    ws.put(dataclasses.replace(a, volume=a.volume + 7))
    cost_buildup(ws, option.id, RATES, on=tender.start_date)
    assert len(computed) == 1


def test_an_allocation_edit_sums_one_service_lines_members_again(demo_ws, monkeypatch):
    """A service line's member costs by category are summed again only when its member lines are not the very
    same (``costing._SUMS``): after an allocation edit, the edited line's; a scenario's copy keeps none."""
    import dataclasses

    from consortium_planner.domain import costing
    from consortium_planner.domain import scenarios as sc

    monkeypatch.setattr(costing, "_SUMS", {})
    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    tender = ws.get(Tender, option.tender_id)
    first = cost_buildup(ws, option.id, RATES, on=tender.start_date)
    before = dict(costing._SUMS)
    assert set(before) == {(option.id, s.key) for s in first.service_lines} and len(before) > 2
    a = sorted(ws.allocations(option.id), key=lambda a: a.id)[0]
    edited = next(r for r in ws.requirements(option.tender_id) if r.id == a.requirement_id)
    ws.put(dataclasses.replace(a, volume=a.volume + 7))
    after = cost_buildup(ws, option.id, RATES, on=tender.start_date)
    again = {k for k, v in costing._SUMS.items() if v is not before[k]}
    assert again == {(option.id, key(edited.service_line))}
    line = next(s for s in after.service_lines if s.key == key(edited.service_line))
    assert line.annual_cost != next(s for s in first.service_lines if s.key == line.key).annual_cost
    kept = dict(costing._SUMS)
    point = sc.apply(ws, option.id, sc.Adjustments(volume_pct=D("-12.5")))
    cost_buildup(point, option.id, RATES, on=tender.start_date)
    assert costing._SUMS == kept and all(costing._SUMS[k] is v for k, v in kept.items())


def test_a_scenarios_build_up_leaves_the_stored_lines_kept(demo_ws, monkeypatch):
    """A scenario's copy with the volume moved (a sensitivity point) prices every member line at another
    volume; those lines are not kept, so the next build-up of the workspace as stored, after an allocation
    edit, still computes one line again (it computed every line once a sensitivity had run)."""
    import dataclasses

    from consortium_planner.domain import costing
    from consortium_planner.domain import scenarios as sc

    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    tender = ws.get(Tender, option.tender_id)
    cost_buildup(ws, option.id, RATES, on=tender.start_date)
    point = sc.apply(ws, option.id, sc.Adjustments(volume_pct=D("-12.5")))
    moved = cost_buildup(point, option.id, RATES, on=tender.start_date)
    assert moved != cost_buildup(ws, option.id, RATES, on=tender.start_date)
    computed: list[int] = []
    real = costing._member_line
    monkeypatch.setattr(costing, "_member_line", lambda *a, **k: computed.append(1) or real(*a, **k))
    assert cost_buildup(point, option.id, RATES, on=tender.start_date) == moved  # computed again, not kept
    lines = len([ml for s in moved.service_lines for ml in s.members])
    assert len(computed) == lines > 3
    computed.clear()
    a = sorted(ws.allocations(option.id), key=lambda a: a.id)[0]
    ws.put(dataclasses.replace(a, volume=a.volume + 7))
    cost_buildup(ws, option.id, RATES, on=tender.start_date)
    assert len(computed) == 1


def test_a_volume_point_takes_the_staff_costs_per_unit_as_they_were(demo_ws, monkeypatch):
    """Role costs and staff lines per unit do not depend on the volume (``costing._STAFF``): a scenario's copy
    that moves volume prices every member line again without working out one role cost, and its build-up
    equals one computed with nothing kept."""
    from consortium_planner.domain import costing
    from consortium_planner.domain import scenarios as sc

    ws = demo_ws.copy()
    option = max(ws.options(), key=lambda o: len(ws.allocations(o.id)))
    tender = ws.get(Tender, option.tender_id)
    monkeypatch.setattr(costing, "_LINES", {})  # what other tests left kept would spare this build-up's lines
    monkeypatch.setattr(costing, "_STAFF", {})
    cost_buildup(ws, option.id, RATES, on=tender.start_date)
    point = sc.apply(ws, option.id, sc.Adjustments(volume_pct=D("7.5")))
    worked: list[int] = []
    real = costing.role_cost
    monkeypatch.setattr(costing, "role_cost", lambda *a: worked.append(1) or real(*a))
    moved = cost_buildup(point, option.id, RATES, on=tender.start_date)
    assert worked == []
    monkeypatch.setattr(costing, "_LINES", {})
    monkeypatch.setattr(costing, "_STAFF", {})
    assert cost_buildup(point, option.id, RATES, on=tender.start_date) == moved
    assert worked  # computed afresh this time
