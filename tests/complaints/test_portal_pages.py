"""The resident portal's complaint pages, through the test client: what the resident sees (the
step bar, the promised date, the department — never a staff name, never an internal comment),
that every write went through the services, bad input kept on the form with nothing written,
the reopen window, and scoping (a neighbour, another estate, staff: 404)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import OccupancyFactory, ResidentFactory, make_resident_user
from tests.images import make_jpeg
from wuye.complaints.models import Complaint, ComplaintSettings
from wuye.complaints.services import complaints as services
from wuye.workflow.models import Attachment

SH = ZoneInfo("Asia/Shanghai")
FORM = {
    "type": "engineering_quality",
    "content": "1栋电梯这周已经坏了三次，老人上下楼很不方便",
    "contact_name": "王女士",
    "contact_phone": "13912345678",
}
REPLY = "给您带来不便，我们深表歉意。电梯控制板已更换，改进措施：电梯维保改为每10天一次。"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture
def frozen(time_machine):
    # A Thursday: three working days end on Tuesday 2026-12-01 (COMPLAINT-09).
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture
def far(world):
    """A resident with a login in the other estate."""
    return make_resident_user(OccupancyFactory(room=world.other_room).resident, "far")


def complain(world, content="电梯经常故障", by=None, **kwargs):
    """A complaint made by the owner in the app (or registered by ``by``, e.g. the desk)."""
    kwargs.setdefault("room", world.room)
    kwargs.setdefault("type", "engineering_quality")
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士",
        contact_phone="13912345678", channel="phone", by=by or world.owner.user, **kwargs,
    )  # fmt: skip


def act(complaint, action, user, **kwargs):
    return services.complaint_act(complaint=complaint, action=action, by=user, **kwargs)


def assign(world, complaint):
    return act(complaint, "assign", world.agent.user, data={"department": "engineering"})


def resolve(world, complaint):
    assign(world, complaint)
    data = {"resolution": "更换电梯控制板", "measure": "电梯维保改为每10天一次"}
    return act(complaint, "resolve", world.tech.user, data=data)


def reply(world, complaint):
    resolve(world, complaint)
    return act(complaint, "reply", world.agent.user, data={"channel": "app", "text": REPLY})


def status(complaint) -> str:
    complaint.case.refresh_from_db()
    return complaint.case.status


# --- 我的投诉 -----------------------------------------------------------------------------------


def test_my_list_shows_my_complaints_with_what_is_next(world, login, frozen):
    handling = complain(world, "楼道灯坏了一个月没人修")
    assign(world, handling)
    replied = reply(world, complain(world, "电梯经常故障"))
    page = login("owner").get(reverse("complaints:my_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert handling.case.number in text and replied.case.number in text
    assert "楼道灯坏了一个月没人修" in text and "工程质量" in text
    assert "处理中" in text and "已回复" in text
    assert "承诺 2026-12-01（周二）前处理完成" in text
    assert "2026-11-26 10:00" in text  # the received time
    assert reverse("complaints:my_detail", args=[replied.pk]) + "#rate" in text
    assert text.count("去评价") == 1
    assert "我的投诉" in text  # the navigation item


def test_my_list_tabs_and_pagination(world, login, django_assert_max_num_queries):
    for n in range(12):
        complain(world, f"第{n}次反映噪音问题")
    replied = reply(world, complain(world, "电梯经常故障"))
    client = login("owner")
    url = reverse("complaints:my_list")
    with django_assert_max_num_queries(15):
        first = client.get(url)
    assert first.content.decode().count('class="card rp-card"') == 10
    assert client.get(url + "?page=2").content.decode().count('class="card rp-card"') == 3
    todo = client.get(url + "?show=todo").content.decode()
    assert replied.case.number in todo and todo.count('class="card rp-card"') == 1
    assert replied.case.number not in client.get(url + "?show=done").content.decode()


def test_my_list_is_empty_for_a_new_resident(world, login):
    text = login("owner").get(reverse("complaints:my_list")).content.decode()
    assert "您还没有投诉记录" in text and reverse("complaints:my_new") in text


def test_my_list_shows_complaints_the_desk_registered_for_me(world, login):
    phoned = complain(world, "物业费收据开错了", by=world.agent.user,
                      complainant=world.owner, type="fees")  # fmt: skip
    assert phoned.case.number in login("owner").get(reverse("complaints:my_list")).content.decode()


def test_neighbour_other_estate_and_staff_get_404(world, login, far):
    complaint = complain(world, "阳台漏水")
    detail = reverse("complaints:my_detail", args=[complaint.pk])
    comment = reverse("complaints:my_act", args=[complaint.pk, "comment"])
    for username in ("neighbour", "far", "agent", "outsider", "exec", "lift"):
        client = login(username)
        assert client.get(detail).status_code == 404, username
        assert client.post(comment, {"note": "看看"}).status_code == 404, username
    for username in ("neighbour", "far"):
        text = login(username).get(reverse("complaints:my_list")).content.decode()
        assert complaint.case.number not in text
    for username in ("agent", "exec", "lift"):
        assert login(username).get(reverse("complaints:my_list")).status_code == 404
        assert login(username).get(reverse("complaints:my_new")).status_code == 404
    assert not complaint.case.events.filter(action="comment").exists()


def test_resident_pages_need_a_login(client):
    response = client.get(reverse("complaints:my_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- 我要投诉 -----------------------------------------------------------------------------------


def test_new_complaint_form_is_prefilled_and_reassures(world, login):
    page = login("owner").get(reverse("complaints:my_new"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["room"].value() == str(world.room.pk)
    assert form["contact_name"].value() == world.owner.name
    assert form["contact_phone"].value() == world.owner.mobile
    text = page.content.decode()
    # COMPLAINT-15/16/17: listening, doing our best, no promise of a certain fix.
    assert "我们会认真倾听并尽力解决" in text and "处理进度" in text
    assert "一定解决" not in text
    assert 'name="urgency"' not in text  # the desk classifies (COMPLAINT-07)
    textarea = re.search(r'<textarea name="content"[^>]*>', text)[0]
    # The counter says when it is too long; the browser must not cut a pasted letter silently.
    assert 'data-counter-max="5000"' in textarea and "maxlength" not in textarea
    assert 'name="photos"' in text and 'accept="image/' in text
    assert "不涉及具体房屋" in text and "1栋2单元301室" in text


def test_new_complaint_with_a_photo_is_an_app_complaint__COMPLAINT_05(world, login, frozen):
    response = login("owner").post(
        reverse("complaints:my_new"),
        {**FORM, "room": str(world.room.pk), "channel": "phone", "urgency": "urgent",
         "photos": [make_jpeg("lift.jpg")]},
    )  # fmt: skip
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:my_detail", args=[complaint.pk])
    assert complaint.channel == "app" and complaint.urgency == "general"
    assert complaint.complainant == world.owner and complaint.room == world.room
    assert complaint.estate == world.estate and complaint.type == "engineering_quality"
    assert (complaint.contact_name, complaint.contact_phone) == ("王女士", "13912345678")
    created = complaint.case.events.get(action="created")
    assert created.attachments.count() == 1
    page = login("owner").get(response["Location"])
    text = page.content.decode()
    assert complaint.case.number in text and "投诉已提交" in text
    photo = created.attachments.get()
    assert reverse("workflow:attachment", args=[photo.pk]) in text


def test_new_complaint_without_a_room_and_of_other_type(world, login):
    response = login("owner").post(
        reverse("complaints:my_new"),
        {**FORM, "room": "", "type": "other", "type_other": "装修噪音",
         "content": "楼上晚上十点后还在装修\r\n第二行"},
    )  # fmt: skip
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.room is None and complaint.estate == world.estate
    assert complaint.type_label == "其他（装修噪音）"
    assert complaint.content == "楼上晚上十点后还在装修\n第二行"


def test_the_type_other_text_is_dropped_for_another_type(world, login):
    login("owner").post(
        reverse("complaints:my_new"),
        {**FORM, "room": str(world.room.pk), "type_other": "随手填的"},
    )
    assert Complaint.objects.get().type_other == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"content": "   "}, "content", "请写下您要反映的问题"),
        ({"content": "很" * 5001}, "content", "不能超过 5000 字，现有 5001 字，请删减 1 字"),
        ({"contact_phone": "12345"}, "contact_phone", "请填写手机号或座机号"),
        ({"type": "other", "type_other": " "}, "type_other", "选择“其他”时请写明投诉类型"),
        ({"type": ""}, "type", "请选择投诉类型"),
        ({"contact_name": ""}, "contact_name", "请填写联系人"),
    ],
)
def test_new_complaint_invalid_input_keeps_it_and_saves_nothing(
    world, login, changes, field, message
):
    data = {**FORM, "room": str(world.room.pk), **changes}
    page = login("owner").post(reverse("complaints:my_new"), {**data, "photos": [make_jpeg()]})
    assert page.status_code == 200
    assert field in page.context["form"].errors
    text = page.content.decode()
    assert message in text and "请按提示修改标红的项目后再提交" in text
    assert 'value="王女士"' in text or field == "contact_name"
    if field != "content":
        assert FORM["content"] in text  # the letter is not lost
    assert not Complaint.objects.exists()
    assert not Attachment.objects.exists()  # no photo stored for a refused form


def test_new_complaint_of_exactly_5000_characters_is_accepted(world, login):
    login("owner").post(
        reverse("complaints:my_new"), {**FORM, "room": str(world.room.pk), "content": "长" * 5000}
    )
    assert len(Complaint.objects.get().content) == 5000


def test_new_complaint_refuses_a_room_not_mine_and_too_many_photos(world, login):
    client = login("owner")
    page = client.post(reverse("complaints:my_new"), {**FORM, "room": str(world.room2.pk)})
    assert "room" in page.context["form"].errors
    photos = [make_jpeg(f"{n}.jpg") for n in range(7)]
    page = client.post(
        reverse("complaints:my_new"), {**FORM, "room": str(world.room.pk), "photos": photos}
    )
    assert "最多上传 6 张照片" in page.content.decode()
    assert not Complaint.objects.exists()


def test_a_resident_of_two_estates_names_the_room(world, login):
    OccupancyFactory(room=world.other_room, resident=world.owner)
    client = login("owner")
    page = client.post(reverse("complaints:my_new"), {**FORM, "room": ""})
    assert "您在多个小区有房屋" in page.content.decode()
    client.post(reverse("complaints:my_new"), {**FORM, "room": str(world.other_room.pk)})
    assert Complaint.objects.get().estate == world.other_estate


def test_a_resident_without_a_room_is_told_where_to_go(world, login):
    make_resident_user(ResidentFactory(company=world.company), "moved_out")
    client = login("moved_out")
    page = client.get(reverse("complaints:my_new"))
    assert "暂无登记在您名下的房屋" in page.content.decode()
    assert client.post(reverse("complaints:my_new"), FORM).status_code == 200
    assert not Complaint.objects.exists()


# --- 投诉详情 -----------------------------------------------------------------------------------


def test_detail_while_handling__COMPLAINT_09(world, login, frozen):
    complaint = complain(world)
    page = login("owner").get(reverse("complaints:my_detail", args=[complaint.pk]))
    text = page.content.decode()
    assert "客服中心已收到您的投诉" in text
    assert [s["current"] for s in page.context["steps"]] == [False, True, False, False, False]
    assign(world, complaint)
    act(complaint, "progress", world.tech.user, note="已联系电梯维保单位，明天上午检修")
    act(complaint, "comment", world.agent.user, note="内部：业主情绪较大", data={"internal": True})
    act(complaint, "mark_major", world.agent.user, note="内部：同一问题第三次投诉")
    page = login("owner").get(reverse("complaints:my_detail", args=[complaint.pk]))
    text = page.content.decode()
    assert [s["done"] for s in page.context["steps"]] == [True, True, False, False, False]
    assert page.context["steps"][2]["current"]
    assert "您的投诉正由<strong>工程设备部</strong>处理" in text
    assert "我们承诺在 <strong>2026-12-01（周二）</strong>前处理完成" in text
    assert "已联系电梯维保单位，明天上午检修" in text
    assert "内部：" not in text  # internal comments and the desk's internal steps
    for person in (world.agent, world.tech):  # departments, never names
        assert person.name not in text
    assert "客户服务中心" in text and "工程设备部" in text
    assert 'id="rate"' not in text and "要求重新处理" not in text
    assert 'id="comment"' in text


def test_detail_after_a_breach_apologises(world, login, frozen):
    complaint = complain(world)
    assign(world, complaint)
    frozen.move_to(at("2026-12-02 09:00"), tick=False)
    from wuye.workflow.services import sla_sweep

    sla_sweep()
    text = login("owner").get(reverse("complaints:my_detail", args=[complaint.pk])).content.decode()
    assert "处理时间已超过我们承诺的 2026-12-01" in text and "深表歉意" in text


def test_detail_waiting_for_the_reply__COMPLAINT_12(world, login, frozen):
    complaint = resolve(world, complain(world))
    page = login("owner").get(reverse("complaints:my_detail", args=[complaint.pk]))
    text = page.content.decode()
    assert "处理已完成" in text and "最迟 2026-11-27 10:00 前回复您" in text
    assert page.context["steps"][3]["current"]
    assert "更换电梯控制板" not in text  # the resolution's wording is the desk's; the reply speaks


def test_rate_after_the_reply_archives_with_the_score(world, login, frozen):
    complaint = reply(world, complain(world))
    client = login("owner")
    text = client.get(reverse("complaints:my_detail", args=[complaint.pk])).content.decode()
    assert REPLY in text and "通过APP回复" in text
    assert 'id="rate"' in text and text.count('class="rp-star-input"') == 5
    assert "不满意，要求重新处理" in text
    response = client.post(
        reverse("complaints:my_act", args=[complaint.pk, "rate"]),
        {"satisfaction": "4", "comment": "修得挺快"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert status(complaint) == "archived"
    assert (complaint.satisfaction, complaint.satisfaction_comment) == (4, "修得挺快")
    page = client.get(reverse("complaints:my_detail", args=[complaint.pk]))
    text = page.content.decode()
    assert "感谢您的评价" in text and "修得挺快" in text and "已完结" in text
    assert all(s["done"] for s in page.context["steps"])
    assert 'id="rate"' not in text


def test_rate_needs_a_score_and_a_reply(world, login):
    complaint = complain(world)
    client = login("owner")
    response = client.post(
        reverse("complaints:my_act", args=[complaint.pk, "rate"]), {"satisfaction": "5"},
        follow=True,
    )  # fmt: skip
    assert "不能执行" in response.content.decode()
    reply(world, complaint)
    page = client.post(reverse("complaints:my_act", args=[complaint.pk, "rate"]), {"comment": "x"})
    assert page.status_code == 200 and "请点星星为处理结果打分" in page.content.decode()
    assert status(complaint) == "replied"
    assert client.get(reverse("complaints:my_act", args=[complaint.pk, "rate"])).status_code == 405
    assert (
        client.post(reverse("complaints:my_act", args=[complaint.pk, "cancel"])).status_code == 404
    )


def test_reopen_within_the_window_creates_the_linked_complaint(world, login, frozen):
    complaint = reply(world, complain(world))
    frozen.move_to(at("2026-12-03 09:00"), tick=False)  # within 7 days of the reply
    client = login("owner")
    response = client.post(
        reverse("complaints:my_act", args=[complaint.pk, "reopen"]), {"note": "电梯又坏了"}
    )
    again = Complaint.objects.get(reopened_from=complaint)
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:my_detail", args=[again.pk])
    assert again.complainant == world.owner and "电梯又坏了" in again.content
    assert status(again) == "waiting_assign"
    text = client.get(response["Location"]).content.decode()
    assert again.case.number in text and "已为您重新提交处理" in text
    assert complaint.case.number in text  # the link back to the first complaint
    text = client.get(reverse("complaints:my_detail", args=[complaint.pk])).content.decode()
    assert (
        again.case.number in text
        and 'action="' + reverse("complaints:my_act", args=[complaint.pk, "reopen"]) not in text
    )  # once


def test_reopen_needs_a_reason(world, login):
    complaint = reply(world, complain(world))
    page = login("owner").post(
        reverse("complaints:my_act", args=[complaint.pk, "reopen"]), {"note": " "}
    )
    assert "请说明哪里还不满意" in page.content.decode()
    assert page.context["open_form"] == "reopen"
    assert not Complaint.objects.filter(reopened_from=complaint).exists()


def test_reopen_after_the_window_explains_and_creates_nothing(world, login, frozen):
    ComplaintSettings.objects.create(estate=world.estate, reopen_days=3)
    complaint = reply(world, complain(world))
    frozen.move_to(at("2026-11-29 10:01"), tick=False)  # 3 days and a minute after the reply
    client = login("owner")
    text = client.get(reverse("complaints:my_detail", args=[complaint.pk])).content.decode()
    assert "回复已超过 3 天，不能再要求重新处理" in text and reverse("complaints:my_new") in text
    assert "提交，要求重新处理" not in text
    response = client.post(
        reverse("complaints:my_act", args=[complaint.pk, "reopen"]), {"note": "还是不行"},
        follow=True,
    )  # fmt: skip
    assert "请重新投诉" in response.content.decode()
    assert Complaint.objects.count() == 1


def test_comment_is_never_internal_and_may_carry_a_photo(world, login):
    complaint = complain(world)
    response = login("owner").post(
        reverse("complaints:my_act", args=[complaint.pk, "comment"]),
        {"note": "今天早上又困在电梯里十分钟", "internal": "1", "photos": [make_jpeg()]},
    )
    assert response.status_code == 302
    event = complaint.case.events.get(action="comment")
    assert event.note == "今天早上又困在电梯里十分钟" and not event.data.get("internal")
    assert event.attachments.count() == 1
    text = login("owner").get(response["Location"]).content.decode()
    assert "补充说明已发送" in text and "今天早上又困在电梯里十分钟" in text


def test_comment_needs_text(world, login):
    complaint = complain(world)
    page = login("owner").post(reverse("complaints:my_act", args=[complaint.pk, "comment"]), {})
    assert "请填写补充说明" in page.content.decode()
    assert not complaint.case.events.filter(action="comment").exists()


def test_a_cancelled_complaint_says_so(world, login):
    complaint = complain(world)
    act(complaint, "cancel", world.agent.user, note="业主来电表示问题已自行解决")
    text = login("owner").get(reverse("complaints:my_detail", args=[complaint.pk])).content.decode()
    assert "本投诉已撤销" in text and "业主来电表示问题已自行解决" in text
    assert "rp-progress" not in text
