"""Complaints (投诉单), their estates' settings and the weekly analyses."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind
from wuye.core.validators import NOTE_MAX, TEXT_MAX

from .choices import Channel, ComplaintType, ReplyChannel, Urgency

CONTENT_MAX = TEXT_MAX  # characters of a complaint's content (a long letter fits; a file does not)
RESOLUTION_MAX = NOTE_MAX  # the department's result
REPLY_MAX = 1000  # the reply to the owner, the improvement measure, the owner's comment


class Complaint(models.Model):
    """投诉单 — an owner's complaint; runs as a case of the complaint process (number, status,
    clocks and timeline live on the case)."""

    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="complaint")
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="complaints",
        verbose_name=_("项目"),
    )  # fmt: skip
    room = models.ForeignKey(
        "core.Room", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints",
        verbose_name=_("房屋"),
    )  # fmt: skip
    complainant = models.ForeignKey(
        "core.Resident", on_delete=models.PROTECT, null=True, blank=True,
        related_name="complaints", verbose_name=_("投诉人（住户）"),
    )  # fmt: skip
    # COMPLAINT-05: the content, the contact person and the contact details.
    content = models.TextField(_("投诉内容"), max_length=CONTENT_MAX)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    channel = models.CharField(_("投诉渠道"), max_length=10, choices=Channel.choices)
    # COMPLAINT-06/07: type and urgency.
    type = models.CharField(_("投诉类型"), max_length=30, choices=ComplaintType.choices)
    type_other = models.CharField(_("其他类型说明"), max_length=50, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices)
    department = models.CharField(
        _("责任部门"), max_length=20, choices=DepartmentKind.choices, blank=True
    )
    is_major = models.BooleanField(_("重大投诉"), default=False)
    major_reason = models.CharField(_("列为重大投诉原因"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("受理时间"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    # The resolution (处理结果) and the improvement measure (改进措施, COMPLAINT-13).
    resolution = models.TextField(_("处理结果"), max_length=RESOLUTION_MAX, blank=True)
    measure = models.TextField(_("改进措施"), max_length=REPLY_MAX, blank=True)
    resolved_at = models.DateTimeField(_("处理完成时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审批人"),
    )  # fmt: skip
    # COMPLAINT-12: the reply, as sent.
    reply_channel = models.CharField(
        _("回复方式"), max_length=10, choices=ReplyChannel.choices, blank=True
    )
    reply_text = models.TextField(_("回复内容"), max_length=REPLY_MAX, blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("回复人"),
    )  # fmt: skip
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    satisfaction_comment = models.TextField(_("评价意见"), max_length=REPLY_MAX, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    reopened_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reopenings",
        verbose_name=_("原投诉"),
    )  # fmt: skip
    # "The elevator keeps failing" traceable to its repair orders.
    repair_orders = models.ManyToManyField(
        "repairs.RepairOrder", blank=True, related_name="complaints", verbose_name=_("关联报修单")
    )

    class Meta:
        verbose_name = _("投诉单")
        verbose_name_plural = _("投诉单")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["estate", "received_at"]),
            models.Index(fields=["estate", "type", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.content[:20]}"

    @property
    def type_label(self) -> str:
        if self.type == ComplaintType.OTHER and self.type_other:
            return gettext("%(type)s（%(other)s）") % {
                "type": ComplaintType(self.type).label,
                "other": self.type_other,
            }
        return str(ComplaintType(self.type).label)


class ComplaintSettings(models.Model):
    """An estate's choices for its complaints."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.CASCADE, related_name="complaint_settings"
    )
    reopen_days = models.PositiveSmallIntegerField(
        _("不满意可重新处理（天）"), default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("回复后该自然日数内，业主不满意可要求重新处理"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("投诉设置")
        verbose_name_plural = _("投诉设置")

    def __str__(self) -> str:
        return str(self.estate)

    @classmethod
    def for_estate(cls, estate) -> "ComplaintSettings":
        return cls.objects.filter(estate=estate).first() or cls(estate=estate)


class WeeklyAnalysis(models.Model):
    """COMPLAINT-14/18: a week's complaint figures, kept as generated, with the improvement
    measures management decided from them."""

    estate = models.ForeignKey(
        "core.Estate", on_delete=models.CASCADE, related_name="complaint_analyses",
        verbose_name=_("项目"),
    )  # fmt: skip
    week_start = models.DateField(_("周一"))
    figures = models.JSONField(_("统计数据"), default=dict)
    measures = models.TextField(_("改进措施"), max_length=NOTE_MAX, blank=True)
    measures_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("填写人"),
    )  # fmt: skip
    generated_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("投诉周分析")
        verbose_name_plural = _("投诉周分析")
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "week_start"], name="weekly_analysis_week")
        ]

    def __str__(self) -> str:
        return f"{self.estate} {self.week_start}"
