"""Certificates through the API and the pages: the register's filters (即将到期/已过期),
per person and per contractor, registering with a scan, renewing, revoking, and refusals."""

import pytest
from django.urls import reverse

from tests.fieldwork.plans_helpers import at, certificate
from tests.images import make_jpeg
from wuye.core.services import api_token_issue
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.models import Certificate

LIFT = CertificateKind.ELEVATOR_MAINTENANCE


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-06-10 09:00"), tick=False)


@pytest.fixture
def register(world):
    return {
        "expired": certificate(staff=world.tech, expires="2026-06-09", number="E-OLD"),
        "expiring": certificate(contractor=world.contractor, expires="2026-07-10", number="TS-1"),
        "valid": certificate(
            staff=world.tech,
            kind=CertificateKind.ELEVATOR_OPERATOR,
            expires="2029-01-01",
            number="T-1",
        ),
        "elsewhere": certificate(staff=world.outsider, expires="2029-01-01", number="X-1"),
    }


def numbers(response) -> list[str]:
    return [row["number"] for row in response.json()["items"]]


def test_the_register_filters_by_state_and_holder(client, world, register):
    head = auth(world.head.user)
    everything = client.get("/api/v1/certificates", **head)
    assert numbers(everything) == ["E-OLD", "TS-1", "T-1"]  # not the other estate's staff
    assert numbers(client.get("/api/v1/certificates?state=expiring", **head)) == ["TS-1"]
    assert numbers(client.get("/api/v1/certificates?state=expired", **head)) == ["E-OLD"]
    per_person = client.get(f"/api/v1/certificates?staff={world.tech.pk}", **head)
    assert numbers(per_person) == ["E-OLD", "T-1"]
    states = {row["number"]: row["state"] for row in everything.json()["items"]}
    assert states == {"E-OLD": "expired", "TS-1": "expiring", "T-1": "valid"}
    lift = auth(world.contractor.accounts.get().user)
    assert numbers(client.get("/api/v1/certificates", **lift)) == ["TS-1"]
    assert client.get("/api/v1/certificates?state=soon", **head).status_code == 400
    assert client.get(f"/api/v1/certificates/{register['elsewhere'].pk}", **head).status_code == 404


def test_register_renew_and_revoke_through_the_api(client, world):
    from wuye.workflow.attachments import attachment_store

    scan = attachment_store(upload=make_jpeg("scan.jpg"), by=world.head.user)
    head = auth(world.head.user)
    data = {"kind": LIFT, "number": "TS3110", "issuer": "市场监督管理局",
            "expires_on": "2026-07-01", "contractor": world.contractor.pk}  # fmt: skip
    data["scan"] = str(scan.pk)
    created = client.post("/api/v1/certificates", data, content_type="application/json", **head)
    assert created.status_code == 201, created.content
    assert created.json()["scan_id"] == str(scan.pk) and created.json()["state"] == "expiring"
    pk = created.json()["id"]
    renewed = client.patch(f"/api/v1/certificates/{pk}", {"expires_on": "2030-07-01"},
                           content_type="application/json", **head)  # fmt: skip
    assert renewed.json()["state"] == "valid"
    revoked = client.post(f"/api/v1/certificates/{pk}/revoke", **head)
    assert revoked.json()["state"] == "revoked"
    assert client.post(f"/api/v1/certificates/{pk}/revoke", **head).status_code == 409


def test_refusals_through_the_api(client, world):
    data = {"kind": LIFT, "number": "TS3110", "issuer": "局", "expires_on": "2027-07-01",
            "contractor": world.contractor.pk}  # fmt: skip
    for user, status in ((world.tech.user, 403), (world.contractor.accounts.get().user, 403)):
        response = client.post("/api/v1/certificates", data, content_type="application/json",
                               **auth(user))  # fmt: skip
        assert response.status_code == status
    wrong = client.post("/api/v1/certificates", data | {"contractor": 10**12},
                        content_type="application/json", **auth(world.head.user))  # fmt: skip
    assert wrong.json()["error"]["fields"] == {"contractor": ["维保单位不存在"]}
    neither = client.post("/api/v1/certificates", data | {"contractor": None},
                          content_type="application/json", **auth(world.head.user))  # fmt: skip
    assert neither.status_code == 400 and "holder" in neither.json()["error"]["fields"]
    assert not Certificate.objects.exists()


def test_the_register_pages(client, world, register):
    client.force_login(world.head.user)
    page = client.get(reverse("fieldwork:certificate_list"), {"state": "expiring"})
    html = page.content.decode()
    assert "TS-1" in html and "E-OLD" not in html and "即将到期" in html
    mine = client.get(reverse("fieldwork:certificate_list"), {"staff": world.tech.pk})
    assert "tech的证书与资质" in mine.content.decode()
    response = client.post(reverse("fieldwork:certificate_create"), {
        "staff": world.tech.pk, "kind": CertificateKind.ELECTRICIAN, "number": "",
        "issuer": "应急管理局", "expires_on": "2029-01-01",
    })  # fmt: skip
    assert response.status_code == 400 and "应急管理局" in response.content.decode()
    response = client.post(reverse("fieldwork:certificate_create"), {
        "staff": world.tech.pk, "kind": CertificateKind.ELECTRICIAN, "number": "E-NEW",
        "issuer": "应急管理局", "expires_on": "2029-01-01", "scan": make_jpeg("e.jpg"),
    })  # fmt: skip
    assert response.status_code == 302
    new = Certificate.objects.get(number="E-NEW")
    assert new.scan is not None
    detail = client.get(reverse("fieldwork:certificate_detail", args=[new.pk]))
    assert "修改或换证" in detail.content.decode()
    client.post(reverse("fieldwork:certificate_revoke", args=[new.pk]))
    new.refresh_from_db()
    assert new.revoked
    client.force_login(world.tech.user)
    assert client.get(reverse("fieldwork:certificate_create")).status_code == 403
    read_only = client.get(reverse("fieldwork:certificate_detail", args=[register["valid"].pk]))
    assert read_only.status_code == 200 and "修改或换证" not in read_only.content.decode()
    client.force_login(world.outsider.user)
    other = client.get(reverse("fieldwork:certificate_detail", args=[register["valid"].pk]))
    assert other.status_code == 404
