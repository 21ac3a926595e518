"""The pages of task records: the phone page filling a checklist, the record page with its
follow-up button, the list, the PDF; scope (other estate 404, resident 404)."""

from __future__ import annotations

import time_machine
from django.urls import reverse

from tests.fieldwork.checks_helpers import at, items, task
from tests.images import make_jpeg, make_signature_data_url
from tests.pdf_tools import pdf_text
from wuye.fieldwork.models import FollowUp, TaskRecord
from wuye.workflow.models import PlannedTaskStatus


def fill_data(t, temperature="45", check="yes") -> dict:
    ids = items(t)
    return {
        f"item-{ids['制动器检查']}": check,
        f"item-{ids['电机温度']}": temperature,
        f"item-{ids['机房照片']}-photo": make_jpeg("room.jpg"),
        f"item-{ids['其他情况']}": "",
        "photos": [make_jpeg("site.jpg")],
        "signature": make_signature_data_url(),
        "note": "已润滑钢丝绳",
    }


def test_the_phone_page_shows_the_items_with_range_and_signature(login, world):
    t = task(world)
    r = login("tech").get(reverse("fieldwork:task_fill", args=[t.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    for text in (
        "制动器检查",
        "正常",
        "不正常",
        "正常范围",
        "10–80",
        "超出正常范围",
        "机房照片",
        'capture="environment"',
        "signature-pad",
        "提交作业记录",
        "fieldwork/checklist.js",
    ):
        assert text in html, text


def test_filling_on_the_phone_writes_the_record__EQUIP_MAINT_13(login, world):
    t = task(world)
    client = login("tech")
    with time_machine.travel(at("2026-03-31 10:00"), tick=False):
        r = client.post(reverse("fieldwork:task_fill", args=[t.pk]),
                        fill_data(t, temperature="95", check="no"))  # fmt: skip
    record = TaskRecord.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("fieldwork:record_detail",
                                                             args=[record.pk])  # fmt: skip
    assert record.done_by == world.tech.user and record.note == "已润滑钢丝绳"
    assert record.answers.get(kind="photo").photo is not None and record.signature is not None
    page = client.get(r["Location"]).content.decode()
    for text in ("电梯日常保养", world.tech.name, "2026-03-31 10:00", "超出正常范围", "不正常",
                 "发起整改", "执行人签名", "打印作业记录"):  # fmt: skip
        assert text in page, text
    # Open the follow-up of the failed check from the same screen.
    failed = record.answers.get(kind="check")
    r = client.post(reverse("fieldwork:record_followup", args=[record.pk, failed.pk]))
    assert r.status_code == 302
    case = FollowUp.objects.get(answer=failed).case
    assert case.number in client.get(reverse("fieldwork:record_detail", args=[record.pk])
                                     ).content.decode()  # fmt: skip
    # Twice: a message, still one case.
    client.post(reverse("fieldwork:record_followup", args=[record.pk, failed.pk]))
    assert FollowUp.objects.count() == 1


def test_an_error_keeps_the_input_and_changes_nothing(login, world):
    t = task(world)
    data = fill_data(t, temperature="很热")
    data.pop("signature")
    r = login("tech").post(reverse("fieldwork:task_fill", args=[t.pk]), data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "读数应为数字" in html and "很热" in html and "已润滑钢丝绳" in html
    t.refresh_from_db()
    assert t.status == PlannedTaskStatus.PLANNED and not TaskRecord.objects.exists()


def test_the_open_followups_box_opens_them_at_completion(login, world):
    t = task(world)
    data = fill_data(t, temperature="95", check="no") | {"open_followups": "on"}
    login("tech").post(reverse("fieldwork:task_fill", args=[t.pk]), data)
    assert FollowUp.objects.count() == 2


def test_a_done_task_shows_its_record_and_a_second_post_changes_nothing(login, world):
    t = task(world)
    client = login("tech")
    client.post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t))
    r = client.post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t))
    assert r.status_code == 302 and TaskRecord.objects.count() == 1
    assert (
        "该任务已完成" in client.get(reverse("fieldwork:task_fill", args=[t.pk])).content.decode()
    )


def test_scope_other_estate_and_residents_get_404(login, world):
    t = task(world)
    login("tech").post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t))
    record = TaskRecord.objects.get()
    for user in ("outsider", "owner"):
        client = login(user)
        assert client.get(reverse("fieldwork:task_fill", args=[t.pk])).status_code == 404
        assert client.get(reverse("fieldwork:record_detail", args=[record.pk])).status_code == 404
        assert client.get(reverse("fieldwork:record_pdf", args=[record.pk])).status_code == 404
    assert login("owner").get(reverse("fieldwork:record_list")).status_code == 403


def test_the_list_filters_flagged_and_pages(login, world):
    t = task(world)
    client = login("tech")
    client.post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t, temperature="95"))
    client = login("head")
    session = client.session
    session["wuye_estate_id"] = world.estate.pk
    session.save()
    r = client.get(reverse("fieldwork:record_list"), {"flagged": "1"})
    assert r.status_code == 200 and "电梯日常保养" in r.content.decode()
    r = client.get(reverse("fieldwork:record_list"), {"flagged": "0"})
    assert "没有符合条件的作业记录" in r.content.decode()


def test_the_pdf_page_prints_chinese(login, world, pdf_tools):
    t = task(world)
    client = login("tech")
    client.post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t))
    r = client.get(reverse("fieldwork:record_pdf", args=[TaskRecord.objects.get().pk]))
    assert r.status_code == 200
    text = pdf_text(r.content)
    assert "作业记录" in text and "制动器检查" in text and world.tech.name in text


def test_a_task_without_a_checklist_takes_photos_and_a_note(login, world):
    t = task(world, spec=False)
    client = login("tech")
    page = client.get(reverse("fieldwork:task_fill", args=[t.pk])).content.decode()
    assert "现场照片（可选）" in page and "signature-pad" not in page
    r = client.post(reverse("fieldwork:task_fill", args=[t.pk]), {"note": "巡查正常"})
    assert r.status_code == 302 and TaskRecord.objects.get().note == "巡查正常"


def test_the_contractor_its_plan_names_fills_on_its_phone__EQUIP_MAINT_06(login, world):
    t = task(world, contractor=world.contractor)
    other = task(world, scheduled="2026-04-15 09:00", due="2026-04-15 23:59:59")
    client = login("lift")
    assert client.get(reverse("fieldwork:task_fill", args=[other.pk])).status_code == 404
    r = client.post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t))
    record = TaskRecord.objects.get()
    assert r.status_code == 302 and record.contractor == world.contractor
    assert client.get(reverse("fieldwork:record_detail", args=[record.pk])).status_code == 200


def test_list_pages_take_a_bounded_number_of_queries(login, world, django_assert_max_num_queries):
    for n in range(3):
        t = task(world, scheduled=f"2026-04-0{n + 1} 09:00", due=f"2026-04-0{n + 1} 23:59:59")
        login("tech").post(reverse("fieldwork:task_fill", args=[t.pk]), fill_data(t))
    client = login("head")
    with django_assert_max_num_queries(15):
        assert client.get(reverse("fieldwork:record_list")).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("fieldwork:checklist_list"), {"scope": "all"}).status_code == 200
