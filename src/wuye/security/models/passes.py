"""《临时出入证》 (GUARD-10): a QR pass with a validity (from, until, number of entries), issued by
the desk or pre-registered by a resident for a guest, and every scan of it at a gate."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..choices import PassKind, PassSource, ScanResult

__all__ = ["PassScan", "TemporaryPass"]

# The code on the pass, typed at the gate when the phone cannot read the QR: no 0/O, 1/I/L.
PASS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PASS_CODE_LENGTH = 8
MAX_ENTRIES = 100


def pass_code() -> str:
    return "".join(secrets.choice(PASS_CODE_ALPHABET) for _ in range(PASS_CODE_LENGTH))


class TemporaryPass(models.Model):
    """临时出入证 — who may come in, to which room, from when until when and how many times.
    A decoration worker's pass belongs to the room's 装修登记 and never outlives it."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    code = models.CharField(_("出入证编码"), max_length=PASS_CODE_LENGTH, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=PassKind.choices)
    source = models.CharField(_("办理方式"), max_length=10, choices=PassSource.choices)
    visitor_name = models.CharField(_("来访人"), max_length=30)
    visitor_mobile = models.CharField(_("来访人手机号"), max_length=11, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    room = models.ForeignKey(
        "core.Room",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("拜访房屋"),
    )
    decoration_permit = models.ForeignKey(
        "security.DecorationPermit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="passes",
        verbose_name=_("装修登记"),
    )
    valid_from = models.DateTimeField(_("生效时间"))
    # Inclusive to the minute: a pass "until 16:00" lets its holder in until 16:00:59.
    valid_until = models.DateTimeField(_("失效时间"))
    max_entries = models.PositiveSmallIntegerField(_("可进入次数"))
    entries_used = models.PositiveSmallIntegerField(_("已进入次数"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("办理人"),
    )
    issued_at = models.DateTimeField(_("办理时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
    )

    class Meta:
        verbose_name = _("临时出入证")
        verbose_name_plural = _("临时出入证")
        ordering = ["-valid_from", "-id"]
        indexes = [models.Index(fields=["estate", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gt=F("valid_from")), name="security_pass_period"
            ),
            models.CheckConstraint(
                condition=Q(max_entries__gte=1) & Q(entries_used__lte=F("max_entries")),
                name="security_pass_entries",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.visitor_name}"

    @property
    def entries_left(self) -> int:
        return self.max_entries - self.entries_used


class PassScan(models.Model):
    """One scan of a pass at a gate, accepted or refused with the reason, by which guard."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    temporary_pass = models.ForeignKey(
        TemporaryPass,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scans",
        verbose_name=_("临时出入证"),
    )
    code = models.CharField(_("扫描的编码"), max_length=40)
    gate = models.CharField(_("门岗"), max_length=30, blank=True)
    guard = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("秩序员"),
    )
    scanned_at = models.DateTimeField(_("扫码时间"))
    result = models.CharField(_("结果"), max_length=20, choices=ScanResult.choices)

    class Meta:
        verbose_name = _("出入证扫码记录")
        verbose_name_plural = _("出入证扫码记录")
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(fields=["estate", "scanned_at"])]

    def __str__(self) -> str:
        return f"{self.code} {self.result}"

    @property
    def accepted(self) -> bool:
        return self.result == ScanResult.ACCEPTED
