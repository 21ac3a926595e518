"""Places and people: company → estate → building → unit → room; who lives and works there."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .choices import (
    DepartmentKind,
    ParkingKind,
    PublicAreaKind,
    Relation,
    Role,
    RoomUse,
    TakeoverStatus,
)
from .validators import mask_id_number, mask_mobile, validate_cn_mobile, validate_id_number


class Company(models.Model):
    """物业企业 — the property-management company (the tenant of a SaaS deployment)."""

    name = models.CharField(_("企业名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("物业企业")
        verbose_name_plural = _("物业企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    """项目 / 小区 — one managed property."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="estates")
    code = models.SlugField(_("项目编码"), max_length=20, help_text=_("字母或数字，如 YGHY"))
    name = models.CharField(_("项目名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    time_zone = models.CharField(_("时区"), max_length=40, default="Asia/Shanghai")
    takeover_status = models.CharField(
        _("接管状态"), max_length=20, choices=TakeoverStatus.choices, default=TakeoverStatus.MANAGED
    )
    phone = models.CharField(_("服务电话"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["company_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="estate_code_unique"),
            models.UniqueConstraint(fields=["company", "name"], name="estate_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """楼栋 — a building of an estate ("1栋")."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("楼栋"), max_length=30, help_text=_("如 1栋"))
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["estate_id", "sort", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "name"],
                name="building_name_unique",
                violation_error_message=_("本项目已有同名楼栋"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """单元 — a stairway/entrance of a building ("2单元")."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="units")
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("单元"), max_length=30, help_text=_("如 2单元"))
    sort = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building_id", "sort", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "name"],
                name="unit_name_unique",
                violation_error_message=_("该楼栋已有同名单元"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.building.name}{self.name}"


class Room(models.Model):
    """房屋 — a home or shop ("301室") with its building area in m²."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="rooms")
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="rooms")
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="rooms", null=True, blank=True
    )
    number = models.CharField(_("房号"), max_length=20, help_text=_("如 301"))
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("建筑面积(m²)"), max_digits=9, decimal_places=2)
    use = models.CharField(
        _("用途"), max_length=20, choices=RoomUse.choices, default=RoomUse.RESIDENTIAL
    )

    class Meta:
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        ordering = [
            "estate_id",
            "building__sort",
            "building__name",
            "unit__sort",
            "unit__name",
            "number",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "number"],
                condition=Q(unit__isnull=False),
                name="room_number_in_unit",
            ),
            models.UniqueConstraint(
                fields=["building", "number"],
                condition=Q(unit__isnull=True),
                name="room_number_in_building",
                violation_error_message=_("该楼栋已有这个房号"),
            ),
            models.CheckConstraint(condition=Q(area__gt=0), name="room_area_positive"),
        ]
        indexes = [models.Index(fields=["estate", "number"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """1栋2单元301室."""
        if self.unit_id:
            return gettext("%(building)s%(unit)s%(number)s室") % {
                "building": self.building.name,
                "unit": self.unit.name,
                "number": self.number,
            }
        return gettext("%(building)s%(number)s室") % {
            "building": self.building.name,
            "number": self.number,
        }


class PublicArea(models.Model):
    """公共区域 — lobby, elevator car, garage, road, green belt…: work not in a room."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="public_areas")
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="public_areas", null=True, blank=True
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PublicAreaKind.choices)
    name = models.CharField(_("名称"), max_length=60)

    class Meta:
        verbose_name = _("公共区域")
        verbose_name_plural = _("公共区域")
        ordering = ["estate_id", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "name"], name="public_area_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ParkingSpace(models.Model):
    """车位 — a numbered parking space."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="parking_spaces")
    number = models.CharField(_("车位号"), max_length=20)
    zone = models.CharField(_("区域"), max_length=30, blank=True, help_text=_("如 地下一层B区"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=ParkingKind.choices, default=ParkingKind.OWNED
    )
    holder = models.ForeignKey(
        "Resident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parking_spaces",
        verbose_name=_("产权人/承租人"),
    )

    class Meta:
        verbose_name = _("车位")
        verbose_name_plural = _("车位")
        ordering = ["estate_id", "zone", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["estate", "number"],
                name="parking_number_unique",
                violation_error_message=_("本项目已有这个车位号"),
            )
        ]

    def __str__(self) -> str:
        return self.number


class Resident(models.Model):
    """业主/住户 — a person who owns or lives in a room (an owner has an owner occupancy)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="residents")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_cn_mobile])
    id_number = models.CharField(
        _("身份证号"), max_length=18, blank=True, validators=[validate_id_number]
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("业主/住户")
        verbose_name_plural = _("业主/住户")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "id_number"],
                condition=~Q(id_number=""),
                name="resident_id_number_unique",
                violation_error_message=_("该身份证号已登记"),
            )
        ]
        indexes = [models.Index(fields=["company", "mobile"])]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class Occupancy(models.Model):
    """入住关系 — who owns or lives in which room, from when to when."""

    estate = models.ForeignKey(Estate, on_delete=models.CASCADE, related_name="occupancies")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="occupancies")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="occupancies")
    relation = models.CharField(_("关系"), max_length=10, choices=Relation.choices)
    start_date = models.DateField(_("起始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("入住关系")
        verbose_name_plural = _("入住关系")
        ordering = ["room_id", "relation", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="occupancy_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["room", "resident", "relation"],
                condition=Q(end_date__isnull=True),
                name="occupancy_current_unique",
                violation_error_message=_("该住户已登记在这个房屋"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {self.room} · {self.get_relation_display()}"

    @classmethod
    def current_q(cls, prefix: str = "", on=None) -> Q:
        """Occupancies in force on a date (today by default)."""
        day = on or timezone.localdate()
        return Q(**{f"{prefix}start_date__lte": day}) & (
            Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
        )


class Department(models.Model):
    """部门 — one of the company's departments."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="departments")
    kind = models.CharField(_("部门"), max_length=20, choices=DepartmentKind.choices)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["company_id", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["company", "kind"], name="department_unique")
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Position(models.Model):
    """岗位 — a job title inside a department (e.g. 客服主管, 水电工)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="positions")
    name = models.CharField(_("岗位"), max_length=40)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["department_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="position_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Staff(models.Model):
    """员工 — an employee of the company, assigned to one or more estates."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff",
        verbose_name=_("登录账号"),
    )
    employee_no = models.CharField(_("工号"), max_length=20)
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_cn_mobile])
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("部门")
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("岗位"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    estates = models.ManyToManyField(
        Estate, related_name="staff", blank=True, verbose_name=_("负责项目")
    )
    is_active = models.BooleanField(_("在职"), default=True)

    class Meta:
        verbose_name = _("员工")
        verbose_name_plural = _("员工")
        ordering = ["department__kind", "employee_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "employee_no"], name="staff_employee_no_unique"
            ),
            models.CheckConstraint(
                condition=~Q(role__in=[Role.RESIDENT, Role.CONTRACTOR]), name="staff_role_is_staff"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s（%(employee_no)s）") % {
            "name": self.name,
            "employee_no": self.employee_no,
        }

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)


class Contractor(models.Model):
    """维保单位 / 施工单位 — an outside maintenance or construction company."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="contractors")
    name = models.CharField(_("单位名称"), max_length=100)
    scope = models.CharField(_("服务范围"), max_length=100, blank=True, help_text=_("如 电梯维保"))
    qualification = models.CharField(_("资质"), max_length=100)
    qualification_expires_on = models.DateField(_("资质有效期至"))
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_mobile = models.CharField(
        _("联系电话"), max_length=11, blank=True, validators=[validate_cn_mobile]
    )
    estates = models.ManyToManyField(
        Estate, related_name="contractors", blank=True, verbose_name=_("服务项目")
    )

    class Meta:
        verbose_name = _("维保单位")
        verbose_name_plural = _("维保单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="contractor_name_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def qualification_valid_on(self, day) -> bool:
        return self.qualification_expires_on >= day


class ContractorAccount(models.Model):
    """A login of a contractor's employee; it sees only work assigned to its contractor."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="accounts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contractor_account"
    )
    name = models.CharField(_("姓名"), max_length=50)

    class Meta:
        verbose_name = _("维保单位账号")
        verbose_name_plural = _("维保单位账号")

    def __str__(self) -> str:
        return f"{self.contractor} · {self.name}"


class ApiToken(models.Model):
    """API 令牌 — a bearer token of the REST API. Only its SHA-256 is stored; the token is shown
    once. It works while it is unexpired and not revoked, its user is active and not locked out,
    and the user's password is the one it was issued under (``password_fingerprint``)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        REVOKED = "revoked", _("已吊销")
        EXPIRED = "expired", _("已过期")
        PASSWORD_CHANGED = "password_changed", _("密码已修改，已失效")
        USER_INACTIVE = "user_inactive", _("账号已停用")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    name = models.CharField(_("用途"), max_length=60, blank=True)
    # An HMAC of the user's password hash at issue time (never the hash itself): a new password,
    # set through any path, no longer matches and the token stops working.
    password_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=False) | Q(revoked_by__isnull=True),
                name="apitoken_revoked_by_needs_revoked_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def fingerprint(password_hash: str, secret: str | bytes | None = None) -> str:
        """The fingerprint of a user's password hash (keyed by SECRET_KEY, like Django's session
        auth hash, with a salt of its own)."""
        return salted_hmac(
            "wuye.core.ApiToken.password_fingerprint",
            password_hash or "",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def password_matches(self, password_hash: str) -> bool:
        """Whether the user's password is still the one the token was issued under. The old
        keys of SECRET_KEY_FALLBACKS are tried too, so rotating the secret ends no token."""
        secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
        return any(
            constant_time_compare(self.password_fingerprint, self.fingerprint(password_hash, key))
            for key in secrets_
        )


class IdempotencyKey(models.Model):
    """A client's ``Idempotency-Key`` of one API POST and the answer it got, kept 24 hours so a
    retried request is answered again instead of being carried out twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of the method, path, query and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    status_code = models.PositiveSmallIntegerField(default=0)  # 0 while the request runs
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.key}"
