"""The move-in through the API (MOVEIN-*): what the pages show and do, with the same services —
batches and their notices, the desk's search, one owner's steps with fees, invoices and the two
forms, defects, needs and the dashboard; who may call what, and nothing written on a refusal.
Time is frozen (Asia/Shanghai), as in the service tests."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.pdf_tools import needs_pdf_tools
from tests.residents import test_move_in as shared
from tests.residents.test_move_in import documents, owner_move_in, signature_png
from wuye.billing.models import Invoice
from wuye.billing.services import payment_record
from wuye.core.services import api_token_issue
from wuye.residents import services
from wuye.residents.models import FollowUpTask, HouseDefect, MoveIn, MoveInBatch, MoveInNotice
from wuye.workflow.models import Event

# The fixtures of the service tests, used here too.
building, cashier, confirmed = shared.building, shared.cashier, shared.confirmed
fees, frozen, notified = shared.fees, shared.frozen, shared.notified

API = "/api/v1/movein"
BATCH = {
    "title": "1栋第一批入住", "starts_at": "2026-09-30T09:00:00", "ends_at": "2026-09-30T17:00:00",
    "place": "会所一楼", "documents": "身份证、购房合同", "fees": "半年物业费、装修押金",
}  # fmt: skip


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, user, path, **params):
    return client.get(f"{API}{path}", params, **auth(user))


def post(client, user, path, body=None):
    return client.post(f"{API}{path}", body or {}, content_type="application/json", **auth(user))


def step(client, user, move_in, action, body=None):
    return post(client, user, f"/move-ins/{move_in.pk}/{action}", body)


def status_of(move_in) -> str:
    return MoveIn.objects.select_related("case").get(pk=move_in.pk).case.status


# --- Batches (MOVEIN-03) ------------------------------------------------------------------------


def test_a_batch_is_created_notified_and_printed__MOVEIN_03(client, world, confirmed, frozen):
    agent = world.agent.user
    r = post(client, agent, "/batches", {**BATCH, "building": world.room.building_id})
    assert r.status_code == 201, r.json()
    body = r.json()
    batch = MoveInBatch.objects.get()
    assert body["id"] == batch.pk and body["status"] == "planned" and body["notified"] == 0
    assert body["starts_at"] == "2026-09-30T01:00:00Z"  # 09:00 in Shanghai
    assert body["takeover_confirmed"] is True and body["notice_deadline"] == "2026-09-23"
    assert [o["name"] for o in body["owners"]] == [world.owner.name]

    listed = get(client, agent, "/batches", estate=world.estate.pk).json()
    assert listed["count"] == 1 and listed["items"][0]["title"] == "1栋第一批入住"
    assert get(client, agent, "/batches", status="closed").json()["count"] == 0

    r = post(client, agent, f"/batches/{batch.pk}/notify")
    assert r.status_code == 200, r.json()
    assert r.json() == {"notified": 1, "by_app": 1, "letter_only": 0}
    move_in = owner_move_in(world, batch)
    detail = get(client, agent, f"/batches/{batch.pk}").json()
    assert detail["status"] == "notified" and detail["notified"] == 1
    assert detail["owners"][0]["move_in"] == move_in.pk
    assert detail["owners"][0]["channels"] == ["letter", "inbox", "sms"]
    assert detail["owners"][0]["mobile"].count("*") == 4
    assert detail["vehicle_guidance"]["status"] == "open"  # MOVEIN-01
    assert get(client, agent, f"/batches/{batch.pk}", show="unnotified").json()["owners"] == []

    again = post(client, agent, f"/batches/{batch.pk}/notify")
    assert again.status_code == 409 and again.json()["error"]["code"] == "nothing_to_send"
    assert MoveInNotice.objects.count() == 1

    letters = get(client, agent, f"/batches/{batch.pk}/letters").json()
    assert letters["title"] == "入住通知：1栋第一批入住" and "会所一楼" in letters["body"]
    assert [x["name"] for x in letters["letters"]] == [world.owner.name]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "长" * 61}, "title"),
        ({"ends_at": "2026-09-30T08:00:00"}, "ends_at"),
        ({"starts_at": "2026-09-12T09:00:00", "ends_at": "2026-09-12T17:00:00"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"building": True}, "building"),
    ],
)
def test_a_bad_batch_is_400_with_its_field_and_nothing_written__MOVEIN_03(
    client, world, confirmed, frozen, change, field
):
    body = {**BATCH, "building": world.room.building_id, **change}
    r = post(client, world.agent.user, "/batches", body)
    assert r.status_code == 400, r.json()
    assert field in r.json()["error"]["fields"]
    assert not MoveInBatch.objects.exists()


def test_a_batch_before_the_takeover_is_refused__TAKEOVER_15(client, world, frozen):
    r = post(client, world.agent.user, "/batches", {**BATCH, "building": world.room.building_id})
    assert r.status_code == 400 and "TAKEOVER-15" in r.json()["error"]["fields"]["building"][0]
    assert not MoveInBatch.objects.exists()


def test_batches_are_for_the_desk_of_the_estate(client, world, notified):
    path = f"/batches/{notified.pk}"
    body = {**BATCH, "building": world.room.building_id}
    # Another estate's staff: nothing of this estate exists for them.
    outsider = world.outsider.user
    assert get(client, outsider, path).status_code == 404
    assert get(client, outsider, f"{path}/letters").status_code == 404
    assert post(client, outsider, f"{path}/notify").status_code == 404
    assert post(client, outsider, "/batches", body).status_code == 404
    assert get(client, outsider, "/batches", estate=world.estate.pk).status_code == 404
    assert get(client, outsider, "/batches").json()["count"] == 0
    # Residents and contractors: the pages refuse them by role, so does the API.
    for user in (world.owner.user, world.contractor.accounts.get().user):
        assert get(client, user, path).status_code == 403
        assert post(client, user, f"{path}/notify").status_code == 403
        assert post(client, user, "/batches", body).status_code == 403
    # An engineer is not the desk (MOVEIN-01).
    tech = world.tech.user
    assert get(client, tech, "/batches").status_code == 403
    assert post(client, tech, "/batches", body).status_code == 403
    r = post(client, tech, f"{path}/notify")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert MoveInBatch.objects.count() == 1 and MoveInNotice.objects.count() == 1
    assert client.get(f"{API}/batches").status_code == 401


# --- One owner's move-in (MOVEIN-02) ------------------------------------------------------------


def test_the_desk_finds_a_move_in__MOVEIN_12(client, world, notified):
    agent = world.agent.user
    found = get(client, agent, "/move-ins", q="301").json()
    assert found["count"] == 1 and found["items"][0]["room_label"].endswith("301室")
    assert found["items"][0]["status"] == "notified"
    assert get(client, agent, "/move-ins", q="999").json()["count"] == 0
    assert get(client, agent, "/move-ins", status="waiting").json()["count"] == 0
    assert get(client, agent, "/move-ins", batch=notified.pk).json()["count"] == 1
    assert get(client, world.outsider.user, "/move-ins").json()["count"] == 0
    assert get(client, world.outsider.user, "/move-ins", batch=notified.pk).status_code == 404
    assert get(client, world.owner.user, "/move-ins").status_code == 403


def test_a_move_in_walks_its_steps_through_the_api__MOVEIN_02(
    client, world, notified, fees, cashier
):
    agent, tech = world.agent.user, world.tech.user
    move_in = owner_move_in(world, notified)
    detail = get(client, agent, f"/move-ins/{move_in.pk}").json()
    assert detail["next_step"] == "arrive" and detail["status_label"] == "已通知"

    assert step(client, agent, move_in, "arrive").json()["status"] == "arrived"
    bad = step(client, agent, move_in, "check_documents",
               {"id_number": "110101199003071235", "contract_no": ""})  # fmt: skip
    assert bad.status_code == 400
    assert {"id_number", "contract_no"} <= set(bad.json()["error"]["fields"])
    assert status_of(move_in) == "arrived"
    r = step(client, agent, move_in, "check_documents", documents(world))
    assert r.status_code == 200, r.json()
    assert r.json()["contract_no"] == "GF-2026-0301" and "*" in r.json()["id_number"]
    assert [f["amount"] for f in r.json()["fee_preview"]] != []

    # MOVEIN-05: the bills through billing, paid at the cashier, invoiced by finance.
    unpaid = step(client, agent, move_in, "pay_fees")
    assert unpaid.status_code == 409 and unpaid.json()["error"]["code"] == "fees_missing"
    r = post(client, agent, f"/move-ins/{move_in.pk}/fees")
    assert r.status_code == 200, r.json()
    bills = r.json()["bills"]
    assert [b["item"] for b in bills] == ["物业服务费", "装修押金"]
    move_in.refresh_from_db()
    total = sum(Decimal(b["amount"]) for b in bills)
    payment_record(room=move_in.room, amount=total, channel="cash", by=cashier.user,
                   bills=move_in.bills)  # fmt: skip
    assert step(client, agent, move_in, "pay_fees").json()["error"]["code"] == "invoice_missing"
    path = f"/move-ins/{move_in.pk}/invoice"
    assert post(client, agent, path, {"numbers": ["FP1"]}).status_code == 403
    assert post(client, cashier.user, path, {"numbers": []}).status_code == 400
    assert not Invoice.objects.exists()
    r = post(client, cashier.user, path, {"numbers": ["FP00000001"]})
    assert r.status_code == 200, r.json()
    assert r.json()["payments"][0]["invoice"]["number"] == "FP00000001"
    assert r.json()["invoice_pending"] == 0 and r.json()["can_invoice"] is True
    assert step(client, agent, move_in, "pay_fees").json()["status"] == "fees_paid"

    # MOVEIN-06/07: the engineer inspects; each problem is a defect with its clock.
    assert step(client, agent, move_in, "inspect").status_code == 403
    half = {"defects": [{"location": "主卧", "description": ""}]}
    assert step(client, tech, move_in, "inspect", half).status_code == 400
    defects = {"defects": [{"location": "主卧", "description": "墙面空鼓"}]}
    r = step(client, tech, move_in, "inspect", defects)
    assert r.status_code == 200, r.json()
    assert r.json()["defects"][0]["clocks"][0]["rule"] == "MOVEIN-07"
    assert HouseDefect.objects.get().description == "墙面空鼓"

    # MOVEIN-08/09: keys, cards and both agreements signed.
    keys = {"key_count": 3, "access_cards": "A1, A2", "usage_explained": False}
    bad = step(client, agent, move_in, "hand_keys", keys)
    assert bad.status_code == 400 and "usage_explained" in bad.json()["error"]["fields"]
    r = step(client, agent, move_in, "hand_keys", {**keys, "usage_explained": True})
    assert r.json()["key_count"] == 3 and r.json()["access_cards"] == "A1、A2"
    signed = [
        client.post("/api/v1/attachments/signature", {"data_url": signature_png()},
                    content_type="application/json", **auth(agent)).json()["id"]
        for _ in range(2)
    ]  # fmt: skip
    missing = step(client, agent, move_in, "complete", {"service_agreement": signed[0]})
    assert missing.status_code == 400 and "covenant" in missing.json()["error"]["fields"]
    r = step(client, agent, move_in, "complete",
             {"service_agreement": signed[0], "covenant": signed[1]})  # fmt: skip
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "completed" and r.json()["covenant"] == signed[1]
    assert r.json()["clocks"][0]["rule"] == "MOVEIN-10"

    # MOVEIN-10/11: the revisit routes a need to its department.
    revisit = {"method": "phone", "satisfaction": 5,
               "needs": [{"need": "需要家政服务", "department": "environment"}]}  # fmt: skip
    r = step(client, agent, move_in, "revisit", revisit)
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "revisited" and r.json()["satisfaction"] == 5
    assert FollowUpTask.objects.get().department == "environment"
    events = [e["action"] for e in r.json()["events"]]
    assert events[-1] == "revisit" and "inspect" in events

    needs = get(client, agent, "/needs", department="all").json()
    assert needs["count"] == 1 and needs["items"][0]["department_label"] == "环境管理部"
    assert get(client, agent, "/needs").json()["count"] == 0  # customer service's own: none
    shown = get(client, agent, "/defects", estate=world.estate.pk).json()
    assert shown["count"] == 1 and shown["items"][0]["status_label"] == "整改中"
    assert get(client, agent, "/defects", show="overdue").json()["count"] == 0
    board = get(client, agent, "/dashboard", estate=world.estate.pk).json()
    assert board["totals"] == {"notified": 1, "arrived": 1, "completed": 1, "defects": 1,
                               "overdue": 0, "revisits": 0}  # fmt: skip
    assert board["batches"][0]["owners"] == 1 and board["batches"][0]["revisited"] == 1


def test_steps_out_of_turn_or_role_are_refused_and_change_nothing__MOVEIN_02(
    client, world, notified
):
    move_in = owner_move_in(world, notified)
    r = step(client, world.agent.user, move_in, "hand_keys", {"key_count": 2})
    assert r.status_code == 409
    assert step(client, world.tech.user, move_in, "arrive").status_code == 403
    r = step(client, world.agent.user, move_in, "nonsense")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    assert step(client, world.agent.user, move_in, "cancel").status_code == 400  # a note
    assert step(client, world.agent.user, move_in, "arrive", {"key_count": "x"}).status_code == 400
    assert status_of(move_in) == "notified"
    assert not Event.objects.filter(case=move_in.case, action="arrive").exists()


def test_move_ins_are_for_the_staff_of_their_estate(client, world, notified):
    move_in = owner_move_in(world, notified)
    base = f"/move-ins/{move_in.pk}"
    outsider = world.outsider.user
    assert get(client, outsider, base).status_code == 404
    assert step(client, outsider, move_in, "arrive").status_code == 404
    assert post(client, outsider, f"{base}/fees").status_code == 404
    assert post(client, outsider, f"{base}/invoice", {"numbers": ["FP1"]}).status_code == 404
    assert get(client, outsider, f"{base}/application.pdf").status_code == 404
    assert get(client, outsider, f"{base}/inspection.pdf").status_code == 404
    for user in (world.owner.user, world.neighbour.user, world.contractor.accounts.get().user):
        assert get(client, user, base).status_code == 403
        assert step(client, user, move_in, "arrive").status_code == 403
        assert post(client, user, f"{base}/fees").status_code == 403
        assert get(client, user, f"{base}/application.pdf").status_code == 403
        assert get(client, user, "/defects").status_code == 403
        assert get(client, user, "/needs").status_code == 403
        assert get(client, user, "/dashboard", estate=world.estate.pk).status_code == 403
    assert get(client, outsider, "/dashboard", estate=world.estate.pk).status_code == 404
    assert get(client, outsider, "/defects", estate=world.estate.pk).status_code == 404
    assert status_of(move_in) == "notified" and not move_in.bills


def test_fees_are_raised_by_the_desk_once_documents_are_checked__MOVEIN_05(
    client, world, notified, fees
):
    move_in = owner_move_in(world, notified)
    path = f"/move-ins/{move_in.pk}/fees"
    early = post(client, world.agent.user, path)
    assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_state"
    services.move_in_act(move_in=move_in, action="arrive", by=world.agent.user)
    services.move_in_act(move_in=move_in, action="check_documents", by=world.agent.user,
                         data=documents(world))  # fmt: skip
    assert post(client, world.tech.user, path).status_code == 403
    move_in.refresh_from_db()
    assert move_in.bills == []
    assert post(client, world.agent.user, path).status_code == 200
    move_in.refresh_from_db()
    assert len(move_in.bills) == 2


@needs_pdf_tools
def test_the_forms_download_as_pdf_once_their_step_is_done__MOVEIN_04_06(
    client, world, notified, fees, cashier
):
    move_in = owner_move_in(world, notified)
    base = f"/move-ins/{move_in.pk}"
    early = get(client, world.agent.user, f"{base}/application.pdf")
    assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_state"
    assert get(client, world.agent.user, f"{base}/inspection.pdf").status_code == 409
    shared.up_to_fees_paid(world, move_in, cashier)
    defects = {"defects": [{"location": "厨房", "description": "瓷砖破损"}]}
    services.move_in_act(move_in=move_in, action="inspect", by=world.tech.user, data=defects)
    for name in ("application.pdf", "inspection.pdf"):
        r = get(client, world.agent.user, f"{base}/{name}")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert r.content.startswith(b"%PDF")
