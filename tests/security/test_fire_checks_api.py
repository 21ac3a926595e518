"""The fire facilities API: the same services as the pages, scoped, errors as JSON (FIRE-01,
FIRE-03, FIRE-06)."""

import datetime as dt

from tests.facilities.equip_helpers import Api
from tests.security import fire_helpers
from tests.security.fire_helpers import passing
from wuye.security.models import FireReplacement

fire = fire_helpers.fire  # the fixture


def test_register_filter_and_export_through_the_api__FIRE_01(fire, client):
    tech = Api(client, fire.tech.user)
    made = tech.call("post", "/fire/facilities", {
        "estate": fire.estate.pk, "kind": "extinguisher", "code": "MHQ-2-01",
        "name": "2层灭火器", "building": fire.building.pk, "agent": "co2",
        "rated_pressure": "5.00", "expires_on": "2026-10-01",
    }, expect=201).json()  # fmt: skip
    assert made["state"] == "expiring" and made["qr_url"].startswith("/security/fire/q/")
    guard = Api(client, fire.guard.user)
    guard.call(
        "post",
        "/fire/facilities",
        {"estate": fire.estate.pk, "kind": "hydrant", "code": "X", "name": "x"},
        expect=403,
    )
    listed = guard.get(f"/fire/facilities?estate={fire.estate.pk}&kind=extinguisher")
    assert [f["code"] for f in listed["items"]] == ["MHQ-1-01", "MHQ-2-01"]
    assert guard.get("/fire/facilities?state=expiring")["count"] == 1
    r = guard.call("get", f"/fire/facilities/export.xlsx?estate={fire.estate.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    patched = tech.patch(f"/fire/facilities/{made['id']}", {"expires_on": "2031-01-01"})
    assert patched["state"] == "ok"
    outsider = Api(client, fire.outsider.user)
    outsider.get(f"/fire/facilities/{made['id']}", expect=404)
    tech.call(
        "post",
        "/fire/facilities",
        {"estate": fire.estate.pk, "kind": "nope", "code": "Y", "name": "y"},
        expect=400,
    )


def test_setup_check_progress_and_replacement_through_the_api__FIRE_03_FIRE_06(fire, client):
    head = Api(client, fire.order_head.user)
    assert head.post("/fire/checks/setup", {"estate": fire.estate.pk}) == {"planned": 2}
    guard = Api(client, fire.guard.user)
    due = guard.get(f"/fire/facilities/{fire.ext.pk}/check")
    assert due["rule"] == "FIRE-04" and len(due["items"]) == 6
    by_qr = guard.get(f"/fire/facilities/qr/{fire.ext.equipment.qr_token}")
    assert by_qr["id"] == fire.ext.pk
    answers = passing(fire.ext, **{"压力读数": "0.70"})
    record = guard.post(f"/fire/facilities/{fire.ext.pk}/check", {"answers": answers},
                        expect=201)  # fmt: skip
    assert record["rule"] == "FIRE-04"
    assert guard.get(f"/fire/facilities/{fire.ext.pk}/check")["task"] is None
    guard.post(f"/fire/facilities/{fire.ext.pk}/check", {"answers": []}, expect=409)
    history = guard.get(f"/fire/facilities/{fire.ext.pk}/checks")
    assert len(history) == 1 and any(a["out_of_range"] for a in history[0]["answers"])
    progress = {r["kind"]: r for r in guard.get(f"/fire/checks/progress?estate={fire.estate.pk}")}
    assert progress["extinguisher"]["done"] == 1 and progress["hydrant"]["due"] == 1
    open_ = guard.get("/fire/replacements?state=open")
    assert open_["count"] == 1 and open_["items"][0]["reason"] == "low_pressure"
    pk = open_["items"][0]["id"]
    guard.post(f"/fire/replacements/{pk}/comment", {"note": "已报工程部"})
    body = {"expires_on": "2031-09-30", "pressure": "1.20"}
    guard.post(f"/fire/replacements/{pk}/replace", body, expect=403)  # engineering replaces
    tech = Api(client, fire.tech.user)
    done = tech.post(f"/fire/replacements/{pk}/replace", body)
    assert done["status"] == "replaced" and done["new_expires_on"] == "2031-09-30"
    tech.post(f"/fire/replacements/{pk}/replace", body, expect=409)
    assert FireReplacement.objects.get(pk=pk).facility.expires_on == dt.date(2031, 9, 30)
