"""The public-health pages: thin over the same services — the event page and its forms, the
phone check of mask and gloves, the close-contact register (logged, masked, for the named roles
only), the deliveries of the staff and of the resident portal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from wuye.emergency.choices import AccessAction
from wuye.emergency.models import CloseContact, ContactAccess, Delivery, PpeCheck

from .health_helpers import close_unit

pytestmark = pytest.mark.django_db


def test_event_page_report_close_and_release__EMERG_HEALTH_04_05_07(hw, login):
    w = hw
    url = reverse("emergency:health_detail", args=[w.incident.pk])
    act = lambda name: reverse("emergency:health_act", args=[w.incident.pk, name])  # noqa: E731
    agent = login("agent")
    page = agent.get(url)
    assert page.status_code == 200 and "上报疾控部门" in page.content.decode()
    assert "EMERG" not in page.content.decode()  # no rule IDs on screen
    r = agent.post(act("report_authority"), {"organisation": "区疾控", "person": "王医生"})
    assert r.status_code == 302 and w.incident.contacts.count() == 1
    r = agent.post(act("close_area"), {"scope": "unit", "unit": w.unit.pk, "days": "14"})
    assert r.status_code == 403 and "不能执行" in r.content.decode()
    boss = login("exec")
    r = boss.post(act("close_area"), {"scope": "unit", "unit": w.unit.pk})
    assert r.status_code == 400 and "封闭结束时间" in r.content.decode()
    r = boss.post(act("close_area"), {"scope": "unit", "unit": w.unit.pk, "days": "14",
                                      "cleaner": w.cleaner.pk})  # fmt: skip
    assert r.status_code == 302 and w.incident.closures.count() == 1
    agent = login("agent")
    page = agent.get(url).content.decode()
    assert "1栋2单元" in page and "居家隔离" in page  # the closure and the release template
    r = agent.post(act("release"), {"title": "封闭通知", "body": "1栋2单元封闭，业主需居家隔离",
                                    "to": "closed"})  # fmt: skip
    assert r.status_code == 302
    assert "2 户" in agent.get(url).content.decode()
    assert "李保安" in agent.get(url).content.decode()  # has not confirmed PPE today


def test_phone_check_of_mask_and_gloves__EMERG_HEALTH_11(hw, login):
    guard = login("guard")
    url = reverse("emergency:health_ppe")
    assert "N95口罩" in guard.get(url).content.decode()
    r = guard.post(url, {"mask": "on"})
    assert r.status_code == 400 and "请佩戴N95口罩和手套" in r.content.decode()
    assert guard.post(url, {"mask": "on", "gloves": "on"}).status_code == 302
    assert PpeCheck.objects.filter(staff=hw.guard).count() == 1
    assert "今天已确认" in guard.get(url).content.decode()


def test_register_pages_logged_masked_and_closed_to_others__EMERG_HEALTH_08(hw, login):
    w = hw
    url = reverse("emergency:health_contacts", args=[w.incident.pk])
    for name in ("agent", "guard", "order_head"):
        assert login(name).get(url).status_code == 403
    assert login("outsider").get(url).status_code == 404
    head = login("head")
    r = head.post(url, {"name": "赵某", "mobile": "13812345678", "room": w.room2.pk,
                        "contact_on": "2026-08-10"})  # fmt: skip
    assert r.status_code == 302
    page = head.get(url).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    row = CloseContact.objects.get()
    detail = reverse("emergency:health_contact_detail", args=[w.incident.pk, row.pk])
    assert "13812345678" in head.get(detail).content.decode()
    export = head.get(reverse("emergency:health_contacts_export", args=[w.incident.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    actions = list(ContactAccess.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [AccessAction.CREATE, AccessAction.LIST, AccessAction.VIEW,
                       AccessAction.EXPORT]  # fmt: skip
    # The event page links the register only for those who may open it.
    event = reverse("emergency:health_detail", args=[w.incident.pk])
    assert "密切接触者登记" in head.get(event).content.decode()
    assert "密切接触者登记" not in login("agent").get(event).content.decode()


def test_portal_request_staff_delivery_and_confirmation__EMERG_HEALTH_12(hw, login):
    w = hw
    mine = reverse("emergency:my_deliveries")
    assert "无需申请" in login("far_owner").get(mine).content.decode()
    close_unit(w, days=14)
    owner = login("owner")
    assert "提交申请" in owner.get(mine).content.decode()
    assert owner.post(mine, {"room": w.room.pk, "items": "大米、退烧药"}).status_code == 302
    d = Delivery.objects.get()
    assert login("agent").get(mine).status_code == 404  # staff are not residents
    guard = login("guard")
    assert "大米" in guard.get(reverse("emergency:health_deliveries")).content.decode()
    guard.post(reverse("emergency:health_delivery_act", args=[d.pk, "take"]))
    guard.post(reverse("emergency:health_delivery_act", args=[d.pk, "deliver"]), {"note": "门口"})
    owner = login("owner")
    owner.post(reverse("emergency:my_delivery_act", args=[d.pk, "confirm"]))
    d.refresh_from_db()
    assert d.status == "confirmed" and d.assignee == w.guard
