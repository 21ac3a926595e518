"""Opening a rectification (整改, CLEAN-15; GREEN-11): the failed inspection's rectification for
the zone's first cleaner (the area's first gardener), with its deadline — the process clock
``rectify`` or the hours the inspector chose — and the assignee told in their inbox. Called by
``inspections.inspection_record`` in its transaction; the rest of the rectification's life is
``rectifications``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.notify import services as notify
from wuye.notify.choices import Channel
from wuye.workflow import calendar
from wuye.workflow import services as engine
from wuye.workflow.models import Case, SlaClock

from ..choices import InspectionKind
from ..models import Inspection, Rectification
from ..processes import RECTIFICATION
from .responsibility import responsible_staff

__all__ = ["PROBLEM_MAX", "rectification_open"]

PROBLEM_MAX = 500


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _problem(inspection: Inspection) -> str:
    failed = [
        f"{i.label}（{i.score.normalize():f}/{i.full_score.normalize():f}）"
        + (f"：{i.note}" if i.note else "")
        for i in inspection.items.order_by("position")
        if not i.passed
    ]
    if not failed:
        failed = [
            _("总分 %(score)s/%(full)s 未达合格线")
            % {"score": f"{inspection.score.normalize():f}",
               "full": f"{inspection.full_score.normalize():f}"}
        ]  # fmt: skip
    return "；".join(failed)[:PROBLEM_MAX]


def _align_deadline(case: Case, hours: int) -> SlaClock:
    """The inspector's own deadline: the clock runs to it (calendar hours from the opening)."""
    clock = SlaClock.objects.get(case=case, key="rectify")
    due = calendar.due_at(
        clock.started_at, hours, "hours", estate_tz(case.estate), estate_id=case.estate_id
    )
    clock.target_amount, clock.target_unit = hours, "hours"
    clock.due_at = due
    clock.warn_at = calendar.warning_at(
        clock.started_at, due, RECTIFICATION.clocks[0].warn_fraction
    )
    clock.save(update_fields=["target_amount", "target_unit", "due_at", "warn_at"])
    return clock


def _notify_assignee(rectification: Rectification, key: str) -> None:
    user = rectification.assignee.user
    if user is None:
        return
    subject = rectification.zone or rectification.green_area
    with translation.override(notify.recipient_language(user)):
        title = _("整改通知：%(place)s") % {"place": subject.name}
        body = _("%(problem)s。请在 %(deadline)s 前完成整改并拍照。") % {
            "problem": rectification.problem,
            "deadline": rectification.deadline.astimezone(estate_tz(rectification.estate)).strftime(
                "%Y-%m-%d %H:%M"
            ),
        }
    notify.message_enqueue(
        recipient=user,
        template="notice",
        context={"title": title, "body": body},
        channels=(Channel.INBOX,),
        estate=rectification.estate,
        ref=f"environment.rectification:{rectification.pk}",
        url=reverse("environment:rectification_detail", args=[rectification.pk]),
        idempotency_key=f"environment_rectify:{rectification.pk}:{key}",
    )


@transaction.atomic
def rectification_open(
    *, inspection: Inspection, by, deadline_hours: int | None = None
) -> Rectification:
    """CLEAN-15 / GREEN-11: the failed inspection's rectification, for the zone's first cleaner
    (the area's first gardener). Called by ``inspection_record`` in its transaction."""
    actor = _actor(by)
    if inspection.passed or inspection.kind == InspectionKind.RECHECK:
        raise ValidationError({"inspection": [_("只有不合格的检查需要整改")]})
    subject = inspection.zone or inspection.green_area
    staff = [s for s in responsible_staff(subject) if s.user_id]
    if not staff:
        raise ValidationError(
            {"zone": [_("“%(place)s”还没有责任人，请先指定保洁员或绿化工再登记不合格")
                      % {"place": subject.name}]}
        )  # fmt: skip
    assignee = staff[0]
    case = engine.case_open(
        process=RECTIFICATION, estate=inspection.estate, title=_("整改：%(place)s")
        % {"place": subject.name}, by=actor, at=inspection.at, assignee=assignee.user,
        data={"inspection": inspection.pk},
    )  # fmt: skip
    clock = (
        _align_deadline(case, deadline_hours)
        if deadline_hours
        else SlaClock.objects.get(case=case, key="rectify")
    )
    rectification = Rectification.objects.create(
        case=case, estate=inspection.estate, inspection=inspection, zone=inspection.zone,
        green_area=inspection.green_area, assignee=assignee, problem=_problem(inspection),
        deadline=clock.due_at,
    )  # fmt: skip
    _notify_assignee(rectification, "open")
    return rectification
