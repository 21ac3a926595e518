"""The field-work layer's choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """What one checklist item (检查项) asks for."""

    CHECK = "check", _("是否正常")  # a yes/no check: "no" fails the item
    READING = "reading", _("读数")  # a number with a unit and a normal range
    PHOTO = "photo", _("拍照")  # a required photo
    NOTE = "note", _("文字记录")  # a written note


class CertificateHolder(models.TextChoices):
    STAFF = "staff", _("员工")
    CONTRACTOR = "contractor", _("维保单位")


class CertificateKind(models.TextChoices):
    """Certificates of people (持证上岗, EQUIP-OPS-11) and qualifications of contractors
    (EQUIP-MAINT-12). The holder each kind belongs to is ``CERTIFICATE_HOLDER``."""

    ELEVATOR_OPERATOR = "elevator_operator", _("电梯操作员证")
    ELECTRICIAN = "electrician", _("电工证")
    HV_ELECTRICIAN = "hv_electrician", _("高压电工证")
    FIRE_OPERATOR = "fire_operator", _("消防设施操作员证")
    BOILER_OPERATOR = "boiler_operator", _("锅炉操作证")
    WELDER = "welder", _("焊工证")
    # GREEN-14: gardeners' professional knowledge (pests, pruning) and safe use of pesticides.
    GARDENER = "gardener", _("绿化工职业资格证")
    PLANT_PROTECTION = "plant_protection", _("植保（农药使用）培训合格证")
    TRAINING = "training", _("岗位培训记录")
    ELEVATOR_MAINTENANCE = "elevator_maintenance", _("电梯维保资质")
    FIRE_MAINTENANCE = "fire_maintenance", _("消防设施维保资质")
    POWER_MAINTENANCE = "power_maintenance", _("承装（修、试）电力设施许可证")
    WATER_HYGIENE = "water_hygiene", _("二次供水卫生许可")
    OTHER = "other", _("其他证书")


CONTRACTOR_KINDS = frozenset(
    {
        CertificateKind.ELEVATOR_MAINTENANCE,
        CertificateKind.FIRE_MAINTENANCE,
        CertificateKind.POWER_MAINTENANCE,
        CertificateKind.WATER_HYGIENE,
    }
)
CERTIFICATE_HOLDER = {
    kind: CertificateHolder.CONTRACTOR if kind in CONTRACTOR_KINDS else CertificateHolder.STAFF
    for kind in CertificateKind.values
}
CERTIFICATE_HOLDER[CertificateKind.OTHER] = ""  # either
