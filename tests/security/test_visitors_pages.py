"""The gate's pages (GUARD-06/10/13), phone-first, each one screen: register a visitor, scan a
pass (green accepted / red refused with the reason), receive and hand over a parcel; the lists
with filters and the Excel export; the resident's portal pre-registration with the QR."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.visitors_helpers import at, id_number, make_guard
from wuye.security.choices import PassKind
from wuye.security.models import Parcel, TemporaryPass, Visitor
from wuye.security.services import parcels as parcel_services
from wuye.security.services import passes as pass_services

pytestmark = pytest.mark.django_db


def test_guard_registers_a_visitor_in_one_screen_and_the_list_shows_who_is_inside__GUARD_06(
    client, world, time_machine
):
    guard = make_guard(world)
    client.force_login(guard.user)
    time_machine.move_to(at("2026-12-07 10:00"), tick=True)
    page = client.get(reverse("security:visitor_register"))
    assert page.status_code == 200 and "登记进入" in page.content.decode()
    r = client.post(reverse("security:visitor_register"), {
        "name": "刘洋", "id_number": "123", "room": "1-2-301", "reason": "guest"})  # fmt: skip
    assert r.status_code == 200 and "身份证号" in r.content.decode()
    assert not Visitor.objects.exists()
    r = client.post(reverse("security:visitor_register"), {
        "name": "刘洋", "id_number": id_number(), "room": "1-2-301", "reason": "guest",
        "gate": "东门"})  # fmt: skip
    assert r.status_code == 302
    visitor = Visitor.objects.get()
    assert visitor.room == world.room and visitor.gate == "东门"
    # The gate is remembered for the next entry.
    assert 'value="东门"' in client.get(reverse("security:visitor_register")).content.decode()
    listing = client.get(reverse("security:visitor_list"))
    text = listing.content.decode()
    assert "刘洋" in text and "在园" in text and id_number() not in text
    r = client.get(reverse("security:visitor_list") + "?inside=0", HTTP_HX_REQUEST="true")
    assert "刘洋" not in r.content.decode()
    client.post(reverse("security:visitor_leave", args=[visitor.pk]))
    visitor.refresh_from_db()
    assert visitor.left_at is not None
    export = client.get(reverse("security:visitor_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_scan_page_shows_green_accepted_and_red_refused_with_the_reason__GUARD_10(
    client, world, time_machine
):
    guard = make_guard(world)
    time_machine.move_to(at("2026-12-07 14:30"), tick=False)
    p = pass_services.pass_issue(
        estate=world.estate, kind=PassKind.GUEST, visitor_name="王芳", room=world.room,
        valid_until=at("2026-12-07 16:00"), max_entries=1, by=world.agent.user,
    )  # fmt: skip
    client.force_login(guard.user)
    opened = client.get(reverse("security:pass_scan") + f"?code={p.code}")
    assert p.code in opened.content.decode()
    assert not p.scans.exists()  # opening the page records nothing
    ok = client.post(reverse("security:pass_scan"), {"code": p.code, "gate": "东门"})
    assert 'class="scan-result scan-ok"' in ok.content.decode()
    refused = client.post(reverse("security:pass_scan"), {"code": p.code, "gate": "东门"})
    text = refused.content.decode()
    assert 'class="scan-result scan-refused"' in text and "次数已用完" in text
    unknown = client.post(reverse("security:pass_scan"), {"code": "ZZZZZZZZ"})
    assert "无效的出入证" in unknown.content.decode()


def test_resident_pre_registers_a_guest_and_sees_the_qr__GUARD_10(client, world, time_machine):
    time_machine.move_to(at("2026-12-07 09:00"), tick=True)
    client.force_login(world.owner.user)
    assert client.get(reverse("security:my_pass_new")).status_code == 200
    r = client.post(reverse("security:my_pass_new"), {
        "room": world.room.pk, "visitor_name": "表妹", "visitor_mobile": "",
        "valid_from": "2026-12-07T14:00", "valid_until": "2026-12-07T18:00",
        "max_entries": "2"})  # fmt: skip
    assert r.status_code == 302, r.content.decode()
    p = TemporaryPass.objects.get()
    assert p.valid_from == at("2026-12-07 14:00") and p.source == "portal"
    page = client.get(r["Location"]).content.decode()
    assert "<svg" in page and f"{p.code[:4]}-{p.code[4:]}" in page
    assert "表妹" in client.get(reverse("security:my_passes")).content.decode()
    # Staff pages are not the resident's.
    assert client.get(reverse("security:pass_list")).status_code == 403
    client.force_login(world.neighbour.user)
    assert client.get(reverse("security:my_pass_detail", args=[p.pk])).status_code == 404


def test_parcel_received_and_handed_over_on_the_gates_screens__GUARD_13(client, world):
    guard = make_guard(world)
    client.force_login(guard.user)
    r = client.post(reverse("security:parcel_receive"), {
        "room": "1-2-301", "courier_company": "顺丰速运", "tracking_no": "SF9"})  # fmt: skip
    assert r.status_code == 302
    parcel = Parcel.objects.get()
    listing = client.get(reverse("security:parcel_list")).content.decode()
    assert "SF9" in listing and "交付快递" in listing
    r = client.post(reverse("security:parcel_pick_up", args=[parcel.pk]), {"code": "12345"})
    assert r.status_code == 200
    _p, code = parcel_services.parcel_receive(
        estate=world.estate, room=world.room, courier_company="中通快递", tracking_no="ZT1",
        by=guard.user,
    )  # fmt: skip
    r = client.post(reverse("security:parcel_pick_up", args=[_p.pk]), {"code": code})
    assert r.status_code == 302
    _p.refresh_from_db()
    assert _p.status == "picked_up"


def test_decoration_permit_pages_and_worker_pass__GUARD_10(client, world, time_machine):
    time_machine.move_to(at("2026-12-07 09:00"), tick=True)
    client.force_login(world.agent.user)
    r = client.post(reverse("security:decoration_new"), {
        "room": "1-2-301", "company": "美家装饰", "person_in_charge": "赵工",
        "phone": "13900001111", "starts_on": "2026-12-07", "ends_on": "2026-12-20"})  # fmt: skip
    assert r.status_code == 302
    detail = client.get(r["Location"]).content.decode()
    assert "办理装修工人出入证" in detail
    r = client.post(reverse("security:pass_new"), {
        "kind": "decoration", "visitor_name": "张师傅", "room": "1-2-301",
        "valid_from": "2026-12-07T09:00", "valid_until": "2026-12-21T18:00",
        "max_entries": "30"})  # fmt: skip
    assert r.status_code == 200 and "2026-12-20" in r.content.decode()
    assert client.get(reverse("security:decoration_list")).status_code == 200
    assert client.get(reverse("security:pass_list")).status_code == 200


def test_gate_lists_do_not_grow_queries_with_rows__GUARD_06(
    client, world, django_assert_max_num_queries
):
    guard = make_guard(world)
    for i in range(15):
        Visitor.objects.create(
            estate=world.estate, name=f"访客{i}", id_number=id_number(), room=world.room,
            reason="guest", entered_at=at("2026-12-07 09:00"), registered_by=guard.user,
        )  # fmt: skip
    client.force_login(guard.user)
    with django_assert_max_num_queries(15):
        client.get(reverse("security:visitor_list") + "?day=2026-12-07")
