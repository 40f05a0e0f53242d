"""Issue 20: the cost profile and its roles stay in step — adding a role never moves the profile selection,
and the next role goes into the profile still selected."""

from __future__ import annotations

import pytest

from consortium_planner.domain.model import Role
from consortium_planner.gui.controller import WorkspaceController
from consortium_planner.gui.pages import OrganisationsPage
from consortium_planner.services.demo import write_demo
from consortium_planner.services.session import WorkspaceSession


@pytest.fixture
def page(qtbot, tmp_path):
    c = WorkspaceController(WorkspaceSession.open(write_demo(tmp_path / "demo.cplan")))
    p = OrganisationsPage(c)
    qtbot.addWidget(p)
    p.resize(1280, 720)
    p.show()
    yield p
    c.session.close()


def test_adding_roles_keeps_the_selected_profile(page, qtbot):
    ws = page.controller.ws
    org = next(o for o in ws.organisations() if len(ws.cost_profiles(o.id)) >= 2)
    page.master.table.select_id(org.id)
    qtbot.wait(10)
    second = ws.cost_profiles(org.id)[1]
    page.profiles.table.select_id(second.id)
    qtbot.wait(10)
    assert page.profiles.current_id() == second.id
    for _ in range(2):
        role = page.roles.add_record()
        qtbot.wait(10)
        assert role is not None and role.cost_profile_id == second.id
        assert page.profiles.current_id() == second.id, "the profile selection jumped"
        assert page.master.current_id() == org.id
        # typing into the new role (as a user does next) must not move it either
        model = page.roles.model
        row = model.row_of(role.id)
        col = model.columns.index("hourly_rate")
        assert model.setData(model.index(row, col), "13.50")
        qtbot.wait(10)
        assert page.profiles.current_id() == second.id, "the profile selection jumped after an edit"
        assert page.controller.ws.get(Role, role.id).hourly_rate == 13.5
    names = {r.cost_profile_id for r in page.controller.ws.all(Role) if r.name == role.name}
    assert second.id in names


def test_a_new_profile_is_selected_and_its_roles_go_into_it(page, qtbot):
    ws = page.controller.ws
    org = next(o for o in ws.organisations() if len(ws.cost_profiles(o.id)) >= 2)
    page.master.table.select_id(org.id)
    qtbot.wait(10)
    profile = page.profiles.add_record()
    qtbot.wait(10)
    assert profile is not None and page.profiles.current_id() == profile.id
    for _ in range(2):
        role = page.roles.add_record()
        qtbot.wait(10)
        assert role is not None and role.cost_profile_id == profile.id
        assert page.profiles.current_id() == profile.id, "the profile selection jumped"


def test_a_wide_table_reads_as_a_form_too(page, qtbot):
    from consortium_planner.domain.model import CostProfile

    ws = page.controller.ws
    org = next(o for o in ws.organisations() if len(ws.cost_profiles(o.id)) >= 2)
    page.master.table.select_id(org.id)
    second = ws.cost_profiles(org.id)[1]
    page.profiles.table.select_id(second.id)
    assert page.profiles.form is not None and page.profiles.form.isHidden()
    page.profiles.form_action.setChecked(True)
    form = page.profiles.form
    assert not form.isHidden() and form.record_id == second.id
    editor = form.editors["non_pay_per_unit"]
    editor.setText("4.25")
    editor.editingFinished.emit()
    assert page.controller.ws.get(CostProfile, second.id).non_pay_per_unit == 4.25
    first = ws.cost_profiles(org.id)[0]
    page.profiles.table.select_id(first.id)
    assert form.record_id == first.id  # the form follows the selection
