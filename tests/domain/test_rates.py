"""Reference rates: the packaged file, lookup by financial year, carry-forward and overrides."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from consortium_planner.domain.rates import (
    RATE_FIELDS,
    RatesError,
    apply_overrides,
    financial_year_label,
    financial_year_start,
    parse_rates,
    rates_for,
    replace_rate,
)
from consortium_planner.services.rates import apply_overrides as service_apply_overrides
from consortium_planner.services.rates import load_reference_rates, parse_rates_text


@pytest.fixture(scope="module")
def table():
    return load_reference_rates()


def test_packaged_rates_match_domain_reference(table):
    assert table.labels() == ("2025/26", "2026/27")
    y25, y26 = table.years
    assert (y25.starts, y25.ends) == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert y25.national_living_wage == D("12.21") and y26.national_living_wage == D("12.71")
    assert y25.youth_rate_18_20 == D("10.00") and y26.youth_rate_18_20 == D("10.85")
    assert (y25.real_living_wage, y25.real_living_wage_london) == (D("12.60"), D("13.85"))
    assert (y26.real_living_wage, y26.real_living_wage_london) == (D("13.45"), D("14.80"))
    for y in table.years:
        assert y.employer_ni_pct == 15 and y.ni_secondary_threshold == 5000
        assert y.ae_employer_pct == 3 and (y.ae_lower_limit, y.ae_upper_limit) == (6240, 50270)
        assert (y.nhs_employer_pct, y.nhs_admin_pct) == (D("14.38"), D("0.08"))
        assert y.holiday_pct == D("12.07") and y.mileage_rate == D("0.45")
    assert y25.homecare_minimum_price == D("32.14")


def test_values_are_exact_decimals_never_float(table):
    for y in table.years:
        for item in y.items():
            assert item.value is None or type(item.value) is D


def test_every_rate_has_source_and_effective_date(table):
    for y in table.years:
        for item in y.items():
            assert item.provenance is not None, (y.label, item.name)
            assert item.provenance.source, (y.label, item.name)
            assert item.provenance.effective is not None, (y.label, item.name)
            assert item.provenance.status in ("V", "K", "U")
    assert [i.name for i in table.first.items()] == [f.name for f in RATE_FIELDS]


def test_omitted_rate_is_carried_forward_and_flagged(table):
    y26 = table.get("2026/27")
    p = y26.source("homecare_minimum_price")
    assert y26.homecare_minimum_price == D("32.14")
    assert p.carried_forward and p.status == "U" and "2025/26" in p.source
    assert not y26.source("national_living_wage").carried_forward


@pytest.mark.parametrize(
    "day, label",
    [
        (dt.date(2025, 4, 1), "2025/26"),
        (dt.date(2026, 3, 31), "2025/26"),
        (dt.date(2026, 4, 1), "2026/27"),
        (dt.date(2027, 3, 31), "2026/27"),
    ],
)
def test_lookup_by_financial_year(table, day, label):
    found = rates_for(table, day)
    assert found.year.label == label
    assert not found.extrapolated and found.message == ""
    assert financial_year_label(day) == label


def test_lookup_beyond_last_year_uses_last_year_flagged(table):
    found = rates_for(table, dt.date(2029, 6, 1))
    assert found.year.label == "2026/27"
    assert found.extrapolated
    assert "2029/30" in found.message and "2026/27" in found.message


def test_lookup_before_first_year_uses_first_flagged(table):
    found = rates_for(table, dt.date(2024, 12, 25))
    assert found.year.label == "2025/26" and found.extrapolated and "2024/25" in found.message


def test_financial_year_helpers():
    assert financial_year_start(dt.date(2026, 3, 31)) == dt.date(2025, 4, 1)
    assert financial_year_start(dt.date(2026, 4, 1)) == dt.date(2026, 4, 1)
    assert financial_year_label(dt.date(2099, 12, 1)) == "2099/00"


def _minimal(**changes):
    body = {f.name: "1" for f in RATE_FIELDS if f.required}
    body.update(ae_lower_limit="10", ae_upper_limit="20")
    body.update(changes)
    return body


def test_parse_accepts_bare_numbers_text_and_tables():
    t = parse_rates({"years": {"2030/31": _minimal(national_living_wage={"value": "15.5", "source": "S",
                                                                          "effective": "2030-04-01"})}})
    y = t.first
    assert y.starts == dt.date(2030, 4, 1)
    assert y.national_living_wage == D("15.5") and y.source("national_living_wage").source == "S"
    assert y.source("national_living_wage").effective == dt.date(2030, 4, 1)
    assert y.homecare_minimum_price is None


def test_parse_float_goes_through_its_shortest_repr():
    t = parse_rates({"years": {"2030/31": _minimal(mileage_rate=0.45)}})
    assert t.first.mileage_rate == D("0.45")


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "no"),
        ({"years": {"2030/32": _minimal()}}, "2025/26"),
        ({"years": {"2030/31": {"national_living_wage": "12"}}}, "missing"),
        ({"years": {"2030/31": _minimal(national_living_wage="-1")}}, "negative"),
        ({"years": {"2030/31": _minimal(national_living_wage="twelve")}}, "not a number"),
        ({"years": {"2030/31": _minimal(wibble="1")}}, "unknown"),
        ({"years": {"2030/31": _minimal(starts="2030-05-01")}}, "1 April"),
        ({"years": {"2030/31": _minimal(ae_lower_limit="30")}}, "upper limit"),
        ({"years": {"2030/31": _minimal(employer_ni_pct="150")}}, "at most 100"),
        ({"years": {"2030/31": _minimal(national_living_wage={"source": "x"})}}, "value"),
    ],
)
def test_parse_errors_name_the_problem(data, message):
    with pytest.raises(RatesError, match=message):
        parse_rates(data)


def test_parse_rates_text_reports_toml_errors():
    with pytest.raises(RatesError, match="rates file"):
        parse_rates_text("years = [")
    t = parse_rates_text('[years."2030/31"]\n' + "\n".join(f"{k} = {v}" for k, v in _minimal().items()))
    assert t.first.ae_upper_limit == 20


def test_overrides_change_one_year_and_mark_it(table):
    t = apply_overrides(table, {"2026/27": {"national_living_wage": "12.80",
                                            "real_living_wage": {"value": "13.60", "source": "Board paper"}}})
    y = t.get("2026/27")
    assert y.national_living_wage == D("12.80") and y.real_living_wage == D("13.60")
    assert y.source("national_living_wage").overridden
    assert y.source("real_living_wage").source == "Board paper"
    assert y.youth_rate_18_20 == D("10.85") and not y.source("youth_rate_18_20").overridden
    assert t.get("2025/26") == table.get("2025/26")
    assert table.get("2026/27").national_living_wage == D("12.71")  # the original is untouched


def test_overrides_add_a_year_carrying_forward(table):
    t = apply_overrides(table, {"years": {"2027/28": {"national_living_wage": 13}}})
    assert t.labels() == ("2025/26", "2026/27", "2027/28")
    y = t.get("2027/28")
    assert y.national_living_wage == 13 and y.source("national_living_wage").overridden
    assert y.youth_rate_18_20 == D("10.85") and y.source("youth_rate_18_20").carried_forward
    found = rates_for(t, dt.date(2027, 6, 1))
    assert found.year.label == "2027/28" and not found.extrapolated


def test_overrides_reject_bad_values(table):
    with pytest.raises(RatesError):
        apply_overrides(table, {"2026/27": {"national_living_wage": "abc"}})
    with pytest.raises(RatesError):
        apply_overrides(table, {"2026-27": {"national_living_wage": "1"}})


def test_service_overrides_accept_none(table):
    assert service_apply_overrides(table, None) is table
    assert service_apply_overrides(table, {}) is table
    assert service_apply_overrides(table, {"2025/26": {"mileage_rate": "0.55"}}).first.mileage_rate == D("0.55")


def test_replace_rate_for_what_ifs(table):
    y = replace_rate(table.first, national_living_wage=D("13"))
    assert y.national_living_wage == 13 and y.source("national_living_wage").overridden
    with pytest.raises(RatesError):
        replace_rate(table.first, nope=D(1))
