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


@given(amounts, st.integers(1, 400), st.decimals(min_value=0, max_value=1000, places=3))
def test_allocate_in_equal_parts_gives_the_earliest_parts_the_pennies_left(amount, n, weight):
    """Equal weights (twelfths of a year, months of an asset's life): every part is the amount ÷ n to within
    a penny, the parts add back, and the pennies left over go to the earliest parts, as the largest-remainder
    rule does when every remainder ties."""
    parts = allocate(amount, [weight] * n)
    assert sum(parts, Decimal(0)) == quantize(amount) and len(parts) == n
    share = quantize(amount) / n
    assert all(abs(p - share) < Decimal("0.01") for p in parts)
    sizes = [abs(p) for p in parts]
    assert sizes == sorted(sizes, reverse=True)
    assert all(p.as_tuple().exponent == -2 for p in parts)


def test_allocate_hand_case():
    # £100 in thirds: 33.34 + 33.33 + 33.33, the extra penny to the first part
    assert allocate(Decimal("100"), [Decimal(1)] * 3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


# --------------------------------------------------------------------------- £k/£m and whole pounds


def test_short_money_reads_like_a_finance_paper():
    from consortium_planner.domain.money import format_gbp_short

    cases = {"4105600": "£4.11m", "3879544.96": "£3.88m", "180544.96": "£181k", "12500": "£12.5k",
             "50000": "£50k", "9999.6": "£10,000", "950.4": "£950", "999999": "£1.00m", "21692096": "£21.7m",
             "123456789": "£123m", "1234567890": "£1,235m", "-308000": "−£308k", "0": "£0", "10000": "£10k"}
    for amount, text in cases.items():
        assert format_gbp_short(Decimal(amount)) == text, amount
    assert format_gbp_short(None) == "not given"


@given(st.decimals(min_value=-10**10, max_value=10**10, places=2))
def test_short_money_is_the_amount_rounded_half_even_at_its_last_digit(amount):
    from consortium_planner.domain.money import format_gbp_short, round_short

    value, suffix, places = round_short(amount)
    unit = {"m": Decimal(1_000_000), "k": Decimal(1_000), "": Decimal(1)}[suffix]
    step = unit.scaleb(-places)
    assert value == (amount / step).quantize(Decimal(1), rounding="ROUND_HALF_EVEN") * step
    assert abs(value - amount) <= step / 2
    text = format_gbp_short(amount)
    assert text.startswith("−" if value < 0 else "£") and (suffix in text)


@given(st.lists(st.decimals(min_value=0, max_value=10**7, places=2), min_size=1, max_size=12))
def test_whole_pounds_add_up_to_the_rounded_total(amounts):
    from consortium_planner.domain.money import round_to_total

    shown = round_to_total(amounts)
    assert sum(shown) == sum(amounts).quantize(Decimal(1), rounding="ROUND_HALF_EVEN")
    assert all(abs(s - a) < 1 for s, a in zip(shown, amounts, strict=True))
