"""Reads of fire-prevention publicity (FIRE-07): the year's plan by month, each topic's state
(published, due this month, overdue once its month has ended, planned)."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db.models import QuerySet

from wuye.core.scoping import Actor, actor_for, get_or_404, visible_estates

from ..models import PublicityTopic

STATES = ("published", "due", "overdue", "planned")


def topic_state(topic: PublicityTopic, today: dt.date) -> str:
    if topic.published_at is not None:
        return "published"
    last = dt.date(topic.year, topic.month, calendar.monthrange(topic.year, topic.month)[1])
    if today > last:
        return "overdue"
    if (today.year, today.month) == (topic.year, topic.month):
        return "due"
    return "planned"


def publicity_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    year: int | None = None,
    month: int | None = None,
) -> QuerySet[PublicityTopic]:
    if actor.is_superuser:
        qs = PublicityTopic.objects.all()
    elif actor.staff is not None:
        qs = PublicityTopic.objects.filter(estate__in=visible_estates(actor))
    else:
        return PublicityTopic.objects.none()
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    if year:
        qs = qs.filter(year=year)
    if month:
        qs = qs.filter(month=month)
    return qs.select_related("estate", "published_by", "notice").order_by("year", "month", "id")


def publicity_get_for_user(user, pk) -> PublicityTopic:
    return get_or_404(publicity_list(actor=actor_for(user)), pk)


def with_states(topics, today: dt.date) -> list[PublicityTopic]:
    rows = list(topics)
    for topic in rows:
        topic.state = topic_state(topic, today)
    return rows
