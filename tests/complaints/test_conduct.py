"""How the desk receives an owner, as the system carries it (DESIGN: rules about conduct):

- COMPLAINT-15: no buck-passing. A reply that says "这不是我们的责任，你找开发企业吧" is refused,
  and a complaint cannot be cancelled as "not ours"; a complaint about the developer's work is
  registered and assigned to one of our departments like any other.
- COMPLAINT-16: let the owner finish. The owner's whole account is kept as told: the forms never
  cut a long account off (no maxlength), the service keeps every character and line, and one
  over the limit is refused with the text kept, never shortened.
- The complaint forms (the desk's and the resident's) show the estate's service phone.

Through the service, the API and the pages, with frozen time."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.complaints.test_api import Api
from tests.factories import OccupancyFactory, make_staff
from wuye.complaints.models import CONTENT_MAX, Complaint
from wuye.complaints.services import complaints as services
from wuye.core.choices import DepartmentKind, Role

SH = ZoneInfo("Asia/Shanghai")
MEASURE = "电梯维保频次提高至每10天一次"
GOOD_REPLY = f"王女士您好，给您带来不便，我们深表歉意。门机板已更换。改进措施：{MEASURE}。"
BUCK_PASSING_REPLIES = (
    "非常抱歉。这不是我们的责任，你找开发企业吧。" + MEASURE,
    "给您带来不便深表歉意。房屋质量问题不归我们管，请找开发商。" + MEASURE,
    "对不起，渗水 与 我们 无关。" + MEASURE,  # spaces do not hide it
)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 26, 10, 0, tzinfo=SH), tick=False)
    return time_machine


@pytest.fixture
def eng(world):
    return make_staff(world.company, "eng_head", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                      [world.estate])  # fmt: skip


def receive(world, content="1栋301室业主投诉电梯经常故障", **kwargs):
    kwargs.setdefault("room", world.room)
    kwargs.setdefault("type", "engineering_quality")
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士",
        contact_phone="13800138000", channel="phone", by=world.agent.user, **kwargs,
    )  # fmt: skip


def act(complaint, action, user, **kwargs):
    return services.complaint_act(complaint=complaint, action=action, by=user, **kwargs)


def resolved(world, eng, **kwargs):
    c = receive(world, **kwargs)
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    act(c, "resolve", eng.user, data={"resolution": "已更换电梯门机板", "measure": MEASURE})
    return c


def status(complaint) -> str:
    complaint.case.refresh_from_db()
    return complaint.case.status


# --- COMPLAINT-15: no buck-passing ----------------------------------------------------------------


@pytest.mark.parametrize("text", BUCK_PASSING_REPLIES)
def test_a_reply_passing_the_buck_is_refused_and_nothing_changes__COMPLAINT_15(world, eng, text):
    c = resolved(world, eng)
    with pytest.raises(ValidationError) as err:
        act(c, "reply", world.agent.user, data={"channel": "phone", "text": text})
    assert any("不要推诿" in p for p in err.value.message_dict["text"])
    c.refresh_from_db()
    assert status(c) == "waiting_reply" and c.reply_text == "" and c.replied_at is None
    # The same reply without the buck-passing sentence is sent.
    act(c, "reply", world.agent.user, data={"channel": "phone", "text": GOOD_REPLY})
    assert status(c) == "replied"


def test_the_api_refuses_a_buck_passing_reply_with_its_reason__COMPLAINT_15(client, world, eng):
    c = resolved(world, eng)
    agent = Api(client, world.agent.user)
    body = agent.post(f"/complaints/{c.pk}/reply",
                      {"data": {"channel": "phone", "text": BUCK_PASSING_REPLIES[0]}},
                      expect=400)  # fmt: skip
    assert "不要推诿" in body["error"]["fields"]["text"][0]
    assert status(c) == "waiting_reply"


def test_the_reply_page_shows_the_refusal_and_keeps_the_text__COMPLAINT_15(world, eng, login):
    c = resolved(world, eng)
    text = BUCK_PASSING_REPLIES[1]
    response = login("agent").post(
        reverse("complaints:act", args=[c.pk, "reply"]),
        {"reply-channel": "phone", "reply-text": text},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "不要推诿" in page and text in page
    assert status(c) == "waiting_reply"


def test_a_complaint_cannot_be_cancelled_as_not_ours__COMPLAINT_15(world, eng):
    c = receive(world, content="新房墙面开裂，开发商说找物业")
    for note in ("这是房屋质量问题，不归我们管，让业主找开发商", "与我们无关"):
        with pytest.raises(ValidationError) as err:
            act(c, "cancel", world.agent.user, note=note)
        assert "不能以" in err.value.message_dict["note"][0]
    assert status(c) == "waiting_assign"
    # A complaint about the developer's work is ours to follow: assigned to our department.
    act(c, "assign", world.agent.user, data={"department": "engineering"})
    assert status(c) == "handling"
    # A real withdrawal may still be cancelled.
    other = receive(world, content="车位被占")
    act(other, "cancel", world.agent.user, note="业主来电撤回投诉，车位已挪开")
    assert status(other) == "cancelled"


def test_a_complaint_cannot_be_assigned_away_from_our_departments__COMPLAINT_15(world):
    c = receive(world, content="新房墙面开裂")
    for department in ("developer", "", "executive"):
        with pytest.raises(ValidationError):
            act(c, "assign", world.agent.user, data={"department": department})
    assert status(c) == "waiting_assign" and Complaint.objects.get(pk=c.pk).department == ""


# --- COMPLAINT-16: let the owner finish --------------------------------------------------------


def long_account() -> str:
    """An owner's account of exactly the limit, in paragraphs (kept with its line breaks)."""
    paragraph = "电梯这个月坏了三次，老人上下楼很不方便，物业来看过但没有修好。\n"
    text = paragraph * (CONTENT_MAX // len(paragraph) + 1)
    return text[: CONTENT_MAX - 1] + "完"


def intake(**overrides) -> dict:
    data = {
        "building": "", "room": "1-2-301", "channel": "phone", "contact_name": "王女士",
        "contact_phone": "13800138000", "contact_email": "", "content": "电梯经常故障",
        "type": "engineering_quality", "type_other": "", "urgency": "general", "department": "",
    }  # fmt: skip
    return data | overrides


def test_the_desk_form_never_cuts_the_owners_account__COMPLAINT_16(world, login):
    client = login("agent")
    page = client.get(reverse("complaints:create")).content.decode()
    textarea = re.search(r'<textarea name="content"[^>]*>', page)[0]
    assert "maxlength" not in textarea and 'data-counter-max="5000"' in textarea
    account = long_account()
    response = client.post(reverse("complaints:create"), intake(content=account))
    assert response.status_code == 302
    assert Complaint.objects.get().content == account.strip()  # every character and line


def test_an_account_over_the_limit_is_refused_whole_not_cut__COMPLAINT_16(world, login):
    account = long_account() + "还有一件事"
    response = login("agent").post(reverse("complaints:create"), intake(content=account))
    page = response.content.decode()
    assert response.status_code == 200 and "不能超过 5000 字" in page
    assert account in page  # kept for the agent to shorten with the owner, not cut by us
    assert not Complaint.objects.exists()


def test_the_residents_account_is_kept_whole__COMPLAINT_16(world, login):
    account = long_account()
    response = login("owner").post(
        reverse("complaints:my_new"),
        {"type": "engineering_quality", "room": str(world.room.pk), "content": account,
         "contact_name": "王女士", "contact_phone": "13912345678"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Complaint.objects.get().content == account.strip()


# --- The service phone on the complaint forms ----------------------------------------------------


def test_the_desk_form_shows_the_estates_service_phone(world, login):
    world.estate.phone = "0571-88886666"
    world.estate.save(update_fields=["phone"])
    page = login("agent").get(reverse("complaints:create")).content.decode()
    assert 'href="tel:0571-88886666"' in page and "本项目服务电话" in page


def test_the_desk_form_says_when_the_estate_has_no_phone(world, login):
    page = login("agent").get(reverse("complaints:create")).content.decode()
    assert "本项目尚未登记服务电话" in page and "tel:" not in page


def test_the_residents_form_shows_the_service_phone_of_each_estate(world, login):
    world.estate.phone = "0571-88886666"
    world.estate.save(update_fields=["phone"])
    page = login("owner").get(reverse("complaints:my_new")).content.decode()
    assert 'href="tel:0571-88886666"' in page and "物业服务电话" in page
    assert world.estate.name not in page.split("data-service-phone", 1)[1][:300]  # one estate
    # The owner also lives in the other estate: both phones, each with its estate's name.
    world.other_estate.phone = "0571-86667777"
    world.other_estate.save(update_fields=["phone"])
    OccupancyFactory(room=world.other_room, resident=world.owner)
    page = login("owner").get(reverse("complaints:my_new")).content.decode()
    block = page.split("data-service-phone", 1)[1][:600]
    assert "0571-88886666" in block and "0571-86667777" in block
    assert world.estate.name in block and world.other_estate.name in block
