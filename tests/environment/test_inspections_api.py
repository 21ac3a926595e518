"""Inspections, spot samples and rectifications through the API (CLEAN-12..15, GREEN-11): the
same services as the pages, bad input a 400, state a 409, other estates a 404."""

from __future__ import annotations

import pytest

from tests.environment import inspect_helpers
from tests.environment.inspect_helpers import answers
from tests.facilities.equip_helpers import Api
from tests.images import photo_of
from wuye.environment.models import Inspection
from wuye.environment.services.revisions import revision_record

pytestmark = pytest.mark.django_db
env = inspect_helpers.env  # the fixture


def test_record_list_detail_and_export_through_the_api__CLEAN_12_CLEAN_14(env, client):
    w = env
    head = Api(client, w.env_head.user)
    made = head.post("/environment/inspections", {
        "kind": "patrol", "zone": w.lobby.pk, "answers": answers(w.clean_form),
    }, expect=201)  # fmt: skip
    assert made["passed"] and made["score"] == "100.0" and len(made["items"]) == 10
    assert made["rectification"] is None
    listed = head.get(f"/environment/inspections?estate={w.estate.pk}&passed=true&kind=patrol")
    assert [i["id"] for i in listed["items"]] == [made["id"]]
    assert (
        head.get(f"/environment/inspections/{made['id']}")["items"][0]["label"] == "地面无垃圾杂物"
    )
    r = head.call("get", f"/environment/inspections/export.xlsx?estate={w.estate.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    Api(client, w.other_head.user).get(f"/environment/inspections/{made['id']}", expect=404)


def test_bad_input_is_a_400_and_nothing_is_written__CLEAN_14(env, client):
    w = env
    head = Api(client, w.env_head.user)
    rows = answers(w.clean_form, p1=2)  # failed item without photo
    body = head.post("/environment/inspections", {"kind": "patrol", "zone": w.lobby.pk,
                                                  "answers": rows}, expect=400)  # fmt: skip
    assert "请拍照留证" in str(body)
    head.post("/environment/inspections", {"kind": "nonsense", "zone": w.lobby.pk,
                                           "answers": rows}, expect=400)  # fmt: skip
    head.post("/environment/inspections", {"kind": "patrol", "zone": w.lobby.pk,
                                           "answers": "x"}, expect=400)  # fmt: skip
    Api(client, w.cleaner.user).post(
        "/environment/inspections",
        {"kind": "patrol", "zone": w.lobby.pk, "answers": answers(w.clean_form)},
        expect=403,
    )
    assert not Inspection.objects.exists()


def test_the_head_fails_a_spot_check_and_the_cleaner_rectifies__CLEAN_13_CLEAN_15(env, client):
    w = env
    head = Api(client, w.env_head.user)
    sample = head.post(
        "/environment/spot-samples", {"estate": w.estate.pk, "week_start": "2026-09-14"}, expect=201
    )
    assert head.get(f"/environment/spot-samples?estate={w.estate.pk}&week_start=2026-09-14")[
        "seed"] == sample["seed"]  # fmt: skip
    picked = sample["picks"][0]["zone"]
    made = head.post("/environment/inspections", {
        "kind": "spot_check", "zone": picked, "sample": sample["id"], "deadline_hours": 6,
        "answers": answers(w.clean_form, w.env_head.user, p2=3),
    }, expect=201)  # fmt: skip
    assert not made["passed"] and made["sample"] == sample["id"]
    cleaner_user = made and None
    rect_id = made["rectification"]
    rect = head.get(f"/environment/rectifications/{rect_id}")
    assert rect["status"] == "open" and rect["number"].startswith("HJ-")
    from wuye.environment.models import Rectification

    assignee = Rectification.objects.get(pk=rect_id).assignee.user
    cleaner = Api(client, assignee)
    assert [r["id"] for r in cleaner.get("/environment/rectifications?mine=true")["items"]] == [
        rect_id]  # fmt: skip
    cleaner.post(f"/environment/rectifications/{rect_id}/done", {"note": "好了"}, expect=400)
    photo = photo_of(assignee)
    done = cleaner.post(f"/environment/rectifications/{rect_id}/done",
                        {"note": "已清洗", "attachments": [str(photo.pk)]})  # fmt: skip
    assert done["status"] == "done" and cleaner_user is None
    head.post(f"/environment/rectifications/{rect_id}/recheck_pass",
              {"data": {"answers": answers(w.clean_form)}}, expect=409)  # fmt: skip
    head.call("put", f"/environment/rectifications/{rect_id}/cause",
              {"cause_kind": "frequency", "cause": "巡查频率不够"})  # fmt: skip
    closed = head.post(f"/environment/rectifications/{rect_id}/recheck_pass",
                       {"data": {"answers": answers(w.clean_form)}})  # fmt: skip
    assert closed["status"] == "closed" and closed["cause_kind"] == "frequency"
    head.post(f"/environment/rectifications/{rect_id}/comment", {"note": "x"}, expect=409)
    head.post(f"/environment/rectifications/{rect_id}/nonsense", {"note": "x"}, expect=404)


def test_a_recurring_cause_is_a_409_until_the_plan_is_changed__CLEAN_15(env, client):
    w = env
    head = Api(client, w.env_head.user)
    ids = []
    for _ in range(2):
        made = head.post("/environment/inspections", {
            "kind": "patrol", "zone": w.toilet.pk,
            "answers": answers(w.clean_form, w.env_head.user, p7=2),
        }, expect=201)  # fmt: skip
        ids.append(made["rectification"])
        cleaner = Api(client, w.cleaner.user)
        cleaner.post(
            f"/environment/rectifications/{ids[-1]}/done",
            {"note": "ok", "attachments": [str(photo_of(w.cleaner.user).pk)]},
        )
        data = {"answers": answers(w.clean_form), "cause_kind": "frequency", "cause": "频率不够"}
        expect = 200 if len(ids) == 1 else 409
        body = head.post(f"/environment/rectifications/{ids[-1]}/recheck_pass", {"data": data},
                         expect=expect)  # fmt: skip
    assert body["error"]["code"] == "plan_change_required"
    assert head.get(f"/environment/rectifications/{ids[-1]}")["needs_plan_change"]
    from wuye.environment.models import Rectification

    revision_record(
        estate=w.estate,
        zone=w.toilet,
        reason="卫生间增加一次清洁",
        changes={},
        by=w.env_head.user,
        rectification=Rectification.objects.get(pk=ids[-1]),
    )
    assert (
        head.post(
            f"/environment/rectifications/{ids[-1]}/recheck_pass",
            {"data": {"answers": answers(w.clean_form)}},
        )["status"]
        == "closed"
    )


def test_rounds_and_setup_through_the_api__CLEAN_12(env, client, time_machine):
    from wuye.workflow.schedules import schedule_generate

    w = env
    head = Api(client, w.env_head.user)
    again = head.post("/environment/inspection-setup", {"estate": w.estate.pk})
    assert again["patrol_plan"] == w.rounds["environment_patrol"].pk  # idempotent
    time_machine.move_to(inspect_helpers.at("2026-09-16 07:00"), tick=False)
    schedule_generate()
    time_machine.move_to(inspect_helpers.at("2026-09-16 09:00"), tick=False)
    patrol = head.get(f"/environment/inspection-rounds/patrol?estate={w.estate.pk}")
    assert len(patrol["rows"]) == 3 and not patrol["done"]
    head.post("/environment/inspection-rounds/patrol/close", {"task": patrol["task"]},
              expect=400)  # fmt: skip
    closed = head.post("/environment/inspection-rounds/patrol/close",
                       {"task": patrol["task"], "note": "暴雨"})  # fmt: skip
    assert closed["status"] == "done"
    head.get(f"/environment/inspection-rounds/nonsense?estate={w.estate.pk}", expect=404)
