"""factory-boy factories for the core records. Valid by construction (mobiles and ID numbers)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from wuye.core.choices import DepartmentKind, Relation, Role
from wuye.core.models import (
    Building,
    Company,
    Contractor,
    ContractorAccount,
    Department,
    Estate,
    Occupancy,
    Resident,
    Room,
    Staff,
    Unit,
)
from wuye.core.validators import id_number_check_code

PASSWORD = "wuye-test-pass-1"


def make_id_number(n: int) -> str:
    first17 = f"110101{1980 + n % 30:04d}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first17 + id_number_check_code(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"测试物业服务有限公司{n}")


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Estate

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"E{n}")
    name = factory.Sequence(lambda n: f"测试小区{n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    estate = factory.SubFactory(EstateFactory)
    name = factory.Sequence(lambda n: f"{n + 1}栋")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    building = factory.SubFactory(BuildingFactory)
    estate = factory.SelfAttribute("building.estate")
    name = factory.Sequence(lambda n: f"{n + 1}单元")


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    unit = factory.SubFactory(UnitFactory)
    building = factory.SelfAttribute("unit.building")
    estate = factory.SelfAttribute("unit.estate")
    number = factory.Sequence(lambda n: f"{(n % 30) + 1}{(n % 4) + 1:02d}")
    floor = 3
    area = Decimal("89.50")


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"住户{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    id_number = factory.Sequence(make_id_number)


class OccupancyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupancy

    room = factory.SubFactory(RoomFactory)
    estate = factory.SelfAttribute("room.estate")
    resident = factory.SubFactory(
        ResidentFactory, company=factory.SelfAttribute("..room.estate.company")
    )
    relation = Relation.OWNER
    start_date = dt.date(2020, 1, 1)


def make_staff(
    company, username: str, role: str, department: str, estates=(), name: str = ""
) -> Staff:
    user = UserFactory(username=username)
    dept, _ = Department.objects.get_or_create(company=company, kind=department)
    staff = Staff.objects.create(
        company=company,
        user=user,
        employee_no=username.upper(),
        name=name or username,
        mobile="13700000000",
        department=dept,
        role=role,
    )
    staff.estates.set(estates)
    return staff


def make_resident_user(resident: Resident, username: str) -> Resident:
    resident.user = UserFactory(username=username)
    resident.save(update_fields=["user"])
    return resident


def make_contractor(company, username: str, estates=()) -> Contractor:
    contractor = Contractor.objects.create(
        company=company,
        name=f"{username}电梯维保有限公司",
        qualification="电梯安装维修许可证 A级",
        qualification_expires_on=dt.date(2030, 12, 31),
    )
    contractor.estates.set(estates)
    ContractorAccount.objects.create(
        contractor=contractor, user=UserFactory(username=username), name=username
    )
    return contractor


__all__ = [
    "PASSWORD",
    "DepartmentKind",
    "Role",
]
