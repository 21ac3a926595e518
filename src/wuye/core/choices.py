"""Choices of the core app, with the Chinese labels users see."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TakeoverStatus(models.TextChoices):
    INTERVENTION = "intervention", _("前期介入")
    TAKEOVER = "takeover", _("接管验收中")
    MANAGED = "managed", _("在管")
    EXITED = "exited", _("已撤场")


class RoomUse(models.TextChoices):
    RESIDENTIAL = "residential", _("住宅")
    COMMERCIAL = "commercial", _("商铺")
    OFFICE = "office", _("办公")
    STORAGE = "storage", _("储藏室")
    OTHER = "other", _("其他")


class PublicAreaKind(models.TextChoices):
    LOBBY = "lobby", _("大堂")
    ELEVATOR = "elevator", _("电梯轿厢")
    STAIRWELL = "stairwell", _("楼梯间")
    GARAGE = "garage", _("车库")
    ROAD = "road", _("道路")
    GREEN_BELT = "green_belt", _("绿化带")
    PLAYGROUND = "playground", _("儿童游乐场")
    PLANT_ROOM = "plant_room", _("设备房")
    GATE = "gate", _("出入口")
    OTHER = "other", _("其他")


class ParkingKind(models.TextChoices):
    OWNED = "owned", _("产权车位")
    LEASED = "leased", _("租赁车位")
    VISITOR = "visitor", _("临时车位")


class Relation(models.TextChoices):
    """How a resident relates to a room (入住关系)."""

    OWNER = "owner", _("业主")
    FAMILY = "family", _("家庭成员")
    TENANT = "tenant", _("租户")


class DepartmentKind(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("客户服务中心")
    ENGINEERING = "engineering", _("工程设备部")
    ORDER = "order", _("秩序管理部")
    ENVIRONMENT = "environment", _("环境管理部")
    FINANCE = "finance", _("财务部")
    ADMINISTRATION = "administration", _("行政部")
    EXECUTIVE = "executive", _("企业高层")


class Role(models.TextChoices):
    """What a user may do. Staff carry one of the staff roles; residents and contractors are
    recognised by their own records."""

    EXECUTIVE = "executive", _("企业高层")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    CS_AGENT = "cs_agent", _("客服专员")
    TECHNICIAN = "technician", _("维修技术员")
    GUARD = "guard", _("秩序员")
    CLEANER = "cleaner", _("保洁员")
    GARDENER = "gardener", _("绿化工")
    FINANCE_CLERK = "finance_clerk", _("财务专员")
    AUDITOR = "auditor", _("内审员")
    RESIDENT = "resident", _("业主/住户")
    CONTRACTOR = "contractor", pgettext_lazy("role", "维保单位")


STAFF_ROLES = [r for r in Role if r not in (Role.RESIDENT, Role.CONTRACTOR)]
# Roles that may change the roster of an estate (rooms, residents, occupancy).
ROSTER_WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT})
# Roles that may change staff records.
STAFF_WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
# Roles that may see full phone and ID numbers on detail pages.
PII_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.CS_AGENT, Role.AUDITOR})
