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

As staff every operation also gets Schemathesis's coverage phase: the boundary and invalid values
of each parameter and body field, one at a time (about a hundred requests an operation, most of
the fuzz's time). The technician and the resident are refused most writes before their bodies are
read, so their tests run the examples and the random phase only.

``FUZZ_SHARD=K/N`` keeps every N-th test from the K-th (CI splits the fuzz over its two lanes).
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


def _config(coverage: bool) -> dict:
    return {
        "seed": 20260112,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}, "coverage": {"enabled": coverage}},
    }


def _load_schema(coverage: bool):
    """The OpenAPI document the API serves, built in-process (no request, no database), with
    the WSGI application as the server the cases are sent to."""
    from django.core.serializers.json import DjangoJSONEncoder

    from wuye.api import api
    from wuye.wsgi import application

    document = json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(
        document, config=SchemathesisConfig.from_dict(_config(coverage))
    )
    loaded.app = application
    return loaded


schema = _load_schema(coverage=True)
schema_refused_mostly = _load_schema(coverage=False)


@pytest.fixture(autouse=True)
def _shared_connection():
    # The in-process server shares the test's database connection and transaction: Django's
    # request signals must not close it between requests (the test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def fuzz_headers(django_db_setup, django_db_blocker):
    """The world with a repair order, a complaint, a notice, a parking rule and a handover project
    with its pre-intervention started (id 1 of each), so that the small ids Hypothesis likes reach
    the services, not only the 404; and a token for each role.

    Made once per session and committed: every test runs in a transaction that is rolled back
    (pytest-django), so what a test's requests change is gone for the next one, as before, when
    each test made its own world (that was most of the fuzz's time)."""
    import datetime as dt
    from decimal import Decimal

    from django.test import Client, override_settings

    from tests.conftest import make_world
    from wuye.billing.models import ParkingRule

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        world = make_world()
        ParkingRule.objects.create(
            estate=world.estate,
            free_minutes=15,
            per_hour=Decimal("5.00"),
            daily_cap=Decimal("20.00"),
            effective_from=dt.date(2020, 1, 1),
        )
        headers = {"head": _bearer("head"), "tech": _bearer("tech"), "owner": _bearer("owner")}
        client = Client()
        auth = {"HTTP_AUTHORIZATION": headers["head"]["Authorization"]}
        contact = {"contact_name": "张三", "contact_phone": "13800138000"}
        complaint = {"content": "楼道灯坏了三天", "type": "management", **contact}
        notice = {"title": "停水通知", "body": "明日停水"}
        for path, body in [
            ("/api/v1/repairs", {"room": world.room.pk, "description": "厨房水管漏水", **contact}),
            ("/api/v1/complaints", {"room": world.room.pk, **complaint}),
            ("/api/v1/notices", {"estate": world.estate.pk, **notice}),
            ("/api/v1/handover/projects", {"estate": world.estate.pk, "developer": "阳光置业"}),
        ]:
            response = client.post(path, body, content_type="application/json", **auth)
            assert response.status_code == 201, response.content
    return headers


def _bearer(username: str) -> dict[str, str]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    token, _record = services.api_token_issue(user=user, name="fuzz")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def staff_headers(fuzz_headers):
    return fuzz_headers["head"]  # 客服中心负责人: writes most of what the API offers


@pytest.fixture
def technician_headers(fuzz_headers):
    return fuzz_headers["tech"]  # 维修技术员: many reads and writes are refused to him (403)


@pytest.fixture
def resident_headers(fuzz_headers):
    return fuzz_headers["owner"]


# The world and the tokens are made once; the examples of an operation share the test's
# transaction (like one server), rolled back when the operation's test ends.
SHARED_FIXTURES = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@schema.parametrize()
@SHARED_FIXTURES
def test_api_as_staff(case, staff_headers):
    case.call_and_validate(headers=staff_headers, checks=CHECKS)


@schema_refused_mostly.parametrize()
@SHARED_FIXTURES
def test_api_as_technician(case, technician_headers):
    case.call_and_validate(headers=technician_headers, checks=CHECKS)


@schema_refused_mostly.parametrize()
@SHARED_FIXTURES
def test_api_as_resident(case, resident_headers):
    case.call_and_validate(headers=resident_headers, checks=CHECKS)
