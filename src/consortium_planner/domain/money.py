"""Exact money: Decimal pounds in the domain, integer pence in storage.

One rounding policy for the whole program: half-even to the penny (``quantize``). Parsing and
formatting follow en-GB conventions with the pound sign. ``allocate`` splits an amount into parts
that add back to it exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, Decimal, InvalidOperation

PENNY = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")

_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")


class MoneyError(ValueError):
    """Text that is not an amount of money or a number."""


def quantize(amount: Decimal) -> Decimal:
    """Round to the penny, half-even (banker's rounding), the program's one policy."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_EVEN)


def to_pence(amount: Decimal) -> int:
    """Pounds to integer pence, rounding to the penny first."""
    return int(quantize(amount) * 100)


def from_pence(pence: int) -> Decimal:
    """Integer pence to pounds with two places (exactly ``(Decimal(pence) / 100).quantize(PENNY)``)."""
    return Decimal(pence).scaleb(-2)


def parse_decimal(text: str | int | Decimal, *, what: str = "value") -> Decimal:
    """Parse en-GB text (``1,234.5``, ``£2,000``, ``(150)``, ``12.5%``) to a Decimal.

    Raises MoneyError naming ``what`` when the text is not a number. Floats are refused: they
    are how pennies go missing.
    """
    if isinstance(text, bool):
        raise MoneyError(f"{what}: expected a number, got {text!r}")
    if isinstance(text, Decimal):
        if not text.is_finite():
            raise MoneyError(f"{what}: {text} is not a finite number")
        return text
    if isinstance(text, int):
        return Decimal(text)
    if not isinstance(text, str):
        raise MoneyError(f"{what}: expected text or a Decimal, got {type(text).__name__}")
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.startswith("-"):
        negative, s = not negative, s[1:]
    elif s.startswith("+"):
        s = s[1:]
    s = s.removeprefix("£").removesuffix("%")
    if "," in s:
        if not _GROUPED.match(s):  # "1,2,3" or "1,5": not thousands; a guess could be out by a factor of 1,000
            raise MoneyError(f"{what}: {text.strip()!r} is ambiguous: use commas only between thousands and a "
                             "point for decimals (1,234.5)")
        s = s.replace(",", "")
    if not s or not _NUMBER.match(s):
        raise MoneyError(f"{what}: {text.strip()!r} is not a number")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise MoneyError(f"{what}: {text.strip()!r} is not a number") from exc
    if not value.is_finite():
        raise MoneyError(f"{what}: {text.strip()!r} is not a finite number")
    return -value if negative else value


def parse_money(text: str | int | Decimal, *, what: str = "amount") -> Decimal:
    """Parse an amount of money and round it to the penny."""
    return quantize(parse_decimal(text, what=what))


def format_gbp(amount: Decimal | None, *, pence: bool = True, missing: str = "not given") -> str:
    """``£1,234.56``; negative as ``−£1,234.56``; None as ``missing``."""
    if amount is None:
        return missing
    q = quantize(amount) if pence else amount.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    sign = "\u2212" if q < 0 else ""
    body = f"{abs(q):,.2f}" if pence else f"{abs(q):,.0f}"
    return f"{sign}£{body}"


def round_short(amount: Decimal) -> tuple[Decimal, str, int]:
    """How ``format_gbp_short`` rounds ``amount``: (the rounded amount in pounds, the suffix, the decimal places shown).

    Three significant figures from £10,000 (``£4.11m``, ``£21.7m``, ``£181k``, ``£12.5k``; never coarser
    than £1m: ``£1,235m``), whole pounds below that (``£4,110``, ``£950``); half-even, the program's one
    rounding policy. An amount that rounds up into the next unit is shown in it (£999,999 is ``£1.00m``).
    """
    a = abs(amount)
    if a < 10_000:
        value = a.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        suffix, places = "", 0
    else:
        exponent = a.adjusted()  # the power of ten of the leading digit
        place = min(exponent - 2, 6)  # three significant figures, never coarser than £1m
        value = a.quantize(Decimal(1).scaleb(place), rounding=ROUND_HALF_EVEN)
        if value.adjusted() > exponent and place < 6:  # 9,995 → 10,000: one more digit, round again there
            value = a.quantize(Decimal(1).scaleb(place + 1), rounding=ROUND_HALF_EVEN)
        suffix = "m" if value >= 1_000_000 else "k"
        places = max(0, 2 - (value.adjusted() - (6 if suffix == "m" else 3)))
    return (-value if amount < 0 else value), suffix, places


def format_gbp_short(amount: Decimal | None, *, missing: str = "not given") -> str:
    """An amount for prose and key figures, to a sensible precision: ``£4.11m``, ``£180k``, ``£4,110``;
    negative as ``−£308k`` (``round_short`` says how it rounds). Tables show whole pounds (``format_gbp``
    with ``pence=False``), unit prices and rates the penny."""
    if amount is None:
        return missing
    value, suffix, places = round_short(amount)
    sign = "\u2212" if value < 0 else ""
    if not suffix:
        return f"{sign}£{abs(value):,.0f}"
    unit = Decimal(1_000_000) if suffix == "m" else Decimal(1_000)
    text = f"{abs(value) / unit:,.{places}f}"
    if suffix == "k" and text.endswith(".0"):  # £50k, not £50.0k
        text = text[:-2]
    return f"{sign}£{text}{suffix}"


def format_decimal(value: Decimal | None, places: int = 2, *, missing: str = "not given") -> str:
    if value is None:
        return missing
    q = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN) if places else value.quantize(
        Decimal(1), rounding=ROUND_HALF_EVEN
    )
    sign = "\u2212" if q < 0 else ""
    return f"{sign}{abs(q):,.{places}f}"


def plain(value: Decimal | None) -> str | None:
    """A Decimal as plain text for JSON and storage: no exponent, no float."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def money_str(value: Decimal | None) -> str | None:
    """Money as a decimal string with exactly two places, for JSON."""
    return None if value is None else format(quantize(value), "f")


def total(amounts: Iterable[Decimal | None]) -> Decimal:
    """Sum ignoring missing values; exact."""
    return sum((a for a in amounts if a is not None), ZERO)


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``amount`` (to the penny) in proportion to ``weights`` so the parts add back exactly.

    Uses the largest-remainder method on pence; ties go to the earlier part. All-zero weights
    split equally.
    """
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("allocation weights must not be negative")
    pence = to_pence(amount)
    sign = -1 if pence < 0 else 1
    pence = abs(pence)
    ws = list(weights) if sum(weights, ZERO) > 0 else [Decimal(1)] * len(weights)
    first = ws[0]
    if all(w == first for w in ws):  # equal parts (twelfths, say): every remainder ties, so the earliest get a penny
        whole, left = divmod(pence, len(ws))
        more, less = from_pence(sign * (whole + 1)), from_pence(sign * whole)
        return [more] * left + [less] * (len(ws) - left)
    wsum = sum(ws, ZERO)
    exact = [Decimal(pence) * w / wsum for w in ws]
    floors = [int(e) for e in exact]
    left = pence - sum(floors)
    order = sorted(range(len(ws)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [from_pence(sign * p) for p in floors]


def round_to_total(amounts: Sequence[Decimal], total: Decimal | None = None) -> list[Decimal]:
    """Each amount in whole pounds, rounded so that they add to ``total`` (default their sum) in whole pounds.

    For a table shown in whole pounds whose lines must add to its total row: each line is rounded down
    and the pounds left over go to the largest remainders (ties to the earlier line), as ``allocate``
    does with pence. The total itself is rounded half-even, the program's one policy.
    """
    if not amounts:
        return []
    one = Decimal(1)
    target = (sum(amounts, ZERO) if total is None else total).quantize(one, rounding=ROUND_HALF_EVEN)
    floors = [a.quantize(one, rounding=ROUND_FLOOR) for a in amounts]
    left = int(target - sum(floors, ZERO))
    order = sorted(range(len(amounts)), key=lambda i: (-(amounts[i] - floors[i]), i))
    if left >= 0:
        for i in order[:left]:
            floors[i] += 1
    else:  # the total asked for is below the sum of the floors: take from the smallest remainders
        for i in list(reversed(order))[:-left]:
            floors[i] -= 1
    return floors
