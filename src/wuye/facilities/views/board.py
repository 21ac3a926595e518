"""Engineering's board (工程设备看板): the engineering department's home page, on a phone and on
a desk. Every block links to its list; the page refreshes itself every 30 seconds."""

from __future__ import annotations

from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from wuye.base.pages import due_text, render_list
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz

from ..selectors import board as selectors

REFRESH_SECONDS = 30


def _countdowns(items, now) -> None:
    for item in items:
        clock = getattr(item, "clock", None)
        item.countdown = due_text(clock.due_at, now) if clock and clock.state == "running" else ""


@require_GET
@estate_page
def board(request, estate):
    now = timezone.now()
    context = selectors.board(actor_for(request.user), estate, now)
    _countdowns(context["anomalies"].rows, now)
    _countdowns(context["faults"].rows, now)
    for task in context["planned"].rows:
        task.countdown = due_text(task.due_at, now)
    context.update(estate=estate, refresh=REFRESH_SECONDS)
    with timezone.override(estate_tz(estate)):
        return render_list(
            request, "facilities/board/page.html", "facilities/board/blocks.html", context
        )


urlpatterns = [
    path("board/", board, name="board"),
]
