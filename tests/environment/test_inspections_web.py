"""The pages (CLEAN-12..15, GREEN-11): the head scores a zone on the phone form, the failure
reaches the cleaner's own list, the cleaner marks it done with a photo, the head re-checks."""

from __future__ import annotations

import pytest

from tests.environment import inspect_helpers
from tests.images import make_jpeg
from wuye.environment.models import Inspection, Rectification

pytestmark = pytest.mark.django_db
env = inspect_helpers.env  # the fixture


def form_data(form, **scores):
    data = {}
    for item in form.items.order_by("position"):
        score = scores.get(f"p{item.position}", item.high)
        data[f"score_{item.pk}"] = str(score)
        if score < item.low:
            data[f"note_{item.pk}"] = "有污渍"
            data[f"photo_{item.pk}"] = make_jpeg("stain.jpg")
    return data


def test_the_head_fails_a_zone_and_the_rectification_reaches_the_cleaner__CLEAN_15(env, login):
    w = env
    head = login("env_head")
    page = head.get(f"/environment/inspections/new/?zone={w.lobby.pk}&kind=patrol")
    assert page.status_code == 200 and "地面无污渍水渍" in page.content.decode()
    r = head.post(
        "/environment/inspections/new/",
        {"zone": w.lobby.pk, "kind": "patrol", **form_data(w.clean_form, p2=3)},
    )
    record = Inspection.objects.get()
    assert r.status_code == 302 and not record.passed
    detail = head.get(f"/environment/inspections/{record.pk}/").content.decode()
    assert "不合格" in detail and "?size=thumb" in detail
    rect = Rectification.objects.get()
    cleaner = login("cleaner")
    mine = cleaner.get("/environment/rectifications/mine/").content.decode()
    assert rect.case.number in mine
    page = cleaner.get(f"/environment/rectifications/{rect.pk}/").content.decode()
    assert "整改完成" in page and "CLEAN-15" not in page
    cleaner.post(f"/environment/rectifications/{rect.pk}/done/",
                 {"note": "已清洗", "photos": [make_jpeg("after.jpg")]})  # fmt: skip
    rect.refresh_from_db()
    assert rect.case.status == "done"
    head = login("env_head")
    head.post(f"/environment/rectifications/{rect.pk}/cause/",
              {"cause_kind": "frequency", "cause": "巡查频率不够"})  # fmt: skip
    head.post(f"/environment/rectifications/{rect.pk}/recheck_pass/", form_data(w.clean_form))
    rect.refresh_from_db()
    assert rect.case.status == "closed"


def test_a_bad_form_keeps_the_page_with_its_errors__CLEAN_14(env, login):
    w = env
    head = login("env_head")
    data = form_data(w.clean_form)
    data[next(iter(data))] = "99"
    r = head.post("/environment/inspections/new/", {"zone": w.lobby.pk, "kind": "patrol", **data})
    assert r.status_code == 400 and "得分应在 0 到 10 之间" in r.content.decode()
    assert not Inspection.objects.exists()


def test_rounds_list_and_export_pages(env, login):
    assert env.lobby.active
    head = login("env_head")
    patrol = head.get("/environment/inspections/patrol/").content.decode()
    assert "1栋电梯间" in patrol and "未检查" in patrol
    head.post("/environment/inspections/spot-sample/draw/", {"week": "2026-09-14"})
    spot = head.get("/environment/inspections/spot/?week=2026-09-14").content.decode()
    assert "点击打分" in spot
    assert "中心草坪" in head.get("/environment/inspections/green/").content.decode()
    assert head.get("/environment/inspections/nonsense/").status_code == 404
    assert head.get("/environment/inspections/?kind=patrol&passed=0").status_code == 200
    r = head.get("/environment/inspections/export.xlsx?kind=patrol")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert head.get("/environment/rectifications/").status_code == 200
    assert login("cleaner").get("/environment/inspections/new/?zone=1").status_code == 403
