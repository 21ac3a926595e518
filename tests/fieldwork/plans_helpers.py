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
