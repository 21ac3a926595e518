"""The reads of the move-in pages and the move-in API (业主入住, MOVEIN-*): the batches with
their progress, one batch's owners, the desk's queue, the house defects and the needs with
their filters, and the dashboard's figures. Scoped through ``services``' lists; the pages and
``api.py`` both call these, so a list shows the same rows wherever it is read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from wuye.base.pages import due_text
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.handover.selectors import takeover_confirmed

from . import services
from .choices import BatchStatus, HouseDefectStatus, MoveInStatus, NoticeChannel
from .models import FollowUpTask, HouseDefect, MoveIn, MoveInBatch
from .processes import MOVE_IN

M = MoveInStatus
ARRIVED = (M.ARRIVED, M.DOCUMENTS_CHECKED, M.FEES_PAID, M.INSPECTED, M.KEYS_HANDED, M.COMPLETED,
           M.REVISITED)  # fmt: skip
COMPLETED = (M.COMPLETED, M.REVISITED)
# The desk's "办理中": arrived and not completed yet.
WAITING = "waiting"
DESK_STATUSES = (WAITING, *M.values)
DEFECT_SHOWS = ("open", "overdue", "all")
NEED_SHOWS = ("open", "all")


def clock_view(clocks: Iterable, now: dt.datetime) -> list:
    """Each clock with ``view_state`` (ok / warn / breach / paused, as the pages colour it)
    and ``countdown`` (还剩… / 已超时…) at ``now``."""
    clocks = list(clocks)
    for c in clocks:
        running = c.state == "running"
        c.view_state = (
            "breach" if c.state == "breached" or (running and c.due_at <= now)
            else "warn" if running and c.warn_at <= now
            else "paused" if c.state == "paused" else "ok"
        )  # fmt: skip
        c.countdown = due_text(c.due_at, now) if running else ""
    return clocks


# --- Batches (MOVEIN-03) ------------------------------------------------------------------------


def batch_progress(qs: QuerySet[MoveInBatch]) -> QuerySet[MoveInBatch]:
    """Each batch with its owners ``notified``, ``arrived``, ``completed`` and ``revisited``."""
    return qs.annotate(
        notified=Count("notices", distinct=True),
        arrived=Count("move_ins", filter=Q(move_ins__case__status__in=ARRIVED), distinct=True),
        completed=Count("move_ins", filter=Q(move_ins__case__status__in=COMPLETED),
                        distinct=True),
        revisited=Count("move_ins", filter=Q(move_ins__case__status=M.REVISITED), distinct=True),
    )  # fmt: skip


def batch_list_filtered(
    *, actor: Actor, estate: Estate | None, status: str = "", building: int | None = None
) -> QuerySet[MoveInBatch]:
    """The batches list: with their progress, by ``status`` and ``building`` (an unknown
    status is no filter, as on the page)."""
    qs = batch_progress(services.batch_list(actor=actor, estate=estate))
    if status in BatchStatus.values:
        qs = qs.filter(status=status)
    if building is not None:
        qs = qs.filter(building_id=building)
    return qs


def batch_facts(batch: MoveInBatch) -> dict:
    """One batch's owners, each with its notice (``notice``, ``channel_labels``) and move-in
    (``move_in``, ``status_label``); those not told yet; the notice deadline (MOVEIN-03) and
    whether the building's takeover is confirmed (TAKEOVER-15)."""
    owners = list(services.batch_owners(batch))
    notices = {(n.room_id, n.resident_id): n for n in batch.notices.all()}
    move_ins = {(m.room_id, m.resident_id): m for m in batch.move_ins.select_related("case")}
    for o in owners:
        o.notice = notices.get((o.room_id, o.resident_id))
        o.move_in = move_ins.get((o.room_id, o.resident_id))
        o.channel_labels = ""
        o.status_label = ""
        if o.notice:
            o.channel_labels = "、".join(
                str(NoticeChannel(c).label) for c in o.notice.channels.split(",") if c
            )
        if o.move_in:
            o.status_label = MOVE_IN.state_label(o.move_in.case.status)
    return {
        "owners": owners,
        "unnotified": [o for o in owners if o.notice is None],
        "deadline": services.notice_deadline(batch.starts_at, batch.estate),
        "late": services.notice_late(batch.starts_at, batch.estate),
        "confirmed": takeover_confirmed(batch.building),
    }


# --- The desk's queue on the day (MOVEIN-01/12) -------------------------------------------------


def current_batch(batches: list[MoveInBatch], now: dt.datetime) -> MoveInBatch | None:
    """The batch running today (its days and the day after), else the latest one."""
    on = [b for b in batches if b.starts_at <= now <= b.ends_at + dt.timedelta(days=1)]
    return on[0] if on else (batches[0] if batches else None)


def desk_batches(*, actor: Actor, estate: Estate) -> list[MoveInBatch]:
    """The batches the desk can pick from: those whose notices went out."""
    return list(services.batch_list(actor=actor, estate=estate).exclude(status=BatchStatus.PLANNED))


def desk_move_ins(*, actor: Actor, q: str = "", status: str = "") -> QuerySet[MoveIn]:
    """The desk's search (MOVEIN-12): by owner name, room number, the mobile's last digits or
    the case number; ``status``: a move-in status or ``waiting`` (arrived, not completed)."""
    qs = services.move_in_list(actor=actor)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(resident__name__contains=q) | Q(room__number__contains=q)
            | Q(resident__mobile__endswith=q) | Q(case__number__icontains=q)
        )  # fmt: skip
    if status == WAITING:
        qs = qs.filter(case__status__in=[s for s in ARRIVED if s not in COMPLETED])
    elif status in M.values:
        qs = qs.filter(case__status=status)
    return qs.order_by("room__unit__sort", "room__unit__name", "room__number", "resident__name")


# --- Defects and needs (MOVEIN-07/11) -----------------------------------------------------------


def house_defects_shown(
    *, actor: Actor, estate: Estate | None, show: str = "open"
) -> QuerySet[HouseDefect]:
    """``show``: open (not closed, the default), overdue (a breached clock still running) or
    anything else for all."""
    qs = services.house_defect_list(actor=actor)
    if estate is not None:
        qs = qs.filter(move_in__batch__estate=estate)
    if show == "open":
        qs = qs.exclude(case__status=HouseDefectStatus.CLOSED)
    elif show == "overdue":
        qs = qs.filter(case__clocks__state="breached", case__clocks__stopped_at__isnull=True)
    return qs.order_by("created_at", "id").distinct()


def need_department(actor: Actor, requested: str | None) -> str:
    """The department whose needs are listed: the one asked for, else the caller's own (when
    needs go to it); "" (or an unknown one): every department."""
    if requested is None:
        own = getattr(getattr(actor.staff, "department", None), "kind", "")
        requested = own if own in services.NEED_DEPARTMENTS else ""
    return requested if requested in services.NEED_DEPARTMENTS else ""


def needs_shown(
    *, actor: Actor, estate: Estate | None, department: str = "", show: str = "open"
) -> QuerySet[FollowUpTask]:
    """MOVEIN-11: the needs of the visits, of one department or all, open ones by default."""
    qs = services.follow_up_list(actor=actor, department=department)
    if estate is not None:
        qs = qs.filter(move_in__batch__estate=estate)
    if show == "open":
        qs = qs.filter(case__status="open")
    return qs.order_by("-created_at", "-id")


# --- The dashboard (MOVEIN-10) ------------------------------------------------------------------


def dashboard(*, actor: Actor, estate: Estate, now: dt.datetime | None = None) -> dict:
    """Owners notified / arrived / completed per batch (the latest 20), the open defects and
    their clocks (the oldest 50), the revisits due (the oldest 50) and the totals."""
    now = now or timezone.now()
    batches = list(batch_progress(services.batch_list(actor=actor, estate=estate))[:20])
    for b in batches:
        b.owners = services.batch_owners(b).count()
    defects = list(
        services.house_defect_list(actor=actor).filter(move_in__batch__estate=estate)
        .exclude(case__status=HouseDefectStatus.CLOSED).order_by("created_at")[:50]
    )  # fmt: skip
    for d in defects:
        d.clocks = clock_view(d.case.clocks.all(), now)
    due = list(
        services.move_in_list(actor=actor).filter(batch__estate=estate, case__status=M.COMPLETED)
        .prefetch_related("case__clocks").order_by("case__updated_at")[:50]
    )  # fmt: skip
    for m in due:
        m.clocks = clock_view([c for c in m.case.clocks.all() if c.key == "revisit"], now)
    totals = {
        "notified": sum(b.notified for b in batches),
        "arrived": sum(b.arrived for b in batches),
        "completed": sum(b.completed for b in batches),
        "defects": len(defects),
        "overdue": sum(1 for d in defects if any(c.view_state == "breach" for c in d.clocks)),
        "revisits": len(due),
    }
    return {"batches": batches, "defects": defects, "due": due, "totals": totals}
