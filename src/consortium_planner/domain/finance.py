"""Generic finance arithmetic on ``Decimal``: annuities, loan schedules, NPV, IRR and payback.

Pure functions, no workspace: the projection (``domain.projection``) uses them on its monthly
cash flows, and anything else may.

* Annuity: L × r ÷ (1 − (1 + r)^−n) with r the monthly rate and n the months; L ÷ n when r is 0.
* Loan schedule, amortising: interest each month on the opening balance, to the penny; interest
  only during a capital holiday, then the annuity over the rest of the term, the last payment
  clearing the balance; whatever is still owed in the last month projected is repaid then (the
  balloon).
* Loan schedule, flat rate (DOMAIN §12, Key Fund): interest on the *original* amount for the whole
  term, L × f ÷ 12 a month (the capital holiday included), and the capital in equal parts over the
  months after the holiday; with no holiday the payment is L × (1 + f × n/12) ÷ n.
* True rate of a loan: the monthly rate r at which the payments' present value equals the amount
  lent (for a flat loan without a holiday: the annuity of L over n months at r equals its payment),
  shown as a nominal rate a year (12 r) and an effective one ((1 + r)^12 − 1). 4.2% flat over 60
  months is 7.77% nominal, 8.05% effective a year. "With fees": the same for the amount lent less
  the arrangement fee.
* Commitment fee: a rate a year on a sum committed but not drawn, charged monthly.
* NPV of monthly flows at an annual rate d: Σ CF_t × (1 + d)^(−t/12), t = 0 undiscounted.
* IRR: the annual rate that makes that NPV zero, found by scanning a grid of rates from −99% to
  10,000% a year for sign changes of the NPV and bisecting each bracket. No sign change in the
  flows, or none of the NPV in the range, is "no IRR" (with the reason); several sign changes may
  give several rates: the one nearest a guess is returned, the others listed.
* Payback: the first month in which the cumulative cash is back to zero or above after being
  negative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, getcontext

import numpy as np

from .money import HUNDRED, ZERO, allocate, quantize

__all__ = [
    "IrrResult",
    "LoanPayment",
    "LoanSchedule",
    "TrueRate",
    "annuity_payment",
    "flat_rate_payment",
    "internal_rate_of_return",
    "loan_schedule",
    "monthly_commitment_fee",
    "monthly_discount_factor",
    "net_present_value",
    "payback_month",
    "true_rate",
]

ONE = Decimal(1)
TWELVE = Decimal(12)


def annuity_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    """L × r ÷ (1 − (1 + r)^−n), exact (unrounded); L ÷ n when r is 0."""
    if months <= 0:
        raise ValueError("an annuity needs at least one month")
    if monthly_rate == 0:
        return principal / months
    return principal * monthly_rate / (ONE - (ONE + monthly_rate) ** -months)


def flat_rate_payment(principal: Decimal, flat_rate_pct: Decimal, months: int) -> Decimal:
    """The monthly payment of a flat-rate loan with no capital holiday: L × (1 + f × n/12) ÷ n, exact."""
    if months <= 0:
        raise ValueError("a flat-rate loan needs at least one month")
    return principal * (ONE + flat_rate_pct / HUNDRED * months / TWELVE) / months


def monthly_commitment_fee(undrawn: Decimal, fee_pct_a_year: Decimal) -> Decimal:
    """A month's commitment fee on a sum committed but not drawn, to the penny."""
    return quantize(undrawn * fee_pct_a_year / HUNDRED / TWELVE) if undrawn > 0 and fee_pct_a_year else ZERO


RATE_PLACES = Decimal("0.0001")  # true rates in percentage points to four places (0.01 basis point)


@dataclass(frozen=True, slots=True)
class TrueRate:
    """A loan's true cost a year, in percentage points (see the module's docstring)."""

    nominal_pct: Decimal  # 12 × the monthly rate
    effective_pct: Decimal  # (1 + the monthly rate)^12 − 1


def true_rate(amount: Decimal, payments: Sequence[Decimal]) -> TrueRate | None:
    """The rate a year at which ``payments`` (one a month, the first a month after the money is lent)
    repay ``amount``: the monthly r with Σ P_j (1 + r)^−j = amount, found by bisection.

    None when there is nothing lent or nothing repaid.
    """
    if amount <= 0 or not payments or sum(payments, ZERO) <= 0:
        return None

    flows = [ZERO, *payments]

    def present_value(v: Decimal) -> Decimal:  # Σ P_j v^j, j from 1
        return _horner(flows, v)

    total = sum(payments, ZERO)
    if total == amount:
        v = ONE
    else:
        lo, hi = (Decimal("1e-9"), ONE) if total > amount else (ONE, Decimal(2))
        for _ in range(80):  # the bracket shrinks to 2^−80 of its width: far below 0.01 basis point
            mid = (lo + hi) / 2
            if present_value(mid) < amount:
                lo = mid
            else:
                hi = mid
        v = (lo + hi) / 2
    r = ONE / v - ONE
    return TrueRate((r * TWELVE * HUNDRED).quantize(RATE_PLACES),
                    (((ONE + r) ** 12 - ONE) * HUNDRED).quantize(RATE_PLACES))


@dataclass(frozen=True, slots=True)
class LoanPayment:
    month: int
    opening: Decimal
    interest: Decimal
    principal: Decimal
    payment: Decimal  # interest + principal
    closing: Decimal


@dataclass(frozen=True, slots=True)
class LoanSchedule:
    source_id: int | None
    name: str
    amount: Decimal
    drawdown_month: int
    interest_rate_pct: Decimal  # a flat-rate loan: its flat rate
    term_months: int
    capital_holiday_months: int
    arrangement_fee: Decimal
    annuity: Decimal | None  # the level monthly payment after the holiday; None if repaid in one go
    payments: tuple[LoanPayment, ...]
    balloon: Decimal  # repaid at the end of the projection because the term runs beyond it
    total_interest: Decimal
    flat: bool = False  # interest on the original amount for the whole term
    true_rate_pct: Decimal | None = None  # nominal a year, of the payments over the whole term
    true_effective_rate_pct: Decimal | None = None  # the same made effective ((1 + r)^12 − 1)
    effective_rate_with_fees_pct: Decimal | None = None  # effective, on the amount less the arrangement fee


#: Schedules already worked out, by their arguments exactly as given (a Decimal by its digits, so 5.0 and
#: 5.00 are two keys) and the precision in force: a scenario, a sensitivity point and a funding cure rebuild
#: the same loans many times, and each schedule solves its true rates by 80 bisections. Values are immutable.
_SCHEDULES: dict[tuple, LoanSchedule] = {}
_SCHEDULES_MAX = 4096


def loan_schedule(amount: Decimal, interest_rate_pct: Decimal, term_months: int, capital_holiday_months: int = 0,
                  *, drawdown_month: int = 0, last_month: int | None = None, arrangement_fee_pct: Decimal = ZERO,
                  source_id: int | None = None, name: str = "", flat: bool = False) -> LoanSchedule:
    """Monthly payments of a loan (``_loan_schedule`` says how), each set of arguments worked out once."""
    key = (repr(amount), repr(interest_rate_pct), term_months, capital_holiday_months, drawdown_month, last_month,
           repr(arrangement_fee_pct), source_id, name, flat, getcontext().prec)
    hit = _SCHEDULES.get(key)
    if hit is None:
        hit = _loan_schedule(amount, interest_rate_pct, term_months, capital_holiday_months,
                             drawdown_month=drawdown_month, last_month=last_month,
                             arrangement_fee_pct=arrangement_fee_pct, source_id=source_id, name=name, flat=flat)
        if len(_SCHEDULES) >= _SCHEDULES_MAX:
            _SCHEDULES.clear()
        _SCHEDULES[key] = hit
    return hit


def _loan_schedule(amount: Decimal, interest_rate_pct: Decimal, term_months: int, capital_holiday_months: int = 0,
                   *, drawdown_month: int = 0, last_month: int | None = None, arrangement_fee_pct: Decimal = ZERO,
                   source_id: int | None = None, name: str = "", flat: bool = False) -> LoanSchedule:
    """Monthly payments of a loan drawn in ``drawdown_month``, paid from the month after.

    Amortising: interest each month = the balance × annual rate ÷ 12, to the penny; interest only
    for the capital holiday, then the annuity over the rest of the term, the last payment clearing
    the balance. ``flat``: interest each month = the original amount × the flat rate ÷ 12, to the
    penny, for the whole term; after the holiday the capital in equal parts (to the penny, the
    parts adding to the amount). Either way: a term no longer than the holiday repays the whole
    balance at the end of the term; no term: interest only. Anything still owed in ``last_month``
    is repaid then (``balloon``). The true rates are those of the payments over the whole term.
    """
    r = interest_rate_pct / HUNDRED / TWELVE
    balance = quantize(amount)
    fee = quantize(amount * arrangement_fee_pct / HUNDRED)
    end = drawdown_month + term_months if term_months > 0 else None
    final = end if end is not None else (last_month if last_month is not None else drawdown_month)
    cut = last_month is not None and final > last_month
    if last_month is not None and cut:
        final = last_month
    repay_n = term_months - capital_holiday_months
    annuity: Decimal | None = None
    flat_interest = quantize(balance * r)
    flat_parts = allocate(balance, [ONE] * repay_n) if flat and end is not None and repay_n > 0 else []
    if flat_parts:
        annuity = flat_interest + flat_parts[0]
    payments: list[LoanPayment] = []
    balloon = ZERO
    for t in range(drawdown_month + 1, final + 1):
        if balance <= 0 and not (flat and end is not None and amount > 0):  # a flat loan's interest runs to its end
            break
        j = t - drawdown_month  # 1-based payment number
        interest = flat_interest if flat else quantize(balance * r)
        principal = ZERO
        if end is not None and j > capital_holiday_months and repay_n > 0:
            if flat:
                principal = min(balance, flat_parts[j - capital_holiday_months - 1])
            else:
                if annuity is None:
                    annuity = quantize(annuity_payment(balance, r, repay_n))
                principal = min(balance, max(ZERO, annuity - interest))
        if t == end:
            principal = balance  # the last payment clears the balance
        elif t == final and (cut or end is None):
            balloon = balance - principal
            principal = balance
        payments.append(LoanPayment(t, balance, interest, principal, interest + principal, balance - principal))
        balance -= principal
    true = with_fees = None
    if end is not None and amount > 0:
        whole = payments if not cut else loan_schedule(amount, interest_rate_pct, term_months, capital_holiday_months,
                                                       flat=flat).payments
        due = [p.payment for p in whole]
        true = true_rate(quantize(amount), due)
        with_fees = true_rate(quantize(amount) - fee, due) if fee else true
    return LoanSchedule(source_id, name, quantize(amount), drawdown_month, interest_rate_pct, term_months,
                        capital_holiday_months, fee, annuity, tuple(payments), balloon,
                        sum((p.interest for p in payments), ZERO), flat,
                        true.nominal_pct if true else None, true.effective_pct if true else None,
                        with_fees.effective_pct if with_fees else None)


def monthly_discount_factor(annual_rate: Decimal) -> Decimal:
    """The monthly discount factor (1 + d)^(−1/12) for an annual rate d (a fraction).

    A fractional power of a Decimal is slow and the same few rates recur (the discount rate, the IRR's
    grid), so each is worked out once per exact rate and precision.
    """
    key = (repr(annual_rate), getcontext().prec)
    v = _FACTORS.get(key)
    if v is None:
        v = (ONE + annual_rate) ** (-ONE / TWELVE)
        if len(_FACTORS) >= 1024:
            _FACTORS.clear()
        _FACTORS[key] = v
    return v


_FACTORS: dict[tuple[str, int], Decimal] = {}


def _horner(flows: Sequence[Decimal], v: Decimal) -> Decimal:
    acc = ZERO
    for cf in reversed(flows):
        acc = acc * v + cf
    return acc


def net_present_value(flows: Sequence[Decimal], annual_rate_pct: Decimal) -> Decimal:
    """Σ CF_t × (1 + d)^(−t/12) over monthly flows (t = 0 undiscounted), exact (unrounded)."""
    d = annual_rate_pct / HUNDRED
    if d <= -1:
        raise ValueError("a discount rate must be above −100%")
    return _horner(flows, monthly_discount_factor(d))


@dataclass(frozen=True, slots=True)
class IrrResult:
    rate: Decimal | None  # annual, a fraction, unrounded
    note: str  # why there is none, or "" when there is one
    multiple: bool  # more than one rate gives NPV zero
    others: tuple[Decimal, ...]  # the other rates that do


_IRR_GRID = tuple(Decimal(x) for x in (
    "-0.99", "-0.95", "-0.9", "-0.75", "-0.5", "-0.3", "-0.2", "-0.1", "-0.05", "0", "0.02", "0.05", "0.1",
    "0.15", "0.2", "0.3", "0.5", "0.75", "1", "1.5", "2", "3", "5", "10", "20", "50", "100"))


def internal_rate_of_return(flows: Sequence[Decimal], guess: Decimal = Decimal("0.1")) -> IrrResult:
    """The annual rate at which the NPV of monthly ``flows`` is zero, or why there is none.

    Scans NPV over rates from −99% to 10,000% a year for sign changes and narrows the monthly
    discount factor in each bracket to 1e−20 (``_bisect``; far below a penny's worth of rate). Flows that
    change sign once have one rate (Descartes' rule of signs), and halving the grid finds its bracket
    (``_one_root``). When flows change sign more than once there may be several rates: the one nearest
    ``guess`` (a fraction; the discount rate, say) is returned and the others listed.
    """
    if not any(cf > 0 for cf in flows) or not any(cf < 0 for cf in flows):
        return IrrResult(None, "no IRR: the cash flows never change sign", False, ())
    points = [(r, monthly_discount_factor(r)) for r in _IRR_GRID]
    if _sign_changes(flows) == 1:
        return _one_root(flows, points)
    return _scan(flows, points, guess)


def _scan(flows: Sequence[Decimal], points: Sequence[tuple[Decimal, Decimal]], guess: Decimal) -> IrrResult:
    """The rates that zero the NPV, one from each bracket of the grid where it changes sign: the one nearest
    ``guess`` returned, the others listed.

    The NPV's sign at each grid rate is read from a float evaluation where that is certain (``_float_signs``)
    and worked out exactly otherwise; the exact NPV is worked out at the ends of each bracket found, as the
    search needs it. So the brackets, and the rates, are the ones exact values at every grid rate give.
    """
    exact: dict[int, Decimal] = {}

    def value(i: int) -> Decimal:
        if i not in exact:
            exact[i] = _horner(flows, points[i][1])
        return exact[i]

    signs = [sign if sign is not None else (value(i) > 0) - (value(i) < 0)
             for i, sign in enumerate(_float_signs(flows, points))]
    roots: list[Decimal] = []
    for i in range(len(points)):
        if signs[i] == 0:
            roots.append(points[i][0])
        elif i + 1 < len(points) and signs[i] * signs[i + 1] < 0:
            roots.append(_bisect(flows, points[i + 1][1], value(i + 1), points[i][1], value(i)))
    if not roots:
        return IrrResult(None, "no IRR: no rate between −99% and 10,000% a year makes the NPV zero", False, ())
    best = min(roots, key=lambda r: (abs(r - guess), r))
    return IrrResult(best, "", len(roots) > 1, tuple(r for r in roots if r != best))


def _float_signs(flows: Sequence[Decimal], points: Sequence[tuple[Decimal, Decimal]]) -> list[int | None]:
    """The sign of the NPV at each grid point's factor v, from one float evaluation of Σ CF_t v^t, where the
    float's error cannot reach it; None where it might (then only the exact value can say).

    The error bound: each term's float is within (2n + 4) units of rounding of the exact term (the flow's and
    the factor's conversions, the power, the product) and the sum adds at most n more over Σ |CF_t| v^t, so
    a float value more than 16 (n + 2) machine epsilons (two units each) times that sum from zero has the
    exact value's sign, with room to spare."""
    n = len(flows)
    cash = np.array([float(cf) for cf in flows])
    powers = np.power.outer(np.array([float(v) for _r, v in points]), np.arange(n, dtype=float))
    with np.errstate(over="ignore", invalid="ignore"):
        values, sizes = powers @ cash, powers @ np.abs(cash)
    sure = np.isfinite(sizes) & (np.abs(values) > 16 * (n + 2) * np.finfo(float).eps * sizes)
    return [(1 if x > 0 else -1) if ok else None for x, ok in zip(values.tolist(), sure.tolist(), strict=True)]


def _sign_changes(flows: Sequence[Decimal]) -> int:
    """How often the flows change sign, zeros skipped: by Descartes' rule of signs, at most that many
    discount factors v > 0 zero the NPV, Σ CF_t v^t."""
    changes, last = 0, 0
    for cf in flows:
        if cf:
            sign = 1 if cf > 0 else -1
            if sign != last:
                changes += last != 0
                last = sign
    return changes


def _one_root(flows: Sequence[Decimal], points: Sequence[tuple[Decimal, Decimal]]) -> IrrResult:
    """The IRR of flows that change sign once: one discount factor v > 0 zeroes the NPV (Descartes), so
    the NPV has one sign on the grid's rates below it and the other above, and halving the grid finds the
    bracket that the full scan of ``internal_rate_of_return`` would, from about seven grid points, not 27."""
    lo, hi = 0, len(points) - 1
    f_lo, f_hi = _horner(flows, points[lo][1]), _horner(flows, points[hi][1])
    if f_lo == 0:
        return IrrResult(points[lo][0], "", False, ())
    if f_hi == 0:
        return IrrResult(points[hi][0], "", False, ())
    if (f_lo < 0) == (f_hi < 0):
        return IrrResult(None, "no IRR: no rate between −99% and 10,000% a year makes the NPV zero", False, ())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        f_mid = _horner(flows, points[mid][1])
        if f_mid == 0:
            return IrrResult(points[mid][0], "", False, ())
        if (f_mid < 0) == (f_lo < 0):
            lo, f_lo = mid, f_mid
        else:
            hi, f_hi = mid, f_mid
    return IrrResult(_bisect(flows, points[hi][1], f_hi, points[lo][1], f_lo), "", False, ())


def _bisect(flows: Sequence[Decimal], v_lo: Decimal, f_lo: Decimal, v_hi: Decimal, f_hi: Decimal) -> Decimal:
    """The annual rate whose factor v in [v_lo, v_hi] zeroes the NPV (NPV(v_lo) = f_lo and NPV(v_hi) = f_hi have
    opposite signs), the bracket narrowed to 1e−20.

    Each step tries the straight line through the bracket's ends (regula falsi), halving the value kept at an
    end that stays twice running (the Illinois rule, so both ends close in); after three steps running that
    did not halve the bracket, a plain halving, so it takes at most four times the steps of bisection. About
    sixteen evaluations of the NPV on monthly project flows where halving alone took about seventy.
    """
    a, fa, b, fb = v_lo, f_lo, v_hi, f_hi
    kept = 0  # +1: ``a`` was kept last step, −1: ``b`` was
    slow = 0  # steps running that did not halve the bracket
    for _ in range(400):
        width = abs(b - a)
        if width < _IRR_TOLERANCE:
            break
        c = (a + b) / 2 if slow >= 3 or fa == fb else (a * fb - b * fa) / (fb - fa)
        if not (min(a, b) < c < max(a, b)):
            c = (a + b) / 2
        fc = _horner(flows, c)
        if fc == 0:
            a = b = c
            break
        if (fc < 0) == (fb < 0):
            b, fb = c, fc
            if kept == 1:
                fa /= 2
            kept = 1
        else:
            a, fa = c, fc
            if kept == -1:
                fb /= 2
            kept = -1
        slow = slow + 1 if slow < 3 and abs(b - a) > width / 2 else 0
    return ((a + b) / 2) ** -12 - ONE


_IRR_TOLERANCE = Decimal("1e-20")


def payback_month(flows: Sequence[Decimal]) -> int | None:
    """First month in which the cumulative cash is back at zero or above after being negative.

    0 when the cumulative never goes negative; None when it never comes back.
    """
    cum = ZERO
    negative = False
    for t, cf in enumerate(flows):
        cum += cf
        if cum < 0:
            negative = True
        elif negative:
            return t
    return None if negative else 0
