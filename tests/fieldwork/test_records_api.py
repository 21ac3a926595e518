"""Task records through the API: what a task asks, completion with uploads, the list and the
record, the PDF (Chinese), follow-ups; scope (other estate 404, residents 404/403)."""

from __future__ import annotations

import time_machine

from tests.fieldwork.checks_helpers import at, auth, good_answers, items, task
from tests.images import make_jpeg, make_signature_data_url
from tests.pdf_tools import pdf_text
from wuye.fieldwork.models import FollowUp, TaskRecord
from wuye.workflow.models import PlannedTaskStatus

API = "/api/v1"


def upload_photo(client, user) -> str:
    r = client.post(f"{API}/attachments", {"file": make_jpeg()}, **auth(user))
    assert r.status_code == 201, r.content
    return r.json()["id"]


def upload_signature(client, user) -> str:
    r = client.post(f"{API}/attachments/signature", {"data_url": make_signature_data_url()},
                    content_type="application/json", **auth(user))  # fmt: skip
    assert r.status_code == 201, r.content
    return r.json()["id"]


def body(client, t, user, temperature="45.5"):
    class P:  # good_answers reads .pk
        pk = upload_photo(client, user)

    return {
        "answers": good_answers(t, P, temperature=temperature),
        "photos": [upload_photo(client, user)],
        "signature": upload_signature(client, user),
        "note": "已润滑",
    }


def post(client, url, data, user):
    return client.post(url, data, content_type="application/json", **auth(user))


def test_what_a_task_asks_then_complete_then_read__EQUIP_MAINT_13(client, world):
    t = task(world)
    r = client.get(f"{API}/fieldwork/tasks/{t.pk}/checklist", **auth(world.tech.user))
    assert r.status_code == 200
    data = r.json()
    assert [i["label"] for i in data["items"]] == ["制动器检查", "电机温度", "机房照片", "其他情况"]
    assert data["photos"] == 1 and data["signature"] and data["record"] is None
    with time_machine.travel(at("2026-03-31 10:00"), tick=False):
        r = post(client, f"{API}/fieldwork/tasks/{t.pk}/complete",
                 body(client, t, world.tech.user, temperature="95"), world.tech.user)  # fmt: skip
    assert r.status_code == 201, r.content
    record = r.json()
    assert record["done_by_name"] == world.tech.name and record["late"] is False
    reading = next(a for a in record["answers"] if a["kind"] == "reading")
    assert reading["out_of_range"] and reading["flagged"] and reading["followup"] is None
    assert record["signature"]["kind"] == "signature" and len(record["photos"]) == 1
    r = client.get(f"{API}/fieldwork/records?flagged=true", **auth(world.head.user))
    assert r.json()["count"] == 1
    r = client.get(f"{API}/fieldwork/records?flagged=false", **auth(world.head.user))
    assert r.json()["count"] == 0
    # Follow-up from the record, once.
    url = f"{API}/fieldwork/records/{record['id']}/answers/{reading['id']}/followup"
    r = post(client, url, {}, world.tech.user)
    assert r.status_code == 201 and r.json()["number"].startswith("ZG-")
    assert post(client, url, {}, world.tech.user).status_code == 409
    r = client.get(f"{API}/fieldwork/records/{record['id']}", **auth(world.head.user))
    assert r.json()["answers"][1]["followup"]["number"].startswith("ZG-")
    # The follow-up's steps go through the generic case endpoint.
    case = FollowUp.objects.get().case
    r = post(client, f"{API}/cases/{case.pk}/rectify", {"note": "已更换"}, world.tech.user)
    assert r.status_code == 200 and r.json()["status"] == "rectified"


def test_bad_input_is_a_400_and_changes_nothing(client, world):
    t = task(world)
    data = body(client, t, world.tech.user)
    data["answers"][1]["value"] = "很高"
    r = post(client, f"{API}/fieldwork/tasks/{t.pk}/complete", data, world.tech.user)
    assert r.status_code == 400
    assert f"item-{items(t)['电机温度']}" in r.json()["error"]["fields"]
    data["answers"][1]["value"] = 50
    data["signature"] = None
    r = post(client, f"{API}/fieldwork/tasks/{t.pk}/complete", data, world.tech.user)
    assert r.status_code == 400 and "signature" in r.json()["error"]["fields"]
    t.refresh_from_db()
    assert t.status == PlannedTaskStatus.PLANNED and not TaskRecord.objects.exists()


def test_scope_other_estate_404_resident_404_and_403(client, world):
    t = task(world)
    for user in (world.outsider.user, world.owner.user):
        assert (
            client.get(f"{API}/fieldwork/tasks/{t.pk}/checklist", **auth(user)).status_code == 404
        )
        r = post(client, f"{API}/fieldwork/tasks/{t.pk}/complete", {"answers": []}, user)
        assert r.status_code == 404
    record = post(client, f"{API}/fieldwork/tasks/{t.pk}/complete",
                  body(client, t, world.tech.user), world.tech.user).json()  # fmt: skip
    for user in (world.outsider.user, world.owner.user):
        assert client.get(f"{API}/fieldwork/records/{record['id']}",
                          **auth(user)).status_code == 404  # fmt: skip
        assert client.get(f"{API}/fieldwork/records", **auth(user)).json()["count"] == 0
        assert client.get(f"{API}/fieldwork/records/{record['id']}/record.pdf",
                          **auth(user)).status_code == 404  # fmt: skip
    # A contractor not named by the plan sees nothing of it.
    lift = world.contractor.accounts.get().user
    assert client.get(f"{API}/fieldwork/tasks/{t.pk}/checklist", **auth(lift)).status_code == 404
    assert client.get(f"{API}/fieldwork/records/{record['id']}", **auth(lift)).status_code == 404


def test_a_completed_task_is_a_409(client, world):
    t = task(world)
    assert post(client, f"{API}/fieldwork/tasks/{t.pk}/complete",
                body(client, t, world.tech.user), world.tech.user).status_code == 201  # fmt: skip
    r = post(client, f"{API}/fieldwork/tasks/{t.pk}/complete",
             body(client, t, world.head.user), world.head.user)  # fmt: skip
    assert r.status_code == 409


def test_the_pdf_prints_the_record_in_chinese__EQUIP_MAINT_07(client, world, pdf_tools):
    t = task(world)
    record = post(
        client,
        f"{API}/fieldwork/tasks/{t.pk}/complete",
        body(client, t, world.tech.user, temperature="95"),
        world.tech.user,
    ).json()
    r = client.get(f"{API}/fieldwork/records/{record['id']}/record.pdf", **auth(world.head.user))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    for expected in ("作业记录", "阳光测试苑", "电梯日常保养", "电机温度", "95℃", "超出正常范围",
                     world.tech.name, "制动器检查", "正常"):  # fmt: skip
        assert expected in text
