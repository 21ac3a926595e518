"""The technician's phone pages: my orders and the pool, and the steps of an order in the
manual's order — grab or accept, arrive with the conduct checklist (REPAIR-14/15), diagnose,
complete with photos, materials and charges from the price list (REPAIR-11), the owner's
signature for the amount shown (REPAIR-10). Every step posts to ``repairs:act``."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.images import make_jpeg, make_signature_data_url, photo_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from wuye.core.choices import DepartmentKind, Role
from wuye.repairs import services
from wuye.repairs.models import PriceItem
from wuye.workflow.models import Attachment


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


def html(response) -> str:
    return response.content.decode()


def post(client, order, action, data=None, **extra):
    """A step from the technician's order page (its ``next`` is that page)."""
    payload = {"next": reverse("repairs:tech_detail", args=[order.pk]), **(data or {})}
    return client.post(reverse("repairs:act", args=[order.pk, action]), payload, **extra)


@pytest.fixture
def tap(world):
    return PriceItem.objects.create(estate=world.estate, category="plumbing", name="更换水龙头",
                                    unit="个", price=Decimal("35.00"))  # fmt: skip


@pytest.fixture
def hose(world):
    return PriceItem.objects.create(estate=world.estate, category="plumbing", name="更换软管",
                                    unit="根", price=Decimal("12.50"))  # fmt: skip


@pytest.fixture
def working(world):
    """An order the technician has accepted."""
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    act(order, "accept", world.tech.user)
    return order


@pytest.fixture
def on_site(world, working):
    act(working, "arrive", world.tech.user, data=ARRIVAL)
    return working


# --- Home: my orders and the pool --------------------------------------------------------------


def test_my_orders_emergencies_first_with_countdown(world, login, frozen):
    general = report(world)
    act(general, "dispatch", world.agent.user, assignee=world.tech.user)
    frozen.move_to(at("2026-11-26 10:10"), tick=False)
    emergency = report(world, description="厨房水管爆裂", room=world.room2)
    act(emergency, "dispatch", world.agent.user, assignee=world.tech.user)
    page = html(login("tech").get(reverse("repairs:tech_home")))
    assert page.index(emergency.case.number) < page.index(general.case.number)
    assert "紧急" in page and "1栋2单元302室" in page and "厨房水管爆裂" in page
    assert "剩余 30 分" in page  # on site by 10:40 (REPAIR-06)
    assert "待接单" in page


def test_overdue_orders_say_so(world, login, frozen):
    order = report(world, description="厨房水管爆裂")
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    frozen.move_to(at("2026-11-26 10:42"), tick=False)
    page = html(login("tech").get(reverse("repairs:tech_home")))
    assert "已超时 12 分" in page


def test_pool_lists_orders_to_grab(world, login):
    order = report(world)
    client = login("tech")
    home = html(client.get(reverse("repairs:tech_home")))
    assert (
        "暂无待处理的工单" in home and '抢单池 <span class="tab-count has-items">1</span>' in home
    )
    pool = html(client.get(reverse("repairs:tech_home"), {"tab": "pool"}))
    assert order.case.number in pool
    assert reverse("repairs:act", args=[order.pk, "grab"]) in pool


def test_grab_takes_the_order_and_opens_it(world, login):
    order = report(world)
    response = login("tech").post(
        reverse("repairs:act", args=[order.pk, "grab"]),
        {"next": reverse("repairs:tech_home") + "?tab=pool"},
    )
    assert response["Location"] == reverse("repairs:tech_detail", args=[order.pk])
    order.refresh_from_db()
    assert order.case.assignee == world.tech.user and order.case.status == "waiting_accept"


def test_grab_race_loser_sees_a_message_not_an_error_page(world, login):
    rival = make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
                       [world.estate], name="钱师傅")  # fmt: skip
    order = report(world)
    act(order, "grab", rival.user)
    response = login("tech").post(
        reverse("repairs:act", args=[order.pk, "grab"]),
        {"next": reverse("repairs:tech_home") + "?tab=pool"},
        follow=True,
    )
    assert response.status_code == 200
    page = html(response)
    assert "已被他人抢单" in page and "钱师傅" in page and "抢单池暂无工单" in page
    order.refresh_from_db()
    assert order.case.assignee == rival.user


def test_only_technicians_use_the_phone_pages(world, login):
    order = report(world)
    assert login("agent").get(reverse("repairs:tech_home")).status_code == 403
    assert login("owner").get(reverse("repairs:tech_home")).status_code == 403
    assert login("owner").get(reverse("repairs:tech_detail", args=[order.pk])).status_code == 403


def test_another_estates_technician_gets_404(world, login):
    order = report(world)
    make_staff(world.company, "ctech", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
               [world.other_estate])  # fmt: skip
    client = login("ctech")
    assert client.get(reverse("repairs:tech_detail", args=[order.pk])).status_code == 404
    assert order.case.number not in html(client.get(reverse("repairs:tech_home"), {"tab": "pool"}))
    assert post(client, order, "grab").status_code == 404


# --- The order on the phone --------------------------------------------------------------------


def test_order_page_with_contact_photos_and_the_accept_step(world, login):
    order = services.repair_order_create(
        estate=world.estate, room=world.room, description="卫生间漏水", contact_name="张先生",
        contact_phone="13800138000", channel="phone", by=world.agent.user,
        attachments=[photo_of(world.agent.user)],
    )  # fmt: skip
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    page = html(login("tech").get(reverse("repairs:tech_detail", args=[order.pk])))
    assert 'href="tel:13800138000"' in page and "张先生" in page
    assert "1栋2单元301室" in page and "卫生间漏水" in page
    photo = Attachment.objects.get(case=order.case)
    assert reverse("workflow:attachment", args=[photo.pk]) in page
    assert 'form="accept-form"' in page and "接单" in page  # the sticky bar
    assert "退单" in page
    assert "到达现场" not in page  # one step at a time


def test_accept_then_hand_back_with_a_reason(world, login):
    order = report(world)
    act(order, "dispatch", world.agent.user, assignee=world.tech.user)
    client = login("tech")
    response = post(client, order, "accept")
    assert response["Location"] == reverse("repairs:tech_detail", args=[order.pk])
    order.refresh_from_db()
    assert order.case.status == "in_progress"
    response = post(client, order, "hand_back", {"hand_back-note": ""})
    assert response.status_code == 200 and "请填写退单原因" in html(response)
    order.refresh_from_db()
    assert order.case.status == "in_progress"
    post(client, order, "hand_back", {"hand_back-note": "需要专业电梯公司"})
    order.refresh_from_db()
    assert order.case.status == "waiting_dispatch" and order.case.assignee is None


def test_arrival_needs_both_checks__REPAIR_14_REPAIR_15(world, login, working):
    client = login("tech")
    page = html(client.get(reverse("repairs:tech_detail", args=[working.pk])))
    assert "已佩戴工牌、穿着统一工服" in page and "已铺设防尘布等保护措施" in page
    assert 'form="arrive-form"' in page
    response = post(client, working, "arrive", {"arrive-badge_uniform": "on"})
    assert response.status_code == 200
    assert "请确认已铺设防尘布等保护措施" in html(response)
    working.refresh_from_db()
    assert working.arrived_at is None
    post(client, working, "arrive", {"arrive-badge_uniform": "on", "arrive-dust_sheet": "on"})
    working.refresh_from_db()
    assert working.arrived_at == at("2026-11-26 10:00")


def test_diagnosis_is_saved(world, login, on_site):
    post(login("tech"), on_site, "diagnose", {"diagnose-diagnosis": "角阀老化渗水"})
    on_site.refresh_from_db()
    assert on_site.diagnosis == "角阀老化渗水"


def complete_data(**extra) -> dict:
    data = {
        "complete-diagnosis": "阀芯损坏，已更换",
        "complete-material_name": ["阀芯", ""], "complete-material_quantity": ["1", "1"],
        "complete-material_unit": ["个", "个"],
        "complete-note": "",
    }  # fmt: skip
    data.update(extra)
    return data


def test_completion_form_offers_the_price_list(world, login, on_site, tap, hose):
    page = html(login("tech").get(reverse("repairs:tech_detail", args=[on_site.pk])))
    assert "完成维修" in page and 'form="complete-form"' in page
    assert f'value="{tap.pk}" data-price="35.00"' in page and "更换软管 ¥12.50/根" in page
    assert 'name="photos"' in page and 'capture="environment"' in page
    assert "data-total" in page


def test_complete_without_a_photo_is_refused_and_nothing_changes(world, login, on_site, tap):
    data = complete_data(
        **{"complete-charge_item": [str(tap.pk)], "complete-charge_quantity": ["2"]}
    )
    response = post(login("tech"), on_site, "complete", data)
    assert response.status_code == 200
    page = html(response)
    assert "请至少上传 1 张照片" in page
    assert "阀芯损坏，已更换" in page and 'value="阀芯"' in page  # the input is kept
    assert f'value="{tap.pk}" data-price="35.00" selected' in page
    on_site.refresh_from_db()
    assert on_site.case.status == "in_progress" and on_site.completed_at is None
    assert not on_site.charges.exists() and not on_site.materials.exists()


def test_complete_with_an_item_of_another_estate_is_refused(world, login, on_site):
    foreign = PriceItem.objects.create(
        estate=world.other_estate, category="plumbing", name="外项目", unit="个", price=99
    )
    data = complete_data(**{"complete-charge_item": [str(foreign.pk)],
                            "complete-charge_quantity": ["1"]}, photos=[make_jpeg()])  # fmt: skip
    response = post(login("tech"), on_site, "complete", data)
    assert "收费项目不在本项目的收费标准中" in html(response)
    on_site.refresh_from_db()
    assert on_site.case.status == "in_progress" and on_site.charge_total == 0


def test_complete_with_photos_materials_and_charges__REPAIR_11(world, login, on_site, tap, hose):
    data = complete_data(**{
        "complete-charge_item": [str(tap.pk), str(hose.pk), ""],
        "complete-charge_quantity": ["1", "2", "1"],
    }, photos=[make_jpeg("after1.jpg"), make_jpeg("after2.jpg")])  # fmt: skip
    response = post(login("tech"), on_site, "complete", data)
    assert response.status_code == 302
    on_site.refresh_from_db()
    assert on_site.case.status == "waiting_acceptance"
    assert on_site.charge_total == Decimal("60.00")
    assert [(m.name, m.quantity) for m in on_site.materials.all()] == [("阀芯", Decimal("1.00"))]
    assert sorted(c.name for c in on_site.charges.all()) == ["更换水龙头", "更换软管"]
    event = on_site.case.events.get(action="complete")
    assert event.attachments.filter(kind="photo").count() == 2


@pytest.fixture
def completed(world, on_site, tap):
    data = {"diagnosis": "换水龙头", "charges": [{"item": tap.pk, "quantity": "1"}]}
    return act(
        on_site, "complete", world.tech.user, attachments=[photo_of(world.tech.user)], data=data
    )


def test_sign_off_shows_the_amount_and_lines_to_the_owner__REPAIR_10(world, login, completed):
    page = html(login("tech").get(reverse("repairs:tech_detail", args=[completed.pk])))
    assert "业主签字验收" in page and "更换水龙头" in page and "¥35.00" in page
    assert 'name="sign_off-amount" value="35.00"' in page
    assert "signature-pad" in page and 'form="sign_off-form"' in page


def test_sign_off_without_a_signature_is_refused(world, login, completed):
    response = post(login("tech"), completed, "sign_off", {"sign_off-amount": "35.00"})
    assert "请签名确认" in html(response)
    completed.refresh_from_db()
    assert completed.case.status == "waiting_acceptance"


def test_sign_off_with_a_changed_amount_is_a_conflict(world, login, completed):
    response = post(login("tech"), completed, "sign_off",
                    {"sign_off-amount": "30.00", "signature": make_signature_data_url()},
                    follow=True)  # fmt: skip
    assert "与您确认的金额不一致" in html(response)
    completed.refresh_from_db()
    assert completed.case.status == "waiting_acceptance"


def test_sign_off_with_the_owners_signature(world, login, completed):
    signed = {"sign_off-amount": "35.00", "signature": make_signature_data_url()}
    response = post(login("tech"), completed, "sign_off", signed)
    assert response.status_code == 302
    completed.refresh_from_db()
    assert completed.case.status == "waiting_revisit" and completed.acceptance == "signature"
    event = completed.case.events.get(action="sign_off")
    assert event.attachments.get().kind == "signature"
    page = html(login("tech").get(reverse("repairs:tech_detail", args=[completed.pk])))
    assert "已验收" in page and "sticky-bar" not in page


def test_another_technician_cannot_work_on_my_order(world, login, working):
    make_staff(world.company, "tech2", Role.TECHNICIAN, DepartmentKind.ENGINEERING,
               [world.estate])  # fmt: skip
    client = login("tech2")
    page = html(client.get(reverse("repairs:tech_detail", args=[working.pk])))
    assert "该工单由 tech 处理" in page and "sticky-bar" not in page
    checks = {"arrive-badge_uniform": "on", "arrive-dust_sheet": "on"}
    response = post(client, working, "arrive", checks, follow=True)
    assert "只有本工单的处理人" in html(response)
    working.refresh_from_db()
    assert working.arrived_at is None


def test_a_pool_order_masks_the_phone_until_taken(world, login):
    order = report(world)
    page = html(login("tech").get(reverse("repairs:tech_detail", args=[order.pk])))
    assert "138****8000" in page and "tel:" not in page
    assert 'form="grab-form"' in page


def test_home_query_count_does_not_grow_with_orders(world, login, django_assert_max_num_queries):
    for _i in range(6):
        act(report(world), "dispatch", world.agent.user, assignee=world.tech.user)
        report(world)
    client = login("tech")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("repairs:tech_home")).status_code == 200
