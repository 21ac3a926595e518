"""Schemas of the core API: what goes in (``*In``, ``*Patch``) and what comes out (``*Out``).

Money and areas go out as strings with two decimals ("89.50"), dates as ISO. Phone and ID
numbers are masked unless the caller's role may see them (``Actor.can_see_pii``); the resolvers
read the caller from the serialisation context ninja passes (``context["request"]``).
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

from wuye.base.api import Day, Id, Text
from wuye.core.choices import DepartmentKind, Relation, Role, RoomUse
from wuye.core.scoping import Actor, actor_for


def caller(context: Any) -> Actor | None:
    request = (context or {}).get("request")
    if request is None:
        return None
    return actor_for(getattr(request, "auth", None) or getattr(request, "user", None))


def may_see_pii(context: Any) -> bool:
    actor = caller(context)
    return actor is not None and actor.can_see_pii()


def visible_estate_ids(context: Any) -> frozenset[int]:
    actor = caller(context)
    return actor.estate_ids if actor is not None else frozenset()


def two_places(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


# --- Estates ----------------------------------------------------------------------------------


class EstateOut(Schema):
    id: int
    code: str
    name: str
    address: str
    phone: str
    time_zone: str
    takeover_status: str
    takeover_status_display: str

    @staticmethod
    def resolve_takeover_status_display(obj) -> str:
        return obj.get_takeover_status_display()


class BuildingFigures(Schema):
    id: int
    name: str
    room_count: int
    unit_count: int


class DepartmentFigures(Schema):
    department: str
    department_display: str
    count: int


class EstateOverviewOut(Schema):
    building_count: int
    room_count: int
    occupied_count: int
    occupancy_rate: float = Field(..., description="0–1")
    resident_count: int
    public_area_count: int
    parking_count: int
    staff_count: int
    buildings: list[BuildingFigures]
    staff_by_department: list[DepartmentFigures]

    @staticmethod
    def resolve_occupancy_rate(obj) -> float:
        return round(obj["occupancy_rate"], 4)

    @staticmethod
    def resolve_staff_by_department(obj) -> list[dict[str, Any]]:
        return [
            {
                "department": row["department__kind"],
                "department_display": str(DepartmentKind(row["department__kind"]).label),
                "count": row["n"],
            }
            for row in obj["staff_by_department"]
        ]


class EstateDetailOut(EstateOut):
    overview: EstateOverviewOut | None = Field(
        None, description="Figures of the estate; staff only."
    )


# --- Buildings --------------------------------------------------------------------------------


class BuildingOut(Schema):
    id: int
    estate: int
    name: str
    floors: int | None
    sort: int

    @staticmethod
    def resolve_estate(obj) -> int:
        return obj.estate_id


class UnitRef(Schema):
    id: int
    name: str


class BuildingDetailOut(BuildingOut):
    units: list[UnitRef]

    @staticmethod
    def resolve_units(obj) -> list:
        return list(obj.units.all())


class BuildingIn(Schema):
    estate: Id
    name: Text = Field(..., max_length=30)
    floors: int | None = Field(None, ge=1, le=300, strict=True)
    sort: int = Field(0, ge=0, le=100000, strict=True)


# --- Rooms ------------------------------------------------------------------------------------


class RoomOut(Schema):
    id: int
    estate: int
    building: int
    building_name: str
    unit: int | None
    unit_name: str
    number: str
    label: str = Field(..., examples=["1栋2单元301室"])
    floor: int
    area: str = Field(..., description=_("建筑面积 m²"), examples=["89.50"])
    use: str
    use_display: str

    @staticmethod
    def resolve_estate(obj) -> int:
        return obj.estate_id

    @staticmethod
    def resolve_building(obj) -> int:
        return obj.building_id

    @staticmethod
    def resolve_building_name(obj) -> str:
        return obj.building.name

    @staticmethod
    def resolve_unit(obj) -> int | None:
        return obj.unit_id

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.name if obj.unit_id else ""

    @staticmethod
    def resolve_area(obj) -> str:
        return two_places(obj.area)

    @staticmethod
    def resolve_use_display(obj) -> str:
        return obj.get_use_display()


class OccupantOut(Schema):
    """One current occupant of a room."""

    resident: int
    name: str
    mobile: str
    relation: str
    relation_display: str
    start_date: dt.date
    end_date: dt.date | None

    @staticmethod
    def resolve_resident(obj) -> int:
        return obj.resident_id

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.resident.name

    @staticmethod
    def resolve_mobile(obj, context) -> str:
        resident = obj.resident
        return resident.mobile if may_see_pii(context) else resident.mobile_masked

    @staticmethod
    def resolve_relation_display(obj) -> str:
        return obj.get_relation_display()


class RoomDetailOut(RoomOut):
    occupants: list[OccupantOut] = Field(..., description="Who lives in the room today.")

    @staticmethod
    def resolve_occupants(obj) -> list:
        return obj.current_occupants


Area = Annotated[
    Decimal,
    Field(gt=0, max_digits=9, decimal_places=2, description=_('建筑面积 m²，如 "89.50"')),
]
"""An area as the database stores it (Room.area): at most 2 decimal places, never rounded."""


class RoomIn(Schema):
    building: Id
    unit: Id | None = None
    number: Text = Field(..., max_length=20)
    floor: int = Field(..., ge=-20, le=300, strict=True)
    area: Area
    use: RoomUse = RoomUse.RESIDENTIAL


class RoomPatch(Schema):
    floor: int | None = Field(None, ge=-20, le=300, strict=True)
    area: Area | None = None
    use: RoomUse | None = None


# --- Residents --------------------------------------------------------------------------------


class ResidentRoomOut(Schema):
    """A room the resident occupies today."""

    room: int
    label: str
    estate: int
    relation: str
    relation_display: str
    start_date: dt.date

    @staticmethod
    def resolve_room(obj) -> int:
        return obj.room_id

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.room.label

    @staticmethod
    def resolve_estate(obj) -> int:
        return obj.estate_id

    @staticmethod
    def resolve_relation_display(obj) -> str:
        return obj.get_relation_display()


class ResidentOut(Schema):
    id: int
    name: str
    mobile: str
    id_number: str
    note: str
    rooms: list[ResidentRoomOut]

    @staticmethod
    def resolve_mobile(obj, context) -> str:
        return obj.mobile if may_see_pii(context) else obj.mobile_masked

    @staticmethod
    def resolve_id_number(obj, context) -> str:
        return obj.id_number if may_see_pii(context) else obj.id_number_masked

    @staticmethod
    def resolve_rooms(obj, context) -> list:
        # Only the rooms of estates the caller sees: a resident may also live elsewhere.
        estates = visible_estate_ids(context)
        return [o for o in obj.current_occupancies if o.estate_id in estates]


class ResidentIn(Schema):
    room: Id
    name: Text = Field(..., max_length=50)
    mobile: Text = Field(..., max_length=20)
    id_number: Text = Field("", max_length=20)
    relation: Relation = Relation.OWNER
    start_date: Day | None = Field(None, description=_("默认今天"))


class ResidentPatch(Schema):
    name: Text | None = Field(None, max_length=50)
    mobile: Text | None = Field(None, max_length=20)
    id_number: Text | None = Field(None, max_length=20)
    note: Text | None = Field(None, max_length=200)


# --- Staff and contractors --------------------------------------------------------------------


class StaffOut(Schema):
    id: int
    username: str
    employee_no: str
    name: str
    mobile: str
    department: str
    department_display: str
    position: str
    role: str
    role_display: str
    estates: list[int]
    is_active: bool

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.get_username()

    @staticmethod
    def resolve_mobile(obj, context) -> str:
        return obj.mobile if may_see_pii(context) else obj.mobile_masked

    @staticmethod
    def resolve_department(obj) -> str:
        return obj.department.kind

    @staticmethod
    def resolve_department_display(obj) -> str:
        return obj.department.get_kind_display()

    @staticmethod
    def resolve_position(obj) -> str:
        return obj.position.name if obj.position_id else ""

    @staticmethod
    def resolve_role_display(obj) -> str:
        return obj.get_role_display()

    @staticmethod
    def resolve_estates(obj, context) -> list[int]:
        estates = visible_estate_ids(context)
        return [e.pk for e in obj.estates.all() if e.pk in estates]


class StaffIn(Schema):
    username: Text = Field(..., max_length=150)
    password: Text = Field(..., max_length=128, description=_("初始密码"))
    name: Text = Field(..., max_length=50)
    mobile: Text = Field(..., max_length=20)
    employee_no: Text = Field(..., max_length=20)
    department: DepartmentKind
    role: Role
    estates: list[Id] = Field(default_factory=list, max_length=500)
    position: Text = Field("", max_length=40)


class ContractorOut(Schema):
    id: int
    name: str
    scope: str
    qualification: str
    qualification_expires_on: dt.date
    contact_name: str
    contact_mobile: str = Field(..., description=_("单位联系电话，工作用，不遮挡"))
    estates: list[int]

    @staticmethod
    def resolve_estates(obj, context) -> list[int]:
        estates = visible_estate_ids(context)
        return [e.pk for e in obj.estates.all() if e.pk in estates]
