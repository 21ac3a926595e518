"""What each planned task of a schedule requires (作业要求): its subject (a piece of equipment, an
area, a route of checkpoints), a checklist, photos, a signature, and who does it (staff of a
role, or a contractor), with the certificate that work needs."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import CertificateKind

__all__ = ["TaskSpec"]


class TaskSpec(models.Model):
    """作业要求 — one per schedule (``workflow.Schedule``) of field work."""

    schedule = models.OneToOneField(
        "workflow.Schedule", on_delete=models.PROTECT, related_name="spec", verbose_name=_("计划")
    )
    # The thing the work is done on: facilities.Equipment, core.PublicArea… (None: the estate).
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    checklist = models.ForeignKey(
        "fieldwork.Checklist", on_delete=models.PROTECT, null=True, blank=True,
        related_name="specs", verbose_name=_("检查表"),
    )  # fmt: skip
    # A round: the route whose checkpoints are scanned.
    route = models.ForeignKey(
        "fieldwork.Route", on_delete=models.PROTECT, null=True, blank=True,
        related_name="specs", verbose_name=_("巡查路线"),
    )  # fmt: skip
    # Work done by a contractor's staff (维保单位实施保养, EQUIP-MAINT-06).
    contractor = models.ForeignKey(
        "core.Contractor", on_delete=models.PROTECT, null=True, blank=True,
        related_name="task_specs", verbose_name=_("维保单位"),
    )  # fmt: skip
    # The certificate whoever does it must hold, valid on the day (EQUIP-OPS-11, EQUIP-MAINT-12).
    certificate = models.CharField(
        _("所需证书/资质"), max_length=30, choices=CertificateKind.choices, blank=True
    )
    photos = models.PositiveSmallIntegerField(_("至少照片数"), default=0)
    signature = models.BooleanField(_("需签名"), default=False)

    class Meta:
        verbose_name = _("作业要求")
        verbose_name_plural = _("作业要求")
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="task_spec_subject_whole",
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return str(self.schedule)
