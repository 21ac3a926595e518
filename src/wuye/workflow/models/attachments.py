"""Attachments (附件): photos and signatures that an action on a case records.

The stored file is never what the client sent: the upload is decoded and written again by Pillow
(a JPEG for JPEG and HEIC photos, PNG and WebP as they came), with the EXIF orientation applied
and every metadata block (GPS included) left out. Its name is ``attachments/YYYY/MM/<uuid>.<ext>``;
the client's file name is kept, cleaned, only for display.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Attachment", "AttachmentKind", "attachment_upload_to"]

STORED_EXTENSIONS = {"jpg", "png", "webp"}


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    """``attachments/YYYY/MM/<uuid>.<ext>`` (``<uuid>_thumb.jpg`` for the thumbnail): only the
    extension of ``filename`` is used, and only if it is one we write."""
    stem, _dot, ext = filename.rpartition(".")
    ext = ext.lower() if ext.lower() in STORED_EXTENSIONS else "bin"
    suffix = "_thumb" if stem.endswith("_thumb") else ""
    return f"attachments/{timezone.localdate():%Y/%m}/{instance.pk}{suffix}.{ext}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    SIGNATURE = "signature", _("签名")


class Attachment(models.Model):
    """附件 — a photo or a signature, uploaded first and then bound to the event of the action
    that uses it (once: an attachment belongs to one event)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Null until known: a resident's photos are uploaded before their repair report exists.
    case = models.ForeignKey(
        "workflow.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("工单"),
    )
    event = models.ForeignKey(
        "workflow.Event",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("操作记录"),
    )
    # Field work (a planned task's photos and signature, a checkpoint's photo) is not a case: its
    # record binds the attachment by ``ref`` ("fieldwork.taskrecord:12") in its estate.
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("项目"),
    )  # fmt: skip
    ref = models.CharField(_("所属记录"), max_length=60, blank=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=10, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_upload_to, max_length=200)
    thumbnail = models.FileField(
        _("缩略图"), upload_to=attachment_upload_to, max_length=200, blank=True
    )
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    original_name = models.CharField(_("原文件名"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="uploaded_attachments",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["uploaded_at", "id"]
        constraints = [
            # An attachment used by an action belongs to that action's case.
            models.CheckConstraint(
                condition=Q(event__isnull=True) | Q(case__isnull=False),
                name="attachment_bound_has_case",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["photo", "signature"]), name="attachment_kind_valid"
            ),
            # Bound to a case's event or to a field-work record, never both.
            models.CheckConstraint(
                condition=Q(ref="") | (Q(event__isnull=True) & Q(estate__isnull=False)),
                name="attachment_record_bound_has_estate",
            ),
        ]
        indexes = [
            models.Index(
                fields=["uploaded_at"],
                name="attachment_unbound",
                condition=Q(event__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name or self.pk}"
