"""The API's edge (issue 12): strict types, bounded numbers, dates and texts, malformed bodies,
unknown paths, and an OpenAPI document that tells the truth."""

import enum
import json
import typing
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pydantic import BaseModel

from wuye.api import api
from wuye.billing.models import ParkingRule, Payment
from wuye.core import services
from wuye.core.models import Building, Resident, Room
from wuye.repairs.models import RepairOrder


def bearer(username: str) -> dict[str, str]:
    user = get_user_model().objects.get(username=username)
    token, _record = services.api_token_issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_json(client: Client, path: str, data, headers) -> typing.Any:
    return client.post(
        f"/api/v1{path}", json.dumps(data), content_type="application/json", **headers
    )


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]


# --- Strict types -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, "1", 1.0])
def test_room_true_is_not_room_1_and_writes_nothing(client, world, value):
    headers = bearer("agent")
    before = RepairOrder.objects.count()
    payload = {
        "room": value,
        "description": "厨房水管漏水",
        "contact_name": "张三",
        "contact_phone": "13800138000",
    }
    response = post_json(client, "/repairs", payload, headers)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["fields"]["room"] == ["应为整数"]
    assert RepairOrder.objects.count() == before


def test_resident_room_true_is_400_and_writes_nothing(client, world):
    before = Resident.objects.count()
    payload = {"room": True, "name": "李四", "mobile": "13900139000", "relation": "tenant"}
    response = post_json(client, "/residents", payload, bearer("agent"))
    assert response.status_code == 400
    assert "room" in error_of(response)["fields"]
    assert Resident.objects.count() == before


def test_true_as_a_floor_or_a_flag_is_400(client, world):
    headers = bearer("agent")
    room = {"building": world.room.building_id, "number": "909", "floor": True, "area": "90.5"}
    response = post_json(client, "/rooms", room, headers)
    assert response.status_code == 400
    assert error_of(response)["fields"]["floor"] == ["应为整数"]
    response = post_json(client, "/inbox/read", {"all": 1}, headers)
    assert response.status_code == 400
    assert error_of(response)["fields"]["all"] == ["应为 true 或 false"]


def test_ids_in_query_strings_and_paths_are_still_text(client, world):
    headers = bearer("agent")
    response = client.get("/api/v1/rooms", {"estate": str(world.estate.pk)}, **headers)
    assert response.status_code == 200
    assert client.get(f"/api/v1/rooms/{world.room.pk}", **headers).status_code == 200


# --- Decimals: refused, never rounded -----------------------------------------------------------


@pytest.mark.parametrize("area", ["90.555", 90.555, "1234567.891"])
def test_three_decimal_area_is_400_and_writes_nothing(client, world, area):
    before = Room.objects.count()
    payload = {"building": world.room.building_id, "unit": world.room.unit_id, "number": "305",
               "floor": 3, "area": area}  # fmt: skip
    response = post_json(client, "/rooms", payload, bearer("agent"))
    assert response.status_code == 400, response.content
    assert list(error_of(response)["fields"]) == ["area"]
    assert Room.objects.count() == before


def test_three_decimal_area_patch_is_400_and_keeps_the_area(client, world):
    area = world.room.area
    response = client.patch(
        f"/api/v1/rooms/{world.room.pk}",
        json.dumps({"area": "88.123"}),
        content_type="application/json",
        **bearer("agent"),
    )
    assert response.status_code == 400
    assert error_of(response)["fields"]["area"] == ["最多 2 位小数"]
    world.room.refresh_from_db()
    assert world.room.area == area


def test_three_decimal_payment_is_400_and_writes_nothing(client, world):
    finance = _finance(world)
    response = post_json(
        client,
        f"/billing/rooms/{world.room.pk}/payments",
        {"amount": "10.005", "channel": "cash"},
        bearer(finance.user.username),
    )
    assert response.status_code == 400, response.content
    assert error_of(response)["fields"]["amount"] == ["最多 2 位小数"]
    assert not Payment.objects.exists()


def _finance(world):
    from tests.factories import make_staff
    from wuye.core.choices import DepartmentKind, Role

    return make_staff(
        world.company, "finance", Role.FINANCE_CLERK, DepartmentKind.FINANCE, [world.estate]
    )


# --- Dates and durations ------------------------------------------------------------------------


def _parking_rule(world):
    import datetime as dt

    ParkingRule.objects.create(
        estate=world.estate,
        free_minutes=15,
        per_hour=Decimal("5.00"),
        daily_cap=Decimal("20.00"),
        effective_from=dt.date(2020, 1, 1),
    )


def test_parking_stay_of_8000_years_is_400(client, world):
    _parking_rule(world)
    headers = bearer("agent")
    params = {"estate": world.estate.pk, "entered_at": "2026-01-01T08:00:00+08:00"}
    response = client.get(
        "/api/v1/billing/parking/fee", {**params, "left_at": "9999-12-31T23:59:59+08:00"}, **headers
    )
    assert response.status_code == 400, response.content
    assert "left_at" in error_of(response)["fields"]
    # Within the years a client may send, a stay of more than a year is refused too.
    response = client.get(
        "/api/v1/billing/parking/fee", {**params, "left_at": "2099-01-01T08:00:00+08:00"}, **headers
    )
    assert response.status_code == 400
    assert error_of(response)["fields"]["left_at"] == ["停车时长不能超过 366 天"]
    response = client.get(
        "/api/v1/billing/parking/fee", {**params, "left_at": "2026-01-01T10:00:00+08:00"}, **headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["fee"] in ("10.00", 10.0, "10")


def test_parking_fee_is_403_for_a_resident_and_declared(client, world):
    _parking_rule(world)
    params = {"estate": world.estate.pk, "entered_at": "2026-01-01T08:00:00+08:00",
              "left_at": "2026-01-01T09:00:00+08:00"}  # fmt: skip
    response = client.get("/api/v1/billing/parking/fee", params, **bearer("owner"))
    assert response.status_code == 403
    schema = client.get("/api/v1/openapi.json").json()
    assert "403" in schema["paths"]["/api/v1/billing/parking/fee"]["get"]["responses"]


def test_dates_outside_the_sane_range_are_400(client, world):
    headers = bearer("head")
    response = client.get(
        "/api/v1/repairs/kpis", {"estate": world.estate.pk, "start": "0001-01-01"}, **headers
    )
    assert response.status_code == 400
    assert "start" in error_of(response)["fields"]
    notice = {"estate": world.estate.pk, "title": "停水通知", "body": "明日停水",
              "publish_at": "9999-12-31T00:00:00+08:00"}  # fmt: skip
    response = post_json(client, "/notices", notice, headers)
    assert response.status_code == 400
    assert "publish_at" in error_of(response)["fields"]


# --- Free text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/cases/1/note", "/repairs/1/note", "/complaints/1/note"])
def test_a_note_longer_than_2000_characters_is_400(client, world, path):
    response = post_json(client, path, {"note": "字" * 2001}, bearer("head"))
    assert response.status_code == 400
    assert error_of(response)["fields"]["note"] == ["不能超过 2000 个字符"]


def test_building_name_longer_than_the_model_is_400(client, world):
    before = Building.objects.count()
    payload = {"estate": world.estate.pk, "name": "楼" * 31}
    response = post_json(client, "/buildings", payload, bearer("head"))
    assert response.status_code == 400
    assert error_of(response)["fields"]["name"] == ["不能超过 30 个字符"]
    assert Building.objects.count() == before


# --- Malformed bodies and unknown paths ---------------------------------------------------------

MALFORMED_MULTIPART = [
    ("multipart/form-data", b"garbage"),
    ("multipart/form-data; boundary=", b"garbage"),
    ("multipart/form-data; boundary=\xff\xfe", b"--\xff\xfe\r\n"),
    (
        "multipart/form-data; boundary=xyz",
        b'--xyz\r\nContent-Disposition: form-data; name="username"\r\n\r\nab',
    ),
    (
        "multipart/form-data; boundary=xyz",
        b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        b"Content-Type: image/png\r\n\r\n\x89PNG",
    ),
    ("multipart/form-data; boundary=xyz", b"--xyz\r\nno headers at all"),
]


@pytest.mark.parametrize(("content_type", "body"), MALFORMED_MULTIPART)
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/attachments"])
def test_malformed_multipart_is_400_json(world, path, content_type, body):
    client = Client(raise_request_exception=False)
    response = client.generic("POST", path, body, content_type=content_type, **bearer("agent"))
    assert response.status_code == 400, response.content
    error_of(response)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/", "/api/v1", "/api/v1/no-such-thing", "/api/v1/a/b/", "/api/v1/no%0Asuch/path"],
)
def test_api_root_and_unknown_paths_are_json_404(client, world, path):
    response = client.get(path, **bearer("agent"))
    assert response.status_code == 404, (path, response.status_code)
    assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/v1", "/api/v1/billing/estates/a%0Ab/closings"])
def test_a_post_to_an_unknown_api_path_is_json_404_not_the_csrf_page(world, path):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    response = client.post(path, {"x": 1}, content_type="application/json", **bearer("agent"))
    assert response.status_code == 404, (path, response.status_code)
    assert error_of(response)["code"] == "not_found"


# --- The OpenAPI document -----------------------------------------------------------------------


def _models_in(annotation, found: set) -> None:
    """Every model and enum an annotation refers to (each becomes a component)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def test_openapi_component_names_are_unique(db):
    """ninja writes every model under its class name and silently keeps the last of two
    models with the same name: every operation would then show one app's schema for another's."""
    api.get_openapi_schema()  # mounts the routers
    models: set = set()
    for bound in api._get_bound_routers():
        for path_view in bound.path_operations.values():
            for operation in path_view.operations:
                if not operation.include_in_schema:
                    continue
                for model in [*operation.response_models.values(), *operation.models]:
                    _models_in(model, models)
    by_name: dict[str, set] = {}
    for model in models:
        by_name.setdefault(model.__name__, set()).add(model)
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    components = schema["components"]["schemas"]
    clashes = {
        name: sorted(f"{m.__module__}.{m.__qualname__}" for m in classes)
        for name, classes in by_name.items()
        if name in components and len(classes) > 1
    }
    assert clashes == {}


def test_openapi_declares_what_handlers_return(client, world):
    schema = client.get("/api/v1/openapi.json").json()
    clock = schema["components"]["schemas"]["ClockOut"]
    assert "key" in clock["properties"]
    for name in ("RepairCountOut", "ComplaintCountOut"):
        assert name in schema["components"]["schemas"]


def test_fee_reads_declare_the_403_a_technician_gets(client, world):
    response = client.get(f"/api/v1/billing/rooms/{world.room.pk}/bills", **bearer("tech"))
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/billing/rooms/{room_id}/bills", "/api/v1/billing/rooms/{room_id}/ledger"):
        assert "403" in paths[path]["get"]["responses"]


def test_a_15_mb_note_on_a_real_order_is_400_and_writes_nothing(client, world):
    from tests.repairs.helpers import report
    from wuye.workflow.models import Event

    order = report(world)
    events, status = Event.objects.count(), order.case.status
    huge = "x" * (15 * 1024 * 1024)  # a 15 MB note: parsed, then refused by its bound
    response = post_json(client, f"/repairs/{order.pk}/dispatch", {"note": huge}, bearer("head"))
    assert response.status_code == 400
    assert "note" in error_of(response)["fields"]
    # Past the 20 MB a request may carry, it is refused before it is parsed.
    huger = "漏" * (5 * 1024 * 1024)  # \uXXXX-escaped by json.dumps: 30 MB
    response = post_json(client, f"/repairs/{order.pk}/dispatch", {"note": huger}, bearer("head"))
    assert response.status_code == 413 and error_of(response)["code"] == "too_large"
    order.case.refresh_from_db()
    assert Event.objects.count() == events and order.case.status == status


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/repairs", "POST, GET"),
        ("delete", "/auth/me", "GET"),
        ("get", "/auth/token", "POST"),
    ],
)
def test_a_wrong_method_is_405_in_the_error_shape(client, world, method, path, allowed):
    response = getattr(client, method)(f"/api/v1{path}", **bearer("head"))
    # ninja lists the allowed methods in no fixed order.
    methods = set(allowed.split(", "))
    assert response.status_code == 405 and set(response["Allow"].split(", ")) == methods
    error = error_of(response)
    assert error["code"] == "method_not_allowed" and response["Allow"] in error["message"]
