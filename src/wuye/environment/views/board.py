"""The environment head's board (环境看板) — the department's home page under ``/environment/`` —
the tasks behind its figures, and the monthly scores (月度考核) with their Excel file. On a phone
and on a desk; the board refreshes itself every minute."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from wuye.base.pages import due_text, paginate, render_list
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local

from ..documents.scores import scores_xlsx
from ..selectors import board as selectors
from ..selectors import scores as score_selectors

REFRESH_SECONDS = 60


def _today(estate) -> dt.date:
    return timezone.now().astimezone(estate_tz(estate)).date()


def _day(request, estate) -> tuple[dt.date, list[str]]:
    today = _today(estate)
    try:
        return selectors.day_parse(request.GET.get("day"), today), []
    except ValidationError as error:
        return today, error.message_dict["day"]


def _rectification_url(pk: int) -> str:
    # The rectification's own page (h-inspect's); the board still shows where it is missing.
    try:
        return reverse("environment:rectification_detail", args=[pk])
    except NoReverseMatch:
        return ""


@require_GET
@estate_page
def board(request, estate):
    selectors.board_check(actor_for(request.user))
    day, errors = _day(request, estate)
    now = timezone.now()
    context = selectors.board(actor_for(request.user), estate, day, now)
    for r in context["rectifications"].rows:
        r.url = _rectification_url(r.pk)
        r.countdown = due_text(r.deadline, now) if r.done_at is None else ""
    context.update(
        estate=estate, refresh=REFRESH_SECONDS, errors=errors,
        previous=day - dt.timedelta(days=1), next=day + dt.timedelta(days=1),
    )  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "environment/board/page.html", "environment/board/blocks.html", context
        )


def _int(value: str | None) -> int | None:
    try:
        number = int(value) if value not in (None, "") else None
    except ValueError:
        raise Http404 from None
    if number is not None and not 0 <= number < 2**63:
        raise Http404
    return number


@require_GET
@estate_page
def board_tasks(request, estate):
    selectors.board_check(actor_for(request.user))
    day, errors = _day(request, estate)
    state = request.GET.get("state", "")
    if state not in selectors.TASK_STATES:
        state = ""
    now = timezone.now()
    qs = selectors.board_task_list(
        estate, day, now=now, zone=_int(request.GET.get("zone")),
        green_area=_int(request.GET.get("green_area")), person=_int(request.GET.get("person")),
        state=state,
    )  # fmt: skip
    page = paginate(request, qs)
    for task in page.object_list:
        task.state = selectors.task_state(task, now)
        task.state_label = selectors.TASK_STATES[task.state]
        line = getattr(task.schedule, "environment_line", None)
        task.place = (line.zone or line.green_area) if line else None
    context = {
        "estate": estate, "day": day, "errors": errors, "page": page, "state": state,
        "states": selectors.TASK_STATES.items(), "now": now,
    }  # fmt: skip
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "environment/board/tasks.html", "environment/board/task_results.html", context
        )


def _month(request, estate) -> tuple[dt.date, list[str]]:
    today = _today(estate)
    try:
        return score_selectors.month_parse(request.GET.get("month"), today), []
    except ValidationError as error:
        return today.replace(day=1), error.message_dict["month"]


@require_GET
@estate_page
def scores(request, estate):
    selectors.board_check(actor_for(request.user))
    month, errors = _month(request, estate)
    data = score_selectors.scores(estate, month)
    context = {
        **data, "estate": estate, "errors": errors,
        "charts": score_selectors.scores_charts(data),
        "previous": score_selectors.month_shift(month, -1),
        "next": score_selectors.month_shift(month, 1),
    }  # fmt: skip
    return render_local(request, "environment/board/scores.html", context, estate)


@require_GET
@estate_page
def scores_export(request, estate):
    selectors.board_check(actor_for(request.user))
    month, errors = _month(request, estate)
    if errors:
        return HttpResponseBadRequest(errors[0], content_type="text/plain; charset=utf-8")
    return scores_xlsx(score_selectors.scores(estate, month), estate.name)


urlpatterns = [
    path("", board, name="board"),
    path("board/tasks/", board_tasks, name="board_tasks"),
    path("scores/", scores, name="scores"),
    path("scores/export.xlsx", scores_export, name="scores_export"),
]
