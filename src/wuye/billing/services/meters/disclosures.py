"""The monthly shared-cost disclosure (公摊费用公示, FEE-08): a draft from the common meters
and manual lines, published once, billing each owned room its share."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.billing.models import (
    ZERO,
    Bill,
    ChargeBasis,
    ChargeItem,
    ChargeKind,
    DisclosureStatus,
    EntryKind,
    LedgerEntry,
    Meter,
    MeterReading,
    SharedCostDisclosure,
    SharedCostKind,
    SharedCostLine,
)
from wuye.billing.selectors.meters import (
    CENT,
    disclosure_shares,
    month_end,
    owned_rooms,
)
from wuye.billing.services.charges import charge_item_get_or_create
from wuye.billing.services.common import _actor, _lock, money
from wuye.billing.services.payments import _rooms_with_credit, credit_apply
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate
from wuye.core.scoping import Actor
from wuye.core.validators import check_field_text

from .common import (
    SHARED_ITEM_NAME,
    _check,
    _check_month,
    may_prepare_disclosure,
    may_publish_disclosure,
)

# --- Disclosure (FEE-08) -----------------------------------------------------------------------


def _line_amount(usage: Decimal, price: Decimal) -> Decimal:
    return (usage * price).quantize(CENT, rounding=ROUND_HALF_UP)


def _meter_lines(estate: Estate, month: dt.date) -> list[SharedCostLine]:
    readings = (
        MeterReading.objects.filter(meter__estate=estate, meter__room__isnull=True, period=month)
        .select_related("meter__building")
        .order_by("meter__building__sort", "meter__building__name", "meter__kind", "meter__code")
    )
    return [
        SharedCostLine(
            kind=SharedCostKind(r.meter.kind),
            name=r.meter.name,
            meter=r.meter,
            building=r.meter.building,
            usage=r.usage,
            unit_price=r.meter.unit_price,
            amount=_line_amount(r.usage, r.meter.unit_price),
        )
        for r in readings
    ]


def missing_readings(estate: Estate, month: dt.date) -> list[Meter]:
    """Active common meters read before the month but not for it (a meter first read later is
    new: it has nothing to disclose for this month)."""
    return list(
        Meter.objects.filter(
            estate=estate, room__isnull=True, is_active=True, readings__period__lt=month
        )
        .exclude(readings__period=month)
        .distinct()
        .select_related("building")
        .order_by("code")
    )


def stale_lines(disclosure: SharedCostDisclosure) -> bool:
    """Whether the draft's meter lines differ from the readings now (corrected meanwhile)."""
    have = sorted(
        (line.meter_id, line.usage, line.unit_price, line.amount)
        for line in disclosure.lines.filter(meter__isnull=False)
    )
    want = sorted(
        (line.meter.pk, line.usage, line.unit_price, line.amount)
        for line in _meter_lines(disclosure.estate, disclosure.month)
    )
    return have != want


def _recompute(disclosure: SharedCostDisclosure) -> None:
    lines = list(disclosure.lines.all())
    rooms = owned_rooms(disclosure.estate, disclosure.month)
    disclosure.total = sum((line.amount for line in lines), ZERO)
    disclosure.rooms_count = len(rooms)
    disclosure.area_total = sum((r[1] for r in rooms), ZERO)
    disclosure.save(update_fields=["total", "rooms_count", "area_total"])


def _check_draft(disclosure: SharedCostDisclosure) -> None:
    if disclosure.status != DisclosureStatus.DRAFT:
        raise Conflict(_("该月公摊费用已公示，不能再修改"), code="published")


def disclosure_prepare(
    *, estate: Estate, month: dt.date, by, method: str | None = None
) -> SharedCostDisclosure:
    """The month's draft from the common meters' readings (made, or its meter lines
    recomputed); the manual lines stay."""
    actor = _actor(by)
    _check(
        actor, estate.pk, may_prepare_disclosure(actor), _("只有财务人员或企业高层可以编制公摊费用")
    )
    month = _check_month(estate, month, "month")
    if method is not None and method not in ("area", "household"):
        raise ValidationError({"method": [_("请选择分摊方式")]})
    with transaction.atomic():
        _lock(Estate, estate.pk)
        disclosure = SharedCostDisclosure.objects.filter(estate=estate, month=month).first()
        if disclosure is None:
            disclosure = SharedCostDisclosure.objects.create(
                estate=estate,
                month=month,
                method=method or "area",
                created_at=timezone.now(),
                created_by=actor.user,
            )
        else:
            _check_draft(disclosure)
            if method is not None:
                disclosure.method = method
                disclosure.save(update_fields=["method"])
        disclosure.lines.filter(meter__isnull=False).delete()
        lines = _meter_lines(estate, month)
        for line in lines:
            line.disclosure = disclosure
        SharedCostLine.objects.bulk_create(lines)
        _recompute(disclosure)
    return disclosure


def _locked_draft(disclosure: SharedCostDisclosure, actor: Actor) -> SharedCostDisclosure:
    _check(
        actor,
        disclosure.estate_id,
        may_prepare_disclosure(actor),
        _("只有财务人员或企业高层可以编制公摊费用"),
    )
    locked = (
        SharedCostDisclosure.objects.select_for_update()
        .select_related("estate")
        .get(pk=disclosure.pk)
    )
    _check_draft(locked)
    return locked


@transaction.atomic
def disclosure_update(
    *, disclosure: SharedCostDisclosure, by, method: str, note: str = ""
) -> SharedCostDisclosure:
    actor = _actor(by)
    disclosure = _locked_draft(disclosure, actor)
    if method not in ("area", "household"):
        raise ValidationError({"method": [_("请选择分摊方式")]})
    note = (note or "").strip()
    check_field_text(SharedCostDisclosure, "note", note)
    disclosure.method, disclosure.note = method, note
    disclosure.save(update_fields=["method", "note"])
    return disclosure


@transaction.atomic
def disclosure_line_add(
    *,
    disclosure: SharedCostDisclosure,
    by,
    kind: str,
    name: str,
    amount,
    building: Building | None = None,
) -> SharedCostLine:
    """A shared cost without a meter (电梯费, other costs) with its amount."""
    actor = _actor(by)
    disclosure = _locked_draft(disclosure, actor)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if kind not in SharedCostKind.values:
        errors["kind"] = [_("请选择类别")]
    if not name:
        errors["name"] = [_("请填写名称，如 电梯费")]
    elif len(name) > 60:
        errors["name"] = [_("名称不能超过 60 个字")]
    try:
        amount = money(amount)
    except ValidationError as error:
        errors.update(error.message_dict)
    if building is not None and building.estate_id != disclosure.estate_id:
        errors["building"] = [_("该楼栋不属于本项目")]
    if errors:
        raise ValidationError(errors)
    line = SharedCostLine.objects.create(
        disclosure=disclosure, kind=kind, name=name, amount=amount, building=building
    )
    _recompute(disclosure)
    return line


@transaction.atomic
def disclosure_line_remove(*, line: SharedCostLine, by) -> None:
    actor = _actor(by)
    disclosure = _locked_draft(line.disclosure, actor)
    if line.meter_id is not None:
        raise ValidationError({"line": [_("表计用量来自抄表，请更正读数后重新计算")]})
    SharedCostLine.objects.filter(pk=line.pk, disclosure=disclosure).delete()
    _recompute(disclosure)


def unshared_lines(disclosure: SharedCostDisclosure) -> list[SharedCostLine]:
    """Lines of a building none of whose rooms is billed this month (nobody to share them)."""
    buildings = {r[2] for r in owned_rooms(disclosure.estate, disclosure.month)}
    return [
        line
        for line in disclosure.lines.select_related("building")
        if line.amount > 0
        and (line.building_id not in buildings if line.building_id else not buildings)
    ]


def shared_item(estate: Estate) -> ChargeItem:
    """The estate's shared-cost charge item (公摊水电费, shared by the monthly disclosure)."""
    item = (
        ChargeItem.objects.filter(
            estate=estate, kind=ChargeKind.SHARED_UTILITY, basis=ChargeBasis.SHARED
        )
        .order_by("-is_active", "pk")
        .first()
    )
    return item or charge_item_get_or_create(
        estate=estate,
        kind=ChargeKind.SHARED_UTILITY,
        name=SHARED_ITEM_NAME,
        basis=ChargeBasis.SHARED,
    )


def disclosure_text(disclosure: SharedCostDisclosure) -> str:
    """The notice's text: every line with its usage and amount, the method, where to see more."""
    lines = [
        _("%(estate)s %(month)s 公共区域水电及其他公摊费用明细如下：")
        % {"estate": disclosure.estate.name, "month": f"{disclosure.month:%Y年%m月}"}
    ]
    for line in disclosure.lines.select_related("building"):
        scope = line.building.name if line.building_id else _("全项目")
        if line.usage is not None:
            lines.append(
                _("· %(name)s（%(scope)s）用量 %(usage)s × 单价 %(price)s 元 = %(amount)s 元")
                % {
                    "name": line.name,
                    "scope": scope,
                    "usage": line.usage,
                    "price": line.unit_price.normalize(),
                    "amount": line.amount,
                }
            )
        else:
            lines.append(
                _("· %(name)s（%(scope)s）%(amount)s 元")
                % {"name": line.name, "scope": scope, "amount": line.amount}
            )
    lines.append(
        _("合计 %(total)s 元，%(method)s，分摊户数 %(rooms)d 户，分摊总面积 %(area)s ㎡。")
        % {
            "total": disclosure.total,
            "method": disclosure.get_method_display(),
            "rooms": disclosure.rooms_count,
            "area": disclosure.area_total,
        }
    )
    if disclosure.note:
        lines.append(disclosure.note)
    lines.append(
        _("各户分摊金额已计入本月账单，可在“我的账单 › 公摊公示”查看：%(url)s")
        % {"url": reverse("billing:my_disclosure", args=[disclosure.pk])}
    )
    return "\n".join(lines)


def disclosure_publish(
    *, disclosure: SharedCostDisclosure, due_date: dt.date, by, notify_residents: bool = False
) -> SharedCostDisclosure:
    """Publish the month's shared costs (FEE-08): once; every billed room gets its share as a
    bill with its ledger charge, and the disclosure goes up on the notice board, all in one
    transaction. Prepaid credit then settles the new bills."""
    from wuye.notify.choices import Channel, NoticeCategory
    from wuye.notify.notices import notice_create

    actor = _actor(by)
    _check(
        actor,
        disclosure.estate_id,
        may_publish_disclosure(actor),
        _("公摊费用须由财务负责人或企业高层审核公示"),
    )
    with transaction.atomic():
        # The lock serialises two publishers: the second sees it published and is refused.
        locked = SharedCostDisclosure.objects.select_for_update().get(pk=disclosure.pk)
        if locked.status != DisclosureStatus.DRAFT:
            raise Conflict(_("该月公摊费用已公示，不能重复公示"), code="published")
        disclosure = SharedCostDisclosure.objects.select_related("estate").get(pk=locked.pk)
        estate, month = disclosure.estate, disclosure.month
        if not isinstance(due_date, dt.date) or due_date < month:
            raise ValidationError({"due_date": [_("缴费截止日不能早于公示月份")]})
        missing = missing_readings(estate, month)
        if missing:
            raise ValidationError(
                {
                    "month": [
                        _("以下表计本月还没有抄表：%(codes)s。请先录入读数或停用该表")
                        % {"codes": "、".join(m.code for m in missing)}
                    ]
                }
            )
        if stale_lines(disclosure):
            raise Conflict(_("读数已更正，请先重新计算后再公示"), code="stale")
        if not disclosure.lines.exists():
            raise ValidationError({"month": [_("公示内容为空，请先计算或添加公摊费用")]})
        orphans = unshared_lines(disclosure)
        if orphans:
            raise ValidationError(
                {
                    "month": [
                        _("以下费用没有可分摊的房屋：%(names)s")
                        % {"names": "、".join(x.name for x in orphans)}
                    ]
                }
            )
        _recompute(disclosure)
        credit_rooms = set(_rooms_with_credit(estate))  # before the new charges
        shares = disclosure_shares(disclosure)
        if sum(shares.values(), ZERO) != disclosure.total:  # cannot happen: largest remainder
            raise RuntimeError("shares do not add up to the total")
        item = shared_item(estate)
        now = timezone.now()
        label = f"{item.name} {month:%Y-%m}"
        bills = [
            Bill(
                estate=estate,
                room_id=room_id,
                item=item,
                period_start=month,
                period_end=month_end(month),
                description=label,
                amount=amount,
                due_date=due_date,
                created_at=now,
            )
            for room_id, amount in shares.items()
            if amount > 0
        ]
        try:
            with transaction.atomic():
                created = Bill.objects.bulk_create(bills, batch_size=2000)
        except IntegrityError:
            raise Conflict(_("本月公摊账单已存在，不能重复生成"), code="billed") from None
        if created and created[0].pk is None:  # a backend without RETURNING
            created = list(Bill.objects.filter(item=item, period_start=month, source_ref=""))
        LedgerEntry.objects.bulk_create(
            [
                LedgerEntry(
                    estate=estate,
                    room_id=b.room_id,
                    kind=EntryKind.CHARGE,
                    amount=b.amount,
                    bill=b,
                    description=b.description,
                    at=now,
                    by=actor.user,
                )
                for b in created
            ],
            batch_size=2000,
        )
        disclosure.status, disclosure.item = DisclosureStatus.PUBLISHED, item
        disclosure.published_at, disclosure.published_by = now, actor.user
        disclosure.save(update_fields=["status", "item", "published_at", "published_by"])
        notice_create(
            estate=estate,
            title=_("%(month)s公摊费用公示") % {"month": f"{month:%Y年%m月}"},
            body=disclosure_text(disclosure),
            category=NoticeCategory.COST_DISCLOSURE,
            notify_residents=notify_residents,
            channels=[Channel.INBOX],
            by=actor.user,
        )
    billed = {b.room_id for b in created}
    for room_id in credit_rooms & billed:
        credit_apply(room_id=room_id, at=now)
    return disclosure


# --- Reads -------------------------------------------------------------------------------------
