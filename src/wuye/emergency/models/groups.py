"""The emergency organisation (应急组织架构, EMERG-01..03): per estate, or company-wide when the
estate is empty, a command group, an on-site handling group and a logistics group, each with
its members and who of them is on call. "Report to the command group" resolves to these
people (the engine's escalation role ``command_group``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import GroupKind

__all__ = ["EmergencyGroup", "GroupMember"]


class EmergencyGroup(models.Model):
    company = models.ForeignKey(
        "core.Company", on_delete=models.PROTECT, related_name="+", verbose_name=_("公司")
    )
    # Empty: the company's group, for every estate that has no group of this kind of its own.
    estate = models.ForeignKey(
        "core.Estate", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("项目"),
    )  # fmt: skip
    kind = models.CharField(_("小组"), max_length=20, choices=GroupKind.choices)
    note = models.CharField(_("职责说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("应急小组")
        verbose_name_plural = _("应急小组")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "estate", "kind"], name="emergency_group_unique"
            ),
            models.UniqueConstraint(
                fields=["company", "kind"], condition=Q(estate__isnull=True),
                name="emergency_group_company_unique",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return str(self.get_kind_display())


class GroupMember(models.Model):
    group = models.ForeignKey(
        EmergencyGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("小组")
    )
    staff = models.ForeignKey(
        "core.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("成员")
    )
    duty = models.CharField(_("职务"), max_length=40, blank=True)  # e.g. 组长, 副组长
    leader = models.BooleanField(_("组长"), default=False)
    on_call = models.BooleanField(_("值班"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("应急小组成员")
        verbose_name_plural = _("应急小组成员")
        ordering = ["group", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "staff"], name="emergency_member_unique")
        ]

    def __str__(self) -> str:
        return str(self.staff)
