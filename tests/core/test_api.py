"""The REST API under /api/v1/: auth, the error shape, scoping, pagination, the docs page."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone

from tests.factories import RoomFactory, UnitFactory
from wuye.core import services
from wuye.core.models import ApiToken, Building, Occupancy, Resident, Room, Staff

GOOD_ID = "11010519491231002X"
BAD_CHECKSUM_ID = "110105194912310021"


class ApiClient:
    """The test client with a bearer token of one user."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", params, **self.headers)

    def post(self, path: str, data=None, raw: str | None = None):
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(
            f"/api/v1{path}", body, content_type="application/json", **self.headers
        )

    def patch(self, path: str, data):
        return self.client.patch(
            f"/api/v1{path}", json.dumps(data), content_type="application/json", **self.headers
        )


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    # The world fixture hashes nine passwords; PBKDF2 would spend seconds on each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(client, world):
    """``api("agent")``: a client calling the API with a bearer token of that user."""

    def _api(username: str) -> ApiClient:
        user = get_user_model().objects.get(username=username)
        token, _record = services.api_token_issue(user=user, name="test")
        return ApiClient(client, token)

    return _api


def token_request(client: Client, username: str, password: str):
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message", "fields"} <= set(body["error"]), body
    return body["error"]


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["items"]]


# --- Auth -------------------------------------------------------------------------------------


def test_token_is_issued_and_used(client, world):
    response = token_request(client, "agent", world.password)
    assert response.status_code == 200
    body = response.json()
    assert body["token"] and body["token_type"] == "Bearer"
    assert dt.datetime.fromisoformat(body["expires_at"]) > timezone.now()
    assert ApiToken.objects.get(user__username="agent").digest != body["token"]

    me = client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["role"] == "cs_agent"
    assert me.json()["name"] == world.agent.name
    assert [e["id"] for e in me.json()["estates"]] == [world.estate.pk]
    assert me.json()["can_see_pii"] is True


def test_wrong_password_is_401(client, world):
    response = token_request(client, "agent", "wrong-password")
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_credentials"
    assert error_of(response)["message"] == "登录名或密码不正确"
    assert not ApiToken.objects.exists()


def test_lockout_after_repeated_failures_counts_with_axes(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [token_request(client, "agent", "wrong").status_code for _ in range(limit)]
    assert statuses[: limit - 1] == [401] * (limit - 1)
    assert statuses[-1] == 429  # the failure that reaches the limit locks the username

    # Locked: even the right password is refused, in the API's own shape (not axes' HTML page).
    response = token_request(client, "agent", world.password)
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert error_of(response)["code"] == "locked_out"
    assert "锁定" in error_of(response)["message"]
    assert not ApiToken.objects.exists()

    # The lock is per username: another user still gets a token.
    assert token_request(client, "tech", world.password).status_code == 200


def test_token_request_needs_username_and_password(client, world):
    response = client.post("/api/v1/auth/token", {}, content_type="application/json")
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"username", "password"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}, {"HTTP_AUTHORIZATION": "Basic abc"}],
)
def test_unauthenticated_is_401(client, world, headers):
    response = client.get("/api/v1/rooms", **headers)
    assert response.status_code == 401
    assert error_of(response)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_unauthenticated_post_is_401_not_a_csrf_error(world):
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/buildings", {"estate": world.estate.pk}, content_type="application/json"
    )
    assert response.status_code == 401


def test_expired_token_is_401(client, world):
    token, record = services.api_token_issue(user=world.agent.user)
    ApiToken.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    response = client.get("/api/v1/rooms", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_web_session_works_for_the_pages_scripts(world, login):
    client = login("tech")
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 200
    assert response.json()["role"] == "technician"


def test_web_session_needs_csrf_token_for_writes(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent.user)
    payload = {"estate": world.estate.pk, "name": "9栋", "floors": 18}

    refused = client.post("/api/v1/buildings", payload, content_type="application/json")
    assert refused.status_code == 403
    assert error_of(refused)["code"] == "csrf_failed"

    csrf = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf
    accepted = client.post(
        "/api/v1/buildings", payload, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 201


# --- Scoping ----------------------------------------------------------------------------------


def test_outsider_gets_404_for_another_estates_room_and_resident(api, world):
    outsider = api("outsider")
    room = outsider.get(f"/rooms/{world.room.pk}")
    assert room.status_code == 404
    assert error_of(room)["code"] == "not_found"
    assert outsider.get(f"/residents/{world.owner.pk}").status_code == 404
    assert outsider.get(f"/estates/{world.estate.pk}").status_code == 404
    assert outsider.get(f"/buildings/{world.room.building_id}").status_code == 404
    assert outsider.get(f"/staff/{world.agent.pk}").status_code == 404
    assert world.room.pk not in ids(outsider.get("/rooms"))
    assert ids(outsider.get("/rooms")) == [world.other_room.pk]


def test_filtering_by_an_invisible_estate_is_404(api, world):
    assert api("outsider").get("/rooms", estate=world.estate.pk).status_code == 404


def test_owner_sees_only_his_room_and_himself(api, world):
    owner = api("owner")
    assert ids(owner.get("/rooms")) == [world.room.pk]
    assert ids(owner.get("/residents")) == [world.owner.pk]
    assert owner.get(f"/rooms/{world.room2.pk}").status_code == 404
    assert owner.get(f"/residents/{world.neighbour.pk}").status_code == 404
    assert owner.get("/staff").json() == {"items": [], "count": 0}
    detail = owner.get(f"/rooms/{world.room.pk}")
    assert detail.status_code == 200
    assert [o["resident"] for o in detail.json()["occupants"]] == [world.owner.pk]
    # A resident sees the estate, not the company's figures about it.
    assert owner.get(f"/estates/{world.estate.pk}").json()["overview"] is None


def test_neighbour_gets_404_on_owners_room(api, world):
    assert api("neighbour").get(f"/rooms/{world.room.pk}").status_code == 404


def test_contractor_sees_no_rooms_and_only_itself(api, world):
    lift = api("lift")
    assert lift.get("/rooms").json() == {"items": [], "count": 0}
    assert lift.get("/residents").json()["count"] == 0
    assert ids(lift.get("/contractors")) == [world.contractor.pk]


def test_executive_sees_every_estate_of_the_company(api, world):
    assert sorted(ids(api("exec").get("/estates"))) == sorted(
        [world.estate.pk, world.other_estate.pk]
    )


def test_staff_sees_estate_overview(api, world):
    body = api("agent").get(f"/estates/{world.estate.pk}").json()
    assert body["overview"]["room_count"] == 2
    assert body["overview"]["occupied_count"] == 2
    assert body["overview"]["occupancy_rate"] == 1.0


def test_unknown_path_is_404_in_the_error_shape(api, world):
    response = api("agent").get("/no-such-thing/1")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_huge_and_odd_ids_are_404_or_400_never_500(api, world):
    agent = api("agent")
    assert agent.get(f"/rooms/{2**63 + 5}").status_code == 404
    assert agent.get("/rooms", building=2**63 + 5).status_code == 400
    assert agent.get("/rooms", estate=0).status_code == 400
    assert agent.get("/rooms/abc").status_code == 400


# --- Writes -----------------------------------------------------------------------------------


def room_payload(world, **overrides) -> dict:
    payload = {
        "building": world.room.building_id,
        "unit": world.room.unit_id,
        "number": "305",
        "floor": 3,
        "area": "90.5",
        "use": "residential",
    }
    payload.update(overrides)
    return payload


def test_agent_creates_a_room(api, world):
    response = api("agent").post("/rooms", room_payload(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["area"] == "90.50"
    assert body["label"] == "1栋2单元305室"
    assert body["occupants"] == []
    assert Room.objects.get(pk=body["id"]).area == Decimal("90.50")


def test_room_area_accepts_a_json_number(api, world):
    response = api("agent").post("/rooms", room_payload(world, area=89.5))
    assert response.status_code == 201
    assert response.json()["area"] == "89.50"


def test_post_room_with_missing_fields_is_400_with_fields(api, world):
    response = api("agent").post("/rooms", {"building": world.room.building_id})
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert {"number", "floor", "area"} <= set(error["fields"])
    assert error["fields"]["number"] == ["此项必填"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("area", "abc"), ("area", "-3"), ("area", "NaN"), ("floor", "三楼"), ("use", "castle")],
)
def test_post_room_with_bad_values_is_400_on_that_field(api, world, field, value):
    response = api("agent").post("/rooms", room_payload(world, **{field: value}))
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert not Room.objects.filter(number="305").exists()


def test_duplicate_room_is_400(api, world):
    response = api("agent").post("/rooms", room_payload(world, number="301"))
    assert response.status_code == 400
    assert error_of(response)["fields"]
    assert Room.objects.filter(unit=world.room.unit, number="301").count() == 1


def test_unit_of_another_building_is_400(api, world):
    other_unit = UnitFactory(building=Building.objects.create(estate=world.estate, name="2栋"))
    response = api("agent").post("/rooms", room_payload(world, unit=other_unit.pk))
    assert response.status_code == 400
    assert "unit" in error_of(response)["fields"]


def test_technician_may_not_create_a_room(api, world):
    response = api("tech").post("/rooms", room_payload(world))
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "forbidden"
    assert "客服中心" in error["message"]
    assert not Room.objects.filter(number="305").exists()


def test_outsider_may_not_create_a_room_in_another_estate(api, world):
    response = api("outsider").post("/rooms", room_payload(world))
    assert response.status_code == 404
    unit = UnitFactory(building=world.other_room.building)
    response = api("agent").post(
        "/rooms", room_payload(world, building=world.room.building_id, unit=unit.pk)
    )
    assert response.status_code == 404


def test_patch_room(api, world):
    response = api("agent").patch(f"/rooms/{world.room.pk}", {"area": "100", "use": "office"})
    assert response.status_code == 200
    assert response.json()["area"] == "100.00"
    assert response.json()["floor"] == world.room.floor
    world.room.refresh_from_db()
    assert (world.room.area, world.room.use) == (Decimal("100.00"), "office")
    assert api("tech").patch(f"/rooms/{world.room.pk}", {"floor": 4}).status_code == 403
    assert api("neighbour").patch(f"/rooms/{world.room.pk}", {"floor": 4}).status_code == 404


def test_malformed_json_is_400(api, world):
    agent = api("agent")
    response = agent.post("/rooms", raw='{"building": 1,')
    assert response.status_code == 400
    assert error_of(response)["code"] == "malformed_json"
    assert agent.post("/rooms", raw="").status_code == 400
    assert agent.post("/rooms", raw="[1, 2]").status_code == 400
    assert agent.post("/rooms", raw='"text"').status_code == 400
    assert agent.post("/rooms", raw="\xff\xfe").status_code == 400


def test_nul_character_is_400_not_a_database_error(api, world):
    agent = api("agent")
    assert agent.get("/rooms", search="3\x0001").status_code == 400
    response = agent.post("/rooms", room_payload(world, number="3\x0005"))
    assert response.status_code == 400
    assert "number" in error_of(response)["fields"]


def test_register_resident(api, world):
    response = api("agent").post(
        "/residents",
        {
            "room": world.room.pk,
            "name": "张三",
            "mobile": "138 0013 8000",
            "id_number": GOOD_ID.lower(),
            "relation": "family",
            "start_date": "2026-01-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mobile"] == "13800138000"
    assert body["id_number"] == GOOD_ID
    assert body["rooms"][0]["room"] == world.room.pk
    assert body["rooms"][0]["relation"] == "family"


@pytest.mark.parametrize(
    ("field", "mobile", "id_number"),
    [("mobile", "12345", GOOD_ID), ("id_number", "13800138000", BAD_CHECKSUM_ID)],
)
def test_register_resident_with_bad_phone_or_id_is_400_and_writes_nothing(
    api, world, field, mobile, id_number
):
    before = (Resident.objects.count(), Occupancy.objects.count())
    response = api("agent").post(
        "/residents",
        {"room": world.room.pk, "name": "张三", "mobile": mobile, "id_number": id_number},
    )
    assert response.status_code == 400
    assert field in error_of(response)["fields"]
    assert (Resident.objects.count(), Occupancy.objects.count()) == before


def test_register_resident_in_an_invisible_room_is_404(api, world):
    response = api("agent").post(
        "/residents", {"room": world.other_room.pk, "name": "张三", "mobile": "13800138000"}
    )
    assert response.status_code == 404


def test_patch_resident(api, world):
    response = api("agent").patch(f"/residents/{world.owner.pk}", {"mobile": "13912345678"})
    assert response.status_code == 200
    assert response.json()["mobile"] == "13912345678"
    bad = api("agent").patch(f"/residents/{world.owner.pk}", {"mobile": "1"})
    assert bad.status_code == 400
    assert "mobile" in error_of(bad)["fields"]
    assert api("owner").patch(f"/residents/{world.owner.pk}", {"note": "x"}).status_code == 403


def test_create_building(api, world):
    response = api("head").post(
        "/buildings", {"estate": world.estate.pk, "name": "9栋", "floors": 18}
    )
    assert response.status_code == 201
    assert response.json()["estate"] == world.estate.pk
    assert response.json()["units"] == []
    duplicate = api("head").post("/buildings", {"estate": world.estate.pk, "name": "9栋"})
    assert duplicate.status_code == 400
    assert (
        api("tech").post("/buildings", {"estate": world.estate.pk, "name": "10栋"}).status_code
        == 403
    )
    assert (
        api("outsider").post("/buildings", {"estate": world.estate.pk, "name": "10栋"}).status_code
        == 404
    )


def staff_payload(world, **overrides) -> dict:
    payload = {
        "username": "newtech",
        "password": "a-long-pass-2026",
        "name": "李师傅",
        "mobile": "13600000001",
        "employee_no": "E100",
        "department": "engineering",
        "role": "technician",
        "estates": [world.estate.pk],
        "position": "水电工",
    }
    payload.update(overrides)
    return payload


def test_department_head_adds_staff(api, world, client):
    response = api("head").post("/staff", staff_payload(world))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["estates"] == [world.estate.pk]
    assert body["position"] == "水电工"
    assert Staff.objects.get(pk=body["id"]).user.check_password("a-long-pass-2026")
    assert token_request(client, "newtech", "a-long-pass-2026").status_code == 200


def test_staff_create_is_refused_to_agents_and_for_invisible_estates(api, world):
    assert api("agent").post("/staff", staff_payload(world)).status_code == 403
    refused = api("head").post("/staff", staff_payload(world, estates=[world.other_estate.pk]))
    assert refused.status_code == 404
    bad_role = api("head").post("/staff", staff_payload(world, role="resident"))
    assert bad_role.status_code == 400
    assert "role" in error_of(bad_role)["fields"]
    assert not Staff.objects.filter(employee_no="E100").exists()


# --- Masking ----------------------------------------------------------------------------------


def test_mobile_and_id_are_masked_for_technician_and_full_for_agent(api, world):
    full, masked = world.owner.mobile, world.owner.mobile_masked
    assert "****" in masked

    tech_room = api("tech").get(f"/rooms/{world.room.pk}").json()
    assert tech_room["occupants"][0]["mobile"] == masked
    tech_resident = api("tech").get(f"/residents/{world.owner.pk}").json()
    assert tech_resident["mobile"] == masked
    assert tech_resident["id_number"] == world.owner.id_number_masked
    assert full not in json.dumps(api("tech").get("/residents").json())

    agent_resident = api("agent").get(f"/residents/{world.owner.pk}").json()
    assert agent_resident["mobile"] == full
    assert agent_resident["id_number"] == world.owner.id_number
    assert api("agent").get(f"/rooms/{world.room.pk}").json()["occupants"][0]["mobile"] == full


def test_owner_sees_his_own_numbers_masked_in_lists(api, world):
    body = api("owner").get(f"/residents/{world.owner.pk}").json()
    assert body["mobile"] == world.owner.mobile_masked


# --- Pagination and query counts --------------------------------------------------------------


def test_pagination_count_limit_offset(api, world):
    unit = UnitFactory(building=world.room.building, name="3单元")
    for n in range(7):
        RoomFactory(unit=unit, number=f"{n + 1:02d}01")
    agent = api("agent")
    first = agent.get("/rooms", limit=3).json()
    assert first["count"] == 9
    assert len(first["items"]) == 3
    rest = agent.get("/rooms", limit=3, offset=6).json()
    assert len(rest["items"]) == 3
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in rest["items"]}
    assert len(agent.get("/rooms").json()["items"]) == 9  # default limit 50
    too_many = agent.get("/rooms", limit=201)
    assert too_many.status_code == 400
    assert "limit" in error_of(too_many)["fields"]
    assert agent.get("/rooms", offset=-1).status_code == 400


def test_filters(api, world):
    agent = api("agent")
    assert ids(agent.get("/rooms", search="1-2-301")) == [world.room.pk]
    assert ids(agent.get("/rooms", building=world.room.building_id, search="302")) == [
        world.room2.pk
    ]
    assert ids(agent.get("/residents", search=world.owner.name)) == [world.owner.pk]
    assert ids(agent.get("/buildings", estate=world.estate.pk)) == [world.room.building_id]
    assert ids(api("exec").get("/rooms", estate=world.other_estate.pk)) == [world.other_room.pk]


def test_room_list_query_count_does_not_grow_with_rooms(api, world, django_assert_max_num_queries):
    unit = UnitFactory(building=world.room.building, name="5单元")
    for n in range(50):
        RoomFactory(unit=unit, number=f"{n + 1:03d}")
    agent = api("agent")
    agent.get("/auth/me")  # the token's first use records last_used_at
    with django_assert_max_num_queries(8):
        response = agent.get("/rooms", limit=100)
    assert response.json()["count"] == 52
    assert len(response.json()["items"]) == 52


def test_resident_and_staff_lists_query_counts_are_bounded(
    api, world, django_assert_max_num_queries
):
    for n in range(20):
        services.resident_register(
            room=world.room, name=f"住户{n}", mobile=f"1381234{n:04d}", by=world.agent.user
        )
    agent = api("agent")
    agent.get("/auth/me")
    with django_assert_max_num_queries(9):
        assert agent.get("/residents").json()["count"] == 22
    with django_assert_max_num_queries(9):
        assert agent.get("/staff").json()["count"] == 3


# --- OpenAPI and the docs page ----------------------------------------------------------------


def test_openapi_json_is_valid_and_lists_the_paths(client, world):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/auth/token", "/api/v1/rooms", "/api/v1/rooms/{room_id}"):
        assert path in schema["paths"]
    assert "201" in schema["paths"]["/api/v1/rooms"]["post"]["responses"]
    assert "400" in schema["paths"]["/api/v1/rooms"]["post"]["responses"]
    assert any(
        s.get("scheme") == "bearer" for s in schema["components"]["securitySchemes"].values()
    )


def test_docs_page_is_served_offline(client, world):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert not re.match(r"^(?:[a-z]+:)?//", asset, re.IGNORECASE), asset
    assert "cdn" not in html.lower()
    for asset in assets:
        served = client.get(asset)
        assert served.status_code == 200, asset
        served.close()
