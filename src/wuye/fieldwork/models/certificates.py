"""Certificates of people (持证上岗) and qualifications of contractors (维保资质)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CertificateHolder, CertificateKind

__all__ = ["Certificate"]


class Certificate(models.Model):
    """证书/资质 — a certificate a staff member holds (电梯操作员证, 电工证…, EQUIP-OPS-11) or a
    qualification of a contractor (电梯维保资质…, EQUIP-MAINT-12), valid up to ``expires_on``
    (inclusive) unless revoked. Work that needs one is refused to a holder without a valid one
    (``services.certificates.require_certificate``)."""

    company = models.ForeignKey(
        "core.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    holder = models.CharField(_("持证方"), max_length=12, choices=CertificateHolder.choices)
    staff = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, null=True, blank=True,
        related_name="certificates", verbose_name=_("员工"),
    )  # fmt: skip
    contractor = models.ForeignKey(
        "core.Contractor", on_delete=models.PROTECT, null=True, blank=True,
        related_name="certificates", verbose_name=_("维保单位"),
    )  # fmt: skip
    kind = models.CharField(_("证书类别"), max_length=30, choices=CertificateKind.choices)
    number = models.CharField(_("证书编号"), max_length=50)
    issuer = models.CharField(_("发证机关"), max_length=100)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"))
    scan = models.ForeignKey(
        "workflow.Attachment", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("证书扫描件"),
    )  # fmt: skip
    revoked = models.BooleanField(_("已吊销"), default=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    # The expiry sweep's marks: each notice goes out once.
    warned_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    expired_notified_at = models.DateTimeField(_("过期通知时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("登记人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("证书/资质")
        verbose_name_plural = _("证书/资质")
        ordering = ["expires_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    holder=CertificateHolder.STAFF, staff__isnull=False, contractor__isnull=True
                )
                | Q(
                    holder=CertificateHolder.CONTRACTOR,
                    staff__isnull=True,
                    contractor__isnull=False,
                ),
                name="certificate_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CertificateKind.values), name="certificate_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True) | Q(issued_on__lte=models.F("expires_on")),
                name="certificate_issued_before_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["staff", "kind", "expires_on"]),
            models.Index(fields=["contractor", "kind", "expires_on"]),
            models.Index(fields=["company", "expires_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def holder_name(self) -> str:
        return str(self.staff.name if self.staff_id else self.contractor)

    def valid_on(self, day) -> bool:
        return (
            not self.revoked
            and self.expires_on >= day
            and (self.issued_on is None or self.issued_on <= day)
        )
