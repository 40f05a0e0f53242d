"""The Excel templates: sheets, headers, comments, validations, formats, the example row, safe text."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from consortium_planner.domain.fields import Kind, specs
from consortium_planner.domain.model import (
    Capacity,
    CostProfile,
    FinancialYear,
    LegalForm,
    Lot,
    Organisation,
    OrgKind,
    PensionScheme,
    Requirement,
    Role,
    Tender,
)
from consortium_planner.domain.workspace import Workspace
from consortium_planner.reports.templates import (
    DATA_ROWS,
    write_organisations_template,
    write_requirements_template,
)
from consortium_planner.reports.xlsx_common import DATE, GBP, PERCENT_POINTS
from consortium_planner.services.xlsx_layouts import EXAMPLE_PREFIX, ORGANISATIONS, REQUIREMENTS

ORG_SHEETS = ["Instructions", "Organisations", "Accounts", "Capacity", "Cost profiles", "Roles"]


def headers(sheet) -> list[str]:
    return [c.value for c in sheet[1] if c.value is not None]


def column_of(sheet, header: str) -> str:
    for c in sheet[1]:
        if c.value == header:
            return c.column_letter
    raise AssertionError(f"no column {header!r} in {headers(sheet)}")


def validation_for(sheet, cell: str):
    """The data validation covering ``cell`` (exactly one)."""
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{sheet.title}!{cell}: {len(found)} validations"
    return found[0]


def list_values(wb, formula: str) -> list[str]:
    """The values of a list validation: typed in ("a,b") or a range on a sheet ('Lists'!$A$1:$A$9)."""
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet_name, ref = formula.rsplit("!", 1)
    sheet = wb[sheet_name.strip("'")]
    return [c.value for row in sheet[ref.replace("$", "")] for c in row if c.value is not None]


@pytest.fixture
def blank(tmp_path):
    path = write_organisations_template(tmp_path / "organisations.xlsx")
    return openpyxl.load_workbook(path)


def test_blank_organisations_template_has_the_sheets_and_headers(blank):
    assert blank.sheetnames[: len(ORG_SHEETS)] == ORG_SHEETS
    for extra in blank.sheetnames[len(ORG_SHEETS):]:
        assert blank[extra].sheet_state == "hidden"  # only the hidden lists sheet, if any
    assert headers(blank["Organisations"])[:3] == ["Name", "Kind", "Legal form"]
    assert headers(blank["Accounts"])[:3] == ["Organisation", "Year end", "Turnover (£)"]
    assert headers(blank["Capacity"]) == ["Organisation", "Service line", "Area", "Units a year available now",
                                          "Unit", "Maximum growth (%)", "Lead time (months)"]
    assert headers(blank["Cost profiles"])[:2] == ["Organisation", "Service line"]
    assert headers(blank["Roles"])[:4] == ["Organisation", "Service line", "Role", "Hourly pay rate (£)"]
    for name in ORG_SHEETS[1:]:
        sheet = blank[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.b


def test_every_field_has_a_column():
    """Derived from the field specs: a field added to the model appears in the template."""
    for layout in ORGANISATIONS.sheets + REQUIREMENTS.sheets:
        wanted = {n for n, s in specs(layout.entity).items() if s.kind not in (Kind.ID, Kind.REF)}
        assert wanted <= {c.name for c in layout.columns}, layout.name


def test_headers_carry_comments_with_help_and_limits(blank):
    cap = blank["Capacity"]
    growth = cap[f"{column_of(cap, 'Maximum growth (%)')}1"].comment.text
    assert "How far capacity can grow" in growth and "From 0% to 1000%" in growth
    lead = cap[f"{column_of(cap, 'Lead time (months)')}1"].comment.text
    assert "whole number" in lead and "From 0 to 60" in lead
    first = cap["A1"].comment.text
    assert "matched on Organisation + Service line + Area" in first
    assert EXAMPLE_PREFIX in first  # the example rule is told where people look
    for name in ORG_SHEETS[1:]:
        assert all(c.comment is not None for c in blank[name][1] if c.value is not None), name


def test_data_validations(blank):
    orgs = blank["Organisations"]
    last = 1 + 1 + DATA_ROWS
    kind = validation_for(orgs, "B2")
    assert kind.type == "list" and str(kind.sqref) == f"B2:B{last}"
    assert list_values(blank, kind.formula1) == [m.label for m in OrgKind]
    legal = validation_for(orgs, f"{column_of(orgs, 'Legal form')}500")
    assert list_values(blank, legal.formula1) == [m.label for m in LegalForm]
    owned = validation_for(orgs, f"{column_of(orgs, 'Employee owned or controlled')}2")
    assert owned.type == "list" and owned.formula1 == '"Yes,No"'
    pct = validation_for(orgs, f"{column_of(orgs, 'Employee ownership (%)')}2")
    assert (pct.type, pct.operator, pct.formula1, pct.formula2) == ("decimal", "between", "0", "100")
    assert pct.showErrorMessage and "0% to 100%" in pct.error

    cap = blank["Capacity"]
    units = validation_for(cap, f"{column_of(cap, 'Units a year available now')}2")
    assert (units.type, units.operator, units.formula1) == ("decimal", "greaterThanOrEqual", "0")
    lead = validation_for(cap, f"{column_of(cap, 'Lead time (months)')}2")
    assert (lead.type, lead.operator, lead.formula1, lead.formula2) == ("whole", "between", "0", "60")
    org = validation_for(cap, "A2")
    assert org.type == "list" and org.formula1 == f"'Organisations'!$A$2:$A${last}"
    assert org.errorStyle == "warning"  # a name already in the workspace is allowed

    accounts = blank["Accounts"]
    year_end = validation_for(accounts, "B2")
    assert year_end.type == "date"
    surplus = validation_for(accounts, f"{column_of(accounts, 'Operating surplus (£)')}2")
    assert surplus.type == "decimal"  # may be negative, still a number

    profiles = blank["Cost profiles"]
    scheme = validation_for(profiles, f"{column_of(profiles, 'Pension scheme')}2")
    assert list_values(blank, scheme.formula1) == [m.label for m in PensionScheme]
    roles = blank["Roles"]
    line = validation_for(roles, "B2")
    assert line.type == "list" and line.formula1.startswith("'Cost profiles'!$B$2")


def test_number_formats_on_the_data_area(blank):
    accounts = blank["Accounts"]
    turnover = column_of(accounts, "Turnover (£)")
    assert accounts[f"{turnover}2"].number_format == GBP
    assert accounts.column_dimensions[turnover].number_format == GBP
    assert accounts["B2"].number_format == DATE
    assert accounts.column_dimensions["B"].number_format == DATE
    profiles = blank["Cost profiles"]
    holiday = column_of(profiles, "Holiday (%)")
    assert profiles[f"{holiday}2"].number_format == PERCENT_POINTS
    assert profiles.column_dimensions[holiday].number_format == PERCENT_POINTS


def test_one_example_row_per_sheet(blank):
    for name in ORG_SHEETS[1:]:
        sheet = blank[name]
        assert str(sheet["A2"].value).startswith(EXAMPLE_PREFIX), name
        assert sheet["A2"].font.i and sheet["A2"].font.color.rgb.endswith("808080")
        assert sheet.max_row == 2, name
    assert blank["Organisations"]["A2"].value == "Example: Riverside Care CIC"
    assert blank["Accounts"]["B2"].value == dt.datetime(2025, 3, 31)


def test_instructions_explain_the_rules(blank):
    text = "\n".join(str(c.value) for c in blank["Instructions"]["A"] if c.value)
    for words in ("in pounds", "12.5 for 12.5%", "DD/MM/YYYY", "drop-down", "changes nothing",
                  "never makes duplicates", "nothing is imported", EXAMPLE_PREFIX):
        assert words in text, words


def _risky_workspace() -> Workspace:
    names = ["=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "+44 Care", "\tTabbed"]
    rows = [Organisation(id=i, name=n, regulators="=HYPERLINK(\"x\")") for i, n in enumerate(names, start=1)]
    rows.append(Capacity(id=1, organisation_id=1, service_line="=1+1", area="-East", units_per_year=Decimal("10")))
    rows.append(FinancialYear(id=1, organisation_id=2, year_end=dt.date(2025, 3, 31), turnover=Decimal("1000.50")))
    rows.append(CostProfile(id=1, organisation_id=3, service_line="@Homecare"))
    rows.append(Role(id=1, cost_profile_id=1, name="+Lead"))
    return Workspace(rows)


def test_user_text_is_written_as_text_never_a_formula(tmp_path):
    ws = _risky_workspace()
    wb = openpyxl.load_workbook(write_organisations_template(tmp_path / "filled.xlsx", ws))
    names = {c.value: c for c in wb["Organisations"]["A"][1:]}
    for name in ("=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "+44 Care", "\tTabbed"):
        assert name in names, name
        assert names[name].data_type == "s"
        assert names[name].quotePrefix
    regulators = column_of(wb["Organisations"], "Regulator registrations")
    assert all(c.data_type == "s" for c in wb["Organisations"][regulators][1:])
    cap = wb["Capacity"]
    assert [(c.value, c.data_type) for c in cap[2][:3]] == [
        ("=cmd|' /C calc'!A0", "s"), ("=1+1", "s"), ("-East", "s")]
    assert (wb["Roles"]["C2"].value, wb["Roles"]["C2"].data_type) == ("+Lead", "s")
    # and no formula anywhere in the file
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row), sheet.title


def test_filled_template_has_the_rows_and_no_example(tmp_path):
    ws = Workspace([Organisation(id=1, name="Zeta Care"), Organisation(id=2, name="alpha health", kind=OrgKind.CHARITY),
                    Capacity(id=1, organisation_id=1, service_line="Homecare", area="East",
                             units_per_year=Decimal("40000"), max_growth_pct=Decimal("25"))])
    wb = openpyxl.load_workbook(write_organisations_template(tmp_path / "filled.xlsx", ws))
    orgs = wb["Organisations"]
    assert [orgs["A2"].value, orgs["A3"].value] == ["alpha health", "Zeta Care"]  # by name
    assert orgs["B2"].value == "Charity"  # choices by label
    assert orgs[f"{column_of(orgs, 'Employee owned or controlled')}2"].value == "No"
    assert orgs.max_row == 3
    assert not any(str(c.value).startswith(EXAMPLE_PREFIX) for s in wb.worksheets for r in s.iter_rows()
                   for c in r if c.value)
    cap = wb["Capacity"]
    assert [c.value for c in cap[2]] == ["Zeta Care", "Homecare", "East", 40000, "contact hour", 25, 0]
    assert wb["Accounts"].max_row == 1  # headers only


def test_requirements_template_blank_and_filled(tmp_path):
    blank = openpyxl.load_workbook(write_requirements_template(tmp_path / "req.xlsx"))
    assert blank.sheetnames[:2] == ["Instructions", "Requirements"]
    sheet = blank["Requirements"]
    assert headers(sheet) == ["Service line", "Area", "Annual volume", "Unit", "Lot"]
    assert sheet["A2"].value == "Example: Homecare"
    volume = validation_for(sheet, "C2")
    assert (volume.type, volume.operator, volume.formula1) == ("decimal", "greaterThanOrEqual", "0")

    ws = Workspace([Tender(id=1, name="Wellbeing"), Tender(id=2, name="Other"),
                    Lot(id=1, tender_id=1, name="North, rural"), Lot(id=2, tender_id=1, name="South"),
                    Requirement(id=1, tender_id=1, lot_id=2, service_line="Homecare", area="East",
                                annual_volume=Decimal("50000")),
                    Requirement(id=2, tender_id=1, service_line="Reablement", area="West"),
                    Requirement(id=3, tender_id=2, service_line="Elsewhere", area="West")])
    wb = openpyxl.load_workbook(write_requirements_template(tmp_path / "filled.xlsx", ws, tender_id=1))
    sheet = wb["Requirements"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["Homecare", "East", 50000, "contact hour", "South"],
        ["Reablement", "West", 0, "contact hour", None],
    ]
    lot = validation_for(sheet, "E2")
    assert lot.type == "list" and lot.errorStyle == "warning"  # new lots are allowed
    assert list_values(wb, lot.formula1) == ["North, rural", "South"]  # a comma: kept on the hidden sheet
    assert wb[wb.sheetnames[-1]].sheet_state == "hidden"
    intro = "\n".join(str(c.value) for c in wb["Instructions"]["A"] if c.value)
    assert "'Wellbeing'" in intro


def test_written_atomically(tmp_path):
    target = tmp_path / "out" / "organisations.xlsx"
    write_organisations_template(target)
    first = target.read_bytes()
    write_organisations_template(target, Workspace([Organisation(id=1, name="A")]))
    assert target.read_bytes() != first
    assert sorted(p.name for p in target.parent.iterdir()) == ["organisations.xlsx"]  # no temporary left


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "organisations.xlsx"
    write_organisations_template(target)
    before = target.read_bytes()

    def broken(self, filename):
        with open(filename, "wb") as fh:
            fh.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError):
        write_organisations_template(target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["organisations.xlsx"]


def test_example_values_are_valid_rows():
    """The examples are real rows in every way but their marker, so they show what is accepted."""
    from consortium_planner.domain.validation import check_entity

    for layout in ORGANISATIONS.sheets + REQUIREMENTS.sheets:
        values = {k: v for k, v in layout.example_values().items() if not layout.column(k).parent}
        values.update({n: 1 for n, s in specs(layout.entity).items() if s.kind is Kind.REF and s.required})
        entity = dataclasses.replace(layout.entity(**values), id=1)
        assert not check_entity(entity), layout.name
