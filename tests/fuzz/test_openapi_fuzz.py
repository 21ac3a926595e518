"""Fuzz the whole REST API from its OpenAPI document (``make fuzz``; never part of ``make test``).

Schemathesis generates requests for every operation of ``/api/v1/openapi.json`` — valid ones and
invalid ones — and sends them in-process to the WSGI application, as a staff member, as a
technician (who is refused much) and as a resident (the ``world`` fixture's ``head``, ``tech`` and
``owner``), with a repair order, a complaint and a notice on file. Every answer must be:

- not a server error (nothing a client sends gives a 500);
- a status the operation declares, in the content type it declares;
- a body that matches the declared schema of that status.

Reproducible: a fixed seed, derandomized Hypothesis, no example database, and a bounded number of
examples per operation (``FUZZ_EXAMPLES``, default 20).
"""

import json
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from wuye.core import services

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {
    "seed": 20260112,
    "generation": {
        "mode": "all",
        "max-examples": EXAMPLES,
        "deterministic": True,
        "database": "none",
    },
    "phases": {"stateful": {"enabled": False}},
}


def _load_schema():
    """The OpenAPI document the API serves, built in-process (no request, no database), with
    the WSGI application as the server the cases are sent to."""
    from django.core.serializers.json import DjangoJSONEncoder

    from wuye.api import api
    from wuye.wsgi import application

    document = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(document, config=SchemathesisConfig.from_dict(CONFIG))
    loaded.app = application
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _shared_connection():
    # The in-process server shares the test's database connection and transaction: Django's
    # request signals must not close it between requests (the test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def estate_with_work(world, client):
    """The world with a repair order, a complaint, a notice, a parking rule and a handover project
    with its pre-intervention started (id 1 of each),
    so that the small ids Hypothesis likes reach the services, not only the 404."""
    import datetime as dt
    from decimal import Decimal

    from wuye.billing.models import ParkingRule

    ParkingRule.objects.create(
        estate=world.estate,
        free_minutes=15,
        per_hour=Decimal("5.00"),
        daily_cap=Decimal("20.00"),
        effective_from=dt.date(2020, 1, 1),
    )
    headers = {"HTTP_AUTHORIZATION": _bearer("head")["Authorization"]}
    contact = {"contact_name": "张三", "contact_phone": "13800138000"}
    for path, body in [
        ("/api/v1/repairs", {"room": world.room.pk, "description": "厨房水管漏水", **contact}),
        (
            "/api/v1/complaints",
            {"room": world.room.pk, "content": "楼道灯坏了三天", "type": "management", **contact},
        ),
        ("/api/v1/notices", {"estate": world.estate.pk, "title": "停水通知", "body": "明日停水"}),
        ("/api/v1/handover/projects", {"estate": world.estate.pk, "developer": "阳光置业"}),
    ]:
        response = client.post(path, body, content_type="application/json", **headers)
        assert response.status_code == 201, response.content
    return world


def _bearer(username: str) -> dict[str, str]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    token, _record = services.api_token_issue(user=user, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff_headers(estate_with_work):
    return _bearer("head")  # 客服中心负责人: writes most of what the API offers


@pytest.fixture
def technician_headers(estate_with_work):
    return _bearer("tech")  # 维修技术员: many reads and writes are refused to him (403)


@pytest.fixture
def resident_headers(estate_with_work):
    return _bearer("owner")


# The world and the token are made once per operation; the examples share them (like one server).
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@SHARED_FIXTURES
def test_api_as_staff(case, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)


@schema.parametrize()
@SHARED_FIXTURES
def test_api_as_technician(case, technician_headers):
    case.call_and_validate(headers=technician_headers, checks=CHECKS)


@schema.parametrize()
@SHARED_FIXTURES
def test_api_as_resident(case, resident_headers):
    case.call_and_validate(headers=resident_headers, checks=CHECKS)
