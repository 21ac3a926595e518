"""The organisation (EMERG-01..03): who may change which group, department warnings, one
leader, the on-call flag, and which group an estate actually uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import DepartmentKind, Role, make_staff
from wuye.emergency.choices import GroupKind, IncidentKind
from wuye.emergency.models import EmergencyGroup, GroupMember, Page
from wuye.emergency.services.incidents import incident_open
from wuye.emergency.services.organisation import (
    group_get_or_create,
    groups_effective,
    member_add,
    member_remove,
    member_update,
)

pytestmark = pytest.mark.django_db


def test_only_executives_change_the_command_group__EMERG_01(emg):
    w = emg
    with pytest.raises(PermissionDenied):
        member_add(group=w.command, staff=w.order_head, by=w.order_head.user)
    _member, warning = member_add(group=w.command, staff=w.order_head, by=w.exec.user)
    assert warning  # a department head is not an executive: accepted with a warning
    assert GroupMember.objects.filter(group=w.command, staff=w.order_head).exists()


def test_heads_change_the_onsite_group_and_agents_do_not__EMERG_02(emg):
    w = emg
    with pytest.raises(PermissionDenied):
        member_update(member=w.onsite.members.get(staff=w.tech), on_call=True, by=w.agent.user)
    member = member_update(member=w.onsite.members.get(staff=w.tech), on_call=True,
                           by=w.order_head.user)  # fmt: skip
    assert member.on_call


def test_a_member_of_another_department_is_accepted_with_a_warning__EMERG_02_03(emg):
    w = emg
    _, warning = member_add(group=w.logistics, staff=w.guard, by=w.order_head.user)
    assert "后勤保障小组" in warning
    finance = make_staff(w.company, "fin", Role.FINANCE_CLERK, DepartmentKind.FINANCE,
                         [w.estate])  # fmt: skip
    _, warning = member_add(group=w.logistics, staff=finance, by=w.order_head.user)
    assert warning == ""  # EMERG-03: finance fits


def test_staff_of_another_estate_or_twice_is_refused(emg):
    w = emg
    with pytest.raises(ValidationError):
        member_add(group=w.onsite, staff=w.outsider, by=w.exec.user)
    with pytest.raises(ValidationError):
        member_add(group=w.onsite, staff=w.guard, by=w.exec.user)


def test_one_leader_per_group(emg):
    w = emg
    member_update(member=w.onsite.members.get(staff=w.guard), leader=True, by=w.exec.user)
    leaders = list(w.onsite.members.filter(leader=True).values_list("staff__user__username",
                                                                   flat=True))  # fmt: skip
    assert leaders == ["guard"]


def test_an_on_call_member_is_paged_at_level_iv__EMERG_02(emg):
    w = emg
    member_update(member=w.onsite.members.get(staff=w.tech), on_call=True, by=w.exec.user)
    incident = incident_open(estate=w.estate, kind=IncidentKind.OTHER, place="地库",
                             by=w.agent.user)  # fmt: skip
    assert Page.objects.filter(incident=incident, user=w.tech.user).exists()
    member_remove(member=w.onsite.members.get(staff=w.tech), by=w.exec.user)
    assert not w.onsite.members.filter(staff=w.tech).exists()


def test_the_estate_uses_its_own_group_else_the_companys_else_the_executives__EMERG_01(emg):
    w = emg
    views = {v.kind: v for v in groups_effective(w.estate)}
    assert views[GroupKind.ONSITE].source == "estate"
    assert views[GroupKind.COMMAND].source == "company"
    other = {v.kind: v for v in groups_effective(w.other_estate)}
    assert other[GroupKind.ONSITE].source == ""  # none set
    w.command.members.all().delete()
    views = {v.kind: v for v in groups_effective(w.estate)}
    assert views[GroupKind.COMMAND].source == "executives"
    assert [s.pk for s in views[GroupKind.COMMAND].members] == [w.exec.pk]


def test_group_made_on_first_use_by_whoever_may_change_it(emg):
    w = emg
    with pytest.raises(PermissionDenied):
        group_get_or_create(company=w.company, estate=w.estate, kind=GroupKind.COMMAND,
                            by=w.order_head.user)  # fmt: skip
    group = group_get_or_create(company=w.company, estate=w.estate, kind=GroupKind.COMMAND,
                                by=w.exec.user)  # fmt: skip
    assert EmergencyGroup.objects.filter(pk=group.pk, estate=w.estate).exists()
