"""A temporary pass at the gate during a public-health closure (EMERG-HEALTH-05/10): a pass
issued before the closure began is refused while its room's unit, its building or the estate is
closed — the scan recorded as refused, "closed", no entry used, nobody registered in — and
accepted again once the closure ends or is lifted; other buildings' passes are not touched."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.emergency.health_helpers import at, close_unit, hw  # noqa: F401  (the health world)
from tests.emergency.helpers import emg  # noqa: F401  (under ``hw``)
from tests.facilities.equip_helpers import Api
from wuye.emergency.services.incidents import incident_act
from wuye.security.choices import PassKind, ScanResult
from wuye.security.models import PassScan, Visitor
from wuye.security.services import passes

pytestmark = pytest.mark.django_db


def _pass(w, room, kind=PassKind.GUEST):
    # Issued at 2026-08-12 03:00 (the world's time), before any closure.
    return passes.pass_issue(estate=w.estate, kind=kind, visitor_name="王小明", room=room,
                             valid_from=at("2026-08-12 04:00"),
                             valid_until=at("2026-08-16 22:00"), max_entries=5,
                             by=w.agent.user)  # fmt: skip


def _scan(w, time_machine, temporary_pass, when):
    time_machine.move_to(at(when), tick=False)
    return passes.pass_scan(estate=w.estate, code=temporary_pass.code, gate="东门",
                            by=w.guard.user)  # fmt: skip


def test_a_pass_issued_before_a_unit_closure_is_refused_during_it__EMERG_HEALTH_05_10(
    request, time_machine
):
    w = request.getfixturevalue("hw")
    mine, neighbours, far = (_pass(w, room) for room in (w.room, w.room2, w.far_room))
    close_unit(w, starts_at=at("2026-08-13 00:00"), ends_at=at("2026-08-15 12:00"))
    assert _scan(w, time_machine, mine, "2026-08-12 10:00").result == ScanResult.ACCEPTED
    scan = _scan(w, time_machine, mine, "2026-08-14 10:00")
    assert scan.result == ScanResult.CLOSED and not scan.accepted
    assert passes.scan_message(scan).startswith("1栋2单元正在封闭管控")
    recorded = PassScan.objects.get(pk=scan.pk)
    assert (recorded.result, recorded.gate, recorded.guard) == ("closed", "东门", w.guard.user)
    # The whole unit is closed: the neighbour's guest too.
    assert _scan(w, time_machine, neighbours, "2026-08-14 10:05").result == ScanResult.CLOSED
    mine.refresh_from_db()
    neighbours.refresh_from_db()
    assert (mine.entries_used, neighbours.entries_used) == (1, 0)
    assert Visitor.objects.filter(temporary_pass__in=[mine, neighbours]).count() == 1
    # Another building is open.
    assert _scan(w, time_machine, far, "2026-08-14 10:10").result == ScanResult.ACCEPTED
    # At its end time the closure ends by itself: the same pass opens the gate again.
    assert _scan(w, time_machine, mine, "2026-08-15 12:00").result == ScanResult.ACCEPTED
    assert PassScan.objects.filter(temporary_pass=mine).count() == 3


def test_a_building_closure_refuses_its_units_until_it_is_lifted__EMERG_HEALTH_05_10(
    request, time_machine
):
    w = request.getfixturevalue("hw")
    mine, far = _pass(w, w.room), _pass(w, w.far_room)
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "building", "building": w.buildings[0].pk, "days": 7})  # fmt: skip
    assert _scan(w, time_machine, mine, "2026-08-12 10:00").result == ScanResult.CLOSED
    assert _scan(w, time_machine, far, "2026-08-12 10:01").result == ScanResult.ACCEPTED
    closure = w.incident.closures.get()
    incident_act(incident=w.incident, action="lift_closure", by=w.exec.user,
                 data={"closure": closure.pk}, note="疾控通知解除")  # fmt: skip
    assert _scan(w, time_machine, mine, "2026-08-12 11:00").result == ScanResult.ACCEPTED


def test_an_estate_closure_refuses_every_pass_even_without_a_room__EMERG_HEALTH_05_10(
    request, time_machine
):
    w = request.getfixturevalue("hw")
    service, far = _pass(w, None, kind=PassKind.SERVICE), _pass(w, w.far_room)
    revoked = _pass(w, w.room)
    passes.pass_revoke(temporary_pass=revoked, by=w.agent.user)
    incident_act(incident=w.incident, action="close_area", by=w.exec.user,
                 data={"scope": "estate", "days": 7})  # fmt: skip
    scan = _scan(w, time_machine, service, "2026-08-12 10:00")
    assert scan.result == ScanResult.CLOSED
    assert "整个小区正在封闭管控" in passes.scan_message(scan)
    assert _scan(w, time_machine, far, "2026-08-12 10:01").result == ScanResult.CLOSED
    # A pass that no longer holds keeps its own reason.
    assert _scan(w, time_machine, revoked, "2026-08-12 10:02").result == ScanResult.REVOKED
    assert not Visitor.objects.exists()


def test_the_api_answers_closed_with_the_place__EMERG_HEALTH_10(request, client, time_machine):
    w = request.getfixturevalue("hw")
    mine = _pass(w, w.room)
    close_unit(w, days=14)
    time_machine.move_to(at("2026-08-12 10:00"), tick=False)
    scan = Api(client, w.guard.user).post(
        "/security/passes/scan", {"estate": w.estate.pk, "code": mine.code, "gate": "东门"}
    )
    assert (scan["result"], scan["accepted"], scan["visitor"]) == ("closed", False, None)
    assert scan["message"].startswith("1栋2单元正在封闭管控")
    mine.refresh_from_db()
    assert mine.entries_used == 0


def test_the_gate_page_shows_the_refusal_and_the_closed_place__EMERG_HEALTH_10(
    request, client, time_machine
):
    w = request.getfixturevalue("hw")
    mine = _pass(w, w.room)
    close_unit(w, days=14)
    time_machine.move_to(at("2026-08-12 10:00"), tick=False)
    client.force_login(w.guard.user)
    page = client.post(reverse("security:pass_scan"), {"code": mine.code, "gate": "东门"})
    html = page.content.decode()
    assert page.status_code == 200 and 'data-result="closed"' in html
    assert "scan-refused" in html and "不予通过" in html and "封闭管控中，禁止进入" in html
    assert "1栋2单元正在封闭管控" in html and "通过，请放行" not in html
