"""The resident portal's repair pages and the QR-code report (REPAIR-02), through the test client:
what the resident sees, that every write went through the services, bad input kept on the form
with nothing written, and scoping (a neighbour, another estate, staff: 404)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from tests.factories import OccupancyFactory, make_resident_user
from tests.images import make_jpeg, photo_of
from tests.repairs.helpers import ARRIVAL, act
from wuye.core.choices import PublicAreaKind
from wuye.core.models import Building, PublicArea
from wuye.repairs import services
from wuye.repairs.models import RepairOrder
from wuye.repairs.views.portal import qr_place, qr_token

FORM = {
    "description": "卫生间水龙头漏水",
    "category": "plumbing",
    "contact_name": "王女士",
    "contact_phone": "13912345678",
    "preferred_time": "工作日晚上7点后",
}


HINT_SHOWN = 'data-emergency-hint role="status" aria-live="polite">'
HINT_HIDDEN = 'data-emergency-hint role="status" aria-live="polite" hidden>'


def report(world, description="卫生间水龙头漏水", by=None, **kwargs):
    kwargs.setdefault("room", world.room)
    return services.repair_order_create(
        estate=world.estate, description=description, contact_name="王女士",
        contact_phone="13912345678", channel="phone", category="plumbing",
        by=by or world.owner.user, **kwargs,
    )  # fmt: skip


def to_acceptance(world, order, charges=()):
    tech = world.tech.user
    act(order, "dispatch", world.agent.user, assignee=tech)
    act(order, "accept", tech)
    act(order, "arrive", tech, data=ARRIVAL)
    act(order, "complete", tech, attachments=[photo_of(tech)],
        data={"diagnosis": "阀芯老化", "charges": list(charges)})  # fmt: skip
    return RepairOrder.objects.get(pk=order.pk)


def status(order) -> str:
    order.case.refresh_from_db()
    return order.case.status


@pytest.fixture
def tap(world):
    return services.price_item_save(estate=world.estate, name="更换水龙头", category="plumbing",
                                    unit="个", price="35", by=world.exec.user)  # fmt: skip


@pytest.fixture
def lobby(world):
    return PublicArea.objects.create(
        estate=world.estate, building=world.room.building, kind=PublicAreaKind.LOBBY,
        name="1栋大堂",
    )  # fmt: skip


@pytest.fixture
def other_resident(world):
    """A resident with a login in the other estate."""
    return make_resident_user(OccupancyFactory(room=world.other_room).resident, "far")


# --- 我的报修 -----------------------------------------------------------------------------------


def test_my_list_shows_my_orders_with_what_to_do_next(world, login, tap):
    waiting = to_acceptance(world, report(world, "厨房水龙头漏水"), [{"item": tap.pk}])
    report(world, "客厅墙面裂缝")
    page = login("owner").get(reverse("repairs:my_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert waiting.case.number in text and "1栋2单元301室" in text
    assert "客厅墙面裂缝" in text and "待验收" in text and "待派单" in text
    assert "去验收" in text
    assert reverse("repairs:my_detail", args=[waiting.pk]) + "#confirm" in text
    assert "我的报修" in text  # the navigation item


def test_my_list_rate_step_and_tabs(world, login):
    order = to_acceptance(world, report(world))
    act(order, "confirm", world.owner.user)
    client = login("owner")
    url = reverse("repairs:my_list")
    assert "去评价" in client.get(url).content.decode()
    assert order.case.number in client.get(url + "?show=todo").content.decode()
    assert order.case.number not in client.get(url + "?show=done").content.decode()


def test_my_list_paginates_in_few_queries(world, login, django_assert_max_num_queries):
    for n in range(12):
        report(world, f"第{n}处漏水")
    client = login("owner")
    with django_assert_max_num_queries(15):
        first = client.get(reverse("repairs:my_list"))
    assert first.content.decode().count('class="card rp-card"') == 10
    second = client.get(reverse("repairs:my_list") + "?page=2")
    assert second.content.decode().count('class="card rp-card"') == 2


def test_the_neighbour_and_other_estates_see_nothing_of_mine(world, login, other_resident):
    order = report(world, "阳台漏水")
    for username in ("neighbour", "far"):
        client = login(username)
        assert order.case.number not in client.get(reverse("repairs:my_list")).content.decode()
        assert client.get(reverse("repairs:my_detail", args=[order.pk])).status_code == 404
        response = client.post(reverse("repairs:my_act", args=[order.pk, "comment"]),
                               {"note": "看看"})  # fmt: skip
        assert response.status_code == 404
    assert not order.case.events.filter(action="comment").exists()


def test_staff_and_contractors_have_no_resident_pages(world, login):
    order = report(world)
    for username in ("agent", "outsider", "lift"):
        client = login(username)
        assert client.get(reverse("repairs:my_list")).status_code == 404
        assert client.get(reverse("repairs:my_new")).status_code == 404
        assert client.get(reverse("repairs:my_detail", args=[order.pk])).status_code == 404


def test_resident_pages_need_a_login(client):
    response = client.get(reverse("repairs:my_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- 我要报修 -----------------------------------------------------------------------------------


def test_new_report_form_is_prefilled(world, login, lobby):
    page = login("owner").get(reverse("repairs:my_new"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["place"].value() == f"room:{world.room.pk}"
    assert form["contact_name"].value() == world.owner.name
    assert form["contact_phone"].value() == world.owner.mobile
    text = page.content.decode()
    assert "1栋大堂" in text  # the public areas of my estate
    assert 'name="photos"' in text and 'accept="image/' in text
    assert "紧急情况请直接拨打物业24小时电话" in text  # the hint, shown by the script
    assert HINT_HIDDEN in text
    chosen = login("owner").get(reverse("repairs:my_new") + f"?place=pa:{lobby.pk}")
    assert chosen.context["form"]["place"].value() == f"pa:{lobby.pk}"


def test_new_report_with_a_photo_creates_an_app_order__REPAIR_02(world, login):
    response = login("owner").post(
        reverse("repairs:my_new"),
        {**FORM, "place": f"room:{world.room.pk}", "photos": [make_jpeg("leak.jpg")]},
    )
    order = RepairOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("repairs:my_detail", args=[order.pk])
    assert order.channel == "app" and order.room == world.room
    assert (order.contact_name, order.contact_phone) == ("王女士", "13912345678")
    assert order.preferred_time == "工作日晚上7点后" and order.category == "plumbing"
    created = order.case.events.get(action="created")
    assert created.attachments.count() == 1
    detail = login("owner").get(response["Location"]).content.decode()
    photo = created.attachments.get()
    assert reverse("workflow:attachment", args=[photo.pk]) in detail
    assert order.case.number in detail


def test_new_report_for_a_public_area(world, login, lobby):
    login("owner").post(reverse("repairs:my_new"), {**FORM, "place": f"pa:{lobby.pk}"})
    order = RepairOrder.objects.get()
    assert (order.public_area, order.room) == (lobby, None)
    assert order.reported_by == world.owner.user


def test_new_report_emergency_words_show_the_hint__REPAIR_04(world, login):
    page = login("owner").post(
        reverse("repairs:my_new"),
        {**FORM, "description": "厨房水管爆裂", "contact_phone": "12",
         "place": f"room:{world.room.pk}"},
    )  # fmt: skip
    text = page.content.decode()
    assert HINT_SHOWN in text and HINT_HIDDEN not in text
    assert not RepairOrder.objects.exists()


def test_new_report_invalid_input_keeps_it_and_writes_nothing(world, login):
    page = login("owner").post(
        reverse("repairs:my_new"),
        {**FORM, "description": "  ", "contact_phone": "12345", "place": f"room:{world.room.pk}",
         "contact_name": "王女士"},
    )  # fmt: skip
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.errors) == {"description", "contact_phone"}
    text = page.content.decode()
    assert "请填写报修内容" in text and "请填写手机号或座机号" in text
    assert 'value="王女士"' in text and 'value="12345"' in text
    assert not RepairOrder.objects.exists()


def test_new_report_refuses_a_room_not_mine_and_too_many_photos(world, login):
    client = login("owner")
    page = client.post(reverse("repairs:my_new"), {**FORM, "place": f"room:{world.room2.pk}"})
    assert "place" in page.context["form"].errors
    photos = [make_jpeg(f"{n}.jpg") for n in range(7)]
    page = client.post(
        reverse("repairs:my_new"), {**FORM, "place": f"room:{world.room.pk}", "photos": photos}
    )
    assert "最多上传 6 张照片" in page.content.decode()
    assert not RepairOrder.objects.exists()


def test_new_report_bad_photo_is_an_error_next_to_the_photos(world, login):
    page = login("owner").post(
        reverse("repairs:my_new"),
        {**FORM, "place": f"room:{world.room.pk}",
         "photos": [SimpleUploadedFile("x.jpg", b"<html>not a photo</html>", "image/jpeg")]},
    )  # fmt: skip
    assert "文件不是有效的图片" in page.content.decode()
    assert not RepairOrder.objects.exists()


# --- 报修详情 -----------------------------------------------------------------------------------


def test_detail_shows_the_timeline_as_a_resident_reads_it(world, login):
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "comment", world.agent.user, note="内部：业主较难沟通", data={"internal": True})
    act(order, "comment", world.agent.user, note="师傅下午两点上门")
    page = login("owner").get(reverse("repairs:my_detail", args=[order.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "维修师傅" in text and world.tech.name in text
    assert "师傅下午两点上门" in text
    assert "内部：业主较难沟通" not in text
    assert "确认验收" not in text  # not completed yet


def test_confirm_shows_the_charges_and_accepts__REPAIR_10_REPAIR_11(world, login, tap):
    order = to_acceptance(world, report(world), [{"item": tap.pk, "quantity": 2}])
    client = login("owner")
    text = client.get(reverse("repairs:my_detail", args=[order.pk])).content.decode()
    assert "更换水龙头" in text and "¥70.00" in text and 'name="amount" value="70.00"' in text
    assert reverse("repairs:acceptance_pdf", args=[order.pk]) not in text
    confirm = reverse("repairs:my_act", args=[order.pk, "confirm"])
    response = client.post(confirm, {"amount": "70.00"})
    assert response.status_code == 302
    assert status(order) == "waiting_revisit"
    text = client.get(reverse("repairs:my_detail", args=[order.pk])).content.decode()
    assert "已确认验收" in text
    assert reverse("repairs:acceptance_pdf", args=[order.pk]) in text
    assert 'id="rate"' in text


def test_confirm_with_a_stale_amount_changes_nothing__REPAIR_11(world, login, tap):
    order = to_acceptance(world, report(world), [{"item": tap.pk}])
    client = login("owner")
    response = client.post(
        reverse("repairs:my_act", args=[order.pk, "confirm"]), {"amount": "20.00"}, follow=True
    )
    text = response.content.decode()
    assert "与您确认的金额不一致" in text and "¥35.00" in text
    assert status(order) == "waiting_acceptance"
    assert RepairOrder.objects.get(pk=order.pk).accepted_at is None


def test_reject_needs_a_reason__REPAIR_10(world, login):
    order = to_acceptance(world, report(world))
    client = login("owner")
    page = client.post(reverse("repairs:my_act", args=[order.pk, "reject"]), {"note": " "})
    assert page.status_code == 200
    assert "请填写验收不通过的原因" in page.content.decode()
    assert page.context["open_form"] == "reject"
    assert status(order) == "waiting_acceptance"
    client.post(reverse("repairs:my_act", args=[order.pk, "reject"]), {"note": "仍在滴水"})
    assert status(order) == "in_progress"
    assert order.case.events.get(action="reject").note == "仍在滴水"


def test_rate_saves_the_scores_and_a_low_score_opens_a_follow_up__REPAIR_12(world, login):
    order = to_acceptance(world, report(world))
    act(order, "confirm", world.owner.user)
    client = login("owner")
    page = client.get(reverse("repairs:my_detail", args=[order.pk])).content.decode()
    assert page.count('type="radio"') == 15 and "维修质量" in page and "服务态度" in page
    response = client.post(
        reverse("repairs:my_act", args=[order.pk, "rate"]),
        {"satisfaction": "2", "quality": "3", "attitude": "5", "comment": "等了很久"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.satisfaction, order.quality_score, order.attitude_score) == (2, 3, 5)
    assert order.revisit_comment == "等了很久" and order.revisit_source == "resident"
    assert status(order) == "done" and order.follow_up_id is not None
    text = client.get(reverse("repairs:my_detail", args=[order.pk])).content.decode()
    assert "客服中心已收到您的意见" in text and "等了很久" in text


def test_rate_needs_every_score(world, login):
    order = to_acceptance(world, report(world))
    act(order, "confirm", world.owner.user)
    page = login("owner").post(
        reverse("repairs:my_act", args=[order.pk, "rate"]), {"satisfaction": "5"}
    )
    assert "请为维修质量打分" in page.content.decode()
    assert RepairOrder.objects.get(pk=order.pk).satisfaction is None


def test_an_action_the_state_does_not_allow_is_a_message(world, login):
    order = report(world)
    response = login("owner").post(
        reverse("repairs:my_act", args=[order.pk, "rate"]),
        {"satisfaction": "5", "quality": "5", "attitude": "5"}, follow=True,
    )  # fmt: skip
    assert "不能执行" in response.content.decode()
    assert status(order) == "waiting_dispatch"
    close = reverse("repairs:my_act", args=[order.pk, "close"])
    assert login("owner").post(close).status_code == 404


def test_comment_is_never_internal(world, login):
    order = report(world)
    login("owner").post(
        reverse("repairs:my_act", args=[order.pk, "comment"]),
        {"note": "下午三点后有人", "internal": "1"},
    )
    event = order.case.events.get(action="comment")
    assert event.note == "下午三点后有人" and not event.data.get("internal")


# --- QR codes (REPAIR-02) ----------------------------------------------------------------------


def test_qr_token_round_trip_and_tampering(world, lobby):
    building = world.room.building
    assert qr_place(qr_token(lobby)) == lobby
    assert qr_place(qr_token(building)) == building
    token = qr_token(lobby)
    assert token.startswith(f"pa{lobby.pk}.")
    assert len(token) < 30  # short enough to scan when printed small
    forged = f"pa{lobby.pk + 1}." + token.split(".", 1)[1]
    other_kind = f"bld{lobby.pk}." + token.split(".", 1)[1]
    flipped = token[:-1] + ("B" if token.endswith("A") else "A")
    for bad in (forged, other_kind, flipped, token[:-2], "pa1", "x"):
        with pytest.raises(Http404):
            qr_place(bad)


def test_printed_codes_survive_a_secret_key_rotation(world, lobby, settings):
    token = qr_token(lobby)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert qr_place(token) == lobby
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(Http404):
        qr_place(token)


def test_qr_report_needs_a_login_and_a_good_token(world, client, login, lobby):
    url = reverse("repairs:qr_report", args=[qr_token(lobby)])
    response = client.get(url)
    assert response.status_code == 302 and f"next={url}" in response["Location"].replace("%2F", "/")
    client = login("owner")
    assert client.get(url[:-3] + "/").status_code == 404
    assert client.get(reverse("repairs:qr_report", args=["pa1.forged"])).status_code == 404


def test_qr_report_of_another_estate_is_404(world, login, lobby, other_resident):
    url = reverse("repairs:qr_report", args=[qr_token(lobby)])
    for username in ("outsider", "far", "lift"):
        assert login(username).get(url).status_code == 404
        assert login(username).post(url, FORM).status_code == 404
    assert not RepairOrder.objects.exists()


def test_qr_report_prefills_the_place_and_creates_the_order(world, login, lobby):
    url = reverse("repairs:qr_report", args=[qr_token(lobby)])
    client = login("owner")
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200 and "1栋大堂" in text
    assert page.context["form"]["contact_phone"].value() == world.owner.mobile
    assert page.context["form"]["category"].value() == "public"
    response = client.post(
        url, {"description": "大堂灯不亮", "category": "electrical", "contact_name": "王女士",
              "contact_phone": "13912345678", "photos": [make_jpeg()]},
    )  # fmt: skip
    order = RepairOrder.objects.get()
    assert response["Location"] == reverse("repairs:my_detail", args=[order.pk])
    assert order.public_area == lobby and order.channel == "app" and order.category == "electrical"
    assert order.case.events.get(action="created").attachments.count() == 1


def test_qr_report_by_staff_of_the_estate(world, login, lobby):
    url = reverse("repairs:qr_report", args=[qr_token(lobby)])
    client = login("tech")
    assert client.get(url).context["form"]["contact_name"].value() == world.tech.name
    response = client.post(url, {**FORM, "description": "大堂门禁失灵"}, follow=True)
    order = RepairOrder.objects.get()
    assert order.public_area == lobby and order.reported_by == world.tech.user
    assert order.case.number in response.content.decode()


def test_qr_report_of_a_building_uses_its_lobby(world, login, lobby):
    url = reverse("repairs:qr_report", args=[qr_token(world.room.building)])
    client = login("owner")
    page = client.get(url)
    assert "1栋大堂" in page.content.decode() and "public_area" not in page.context["form"].fields
    client.post(url, FORM)
    assert RepairOrder.objects.get().public_area == lobby


def test_qr_report_of_a_building_without_lobby(world, login):
    building = world.room.building
    url = reverse("repairs:qr_report", args=[qr_token(building)])
    client = login("owner")
    assert "该楼栋尚未登记公共区域" in client.get(url).content.decode()
    client.post(url, FORM)
    assert not RepairOrder.objects.exists()
    stairs = PublicArea.objects.create(estate=world.estate, building=building,
                                       kind=PublicAreaKind.STAIRWELL, name="1栋楼梯间")  # fmt: skip
    page = client.post(url, FORM)
    assert "public_area" in page.context["form"].errors
    client.post(url, {**FORM, "public_area": stairs.pk})
    assert RepairOrder.objects.get().public_area == stairs


def test_qr_sheet_prints_a_code_per_building_and_public_area(world, login, lobby):
    garage = PublicArea.objects.create(estate=world.estate, kind=PublicAreaKind.GARAGE,
                                       name="地下车库")  # fmt: skip
    Building.objects.create(estate=world.estate, name="2栋")
    page = login("agent").get(reverse("repairs:qr_sheet"))
    assert page.status_code == 200
    text = page.content.decode()
    # 1栋 (its lobby 1栋大堂, printed once), 2栋 (no lobby), 地下车库
    assert text.count("<svg") == 3
    assert "1栋大堂" in text and "地下车库" in text
    assert "2栋 大堂" in text and "本楼栋未登记大堂" in text
    building = "http://testserver" + reverse("repairs:qr_report", args=[qr_token(lobby.building)])
    assert building in text
    assert "http://testserver" + reverse("repairs:qr_report", args=[qr_token(garage)]) in text


def test_qr_sheet_is_for_staff_and_shows_only_their_estate(world, login, lobby):
    assert login("owner").get(reverse("repairs:qr_sheet")).status_code == 403
    text = login("outsider").get(reverse("repairs:qr_sheet")).content.decode()
    assert "1栋大堂" not in text and "翠湖测试苑" in text


def test_my_rooms_home_links_to_the_report_form(world, login):
    assert reverse("repairs:my_new") in login("owner").get(reverse("web:home")).content.decode()
