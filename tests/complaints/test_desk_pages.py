"""The desk's complaint pages (客服中心 and the departments): the list with its filters and export,
intake by phone, at the counter or by email, the complaint's page with its steps, the daily
ledger 《投诉处理台账》 (COMPLAINT-11) and its export. Through the test client: what the user sees,
the write done by the service, bad input kept with its error and nothing changed, and the
scoping (another estate's staff 404, residents 403)."""

import datetime as dt
import io
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_staff
from tests.images import make_jpeg
from wuye.complaints.models import Complaint
from wuye.complaints.services import complaints as services
from wuye.core.choices import DepartmentKind, Role
from wuye.workflow.models import Attachment, Event
from wuye.workflow.services import sla_sweep

SH = ZoneInfo("Asia/Shanghai")
MEASURE = "电梯维护频率提高至每10天一次"
REPLY = "王女士您好，给您带来不便，我们深表歉意。电梯主板已更换。改进措施：" + MEASURE + "。"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)  # a Thursday
    return time_machine


@pytest.fixture
def eng(world):
    """The engineering department's head (赵主管) and a technician is ``world.tech``."""
    return make_staff(world.company, "enghead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                      [world.estate], name="赵主管")  # fmt: skip


def receive(world, content="1栋301室业主投诉电梯经常故障", by=None, **kwargs):
    kwargs.setdefault("room", world.room)
    kwargs.setdefault("type", "engineering_quality")
    kwargs.setdefault("channel", "phone")
    return services.complaint_create(
        estate=world.estate, content=content, contact_name="王女士",
        contact_phone="13800138000", by=by or world.agent.user, **kwargs,
    )  # fmt: skip


def act(complaint, action, user, **kwargs):
    return services.complaint_act(complaint=complaint, action=action, by=user, **kwargs)


def assigned(world, **kwargs):
    c = receive(world, **kwargs)
    return act(c, "assign", world.agent.user, data={"department": "engineering"})


def resolved(world):
    c = assigned(world)
    return act(c, "resolve", world.tech.user,
               data={"resolution": "已更换电梯主板，试运行正常", "measure": MEASURE})  # fmt: skip


def html(response) -> str:
    return response.content.decode()


def status(complaint) -> str:
    complaint.case.refresh_from_db()
    return complaint.case.status


def post(client, complaint, action, data=None, follow=False, **extra):
    """POST a step as its form sends it (fields prefixed with the action); ``extra``: unprefixed
    fields such as ``next``."""
    url = reverse("complaints:act", args=[complaint.pk, action])
    data = {f"{action}-{k}": v for k, v in (data or {}).items()} | extra
    return client.post(url, data, follow=follow)


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_complaints_with_badges_department_and_next_due(world, login):
    general = receive(world)
    urgent = receive(world, content="家里漏水，楼上渗下来", urgency="urgent", room=world.room2)
    act(general, "assign", world.agent.user, data={"department": "engineering"},
        assignee=world.tech.user)  # fmt: skip
    act(urgent, "mark_major", world.agent.user, note="多次投诉未解决")
    page = html(login("agent").get(reverse("complaints:list")))
    assert general.case.number in page and urgent.case.number in page
    assert "紧急</span>" in page and "重大</span>" in page
    assert "工程设备部" in page and "tech" in page  # department and handler
    # The urgent one waits for assignment: its 1-hour deadline (COMPLAINT-08), counting down.
    assert "2026-11-26 11:00" in page and "剩余 1 小时" in page
    # The general one: handled within 3 working days (COMPLAINT-09).
    assert "2026-12-01 23:59" in page


def test_waiting_for_assignment_tab_counts_down_to_the_hour__COMPLAINT_08(world, login, frozen):
    c = receive(world)
    later = receive(world, room=world.room2)
    act(later, "assign", world.agent.user, data={"department": "engineering"})
    frozen.move_to(at("2026-11-26 10:35"), tick=False)
    page = html(login("agent").get(reverse("complaints:list"), {"tab": "assign"}))
    assert c.case.number in page and later.case.number not in page
    assert "分派时限" in page and "剩余 25 分" in page
    assert "受理后 1 小时内须分派至责任部门" in page and "COMPLAINT-08" not in page


def test_overdue_complaints_are_marked_and_filtered(world, login, frozen):
    late = receive(world)
    frozen.move_to(at("2026-11-26 11:20"), tick=False)
    on_time = receive(world, room=world.room2)
    sla_sweep()
    client = login("agent")
    page = html(client.get(reverse("complaints:list")))
    row = page[page.index(late.case.number) - 200 : page.index(late.case.number) + 400]
    assert "row-breach" in row and '<span class="badge badge-breach">超时</span>' in row
    only = html(client.get(reverse("complaints:list"), {"tab": "overdue"}))
    assert late.case.number in only and on_time.case.number not in only
    only = html(client.get(reverse("complaints:list"), {"overdue": "1"}))
    assert late.case.number in only and on_time.case.number not in only


def test_filters_stay_in_the_url_and_narrow_the_list(world, login):
    lift = receive(world)
    fee = receive(world, content="物业费多收了一个月", type="fees", room=world.room2,
                  channel="counter")  # fmt: skip
    rude = receive(world, content="保安态度恶劣", type="service_attitude", urgency="urgent")
    act(rude, "mark_major", world.agent.user, note="业主情绪激动")
    client = login("agent")
    url = reverse("complaints:list")

    def shown(params) -> set:
        page = html(client.get(url, params))
        return {c.case.number for c in (lift, fee, rude) if c.case.number in page}

    assert shown({"type": "fees"}) == {fee.case.number}
    assert shown({"q": "电梯"}) == {lift.case.number}
    assert shown({"q": fee.case.number}) == {fee.case.number}
    assert shown({"urgency": "urgent"}) == {rude.case.number}
    assert shown({"channel": "counter"}) == {fee.case.number}
    assert shown({"major": "1"}) == {rude.case.number}
    assert shown({"status": "waiting_assign", "open_only": "1"}) == {
        lift.case.number, fee.case.number, rude.case.number,
    }  # fmt: skip
    act(lift, "assign", world.agent.user, data={"department": "engineering"})
    assert shown({"department": "engineering"}) == {lift.case.number}
    assert shown({"tab": "handling"}) == {lift.case.number}
    assert shown({"received_from": "2026-11-26", "received_to": "2026-11-26"}) == {
        lift.case.number, fee.case.number, rude.case.number,
    }  # fmt: skip
    assert "没有符合条件的投诉" in html(client.get(url, {"received_from": "2026-11-27"}))
    # A hand-edited bad value is dropped, not an error page.
    assert client.get(url, {"status": "nonsense", "received_to": "x"}).status_code == 200


def test_quick_tabs_count_what_they_hold(world, login):
    receive(world)
    assigned(world, room=world.room2)
    page = html(login("agent").get(reverse("complaints:list")))
    assert 'href="/complaints/?tab=assign"' in page
    assert '待分派 <span class="tab-count">1</span>' in page
    assert '处理中 <span class="tab-count">1</span>' in page
    assert '待审批 <span class="tab-count">0</span>' in page
    assert '待回复 <span class="tab-count">0</span>' in page
    assert '全部 <span class="tab-count">2</span>' in page


def test_htmx_swaps_only_the_results_and_pages(world, login, settings):
    settings.WUYE = {**settings.WUYE, "PAGE_SIZE": 2}
    for _i in range(3):
        receive(world)
    client = login("agent")
    url = reverse("complaints:list")
    fragment = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "<html" not in html(fragment) and "共 3 件" in html(fragment)
    assert "第 1 / 2 页" in html(fragment)
    assert "<html" in html(client.get(url, {"page": 2}))


def test_list_query_count_does_not_grow_with_complaints(
    world, login, django_assert_max_num_queries
):
    for _i in range(8):
        assigned(world)
    client = login("agent")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("complaints:list")).status_code == 200


def test_department_staff_see_their_department_by_default(world, login):
    lift = assigned(world)
    rude = receive(world, content="保安态度恶劣", type="service_attitude")
    act(rude, "assign", world.agent.user, data={"department": "order"})
    client = login("tech")  # engineering
    page = html(client.get(reverse("complaints:list")))
    assert lift.case.number in page and rude.case.number not in page
    assert "默认显示本部门（工程设备部）的投诉" in page
    # "全部部门" in the filter: every department's.
    page = html(client.get(reverse("complaints:list"), {"department": ""}))
    assert lift.case.number in page and rude.case.number in page
    # The desk sees all by default.
    page = html(login("agent").get(reverse("complaints:list")))
    assert lift.case.number in page and rude.case.number in page


def test_list_is_scoped_to_the_estate_and_to_staff(world, login):
    c = receive(world)
    assert c.case.number not in html(login("outsider").get(reverse("complaints:list")))
    assert login("owner").get(reverse("complaints:list")).status_code == 403
    assert login("lift").get(reverse("complaints:list")).status_code == 403


# --- Export ------------------------------------------------------------------------------------


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]], rows[0]


def test_export_is_the_filtered_list_with_chinese_headers_and_local_times(world, login):
    lift = assigned(world)
    receive(world, content="物业费多收了一个月", type="fees", room=world.room2)
    response = login("agent").get(reverse("complaints:export"), {"type": "engineering_quality"})
    assert ".xlsx" in response["Content-Disposition"]
    rows, headers = rows_of(response)
    assert headers[:4] == ("投诉单号", "状态", "投诉类型", "紧急程度")
    assert "受理时间" in headers and "责任部门" in headers and "下一到期时间" in headers
    assert len(rows) == 1  # only the engineering one
    row = rows[0]
    assert row["投诉单号"] == lift.case.number
    assert row["状态"] == "处理中" and row["投诉类型"] == "工程质量" and row["紧急程度"] == "一般"
    assert row["房屋"] == "1栋2单元301室" and row["责任部门"] == "工程设备部"
    assert row["投诉内容"] == "1栋301室业主投诉电梯经常故障"
    # Excel date-times, in the estate's time zone (Asia/Shanghai).
    assert row["受理时间"] == dt.datetime(2026, 11, 26, 10, 0)
    assert row["下一到期时间"] == dt.datetime(2026, 12, 1, 23, 59, 59)
    assert row["联系电话"] == "13800138000"  # the desk may see phones


def test_export_masks_phones_for_department_staff(world, login):
    assigned(world)
    rows, _headers = rows_of(login("tech").get(reverse("complaints:export")))
    assert rows[0]["联系电话"] == "138****8000"


# --- Intake (COMPLAINT-05/06/07) ---------------------------------------------------------------


def intake(**overrides) -> dict:
    data = {
        "building": "", "room": "1-2-301", "channel": "phone", "contact_name": "王女士",
        "contact_phone": "13800138000", "contact_email": "", "content": "电梯经常故障",
        "type": "engineering_quality", "type_other": "", "urgency": "general", "department": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_intake_form_shows_the_conduct_checklist_and_suggestions(world, login):
    page = html(login("agent").get(reverse("complaints:create")))
    assert "登记投诉" in page and "1栋" in page and "电话" in page and "邮件" in page
    # COMPLAINT-15/16/17 beside the form.
    assert "热情接待，不推诿" in page and "让业主把话说完" in page and "我们会尽力解决" in page
    assert "COMPLAINT-" not in page  # rule IDs stay in the code, not on the screen
    # The suggested department of each type, for the page's script.
    found = re.search(r'<script id="department-suggestions" type="application/json">(.*?)</script>',
                      page)  # fmt: skip
    suggestions = json.loads(found.group(1))
    assert suggestions["engineering_quality"] == "工程设备部" and suggestions["fees"] == "财务部"
    assert 'name="photos"' in page and 'enctype="multipart/form-data"' in page
    assert 'data-counter-max="5000"' in page  # a counter, no maxlength (COMPLAINT-16)


def test_intake_by_phone_with_the_room_and_its_owner__COMPLAINT_05(world, login):
    response = login("agent").post(
        reverse("complaints:create"), intake(contact_phone=world.owner.mobile)
    )
    c = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:detail",
                                                                    args=[c.pk])  # fmt: skip
    assert c.room == world.room and c.channel == "phone" and c.type == "engineering_quality"
    assert c.complainant == world.owner  # the owner's own phone: it shows in their APP too
    assert c.case.status == "waiting_assign" and c.reported_by == world.agent.user
    assert c.received_at == at("2026-11-26 10:00")


def test_intake_without_a_room_and_another_phone(world, login):
    login("agent").post(reverse("complaints:create"), intake(room="", channel="counter"))
    c = Complaint.objects.get()
    assert c.room is None and c.complainant is None and c.channel == "counter"


def test_intake_and_assign_at_once_to_the_suggested_department__COMPLAINT_08(world, login):
    client = login("agent")
    response = client.post(reverse("complaints:create"), intake(assign_now="on"), follow=True)
    c = Complaint.objects.get()
    assert c.department == "engineering" and c.case.status == "handling"
    assert "并分派至工程设备部" in html(response)
    client.post(reverse("complaints:create"),
                intake(type="fees", assign_now="on", department="administration"))  # fmt: skip
    assert Complaint.objects.get(type="fees").department == "administration"


def test_intake_with_a_photo(world, login):
    data = intake() | {"photos": make_jpeg()}
    login("agent").post(reverse("complaints:create"), data)
    c = Complaint.objects.get()
    assert Attachment.objects.filter(case=c.case, event__action="created").count() == 1
    page = html(login("agent").get(reverse("complaints:detail", args=[c.pk])))
    assert "投诉照片" in page


def test_empty_content_is_an_error_and_nothing_is_saved(world, login):
    response = login("agent").post(reverse("complaints:create"), intake(content="  "))
    assert response.status_code == 200 and Complaint.objects.count() == 0
    page = html(response)
    assert "请填写投诉内容" in page
    assert 'value="王女士"' in page  # the input is kept


def test_content_over_5000_characters_is_an_error_and_nothing_is_saved(world, login):
    response = login("agent").post(reverse("complaints:create"), intake(content="漏" * 5001))
    assert response.status_code == 200 and Complaint.objects.count() == 0
    assert "不能超过 5000 字（现有 5001 字）" in html(response)
    # 5000 fits.
    login("agent").post(reverse("complaints:create"), intake(content="漏" * 5000))
    assert len(Complaint.objects.get().content) == 5000


def test_email_complaint_needs_the_email_and_other_type_its_text(world, login):
    client = login("agent")
    page = html(client.post(reverse("complaints:create"), intake(channel="email")))
    assert "邮件投诉请填写来信邮箱" in page
    page = html(client.post(reverse("complaints:create"), intake(contact_email="不是邮箱")))
    assert "请填写正确的邮箱地址" in page
    page = html(client.post(reverse("complaints:create"), intake(type="other")))
    assert "选择“其他”时请写明投诉类型" in page
    page = html(client.post(reverse("complaints:create"), intake(room="9-9-909")))
    assert "本项目没有找到这个房号" in page
    page = html(client.post(reverse("complaints:create"), intake(contact_phone="123")))
    assert "请填写手机号或座机号" in page
    assert Complaint.objects.count() == 0
    client.post(reverse("complaints:create"),
                intake(channel="email", contact_email="wang@example.com", type="other",
                       type_other="停车管理"))  # fmt: skip
    c = Complaint.objects.get()
    assert c.contact_email == "wang@example.com" and c.type_label == "其他（停车管理）"


def test_room_lookup_finds_the_owner_to_call_back(world, login):
    page = html(login("agent").get(reverse("complaints:room_lookup"), {"room": "1-2-301"}))
    assert "1栋2单元301室" in page and world.owner.name in page and "带入联系人" in page
    page = html(login("agent").get(reverse("complaints:room_lookup"), {"room": "30"}))
    assert "有多套房屋符合" in page


def test_only_the_desk_registers_complaints(world, login):
    assert login("tech").get(reverse("complaints:create")).status_code == 403
    assert login("owner").get(reverse("complaints:create")).status_code == 403


# --- The complaint's page ----------------------------------------------------------------------


def test_detail_shows_the_complaint_clocks_and_the_assign_form(world, login):
    c = receive(world, content="电梯经常故障\n<script>alert(1)</script>")
    page = html(login("agent").get(reverse("complaints:detail", args=[c.pk])))
    assert c.case.number in page and "待分派" in page and "工程质量" in page
    assert 'href="tel:13800138000"' in page
    assert "电梯经常故障<br>&lt;script&gt;alert(1)&lt;/script&gt;" in page  # escaped, lines kept
    assert "分派时限" in page and "COMPLAINT-08" not in page and "COMPLAINT-09" not in page
    # The assign form, its department defaulting to the type's suggestion, people grouped.
    assert 'id="assign-form"' in page
    assert '<option value="engineering" selected>工程设备部</option>' in page
    assert '<optgroup label="工程设备部">' in page and "tech（维修技术员）" in page
    assert "outsider" not in page  # staff of another estate are not offered


def test_assign_to_the_department_and_a_person_of_it(world, login):
    c = receive(world)
    response = post(login("agent"), c, "assign",
                    {"department": "engineering", "assignee": world.tech.user.pk})  # fmt: skip
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.department == "engineering" and c.case.assignee == world.tech.user
    assert status(c) == "handling"


def test_assign_to_a_person_of_another_department_is_an_error(world, login):
    c = receive(world)
    response = post(login("agent"), c, "assign",
                    {"department": "engineering", "assignee": world.head.user.pk})  # fmt: skip
    assert response.status_code == 200
    assert "处理人须为所选责任部门的员工" in html(response)
    c.refresh_from_db()
    assert status(c) == "waiting_assign" and c.department == ""


def test_assign_without_a_department_keeps_the_form(world, login):
    c = receive(world)
    response = post(login("agent"), c, "assign", {"department": "", "note": "尽快处理"})
    assert response.status_code == 200 and "尽快处理" in html(response)
    assert status(c) == "waiting_assign"


def test_progress_and_reassign(world, login, eng):
    c = assigned(world)
    client = login("tech")
    assert post(client, c, "progress", {"note": "已联系维保单位"}).status_code == 302
    assert Event.objects.filter(case=c.case, action="progress", note="已联系维保单位").exists()
    page = html(post(client, c, "progress", {"note": ""}))
    assert "请填写今日处理进展" in page
    # The desk moves it to another department, with a reason.
    agent = login("agent")
    page = html(post(agent, c, "reassign", {"department": "order", "note": ""}))
    assert "请填写改派原因" in page
    post(agent, c, "reassign", {"department": "order", "note": "属于秩序管理"})
    c.refresh_from_db()
    assert c.department == "order"


def test_a_department_that_does_not_handle_it_is_told_why(world, login):
    c = receive(world)
    act(c, "assign", world.agent.user, data={"department": "order"})
    client = login("tech")
    page = html(client.get(reverse("complaints:detail", args=[c.pk])))
    assert 'id="progress-form"' not in page  # not offered to engineering
    response = post(client, c, "progress", {"note": "看过了"}, follow=True)
    assert "该投诉由秩序管理部处理" in html(response)
    assert not Event.objects.filter(case=c.case, action="progress").exists()


def test_major_complaint_goes_to_an_executive_and_may_be_sent_back__COMPLAINT_03(world, login):
    c = assigned(world)
    page = html(post(login("agent"), c, "mark_major", {"note": ""}))
    assert "请填写列为重大投诉的原因" in page
    post(login("agent"), c, "mark_major", {"note": "多户联名投诉"})
    page = html(login("tech").get(reverse("complaints:detail", args=[c.pk])))
    assert "处理完成，提交审批" in page and "重大</span>" in page
    post(login("tech"), c, "resolve", {"resolution": "已更换主板", "measure": MEASURE})
    assert status(c) == "waiting_approval"
    client = login("exec")
    page = html(client.get(reverse("complaints:detail", args=[c.pk])))
    assert 'id="approve-form"' in page and "已更换主板" in page
    page = html(post(client, c, "send_back", {"note": ""}))
    assert "请填写退回原因" in page and status(c) == "waiting_approval"
    post(client, c, "send_back", {"note": "请补充对业主的补偿方案"})
    assert status(c) == "handling"
    post(login("tech"), c, "resolve", {"resolution": "已更换主板并补偿", "measure": MEASURE})
    post(login("exec"), c, "approve", {"note": "同意"})  # one test client: log in again
    assert status(c) == "waiting_reply"
    c.refresh_from_db()
    assert c.approved_by == world.exec.user


def test_resolve_needs_the_result_and_the_measure(world, login):
    c = assigned(world)
    page = html(post(login("tech"), c, "resolve", {"resolution": "已更换主板", "measure": ""}))
    assert "此项为必填项" in page and "已更换主板" in page
    assert status(c) == "handling"


def test_reply_form_starts_from_a_template_that_keeps_the_rules(world, login):
    c = resolved(world)
    page = html(login("agent").get(reverse("complaints:detail", args=[c.pk])))
    assert 'id="reply-form"' in page and "真诚道歉" in page and "我们会尽力解决" in page
    assert "王女士，您好" in page and MEASURE in page and "道歉" in page
    assert "reply-templates" in page  # the other templates, for the picker


def test_reply_without_apology_shows_the_problems_and_changes_nothing__COMPLAINT_13(world, login):
    c = resolved(world)
    text = "王女士您好，电梯已修好，我们一定解决类似问题。"
    response = post(login("agent"), c, "reply", {"channel": "phone", "text": text})
    assert response.status_code == 200
    page = html(response)
    assert "回复内容未通过检查" in page
    assert "回复须包含真诚的道歉" in page and "回复须告知改进措施" in page
    assert "不要承诺“一定解决”" in page
    assert text in page  # kept for editing
    c.refresh_from_db()
    assert status(c) == "waiting_reply" and c.reply_text == "" and c.replied_at is None


def test_reply_archive_with_satisfaction(world, login):
    c = resolved(world)
    client = login("agent")
    assert post(client, c, "reply", {"channel": "phone", "text": REPLY}).status_code == 302
    c.refresh_from_db()
    assert status(c) == "replied" and c.reply_text == REPLY and c.reply_channel == "phone"
    page = html(client.get(reverse("complaints:detail", args=[c.pk])))
    assert "回复内容" in page and "深表歉意" in page
    page = html(post(client, c, "archive", {"satisfaction": "9"}))
    assert "选择一个有效的选项" in page or "评分应为" in page
    post(client, c, "archive", {"satisfaction": "4", "comment": "还算及时"})
    c.refresh_from_db()
    assert status(c) == "archived" and c.satisfaction == 4


def test_reopen_links_both_complaints(world, login):
    c = resolved(world)
    act(c, "reply", world.agent.user, data={"channel": "phone", "text": REPLY})
    client = login("agent")
    post(client, c, "reopen", {"note": "电梯又坏了"})
    again = Complaint.objects.get(reopened_from=c)
    page = html(client.get(reverse("complaints:detail", args=[again.pk])))
    assert "重新处理" in page and c.case.number in page
    page = html(client.get(reverse("complaints:detail", args=[c.pk])))
    assert again.case.number in page


def test_cancel_and_internal_comment(world, login):
    c = receive(world)
    client = login("agent")
    post(client, c, "comment", {"note": "业主情绪激动，回电注意语气", "internal": "on"})
    event = Event.objects.get(case=c.case, action="comment")
    assert event.data["internal"] is True
    page = html(post(client, c, "cancel", {"note": ""}))
    assert "请填写撤销原因" in page and status(c) == "waiting_assign"
    post(client, c, "cancel", {"note": "业主撤回投诉"})
    assert status(c) == "cancelled"


def test_link_a_repair_order_by_its_number(world, login):
    from tests.repairs.helpers import report

    order = report(world)
    c = receive(world)
    client = login("agent")
    page = html(post(client, c, "link_repair", {"repair_order": "BX-00000000-9999"}))
    assert "本项目没有这张报修单" in page and c.repair_orders.count() == 0
    post(client, c, "link_repair", {"repair_order": order.case.number.lower()})
    assert list(c.repair_orders.all()) == [order]
    page = html(client.get(reverse("complaints:detail", args=[c.pk])))
    assert reverse("repairs:detail", args=[order.pk]) in page


def test_a_step_the_state_does_not_allow_is_a_message(world, login):
    c = assigned(world)
    response = post(login("agent"), c, "assign", {"department": "finance"}, follow=True)
    assert response.redirect_chain and "msg-error" in html(response)
    c.refresh_from_db()
    assert c.department == "engineering"


def test_auditors_read_but_do_not_act(world, login):
    make_staff(world.company, "audit", Role.AUDITOR, DepartmentKind.ADMINISTRATION,
               [world.estate])  # fmt: skip
    c = receive(world)
    client = login("audit")
    page = html(client.get(reverse("complaints:detail", args=[c.pk])))
    assert c.case.number in page and "可执行操作" not in page
    response = post(client, c, "cancel", {"note": "x"}, follow=True)
    assert "msg-error" in html(response) and status(c) == "waiting_assign"
    assert client.get(reverse("complaints:ledger")).status_code == 200


def test_complaint_page_and_steps_are_scoped(world, login):
    c = receive(world)
    detail = reverse("complaints:detail", args=[c.pk])
    assert login("outsider").get(detail).status_code == 404
    assert post(login("outsider"), c, "cancel", {"note": "x"}).status_code == 404
    assert login("owner").get(detail).status_code == 403
    assert post(login("owner"), c, "comment", {"note": "x"}).status_code == 403
    assert post(login("agent"), c, "nonsense").status_code == 404
    assert post(login("agent"), c, "rate", {"satisfaction": "5"}).status_code == 404
    assert login("agent").get(reverse("complaints:act", args=[c.pk, "cancel"])).status_code == 405
    assert status(c) == "waiting_assign"


# --- The ledger 《投诉处理台账》 (COMPLAINT-11) ---------------------------------------------------


def test_ledger_lists_open_complaints_with_todays_progress__COMPLAINT_11(world, login, frozen):
    noted = assigned(world)
    silent = assigned(world, room=world.room2)
    waiting = receive(world, content="噪音扰民")
    closed = receive(world, content="已撤回")
    act(closed, "cancel", world.agent.user, note="业主撤回")
    act(noted, "progress", world.tech.user, note="昨天的进展")
    frozen.move_to(at("2026-11-27 09:00"), tick=False)
    act(noted, "progress", world.tech.user, note="维保单位今天上午到场")
    page = html(login("agent").get(reverse("complaints:ledger")))
    for c in (noted, silent, waiting):
        assert c.case.number in page
    assert closed.case.number not in page
    assert "维保单位今天上午到场" in page and "昨天的进展" not in page
    assert page.count('cd-not-updated">今日未更新') == 1  # the silent one
    assert "待分派，尚未开始处理" in page
    assert "2026-11-27" in page and "周五" in page
    # Yesterday's ledger shows yesterday's note.
    page = html(login("agent").get(reverse("complaints:ledger"), {"day": "2026-11-26"}))
    assert "昨天的进展" in page and "维保单位今天上午到场" not in page


def test_ledger_quick_progress_returns_to_the_ledger(world, login):
    c = assigned(world)
    client = login("tech")
    page = html(client.get(reverse("complaints:ledger")))
    assert "记录今日进展" in page and f'action="/complaints/{c.pk}/act/progress/"' in page
    ledger_url = reverse("complaints:ledger")
    response = post(client, c, "progress", {"note": "已更换门禁读卡器"}, next=ledger_url)
    assert response.status_code == 302 and response.url == ledger_url
    page = html(client.get(ledger_url))
    assert "已更换门禁读卡器" in page and 'cd-not-updated">今日未更新' not in page
    # An empty note: the ledger again, the error on that row, nothing written.
    response = post(client, c, "progress", {"note": ""}, next=ledger_url)
    assert response.status_code == 200 and "请填写今日处理进展" in html(response)
    assert "《投诉处理台账》" in html(response)
    assert Event.objects.filter(case=c.case, action="progress").count() == 1


def test_ledger_query_count_does_not_grow_with_complaints(
    world, login, django_assert_max_num_queries
):
    for _i in range(8):
        act(assigned(world), "progress", world.tech.user, note="已联系维保单位")
        receive(world)
    client = login("tech")
    with django_assert_max_num_queries(20):
        page = html(client.get(reverse("complaints:ledger")))
    assert page.count("记录今日进展</button>") == 8


def test_ledger_export_is_the_days_ledger(world, login):
    c = assigned(world)
    act(c, "progress", world.tech.user, note="已联系维保单位")
    other = assigned(world, room=world.room2)
    response = login("agent").get(reverse("complaints:ledger_export"))
    assert "20261126" in response["Content-Disposition"]
    rows, headers = rows_of(response)
    assert headers[:3] == ("序号", "投诉单号", "受理时间")
    by_number = {r["投诉单号"]: r for r in rows}
    assert by_number[c.case.number]["当日进展"] == "已联系维保单位"
    assert by_number[c.case.number]["进展记录时间"] == dt.datetime(2026, 11, 26, 10, 0)
    assert by_number[c.case.number]["记录人"] == "tech"
    assert by_number[other.case.number]["当日进展"] == "今日未更新"
    assert by_number[other.case.number]["责任部门"] == "工程设备部"


def test_ledger_is_scoped(world, login):
    c = receive(world)
    assert c.case.number not in html(login("outsider").get(reverse("complaints:ledger")))
    assert login("owner").get(reverse("complaints:ledger")).status_code == 403
    assert login("owner").get(reverse("complaints:ledger_export")).status_code == 403


# --- Navigation --------------------------------------------------------------------------------


def test_navigation_has_the_complaint_pages(world, login):
    page = html(login("agent").get(reverse("complaints:list")))
    for label in ("投诉工单", "登记投诉", "投诉处理台账"):
        assert f">{label}</a>" in page
    page = html(login("tech").get(reverse("complaints:list")))
    assert ">本部门投诉</a>" in page and ">登记投诉</a>" not in page
