"""Issue 21 (hardening), the fuzz test: generated hostile workbooks and generated field values through every
CLI entry point never produce a traceback, and a refused import changes nothing.

Every command goes through ``cli.main``, which turns the errors it expects into a message and an exit status
of 1; anything else propagates and fails the test. Examples are few but hostile (extents, error cells, huge
and tiny numbers, odd text, formulas, dates at the edges) and reproducible (hypothesis' database is off in CI).
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from consortium_planner.cli import main
from consortium_planner.domain.fields import FieldError, Kind, specs
from consortium_planner.domain.model import ConsortiumOption, Organisation, Requirement, Tender
from consortium_planner.domain.validation import ValidationError
from consortium_planner.services.session import WorkspaceSession
from consortium_planner.store.workspace_file import WorkspaceFileError

FUZZ = settings(max_examples=10, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "demo.cplan"
    assert main(["demo", str(path)]) == 0
    return path


hostile_values = st.one_of(
    st.sampled_from([1e308, -1e308, 1e-308, 0.1, -0.0, 2**63, -(2**63), 10**15, "1e999", "1,2,3", "1,5", "£-0",
                     "(1,234.56)", "#N/A", "#DIV/0!", "#REF!", "=1/0", "=A1", "=HYPERLINK(\"x\")", "", " ", "\t",
                     "Café – £5", "伙伴関係", "🤝", "\u202e", "\u00a0", "x" * 32000, True, False, None,
                     dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 31), dt.date(2027, 4, 1), dt.time(9, 30)]),
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.decimals(allow_nan=False, allow_infinity=False, min_value=Decimal("-1e20"), max_value=Decimal("1e20")),
)
positions = st.tuples(st.one_of(st.integers(1, 30), st.sampled_from([1048576, 70000, 5001])),
                      st.one_of(st.integers(1, 8), st.sampled_from([16384, 702, 100])))
headers = st.sampled_from([
    ["Service line", "Area", "Annual volume", "Unit"],
    ["Lot", "Service", "Locality", "Volume", "Unit price"],
    ["Name", "Kind", "Legal form"],
    [],
])


@st.composite
def workbooks(draw):
    header = draw(headers)
    cells = draw(st.lists(st.tuples(positions, hostile_values), max_size=25))
    rows = draw(st.lists(st.lists(hostile_values, max_size=6), max_size=8))
    return header, cells, rows, draw(st.sampled_from(["Sheet1", "Organisations", "Requirements", "Prices"]))


def _write(path: Path, spec) -> Path:
    header, cells, rows, title = spec
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = title
    if header:
        sheet.append(header)
    for row in rows:
        try:
            sheet.append(row)
        except (ValueError, TypeError, IllegalCharacterError):
            pass  # openpyxl refuses some values itself (control characters): not the workbook's to test
    for (r, c), value in cells:
        try:
            sheet.cell(row=r, column=c, value=value)
        except (ValueError, TypeError, IllegalCharacterError):
            pass
    wb.save(path)
    return path


def _no_traceback(capsys) -> str:
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Traceback" not in out.out
    return out.err


@FUZZ
@given(spec=workbooks(), kind=st.sampled_from([None, "organisations", "requirements", "schedule"]),
       mapping=st.sampled_from([[], ["--map", "volume=C"], ["--sheet", "Nope"], ["--header-row", "9999"]]))
def test_generated_workbooks_never_give_a_traceback_and_a_refusal_changes_nothing(tmp_path_factory, demo_file,
                                                                                   capsys, spec, kind, mapping):
    folder = tmp_path_factory.mktemp("wb")
    workspace = folder / "w.cplan"
    shutil.copyfile(demo_file, workspace)
    book = _write(folder / "in.xlsx", spec)
    argv = ["import-xlsx", str(workspace), str(book)]
    if kind:
        argv += ["--kind", kind]
    if kind in (None, "schedule"):
        argv += mapping
    with _reader(workspace) as before:
        rows_before = sorted(map(repr, before.ws.entities()))
    code = main(argv)
    err = _no_traceback(capsys)
    assert code in (0, 1), err
    with _reader(workspace) as after:
        rows_after = sorted(map(repr, after.ws.entities()))
    if code == 1:
        assert rows_after == rows_before, err
    # the filled-schedule path reads the same hostile file
    code = main(["export-xlsx", str(workspace), "--option", "Go alone", "-o", str(folder / "o.xlsx"),
                 "--schedule", str(book), "--schedule-out", str(folder / "filled.xlsx")])
    _no_traceback(capsys)
    assert code in (0, 1)


class _reader:
    """A read-only session as a context manager."""

    def __init__(self, path: Path):
        self.session = WorkspaceSession.open(path, read_only=True)

    def __enter__(self) -> WorkspaceSession:
        return self.session

    def __exit__(self, *exc) -> None:
        self.session.close()


EDITABLE = [(Requirement, "annual_volume"), (Tender, "start_date"), (Tender, "term_years"), (Tender, "annual_value"),
            (Tender, "budget_ceiling"), (Tender, "payment_terms_days"), (ConsortiumOption, "margin_pct"),
            (ConsortiumOption, "ramp_up_months"), (ConsortiumOption, "notes"),
            (Organisation, "name")]


@FUZZ
@given(edits=st.lists(st.tuples(st.sampled_from(EDITABLE), hostile_values), min_size=1, max_size=4))
def test_generated_field_values_never_give_a_traceback_anywhere(tmp_path_factory, demo_file, capsys, edits):
    folder = tmp_path_factory.mktemp("edit")
    workspace = folder / "w.cplan"
    shutil.copyfile(demo_file, workspace)
    session = WorkspaceSession.open(workspace)
    try:
        for (cls, name), value in edits:
            if name not in specs(cls):
                continue
            row = session.ws.all(cls)[0]
            before = session.ws.get(cls, row.id)
            try:
                session.set_field(cls, row.id, name, value if not isinstance(value, float) else repr(value))
            except (ValidationError, FieldError, WorkspaceFileError):
                assert session.ws.get(cls, row.id) == before  # refused: unchanged
            else:
                spec = specs(cls)[name]
                stored = getattr(session.ws.get(cls, row.id), name)
                if spec.kind in (Kind.DECIMAL, Kind.MONEY, Kind.PERCENT) and stored is not None:
                    assert abs(stored) <= Decimal(10) ** 12
                if spec.kind is Kind.DATE and stored is not None:
                    assert dt.date(1900, 1, 1) <= stored <= dt.date(2199, 12, 31)
    finally:
        session.close()
    with _reader(workspace) as reader:
        option = reader.ws.options()[0]
    for argv in (["summary", str(workspace)], ["compare", str(workspace)],
                 ["export-xlsx", str(workspace), "--option", option.name, "-o", str(folder / "o.xlsx")],
                 ["export-pdf", str(workspace), "--option", option.name, "-o", str(folder / "o.pdf"),
                  "--sections", "summary,cash"]):
        code = main(argv)
        err = _no_traceback(capsys)
        assert code in (0, 1), (argv, err)
