"""Response plans (应急预案): per incident kind, the company's (or one estate's own) ordered
steps, each with the department that does it, the manual's guidance and a checklist. The
defaults are the manual's steps (``services.plan_defaults``); an incident copies its
plan's steps when it opens, so a later change of the plan never rewrites a past incident."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind

from ..choices import IncidentKind

__all__ = ["PlanStep", "ResponsePlan"]


class ResponsePlan(models.Model):
    company = models.ForeignKey(
        "core.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("公司")
    )
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("项目"),
    )  # fmt: skip
    kind = models.CharField(_("事件类型"), max_length=20, choices=IncidentKind.choices)
    name = models.CharField(_("预案名称"), max_length=100)
    goal = models.CharField(_("目标"), max_length=200, blank=True)
    cautions = models.TextField(_("注意事项"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("修订时间"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("修订人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        constraints = [
            models.UniqueConstraint(fields=["company", "estate", "kind"], name="plan_unique"),
            models.UniqueConstraint(
                fields=["company", "kind"], condition=Q(estate__isnull=True),
                name="plan_company_unique",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class PlanStep(models.Model):
    plan = models.ForeignKey(
        ResponsePlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("预案")
    )
    order = models.PositiveSmallIntegerField(_("顺序"))
    code = models.CharField(_("步骤代码"), max_length=30)
    title = models.CharField(_("步骤"), max_length=60)
    department = models.CharField(
        _("责任部门"), max_length=20, choices=DepartmentKind.choices, blank=True
    )
    guidance = models.TextField(_("操作要点"), max_length=1000, blank=True)
    # ["不得强行打开电梯门", …]: what the person doing the step confirms.
    checklist = models.JSONField(_("确认事项"), default=list, blank=True)

    class Meta:
        verbose_name = _("预案步骤")
        verbose_name_plural = _("预案步骤")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="plan_step_order_unique"),
            models.UniqueConstraint(fields=["plan", "code"], name="plan_step_code_unique"),
        ]

    def __str__(self) -> str:
        return self.title
