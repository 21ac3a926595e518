"""API of certificates and qualifications (证书/资质): the register, its filters (即将到期,
已过期…), registering, correcting or renewing, and revoking."""

import datetime as dt
import uuid
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Day, Id, IdParam, Term, Text, paginated
from wuye.core.models import Contractor, Staff
from wuye.core.scoping import actor_for

from ..choices import CertificateHolder, CertificateKind
from ..models import Certificate
from ..selectors import certificates as selectors
from ..services import certificates as services

router = Router(tags=["field work"])

State = Literal[selectors.STATES]  # type: ignore[valid-type]


class CertificateOut(Schema):
    id: int
    holder: str = Field(..., description="staff | contractor")
    holder_name: str
    staff_id: int | None
    contractor_id: int | None
    kind: str
    kind_label: str
    number: str
    issuer: str
    issued_on: dt.date | None
    expires_on: dt.date
    state: str = Field(..., description="valid | expiring (within 30 days) | expired | revoked")
    scan_id: uuid.UUID | None
    revoked: bool
    revoked_at: dt.datetime | None


class CertificateIn(Schema):
    kind: CertificateKind
    number: Text = Field(..., max_length=50)
    issuer: Text = Field(..., max_length=100)
    issued_on: Day | None = None
    expires_on: Day
    staff: Id | None = Field(None, description="The staff member (Staff id) holding it…")
    contractor: Id | None = Field(None, description="…or the contractor.")
    scan: uuid.UUID | None = Field(None, description="An uploaded photo's id (attachments).")


class CertificatePatch(Schema):
    model_config = ConfigDict(extra="forbid")  # a field that cannot change is an error

    kind: CertificateKind | None = None
    number: Text | None = Field(None, max_length=50)
    issuer: Text | None = Field(None, max_length=100)
    issued_on: Day | None = None
    expires_on: Day | None = None
    scan: uuid.UUID | None = None


def certificate_state(certificate: Certificate, today: dt.date) -> str:
    if certificate.revoked:
        return "revoked"
    if certificate.expires_on < today:
        return "expired"
    if certificate.expires_on <= today + dt.timedelta(days=selectors.WARN_DAYS):
        return "expiring"
    return "valid"


def certificate_out(certificate: Certificate, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "id": certificate.pk,
        "holder": certificate.holder,
        "holder_name": certificate.holder_name,
        "staff_id": certificate.staff_id,
        "contractor_id": certificate.contractor_id,
        "kind": certificate.kind,
        "kind_label": certificate.get_kind_display(),
        "number": certificate.number,
        "issuer": certificate.issuer,
        "issued_on": certificate.issued_on,
        "expires_on": certificate.expires_on,
        "state": certificate_state(certificate, today),
        "scan_id": certificate.scan_id,
        "revoked": certificate.revoked,
        "revoked_at": certificate.revoked_at,
    }


class _Paged:
    def __init__(self, qs):
        self.qs = qs

    def __len__(self) -> int:
        return self.qs.count()

    def __getitem__(self, key):
        today = timezone.localdate()
        return [certificate_out(c, today) for c in self.qs[key]]


@router.get("/certificates", response={200: list[CertificateOut], **READ_ERRORS})
@paginated
def certificate_list(
    request: HttpRequest,
    state: State | None = None,
    kind: CertificateKind | None = None,
    holder: CertificateHolder | None = None,
    staff: IdParam | None = None,
    contractor: IdParam | None = None,
    q: Term = "",
):
    """The register the caller sees, soonest expiry first: ``state=expiring`` (within 30 days),
    ``expired``, ``valid``, ``revoked``; per person (``staff``) or contractor."""
    qs = selectors.certificate_list(
        actor_for(request.auth), today=timezone.localdate(), state=state or "", kind=kind or "",
        holder=holder or "", staff=staff, contractor=contractor, q=q,
    )  # fmt: skip
    return _Paged(qs)


def _holder(request: HttpRequest, payload: CertificateIn) -> dict:
    """The holder the payload names, of the caller's company (else a field error)."""
    actor = actor_for(request.auth)
    services.certificate_check_writer(actor)
    scope = {} if actor.is_superuser else {"company_id": actor.company_id}
    found: dict = {"staff": None, "contractor": None}
    if payload.staff is not None:
        found["staff"] = Staff.objects.filter(pk=payload.staff, **scope).first()
        if found["staff"] is None:
            raise ValidationError({"staff": [_("员工不存在")]})
    if payload.contractor is not None:
        found["contractor"] = Contractor.objects.filter(pk=payload.contractor, **scope).first()
        if found["contractor"] is None:
            raise ValidationError({"contractor": [_("维保单位不存在")]})
    return found


@router.post("/certificates", response={201: CertificateOut, **WRITE_ERRORS})
def certificate_create(request: HttpRequest, payload: CertificateIn):
    """Register a certificate of a staff member or a qualification of a contractor (a
    department head of an estate the holder works in, or an executive)."""
    certificate = services.certificate_create(
        kind=payload.kind, number=payload.number, issuer=payload.issuer,
        issued_on=payload.issued_on, expires_on=payload.expires_on, scan=payload.scan,
        by=request.auth, **_holder(request, payload),
    )  # fmt: skip
    return Status(201, certificate_out(certificate))


@router.get("/certificates/{int:certificate_id}", response={200: CertificateOut, **READ_ERRORS})
def certificate_get(request: HttpRequest, certificate_id: int):
    return certificate_out(services.certificate_get_for_user(request.auth, certificate_id))


@router.patch("/certificates/{int:certificate_id}", response={200: CertificateOut, **WRITE_ERRORS})
def certificate_update(request: HttpRequest, certificate_id: int, payload: CertificatePatch):
    """Correct or renew (a new expiry date is warned about again)."""
    certificate = services.certificate_get_for_user(request.auth, certificate_id)
    changes = payload.dict(exclude_unset=True)
    scan = changes.pop("scan", None)
    for field in ("kind", "number", "issuer", "expires_on"):
        if field in changes and changes[field] is None:
            raise ValidationError({field: [_("不能为空")]})
    certificate = services.certificate_update(
        certificate=certificate, by=request.auth, scan=scan, **changes
    )
    return certificate_out(certificate)


@router.post(
    "/certificates/{int:certificate_id}/revoke", response={200: CertificateOut, **WRITE_ERRORS}
)
def certificate_revoke(request: HttpRequest, certificate_id: int):
    """Revoke (吊销): it covers no work from now on; kept in the register."""
    certificate = services.certificate_get_for_user(request.auth, certificate_id)
    return certificate_out(services.certificate_revoke(certificate=certificate, by=request.auth))
