"""Engineering's board (工程设备看板): every block through the page and the API, the 10-minute
clock of an anomaly first, missing hours so far today, planned work late first, certificates and
inspections due; a bounded number of queries; 403 for a contractor, 404 for another estate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fieldwork.plans_helpers import certificate, lift_plan
from wuye.facilities.models import Equipment
from wuye.facilities.services import equipment_create
from wuye.facilities.services.anomalies import anomaly_report
from wuye.facilities.services.faults import fault_create
from wuye.workflow import schedules

from .equip_helpers import Api, at


@pytest.fixture
def busy(eng, time_machine):
    """Equipment registered the day before, a contractor's lift plan, at Mon 2026-11-30 10:30
    (the week runs into December)."""
    certificate(contractor=eng.contractor, expires="2026-12-20", number="DT-MAINT-1")
    lift_plan(eng, time_machine, created="2026-11-10 08:00")
    schedules.schedule_generate()
    Equipment.objects.filter(pk__in=[eng.transformer.pk, eng.lift.pk]).update(
        created_at=at(2026, 11, 29, 8, 0)
    )
    Equipment.objects.filter(pk=eng.lift.pk).update(inspection_due_on=dt.date(2026, 12, 10))
    time_machine.move_to(at(2026, 11, 30, 10, 2), tick=False)
    fault_create(
        equipment=eng.lift, severity="general", source="monitoring",
        description="电梯困人，已放人", by=eng.tech.user, entrapment=True,
        detected_at=at(2026, 11, 30, 9, 40),
    )  # fmt: skip
    anomaly_report(
        equipment=eng.transformer, source="operator", description="变压器温度偏高",
        by=eng.tech.user, found_at=at(2026, 11, 30, 10, 0),
    )  # fmt: skip
    anomaly_report(
        equipment=eng.lift, source="operator", description="轿厢异响",
        by=eng.tech.user, found_at=at(2026, 11, 30, 9, 55),
    )  # fmt: skip
    time_machine.move_to(at(2026, 11, 30, 10, 3), tick=False)
    return eng


def test_board_api_figures__EQUIP_OPS_09(client, busy):
    b = Api(client, busy.tech.user).get(f"/facilities/board?estate={busy.estate.pk}")
    # The anomaly whose 10-minute clock runs out first is on top (09:55 → due 10:05).
    assert [a["description"] for a in b["anomalies"]["items"]] == ["轿厢异响", "变压器温度偏高"]
    first = b["anomalies"]["items"][0]["clock"]
    assert first["state"] == "running" and first["due_at"] == "2026-11-30T02:05:00Z"
    (fault,) = b["faults"]["items"]
    assert fault["entrapment"] and fault["clock"] is not None
    # Hours 00:00-09:00 are over and unlogged: ten each, so far today.
    assert {i["code"]: i["missing_hours_today"] for i in b["logs"]["items"]} == {
        "PD-01": 10,
        "DT-1-01": 10,
    }
    assert b["certificates"]["count"] == 1
    assert b["certificates"]["items"][0]["expired"] is False
    assert [i["code"] for i in b["inspections"]["items"]] == ["DT-1-01"]
    assert b["today"] == "2026-11-30" and b["alarms"]["count"] == 0


def test_board_planned_late_first_across_month(client, busy, time_machine):
    """The plan's first task (from 2026-11-10, every 15 days) is late by December."""
    time_machine.move_to(at(2026, 12, 1, 9, 0), tick=False)
    schedules.planned_task_sweep_missed()
    b = Api(client, busy.head.user).get(f"/facilities/board?estate={busy.estate.pk}")
    items = b["planned"]["items"]
    assert items and items[0]["late"] is True and items[0]["status"] == "missed"
    assert items[0]["subject"] and items[0]["kind"] == "maintenance"


def test_board_api_refusals(client, busy):
    Api(client, busy.outsider.user).get(f"/facilities/board?estate={busy.estate.pk}", expect=404)
    Api(client, busy.tech.user).get(f"/facilities/board?estate={busy.other_estate.pk}", expect=404)
    Api(client, busy.tech.user).get("/facilities/board?estate=0", expect=400)


def test_board_refused_to_a_contractor(client, busy, login):
    from django.contrib.auth import get_user_model

    lift = get_user_model().objects.get(username="lift")
    Api(client, lift).get(f"/facilities/board?estate={busy.estate.pk}", expect=403)
    assert login("lift").get("/facilities/board/").status_code == 403


def test_board_page_blocks_and_queries(busy, login, django_assert_max_num_queries):
    client = login("tech")
    with django_assert_max_num_queries(25):
        response = client.get("/facilities/board/")
    assert response.status_code == 200
    # More rows in every block, not more queries.
    for n in range(3):
        pump = equipment_create(estate=busy.estate, code=f"SB-0{n}", name=f"水泵{n}",
                                category="water", by=busy.tech.user)  # fmt: skip
        anomaly_report(equipment=pump, source="operator", description=f"水泵{n}漏水",
                       by=busy.tech.user)  # fmt: skip
        fault_create(equipment=pump, severity="general", source="monitoring",
                     description=f"水泵{n}停机", by=busy.tech.user)  # fmt: skip
    with CaptureQueriesContext(connection) as more:
        response = client.get("/facilities/board/")
    assert len(more) <= 25 and "水泵2漏水" in response.content.decode()
    html = response.content.decode()
    for block in (
        "board-anomalies",
        "board-faults",
        "board-alarms",
        "board-rounds",
        "board-logs",
        "board-planned",
        "board-certificates",
        "board-inspections",
    ):
        assert f'id="{block}"' in html  # fmt: skip
    assert "轿厢异响" in html and "电梯困人" in html and 'hx-trigger="every 30s"' in html
    assert html.index("轿厢异响") < html.index("变压器温度偏高")
    # The HTMX refresh answers with the blocks only.
    fragment = client.get("/facilities/board/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "board-anomalies" in fragment


def test_board_page_first_in_engineering_menu(busy, login):
    html = login("head").get("/facilities/board/").content.decode()
    assert "工程看板" in html
