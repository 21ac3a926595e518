"""The shift and handover pages (EQUIP-OPS-10, GUARD-04) on a phone and on a desk: 我的班次, the
handover form, the incoming person's accept-and-sign page and refusal, a post's week roster and
its handover history, the printable record. Wrong role 403, other estate 404."""

import pytest
from django.urls import reverse

from tests.images import make_signature_data_url
from wuye.fieldwork.models import Handover, Shift
from wuye.fieldwork.services import shifts as services

from .shifts_helpers import at, duty, hand_over, shift

pytestmark = pytest.mark.django_db


@pytest.fixture
def d(world, time_machine):
    time_machine.move_to(at("2026-09-30 19:30"), tick=False)
    d = duty(world)
    # A night into the National Day holiday, then the holiday's first day shift.
    d.night = shift(d, "2026-09-30 20:00", "2026-10-01 08:00", d.ops[0], name="夜班")
    d.day = shift(d, "2026-10-01 08:00", "2026-10-01 20:00", d.ops[1], d.ops[2], name="白班")
    return d


def test_the_whole_handover_on_phones__EQUIP_OPS_10(client, login, d, time_machine):
    login("op1")
    page = client.get(reverse("fieldwork:my_shifts"))
    assert page.status_code == 200 and "夜班" in page.content.decode()
    client.post(reverse("fieldwork:shift_start", args=[d.night.pk]))
    d.night.refresh_from_db()
    assert d.night.status == "on_duty"
    time_machine.move_to(at("2026-10-01 07:45"), tick=False)
    login("op1")  # a new day: the session of last night has expired
    response = client.post(reverse("fieldwork:handover_open", args=[d.night.pk]))
    handover = Handover.objects.get()
    assert response.url == reverse("fieldwork:handover_form", args=[handover.pk])
    form = client.get(response.url)
    assert "签字交班" in form.content.decode()
    # Bad input keeps what was typed and changes nothing.
    bad = client.post(
        response.url,
        {"anomalies": "配电房有异味", "submit": "sign", "signature": make_signature_data_url()},
    )
    assert bad.status_code == 400 and "配电房有异味" in bad.content.decode()
    handover.refresh_from_db()
    assert handover.status == "draft" and handover.anomalies == ""
    saved = client.post(
        response.url,
        {"operating_status": "正常", "new_items": "巡查B2\n\n复核水箱", "submit": "save"},
    )
    assert saved.status_code == 302
    assert list(handover.items.values_list("text", flat=True)) == ["巡查B2", "复核水箱"]
    first = handover.items.first()
    client.post(
        response.url,
        {
            "operating_status": "配电正常",
            "anomalies": "配电房有异味",
            "done": [str(first.pk)],
            "submit": "sign",
            "signature": make_signature_data_url(),
        },
    )
    handover.refresh_from_db()
    assert handover.status == "waiting" and handover.items.get(pk=first.pk).done
    # The incoming person sees it on 我的班次 and signs on their phone.
    login("op2")
    mine = client.get(reverse("fieldwork:my_shifts")).content.decode()
    assert reverse("fieldwork:handover_accept", args=[handover.pk]) in mine
    accept = client.get(reverse("fieldwork:handover_accept", args=[handover.pk]))
    assert "配电房有异味" in accept.content.decode() and "签字接班" in accept.content.decode()
    time_machine.move_to(at("2026-10-01 08:01"), tick=False)
    login("op2")
    empty = client.post(reverse("fieldwork:handover_accept", args=[handover.pk]), {})
    assert empty.status_code == 400
    client.post(
        reverse("fieldwork:handover_accept", args=[handover.pk]),
        {"signature": make_signature_data_url()},
    )
    handover.refresh_from_db()
    d.night.refresh_from_db(), d.day.refresh_from_db()
    assert (handover.status, d.night.status, d.day.status) == ("accepted", "ended", "on_duty")
    assert d.night.ended_at == at("2026-10-01 08:01")
    detail = client.get(reverse("fieldwork:handover_detail", args=[handover.pk])).content.decode()
    assert reverse("fieldwork:handover_pdf", args=[handover.pk]) in detail


def test_the_incoming_person_refuses_on_the_page__EQUIP_OPS_10(client, login, d):
    services.shift_start(shift=d.night, by=d.ops[0].user)
    handover = hand_over(d.ops[0].user, d.night)
    login("op3")
    url = reverse("fieldwork:handover_refuse", args=[handover.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "对讲机电量不足"})
    handover.refresh_from_db()
    assert handover.status == "refused"
    d.night.refresh_from_db()
    assert d.night.status == "on_duty"


def test_people_not_on_the_shifts_cannot_sign_on_the_pages__EQUIP_OPS_10(client, login, d):
    services.shift_start(shift=d.night, by=d.ops[0].user)
    handover = hand_over(d.ops[0].user, d.night)
    login("op4")
    response = client.post(
        reverse("fieldwork:handover_accept", args=[handover.pk]),
        {"signature": make_signature_data_url()},
    )
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.status == "waiting"
    login("outsider")
    for name in ("handover_detail", "handover_accept", "handover_pdf"):
        assert client.get(reverse(f"fieldwork:{name}", args=[handover.pk])).status_code == 404
    login("owner")
    assert client.get(reverse("fieldwork:my_shifts")).status_code == 403


def test_a_posts_week_roster_and_adding_a_shift(client, login, d):
    login("ehead")
    url = reverse("fieldwork:duty_roster", args=[d.post.pk])
    page = client.get(url + "?week=2026-09-30").content.decode()
    assert "值班员1" in page and "值班员2" in page and "添加班次</h2>" in page
    assert client.get(url + "?week=nonsense").status_code == 200
    new = reverse("fieldwork:shift_new", args=[d.post.pk])
    bad = client.post(new, {"starts_at": "2026-10-01T20:00", "ends_at": "2026-10-01T19:00"})
    assert bad.status_code == 400
    ok = client.post(
        new,
        {
            "name": "夜班",
            "starts_at": "2026-10-01T20:00",
            "ends_at": "2026-10-02T08:00",
            "staff": [d.ops[3].pk],
        },
    )
    assert ok.status_code == 302 and "week=2026-10-01" in ok.url
    created = Shift.objects.get(name="夜班", starts_at=at("2026-10-01 20:00"))
    assert created.ends_at == at("2026-10-02 08:00")
    login("op1")
    assert "添加班次</h2>" not in client.get(url).content.decode()
    assert (
        client.post(
            new, {"starts_at": "2026-10-03T08:00", "ends_at": "2026-10-03T20:00"}
        ).status_code
        == 302
    )
    assert not Shift.objects.filter(starts_at=at("2026-10-03 08:00")).exists()
    login("outsider")
    assert client.get(url).status_code == 404


def test_a_posts_handover_history_filters_by_date_and_pages(
    client, login, d, time_machine, django_assert_max_num_queries
):
    from wuye.fieldwork.services import handovers

    from .shifts_helpers import sign

    services.shift_start(shift=d.night, by=d.ops[0].user)
    time_machine.move_to(at("2026-10-01 07:50"), tick=False)
    handover = hand_over(d.ops[0].user, d.night, anomalies="水泵异响")
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    login("ehead")
    url = reverse("fieldwork:handover_history", args=[d.post.pk])
    client.get(url)
    with django_assert_max_num_queries(15):
        assert "水泵异响" in client.get(url).content.decode()
    assert (
        "水泵异响" in client.get(url + "?date_from=2026-10-01&date_to=2026-10-01").content.decode()
    )
    none = client.get(url + "?date_to=2026-09-30").content.decode()
    assert "水泵异响" not in none and "没有符合条件" in none
    assert client.get(url + "?date_from=bad&page=99").status_code == 200
    posts = client.get(reverse("fieldwork:duty_posts")).content.decode()
    assert "工程值班室" in posts
    pdf = client.get(reverse("fieldwork:handover_pdf", args=[handover.pk]))
    assert pdf.status_code in (200, 503)


def test_the_incoming_person_signs_on_the_outgoing_persons_phone__EQUIP_OPS_10(
    client, login, d, world
):
    services.shift_start(shift=d.night, by=d.ops[0].user)
    handover = hand_over(d.ops[0].user, d.night)
    login("op1")
    url = reverse("fieldwork:handover_accept", args=[handover.pk])
    page = client.get(url).content.decode()
    assert 'name="signer"' in page and "值班员2" in page and "值班员4" not in page
    wrong = client.post(
        url,
        {"signer": d.ops[1].user.pk, "password": "nope", "signature": make_signature_data_url()},
    )
    assert wrong.status_code == 400 and "密码不正确" in wrong.content.decode()
    stranger = client.post(
        url,
        {
            "signer": d.ops[3].user.pk,
            "password": world.password,
            "signature": make_signature_data_url(),
        },
    )
    assert stranger.status_code == 400
    handover.refresh_from_db()
    assert handover.status == "waiting"
    client.post(
        url,
        {
            "signer": d.ops[1].user.pk,
            "password": world.password,
            "signature": make_signature_data_url(),
        },
    )
    handover.refresh_from_db()
    assert handover.status == "accepted" and handover.incoming_by == d.ops[1].user
    login("op2")
    assert 'name="signer"' not in client.get(url).content.decode()
