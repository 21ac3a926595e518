"""Greening through the pages and the API (GREEN-01..05, GREEN-12, GREEN-14): the same services,
other estates' rows are 404, bad input a clear 400 with nothing changed."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from wuye.environment.models import EnvironmentProfile, GreenArea, PlanLine, PlanRevision
from wuye.environment.services.greening import greening_plan_seed
from wuye.fieldwork.models import Certificate

from . import green_helpers
from .green_helpers import make_areas, make_green_staff

pytestmark = pytest.mark.django_db
green = green_helpers.green  # the fixture


def test_landscape_page_records_positioning_and_suggested_layers__GREEN_04(
    world, login, time_machine
):
    time_machine.move_to(green_helpers.at("2026-03-02 09:00"), tick=False)
    make_green_staff(world)
    client = login("env_head")
    page = client.get("/environment/green/landscape/")
    assert page.status_code == 200 and "乔木 + 灌木 + 花卉" in page.content.decode()
    response = client.post(
        "/environment/green/landscape/",
        {"positioning": "first_home", "landscape_plan": "乔木+草坪为主"},
    )
    assert response.status_code == 302
    profile = EnvironmentProfile.objects.get(estate=world.estate)
    assert profile.positioning == "first_home" and profile.layers == ["tree", "lawn"]
    # The cleaning fields of the same profile keep their values.
    assert str(profile.bucket_litres) == "10.0"


def test_green_area_pages_list_create_detail_export__GREEN_01(green, login):
    client = login("env_head")
    page = client.get("/environment/green/areas/?kind=tree")
    assert page.status_code == 200
    text = page.content.decode()
    assert "香樟林" in text and "中心草坪" not in text
    response = client.post(
        "/environment/green/areas/new/",
        {"name": "南门花坛", "kind": "flower_bed", "planting": "三色堇", "area_m2": "45.5",
         "gardeners": [green.liu.pk]},
    )  # fmt: skip
    area = GreenArea.objects.get(name="南门花坛")
    assert response.status_code == 302 and list(area.gardeners.all()) == [green.liu]
    # A cleaner is not a gardener (GREEN-02): the form says so, nothing is written.
    bad = client.post(
        "/environment/green/areas/new/",
        {"name": "西门草坪", "kind": "lawn", "gardeners": [green.cleaner.pk]},
    )
    assert bad.status_code == 200 and not GreenArea.objects.filter(name="西门草坪").exists()
    detail = client.get(f"/environment/green/areas/{area.pk}/")
    assert detail.status_code == 200 and "三色堇" in detail.content.decode()
    export = client.get("/environment/green/areas/export.xlsx?kind=flower_bed")
    sheet = load_workbook(io.BytesIO(export.content)).active
    names = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == ["南门花坛", "月季花坛"]


def test_other_estates_areas_are_404__GREEN_01(green, login):
    far = GreenArea.objects.create(
        estate=green.other_estate, name="翠湖草坪", kind="lawn", created_at=green.lawn.created_at
    )
    client = login("env_head")
    assert client.get(f"/environment/green/areas/{far.pk}/").status_code == 404
    assert client.get(f"/api/v1/environment/green-areas/{far.pk}").status_code == 404
    assert (
        client.patch(
            f"/api/v1/environment/green-areas/{far.pk}",
            {"name": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_plan_page_seed_and_grid_in_months__GREEN_05_GREEN_09(green, login):
    client = login("env_head")
    response = client.post("/environment/greening/plan/seed/")
    assert response.status_code == 302
    page = client.get("/environment/greening/plan/")
    text = page.content.decode()
    assert page.status_code == 200 and "防寒" in text and "浇水" in text
    rows = {row.area.name: row for row in page.context["rows"]}
    trees = rows["香樟林"].months
    assert [bool([x for x in trees[m - 1] if x.work == "cold"]) for m in range(1, 13)] == [
        True, True, False, False, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    export = client.get("/environment/greening/plan/export.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [c.value for c in sheet[1]]
    assert header[7] == "1月" and header[-1] == "12月"


def test_api_seed_change_and_refusals__GREEN_03_GREEN_14(world, login, time_machine):
    time_machine.move_to(green_helpers.at("2026-08-09 16:45"), tick=False)
    make_green_staff(world)
    green_helpers.plant_protection(world, world.liu)
    make_areas(world)
    client = login("env_head")
    # GREEN-03: no landscape plan yet.
    refused = client.post(
        "/api/v1/environment/greening-plan/seed", {"estate": world.estate.pk},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400 and "景观规划" in refused.json()["error"]["message"]
    put = client.put(
        "/api/v1/environment/landscape",
        {"estate": world.estate.pk, "positioning": "high_end", "landscape_plan": "分层种植"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["layers"] == ["tree", "shrub", "flower"]
    seeded = client.post(
        "/api/v1/environment/greening-plan/seed", {"estate": world.estate.pk},
        content_type="application/json",
    ).json()  # fmt: skip
    assert seeded["created"] and seeded["skipped"]
    aphid = next(
        x for x in seeded["created"]
        if x["work"] == "aphid" and x["green_area"] == world.trees.pk
    )  # fmt: skip
    # GREEN-14: 小王 has no plant-protection certificate.
    bad = client.patch(
        f"/api/v1/environment/greening-plan/lines/{aphid['id']}",
        {"reason": "换人", "assignee": world.wang.pk}, content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400 and "小王" in bad.json()["error"]["message"]
    ok = client.patch(
        f"/api/v1/environment/greening-plan/lines/{aphid['id']}",
        {"reason": "蚜虫高发，改为每7天", "interval": 7}, content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["interval"] == 7
    revisions = client.get(
        f"/api/v1/environment/greening-plan/revisions?green_area={world.trees.pk}"
    ).json()
    assert any(r["reason"] == "蚜虫高发，改为每7天" for r in revisions["items"])
    # A gardener reads the plan but may not change it.
    gardener = login("gardener")
    assert (
        gardener.get(
            f"/api/v1/environment/greening-plan/lines?estate={world.estate.pk}"
        ).status_code
        == 200
    )
    assert gardener.post(
        f"/api/v1/environment/greening-plan/lines/{aphid['id']}/stop", {"reason": "x"},
        content_type="application/json",
    ).status_code == 403  # fmt: skip


def test_api_heat_adjustment__GREEN_12(green, login, time_machine):
    greening_plan_seed(estate=green.estate, by=green.env_head.user)
    client = login("env_head")
    response = client.post(
        "/api/v1/environment/greening-plan/adjustments",
        {"estate": green.estate.pk, "start": "2027-07-02", "end": "2027-07-05",
         "times": ["17:00"], "reason": "高温预警", "areas": [green.lawn.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    (line,) = response.json()
    assert line["work"] == "extra_water" and line["end"] == "2027-07-05"
    assert PlanRevision.objects.filter(line_id=line["id"], reason="高温预警").exists()


def test_skills_page_and_training_api__GREEN_14(green, login):
    client = login("env_head")
    response = client.post(
        "/api/v1/environment/trainings",
        {"estate": green.estate.pk, "topic": "修剪技术", "held_on": "2026-11-10",
         "trainer": "李工", "attendees": [green.liu.pk, green.wang.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "PX-YG-20261110-01" and body["expires_on"] == "2027-11-09"
    assert Certificate.objects.filter(kind="training", number=body["number"]).count() == 2
    skills = client.get(f"/api/v1/environment/gardener-skills?estate={green.estate.pk}").json()
    wang = next(r for r in skills if r["name"] == "小王")
    states = {c["kind"]: c["state"] for c in wang["certificates"]}
    assert states == {"gardener": "missing", "plant_protection": "missing", "training": "valid"}
    page = client.get("/environment/green/skills/")
    assert page.status_code == 200 and "PX-YG-20261110-01" in page.content.decode()
    # A cleaner cannot be recorded as a gardener's training attendee.
    bad = client.post(
        "/api/v1/environment/trainings",
        {"estate": green.estate.pk, "topic": "修剪技术", "held_on": "2026-11-10",
         "trainer": "李工", "attendees": [green.cleaner.pk]},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400


def test_area_line_edit_page_and_stop__GREEN_05(green, login):
    greening_plan_seed(estate=green.estate, by=green.env_head.user)
    line = PlanLine.objects.get(green_area=green.lawn, work="leaves")
    client = login("env_head")
    assert client.get(f"/environment/greening/lines/{line.pk}/edit/").status_code == 200
    response = client.post(
        f"/environment/greening/lines/{line.pk}/edit/",
        {"times": "08:30", "every": "2", "due_days": "0", "assignee": green.liu.pk,
         "reason": "落叶多，改为隔天"},
    )  # fmt: skip
    assert response.status_code == 302
    line.schedule.refresh_from_db()
    assert line.schedule.interval == 2 and line.schedule.times == ["08:30"]
    client.post(f"/environment/greening/lines/{line.pk}/stop/", {"reason": "草坪改造"})
    line.refresh_from_db()
    assert not line.active
