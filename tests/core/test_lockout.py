"""Login lockout (wuye/core/lockout.py), the same on the login page and POST /api/v1/auth/token:
a name at one address after 5 failures, a name everywhere after 30, an address after 20 across
names; the client address is REMOTE_ADDR unless proxies of ours are configured."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.factories import PASSWORD
from wuye.core.lockout import client_address

pytestmark = pytest.mark.django_db

DESK = "198.51.100.7"  # the service desk's one public address
ELSEWHERE = "203.0.113.50"


def page_login(username: str, password: str, address: str) -> int:
    """POST the login page from an address; 302 = logged in, 200 = wrong, 429 = locked."""
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("login"), {"username": username, "password": password})
    if response.status_code == 302:
        assert "_auth_user_id" in client.session
    return response.status_code


def api_login(username: str, password: str, address: str) -> int:
    """POST /api/v1/auth/token from an address; 200 = token, 401 = wrong, 429 = locked."""
    response = Client(REMOTE_ADDR=address).post(
        "/api/v1/auth/token",
        {"username": username, "password": password},
        content_type="application/json",
    )
    if response.status_code == 429:
        body = response.json()
        assert response["Content-Type"].startswith("application/json")
        assert body["error"]["code"] == "locked_out" and "锁定" in body["error"]["message"]
    return response.status_code


LOGINS = {"page": (page_login, 302, 200), "api": (api_login, 200, 401)}


@pytest.fixture(params=["page", "api"])
def attempt(request):
    """``attempt(username, password, address)`` → "ok", "wrong" or "locked", on the login page
    and on the API: both behave the same."""
    login, ok, wrong = LOGINS[request.param]

    def _attempt(username: str, password: str, address: str) -> str:
        status = login(username, password, address)
        return {ok: "ok", wrong: "wrong", 429: "locked"}[status]

    return _attempt


def test_the_limits_as_configured():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 30
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_five_failures_lock_the_name_at_that_address_only(world, attempt):
    results = [attempt("agent", "wrong-password", ELSEWHERE) for _ in range(5)]
    assert results == ["wrong"] * 4 + ["locked"]
    assert attempt("agent", PASSWORD, ELSEWHERE) == "locked"
    # Someone guessing elsewhere does not lock the agent out at the desk.
    assert attempt("agent", PASSWORD, DESK) == "ok"


def test_the_page_and_the_api_count_towards_the_same_lock(world):
    for _ in range(3):
        assert page_login("agent", "wrong-password", DESK) == 200
    assert api_login("agent", "wrong-password", DESK) == 401
    assert page_login("agent", "wrong-password", DESK) == 429
    assert api_login("agent", PASSWORD, DESK) == 429


def test_another_persons_failures_at_the_desk_do_not_lock_the_desk(world, attempt):
    # A colleague mistypes their own password until locked …
    for _ in range(5):
        attempt("tech", "wrong-password", DESK)
    assert attempt("tech", PASSWORD, DESK) == "locked"
    # … the agent at the same desk still logs in.
    assert attempt("agent", PASSWORD, DESK) == "ok"


def test_failures_while_locked_are_not_counted(world, attempt):
    for _ in range(25):  # a locked-out person keeps trying
        attempt("tech", "wrong-password", DESK)
    assert AccessAttempt.objects.get(username="tech").failures_since_start == 5
    # … so it does not add up to the desk address's spray limit.
    assert attempt("agent", PASSWORD, DESK) == "ok"


def test_a_successful_login_resets_that_name_at_that_address_only(world, attempt):
    for _ in range(4):
        attempt("agent", "wrong-password", DESK)
        attempt("agent", "wrong-password", ELSEWHERE)
    assert attempt("agent", PASSWORD, DESK) == "ok"
    assert AccessAttempt.objects.filter(username="agent", ip_address=DESK).count() == 0
    # The failures from elsewhere still count: one more locks the name there.
    assert attempt("agent", "wrong-password", ELSEWHERE) == "locked"


def test_guessing_spread_over_many_addresses_locks_the_name_everywhere(world, attempt):
    # 30 failures, 3 from each of ten addresses: no address reaches 5.
    for n in range(10):
        for _ in range(3):
            assert attempt("agent", "wrong-password", f"203.0.113.{n}") in ("wrong", "locked")
    # Locked from every address, the desk too, even with the right password …
    assert attempt("agent", PASSWORD, DESK) == "locked"
    assert attempt("agent", PASSWORD, "192.0.2.1") == "locked"
    # … and only that name.
    assert attempt("tech", PASSWORD, DESK) == "ok"


def test_the_ceiling_locks_at_the_30th_failure(world):
    for n in range(29):
        assert api_login("agent", "wrong-password", f"203.0.113.{n}") == 401
    assert api_login("agent", "wrong-password", "203.0.113.200") == 429
    assert page_login("agent", PASSWORD, DESK) == 429


def test_password_spraying_from_one_address_refuses_that_address(world, attempt):
    # Two guesses at each of ten names from one machine: 20 failures across names.
    names = [f"user{n:02d}" for n in range(10)]
    results = [attempt(name, "Password123", ELSEWHERE) for name in names for _ in range(2)]
    assert results[:19] == ["wrong"] * 19
    assert results[19] == "locked"
    # The address is refused for every name, a real one with its right password too …
    assert attempt("agent", PASSWORD, ELSEWHERE) == "locked"
    assert attempt("user99", "Password123", ELSEWHERE) == "locked"
    # … while the same names work from elsewhere.
    assert attempt("agent", PASSWORD, DESK) == "ok"


def test_desk_login_works_after_failures_on_other_names_below_the_spray_limit(world, attempt):
    # A busy desk: several people mistype (each fewer than 5 times), 15 failures in all.
    for name in ("tech", "head", "exec"):
        for _ in range(4):
            attempt(name, "wrong-password", DESK)
    for _ in range(3):
        attempt("owner", "wrong-password", DESK)
    assert attempt("agent", PASSWORD, DESK) == "ok"
    assert attempt("tech", PASSWORD, DESK) == "ok"


# --- The client address ------------------------------------------------------------------------


def _request(remote: str = "10.0.0.2", forwarded: str | None = None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **meta)


def test_forwarded_for_is_ignored_without_configured_proxies(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    assert client_address(_request(forwarded="1.2.3.4")) == "10.0.0.2"


def test_forwarded_for_is_read_from_the_right_behind_configured_proxies(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_address(_request(forwarded="203.0.113.5")) == "203.0.113.5"
    # A client that sends its own header cannot choose its address: the proxy appends the real one.
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.5")) == "203.0.113.5"
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert client_address(_request(forwarded="1.2.3.4, 203.0.113.5, 10.0.0.1")) == "203.0.113.5"


def test_forwarded_for_that_does_not_fit_falls_back_to_the_peer(settings):
    settings.AXES_IPWARE_PROXY_COUNT = 2
    assert client_address(_request(forwarded="203.0.113.5")) == "10.0.0.2"  # too few hops
    assert client_address(_request()) == "10.0.0.2"
    settings.AXES_IPWARE_PROXY_COUNT = 1
    assert client_address(_request(forwarded="not-an-address")) == "10.0.0.2"


def test_the_lock_follows_the_forwarded_address_behind_a_proxy(world, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1")  # every request arrives from the proxy

    def via_proxy(password: str, client_ip: str) -> int:
        return proxy.post(
            "/api/v1/auth/token",
            {"username": "agent", "password": password},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=client_ip,
        ).status_code

    assert [via_proxy("wrong-password", ELSEWHERE) for _ in range(5)][-1] == 429
    assert via_proxy(PASSWORD, DESK) == 200
    assert AccessAttempt.objects.get().ip_address == ELSEWHERE
