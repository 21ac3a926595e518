"""The shift and handover API (EQUIP-OPS-10): the whole handover by API with bearer tokens, its
403 / 404 / 409 answers, the lists with their filters, and the 《交接班记录表》 PDF."""

import datetime as dt

import pytest

from tests.images import make_signature_data_url
from tests.pdf_tools import pdf_text, pdf_tools  # noqa: F401
from wuye.core.services import api_token_issue
from wuye.fieldwork.models import Shift

from .shifts_helpers import at, duty

pytestmark = pytest.mark.django_db


class Api:
    def __init__(self, client, user):
        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def post(self, path, body=None, expect=200):
        r = self.client.post(
            f"/api/v1{path}", body or {}, content_type="application/json", **self.auth
        )
        assert r.status_code == expect, r.content
        return r.json()

    def get(self, path, expect=200):
        r = self.client.get(f"/api/v1{path}", **self.auth)
        assert r.status_code == expect, r.content
        return r.json() if r["Content-Type"].startswith("application/json") else r

    def signature(self):
        return self.post("/attachments/signature", {"data_url": make_signature_data_url()}, 201)[
            "id"
        ]


@pytest.fixture
def d(world, time_machine):
    time_machine.move_to(at("2026-11-30 19:00"), tick=False)
    return duty(world)


def test_a_handover_by_api_needs_both_signatures__EQUIP_OPS_10(client, d, world):
    head = Api(client, d.head.user)
    op1, op2, op4 = (Api(client, d.ops[n].user) for n in (0, 1, 3))
    post = head.post(
        "/duty-posts",
        {
            "estate": world.estate.pk,
            "name": "监控室",
            "department": "engineering",
            "required_certificate": "fire_operator",
        },
        201,
    )
    assert post["required_certificate"] == "fire_operator"
    # EQUIP-OPS-11: the operators on duty hold the post's certificate.
    from wuye.fieldwork.models import Certificate

    for n in (0, 1):
        Certificate.objects.create(
            company=world.company, holder="staff", staff=d.ops[n], kind="fire_operator",
            number=f"XF{n}", issuer="消防救援支队", expires_on=dt.date(2035, 12, 31),
            created_at=at("2026-01-01 09:00"),
        )  # fmt: skip
    # A night across the month end, in the estate's local time (no zone given).
    night = head.post(
        f"/duty-posts/{post['id']}/shifts",
        {
            "name": "夜班",
            "starts_at": "2026-11-30T20:00",
            "ends_at": "2026-12-01T08:00",
            "staff": [d.ops[0].pk],
        },
        201,
    )
    assert dt.datetime.fromisoformat(night["ends_at"]) == at("2026-12-01 08:00")
    day = head.post(
        f"/duty-posts/{post['id']}/shifts",
        {"starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T20:00", "staff": [d.ops[1].pk]},
        201,
    )
    head.post(
        f"/duty-posts/{post['id']}/shifts",
        {"starts_at": "2026-12-01T07:00", "ends_at": "2026-12-01T09:00", "staff": [d.ops[0].pk]},
        400,
    )
    op1.post(f"/shifts/{night['id']}/start")
    op2.post(f"/shifts/{day['id']}/start", expect=409)
    handover = op1.post(f"/shifts/{night['id']}/handover", {})
    assert handover["status"] == "draft" and handover["incoming_shift"] == day["id"]
    hid = handover["id"]
    op2.post(f"/handovers/{hid}/sign-incoming", {"attachments": [op2.signature()]}, 409)
    op4.post(
        f"/handovers/{hid}/sign-outgoing",
        {"operating_status": "x", "attachments": [op4.signature()]},
        403,
    )
    draft = op1.post(
        f"/handovers/{hid}/record", {"operating_status": "监控正常", "new_items": ["3号摄像头黑屏"]}
    )
    assert [i["text"] for i in draft["items"]] == ["3号摄像头黑屏"]
    signed = op1.post(
        f"/handovers/{hid}/sign-outgoing",
        {"operating_status": "监控正常", "anomalies": "无", "attachments": [op1.signature()]},
    )
    assert signed["status"] == "waiting"
    assert Shift.objects.get(pk=night["id"]).status == "on_duty"
    mine = op2.get("/shifts/mine")
    assert [h["id"] for h in mine["to_sign"]] == [hid]
    assert [h["id"] for h in op2.get("/handovers/to-sign")["items"]] == [hid]
    op4.post(f"/handovers/{hid}/sign-incoming", {"attachments": [op4.signature()]}, 403)
    op2.post(f"/handovers/{hid}/sign-incoming", {"attachments": []}, 400)
    done = op2.post(f"/handovers/{hid}/sign-incoming", {"attachments": [op2.signature()]})
    assert done["status"] == "accepted"
    assert Shift.objects.get(pk=night["id"]).status == "ended"
    assert op2.get(f"/shifts/{day['id']}")["status"] == "on_duty"
    op1.post(f"/handovers/{hid}/record", {"operating_status": "改"}, 409)
    listed = head.get(f"/handovers?post={post['id']}&date_from=2026-11-30&date_to=2026-11-30")
    assert [h["id"] for h in listed["items"]] == [hid] and listed["count"] == 1
    assert head.get(f"/handovers?post={post['id']}&date_from=2026-12-01")["count"] == 0
    shifts = head.get(f"/shifts?post={post['id']}&date_from=2026-12-01&date_to=2026-12-01")
    assert {s["id"] for s in shifts["items"]} == {night["id"], day["id"]}


def test_refusal_and_plan_by_api__EQUIP_OPS_10(client, d):
    head, op1, op2 = (
        Api(client, d.head.user),
        Api(client, d.ops[0].user),
        Api(client, d.ops[1].user),
    )
    planned = head.post(
        f"/duty-posts/{d.post.pk}/shifts/plan",
        {
            "first_day": "2026-12-31",
            "last_day": "2027-01-01",
            "pattern": [
                {"name": "白班", "start": "08:00", "end": "20:00"},
                {"name": "夜班", "start": "20:00", "end": "08:00"},
            ],
        },
    )
    assert len(planned) == 4
    first, second = planned[0]["id"], planned[1]["id"]
    head.post(f"/shifts/{first}/members", {"staff": [d.ops[0].pk]})
    head.post(f"/shifts/{second}/members", {"staff": [d.ops[1].pk]})
    op1.post(f"/shifts/{first}/members", {"staff": [d.ops[0].pk]}, 403)
    op1.post(f"/shifts/{first}/start")
    hid = op1.post(f"/shifts/{first}/handover", {})["id"]
    op1.post(
        f"/handovers/{hid}/sign-outgoing",
        {"operating_status": "正常", "attachments": [op1.signature()]},
    )
    op2.post(f"/handovers/{hid}/refuse", {"reason": ""}, 400)
    refused = op2.post(f"/handovers/{hid}/refuse", {"reason": "钥匙少一把"})
    assert refused["status"] == "refused" and refused["refusal_reason"] == "钥匙少一把"
    assert op1.get(f"/shifts/{first}")["status"] == "on_duty"


def test_out_of_scope_is_404_and_bad_input_is_400(client, d, world):
    outsider = Api(client, world.outsider.user)
    outsider.get(f"/duty-posts/{d.post.pk}", 404)
    outsider.post(
        f"/duty-posts/{d.post.pk}/shifts",
        {"starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T20:00"},
        404,
    )
    assert outsider.get("/duty-posts")["count"] == 0
    head = Api(client, d.head.user)
    head.post(
        "/duty-posts", {"estate": world.other_estate.pk, "name": "x", "department": "order"}, 404
    )
    head.post("/duty-posts", {"estate": world.estate.pk, "name": "x", "department": "nope"}, 400)
    head.post(
        f"/duty-posts/{d.post.pk}/shifts",
        {"starts_at": "2026-12-01T08:00", "ends_at": "2026-12-01T07:00"},
        400,
    )
    head.get("/handovers/999999", 404)
    assert not Shift.objects.exists()


def test_the_record_prints_with_both_signatures__EQUIP_OPS_10(client, d, pdf_tools):  # noqa: F811
    from wuye.fieldwork.services import handovers

    from .shifts_helpers import hand_over, shift, sign

    night = shift(d, "2026-11-30 20:00", "2026-12-01 08:00", d.ops[0], name="夜班")
    shift(d, "2026-12-01 08:00", "2026-12-01 20:00", d.ops[1], name="白班")
    from wuye.fieldwork.services import shifts as services

    services.shift_start(shift=night, by=d.ops[0].user)
    handover = hand_over(
        d.ops[0].user, night, anomalies="消防主机故障报警一次", new_items=["复位主机"]
    )
    handovers.handover_sign_incoming(
        handover=handover, attachments=sign(d.ops[1].user), by=d.ops[1].user
    )
    response = Api(client, d.head.user).get(f"/handovers/{handover.pk}/record.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for words in (
        "交接班记录表",
        "工程值班室",
        "消防主机故障报警一次",
        "复位主机",
        "值班员1",
        "值班员2",
    ):
        assert words in text
    assert response.content.count(b"/Subtype /Image") >= 2
