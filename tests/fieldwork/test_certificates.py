"""Certificates and qualifications: the register, the check that blocks assigning work
(EQUIP-OPS-11, EQUIP-MAINT-12), and the expiry sweep (30 days ahead, then once expired)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.fieldwork.plans_helpers import at, certificate, day, engineering_head
from tests.images import make_jpeg
from wuye.core.exceptions import Conflict
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.models import Certificate
from wuye.fieldwork.services.certificates import (
    certificate_create,
    certificate_revoke,
    certificate_sweep_expiry,
    certificate_update,
    require_certificate,
)
from wuye.notify.models import Message
from wuye.workflow.attachments import attachment_store

LIFT = CertificateKind.ELEVATOR_MAINTENANCE


def test_register_a_qualification_of_a_contractor_with_its_scan(world, time_machine):
    time_machine.move_to(at("2026-05-01 10:00"), tick=False)
    scan = attachment_store(upload=make_jpeg("scan.jpg"), by=world.head.user)
    c = certificate_create(
        kind=LIFT, number=" TS3110-2026 ", issuer="市场监督管理局", issued_on=day("2026-01-01"),
        expires_on=day("2030-01-01"), contractor=world.contractor, scan=scan.pk,
        by=world.head.user,
    )  # fmt: skip
    assert (c.holder, c.number, c.company, c.created_by) == (
        "contractor", "TS3110-2026", world.company, world.head.user,
    )  # fmt: skip
    scan.refresh_from_db()
    assert (c.scan, scan.ref, scan.estate) == (scan, f"fieldwork.certificate:{c.pk}", world.estate)


def test_the_register_validates_each_field(world):
    with pytest.raises(ValidationError) as error:
        certificate_create(
            kind="pilot", number="", issuer=" ", issued_on=day("2027-01-01"),
            expires_on=day("2026-01-01"), staff=world.tech, by=world.head.user,
        )  # fmt: skip
    assert set(error.value.message_dict) == {"kind", "number", "issuer", "issued_on"}
    with pytest.raises(ValidationError) as error:
        certificate_create(
            kind=LIFT, number="1", issuer="x", expires_on=day("2027-01-01"), staff=world.tech,
            by=world.head.user,
        )  # fmt: skip
    assert error.value.message_dict["kind"] == ["这是维保单位的资质，不能登记给员工"]
    with pytest.raises(ValidationError) as error:
        certificate_create(
            kind=CertificateKind.ELECTRICIAN, number="1", issuer="x",
            expires_on=day("2027-01-01"), contractor=world.contractor, by=world.head.user,
        )  # fmt: skip
    assert error.value.message_dict["kind"] == ["这是员工的证书，不能登记给维保单位"]
    with pytest.raises(ValidationError) as error:
        certificate_create(
            kind=LIFT, number="1", issuer="x", expires_on=day("2027-01-01"), by=world.head.user
        )
    assert "holder" in error.value.message_dict
    assert not Certificate.objects.exists()


def test_only_heads_and_executives_of_the_holders_estates_register(world):
    fields = {"kind": CertificateKind.ELECTRICIAN, "number": "1", "issuer": "x",
              "expires_on": day("2027-01-01"), "staff": world.tech}  # fmt: skip
    with pytest.raises(PermissionDenied):
        certificate_create(**fields, by=world.tech.user)
    with pytest.raises(PermissionDenied):
        certificate_create(**fields, by=world.contractor.accounts.get().user)
    assert certificate_create(**fields, by=world.exec.user).staff == world.tech
    # A head of another estate does not see this technician.
    from tests.factories import DepartmentKind, Role, make_staff

    other_head = make_staff(
        world.company, "otherhead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
        [world.other_estate],
    )  # fmt: skip
    with pytest.raises(Http404):
        certificate_create(**fields, by=other_head.user)


def test_update_renews_and_revoke_once(world, time_machine):
    time_machine.move_to(at("2026-05-01 10:00"), tick=False)
    c = certificate(staff=world.tech, expires="2026-05-20", warned_at=at("2026-04-21 00:00"))
    c = certificate_update(certificate=c, by=world.head.user, expires_on=day("2029-05-20"))
    assert (c.expires_on, c.warned_at) == (day("2029-05-20"), None)  # warned again in 2029
    with pytest.raises(ValidationError):
        certificate_update(certificate=c, by=world.head.user, holder="contractor")
    revoked = certificate_revoke(certificate=c, by=world.head.user)
    assert revoked.revoked and revoked.revoked_at == at("2026-05-01 10:00")
    with pytest.raises(Conflict):
        certificate_revoke(certificate=c, by=world.head.user)


# --- require_certificate ------------------------------------------------------------------------


def test_an_expired_elevator_maintenance_qualification_blocks_assigning_that_contractor__EQUIP_MAINT_12(  # noqa: E501
    world,
):
    certificate(contractor=world.contractor, kind=LIFT, number="TS3110", expires="2026-04-30")
    with pytest.raises(ValidationError) as error:
        require_certificate(kind=LIFT, on=day("2026-05-01"), contractor=world.contractor)
    assert error.value.message_dict["certificate"] == [
        "lift电梯维保有限公司的电梯维保资质（编号 TS3110）已于 2026-04-30 到期，"
        "2026-05-01 无有效证书，不能安排这项工作"
    ]
    require_certificate(kind=LIFT, on=day("2026-04-30"), contractor=world.contractor)  # last day


def test_the_contractors_old_qualification_text_is_not_guessed_from__EQUIP_MAINT_12(world):
    # make_contractor's qualification field runs to 2030: without a Certificate row it counts
    # for nothing.
    assert world.contractor.qualification_expires_on.year == 2030
    with pytest.raises(ValidationError) as error:
        require_certificate(kind=LIFT, on=day("2026-05-01"), contractor=world.contractor)
    assert error.value.message_dict["certificate"] == [
        "lift电梯维保有限公司没有电梯维保资质，不能安排这项工作"
    ]


def test_a_person_needs_a_valid_certificate_of_the_kind__EQUIP_OPS_11(world):
    certificate(staff=world.tech, kind=CertificateKind.ELECTRICIAN, expires="2027-01-01",
                issued_on=day("2026-06-01"))  # fmt: skip
    require_certificate(kind=CertificateKind.ELECTRICIAN, on=day("2026-06-01"), staff=world.tech)
    with pytest.raises(ValidationError, match="尚未生效"):
        require_certificate(
            kind=CertificateKind.ELECTRICIAN, on=day("2026-05-31"), staff=world.tech
        )
    with pytest.raises(ValidationError, match="没有电梯操作员证"):
        require_certificate(
            kind=CertificateKind.ELEVATOR_OPERATOR, on=day("2026-06-01"), staff=world.tech
        )
    revoked = certificate(staff=world.agent, kind=CertificateKind.ELECTRICIAN, number="R1",
                          expires="2027-01-01", revoked=True)  # fmt: skip
    with pytest.raises(ValidationError, match="已被吊销"):
        require_certificate(kind=revoked.kind, on=day("2026-06-01"), staff=world.agent)


# --- The expiry sweep -----------------------------------------------------------------------------


def test_warned_once_30_days_ahead_then_once_when_expired(world, time_machine):
    head = engineering_head(world)
    staff_cert = certificate(staff=world.tech, expires="2026-06-30", number="E-1")
    lift = certificate(contractor=world.contractor, expires="2026-07-15", number="TS-9")
    time_machine.move_to(at("2026-05-30 23:59"), tick=False)
    assert certificate_sweep_expiry() == 0
    time_machine.move_to(at("2026-05-31 00:00"), tick=False)  # 30 days before 06-30
    assert certificate_sweep_expiry() == 1
    assert certificate_sweep_expiry() == 0
    warning = Message.objects.get(ref=f"certificate:{staff_cert.pk}")
    assert warning.recipient == world.tech.user
    assert "电工证" in warning.subject and "2026-06-30" in warning.body
    time_machine.move_to(at("2026-06-15 08:00"), tick=False)
    assert certificate_sweep_expiry() == 1  # the contractor's: to engineering's head
    assert [m.recipient for m in Message.objects.filter(ref=f"certificate:{lift.pk}")] == [
        head.user
    ]
    time_machine.move_to(at("2026-07-01 00:30"), tick=False)
    assert certificate_sweep_expiry() == 1
    assert certificate_sweep_expiry() == 0
    expired = Message.objects.filter(ref=f"certificate:{staff_cert.pk}").order_by("id").last()
    assert "已过期" in expired.subject
    assert Message.objects.filter(ref=f"certificate:{staff_cert.pk}").count() == 2


def test_a_renewed_certificate_is_not_warned_about(world, time_machine):
    old = certificate(staff=world.tech, expires="2026-06-30", number="E-1")
    certificate(staff=world.tech, expires="2029-06-30", number="E-2")
    time_machine.move_to(at("2026-07-02 08:00"), tick=False)
    assert certificate_sweep_expiry() == 1  # stamped, so never looked at again
    old.refresh_from_db()
    assert old.warned_at is None and old.expired_notified_at == at("2026-07-02 08:00")
    assert not Message.objects.exists()
