"""The desk's repair pages (客服中心 / 工程主管): the order list with its filters and export,
intake by phone or at the counter, the order page with its steps, the price list. Through the
test client: what the user sees, the write done by the service, bad input kept with its error
and nothing changed, and the scoping (another estate's staff 404, residents 403)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_staff
from tests.images import make_jpeg, photo_of, signature_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import PublicArea
from wuye.repairs.models import PriceItem, RepairOrder
from wuye.workflow.models import Attachment
from wuye.workflow.services import sla_sweep


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


def completed(world, order):
    """Dispatched, accepted, arrived and completed by ``world.tech``."""
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    act(order, "arrive", world.tech.user, data=ARRIVAL)
    return act(order, "complete", world.tech.user, data={"diagnosis": "角阀老化"},
               attachments=[photo_of(world.tech.user)])  # fmt: skip


@pytest.fixture
def eng_head(world):
    return make_staff(world.company, "enghead", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING,
                      [world.estate], name="赵主管")  # fmt: skip


@pytest.fixture
def tap(world):
    return PriceItem.objects.create(estate=world.estate, category="plumbing", name="更换水龙头",
                                    unit="个", price=Decimal("35.00"))  # fmt: skip


def html(response) -> str:
    return response.content.decode()


# --- The list ----------------------------------------------------------------------------------


def test_list_shows_orders_with_badges_technician_and_next_due(world, login):
    general = report(world)
    emergency = report(world, description="厨房水管爆裂", room=world.room2)
    act(general, "dispatch", world.agent.user, assignee=world.tech.user)
    page = html(login("agent").get(reverse("repairs:list")))
    assert general.case.number in page and emergency.case.number in page
    assert "紧急" in page  # REPAIR-04: the emergency is marked
    assert "tech" in page  # the technician's name
    assert "2026-11-26 10:05" in page  # the emergency's dispatch deadline (REPAIR-09)
    # Sorted by the next deadline: the emergency (due 10:05) comes first.
    assert page.index(emergency.case.number) < page.index(general.case.number)


def test_overdue_orders_are_marked_and_filtered(world, login, frozen):
    late = report(world, description="厨房水管爆裂")
    frozen.move_to(at("2026-11-26 10:20"), tick=False)
    on_time = report(world, description="门锁坏了", room=world.room2)
    sla_sweep()
    client = login("agent")
    page = html(client.get(reverse("repairs:list")))
    row = page[page.index(late.case.number) - 200 : page.index(late.case.number) + 300]
    assert "row-breach" in row and '<span class="badge badge-breach">超时</span>' in row
    only = html(client.get(reverse("repairs:list"), {"tab": "overdue"}))
    assert late.case.number in only and on_time.case.number not in only


def test_filters_stay_in_the_url_and_narrow_the_list(world, login):
    leak = report(world)
    crack = report(world, description="客厅墙面裂缝", category="walls", room=world.room2)
    client = login("agent")
    url = reverse("repairs:list")
    page = html(client.get(url, {"category": "walls"}))
    assert crack.case.number in page and leak.case.number not in page
    page = html(client.get(url, {"q": leak.case.number}))
    assert leak.case.number in page and crack.case.number not in page
    page = html(client.get(url, {"building": world.room.building_id, "q": "裂缝"}))
    assert crack.case.number in page and leak.case.number not in page
    act(leak, "dispatch", world.agent.user, assignee=world.tech.user)
    page = html(client.get(url, {"technician": world.tech.user.pk}))
    assert leak.case.number in page and crack.case.number not in page
    page = html(client.get(url, {"tab": "dispatch"}))
    assert crack.case.number in page and leak.case.number not in page
    page = html(client.get(url, {"reported_from": "2026-11-27"}))
    assert "没有符合条件的工单" in page
    # A hand-edited bad value is dropped, not an error page.
    assert client.get(url, {"status": "nonsense", "reported_to": "x"}).status_code == 200


def test_quick_tabs_count_what_they_hold(world, login):
    report(world)
    order = report(world, room=world.room2)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    page = html(login("agent").get(reverse("repairs:list")))
    assert 'href="/repairs/?tab=dispatch"' in page
    assert '待派单 <span class="tab-count">1</span>' in page
    assert '处理中 <span class="tab-count">1</span>' in page
    assert '全部 <span class="tab-count">2</span>' in page


def test_htmx_swaps_only_the_results_and_pages(world, login, settings):
    settings.WUYE = {**settings.WUYE, "PAGE_SIZE": 2}
    for _i in range(3):
        report(world)
    client = login("agent")
    fragment = client.get(reverse("repairs:list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "<html" not in html(fragment) and "共 3 单" in html(fragment)
    assert "第 1 / 2 页" in html(fragment)
    assert "<html" in html(client.get(reverse("repairs:list"), {"page": 2}))


def test_list_query_count_does_not_grow_with_orders(world, login, django_assert_max_num_queries):
    for _i in range(8):
        act(report(world), "dispatch", world.agent.user, assignee=world.tech.user)
    client = login("agent")
    with django_assert_max_num_queries(25):
        assert client.get(reverse("repairs:list")).status_code == 200


def test_list_is_scoped_to_the_estate_and_to_staff(world, login):
    order = report(world)
    assert order.case.number not in html(login("outsider").get(reverse("repairs:list")))
    assert login("owner").get(reverse("repairs:list")).status_code == 403


def test_guards_and_cleaners_do_not_use_the_desk(world, login):
    make_staff(world.company, "guard", Role.GUARD, DepartmentKind.ORDER, [world.estate])
    assert login("guard").get(reverse("repairs:list")).status_code == 403


# --- Export ------------------------------------------------------------------------------------


def test_export_is_the_filtered_list_with_chinese_headers_and_local_times(world, login):
    leak = report(world, description="厨房水管爆裂")
    report(world, description="客厅墙面裂缝", category="walls", room=world.room2)
    response = login("agent").get(reverse("repairs:export"), {"urgency": "emergency"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:6] == ("工单号", "状态", "紧急程度", "类别", "报修位置", "报修内容")
    assert "报修时间" in headers and "维修人" in headers and "下一到期时间" in headers
    assert len(rows) == 2  # only the emergency
    row = dict(zip(headers, rows[1], strict=True))
    assert row["工单号"] == leak.case.number
    assert row["紧急程度"] == "紧急报修" and row["状态"] == "待派单"
    assert row["报修位置"] == "1栋2单元301室"
    # An Excel date-time, in the estate's time zone (Asia/Shanghai).
    assert row["报修时间"] == dt.datetime(2026, 11, 26, 10, 0)
    assert row["下一到期时间"] == dt.datetime(2026, 11, 26, 10, 5)
    assert row["联系电话"] == "13800138000"  # the desk may see phones (PII role)


def test_export_masks_phones_for_technicians(world, login):
    report(world)
    response = login("tech").get(reverse("repairs:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=8).value == "138****8000"


# --- Intake (REPAIR-02/04) ---------------------------------------------------------------------


def intake(**overrides) -> dict:
    data = {
        "place_kind": "room", "building": "", "room": "1-2-301", "public_area": "",
        "description": "卫生间水管漏水", "urgency": "", "category": "plumbing",
        "contact_name": "张先生", "contact_phone": "13800138000", "preferred_time": "下午",
        "channel": "phone",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_intake_form_shows_the_places_and_channels(world, login):
    page = html(login("agent").get(reverse("repairs:create")))
    assert "登记报修" in page and "1栋" in page and "电话" in page and "前台" in page
    assert 'name="photos"' in page and 'enctype="multipart/form-data"' in page


def test_intake_by_phone_with_a_room_typed_as_1_2_301__REPAIR_02(world, login):
    response = login("agent").post(reverse("repairs:create"), intake())
    order = RepairOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("repairs:detail", args=[order.pk])
    assert order.room == world.room and order.channel == "phone"
    assert (order.contact_name, order.contact_phone) == ("张先生", "13800138000")
    assert order.preferred_time == "下午"
    assert order.urgency == "general"


def test_intake_takes_the_suggestion_unless_the_agent_overrules__REPAIR_04(world, login):
    client = login("agent")
    client.post(reverse("repairs:create"), intake(description="厨房水管爆裂"))
    client.post(reverse("repairs:create"), intake(description="水管爆裂已关阀", urgency="general"))
    first, second = RepairOrder.objects.order_by("pk")
    assert first.urgency == "emergency"
    assert (second.urgency, second.suggested_urgency) == ("general", "emergency")


def test_intake_of_a_public_area_at_the_counter(world, login):
    lobby = PublicArea.objects.create(estate=world.estate, kind="lobby", name="1栋大堂")
    login("agent").post(
        reverse("repairs:create"),
        intake(place_kind="area", public_area=lobby.pk, room="", channel="counter"),
    )
    order = RepairOrder.objects.get()
    assert order.public_area == lobby and order.room is None and order.channel == "counter"


def test_intake_with_photos_binds_them_to_the_report(world, login):
    data = intake()
    data["photos"] = [make_jpeg("leak.jpg"), make_jpeg("pipe.jpg")]
    login("agent").post(reverse("repairs:create"), data)
    order = RepairOrder.objects.get()
    photos = Attachment.objects.filter(case=order.case, event__action="created")
    assert photos.count() == 2
    page = html(login("agent").get(reverse("repairs:detail", args=[order.pk])))
    assert reverse("workflow:attachment", args=[photos[0].pk]) in page


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"room": "9-9-999"}, "本项目没有找到这个房号"),
        ({"room": "30"}, "有多套房屋符合"),  # 301 and 302
        ({"room": ""}, "请输入房号"),
        ({"description": ""}, "This field is required|这个字段是必填项"),
        ({"contact_phone": "12345"}, "请填写手机号或座机号"),
        ({"place_kind": "area", "room": ""}, "请选择公共区域"),
        ({"room": "8-1-101"}, "本项目没有找到这个房号"),  # a room of the other estate
    ],
)
def test_intake_errors_keep_the_input_and_create_nothing(world, login, overrides, error):
    response = login("agent").post(reverse("repairs:create"), intake(**overrides))
    page = html(response)
    assert response.status_code == 200
    assert any(e in page for e in error.split("|"))
    assert "张先生" in page  # the input is kept
    assert not RepairOrder.objects.exists()


def test_intake_suggestion_and_room_lookup_partials(world, login):
    client = login("agent")
    hint = html(client.get(reverse("repairs:suggest"), {"description": "厨房水管爆裂了"}))
    assert "紧急报修" in hint and "爆裂" in hint and "<html" not in hint
    assert "一般报修" in html(client.get(reverse("repairs:suggest"), {"description": "墙面裂缝"}))
    match = html(client.get(reverse("repairs:room_lookup"), {"room": "1-2-301"}))
    owner = world.owner
    assert "1栋2单元301室" in match and owner.name in match and owner.mobile in match
    assert "有多套房屋符合" in html(client.get(reverse("repairs:room_lookup"), {"room": "30"}))


def test_a_repeat_within_30_days_is_flagged_on_the_order_page__REPAIR_13(world, login, frozen):
    first = completed(world, report(world))
    frozen.move_to(at("2026-12-10 09:00"), tick=False)
    login("agent").post(reverse("repairs:create"), intake(description="水龙头又漏水了"))
    repeat = RepairOrder.objects.exclude(pk=first.pk).get()
    assert repeat.repeat_of == first
    page = html(login("agent").get(reverse("repairs:detail", args=[repeat.pk])))
    assert "返修" in page and first.case.number in page and "tech" in page


def test_residents_and_guards_cannot_register_at_the_desk(world, login):
    assert login("owner").post(reverse("repairs:create"), intake()).status_code == 403
    assert not RepairOrder.objects.exists()


# --- The order page ----------------------------------------------------------------------------


def test_order_page_header_clocks_and_dispatch_with_workloads(world, login):
    order = report(world)
    busy = report(world, room=world.room2)
    act(busy, "dispatch", world.agent.user, assignee=world.tech.user)
    page = html(login("agent").get(reverse("repairs:detail", args=[order.pk])))
    assert order.case.number in page and "待派单" in page and "1栋2单元301室" in page
    assert 'href="tel:13800138000"' in page and "电话" in page
    # The clocks by name (REPAIR-08 dispatch, REPAIR-05 handling); no rule IDs for users.
    assert "派单时限" in page and "处理时限" in page and "2026-11-26 11:00" in page
    assert "REPAIR-" not in page
    assert "tech（在办 1 单）" in page  # technicians_by_workload
    assert "按工作量自动派单" in page
    assert "调整分类" in page and "取消工单" in page and "备注" in page
    assert "维修验收单" not in page  # not completed yet


def test_order_page_query_count(world, login, django_assert_max_num_queries):
    order = completed(world, report(world))
    for note in ("一", "二", "三"):
        act(order, "comment", world.agent.user, note=note)
    client = login("agent")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("repairs:detail", args=[order.pk])).status_code == 200


def test_dispatch_through_the_page(world, login):
    order = report(world)
    url = reverse("repairs:act", args=[order.pk, "dispatch"])
    response = login("agent").post(url, {"dispatch-assignee": world.tech.user.pk})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.case.status == "waiting_accept" and order.case.assignee == world.tech.user
    assert order.dispatched_at is not None


def test_dispatch_to_a_technician_of_another_estate_is_refused(world, login):
    order = report(world)
    stranger = make_staff(world.company, "ctech", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                          [world.other_estate])  # fmt: skip
    url = reverse("repairs:act", args=[order.pk, "dispatch"])
    response = login("agent").post(url, {"dispatch-assignee": stranger.user.pk})
    assert response.status_code == 200
    assert "请从本项目的维修人员中选择" in html(response)
    order.refresh_from_db()
    assert order.case.status == "waiting_dispatch" and order.case.assignee is None


def test_auto_dispatch_goes_to_the_least_loaded_technician(world, login):
    idle = make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                      [world.estate], name="钱师傅")  # fmt: skip
    act(report(world, room=world.room2), "dispatch", world.agent.user, assignee=world.tech.user)
    order = report(world)
    response = login("agent").post(reverse("repairs:dispatch_auto", args=[order.pk]), follow=True)
    assert "已按工作量派单给 钱师傅" in html(response)
    order.refresh_from_db()
    assert order.case.assignee == idle.user


def test_a_step_the_state_no_longer_allows_shows_the_reason(world, login):
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    url = reverse("repairs:act", args=[order.pk, "dispatch"])
    response = login("agent").post(url, {"dispatch-assignee": world.tech.user.pk}, follow=True)
    assert "不能执行“派单”" in html(response)


def test_reassign_needs_a_reason(world, login):
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    tech2 = make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                       [world.estate])  # fmt: skip
    client = login("agent")
    url = reverse("repairs:act", args=[order.pk, "reassign"])
    response = client.post(url, {"reassign-assignee": tech2.user.pk, "reassign-note": ""})
    assert "请填写改派原因" in html(response)
    order.refresh_from_db()
    assert order.case.assignee == world.tech.user
    client.post(url, {"reassign-assignee": tech2.user.pk, "reassign-note": "原维修人请假"})
    order.refresh_from_db()
    assert order.case.assignee == tech2.user


def test_reclassify_moves_the_clocks__REPAIR_04(world, login):
    order = report(world)
    url = reverse("repairs:act", args=[order.pk, "reclassify"])
    client = login("agent")
    response = client.post(url, {"reclassify-urgency": "emergency", "reclassify-category":
                                 "plumbing", "reclassify-note": ""})  # fmt: skip
    assert "请填写调整原因" in html(response)
    client.post(url, {"reclassify-urgency": "emergency", "reclassify-category": "plumbing",
                      "reclassify-note": "业主说水已漫到客厅"})  # fmt: skip
    order.refresh_from_db()
    assert order.urgency == "emergency"
    page = html(client.get(reverse("repairs:detail", args=[order.pk])))
    assert "到场时限" in page and "不再适用" in page  # REPAIR-06 now runs; REPAIR-05 does not
    assert "REPAIR-" not in page


def test_cancel_needs_a_reason_and_then_cancels(world, login):
    order = report(world)
    url = reverse("repairs:act", args=[order.pk, "cancel"])
    client = login("agent")
    response = client.post(url, {"cancel-note": " "})
    assert response.status_code == 200 and "请填写取消原因" in html(response)
    order.refresh_from_db()
    assert order.case.status == "waiting_dispatch"
    client.post(url, {"cancel-note": "业主自行修好"})
    order.refresh_from_db()
    assert order.case.status == "cancelled"


def test_internal_comment_is_recorded_as_internal(world, login):
    order = report(world)
    url = reverse("repairs:act", args=[order.pk, "comment"])
    login("agent").post(url, {"comment-note": "业主脾气急，先打电话", "comment-internal": "on"})
    event = order.case.events.get(action="comment")
    assert event.data["internal"] is True and event.note == "业主脾气急，先打电话"


def test_revisit_with_the_three_scores__REPAIR_12(world, login):
    order = completed(world, report(world))
    act(order, "sign_off", world.tech.user, data={"amount": "0"},
        attachments=[signature_of(world.tech.user)])  # fmt: skip
    client = login("agent")
    page = html(client.get(reverse("repairs:detail", args=[order.pk])))
    assert "总体满意度" in page and "维修质量" in page and "服务态度" in page
    assert "维修验收单" in page  # the slip can be printed now
    url = reverse("repairs:act", args=[order.pk, "revisit"])
    response = client.post(url, {"revisit-satisfaction": "9"})
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.case.status == "waiting_revisit" and order.satisfaction is None
    client.post(url, {"revisit-satisfaction": "5", "revisit-quality": "4",
                      "revisit-attitude": "5", "revisit-comment": "师傅很专业"})  # fmt: skip
    order.refresh_from_db()
    assert order.case.status == "done"
    assert (order.satisfaction, order.quality_score, order.attitude_score) == (5, 4, 5)
    page = html(client.get(reverse("repairs:detail", args=[order.pk])))
    assert "师傅很专业" in page and "业主现场签字" in page


def test_revisit_without_satisfaction_is_an_error(world, login):
    order = completed(world, report(world))
    url = reverse("repairs:act", args=[order.pk, "revisit_early"])
    response = login("agent").post(url, {"revisit_early-quality": "4"})
    assert "此项为必填项" in html(response)
    order.refresh_from_db()
    assert order.revisited_at is None


def test_close_an_order_not_accepted(world, login):
    order = completed(world, report(world))
    login("agent").post(reverse("repairs:act", args=[order.pk, "close"]),
                        {"close-note": "业主三次联系不上"})  # fmt: skip
    order.refresh_from_db()
    assert order.case.status == "closed" and order.acceptance == "desk_closed"


def test_repeat_cause_on_a_repeat__REPAIR_13(world, login, frozen):
    first = completed(world, report(world))
    frozen.move_to(at("2026-12-01 09:00"), tick=False)
    repeat = report(world, description="水龙头又漏了")
    url = reverse("repairs:act", args=[repeat.pk, "repeat_cause"])
    login("agent").post(url, {"repeat_cause-cause": "parts_quality"})
    repeat.refresh_from_db()
    assert repeat.repeat_of == first and repeat.repeat_cause == "parts_quality"
    # Not a repeat: no such form, and the service refuses it.
    response = login("agent").post(
        reverse("repairs:act", args=[first.pk, "repeat_cause"]), {"repeat_cause-cause": "different"}
    )
    assert "该报修不是返修" in html(response)


def test_completed_order_shows_charges_materials_and_slip_link(world, login, tap):
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    act(order, "arrive", world.tech.user, data=ARRIVAL)
    data = {
        "diagnosis": "水龙头阀芯损坏",
        "materials": [{"name": "阀芯", "quantity": "1", "unit": "个"}],
        "charges": [{"item": tap.pk, "quantity": "2"}],
    }
    act(order, "complete", world.tech.user, attachments=[photo_of(world.tech.user)], data=data)
    page = html(login("agent").get(reverse("repairs:detail", args=[order.pk])))
    assert "更换水龙头" in page and "¥70.00" in page and "阀芯" in page
    assert reverse("repairs:acceptance_pdf", args=[order.pk]) in page
    assert "完成维修" in page  # the timeline


def test_order_page_is_scoped(world, login):
    order = report(world)
    assert login("outsider").get(reverse("repairs:detail", args=[order.pk])).status_code == 404
    url = reverse("repairs:act", args=[order.pk, "cancel"])
    assert login("outsider").post(url, {"cancel-note": "x"}).status_code == 404
    order.refresh_from_db()
    assert order.case.status == "waiting_dispatch"


def test_a_resident_is_sent_to_their_own_page(world, login):
    order = report(world)
    response = login("owner").get(reverse("repairs:detail", args=[order.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("repairs:my_detail", args=[order.pk])
    assert login("owner").post(reverse("repairs:act", args=[order.pk, "cancel"]),
                               {"cancel-note": "x"}).status_code == 403  # fmt: skip


def test_unknown_or_system_actions_are_404(world, login):
    order = report(world)
    client = login("agent")
    assert client.post(reverse("repairs:act", args=[order.pk, "explode"])).status_code == 404
    assert client.post(reverse("repairs:act", args=[order.pk, "auto_close"])).status_code == 404


def test_a_technician_sees_a_link_to_the_phone_page(world, login):
    order = report(world)
    page = html(login("tech").get(reverse("repairs:detail", args=[order.pk])))
    assert reverse("repairs:tech_detail", args=[order.pk]) in page
    assert "按工作量自动派单" not in page  # no desk steps for a technician


# --- Price list (REPAIR-11) --------------------------------------------------------------------


def price(**overrides) -> dict:
    data = {"price-name": "更换角阀", "price-category": "plumbing", "price-unit": "个",
            "price-price": "25.5", "price-note": "", "price-is_active": "on"}  # fmt: skip
    data.update(overrides)
    return data


def test_price_list_is_read_only_for_the_desk(world, login, tap):
    client = login("agent")
    page = html(client.get(reverse("repairs:prices")))
    assert "更换水龙头" in page and "¥35.00" in page and "添加收费项目" not in page
    assert client.post(reverse("repairs:prices"), price()).status_code == 403
    assert PriceItem.objects.count() == 1


def test_engineering_head_adds_and_edits_prices(world, login, eng_head, tap):
    client = login("enghead")
    assert "添加收费项目" in html(client.get(reverse("repairs:prices")))
    response = client.post(reverse("repairs:prices"), price())
    assert response.status_code == 302
    item = PriceItem.objects.get(name="更换角阀")
    assert item.price == Decimal("25.50") and item.estate == world.estate
    edit = reverse("repairs:price_edit", args=[tap.pk])
    assert "修改“更换水龙头”" in html(client.get(edit))
    client.post(edit, price(**{"price-name": "更换水龙头", "price-price": "40"}))
    tap.refresh_from_db()
    assert tap.price == Decimal("40.00")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [({"price-name": "更换水龙头"}, "本项目已有同名收费项目"), ({"price-price": "-1"}, "price")],
)
def test_price_errors_keep_the_input(world, login, eng_head, tap, overrides, error):
    response = login("enghead").post(reverse("repairs:prices"), price(**overrides))
    assert response.status_code == 200
    page = html(response)
    assert "field-error" in page and "更换" in page
    if error != "price":
        assert error in page
    assert PriceItem.objects.count() == 1


def test_price_of_another_estate_is_404(world, login, eng_head):
    other = PriceItem.objects.create(estate=world.other_estate, category="plumbing", name="x",
                                     unit="个", price=Decimal("1"))  # fmt: skip
    assert login("enghead").get(reverse("repairs:price_edit", args=[other.pk])).status_code == 404
