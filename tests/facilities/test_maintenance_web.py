"""Maintenance plan pages: the form prefilled from a template, the list's filters, approval on
the plan page (an executive only), the phone verification page, the monthly review."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.facilities.test_maintenance import at, qualify
from wuye.facilities.models import MaintenancePlan, MaintenanceReview, PlanStatus
from wuye.fieldwork.services.records import task_complete
from wuye.workflow import schedules
from wuye.workflow.models import PlannedTask


def _new(client, eng, **values):
    data = {
        "name": "电梯半月保养", "template": "elevator_routine", "category": "elevator",
        "frequency": "interval_days", "interval": "15", "basis": "calendar",
        "anchor": "2026-09-28", "due_days": "3", "contractor": str(eng.contractor.pk),
        "standard": "", "items": "",
    }  # fmt: skip
    data.update(values)
    return client.post(reverse("facilities:maintenance_plan_new"), data)


def test_pages_from_form_to_approval_and_verification(eng, login, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    head = login("eng_head")
    assert head.get(reverse("facilities:maintenance_plan_new")).status_code == 200
    response = _new(head, eng)
    plan = MaintenancePlan.objects.get()
    assert response.url == reverse("facilities:maintenance_plan_detail", args=[plan.pk])
    assert plan.checklist.items.count() == 6  # the elevator routine's items
    listing = head.get(reverse("facilities:maintenance_plan_list") + "?status=draft")
    assert "电梯半月保养" in listing.content.decode()
    empty = head.get(reverse("facilities:maintenance_plan_list") + "?status=active")
    assert "电梯半月保养" not in empty.content.decode()
    act = "facilities:maintenance_plan_act"
    head.post(reverse(act, args=[plan.pk, "submit"]))
    head.post(reverse(act, args=[plan.pk, "approve"]))  # refused: not an executive
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    boss = login("exec")
    boss.post(reverse(act, args=[plan.pk, "approve"]), {"note": "同意"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    page = boss.get(reverse("facilities:maintenance_plan_detail", args=[plan.pk])).content.decode()
    assert "批准" in page and "同意" in page

    schedules.schedule_generate(now=at("2026-09-30 10:00"), horizon=dt.timedelta(days=20))
    task = PlannedTask.objects.get()
    time_machine.move_to(at("2026-10-13 15:00"), tick=False)
    items = list(plan.checklist.items.order_by("position"))
    lift = get_user_model().objects.get(username="lift")
    record = task_complete(
        task=task, by=lift, answers=[{"item": i.pk, "value": True} for i in items]
    )
    tech = login("tech")
    url = reverse("facilities:maintenance_verify", args=[record.pk])
    assert tech.get(url).status_code == 200
    answers = list(record.answers.order_by("position"))
    data = {f"ok_{a.pk}": "yes" for a in answers}
    data[f"ok_{answers[0].pk}"] = "no"  # no note: refused, nothing written
    assert "请说明原因" in tech.post(url, data).content.decode()
    data[f"note_{answers[0].pk}"] = "钢丝绳未润滑"
    assert tech.post(url, data).status_code == 302
    done = tech.get(url).content.decode()
    assert "已核对" in done and "钢丝绳未润滑" in done
    # The plan page lists the record with who verified it and when.
    page = tech.get(reverse("facilities:maintenance_plan_detail", args=[plan.pk])).content.decode()
    assert url in page and eng.tech.name in page


def test_review_page_saves_the_conclusion__EQUIP_MAINT_08(eng, login, time_machine):
    time_machine.move_to(at("2026-11-20 10:00"), tick=False)
    head = login("eng_head")
    url = reverse("facilities:maintenance_review") + "?category=elevator&month=2026-11"
    assert head.get(url).status_code == 200
    assert head.post(url, {"conclusion": ""}).status_code == 200
    assert not MaintenanceReview.objects.exists()
    assert head.post(url, {"conclusion": "运行平稳", "adjustment": ""}).status_code == 302
    review = MaintenanceReview.objects.get()
    assert (review.month, review.by) == (dt.date(2026, 11, 1), eng.eng_head.user)
    assert "运行平稳" in head.get(url).content.decode()


def test_outsider_gets_404_and_contractor_403(eng, login, time_machine):
    qualify(eng)
    time_machine.move_to(at("2026-09-30 10:00"), tick=False)
    _new(login("eng_head"), eng)
    plan = MaintenancePlan.objects.get()
    url = reverse("facilities:maintenance_plan_detail", args=[plan.pk])
    assert login("outsider").get(url).status_code == 404
    assert login("lift").get(url).status_code == 403
