"""The store's monthly check (存放点月检, CLEAN-17): at its fixed place, locked, out of children's
reach, every product labelled, with a photo.

One check per store and month (the store's local month): a second is a Conflict (409). The check
completes the month's planned task of the store (its open task, a missed one done late) through
field work's ``task_complete``, so the plan shows it done; a check with any item failing is
recorded as failed and the environment department's heads are told at once. A month whose task
ran past its due time without a check is overdue on the store list
(``selectors.stores.store_list``).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.core.validators import check_model_text
from wuye.fieldwork.services.records import task_complete
from wuye.notify.services import message_enqueue
from wuye.workflow.attachments import attachments_bind_record, attachments_resolve
from wuye.workflow.models import AttachmentKind, PlannedTask, PlannedTaskStatus

from ..models import Store, StoreCheck
from ..processes import ENVIRONMENT_LEADS, ENVIRONMENT_TEAM
from .stores import in_estate, store_heads

__all__ = ["CHECK_ITEMS", "CHECK_ROLES", "store_check_record", "store_check_task"]

# CLEAN-17: the head checks, or the keeper (a cleaner or gardener) whose store it is.
CHECK_ROLES = ENVIRONMENT_LEADS
# The items of the check, as the form asks them.
CHECK_ITEMS = ("fixed_place", "locked", "out_of_reach", "labelled")
OPEN = (PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def store_check_task(store: Store, now: dt.datetime | None = None) -> PlannedTask | None:
    """The store's check to do now: its earliest open task already begun (a missed month is
    still done, late)."""
    if store.check_schedule_id is None:
        return None
    return (
        PlannedTask.objects.filter(
            schedule_id=store.check_schedule_id,
            status__in=OPEN,
            scheduled_for__lte=now or timezone.now(),
        )
        .order_by("scheduled_for", "id")
        .first()
    )


def may_check(actor: Actor, store: Store) -> bool:
    if actor.is_superuser or actor.role in CHECK_ROLES:
        return True
    return (
        actor.staff is not None
        and actor.role in ENVIRONMENT_TEAM
        and store.keeper_id == getattr(actor.staff, "pk", None)
    )


@transaction.atomic
def store_check_record(
    *,
    store: Store,
    fixed_place: bool,
    locked: bool,
    out_of_reach: bool,
    labelled: bool,
    by,
    photo=None,
    note: str = "",
) -> StoreCheck:
    """CLEAN-17: record this month's check of the store. ``photo``: the id of an uploaded photo
    (or the Attachment), required — the evidence of the store as found. A failed item needs a
    note saying what was found. Returns the check; it completes the month's planned task."""
    actor = _actor(by)
    in_estate(actor, store.estate_id)
    if not may_check(actor, store):
        raise PermissionDenied(_("存放点月检由环境管理部负责人或该存放点的保管人填写"))
    store = Store.objects.select_for_update().select_related("estate").get(pk=store.pk)
    now = timezone.now()
    month = now.astimezone(estate_tz(store.estate)).date().replace(day=1)
    errors: dict[str, list[str]] = {}
    answers = {
        "fixed_place": fixed_place, "locked": locked, "out_of_reach": out_of_reach,
        "labelled": labelled,
    }  # fmt: skip
    for key, value in answers.items():
        if not isinstance(value, bool):
            errors[key] = [_("请选择是或否")]
    note = (note or "").strip() if isinstance(note, str) else ""
    check_model_text(StoreCheck, errors, note=note)
    passed = all(value is True for value in answers.values())
    if not passed and not note and not errors:
        errors["note"] = [_("检查不合格，请说明发现的问题")]
    if photo is None or photo == "":
        errors["photo"] = [_("请拍照留存存放点现状")]
    if not store.active:
        errors.setdefault("store", []).append(_("存放点已停用"))
    if errors:
        raise ValidationError(errors)
    if StoreCheck.objects.filter(store=store, month=month).exists():
        raise Conflict(_("本月已检查过该存放点"), code="exists")
    image = _photo(photo, actor)
    task = store_check_task(store, now)
    if task is not None:
        # The photo goes onto the task's record (bound there by field work).
        task_complete(task=task, answers=[], by=actor, photos=[image], note=note or _("合格"))
    try:
        with transaction.atomic():
            check = StoreCheck.objects.create(
                store=store, month=month, passed=passed, note=note, photo=image,
                by=actor.user, at=now, **answers,
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("本月已检查过该存放点"), code="exists") from None
    if task is None:
        ref = f"environment.storecheck:{check.pk}"
        attachments_bind_record([image], estate=store.estate, ref=ref)
    if not passed:
        _tell_heads(check)
    return check


def _photo(photo, actor: Actor):
    try:
        (image,) = attachments_resolve([photo], actor=actor, case=None)
    except ValidationError as error:
        raise ValidationError({"photo": error.message_dict.get("attachments", [])}) from None
    if image.kind != AttachmentKind.PHOTO:
        raise ValidationError({"photo": [_("请上传照片")]})
    return image


def _tell_heads(check: StoreCheck) -> None:
    store = check.store
    failed = [label for key, label in (
        ("fixed_place", _("未定点存放")), ("locked", _("未加锁")),
        ("out_of_reach", _("儿童可接触")), ("labelled", _("标识不清")),
    ) if not getattr(check, key)]  # fmt: skip
    title = _("存放点月检不合格")
    body = _("%(store)s（%(place)s）%(month)s 月检不合格：%(items)s。%(note)s") % {
        "store": store.name, "place": store.location, "month": f"{check.month:%Y-%m}",
        "items": "、".join(failed), "note": check.note,
    }  # fmt: skip
    url = reverse("environment:store_detail", args=[store.pk])
    for user in store_heads(store.estate_id, store.estate.company_id):
        message_enqueue(
            recipient=user, template="notice", context={"title": title, "body": body},
            estate=store.estate, ref=store.name, url=url,
            idempotency_key=f"store_check_failed:{check.pk}",
        )  # fmt: skip
