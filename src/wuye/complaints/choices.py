"""Choices of complaints, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import DepartmentKind


class ComplaintType(models.TextChoices):
    """COMPLAINT-06: service attitude, engineering quality, fees, management measures, etc."""

    SERVICE_ATTITUDE = "service_attitude", _("服务态度")
    ENGINEERING_QUALITY = "engineering_quality", _("工程质量")
    FEES = "fees", _("费用问题")
    MANAGEMENT = "management", _("管理措施")
    OTHER = "other", _("其他")


# Step 3: the department a type usually goes to; the agent may choose another.
SUGGESTED_DEPARTMENT = {
    ComplaintType.SERVICE_ATTITUDE: DepartmentKind.CUSTOMER_SERVICE,
    ComplaintType.ENGINEERING_QUALITY: DepartmentKind.ENGINEERING,
    ComplaintType.FEES: DepartmentKind.FINANCE,
    ComplaintType.MANAGEMENT: DepartmentKind.ADMINISTRATION,
    ComplaintType.OTHER: DepartmentKind.CUSTOMER_SERVICE,
}


class Urgency(models.TextChoices):
    """COMPLAINT-07: general or urgent."""

    GENERAL = "general", _("一般")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    """COMPLAINT-05: phone, APP, in person or email (and integrations)."""

    PHONE = "phone", _("电话")
    APP = "app", _("APP")
    COUNTER = "counter", _("现场")
    EMAIL = "email", _("邮件")
    API = "api", _("接口")


class Status(models.TextChoices):
    WAITING_ASSIGN = "waiting_assign", _("待分派")
    HANDLING = "handling", _("处理中")
    WAITING_APPROVAL = "waiting_approval", _("待审批")
    WAITING_REPLY = "waiting_reply", _("待回复")
    REPLIED = "replied", _("已回复")
    ARCHIVED = "archived", _("已归档")
    CANCELLED = "cancelled", _("已撤销")


class ReplyChannel(models.TextChoices):
    """COMPLAINT-12: the result is told by phone, SMS or the APP."""

    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    APP = "app", _("APP")
