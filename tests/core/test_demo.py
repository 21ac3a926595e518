from io import StringIO

from django.core.management import call_command

from wuye.core.choices import Role
from wuye.core.models import Company, Estate, Room, Staff
from wuye.core.scoping import actor_for
from wuye.core.selectors import room_list


def test_demo_loads_two_estates_once_with_every_role(db):
    out = StringIO()
    call_command("demo", stdout=out)
    assert "loaded" in out.getvalue()
    assert set(Estate.objects.values_list("name", flat=True)) == {"阳光花园", "翠湖苑"}
    assert 900 <= Room.objects.count() <= 1100
    staff_roles = set(Staff.objects.values_list("role", flat=True))
    assert {
        Role.EXECUTIVE,
        Role.CS_AGENT,
        Role.TECHNICIAN,
        Role.GUARD,
        Role.FINANCE_CLERK,
    } <= staff_roles

    call_command("demo", stdout=out)  # idempotent: nothing more
    assert Company.objects.count() == 1
    assert "already" in out.getvalue()

    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.get(username="owner")
    rooms = list(room_list(actor=actor_for(owner)))
    assert [r.label for r in rooms] == ["1栋1单元101室"]
    lift = get_user_model().objects.get(username="lift")
    assert actor_for(lift).role == Role.CONTRACTOR
