from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium_planner.domain.money import (
    MoneyError,
    allocate,
    format_gbp,
    from_pence,
    parse_decimal,
    parse_money,
    quantize,
    to_pence,
)

amounts = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.56", Decimal("1234.56")),
        ("£2,000", Decimal("2000")),
        ("  £ 12.5 ", Decimal("12.5")),
        ("(150)", Decimal("-150")),
        ("-£3.10", Decimal("-3.10")),
        ("12.07%", Decimal("12.07")),
        (".5", Decimal("0.5")),
    ],
)
def test_parse_en_gb(text, expected):
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2x", "", "£", "1.2.3", "nan", "inf", "--3"])
def test_parse_refuses_text_and_names_the_field(text):
    with pytest.raises(MoneyError, match="Turnover"):
        parse_decimal(text, what="Turnover")


def test_parse_refuses_float_and_bool():
    with pytest.raises(MoneyError):
        parse_decimal(True)
    with pytest.raises(MoneyError):
        parse_decimal(1.5)  # type: ignore[arg-type]


def test_rounding_is_half_even_to_the_penny():
    assert quantize(Decimal("0.125")) == Decimal("0.12")
    assert quantize(Decimal("0.135")) == Decimal("0.14")
    assert parse_money("2.675") == Decimal("2.68")


def test_format_gbp():
    assert format_gbp(Decimal("1234567.891")) == "£1,234,567.89"
    assert format_gbp(Decimal("-5")) == "\u2212£5.00"
    assert format_gbp(None) == "not given"
    assert format_gbp(Decimal("4000000"), pence=False) == "£4,000,000"


@given(amounts)
def test_pence_round_trip(amount):
    assert from_pence(to_pence(amount)) == amount


@given(amounts, st.lists(st.decimals(min_value=0, max_value=1000, places=3), min_size=1, max_size=12))
def test_allocate_adds_back_exactly(amount, weights):
    parts = allocate(amount, weights)
    assert sum(parts, Decimal(0)) == quantize(amount)
    assert len(parts) == len(weights)
    if sum(weights) > 0:
        for part, w in zip(parts, weights, strict=True):
            if w == 0:
                assert part == 0


def test_allocate_hand_case():
    # £100 in thirds: 33.34 + 33.33 + 33.33, the extra penny to the first part
    assert allocate(Decimal("100"), [Decimal(1)] * 3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
