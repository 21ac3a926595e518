"""Fire-prevention publicity (FIRE-07, FIRE-01): a yearly plan of topics by month, each
published by customer service on the board, by SMS and in the app; the plan shows what was
published and what is overdue."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.security.fireevents_helpers import at, fire_world
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.notify.models import Message, Notice
from wuye.security.selectors.publicity import publicity_list, topic_state, with_states
from wuye.security.services.publicity import (
    publicity_plan_seed,
    publicity_publish,
    publicity_topic_create,
)


@pytest.fixture
def fw(world):
    return fire_world(world)


def test_a_topic_is_published_on_the_board_by_sms_and_in_the_app__FIRE_07(fw):
    with time_machine.travel(at(2026, 3, 5, 10, 0), tick=False):
        topic = publicity_topic_create(
            estate=fw.estate, year=2026, month=3, title="楼道禁止堆放杂物",
            body="楼道是逃生通道，请勿堆放杂物。", by=fw.agent.user,
        )  # fmt: skip
        topic = publicity_publish(topic=topic, by=fw.agent.user)
    notice = Notice.objects.get(pk=topic.notice_id)
    assert notice.category == "fire_safety" and notice.published_at == at(2026, 3, 5, 10, 0)
    channels = set(
        Message.objects.filter(recipient=fw.owner.user).values_list("channel", flat=True)
    )
    assert channels == {"inbox", "sms"}
    with pytest.raises(Conflict):
        publicity_publish(topic=topic, by=fw.agent.user)


def test_publicity_is_customer_services_work__FIRE_01_07(fw):
    topic = publicity_topic_create(estate=fw.estate, year=2026, month=5, title="禁止私拉乱接电线",
                                   body="请勿私拉电线。", by=fw.head.user)  # fmt: skip
    with pytest.raises(PermissionDenied):
        publicity_publish(topic=topic, by=fw.g1.user)
    with pytest.raises(PermissionDenied):
        publicity_plan_seed(estate=fw.estate, year=2026, by=fw.g1.user)


def test_the_plan_shows_published_due_and_overdue_topics_across_a_month_end__FIRE_07(fw):
    with time_machine.travel(at(2026, 1, 2, 9, 0), tick=False):
        made = publicity_plan_seed(estate=fw.estate, year=2026, by=fw.agent.user)
        assert len(made) == 6 and publicity_plan_seed(estate=fw.estate, year=2026,
                                                      by=fw.agent.user) == []  # fmt: skip
        march = next(t for t in made if t.month == 3)
        publicity_publish(topic=march, by=fw.agent.user)
    topics = publicity_list(actor=actor_for(fw.agent.user), estate_id=fw.estate.pk, year=2026)
    with time_machine.travel(at(2026, 5, 31, 23, 0), tick=False):
        states = {t.month: t.state for t in with_states(topics, at(2026, 5, 31, 23, 0).date())}
    assert states == {1: "overdue", 3: "published", 5: "due", 7: "planned", 9: "planned",
                      11: "planned"}  # fmt: skip
    may = next(t for t in topics if t.month == 5)
    assert topic_state(may, at(2026, 6, 1, 0, 0).date()) == "overdue"


def test_a_topic_needs_its_title_body_and_a_real_month__FIRE_07(fw):
    with pytest.raises(ValidationError) as refused:
        publicity_topic_create(estate=fw.estate, year=2026, month=13, title="", body="",
                               channels=["wechat"], by=fw.agent.user)  # fmt: skip
    assert {"title", "body", "month", "channels"} <= set(refused.value.message_dict)
