"""Helpers of the planned-work and certificate tests (tests/fieldwork/test_tasks*.py,
test_certificates*.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

from tests.factories import DepartmentKind, Role, make_staff
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.models import Certificate

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def engineering_head(world):
    return make_staff(
        world.company, "enghead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, [world.estate]
    )


def certificate(*, expires: str, staff=None, contractor=None, kind=None, **fields) -> Certificate:
    """A certificate row as the register would hold it (written directly: the tests of the
    register's services are in test_certificates.py)."""
    holder = staff or contractor
    return Certificate.objects.create(
        company_id=holder.company_id,
        holder="staff" if staff is not None else "contractor",
        staff=staff,
        contractor=contractor,
        kind=kind
        or (
            CertificateKind.ELECTRICIAN
            if staff is not None
            else CertificateKind.ELEVATOR_MAINTENANCE
        ),
        number=fields.pop("number", "TS-0001"),
        issuer=fields.pop("issuer", "市场监督管理局"),
        expires_on=day(expires),
        created_at=at("2026-01-01 09:00"),
        **fields,
    )


def elevator(world, code: str = "DT-01", estate=None):
    from wuye.facilities.models import Equipment

    return Equipment.objects.get_or_create(
        estate=estate or world.estate,
        code=code,
        defaults={"name": "1号电梯", "category": "elevator"},
    )[0]


def checklist(world, estate=None, **fields):
    from wuye.fieldwork.models import Checklist

    return Checklist.objects.create(
        company=world.company, estate=estate, name=fields.pop("name", "电梯半月保养"),
        kind="maintenance", created_at=at("2026-01-01 09:00"), **fields,
    )  # fmt: skip


def lift_plan(world, time_machine, *, created: str = "2026-04-20 08:00", **fields):
    """A contractor's 15-day elevator service, from the last completion (EQUIP-MAINT-03)."""
    from wuye.fieldwork.services.tasks import plan_create
    from wuye.workflow.models import Frequency, RecurrenceBasis

    time_machine.move_to(at(created), tick=False)
    values = {
        "estate": world.estate, "name": "1号电梯半月保养", "kind": "maintenance",
        "rule": "EQUIP-MAINT-03", "frequency": Frequency.INTERVAL_DAYS, "interval": 15,
        "basis": RecurrenceBasis.COMPLETION, "due_amount": 3, "department": "engineering",
        "subject": elevator(world), "contractor": world.contractor,
        "certificate": CertificateKind.ELEVATOR_MAINTENANCE, "photos": 2, "signature": True,
        "by": world.head.user,
    }  # fmt: skip
    values.update(fields)
    return plan_create(**values)
