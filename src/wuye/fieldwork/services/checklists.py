"""Checklist templates (检查表): create, edit, items (add, edit, reorder, remove), deactivate,
copy. Executives and department heads write them; a company-wide template (no estate) only the
executives. A template already used by a completed record stays editable: each record keeps its
own copy of every item as it was asked (models.ChecklistAnswer)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.models import Company, Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text, exact_decimal

from ..choices import ItemKind
from ..models import Checklist, ChecklistItem

WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
MAX_ITEMS = 200
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
# A normal range's ends fit the field (12 digits, 3 of them decimals).
BOUND = Decimal("999999999.999")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _check_write(actor: Actor, *, company_id: int, estate_id: int | None) -> None:
    """Out of the company or the estate: 404; a role that may not write: 403."""
    if actor.is_superuser:
        return
    if actor.staff is None or actor.company_id != company_id:
        raise Http404
    if estate_id is not None and estate_id not in actor.estate_ids:
        raise Http404
    if actor.role not in WRITE_ROLES:
        raise PermissionDenied(_("只有部门负责人或企业高层可以编辑检查表"))
    if estate_id is None and actor.role != Role.EXECUTIVE:
        raise PermissionDenied(_("只有企业高层可以编辑全公司通用的检查表"))


def _clean_template(name: str, kind: str, source: str) -> tuple[str, str, str]:
    name, kind, source = (name or "").strip(), (kind or "").strip(), (source or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请填写名称")]
    if not _KIND.match(kind) or len(kind) > 30:
        errors["kind"] = [_("类别须为小写英文代码，如 maintenance")]
    check_model_text(Checklist, errors, name=name, source=source)
    if errors:
        raise ValidationError(errors)
    return name, kind, source


def _bound(value, field: str, label: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError({field: [_("%(label)s应为数字") % {"label": label}]})
    number = exact_decimal(value, places=3, field=field, label=label)
    if abs(number) > BOUND:
        raise ValidationError({field: [_("%(label)s超出可填写的范围") % {"label": label}]})
    return number


def _clean_item(data: dict) -> dict:
    """An item's fields, checked field by field; a range and a unit only for a reading."""
    label = str(data.get("label") or "").strip()
    kind = str(data.get("kind") or "")
    unit = str(data.get("unit") or "").strip()
    hint = str(data.get("hint") or "").strip()
    errors: dict[str, list[str]] = {}
    if not label:
        errors["label"] = [_("请填写检查内容")]
    if kind not in ItemKind.values:
        errors["kind"] = [_("请选择检查项类型")]
    check_model_text(ChecklistItem, errors, label=label, unit=unit, hint=hint)
    low = high = None
    try:
        low = _bound(data.get("low"), "low", _("下限"))
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        high = _bound(data.get("high"), "high", _("上限"))
    except ValidationError as error:
        errors.update(error.message_dict)
    if kind != ItemKind.READING and (low is not None or high is not None or unit):
        errors.setdefault("kind", []).append(_("只有读数类检查项可以填写单位和正常范围"))
    if low is not None and high is not None and high < low:
        errors.setdefault("high", []).append(_("上限不能小于下限"))
    required = data.get("required", True)
    if not isinstance(required, bool):
        errors["required"] = [_("请选择是否必填")]
    if errors:
        raise ValidationError(errors)
    return {"label": label, "kind": kind, "unit": unit, "low": low, "high": high,
            "required": required, "hint": hint}  # fmt: skip


def _locked(checklist: Checklist) -> Checklist:
    return Checklist.objects.select_for_update().get(pk=checklist.pk)


@transaction.atomic
def checklist_create(
    *,
    name: str,
    kind: str,
    by,
    estate: Estate | None = None,
    company: Company | None = None,
    source: str = "",
    items: list[dict] | None = None,
) -> Checklist:
    """A template for one estate, or company-wide (``estate`` None: the actor's company, or
    ``company`` for a superuser), with its first ``items`` (dicts of the item fields)."""
    actor = _actor(by)
    company_id = estate.company_id if estate is not None else (
        company.pk if company is not None else actor.company_id
    )  # fmt: skip
    if company_id is None:
        raise ValidationError({"company": [_("请选择公司")]})
    _check_write(actor, company_id=company_id, estate_id=estate.pk if estate else None)
    name, kind, source = _clean_template(name, kind, source)
    rows = []
    errors: dict[str, list[str]] = {}
    for index, data in enumerate(items or [], start=1):
        try:
            rows.append(_clean_item(data if isinstance(data, dict) else {}))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(f"items.{index}.{field}", []).extend(messages)
    if len(rows) > MAX_ITEMS:
        errors["items"] = [_("一张检查表最多 %(n)d 项") % {"n": MAX_ITEMS}]
    if errors:
        raise ValidationError(errors)
    checklist = Checklist.objects.create(
        company_id=company_id, estate=estate, name=name, kind=kind, source=source,
        created_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )  # fmt: skip
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, position=i, **row) for i, row in enumerate(rows, 1)
    )
    return checklist


@transaction.atomic
def checklist_update(
    *, checklist: Checklist, by, name: str, source: str = "", kind: str | None = None
) -> Checklist:
    """Rename the template or change its source (and its kind)."""
    actor = _actor(by)
    _check_write(actor, company_id=checklist.company_id, estate_id=checklist.estate_id)
    checklist = _locked(checklist)
    name, kind, source = _clean_template(name, checklist.kind if kind is None else kind, source)
    checklist.name, checklist.kind, checklist.source = name, kind, source
    checklist.save(update_fields=["name", "kind", "source"])
    return checklist


@transaction.atomic
def checklist_set_active(*, checklist: Checklist, active: bool, by) -> Checklist:
    """Deactivate (no new plan may use it; records and plans using it keep it) or reactivate."""
    actor = _actor(by)
    _check_write(actor, company_id=checklist.company_id, estate_id=checklist.estate_id)
    checklist = _locked(checklist)
    checklist.active = active
    checklist.save(update_fields=["active"])
    return checklist


@transaction.atomic
def checklist_copy(
    *, checklist: Checklist, by, estate: Estate | None = None, name: str = ""
) -> Checklist:
    """A new template with the same items, for ``estate`` (None: company-wide), named
    ``name`` or "<name>（副本）". The actor must be able to see the original."""
    from ..selectors.checklists import checklist_list

    actor = _actor(by)
    if not checklist_list(actor=actor).filter(pk=checklist.pk).exists():
        raise Http404
    if estate is not None and estate.company_id != checklist.company_id:
        raise Http404
    items = [
        {f: getattr(i, f) for f in ("label", "kind", "unit", "low", "high", "required", "hint")}
        for i in checklist.items.order_by("position")
    ]
    return checklist_create(
        name=name or (_("%(name)s（副本）") % {"name": checklist.name})[:100],
        kind=checklist.kind, by=actor, estate=estate,
        company=checklist.company if estate is None else None,
        source=checklist.source, items=items,
    )  # fmt: skip


@transaction.atomic
def checklist_item_add(*, checklist: Checklist, by, **fields) -> ChecklistItem:
    """Append an item (label, kind, unit, low, high, required, hint)."""
    actor = _actor(by)
    _check_write(actor, company_id=checklist.company_id, estate_id=checklist.estate_id)
    checklist = _locked(checklist)
    data = _clean_item(fields)
    count = checklist.items.count()
    if count >= MAX_ITEMS:
        raise ValidationError({"items": [_("一张检查表最多 %(n)d 项") % {"n": MAX_ITEMS}]})
    last = checklist.items.aggregate(m=Max("position"))["m"] or 0
    return ChecklistItem.objects.create(checklist=checklist, position=last + 1, **data)


@transaction.atomic
def checklist_item_update(*, item: ChecklistItem, by, **fields) -> ChecklistItem:
    """Change an item. Records already made keep the item as it was then."""
    checklist = item.checklist
    actor = _actor(by)
    _check_write(actor, company_id=checklist.company_id, estate_id=checklist.estate_id)
    _locked(checklist)
    current = {f: getattr(item, f) for f in ("label", "kind", "unit", "low", "high", "required",
                                             "hint")}  # fmt: skip
    data = _clean_item({**current, **fields})
    ChecklistItem.objects.filter(pk=item.pk).update(**data)
    item.refresh_from_db()
    return item


@transaction.atomic
def checklist_item_remove(*, item: ChecklistItem, by) -> None:
    """Remove an item; the ones after it move up. Records keep their copy."""
    checklist = item.checklist
    actor = _actor(by)
    _check_write(actor, company_id=checklist.company_id, estate_id=checklist.estate_id)
    checklist = _locked(checklist)
    ChecklistItem.objects.filter(pk=item.pk).delete()
    remaining = checklist.items.order_by("position", "id").values_list("pk", flat=True)
    _renumber(checklist, list(remaining))


def _renumber(checklist: Checklist, order: list[int]) -> None:
    # Two steps: the unique (checklist, position) would refuse a swap done in place.
    checklist.items.update(position=F("position") + 10000)
    for position, pk in enumerate(order, start=1):
        ChecklistItem.objects.filter(pk=pk, checklist=checklist).update(position=position)


@transaction.atomic
def checklist_items_reorder(*, checklist: Checklist, order: list[int], by) -> Checklist:
    """Put the items in ``order`` (every item id of the template, once)."""
    actor = _actor(by)
    _check_write(actor, company_id=checklist.company_id, estate_id=checklist.estate_id)
    checklist = _locked(checklist)
    ids = list(checklist.items.values_list("pk", flat=True))
    if not isinstance(order, list) or len(order) != len(set(order)) or set(order) != set(ids):
        raise ValidationError({"items": [_("排序须包含本检查表的每一项，且每项一次")]})
    _renumber(checklist, order)
    return checklist
