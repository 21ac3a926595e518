"""Notices and collection: printed notice letters, billing settings, phone reveals, dunning
(reminders and lawyer's letters) and contacts with the debtor."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .common import MONEY


class LetterMethod(models.TextChoices):
    """How a written payment notice reached the owner (FEE-05)."""

    PRINTED = "printed", _("打印送达")
    HAND = "hand", _("上门送达")
    DOOR = "door", _("张贴/投递门口")
    POST = "post", _("邮寄")


class NoticeLetter(models.Model):
    """书面缴费通知 (FEE-05) — a room's written notice, printed or otherwise delivered: by whom,
    when and how, for which bills. A room whose owners have no app login stays on the letters
    page until one of these is recorded for its bills."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, related_name="notice_letters",
        verbose_name=_("房屋"),
    )  # fmt: skip
    bills = models.JSONField(_("账单"), default=list)
    method = models.CharField(_("送达方式"), max_length=10, choices=LetterMethod.choices)
    delivered_at = models.DateTimeField(_("送达时间"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("经办人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("书面缴费通知")
        verbose_name_plural = _("书面缴费通知")
        ordering = ["-delivered_at", "-id"]

    def __str__(self) -> str:
        return f"{self.room_id} {self.method} {self.delivered_at:%Y-%m-%d}"


class BillingSettings(models.Model):
    """An estate's fee settings: when overdue rooms enter the lawyer's-letter list (FEE-11: the
    letter must be sent by day 60, so the list opens earlier to leave time to decide) and the
    law firm whose details the 《律师函》 carries. Edited by finance."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="billing_settings"
    )
    lawyer_list_day = models.PositiveSmallIntegerField(
        _("逾期第几天列入律师函名单"), default=45,
        validators=[MinValueValidator(30), MaxValueValidator(59)],
        help_text=_("律师函须在逾期60天内发出，提前列入名单以便审批和寄送（30～59）"),
    )  # fmt: skip
    law_firm = models.CharField(_("律师事务所"), max_length=100, blank=True)
    law_firm_address = models.CharField(_("律所地址"), max_length=200, blank=True)
    lawyer = models.CharField(_("承办律师"), max_length=40, blank=True)
    lawyer_phone = models.CharField(_("律师电话"), max_length=30, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("修改人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("收费设置")
        verbose_name_plural = _("收费设置")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate) -> "BillingSettings":
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)

    @property
    def law_firm_complete(self) -> bool:
        return all((self.law_firm, self.law_firm_address, self.lawyer, self.lawyer_phone))


class PhoneReveal(models.Model):
    """Audit: who saw an owner's full phone number to call them from the collection page, when,
    and whose number it was (FEE-09)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("房屋"))  # fmt: skip
    resident = models.ForeignKey(
        "core.Resident", on_delete=models.PROTECT, related_name="+", verbose_name=_("业主")
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                           verbose_name=_("查看人"))  # fmt: skip
    at = models.DateTimeField(_("查看时间"))

    class Meta:
        verbose_name = _("查看业主电话记录")
        verbose_name_plural = _("查看业主电话记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.by_id} {self.resident_id} {self.at:%Y-%m-%d %H:%M}"


class LawyerLetterVia(models.TextChoices):
    """How a lawyer's letter went out (FEE-11)."""

    EMS = "ems", _("EMS/挂号信邮寄")
    HAND = "hand", _("专人送达")
    LAW_FIRM = "law_firm", _("律师事务所寄发")


class DunningKind(models.TextChoices):
    REMINDER = "reminder", _("催缴通知书")  # FEE-10, at 30 days overdue
    LAWYER_LETTER = "lawyer_letter", _("律师函")  # FEE-11, at 60 days, approved per case


class DunningStatus(models.TextChoices):
    SENT = "sent", _("已发送")
    PENDING_APPROVAL = "pending_approval", _("待审批")
    APPROVED = "approved", _("已批准发送")
    REJECTED = "rejected", _("不发送")


class Dunning(models.Model):
    """A dunning step for one room's overdue bills: the 30-day reminder notice (sent at once)
    or a lawyer's letter (listed at 60 days; sent only when a manager approves the case)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="dunnings")
    kind = models.CharField(_("类型"), max_length=20, choices=DunningKind.choices)
    status = models.CharField(_("状态"), max_length=20, choices=DunningStatus.choices)
    amount = models.DecimalField(_("欠费金额（元）"), **MONEY)
    oldest_due = models.DateField(_("最早逾期账单截止日"))
    bills = models.JSONField(_("账单"), default=list)
    created_at = models.DateTimeField(_("生成时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审批人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    # FEE-11: a lawyer's letter is decided and sent by the end of day 60 of the episode.
    due_at = models.DateTimeField(_("发送期限"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("发送登记人"),
    )  # fmt: skip
    sent_via = models.CharField(_("发送方式"), max_length=10, blank=True,
                                choices=LawyerLetterVia.choices)  # fmt: skip
    sent_note = models.CharField(_("发送备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("催缴")
        verbose_name_plural = _("催缴")
        ordering = ["-created_at"]
        constraints = [
            # One of each kind per overdue episode (the oldest overdue bill names it).
            models.UniqueConstraint(fields=["room", "kind", "oldest_due"], name="dunning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.kind} ¥{self.amount}"


class ContactMethod(models.TextChoices):
    """FEE-09: phone, SMS and home visits."""

    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    VISIT = "visit", _("上门")


class CollectionContact(models.Model):
    """催收记录 — one contact with a debtor and its result (FEE-09)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="contacts")
    method = models.CharField(_("方式"), max_length=10, choices=ContactMethod.choices)
    result = models.CharField(_("结果"), max_length=200)
    promised_on = models.DateField(_("承诺缴费日期"), null=True, blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("催收记录")
        verbose_name_plural = _("催收记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.room_id} {self.method} {self.at:%Y-%m-%d}"
