"""Reads of outages (停水停电): the scoped list with the upcoming ones first (a bounded number of
queries, whatever its length), the getter, how long ahead the notice was published
(EMERG-OUTAGE-04), the tasks (which are overdue) and the follow-up sample, and the words the list
and its Excel file show."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates
from wuye.notify.notices import published_ahead

from ..choices import TaskStatus
from ..models import Followup, IncidentTask, Outage

STATES = ("upcoming", "ongoing", "restored")
STATE_LABELS = {"upcoming": gettext_lazy("未开始"), "ongoing": gettext_lazy("停水停电中"),
                "restored": gettext_lazy("已恢复")}  # fmt: skip


def kind_label(outage: Outage) -> str:
    """计划停水 / 计划停电 / 突发停水 / 突发停电."""
    labels = {(True, "water"): _("计划停水"), (True, "power"): _("计划停电"),
              (False, "water"): _("突发停水"), (False, "power"): _("突发停电")}  # fmt: skip
    return labels[(outage.planned, outage.utility)]


def outage_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    utility: str = "",
    planned: bool | None = None,
    state: str = "",
    q: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Outage]:
    """Staff's outages of their estates: upcoming first (soonest first), then the ongoing ones,
    then the restored ones (latest first). ``state``: upcoming / ongoing / restored."""
    now = now or timezone.now()
    if actor.is_superuser:
        qs = Outage.objects.all()
    elif actor.staff is not None:
        qs = Outage.objects.filter(incident__estate__in=visible_estates(actor))
    else:
        return Outage.objects.none()
    if estate_id:
        qs = qs.filter(incident__estate_id=estate_id)
    if utility:
        qs = qs.filter(utility=utility)
    if planned is not None:
        qs = qs.filter(planned=planned)
    upcoming = Q(restored_at__isnull=True, starts_at__gt=now)
    ongoing = Q(restored_at__isnull=True, starts_at__lte=now)
    if state == "upcoming":
        qs = qs.filter(upcoming)
    elif state == "ongoing":
        qs = qs.filter(ongoing)
    elif state == "restored":
        qs = qs.filter(restored_at__isnull=False)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(incident__place__icontains=q) | Q(incident__case__number__icontains=q)
                       | Q(precautions__icontains=q) | Q(cause__icontains=q))  # fmt: skip
    qs = qs.annotate(
        rank=Case(When(upcoming, then=Value(0)), When(ongoing, then=Value(1)), default=Value(2),
                  output_field=IntegerField()),
        soon=Case(When(restored_at__isnull=True, then=F("starts_at")), default=None),
    )  # fmt: skip
    # The notice's boards (how long ahead) and the buildings are read per row: fetched once.
    return (
        qs.select_related("incident", "incident__case", "incident__estate", "release", "guard")
        .prefetch_related("release__notices", "incident__buildings")
        .order_by("rank", F("soon").asc(nulls_last=True), "-starts_at", "-pk")
    )


def outage_get_for_user(user, pk) -> Outage:
    return get_or_404(outage_list(actor=actor_for(user)), pk)


def outage_state(outage: Outage, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if outage.restored_at is not None:
        return "restored"
    return "upcoming" if outage.starts_at > now else "ongoing"


def outage_notice_ahead(outage: Outage) -> dt.timedelta | None:
    """How long before the outage its notice went out (the earliest of its boards), EMERG-OUTAGE-04
    (``notify.notices.published_ahead``); None without a published notice."""
    if outage.release_id is None:
        return None
    notices = [n for n in outage.release.notices.all() if n.published_at is not None]
    if not notices:
        return None
    first = min(notices, key=lambda n: n.published_at)
    return published_ahead(first, outage.starts_at)


def ahead_text(delta: dt.timedelta | None) -> str:
    """``2 天 3 小时 5 分钟`` (negative: after the start)."""
    if delta is None:
        return ""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    text = _("%(d)d 天 %(h)d 小时 %(m)d 分钟") % {"d": days, "h": hours, "m": mins}
    return text if delta >= dt.timedelta(0) else _("开始后 %(t)s") % {"t": text}


def task_overdue(task: IncidentTask, now: dt.datetime | None = None) -> bool:
    """Still open past its due time (EMERG-OUTAGE-07: the provision is late)."""
    now = now or timezone.now()
    return task.status == TaskStatus.OPEN and task.due_at is not None and task.due_at <= now


def outage_tasks(outage: Outage) -> QuerySet[IncidentTask]:
    return (
        IncidentTask.objects.filter(incident_id=outage.incident_id)
        .select_related("assignee", "step", "done_by")
        .order_by("step__order", "due_at", "pk")
    )


def outage_sample(outage: Outage) -> QuerySet[Followup]:
    return (
        Followup.objects.filter(incident_id=outage.incident_id)
        .select_related("room", "room__unit", "room__building", "by")
        .order_by("room__building_id", "room_id", "pk")
    )
