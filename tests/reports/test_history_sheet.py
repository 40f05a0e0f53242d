"""The workbook's History sheet: the audit trail as recorded, and written by the CLI and the GUI's export."""

import openpyxl

from consortium_planner.cli import main
from consortium_planner.domain.model import ConsortiumOption, Member
from consortium_planner.reports.workbook import SHEETS, write_option_workbook
from consortium_planner.services.history import read_history
from consortium_planner.services.session import WorkspaceSession


def _rows(path):
    sheet = openpyxl.load_workbook(path, read_only=True)["History"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows.index(["Time (UTC)", "Who", "Operation", "Record", "Id", "Field", "Old value", "New value"])
    return rows[header + 1:]


def test_the_history_sheet_lists_every_change_with_exact_values(small_workspace, tmp_path):
    s = WorkspaceSession.open(small_workspace)
    try:
        s.set_setting("audit_name", "Ana")
        member = min(s.ws.all(Member), key=lambda m: m.id)
        s.set_field(Member, member.id, "capital_contribution", "£12,345.6")
        history = read_history(s.store)
        option = min(s.ws.all(ConsortiumOption), key=lambda o: o.id)
        out = write_option_workbook(s.ws, option.id, tmp_path / "o.xlsx", history=history)
    finally:
        s.close()
    rows = _rows(out)
    assert len(rows) == len(history)
    last = rows[-1]
    old = None if member.capital_contribution is None else format(member.capital_contribution, "f")  # "" reads as None
    assert last[1:] == ["Ana", "Set Member: Capital contribution", "Member", member.id, "capital_contribution",
                        old, "12345.60"]
    assert rows[0][1] == "(not set)" and rows[0][5] == "(row added)"
    # the small workspace has a round (every entity has a row), so its Rounds sheet comes before History
    assert openpyxl.load_workbook(out, read_only=True).sheetnames == [*SHEETS, "Evaluation", "Lots", "Social value",
                                                                         "Rounds", "History"]


def test_export_xlsx_from_the_command_line_includes_the_history(tmp_path):
    demo = tmp_path / "demo.cplan"
    assert main(["demo", str(demo)]) == 0
    out = tmp_path / "spv.xlsx"
    assert main(["export-xlsx", str(demo), "--option", "Special purpose vehicle", "-o", str(out)]) == 0
    rows = _rows(out)
    assert rows and {r[2] for r in rows} == {"Create the demo workspace"}
