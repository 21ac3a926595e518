"""The notice board (公告栏): publishing now or on schedule (exactly once, the real moment
recorded), expiry, audience by estate / building / unit, notifying residents through the outbox,
permissions, the pages, the print page and the API."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from tests.factories import (
    BuildingFactory,
    OccupancyFactory,
    RoomFactory,
    UnitFactory,
    make_resident_user,
)
from wuye.core import services as core_services
from wuye.core.exceptions import Conflict
from wuye.jobs import JOBS
from wuye.notify import notices
from wuye.notify.choices import Channel, NoticeCategory, NoticeStatus
from wuye.notify.models import Message, Notice

pytestmark = pytest.mark.django_db

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=SH)


def create(world, by=None, **kwargs) -> Notice:
    fields = {"estate": world.estate, "title": "停水通知", "body": "因管道检修，明日停水。"}
    return notices.notice_create(**{**fields, **kwargs}, by=by or world.agent.user)


def lift_user():
    return get_user_model().objects.get(username="lift")


def visible(user) -> set[int]:
    return set(notices.notice_list_for_user(user).values_list("pk", flat=True))


@pytest.fixture
def far(world):
    """A resident of another building (9栋) of the same estate, with a login."""
    room = RoomFactory(
        unit=UnitFactory(building=BuildingFactory(estate=world.estate, name="9栋"), name="1单元"),
        number="101",
    )
    return make_resident_user(OccupancyFactory(room=room).resident, "far")


# --- Publishing ---------------------------------------------------------------------------------


def test_immediate_notice_records_when_it_was_published(world):
    with time_machine.travel(T0, tick=False):
        notice = create(world)
    assert notice.published_at == T0 == notice.publish_at
    assert notice.status == NoticeStatus.PUBLISHED
    assert notice.created_by == world.agent.user
    assert notice.pk in visible(world.owner.user)


def test_scheduled_notice_appears_only_when_the_job_runs_and_records_the_real_time(world):
    publish_at = T0 + dt.timedelta(hours=24)
    with time_machine.travel(T0, tick=False):
        notice = create(world, publish_at=publish_at)
        assert notice.published_at is None and notice.status == NoticeStatus.SCHEDULED
        assert notice.pk not in visible(world.owner.user)
        assert notice.pk in visible(world.agent.user)  # staff see scheduled ones
        assert notices.notice_publish_due() == 0
    # Its time has come but the job has not run yet: still not on the board.
    with time_machine.travel(publish_at + dt.timedelta(seconds=30), tick=False):
        assert notice.pk not in visible(world.owner.user)
    ran_at = publish_at + dt.timedelta(minutes=1, seconds=5)
    with time_machine.travel(ran_at, tick=False):
        assert notices.notice_publish_due() == 1
        assert notices.notice_publish_due() == 0  # exactly once
        notice.refresh_from_db()
        assert notice.published_at == ran_at  # the real moment, not publish_at
        assert notice.pk in visible(world.owner.user)


def test_publish_due_job_is_registered_every_minute():
    [job] = [j for j in JOBS if j.name == "notice_publish_due"]
    assert job.every == 60 and job.resolve() is notices.notice_publish_due


def test_withdrawn_scheduled_notice_is_never_published(world):
    with time_machine.travel(T0, tick=False):
        notice = create(world, publish_at=T0 + dt.timedelta(hours=1))
        notices.notice_withdraw(notice=notice, by=world.head.user)
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        assert notices.notice_publish_due() == 0
    notice.refresh_from_db()
    assert notice.published_at is None and notice.status == NoticeStatus.WITHDRAWN


def test_published_ahead_of_an_outage(world):
    outage = T0 + dt.timedelta(days=2)
    with time_machine.travel(T0, tick=False):
        notice = create(
            world, category=NoticeCategory.OUTAGE, publish_at=T0 + dt.timedelta(hours=1)
        )
    with time_machine.travel(T0 + dt.timedelta(hours=1, minutes=1), tick=False):
        notices.notice_publish_due()
    notice.refresh_from_db()
    assert notices.published_ahead(notice, outage) == dt.timedelta(hours=46, minutes=59)
    assert notices.published_ahead(notice, T0) < dt.timedelta(0)
    with time_machine.travel(T0, tick=False):
        unpublished = create(world, publish_at=outage)
    with pytest.raises(ValueError):
        notices.published_ahead(unpublished, outage)


def test_expired_notice_is_hidden_from_residents_but_kept_for_staff(world):
    with time_machine.travel(T0, tick=False):
        notice = create(world, expires_at=T0 + dt.timedelta(days=3))
    with time_machine.travel(T0 + dt.timedelta(days=3), tick=False):
        assert notice.pk not in visible(world.owner.user)
        assert notice.pk in visible(world.agent.user)
        assert notice.status == NoticeStatus.EXPIRED
        assert list(notices.notice_list(user=world.agent.user, status="expired")) == [notice]
        assert not notices.notice_list(user=world.agent.user, status="published").exists()


def test_withdraw_hides_it_and_twice_is_a_conflict(world):
    notice = create(world)
    notices.notice_withdraw(notice=notice, by=world.agent.user)
    assert notice.pk not in visible(world.owner.user)
    assert notice.status == NoticeStatus.WITHDRAWN
    with pytest.raises(Conflict):
        notices.notice_withdraw(notice=notice, by=world.agent.user)


# --- Validation ---------------------------------------------------------------------------------


def test_validation_errors_are_per_field(world):
    with pytest.raises(ValidationError) as exc:
        create(
            world,
            title=" ",
            body="",
            category="nonsense",
            building=world.other_room.building,
            publish_at=T0,
            expires_at=T0 - dt.timedelta(hours=1),
            notify_residents=True,
            channels=["email"],
        )
    assert set(exc.value.message_dict) == {
        "title", "body", "category", "building", "expires_at", "channels",
    }  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        create(world, unit=world.other_room.unit)
    assert "unit" in exc.value.message_dict
    other_unit = UnitFactory(building=BuildingFactory(estate=world.estate, name="5栋"))
    with pytest.raises(ValidationError) as exc:
        create(world, building=world.room.building, unit=other_unit)
    assert "unit" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create(world, publish_at=dt.datetime(2026, 12, 1, 9, 0))  # naive
    assert "publish_at" in exc.value.message_dict
    assert not Notice.objects.exists()


def test_a_unit_notice_takes_the_units_building(world):
    notice = create(world, unit=world.room.unit)
    assert notice.building == world.room.building


# --- Audience -----------------------------------------------------------------------------------


def test_building_notice_reaches_its_building_only(world, far):
    notice = create(world, building=world.room.building)
    assert notice.pk in visible(world.owner.user)  # 1栋2单元301
    assert notice.pk in visible(world.neighbour.user)  # 1栋2单元302
    assert notice.pk not in visible(far.user)  # 9栋
    other_estate = make_resident_user(world.other_owner, "other_owner")
    assert notice.pk not in visible(other_estate.user)


def test_unit_and_estate_notices(world, far):
    unit_notice = create(world, unit=world.room.unit)
    estate_notice = create(world)
    create(world, estate=world.other_estate, by=world.outsider.user)
    assert visible(world.owner.user) == {unit_notice.pk, estate_notice.pk}
    assert visible(far.user) == {estate_notice.pk}


def test_a_former_resident_no_longer_sees_the_board(world):
    notice = create(world)
    world.owner.occupancies.update(end_date=dt.date(2021, 1, 1))
    assert notice.pk not in visible(world.owner.user)


def test_staff_see_their_estates_and_contractors_see_nothing(world):
    here = create(world)
    there = create(world, estate=world.other_estate, by=world.outsider.user)
    assert visible(world.agent.user) == {here.pk}
    assert visible(world.tech.user) == {here.pk}
    assert visible(world.outsider.user) == {there.pk}
    assert visible(world.exec.user) == {here.pk, there.pk}
    assert visible(lift_user()) == set()
    with pytest.raises(Http404):
        notices.notice_get_for_user(world.outsider.user, here.pk)


# --- Notifying residents ------------------------------------------------------------------------


def test_notify_residents_enqueues_one_inbox_message_per_resident_user(world, far):
    notice = create(world, building=world.room.building, notify_residents=True)
    messages = Message.objects.filter(template="notice")
    assert {m.recipient_id for m in messages} == {world.owner.user_id, world.neighbour.user_id}
    assert messages.count() == 2
    message = messages.first()
    assert message.channel == Channel.INBOX and message.subject == "停水通知"
    assert message.body == "因管道检修，明日停水。" and message.estate == world.estate
    assert message.url == reverse("notify:notice_detail", args=[notice.pk])


def test_sms_goes_to_residents_with_a_mobile(world):
    create(world, unit=world.room.unit, notify_residents=True, channels=["inbox", "sms"])
    sms = Message.objects.filter(channel=Channel.SMS)
    assert sms.count() == 2 and all("停水通知" in m.body for m in sms)
    assert Message.objects.filter(channel=Channel.INBOX).count() == 2


def test_no_messages_without_the_flag(world):
    create(world)
    assert not Message.objects.exists()


def test_no_messages_when_the_transaction_rolls_back(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        create(world, notify_residents=True)
        assert Message.objects.count() == 2
        raise RuntimeError
    assert not Message.objects.exists() and not Notice.objects.exists()


def test_scheduled_notice_notifies_once_when_published(world):
    with time_machine.travel(T0, tick=False):
        create(world, publish_at=T0 + dt.timedelta(hours=1), notify_residents=True)
        assert not Message.objects.exists()
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        notices.notice_publish_due()
        notices.notice_publish_due()
    assert Message.objects.count() == 2


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["agent", "head", "exec"])
def test_desk_and_managers_may_post(world, username):
    assert create(world, by=get_user_model().objects.get(username=username)).pk


def test_others_may_not_post(world):
    with pytest.raises(PermissionDenied):
        create(world, by=world.tech.user)
    with pytest.raises(PermissionDenied):
        create(world, by=world.owner.user)
    with pytest.raises(Http404):
        create(world, by=world.outsider.user)
    with pytest.raises(PermissionDenied):
        create(world, by=lift_user())  # serves the estate, may not post
    notice = create(world)
    with pytest.raises(PermissionDenied):
        notices.notice_withdraw(notice=notice, by=world.tech.user)


# --- Pages --------------------------------------------------------------------------------------


@time_machine.travel(T0, tick=False)
def test_staff_list_shows_every_status_with_bounded_queries(
    world, login, django_assert_max_num_queries
):
    for i in range(12):
        create(world, title=f"公告{i}", unit=world.room.unit if i % 2 else None)
    create(world, title="定时公告", publish_at=T0 + dt.timedelta(days=400))
    client = login("agent")
    client.get(reverse("notify:notice_list"))  # warm the session's estate
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notify:notice_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "定时公告" in html and "待发布" in html and "公告11" in html
    assert "公告栏" in html and reverse("notify:notice_create") in html
    filtered = client.get(reverse("notify:notice_list") + "?status=scheduled").content.decode()
    assert "定时公告" in filtered and "公告11" not in filtered


def test_create_form_publishes_and_shows_errors_next_to_fields(world, login):
    client = login("agent")
    url = reverse("notify:notice_create")
    assert "发布公告" in client.get(url).content.decode()
    response = client.post(url, {"title": "", "category": "general", "body": "正文"})
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    response = client.post(
        url,
        {
            "title": "消防演练",
            "category": "fire_safety",
            "body": "周六上午消防演练。\n\n请配合。",
            "building": world.room.building.pk,
            "notify_residents": "on",
            "channels": ["inbox"],
        },
    )
    notice = Notice.objects.get(title="消防演练")
    assert response.status_code == 302
    assert response["Location"] == reverse("notify:notice_detail", args=[notice.pk])
    assert notice.published_at is not None and Message.objects.count() == 2
    building_of_other_estate = client.post(
        url,
        {
            "title": "x",
            "category": "general",
            "body": "x",
            "building": world.other_room.building.pk,
        },
    )
    assert 'class="field-error"' in building_of_other_estate.content.decode()


def test_create_form_is_forbidden_to_technicians_and_residents(world, login):
    assert login("tech").get(reverse("notify:notice_create")).status_code == 403
    assert login("owner").get(reverse("notify:notice_create")).status_code == 403


def test_resident_board_shows_cards_of_their_notices(world, login, far):
    create(world, title="全体公告")
    create(world, title="九栋公告", building=far.occupancies.first().room.building)
    html = login("owner").get(reverse("notify:notice_list")).content.decode()
    assert "全体公告" in html and "九栋公告" not in html and "notice-card" in html
    assert login("lift").get(reverse("notify:notice_list")).status_code == 403


def test_detail_and_withdraw_pages(world, login):
    notice = create(world)
    client = login("agent")
    html = client.get(reverse("notify:notice_detail", args=[notice.pk])).content.decode()
    assert "撤回公告" in html and reverse("notify:notice_print", args=[notice.pk]) in html
    response = client.post(reverse("notify:notice_withdraw", args=[notice.pk]))
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.withdrawn_at is not None
    assert login("owner").get(reverse("notify:notice_detail", args=[notice.pk])).status_code == 404
    assert (
        login("outsider").get(reverse("notify:notice_detail", args=[notice.pk])).status_code == 404
    )


def test_print_page_has_the_notice_and_no_navigation(world, login):
    with time_machine.travel(T0, tick=False):
        notice = create(world, title="停电通知", body="第一段。\n\n第二段。")
    for username in ("agent", "owner"):
        response = login(username).get(reverse("notify:notice_print", args=[notice.pk]))
        html = response.content.decode()
        assert response.status_code == 200
        assert "停电通知" in html and "<p>第一段。</p>" in html
        assert "测试物业" in html and "阳光测试苑物业服务中心" in html and "2026-12-01" in html
        assert "notify/notice_print.css" in html  # A4 and @media print, in its own stylesheet
        assert 'class="sidenav"' not in html and 'class="topbar"' not in html
    assert (
        login("outsider").get(reverse("notify:notice_print", args=[notice.pk])).status_code == 404
    )


# --- API ----------------------------------------------------------------------------------------


@pytest.fixture
def api(client):
    def _as(user):
        token, _record = core_services.api_token_issue(user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return _as


@time_machine.travel(T0, tick=False)
def test_api_lists_are_scoped(world, api, far):
    here = create(world, building=world.room.building)
    scheduled = create(world, publish_at=T0 + dt.timedelta(days=400))
    there = create(world, estate=world.other_estate, by=world.outsider.user)
    body = api(world.agent.user).get("/api/v1/notices").json()
    assert body["count"] == 2 and {n["id"] for n in body["items"]} == {here.pk, scheduled.pk}
    statuses = {n["id"]: n["status"] for n in body["items"]}
    assert statuses == {here.pk: "published", scheduled.pk: "scheduled"}
    assert api(world.owner.user).get("/api/v1/notices").json()["count"] == 1
    assert api(far.user).get("/api/v1/notices").json()["count"] == 0
    assert api(world.outsider.user).get(f"/api/v1/notices/{here.pk}").status_code == 404
    item = api(world.owner.user).get(f"/api/v1/notices/{here.pk}").json()
    assert item["audience"] == "1栋" and item["published_at"].endswith("+08:00")
    by_estate = api(world.exec.user).get(f"/api/v1/notices?estate={world.other_estate.pk}")
    assert [n["id"] for n in by_estate.json()["items"]] == [there.pk]


def test_api_create_and_withdraw(world, api):
    client = api(world.agent.user)
    payload = {
        "estate": world.estate.pk,
        "unit": world.room.unit.pk,
        "category": "outage",
        "title": "停电通知",
        "body": "周日停电。",
        "notify_residents": True,
    }
    response = client.post("/api/v1/notices", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "published" and created["building"] == world.room.building.pk
    assert Message.objects.count() == 2
    url = f"/api/v1/notices/{created['id']}/withdraw"
    assert client.post(url).json()["status"] == "withdrawn"
    assert client.post(url).status_code == 409
    bad = client.post(
        "/api/v1/notices",
        {**payload, "unit": world.other_room.unit.pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "unit" in bad.json()["error"]["fields"]


def test_api_create_permissions(world, api):
    payload = {"estate": world.estate.pk, "title": "t", "body": "b"}
    for user, status in (
        (world.tech.user, 403),
        (world.owner.user, 403),
        (world.outsider.user, 404),
        (lift_user(), 403),
    ):
        response = api(user).post("/api/v1/notices", payload, content_type="application/json")
        assert response.status_code == status, (user, response.content)
    notice = create(world)
    response = api(world.tech.user).post(f"/api/v1/notices/{notice.pk}/withdraw")
    assert response.status_code == 403
    response = api(world.outsider.user).post(f"/api/v1/notices/{notice.pk}/withdraw")
    assert response.status_code == 404


def test_printed_notice_is_in_chinese_whatever_the_screen_language(world, login):
    from wuye.notify.notices import notice_create

    notice = notice_create(
        estate=world.estate,
        title="停水通知",
        body="明日停水。",
        category="outage",
        by=world.agent.user,
    )
    client = login("agent")
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(f"/notices/{notice.pk}/print/").content.decode()
    assert "Property Service Centre" not in html and "物业服务中心" in html
    from django.utils import translation

    translation.activate("zh-hans")


def test_print_stylesheet_prints_on_a4():
    from django.contrib.staticfiles import finders

    css = open(finders.find("notify/notice_print.css"), encoding="utf-8").read()
    assert "@media print" in css and "size: A4" in css
