"""Certificates and qualifications (证书/资质): their register, the check that blocks assigning
work to a holder without a valid one (EQUIP-OPS-11 持证上岗, EQUIP-MAINT-12 维保单位资质), and
the expiry sweep (a warning 30 days before, a notice when it expires)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import STAFF_WRITE_ROLES, DepartmentKind, Role
from wuye.core.models import Contractor, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date, check_model_text
from wuye.workflow.attachments import attachments_bind_record, attachments_resolve

from ..choices import CERTIFICATE_HOLDER, CertificateHolder, CertificateKind
from ..models import Certificate
from ..selectors.certificates import WARN_DAYS, certificate_visible_get

__all__ = [
    "WARN_DAYS",
    "certificate_check_writer",
    "certificate_create",
    "certificate_get_for_user",
    "certificate_revoke",
    "certificate_sweep_expiry",
    "certificate_update",
    "require_certificate",
]

_FIELDS = ("kind", "number", "issuer", "issued_on", "expires_on")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _label(kind: str) -> str:
    return str(CertificateKind(kind).label) if kind in CertificateKind.values else kind


# --- Reading ----------------------------------------------------------------------------------


def certificate_get_for_user(user, pk, *, for_write: bool = False) -> Certificate:
    """The certificate if the user may see it (else a 404); for writing, only an executive or a
    department head (else PermissionDenied)."""
    actor = _actor(user)
    certificate = certificate_visible_get(actor, pk)
    if for_write:
        certificate_check_writer(actor)
    return certificate


def certificate_check_writer(actor: Actor) -> None:
    if not actor.is_superuser and (actor.staff is None or actor.role not in STAFF_WRITE_ROLES):
        raise PermissionDenied(_("只有部门负责人或企业高层可以登记证书和资质"))


def _holder_in_scope(actor: Actor, *, staff: Staff | None, contractor: Contractor | None) -> None:
    """A holder outside what the actor sees is a 404, as the holder's own pages are."""
    if actor.is_superuser:
        return
    holder = staff or contractor
    if holder.company_id != actor.company_id:
        raise Http404
    if actor.role == Role.EXECUTIVE:
        return
    estates = list(actor.estate_ids)
    if staff is not None and not staff.estates.filter(pk__in=estates).exists():
        raise Http404
    if contractor is not None and not contractor.estates.filter(pk__in=estates).exists():
        raise Http404


# --- The check other apps use ------------------------------------------------------------------


def valid_certificate(
    *, kind: str, on: dt.date, staff: Staff | None = None, contractor: Contractor | None = None
) -> Certificate | None:
    """The holder's certificate of ``kind`` valid on ``on`` (the one valid longest), or None."""
    holder = Q(staff=staff) if staff is not None else Q(contractor=contractor)
    return (
        Certificate.objects.filter(holder, kind=kind, revoked=False, expires_on__gte=on)
        .filter(Q(issued_on__isnull=True) | Q(issued_on__lte=on))
        .order_by("-expires_on")
        .first()
    )


def require_certificate(
    *, kind: str, on: dt.date, staff: Staff | None = None, contractor: Contractor | None = None
) -> None:
    """Refuse work that needs a certificate of ``kind`` on day ``on`` when the holder (a staff
    member or a contractor) holds no valid one: ValidationError ``certificate`` naming it and
    its expiry (EQUIP-OPS-11, EQUIP-MAINT-12). Only Certificate rows count: a contractor's old
    ``qualification`` text is not guessed from."""
    if (staff is None) == (contractor is None):
        raise ValueError("require_certificate needs exactly one of staff and contractor")
    if valid_certificate(kind=kind, on=on, staff=staff, contractor=contractor) is not None:
        return
    holder = Q(staff=staff) if staff is not None else Q(contractor=contractor)
    last = Certificate.objects.filter(holder, kind=kind).order_by("-expires_on").first()
    values = {
        "holder": staff.name if staff is not None else contractor.name,
        "kind": _label(kind),
        "day": on.isoformat(),
    }
    if last is None:
        message = _("%(holder)s没有%(kind)s，不能安排这项工作") % values
    else:
        values |= {"number": last.number, "expires": last.expires_on.isoformat()}
        if last.revoked:
            message = _("%(holder)s的%(kind)s（编号 %(number)s）已被吊销，不能安排这项工作")
        elif last.expires_on < on:
            message = _(
                "%(holder)s的%(kind)s（编号 %(number)s）已于 %(expires)s 到期，"
                "%(day)s 无有效证书，不能安排这项工作"
            )
        else:
            message = _("%(holder)s的%(kind)s（编号 %(number)s）%(day)s 尚未生效，不能安排这项工作")
        message %= values
    raise ValidationError({"certificate": [message]})


# --- Writing ----------------------------------------------------------------------------------


def _validate(values: dict, errors: dict[str, list[str]]) -> None:
    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind = values["kind"]
    if kind not in CertificateKind.values:
        error("kind", _("请选择证书类别"))
    if not values["number"]:
        error("number", _("请填写证书编号"))
    if not values["issuer"]:
        error("issuer", _("请填写发证机关"))
    check_model_text(Certificate, errors, number=values["number"], issuer=values["issuer"])
    issued, expires = values["issued_on"], values["expires_on"]
    if not isinstance(expires, dt.date):
        error("expires_on", _("请填写有效期至"))
    elif isinstance(issued, dt.date) and issued > expires:
        error("issued_on", _("发证日期不能晚于有效期"))
    check_date(issued, field="issued_on", label=_("发证日期"), errors=errors)
    check_date(expires, field="expires_on", label=_("有效期至"), errors=errors)


def _check_holder_kind(kind: str, holder: str, errors: dict[str, list[str]]) -> None:
    belongs = CERTIFICATE_HOLDER.get(kind)
    if belongs and belongs != holder:
        if holder == CertificateHolder.STAFF:
            errors.setdefault("kind", []).append(_("这是维保单位的资质，不能登记给员工"))
        else:
            errors.setdefault("kind", []).append(_("这是员工的证书，不能登记给维保单位"))


def _bind_scan(certificate: Certificate, scan, actor: Actor) -> None:
    if scan is None:
        return
    attachments = attachments_resolve([scan], actor=actor, case=None)
    holder = certificate.staff or certificate.contractor
    estate = holder.estates.order_by("pk").first()
    attachments_bind_record(
        attachments, estate=estate, ref=f"fieldwork.certificate:{certificate.pk}"
    )
    certificate.scan = attachments[0]
    certificate.save(update_fields=["scan"])


@transaction.atomic
def certificate_create(
    *,
    kind: str,
    number: str,
    issuer: str,
    expires_on: dt.date,
    by,
    issued_on: dt.date | None = None,
    staff: Staff | None = None,
    contractor: Contractor | None = None,
    scan=None,
) -> Certificate:
    """Register a certificate of a staff member or a qualification of a contractor (an
    executive, or a department head of an estate the holder works in). ``scan``: the id of a
    photo uploaded first (``attachment_store``), optional."""
    actor = _actor(by)
    certificate_check_writer(actor)
    errors: dict[str, list[str]] = {}
    if (staff is None) == (contractor is None):
        errors["holder"] = [_("请选择持证的员工或维保单位")]
        raise ValidationError(errors)
    _holder_in_scope(actor, staff=staff, contractor=contractor)
    holder = CertificateHolder.STAFF if staff is not None else CertificateHolder.CONTRACTOR
    values = {
        "kind": kind,
        "number": (number or "").strip(),
        "issuer": (issuer or "").strip(),
        "issued_on": issued_on,
        "expires_on": expires_on,
    }
    _validate(values, errors)
    _check_holder_kind(kind, holder, errors)
    if errors:
        raise ValidationError(errors)
    certificate = Certificate.objects.create(
        company_id=(staff or contractor).company_id,
        holder=holder,
        staff=staff,
        contractor=contractor,
        **values,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    _bind_scan(certificate, scan, actor)
    return certificate


@transaction.atomic
def certificate_update(*, certificate: Certificate, by, scan=None, **changes) -> Certificate:
    """Correct or renew a certificate (kind, number, issuer, dates, a new scan). A renewed
    expiry date is warned about and notified again when it comes."""
    actor = _actor(by)
    certificate_check_writer(actor)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _holder_in_scope(actor, staff=certificate.staff, contractor=certificate.contractor)
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise ValidationError({field: [_("该项不能修改")] for field in sorted(unknown)})
    values = {field: getattr(certificate, field) for field in _FIELDS} | changes
    values["number"] = (values["number"] or "").strip()
    values["issuer"] = (values["issuer"] or "").strip()
    errors: dict[str, list[str]] = {}
    _validate(values, errors)
    _check_holder_kind(values["kind"], certificate.holder, errors)
    if errors:
        raise ValidationError(errors)
    if values["expires_on"] != certificate.expires_on:
        certificate.warned_at = certificate.expired_notified_at = None
    for field, value in values.items():
        setattr(certificate, field, value)
    certificate.save()
    _bind_scan(certificate, scan, actor)
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by) -> Certificate:
    """Revoke a certificate (吊销): from now on it covers no work. Kept in the register."""
    actor = _actor(by)
    certificate_check_writer(actor)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _holder_in_scope(actor, staff=certificate.staff, contractor=certificate.contractor)
    if certificate.revoked:
        from wuye.core.exceptions import Conflict

        raise Conflict(_("该证书已吊销"), code="invalid_state")
    certificate.revoked = True
    certificate.revoked_at = timezone.now()
    certificate.save(update_fields=["revoked", "revoked_at"])
    return certificate


# --- The expiry sweep ---------------------------------------------------------------------------


def _recipients(certificate: Certificate, memo: dict) -> list:
    """The holder (staff), or the engineering department heads of the contractor's estates."""
    if certificate.staff_id:
        staff = certificate.staff
        return [staff.user] if staff.is_active else []
    key = certificate.contractor_id
    if key not in memo:
        heads = Staff.objects.filter(
            company_id=certificate.company_id,
            is_active=True,
            role=Role.DEPARTMENT_HEAD,
            department__kind=DepartmentKind.ENGINEERING,
            estates__in=certificate.contractor.estates.all(),
        ).select_related("user")
        memo[key] = list({s.user.pk: s.user for s in heads}.values())
    return memo[key]


def _renewed(certificate: Certificate) -> bool:
    holder = Q(staff_id=certificate.staff_id, contractor_id=certificate.contractor_id)
    return (
        Certificate.objects.filter(holder, kind=certificate.kind, revoked=False)
        .filter(expires_on__gt=certificate.expires_on)
        .exists()
    )


def _message(certificate: Certificate, stage: str, memo: dict) -> list[dict]:
    if _renewed(certificate):
        return []  # a newer certificate of the kind is registered: nothing to warn about
    values = {
        "holder": certificate.holder_name,
        "kind": certificate.get_kind_display(),
        "number": certificate.number,
        "expires": certificate.expires_on.isoformat(),
    }
    if stage == "warn":
        title = _("证书即将到期：%(holder)s的%(kind)s") % values
        body = _(
            "%(holder)s的%(kind)s（编号 %(number)s）将于 %(expires)s 到期，请及时办理复审或换证；"
            "到期后不能再安排需要该证书的工作。"
        )
    else:
        title = _("证书已过期：%(holder)s的%(kind)s") % values
        body = _(
            "%(holder)s的%(kind)s（编号 %(number)s）已于 %(expires)s 到期，"
            "需要该证书的工作不能再安排给%(holder)s，请尽快换证。"
        )
    context = {"title": title, "body": body % values}
    return [
        {
            "recipient": user,
            "template": "notice",
            "context": context,
            "channels": ["inbox"],
            "ref": f"certificate:{certificate.pk}",
            "idempotency_key": f"certificate_{stage}:{certificate.pk}:{certificate.expires_on}",
        }
        for user in _recipients(certificate, memo)
    ]


def certificate_sweep_expiry(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Periodic job: a warning once per certificate 30 days before it expires, and a notice
    once when it has expired, to the holder (staff) or to the engineering department heads
    (contractor). Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and stamped in the same
    transaction as their messages, so concurrent sweeps send each notice once. Returns how many
    notices were stamped."""
    from wuye.notify.services import message_enqueue_bulk

    now = now or timezone.now()
    today = timezone.localdate(now)
    stages = {
        "warn": (
            Q(revoked=False, warned_at__isnull=True, expires_on__gte=today,
              expires_on__lte=today + dt.timedelta(days=WARN_DAYS)),
            "warned_at",
        ),
        "expired": (
            Q(revoked=False, expired_notified_at__isnull=True, expires_on__lt=today),
            "expired_notified_at",
        ),
    }  # fmt: skip
    stamped = 0
    memo: dict = {}
    for stage, (due, mark) in stages.items():
        while True:
            with transaction.atomic():
                ids = list(
                    Certificate.objects.filter(due)
                    .order_by("id")
                    .select_for_update(skip_locked=True)
                    .values_list("id", flat=True)[:batch]
                )
                if not ids:
                    break
                rows = list(
                    Certificate.objects.filter(due, id__in=ids).select_related(
                        "staff__user", "contractor"
                    )
                )
                Certificate.objects.filter(id__in=[c.pk for c in rows]).update(**{mark: now})
                messages = [m for c in rows for m in _message(c, stage, memo)]
                message_enqueue_bulk(messages)
                stamped += len(rows)
            if len(ids) < batch:
                break
    return stamped
