"""Choices of emergencies (应急处理, manual ch.7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupKind(models.TextChoices):
    """EMERG-01..03: the three groups of the emergency organisation."""

    COMMAND = "command", _("应急指挥小组")  # EMERG-01: executives decide and coordinate
    ONSITE = "onsite", _("现场处置小组")  # EMERG-02: order, engineering, customer service
    LOGISTICS = "logistics", _("后勤保障小组")  # EMERG-03: administration, finance


class IncidentKind(models.TextChoices):
    ENTRAPMENT = "entrapment", _("电梯困人")
    OUTAGE = "outage", _("停水停电")
    FIRE = "fire", _("火灾")
    HEALTH = "health", _("公共卫生事件")  # EMERG-HEALTH-01: e.g. COVID-19, hand-foot-and-mouth
    FLOOD = "flood", _("水浸内涝")
    EARTHQUAKE = "earthquake", _("地震")
    OTHER = "other", _("其他突发事件")


class Level(models.IntegerChoices):
    """EMERG-04..07: the response levels, Ⅰ the gravest."""

    I = 1, _("Ⅰ级 特别重大应急")  # noqa: E741
    II = 2, _("Ⅱ级 重大应急")
    III = 3, _("Ⅲ级 较大应急")
    IV = 4, _("Ⅳ级 一般应急")


class IncidentSource(models.TextChoices):
    DESK = "desk", _("客服接报")
    RESIDENT = "resident", _("业主来电")
    MONITORING = "monitoring", _("监控报警")
    PATROL = "patrol", _("巡查发现")
    AUTHORITY = "authority", _("主管部门通知")
    PLANNED = "planned", _("计划安排")
    DRILL = "drill", _("应急演练")


class IncidentStatus(models.TextChoices):
    ACTIVE = "active", _("处置中")
    FOLLOWUP = "followup", _("善后处理")
    CLOSED = "closed", _("已结案")
    CANCELLED = "cancelled", _("已撤销")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待执行")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class TaskKind(models.TextChoices):
    """Work items an incident's plan generates (EMERG-OUTAGE-07..13, EMERG-HEALTH-06/12 …)."""

    WATER_POINT = "water_point", _("设置临时取水点")  # EMERG-OUTAGE-07
    WATER_POINT_GUARD = "water_point_guard", _("取水点秩序员值守")  # EMERG-OUTAGE-08
    LIGHTING = "lighting", _("开启应急照明")  # EMERG-OUTAGE-07
    HYDRANTS = "hydrants", _("关闭消防栓")  # EMERG-OUTAGE-12
    ELEVATORS = "elevators", _("关闭电梯并设置停电提示牌")  # EMERG-OUTAGE-13
    CAUSE = "cause", _("排查故障原因")  # EMERG-OUTAGE-09
    UTILITY = "utility", _("联系供水/供电部门")  # EMERG-OUTAGE-10
    CORDON = "cordon", _("设置隔离带")  # EMERG-HEALTH-10
    DISINFECTION = "disinfection", _("公共区域消毒")  # EMERG-HEALTH-06
    FINAL_DISINFECTION = "final_disinfection", _("全面消毒")  # EMERG-HEALTH-09
    DELIVERY = "delivery", _("物资配送")  # EMERG-HEALTH-12
    OTHER = "other", _("其他任务")


class Party(models.TextChoices):
    """Who outside the company an incident is reported to or called (EMERG-HEALTH-04,
    EMERG-OUTAGE-10, FIRE …)."""

    DISEASE_CONTROL = "disease_control", _("当地疾控部门")
    WATER_UTILITY = "water_utility", _("供水部门")
    POWER_UTILITY = "power_utility", _("供电部门")
    FIRE_BRIGADE = "fire_brigade", _("消防（119）")
    POLICE = "police", _("公安（110）")
    AMBULANCE = "ambulance", _("急救（120）")
    CONTRACTOR = "contractor", _("维保单位")
    OTHER = "other", _("其他单位")


class Utility(models.TextChoices):
    WATER = "water", _("停水")
    POWER = "power", _("停电")


class OverdueStage(models.TextChoices):
    """Who an overdue provision task of an outage is told to, in turn (EMERG-OUTAGE-07)."""

    HEAD = "head", _("部门负责人")
    COMMAND = "command", _("应急指挥小组")  # EMERG-01


class ClosureScope(models.TextChoices):
    """EMERG-HEALTH-05: the estate, a building or a unit is closed."""

    ESTATE = "estate", _("整个小区")
    BUILDING = "building", _("楼栋")
    UNIT = "unit", _("单元")


class DeliveryStatus(models.TextChoices):
    REQUESTED = "requested", _("待配送")
    DELIVERING = "delivering", _("配送中")
    DELIVERED = "delivered", _("已送达")
    CONFIRMED = "confirmed", _("业主已确认")
    CANCELLED = "cancelled", _("已取消")


class SupplyCategory(models.TextChoices):
    """EMERG-03: the logistics group's stock (e.g. emergency lights, bottled water)."""

    LIGHTING = "lighting", _("应急照明")
    WATER = "water", _("饮用水")
    PROTECTIVE = "protective", _("防护用品")
    MEDICAL = "medical", _("医疗急救")
    RESCUE = "rescue", _("救援工具")
    FLOOD = "flood", _("防汛物资")
    SIGNAGE = "signage", _("警示标识")
    OTHER = "other", _("其他")


class MovementKind(models.TextChoices):
    RESTOCK = "restock", _("入库")
    DRAW = "draw", _("领用")
    ADJUST = "adjust", _("盘点调整")
    RETURN = "return", _("归还")


class AccessAction(models.TextChoices):
    """EMERG-HEALTH-08: what was done with the close-contact register."""

    LIST = "list", _("查看名单")
    VIEW = "view", _("查看详情")
    CREATE = "create", _("登记")
    UPDATE = "update", _("修改")
    EXPORT = "export", _("导出")
    PURGE = "purge", _("到期删除")
