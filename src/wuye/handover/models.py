"""From construction site to takeover (manual ch.2): pre-intervention (前期介入, INTAKE-*) and
takeover acceptance (接管验收, TAKEOVER-*).

A project in planning or under construction is already an ``core.Estate`` (its buildings can be
entered before anyone lives there); its pre-intervention runs as one case of the engine's
``intervention`` process (the INTAKE-03 steps in order), each takeover acceptance as one case of
``takeover`` (the TAKEOVER-03 steps), and each defect found as a case of ``takeover_defect`` with
the 15-working-day rectification clock (TAKEOVER-07). Photos and signed scans are the engine's
attachments, bound to the events of those cases.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.validators import NOTE_MAX, TEXT_MAX

USER = settings.AUTH_USER_MODEL


class TeamRole(models.TextChoices):
    """INTAKE-02 / TAKEOVER-02: customer service, engineering and order maintenance (秩序)."""

    CUSTOMER_SERVICE = "customer_service", _("客户服务")
    ENGINEERING = "engineering", _("工程")
    SECURITY = "security", _("秩序")


class Team(models.TextChoices):
    INTERVENTION = "intervention", _("前期介入小组")
    TAKEOVER = "takeover", _("接管验收小组")


class HandoverProject(models.Model):
    """接管项目 — an estate being built, from planning to delivery, with its developer."""

    estate = models.OneToOneField(
        "core.Estate", on_delete=models.PROTECT, related_name="handover", verbose_name=_("项目")
    )
    developer = models.CharField(_("开发企业"), max_length=100)
    design_unit = models.CharField(_("设计单位"), max_length=100, blank=True)
    contractor = models.CharField(_("施工单位"), max_length=100, blank=True)
    total_floor_area = models.DecimalField(
        _("总建筑面积（㎡）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # INTAKE-09: the premises are sized at "a set proportion" of the total floor area; the manual
    # gives no figure, so each project records the one its contract / local regulation sets.
    premises_area = models.DecimalField(
        _("物业管理用房面积（㎡）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    premises_ratio = models.DecimalField(
        _("物业用房配置比例（%）"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    # INTAKE-06: "定期" without an interval — each project sets its own.
    inspection_interval_days = models.PositiveSmallIntegerField(_("工地巡查周期（天）"), default=7)
    intervention_case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("前期介入工单"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("接管项目")
        verbose_name_plural = _("接管项目")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.estate)


class InterventionAgreement(models.Model):
    """《前期介入协议》 (INTAKE-04): the scope of intervention and each side's duties."""

    project = models.OneToOneField(
        HandoverProject, on_delete=models.CASCADE, related_name="agreement"
    )
    signed_on = models.DateField(_("签订日期"))
    scope = models.TextField(_("介入范围"), max_length=TEXT_MAX)
    duties = models.TextField(_("双方职责"), max_length=TEXT_MAX)
    attachment = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("协议扫描件"),
    )  # fmt: skip
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("前期介入协议")
        verbose_name_plural = _("前期介入协议")

    def __str__(self) -> str:
        return f"{self.project} {self.signed_on}"


class TeamMember(models.Model):
    """A member of the pre-intervention or takeover team (INTAKE-02, TAKEOVER-02)."""

    project = models.ForeignKey(HandoverProject, on_delete=models.CASCADE, related_name="team")
    team = models.CharField(_("小组"), max_length=20, choices=Team.choices)
    staff = models.ForeignKey("core.Staff", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("分工"), max_length=20, choices=TeamRole.choices)

    class Meta:
        verbose_name = _("小组成员")
        verbose_name_plural = _("小组成员")
        constraints = [
            models.UniqueConstraint(fields=["project", "team", "staff"], name="team_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff} {self.team}"


class SuggestionTopic(models.TextChoices):
    """INTAKE-05/09/10/11: property premises, supporting facilities, concealed works…"""

    PREMISES = "premises", _("物业用房")
    ELEVATOR = "elevator", _("电梯配置")
    PARKING = "parking", _("停车场")
    CONCEALED = "concealed", _("隐蔽工程")
    FACILITIES = "facilities", _("其他配套设施")
    OTHER = "other", _("其他")


class SuggestionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已书面提交")
    ADOPTED = "adopted", _("已采纳")
    REJECTED = "rejected", _("未采纳")


class DesignSuggestion(models.Model):
    """规划设计建议 — submitted to the developer in writing (INTAKE-13: never a verbal promise)
    and tracked until the developer answers and it is adopted or not."""

    project = models.ForeignKey(
        HandoverProject, on_delete=models.CASCADE, related_name="suggestions"
    )
    number = models.CharField(_("函件编号"), max_length=32)
    topic = models.CharField(_("类别"), max_length=20, choices=SuggestionTopic.choices)
    title = models.CharField(_("标题"), max_length=100)
    content = models.TextField(_("建议内容"), max_length=TEXT_MAX)
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"), max_length=12, choices=SuggestionStatus.choices,
        default=SuggestionStatus.SUBMITTED,
    )  # fmt: skip
    developer_answer = models.TextField(_("开发企业答复"), max_length=TEXT_MAX, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("规划设计建议")
        verbose_name_plural = _("规划设计建议")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="suggestion_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class SiteInspection(models.Model):
    """施工现场巡查 (INTAKE-06): what was seen, concealed works recorded with photos (INTAKE-11,
    the photos are attachments of the intervention case's event ``event``), and the
    rectification opinion raised, if any."""

    project = models.ForeignKey(
        HandoverProject, on_delete=models.CASCADE, related_name="inspections"
    )
    inspected_on = models.DateField(_("巡查日期"))
    location = models.CharField(_("巡查部位"), max_length=100)
    findings = models.TextField(_("巡查情况"), max_length=TEXT_MAX)
    concealed_works = models.BooleanField(_("涉及隐蔽工程"), default=False)
    rectification = models.TextField(_("整改意见"), max_length=TEXT_MAX, blank=True)
    event = models.ForeignKey(
        "workflow.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspector = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("工地巡查")
        verbose_name_plural = _("工地巡查")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.inspected_on} {self.location}"


class WeeklyMeeting(models.Model):
    """与开发企业的每周例会 (INTAKE-12): minutes, decisions and open points."""

    project = models.ForeignKey(HandoverProject, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("会议日期"))
    attendees = models.TextField(_("参会人员"), max_length=TEXT_MAX)
    minutes = models.TextField(_("会议纪要"), max_length=TEXT_MAX)
    decisions = models.TextField(_("会议决定"), max_length=TEXT_MAX, blank=True)
    open_points = models.TextField(_("待办事项"), max_length=TEXT_MAX, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("每周例会")
        verbose_name_plural = _("每周例会")
        ordering = ["-held_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "held_on"], name="meeting_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.held_on}"


# --- Takeover acceptance ------------------------------------------------------------------------


class TakeoverPlan(models.Model):
    """《接管验收方案》 (TAKEOVER-04) of an estate or one building, run as a ``takeover`` case:
    preparation → on-site inspection → rectification → confirmation → document handover."""

    project = models.ForeignKey(HandoverProject, on_delete=models.PROTECT, related_name="plans")
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋（空为全项目）"),
    )  # fmt: skip
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="takeover_plan"
    )
    scope_structure = models.BooleanField(_("房屋本体"), default=True)
    scope_equipment = models.BooleanField(_("设施设备"), default=True)
    scope_public = models.BooleanField(_("公共区域"), default=True)
    standards = models.TextField(_("验收标准"), max_length=TEXT_MAX)
    tools = models.TextField(_("验收工具"), max_length=TEXT_MAX)
    planned_on = models.DateField(_("计划验收日期"))
    # TAKEOVER-14: the owners' representatives invited (names and how reached).
    owner_representatives = models.TextField(_("受邀业主代表"), max_length=TEXT_MAX)
    # 《接管验收确认书》 (TAKEOVER-08): signed by both sides once every defect is closed.
    confirmed_at = models.DateTimeField(_("确认验收时间"), null=True, blank=True)
    property_signatory = models.CharField(_("物业方签署人"), max_length=50, blank=True)
    developer_signatory = models.CharField(_("开发企业签署人"), max_length=50, blank=True)
    confirmation_scan = models.ForeignKey(
        "workflow.Attachment", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("确认书扫描件"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("接管验收方案")
        verbose_name_plural = _("接管验收方案")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.project} {self.building or ''}"


class CheckSystem(models.TextChoices):
    """TAKEOVER-05: walls, floors, water and power lines, elevators, fire systems…"""

    STRUCTURE = "structure", _("房屋结构")
    WALL = "wall", _("墙面")
    FLOOR = "floor", _("地面")
    WATER = "water", _("给排水")
    POWER = "power", _("电气线路")
    ELEVATOR = "elevator", _("电梯")
    FIRE = "fire", _("消防设施")
    PUBLIC = "public", _("公共区域")


class CheckResult(models.TextChoices):
    PENDING = "pending", _("未检查")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


class CheckItem(models.Model):
    """One line of the on-site checklist, done item by item on a phone. A failed item becomes a
    defect. An elevator passes only after three empty runs without anomaly (TAKEOVER-12)."""

    plan = models.ForeignKey(TakeoverPlan, on_delete=models.CASCADE, related_name="items")
    building = models.ForeignKey(
        "core.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("楼栋"),
    )  # fmt: skip
    system = models.CharField(_("检查系统"), max_length=20, choices=CheckSystem.choices)
    name = models.CharField(_("检查项目"), max_length=100)
    standard = models.CharField(_("合格标准"), max_length=200)
    sort = models.PositiveIntegerField(_("排序"), default=0)
    result = models.CharField(
        _("结果"), max_length=10, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    elevator_runs_ok = models.PositiveSmallIntegerField(_("空载运行无异常次数"), default=0)
    note = models.CharField(_("检查记录"), max_length=200, blank=True)
    event = models.ForeignKey(
        "workflow.Event", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # the plan case's event holding this item's photos
    checked_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("验收检查项")
        verbose_name_plural = _("验收检查项")
        ordering = ["plan_id", "building_id", "sort", "id"]

    def __str__(self) -> str:
        return self.name


class RectificationNotice(models.Model):
    """《整改通知书》 (TAKEOVER-06) to the developer, listing defects; each must be fixed within
    15 working days of the notice (TAKEOVER-07), on the engine's official calendar."""

    plan = models.ForeignKey(TakeoverPlan, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(_("通知书编号"), max_length=32, unique=True)
    issued_at = models.DateTimeField(_("发出时间"))
    due_at = models.DateTimeField(_("整改期限"))
    addressed_to = models.CharField(_("送达单位"), max_length=100)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("整改通知书")
        verbose_name_plural = _("整改通知书")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class TakeoverDefect(models.Model):
    """验收问题 — a failed check, run as a ``takeover_defect`` case: found → notified (the
    15-working-day clock) → fixed by the developer → re-inspected: closed, or sent back."""

    plan = models.ForeignKey(TakeoverPlan, on_delete=models.PROTECT, related_name="defects")
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="defects")
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="takeover_defect"
    )
    description = models.TextField(_("问题描述"), max_length=NOTE_MAX)
    location = models.CharField(_("部位"), max_length=100)
    notice = models.ForeignKey(
        RectificationNotice, on_delete=models.PROTECT, null=True, blank=True,
        related_name="defects", verbose_name=_("整改通知书"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("发现时间"))

    class Meta:
        verbose_name = _("验收问题")
        verbose_name_plural = _("验收问题")
        ordering = ["plan_id", "id"]

    def __str__(self) -> str:
        return self.description[:40]


class DocumentCategory(models.TextChoices):
    """TAKEOVER-09/10: property rights, equipment manuals, drawings, warranty cards."""

    PROPERTY_RIGHTS = "property_rights", _("产权资料")
    MANUAL = "manual", _("设备说明书")
    DRAWING = "drawing", _("竣工图纸")
    WARRANTY = "warranty", _("设施设备保修卡")
    OTHER = "other", _("其他资料")


class HandoverDocument(models.Model):
    """One line of the 《资料移交清单》 (TAKEOVER-09). A warranty card names the equipment, the
    warranty period and the responsible unit (TAKEOVER-10) and fills in the equipment's
    warranty (facilities)."""

    plan = models.ForeignKey(TakeoverPlan, on_delete=models.PROTECT, related_name="documents")
    category = models.CharField(_("资料类别"), max_length=20, choices=DocumentCategory.choices)
    name = models.CharField(_("资料名称"), max_length=100)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    equipment = models.ForeignKey(
        "facilities.Equipment", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("设备"),
    )  # fmt: skip
    warranty_from = models.DateField(_("保修起始日"), null=True, blank=True)
    warranty_until = models.DateField(_("保修截止日"), null=True, blank=True)
    warranty_unit = models.CharField(_("保修责任单位"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("接收时间"))
    received_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("移交资料")
        verbose_name_plural = _("移交资料")
        ordering = ["plan_id", "category", "id"]
        constraints = [
            # TAKEOVER-10: a warranty card states the period and the responsible unit.
            models.CheckConstraint(
                condition=~Q(category="warranty")
                | (Q(warranty_until__isnull=False) & ~Q(warranty_unit="")
                   & Q(equipment__isnull=False)),
                name="warranty_card_complete",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name
