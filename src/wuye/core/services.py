"""Every write of the core app: keyword-only, typed, atomic. Views and the API call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import lockout
from .choices import DepartmentKind, ParkingKind, Relation, Role, RoomUse
from .models import (
    ApiToken,
    Building,
    Company,
    Contractor,
    Department,
    Estate,
    Occupancy,
    ParkingSpace,
    Position,
    PublicArea,
    Resident,
    Room,
    Staff,
    Unit,
)
from .scoping import Actor, actor_for, get_or_404
from .validators import check_date, exact_decimal, normalize_id_number, normalize_mobile

API_TOKEN_LIFETIME = dt.timedelta(days=30)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def require_roster_write(actor: Actor, estate: Estate) -> None:
    if estate.pk not in actor.estate_ids and not actor.is_superuser:
        from django.http import Http404

        raise Http404
    if not actor.can_write_roster(estate):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以修改房屋和住户资料"))


def _save(obj):
    """Validate fields and constraints, then save; a bad row never reaches the database.

    full_clean() checks unique constraints by reading first, so two requests at the same moment
    can both pass it; the database constraint then refuses the second, which is turned into the
    same validation error instead of a 500.
    """
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationError(_("与已有记录重复，请刷新后重试")) from None
    return obj


@transaction.atomic
def estate_create(
    *, company: Company, code: str, name: str, address: str = "", phone: str = "", by
) -> Estate:
    actor = _actor(by)
    if not (
        actor.is_superuser or (actor.role == Role.EXECUTIVE and actor.company_id == company.pk)
    ):
        raise PermissionDenied(_("只有企业高层可以新建项目"))
    return _save(
        Estate(company=company, code=code.strip(), name=name.strip(), address=address, phone=phone)
    )


@transaction.atomic
def building_create(
    *, estate: Estate, name: str, floors: int | None = None, sort: int = 0, by
) -> Building:
    require_roster_write(_actor(by), estate)
    return _save(Building(estate=estate, name=name.strip(), floors=floors, sort=sort))


@transaction.atomic
def unit_create(*, building: Building, name: str, sort: int = 0, by) -> Unit:
    require_roster_write(_actor(by), building.estate)
    return _save(
        Unit(estate_id=building.estate_id, building=building, name=name.strip(), sort=sort)
    )


@transaction.atomic
def public_area_create(
    *, estate: Estate, kind: str, name: str, building: Building | None = None, by
) -> PublicArea:
    require_roster_write(_actor(by), estate)
    if building is not None and building.estate_id != estate.pk:
        raise ValidationError({"building": [_("该楼栋不属于本项目")]})
    return _save(PublicArea(estate=estate, kind=kind, name=name.strip(), building=building))


@transaction.atomic
def parking_space_create(
    *,
    estate: Estate,
    number: str,
    zone: str = "",
    kind: str = ParkingKind.OWNED,
    holder: Resident | None = None,
    by,
) -> ParkingSpace:
    require_roster_write(_actor(by), estate)
    if holder is not None and holder.company_id != estate.company_id:
        raise ValidationError({"holder": [_("产权人不属于该项目所在企业")]})
    return _save(
        ParkingSpace(estate=estate, number=str(number).strip(), zone=zone, kind=kind, holder=holder)
    )


def parse_area(value) -> Decimal:
    """An area as typed: two decimal places at most — 89.505 is refused, not rounded."""
    area = exact_decimal(
        value, places=2, field="area", label=_("建筑面积"), invalid=_("建筑面积应为数字，如 89.50")
    )
    if area <= 0 or area >= Decimal("10000000"):
        raise ValidationError({"area": [_("建筑面积应大于 0")]})
    return area


@transaction.atomic
def room_create(
    *,
    building: Building,
    unit: Unit | None = None,
    number: str,
    floor: int,
    area,
    use: str = RoomUse.RESIDENTIAL,
    by,
) -> Room:
    require_roster_write(_actor(by), building.estate)
    if unit is not None and unit.building_id != building.pk:
        raise ValidationError({"unit": [_("该单元不属于所选楼栋")]})
    room = Room(
        estate_id=building.estate_id,
        building=building,
        unit=unit,
        number=str(number).strip(),
        floor=floor,
        area=parse_area(area),
        use=use,
    )
    return _save(room)


@transaction.atomic
def room_update(
    *, room: Room, floor: int | None = None, area=None, use: str | None = None, by
) -> Room:
    require_roster_write(_actor(by), room.estate)
    if floor is not None:
        room.floor = floor
    if area is not None:
        room.area = parse_area(area)
    if use is not None:
        room.use = use
    return _save(room)


@transaction.atomic
def resident_create(
    *, company: Company, name: str, mobile: str, id_number: str = "", note: str = "", by
) -> Resident:
    actor = _actor(by)
    if not (actor.is_superuser or (actor.can_write_roster() and actor.company_id == company.pk)):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以登记住户"))
    resident = Resident(
        company=company,
        name=name.strip(),
        mobile=normalize_mobile(mobile),
        id_number=normalize_id_number(id_number),
        note=note,
    )
    return _save(resident)


@transaction.atomic
def resident_update(
    *,
    resident: Resident,
    name: str | None = None,
    mobile: str | None = None,
    id_number: str | None = None,
    note: str | None = None,
    by,
) -> Resident:
    actor = _actor(by)
    if not (
        actor.is_superuser or (actor.can_write_roster() and actor.company_id == resident.company_id)
    ):
        raise PermissionDenied(_("只有客服中心、部门负责人或企业高层可以修改住户资料"))
    if name is not None:
        resident.name = name.strip()
    if mobile is not None:
        resident.mobile = normalize_mobile(mobile)
    if id_number is not None:
        resident.id_number = normalize_id_number(id_number)
    if note is not None:
        resident.note = note
    return _save(resident)


@transaction.atomic
def occupancy_create(
    *,
    room: Room,
    resident: Resident,
    relation: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    by,
) -> Occupancy:
    require_roster_write(_actor(by), room.estate)
    errors: dict[str, list[str]] = {}
    check_date(start_date, field="start_date", label=_("起始日期"), errors=errors)
    check_date(end_date, field="end_date", label=_("结束日期"), errors=errors)
    if errors:
        raise ValidationError(errors)
    if resident.company_id != room.estate.company_id:
        raise ValidationError({"resident": [_("住户不属于该项目所在企业")]})
    if relation not in Relation.values:
        raise ValidationError({"relation": [_("关系应为业主、家庭成员或租户")]})
    return _save(
        Occupancy(
            estate_id=room.estate_id,
            room=room,
            resident=resident,
            relation=relation,
            start_date=start_date,
            end_date=end_date,
        )
    )


@transaction.atomic
def occupancy_end(*, occupancy: Occupancy, end_date: dt.date, by) -> Occupancy:
    require_roster_write(_actor(by), occupancy.estate)
    check_date(end_date, field="end_date", label=_("结束日期"))
    occupancy.end_date = end_date
    return _save(occupancy)


@transaction.atomic
def resident_register(
    *,
    room: Room,
    name: str,
    mobile: str,
    id_number: str = "",
    relation: str = Relation.OWNER,
    start_date: dt.date | None = None,
    by,
) -> Occupancy:
    """Register a person in a room: reuse the resident with the same ID number, else create one."""
    actor = _actor(by)
    require_roster_write(actor, room.estate)
    company = room.estate.company
    id_number = normalize_id_number(id_number)
    resident = None
    if id_number:
        resident = Resident.objects.filter(company=company, id_number=id_number).first()
    if resident is None:
        resident = resident_create(
            company=company, name=name, mobile=mobile, id_number=id_number, by=actor
        )
    return occupancy_create(
        room=room,
        resident=resident,
        relation=relation,
        start_date=start_date or timezone.localdate(),
        by=actor,
    )


def department_for(company: Company, kind: str) -> Department:
    if kind not in DepartmentKind.values:
        raise ValidationError({"department": [_("未知部门")]})
    department, _created = Department.objects.get_or_create(company=company, kind=kind)
    return department


@transaction.atomic
def staff_create(
    *,
    company: Company,
    username: str,
    password: str,
    name: str,
    mobile: str,
    employee_no: str,
    department: str,
    role: str,
    estates: Iterable[Estate] = (),
    position: str = "",
    by,
) -> Staff:
    actor = _actor(by)
    if not (actor.is_superuser or (actor.can_write_staff() and actor.company_id == company.pk)):
        raise PermissionDenied(_("只有部门负责人或企业高层可以新增员工"))
    if role in (Role.RESIDENT, Role.CONTRACTOR) or role not in Role.values:
        raise ValidationError({"role": [_("员工角色无效")]})
    estates = list(estates)
    for estate in estates:
        if estate.company_id != company.pk:
            raise ValidationError({"estates": [_("只能分配本企业的项目")]})
        if not actor.is_superuser and estate.pk not in actor.estate_ids:
            raise ValidationError({"estates": [_("只能分配您负责的项目")]})
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("该登录名已被使用")]})
    dept = department_for(company, department)
    pos = Position.objects.get_or_create(department=dept, name=position)[0] if position else None
    user = User(username=username, first_name=name[:150])
    if password:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    staff = _save(
        Staff(
            company=company,
            user=user,
            employee_no=employee_no.strip(),
            name=name.strip(),
            mobile=normalize_mobile(mobile),
            department=dept,
            position=pos,
            role=role,
        )
    )
    staff.estates.set(estates)
    return staff


@transaction.atomic
def contractor_create(
    *,
    company: Company,
    name: str,
    qualification: str,
    qualification_expires_on: dt.date,
    scope: str = "",
    contact_name: str = "",
    contact_mobile: str = "",
    estates: Iterable[Estate] = (),
    by,
) -> Contractor:
    actor = _actor(by)
    if not (actor.is_superuser or (actor.can_write_staff() and actor.company_id == company.pk)):
        raise PermissionDenied(_("只有部门负责人或企业高层可以登记维保单位"))
    check_date(qualification_expires_on, field="qualification_expires_on", label=_("资质有效期至"))
    contractor = _save(
        Contractor(
            company=company,
            name=name.strip(),
            scope=scope,
            qualification=qualification,
            qualification_expires_on=qualification_expires_on,
            contact_name=contact_name,
            contact_mobile=normalize_mobile(contact_mobile) if contact_mobile else "",
        )
    )
    contractor.estates.set(list(estates))
    return contractor


def api_token_issue(*, user, name: str = "") -> tuple[str, ApiToken]:
    """Issue a bearer token; the clear text is returned once and never stored. The token is
    bound to the user's current password: a new password ends it (``api_token_authenticate``)."""
    token = ApiToken.generate()
    record = ApiToken.objects.create(
        user=user,
        digest=ApiToken.hash(token),
        name=name[:60],
        password_fingerprint=ApiToken.fingerprint(user.password),
        expires_at=timezone.now() + API_TOKEN_LIFETIME,
    )
    return token, record


def api_token_authenticate(token: str):
    """The user of a working bearer token, or None.

    A token works while it is unexpired and not revoked, its user is active, the user's password
    is the one it was issued under (a password set by any path — the password page, the admin,
    ``manage.py changepassword`` — ends it), and the login name is not locked out everywhere (the
    per-name ceiling of ``core/lockout.py``; a lock of one name at one address is about password
    guesses from there and leaves the name's tokens alone). One query.
    """
    if not token:
        return None
    record = (
        # The user's staff / resident / contractor rows come along: actor_for needs one of them
        # on every request, and three more round trips per API call add up.
        ApiToken.objects.select_related(
            "user", "user__staff", "user__resident", "user__contractor_account__contractor"
        )
        .filter(
            digest=ApiToken.hash(token),
            expires_at__gt=timezone.now(),
            revoked_at__isnull=True,
            user__is_active=True,
        )
        .annotate(name_failures=lockout.username_failures(OuterRef("user__username")))
        .first()
    )
    if record is None or not record.password_matches(record.user.password):
        return None
    if lockout.username_locked_everywhere(record.name_failures):
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


def api_token_state(record: ApiToken) -> str:
    """Why a token (its user loaded) works or not, for the list of tokens (lockout aside: it is
    temporary and about the login name, not the token)."""
    if record.revoked_at is not None:
        return ApiToken.State.REVOKED
    if record.expires_at <= timezone.now():
        return ApiToken.State.EXPIRED
    if not record.user.is_active:
        return ApiToken.State.USER_INACTIVE
    if not record.password_matches(record.user.password):
        return ApiToken.State.PASSWORD_CHANGED
    return ApiToken.State.ACTIVE


def api_token_get_for_user(user, pk) -> ApiToken:
    """One of the user's own tokens, or any token for a superuser; otherwise a 404."""
    tokens = ApiToken.objects.select_related("user")
    if not user.is_superuser:
        tokens = tokens.filter(user=user)
    return get_or_404(tokens, pk)


def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """Revoke a token: its owner or a superuser. Revoking a revoked token changes nothing."""
    if not (by.is_superuser or token.user_id == by.pk):
        raise PermissionDenied(_("只能吊销自己的访问令牌"))
    _revoke(ApiToken.objects.filter(pk=token.pk), by=by)
    token.refresh_from_db(fields=["revoked_at", "revoked_by"])
    return token


def api_token_revoke_all(*, user, by) -> int:
    """Revoke every unrevoked token of ``user``: the user themself or a superuser. Returns how
    many were revoked."""
    if not (by.is_superuser or user.pk == by.pk):
        raise PermissionDenied(_("只能吊销自己的访问令牌"))
    return _revoke(ApiToken.objects.filter(user=user), by=by)


def api_token_revoke_selected(*, tokens: QuerySet[ApiToken], by) -> int:
    """Revoke the given tokens of any users (the admin's action): superusers only."""
    if not by.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以吊销他人的访问令牌"))
    return _revoke(tokens, by=by)


def _revoke(tokens: QuerySet[ApiToken], *, by) -> int:
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoked_by=by)


def api_token_list_for_user(user) -> QuerySet[ApiToken]:
    """The user's own tokens that have not expired, newest first (revoked ones too, as a record,
    until the expiry job deletes them)."""
    return (
        ApiToken.objects.filter(user=user, expires_at__gt=timezone.now())
        .select_related("user", "revoked_by")
        .order_by("-created_at", "-pk")
    )


def api_token_purge_expired() -> int:
    """Periodic job: delete expired API tokens. Idempotent."""
    deleted, _details = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
