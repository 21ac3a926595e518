"""Incidents (突发事件): one running emergency or drill, its level with every change and its
reason, the people paged and their acknowledgements, the steps of its plan and the tasks under
them, the outside parties told, the information released, the follow-up visits and the report.

The incident is a case of the engine (process ``emergency_incident``, ``YJ-…``): every step is
an immutable event on its timeline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind

from ..choices import GroupKind, IncidentKind, IncidentSource, Level, Party, TaskKind, TaskStatus

__all__ = [
    "ExternalContact",
    "Followup",
    "Incident",
    "IncidentReport",
    "IncidentStep",
    "IncidentTask",
    "LevelChange",
    "Page",
    "Release",
]

PLACE_MAX = 100
NOTE_MAX = 1000


class Incident(models.Model):
    case = models.OneToOneField(
        "workflow.Case", on_delete=models.PROTECT, related_name="incident", verbose_name=_("工单")
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, related_name="+", verbose_name=_("项目")
    )
    kind = models.CharField(_("事件类型"), max_length=20, choices=IncidentKind.choices)
    source = models.CharField(_("来源"), max_length=20, choices=IncidentSource.choices)
    # EMERG-04..07 drills: an exercise runs the same plan and gives the same report.
    exercise = models.BooleanField(_("演练"), default=False)
    place = models.CharField(_("地点"), max_length=PLACE_MAX)
    description = models.TextField(_("情况描述"), max_length=NOTE_MAX, blank=True)
    # The scope (EMERG-04..07): the buildings, households and people affected.
    whole_estate = models.BooleanField(_("涉及整个小区"), default=False)
    buildings = models.ManyToManyField(
        "core.Building", blank=True, related_name="+", verbose_name=_("涉及楼栋")
    )
    households = models.PositiveIntegerField(_("涉及户数"), default=0)
    people = models.PositiveIntegerField(_("涉及人数"), default=0)
    level = models.PositiveSmallIntegerField(_("响应级别"), choices=Level.choices)
    suggested_level = models.PositiveSmallIntegerField(_("建议级别"), choices=Level.choices)
    reported_at = models.DateTimeField(_("接报时间"))
    plan = models.ForeignKey(
        "emergency.ResponsePlan", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("预案"),
    )  # fmt: skip
    plan_version = models.PositiveIntegerField(_("预案版本"), default=0)
    # Elevator entrapment (EMERG-LIFT): the equipment fault that carries the lift's record.
    fault = models.OneToOneField(
        "facilities.Fault", on_delete=models.PROTECT, null=True, blank=True,
        related_name="incident", verbose_name=_("设备故障"),
    )  # fmt: skip
    guard_arrived_at = models.DateTimeField(_("秩序员到场时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("处置结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")
        ordering = ["-reported_at"]
        indexes = [models.Index(fields=["estate", "-reported_at"], name="incident_estate_idx")]

    def __str__(self) -> str:
        return self.case.number


class LevelChange(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="level_changes", verbose_name=_("事件")
    )
    from_level = models.PositiveSmallIntegerField(
        _("原级别"), choices=Level.choices, null=True, blank=True
    )
    to_level = models.PositiveSmallIntegerField(_("新级别"), choices=Level.choices)
    reason = models.CharField(_("原因"), max_length=200)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("调整人"),
    )  # fmt: skip
    at = models.DateTimeField(_("调整时间"))

    class Meta:
        verbose_name = _("级别调整")
        verbose_name_plural = _("级别调整")
        ordering = ["incident", "at", "pk"]

    def __str__(self) -> str:
        return str(self.get_to_level_display())


class Page(models.Model):
    """One person paged for an incident (SMS + inbox at once), and whether and when they
    acknowledged, where their level requires it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="pages", verbose_name=_("事件")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("通知对象"),
    )  # fmt: skip
    group = models.CharField(_("小组"), max_length=20, choices=GroupKind.choices, blank=True)
    level = models.PositiveSmallIntegerField(_("通知时级别"), choices=Level.choices)
    must_acknowledge = models.BooleanField(_("须确认"), default=False)
    paged_at = models.DateTimeField(_("通知时间"))
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("应急通知")
        verbose_name_plural = _("应急通知")
        ordering = ["incident", "paged_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="incident_page_unique")
        ]

    def __str__(self) -> str:
        return str(self.user)


class IncidentStep(models.Model):
    """A step of the incident's plan (copied when it opened), done in order by someone."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="steps", verbose_name=_("事件")
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("步骤代码"), max_length=30)
    title = models.CharField(_("步骤"), max_length=60)
    department = models.CharField(
        _("责任部门"), max_length=20, choices=DepartmentKind.choices, blank=True
    )
    guidance = models.TextField(_("操作要点"), max_length=1000, blank=True)
    checklist = models.JSONField(_("确认事项"), default=list, blank=True)
    checks = models.JSONField(_("确认结果"), default=list, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("完成人"),
    )  # fmt: skip
    note = models.TextField(_("情况记录"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("处置步骤")
        verbose_name_plural = _("处置步骤")
        ordering = ["incident", "order"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "order"], name="incident_step_unique"),
            models.UniqueConstraint(fields=["incident", "code"], name="incident_step_code"),
        ]

    def __str__(self) -> str:
        return self.title


class IncidentTask(models.Model):
    """A work item under a step (a water point, the hydrants closed, a disinfection round, a
    delivery): who, by when, done with a note (and photos on its event)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("事件")
    )
    step = models.ForeignKey(
        IncidentStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks",
        verbose_name=_("所属步骤"),
    )  # fmt: skip
    kind = models.CharField(_("任务类型"), max_length=30, choices=TaskKind.choices)
    title = models.CharField(_("任务"), max_length=100)
    place = models.CharField(_("地点"), max_length=PLACE_MAX, blank=True)
    department = models.CharField(
        _("责任部门"), max_length=20, choices=DepartmentKind.choices, blank=True
    )
    assignee = models.ForeignKey(
        "core.Staff", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("执行人"),
    )  # fmt: skip
    due_at = models.DateTimeField(_("完成期限"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("完成人"),
    )  # fmt: skip
    note = models.TextField(_("完成情况"), max_length=NOTE_MAX, blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    created_at = models.DateTimeField(_("生成时间"))

    class Meta:
        verbose_name = _("应急任务")
        verbose_name_plural = _("应急任务")
        ordering = ["incident", "due_at", "pk"]
        indexes = [models.Index(fields=["incident", "status"], name="incident_task_idx")]

    def __str__(self) -> str:
        return self.title


class ExternalContact(models.Model):
    """A report to, or call of, an outside party: disease control (EMERG-HEALTH-04), the water
    or power utility (EMERG-OUTAGE-10), 119/110/120, with their reference."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("事件")
    )
    party = models.CharField(_("对象"), max_length=20, choices=Party.choices)
    organisation = models.CharField(_("单位名称"), max_length=100, blank=True)
    person = models.CharField(_("对接人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    reference = models.CharField(_("回执/编号"), max_length=60, blank=True)
    at = models.DateTimeField(_("联系时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("联系人"),
    )  # fmt: skip
    note = models.TextField(_("内容"), max_length=NOTE_MAX, blank=True)
    arrived_at = models.DateTimeField(_("到场时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外部联络")
        verbose_name_plural = _("外部联络")
        ordering = ["incident", "at", "pk"]

    def __str__(self) -> str:
        return str(self.get_party_display())


class Release(models.Model):
    """Information released to the affected households (EMERG-HEALTH-07, EMERG-OUTAGE-04..06):
    the notice on their board and the SMS and app messages, kept as sent."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="releases", verbose_name=_("事件")
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("内容"), max_length=2000)
    notices = models.ManyToManyField(
        "notify.Notice", blank=True, related_name="+", verbose_name=_("公告")
    )
    channels = models.JSONField(_("发布渠道"), default=list)
    households = models.PositiveIntegerField(_("通知户数"), default=0)
    messages = models.PositiveIntegerField(_("消息条数"), default=0)
    at = models.DateTimeField(_("发布时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("发布人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("信息发布")
        verbose_name_plural = _("信息发布")
        ordering = ["incident", "at", "pk"]

    def __str__(self) -> str:
        return self.title


class Followup(models.Model):
    """A follow-up visit: the trapped persons (EMERG-LIFT-09), a sample of the households of an
    outage (EMERG-OUTAGE-11)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="followups", verbose_name=_("事件")
    )
    room = models.ForeignKey(
        "core.Room", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("房屋"),
    )  # fmt: skip
    person = models.CharField(_("回访对象"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contacted_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("回访人"),
    )  # fmt: skip
    reached = models.BooleanField(_("已联系上"), default=False)
    satisfaction = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )  # fmt: skip
    note = models.TextField(_("回访记录"), max_length=NOTE_MAX, blank=True)

    class Meta:
        verbose_name = _("事件回访")
        verbose_name_plural = _("事件回访")
        ordering = ["incident", "pk"]

    def __str__(self) -> str:
        return self.person or str(self.room or "")


class IncidentReport(models.Model):
    """The incident's report (for an entrapment the 《电梯困人应急处理报告》, EMERG-LIFT-09)."""

    incident = models.OneToOneField(
        Incident, on_delete=models.CASCADE, related_name="report", verbose_name=_("事件")
    )
    summary = models.TextField(_("事件经过"), max_length=4000)
    cause = models.TextField(_("原因分析"), max_length=2000, blank=True)
    handling = models.TextField(_("处置情况"), max_length=4000)
    lessons = models.TextField(_("改进措施"), max_length=2000, blank=True)
    written_at = models.DateTimeField(_("编写时间"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("编写人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("事件报告")
        verbose_name_plural = _("事件报告")

    def __str__(self) -> str:
        return str(self.incident)
