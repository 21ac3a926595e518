"""Owner move-in (业主入住, manual ch.3 part 1, MOVEIN-*).

Move-in happens in batches per building, announced at least 7 days ahead (MOVEIN-03). On the day
each owner's move-in runs as one case of the engine's ``move_in`` process (MOVEIN-02 in order:
documents → fees → house inspection → keys → agreements), and the follow-up visit within 3 days
of completion is its clock (MOVEIN-10). Each problem found at the house inspection is a
``house_defect`` case with the 7-working-day rectification clock (MOVEIN-07). A building whose
takeover is not confirmed cannot start move-in (TAKEOVER-15, checked by the service).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX, TEXT_MAX

from .choices import BatchStatus

USER = settings.AUTH_USER_MODEL


class MoveInBatch(models.Model):
    """入住批次 — one building's owners invited for a time and place, with what to bring and
    the fees (MOVEIN-03)."""

    estate = models.ForeignKey("core.Estate", on_delete=models.PROTECT, related_name="+")
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, related_name="+", verbose_name=_("楼栋")
    )
    title = models.CharField(_("批次名称"), max_length=60)
    starts_at = models.DateTimeField(_("入住开始时间"))
    ends_at = models.DateTimeField(_("入住结束时间"))
    place = models.CharField(_("办理地点"), max_length=100)
    documents = models.TextField(_("需携带资料"), max_length=NOTE_MAX)
    fees = models.TextField(_("需缴费用"), max_length=NOTE_MAX)
    status = models.CharField(
        _("状态"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PLANNED
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("入住批次")
        verbose_name_plural = _("入住批次")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="batch_time_order"
            )
        ]

    def __str__(self) -> str:
        return self.title


class MoveInNotice(models.Model):
    """入住通知 — one owner told of the batch, by which channels and when (MOVEIN-03)."""

    batch = models.ForeignKey(MoveInBatch, on_delete=models.CASCADE, related_name="notices")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("core.Resident", on_delete=models.PROTECT, related_name="+")
    channels = models.CharField(_("通知方式"), max_length=40)
    sent_at = models.DateTimeField(_("通知时间"))
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("入住通知")
        verbose_name_plural = _("入住通知")
        constraints = [
            models.UniqueConstraint(fields=["batch", "room", "resident"], name="notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.batch} {self.room}"


class MoveIn(models.Model):
    """业主入住 — one owner's move-in of one room, run as a ``move_in`` case."""

    batch = models.ForeignKey(MoveInBatch, on_delete=models.PROTECT, related_name="move_ins")
    room = models.ForeignKey("core.Room", on_delete=models.PROTECT, related_name="move_ins")
    resident = models.ForeignKey("core.Resident", on_delete=models.PROTECT, related_name="move_ins")
    case = models.OneToOneField("workflow.Case", on_delete=models.PROTECT, related_name="move_in")
    # 《业主入住申请表》 (MOVEIN-04), filled in once the documents are confirmed correct.
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    contract_no = models.CharField(_("购房合同编号"), max_length=40, blank=True)
    household = models.TextField(_("同住人员"), max_length=500, blank=True)
    emergency_contact = models.CharField(_("紧急联系人及电话"), max_length=60, blank=True)
    # MOVEIN-05: the bills raised for the move-in (half a year of property fee, the deposit).
    bills = models.JSONField(_("入住费用账单"), default=list, blank=True)
    # MOVEIN-08: keys and access cards handed over, with their numbers.
    key_count = models.PositiveSmallIntegerField(_("钥匙数量"), default=0)
    access_cards = models.CharField(_("门禁卡号"), max_length=200, blank=True)
    # MOVEIN-09: both agreements, signed on a phone or as an uploaded scan.
    service_agreement = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("《前期物业服务协议》签署"),
    )  # fmt: skip
    covenant = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("《业主临时管理规约》签署"),
    )  # fmt: skip
    occupancy = models.OneToOneField(
        "core.Occupancy", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # MOVEIN-10/11: the follow-up visit and what the owner needs.
    revisit_method = models.CharField(_("回访方式"), max_length=10, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True)
    needs = models.TextField(_("业主需求"), max_length=TEXT_MAX, blank=True)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("业主入住")
        verbose_name_plural = _("业主入住")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "room", "resident"], name="move_in_once")
        ]

    def __str__(self) -> str:
        return f"{self.room} {self.resident}"


class HouseDefect(models.Model):
    """房屋验收问题 — one problem on the 《房屋验收记录表》 (MOVEIN-06), run as a ``house_defect``
    case with the 7-working-day rectification clock (MOVEIN-07)."""

    move_in = models.ForeignKey(MoveIn, on_delete=models.PROTECT, related_name="defects")
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="house_defect"
    )
    location = models.CharField(_("部位"), max_length=60)
    description = models.CharField(_("问题描述"), max_length=200)
    created_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("房屋验收问题")
        verbose_name_plural = _("房屋验收问题")
        ordering = ["move_in_id", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class FollowUpTask(models.Model):
    """A need learned at the follow-up visit (e.g. housekeeping), routed to a department
    (MOVEIN-11) as a case of the ``move_in_need`` process."""

    move_in = models.ForeignKey(MoveIn, on_delete=models.PROTECT, related_name="tasks")
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="move_in_need"
    )
    department = models.CharField(_("处理部门"), max_length=20)
    need = models.CharField(_("需求"), max_length=200)
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("入住回访需求")
        verbose_name_plural = _("入住回访需求")

    def __str__(self) -> str:
        return self.need[:40]
