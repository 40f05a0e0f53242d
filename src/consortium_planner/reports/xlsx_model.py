"""The option workbook's Model sheets: the program's figures as live formulas over their inputs.

An accountant can audit the option end to end: every derived figure is a live formula over input
cells (shaded), beside the figure the program computed ("Program: ...") and a check
(``=IF(ABS(formula − program)<0.005,"OK","DIFFERS")``). The Model sheet counts the checks that
differ on every Model sheet (it should say 0). The sheets, in the order the figures flow:

* **Model**: the assumptions (inputs), the timeline and payment lags, the checks by sheet.
* **Model prices**: service lines of year one, prices and costs by contract year and service line,
  and the payroll and fixed costs inside each year's cost (``xlsx_model_prices``).
* **Model costs**: the cost build-up of year one by member line and category (``xlsx_model_prices``).
* **Model months**: each contract year's amounts split into months (twelfths to the penny, the
  remainder to the first months), volumes ramped up, capital items and depreciation
  (``xlsx_model_months``).
* **Model cash**: receipts after the payment lag, payments on their own timing, tax on the
  operating profit, cash before funding, payback (``xlsx_model_months``).
* **Model profit**: the P&L by period, members' shares of each service line, each member's work,
  cost, taxable profit and tax with losses carried forward (``xlsx_model_tax``).
* **Model loans**, **Model bank**: funding sources, each loan's schedule (a block per loan, written
  by its repayment profile), overdrafts and the bank account month by month
  (``xlsx_model_funding``).
* **Model funding**: the funding requirement and sources, returns (NPV, IRR, payback,
  break-even) and debt service cover by period (``xlsx_model_funding``).
* **Model standing**: each member's and the tested entity's ratios from the accounts' line items
  on the Inputs sheet (``xlsx_model_standing``).

Rounding as the program does: half to even to the penny (``half_even``):
``IF(ROUND(x*100,6)-INT(ROUND(x*100,6))=0.5, 2*ROUND(x*50,0), ROUND(x*100,0))/100`` is ROUND(x,2)
except that an exact half penny goes to the even penny (spreadsheet ROUND would round it up).
Splits the program makes by ``money.allocate`` are formulas too: equal parts (``twelfth``: a year in
twelve months, an asset over its life) and the largest-remainder split of an amount in proportion
to weights (``largest_remainder``: members' work, cost, fees and shares of profit).

What stays a value, and why: the inputs (shaded); the timeline's structure (which months exist and
which period each belongs to, the term, each loan's months: rows cannot appear or vanish with a
formula); each member line's cost by category (rates × hours × on-costs per role, exact to 28
digits, on the Cost build-up sheet) and the blended per-unit costs of a service line; the shared
back office and contingency split across service lines (the build-up's own largest-remainder split
in pence); the tax lag and bond premium the program assumes (shown as inputs). A vehicle's profit
after tax shared among its members stays on the Projection sheet (a distribution the cash flow does
not use).

How the sheets are built: every table is a ``Block`` planned first (its page, columns and number of
rows), so any table's formulas can refer to any other's cells, wherever they are; then each
section writes its rows. ``tests/reports/test_workbook.py`` recomputes the workbook in LibreOffice
and compares every formula with the program's figure to the penny: change a formula only with
that test passing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from ..domain import projection as _projection
from ..domain.model import Member
from .xlsx_common import DECIMAL_2, GBP, NUMBER, PERCENT_POINTS
from .xlsx_sheet import INTEGER, RATIO, Book, Col, Formula, Sheet, Value

__all__ = ["MODEL_SHEETS", "Block", "Model", "ModelColumns", "check", "half_even", "input_value",
           "largest_remainder", "twelfth", "write_model_sheets"]

CHECK_OK = "OK"
CHECK_DIFFERS = "DIFFERS"
TOLERANCE = "0.005"

#: The Model sheets in workbook order: (name, title).
MODEL_SHEETS: tuple[tuple[str, str], ...] = (
    ("Model", "Model: the figures as live formulas over their inputs"),
    ("Model prices", "Model: prices and costs by contract year"),
    ("Model costs", "Model: the cost build-up of year one"),
    ("Model months", "Model: the contract month by month"),
    ("Model cash", "Model: cash flow before funding, month by month"),
    ("Model profit", "Model: profit and tax by period, and each member's part"),
    ("Model loans", "Model: funding sources and loan schedules"),
    ("Model bank", "Model: the bank account month by month"),
    ("Model funding", "Model: funding requirement, returns and debt service cover"),
    ("Model standing", "Model: financial standing from the accounts"),
)


# =========================================================================== formulas


def half_even(expr: str) -> str:
    """A spreadsheet expression rounding ``expr`` half to even to the penny, as the program does.

    ROUND(x, 2) except that an exact half penny goes to the even penny. ``ROUND(x*100, 6)`` first
    clears binary floating-point noise so that an exact half penny is recognised as one.
    """
    cents = f"ROUND(({expr})*100,6)"
    return f"IF({cents}-INT({cents})=0.5,2*ROUND(({expr})*50,0),ROUND(({expr})*100,0))/100"


def twelfth(amount: str, part: str, parts: str = "12") -> str:
    """Part ``part`` (0-based) of ``amount`` split into ``parts`` equal parts as ``money.allocate`` does.

    In pence: each part is the whole pence of amount ÷ parts, and the pence left over go one each to
    the first parts (equal remainders: the earlier part first). The sign follows the amount.
    """
    pence = f"ABS(ROUND({amount}*100,0))"
    return f"SIGN({amount})*(INT({pence}/{parts})+IF({part}<MOD({pence},{parts}),1,0))/100"


def largest_remainder(amount: str, weights: str, weight: str, order: str, position: str) -> str:
    """This row's part of ``amount`` split in proportion to ``weights`` as ``money.allocate`` does.

    ``weights`` is the range of every part's weight (non-negative, not all zero) and ``weight`` this
    part's; ``order`` the range of the parts' positions and ``position`` this part's. In pence:
    each part gets the whole pence of its exact share, and the pence left over go one each to the
    largest remainders (ties: the earlier part). Exact shares are taken to six decimal places of a
    penny, which clears floating-point noise.
    """
    pence = f"ABS(ROUND({amount}*100,0))"
    mine = f"ROUND({pence}*{weight}/SUM({weights}),6)"
    every = f"ROUND({pence}*{weights}/SUM({weights}),6)"
    left = f"({pence}-SUMPRODUCT(INT({every})))"
    rest, rests = f"({mine}-INT({mine}))", f"({every}-INT({every}))"
    ahead = f"SUMPRODUCT(({rests}>{rest})+({rests}={rest})*({order}<{position}))"
    return f"SIGN({amount})*(INT({mine})+IF({ahead}<{left},1,0))/100"


def check(formula_ref: str, program_ref: str, tolerance: str = TOLERANCE) -> Formula:
    """OK when the formula and the program's figure agree to the penny (or ``tolerance``), else DIFFERS."""
    return Formula(f'=IF(ABS({formula_ref}-{program_ref})<{tolerance},"{CHECK_OK}","{CHECK_DIFFERS}")',
                   estimate=CHECK_DIFFERS)


def check_any(formula_ref: str, program_ref: str, tolerance: str = TOLERANCE) -> Formula:
    """As ``check`` where either side may be text ("never", "no debt service"): text must match exactly."""
    return Formula(f'=IF(ISNUMBER({program_ref}),IF(ISNUMBER({formula_ref}),IF(ABS({formula_ref}-{program_ref})'
                   f'<{tolerance},"{CHECK_OK}","{CHECK_DIFFERS}"),"{CHECK_DIFFERS}"),'
                   f'IF({formula_ref}={program_ref},"{CHECK_OK}","{CHECK_DIFFERS}"))', estimate=CHECK_DIFFERS)


def input_value(value: Any, fmt: str | None = None) -> Value:
    """An input of the Model's formulas (shaded: the user may change it and watch them follow)."""
    return Value(value, fmt, input=True)


def program_value(value: Any) -> Any:
    """A program figure as written: None (nothing to show) as text."""
    return "none" if value is None else value


# =========================================================================== tables


class ModelColumns:
    """Columns of a Model table: plain columns, and derived columns each followed by program and check."""

    def __init__(self) -> None:
        self.cols: list[Col] = []
        self.index: dict[str, int] = {}
        self.text_checks: set[str] = set()
        self.tolerances: dict[str, str] = {}

    def plain(self, key: str, title: str, fmt: str | None = None, *, wrap: int = 40) -> None:
        """A column (``wrap``: text longer than this many characters wraps)."""
        self.cols.append(Col(title, fmt, wrap))
        self.index[key] = len(self.cols)

    def derived(self, key: str, title: str, fmt: str | None = GBP, *, text: bool = False,
                tolerance: str = TOLERANCE) -> None:
        """A formula column followed by the program's figure and a check (``text``: either may be text;
        ``tolerance``: how close counts as equal, a penny unless said)."""
        self.plain(key, title, fmt)
        lower = f"{title[:1].lower()}{title[1:]}"
        self.cols.append(Col(f"Program: {lower}", fmt))
        self.cols.append(Col(f"Check: {lower}"))
        if text:
            self.text_checks.add(key)
        self.tolerances[key] = tolerance

    def letter(self, key: str) -> str:
        return get_column_letter(self.index[key])

    def ref(self, key: str, row: int, absolute: bool = False) -> str:
        return f"${self.letter(key)}${row}" if absolute else f"{self.letter(key)}{row}"

    def check_letters(self) -> list[str]:
        return [get_column_letter(i) for i, col in enumerate(self.cols, start=1) if col.title.startswith("Check:")]

    def row(self, r: int, values: Mapping[str, Any], programs: Mapping[str, Any] | None = None) -> list[Any]:
        """The cells of row ``r``: ``values`` by key; each derived key gets its program figure and check.

        The program's figure takes the formula's own number format when it has one (an IRR in
        percentage points beside a column of pounds, say).
        """
        out: list[Any] = [None] * len(self.cols)
        programs = programs or {}
        for key, value in values.items():
            i = self.index[key]
            if key in programs and isinstance(value, Formula) and value.estimate is None:
                program = programs[key]
                value = replace(value, estimate=program.value if isinstance(program, Value) else program)
            out[i - 1] = value
            if key in programs:
                fmt = value.fmt if isinstance(value, Formula) and value.fmt else self.cols[i].fmt
                program = programs[key]
                out[i] = program if isinstance(program, Value) else Value(program_value(program), fmt)
                formula_ref, program_ref = f"{get_column_letter(i)}{r}", f"{get_column_letter(i + 1)}{r}"
                out[i + 1] = (check_any if key in self.text_checks else check)(formula_ref, program_ref,
                                                                              self.tolerances[key])
        return out


class Page:
    """One Model sheet: notes at the top, then its blocks in order."""

    def __init__(self, name: str, title: str):
        self.name = name
        self.title = title
        self.intro: list[str] = []
        self.errors: list[tuple[str, str]] = []
        self.blocks: list[Block] = []
        self.sheet: Sheet | None = None

    @property
    def prefix(self) -> str:
        return f"'{self.name}'!"

    def layout(self) -> None:
        """Give every block its rows, as ``Sheet`` will place them (checked when written)."""
        row = 4 + len(self.intro) + 2 * len(self.errors)
        for block in self.blocks:
            row += 1 + len(block.notes)
            block.first = row + 1
            row = block.first + block.n + 1


class Block:
    """A table of a Model sheet, planned before anything is written so any table can refer to any other.

    ``n`` data rows; ``cell``/``column`` give references to its cells, qualified with its sheet's
    name when used from another sheet (``here``).
    """

    def __init__(self, page: Page, key: str, heading: str, notes: Sequence[str], cols: ModelColumns, n: int):
        if n <= 0:
            raise ValueError(f"{key}: a Model table needs rows")
        self.page, self.key, self.heading, self.notes, self.cols, self.n = page, key, heading, tuple(notes), cols, n
        self.first = 0

    @property
    def last(self) -> int:
        return self.first + self.n - 1

    def row(self, i: int) -> int:
        return self.first + i

    def _prefix(self, here: Page | None) -> str:
        return "" if here is self.page else self.page.prefix

    def cell(self, key: str, i: int, here: Page | None, *, absolute: bool = False) -> str:
        """The cell of column ``key`` in data row ``i`` (0-based)."""
        return self._prefix(here) + self.cols.ref(key, self.row(i), absolute or here is not self.page)

    def column(self, key: str, here: Page | None, i0: int = 0, i1: int | None = None) -> str:
        """The absolute range of column ``key`` over data rows ``i0``..``i1`` (inclusive; default: all)."""
        letter = self.cols.letter(key)
        end = self.n - 1 if i1 is None else i1
        return f"{self._prefix(here)}${letter}${self.row(i0)}:${letter}${self.row(end)}"


class Model:
    """The Model sheets being planned and written: the book, the analyses, the pages and their blocks."""

    def __init__(self, book: Book):
        self.book = book
        self.option, self.tender, self.workspace = book.option, book.tender, book.workspace
        self.prices, self.prices_err = book.result("prices")
        self.projection, self.projection_err = book.result("projection")
        self.funding, self.funding_err = book.result("funding")
        self.returns, self.returns_err = book.result("returns")
        self.standing, self.standing_err = book.result("standing")
        self.pages = {name: Page(name, title) for name, title in MODEL_SHEETS}
        self.blocks: dict[str, Block] = {}
        self.at: dict[str, str] = {}  # named values (assumptions, timeline): key → fully qualified absolute cell
        self._named: list[tuple[str, Block, int]] = []
        # what the sections find out while planning and share
        self.n_years = 0  # contract years projected (the term)
        self.members: list[Member] = workspace_members(book)
        self.single_taxpayer = True  # a vehicle, or no members: one taxpayer
        self.standing_orgs: list[int] = []  # organisations with a row of accounts on the Inputs sheet
        self.assumptions: list[tuple[str, str, Value, str]] = []

    def name(self, key: str, block: Block, i: int) -> None:
        """Call the ``value`` cell of ``block``'s row ``i`` ``key`` in ``at`` (resolved once rows are known)."""
        self._named.append((key, block, i))

    def layout(self) -> None:
        """Give every block its rows, then resolve the named cells."""
        for page in self.pages.values():
            page.layout()
        for key, block, i in self._named:
            self.at[key] = block.cell("value", i, None, absolute=True)

    def page(self, name: str) -> Page:
        return self.pages[name]

    def plan(self, page: str, key: str, heading: str, notes: Sequence[str], cols: ModelColumns, n: int) -> Block:
        """Add a block at the end of ``page`` (rows are given when every block is planned)."""
        block = Block(self.pages[page], key, heading, notes, cols, n)
        self.pages[page].blocks.append(block)
        self.blocks[key] = block
        return block

    def get(self, key: str) -> Block | None:
        return self.blocks.get(key)

    def write(self, block: Block, rows: Sequence[Sequence[Any]]) -> None:
        """Write a planned block's rows (exactly ``n`` of them, where it was planned)."""
        sheet = block.page.sheet
        assert sheet is not None
        if len(rows) != block.n:
            raise AssertionError(f"{block.key}: planned {block.n} rows, given {len(rows)}")
        first = sheet.begin(block.heading, *block.notes)
        if first != block.first:
            raise AssertionError(f"{block.key}: planned at row {block.first}, written at {first}")
        sheet.table(f"model_{block.key}", block.cols.cols, rows)

    def check_ranges(self) -> list[tuple[Page, str]]:
        """Every check column's cells, by page (qualified ranges)."""
        out = []
        for page in self.pages.values():
            for block in page.blocks:
                for letter in block.cols.check_letters():
                    out.append((page, f"{page.prefix}${letter}${block.first}:${letter}${block.last}"))
        return out


def workspace_members(book: Book) -> list[Member]:
    """The option's members in the program's order (by id)."""
    return book.workspace.members(book.option.id)


# =========================================================================== the Model sheet itself


def _assumptions(model: Model) -> Block:
    """The inputs most formulas use (plan the block; the rows are kept for writing)."""
    option, tender, zero = model.option, model.tender, Decimal(0)
    prices, projection, funding, returns = model.prices, model.projection, model.funding, model.returns
    bond_premium = projection.bond_premium_pct if projection else _projection.DEFAULT_BOND_PREMIUM_PCT
    items: list[tuple[str, str, Value, str]] = [
        ("fee", "Management fee", input_value(prices.buildup.management_fee_pct if prices else option.management_fee_pct,
                                              PERCENT_POINTS), "Option"),
        ("pay", "Pay uplift a year", input_value(tender.pay_indexation_pct if tender else zero, PERCENT_POINTS),
         "Tender"),
        ("cpi", "CPI a year", input_value(tender.cpi_indexation_pct if tender else zero, PERCENT_POINTS), "Tender"),
        ("contingency", "Contingency on cost",
         input_value(prices.buildup.contingency_pct if prices else option.contingency_pct, PERCENT_POINTS), "Option"),
        ("margin", "Margin", input_value(prices.buildup.margin_pct if prices else option.margin_pct, PERCENT_POINTS),
         "Option"),
        ("shared", "Shared costs a year (back office and social value)",
         input_value(prices.buildup.shared_costs_per_year if prices else option.shared_costs_per_year, GBP), "Option"),
        ("mob", "Mobilisation (months before service starts)",
         input_value(projection.mobilisation_months if projection else (tender.mobilisation_months if tender else 0),
                     INTEGER), "Tender"),
        ("ramp", "Ramp-up (months to full volume)", input_value(option.ramp_up_months, INTEGER), "Option"),
        ("terms", "Buyer's payment terms (days)", input_value(tender.payment_terms_days if tender else 0, INTEGER),
         "Tender"),
        ("non_pay_days", "Non-pay paid after (days)", input_value(option.non_pay_payment_days, INTEGER), "Option"),
        ("tax_lag", "Tax paid after the period (months)",
         input_value(projection.tax_lag_months if projection else _projection.DEFAULT_TAX_LAG_MONTHS, INTEGER),
         "Program (UK corporation tax: nine months after the year end)"),
        ("tax_rate", "Tax rate on profit", input_value(option.tax_rate_pct, PERCENT_POINTS), "Option"),
        ("annual_value", "Estimated annual value", input_value(tender.annual_value if tender else zero, GBP), "Tender"),
        ("bond_pct", "Performance bond (% of the estimated annual value)",
         input_value(tender.bond_pct if tender else zero, PERCENT_POINTS), "Tender"),
        ("premium", "Bond premium a year (% of the bond)", input_value(bond_premium, PERCENT_POINTS),
         "Program (about 1.5% of the bond a year)"),
        ("insurance", "Insurance a year (indexed by CPI)", input_value(option.insurance_per_year, GBP), "Option"),
        ("discount", "Discount rate a year", input_value(returns.discount_rate_pct if returns else option.discount_rate_pct,
                                                         PERCENT_POINTS), "Option"),
        ("buffer_months", "Cash buffer (months of payroll)",
         input_value(funding.buffer_months if funding else option.buffer_months_payroll, DECIMAL_2), "Option"),
        ("funding_contingency", "Contingency on funding",
         input_value(funding.contingency_pct if funding else option.contingency_on_funding_pct, PERCENT_POINTS),
         "Option"),
        ("min_dscr", "Debt service cover lenders look for", input_value(option.min_dscr, RATIO), "Option"),
    ]
    cols = ModelColumns()
    cols.plain("what", "Assumption")
    cols.plain("value", "Value")
    cols.plain("source", "Source")
    block = model.plan("Model", "assumptions", "Assumptions", (), cols, len(items) + 1)
    model.assumptions = items
    for i, (key, *_rest) in enumerate(items):
        model.name(key, block, i)
    return block


def _write_assumptions(model: Model, block: Block) -> None:
    rows: list[list[Any]] = [[label, value, source] for _key, label, value, source in model.assumptions]
    ranges = model.check_ranges()
    count = "+".join(f'COUNTIF({r},"{CHECK_DIFFERS}")' for _, r in ranges) or "0"
    rows.append(["Checks that differ (should be 0)", Formula(f"={count}", NUMBER, 0), "Formula: every Model sheet"])
    model.write(block, rows)


def _plan_checks(model: Model) -> Block:
    cols = ModelColumns()
    cols.plain("sheet", "Model sheet")
    cols.plain("checks", "Checks", NUMBER)
    cols.plain("differ", "Checks that differ", NUMBER)
    return model.plan("Model", "checks", "Checks by sheet",
                      ("Each check compares a formula with the program's figure; every one should say OK.",),
                      cols, len(MODEL_SHEETS) + 1)


def _write_checks(model: Model, block: Block) -> None:
    ranges = model.check_ranges()
    rows = []
    for name, _ in MODEL_SHEETS:
        mine = [r for page, r in ranges if page.name == name]
        checks = "+".join(f"COUNTA({r})" for r in mine) or "0"
        differ = "+".join(f'COUNTIF({r},"{CHECK_DIFFERS}")' for r in mine) or "0"
        rows.append([name, Formula(f"={checks}", NUMBER, 100), Formula(f"={differ}", NUMBER, 0)])
    here = block.page
    rows.append(["All Model sheets", Formula(f"=SUM({block.column('checks', here, 0, len(MODEL_SHEETS) - 1)})", NUMBER, 1000),
                 Formula(f"=SUM({block.column('differ', here, 0, len(MODEL_SHEETS) - 1)})", NUMBER, 0)])
    model.write(block, rows)


# =========================================================================== orchestration

Section = tuple[Callable[[Model], None], Callable[[Model], None]]


def write_model_sheets(book: Book) -> None:
    """Plan every Model sheet's tables, then write them (see the module's docstring)."""
    from . import (  # the sections import this module's helpers
        xlsx_model_funding,
        xlsx_model_months,
        xlsx_model_prices,
        xlsx_model_standing,
        xlsx_model_tax,
    )

    model = Model(book)
    overview = model.page("Model")
    overview.intro += [
        "Shaded cells are inputs; the rest are formulas over them. Beside each formula is the figure the program "
        "computed and a check (OK when they agree to the penny).",
        "Rounding as the program does: half to even to the penny, i.e. ROUND(x,2) except that an exact half penny "
        "goes to the even penny.",
        "The figures flow through the Model sheets in order: prices → costs → months → cash → profit and tax → "
        "loans → bank → funding; standing is computed from the accounts on the Inputs sheet.",
    ]
    assumptions = _assumptions(model)
    checks = _plan_checks(model)
    sections: tuple[Section, ...] = (
        xlsx_model_prices.SECTION, xlsx_model_months.SECTION, xlsx_model_tax.SECTION, xlsx_model_funding.SECTION,
        xlsx_model_standing.SECTION)
    for plan, _ in sections:
        plan(model)
    model.layout()
    for page in model.pages.values():
        page.sheet = book.sheet(page.name, page.title)
        for text in page.intro:
            page.sheet.note(text)
        for what, why in page.errors:
            page.sheet.error(what, why)
    _write_assumptions(model, assumptions)
    _write_checks(model, checks)
    for _, write in sections:
        write(model)
    for page in model.pages.values():
        assert page.sheet is not None
        if not page.blocks and not page.errors:
            page.sheet.note("Nothing to show for this option.")
        page.sheet.finish()
