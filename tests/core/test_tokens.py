"""API tokens: they end with a new password, a deactivated account, a revocation (page, API,
admin) or a lockout of the name everywhere; a user sees and revokes only their own."""

import json

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD
from wuye.core import services
from wuye.core.models import ApiToken

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Yangguang-2026-xin"


def issue(user, name: str = "停车场道闸") -> tuple[str, ApiToken]:
    return services.api_token_issue(user=user, name=name)


def me(client: Client, token: str):
    return client.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")


def works(token: str) -> bool:
    response = me(Client(), token)
    assert response.status_code in (200, 401), response.content
    return response.status_code == 200


def bearer_post(client: Client, path: str, token: str, data=None):
    return client.post(
        f"/api/v1{path}",
        json.dumps(data or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)


# --- When a token stops working ----------------------------------------------------------------


def test_token_dies_when_the_password_is_changed_on_the_password_page_but_the_session_stays(
    world, login
):
    token, _record = issue(world.agent.user)
    assert works(token)
    client = login("agent")
    page = client.get(reverse("password_change")).content.decode()
    assert "API 访问令牌都将失效" in page  # the page says so before the change

    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_change_done")

    assert not works(token)
    # update_session_auth_hash: the user who changed it is still logged in.
    assert client.get(reverse("core:api_tokens")).status_code == 200
    # A token issued under the new password works.
    fresh, _record = issue(get_user_model().objects.get(username="agent"))
    assert works(fresh)


def test_token_dies_when_the_password_is_set_by_any_other_path(world):
    token, _record = issue(world.agent.user)
    user = get_user_model().objects.get(username="agent")
    user.set_password(NEW_PASSWORD)  # the admin, manage.py changepassword, a service…
    user.save()
    assert not works(token)


def test_token_dies_when_the_password_is_made_unusable(world):
    token, _record = issue(world.agent.user)
    user = get_user_model().objects.get(username="agent")
    user.set_unusable_password()
    user.save()
    assert not works(token)


def test_token_dies_when_the_account_is_deactivated(world):
    token, _record = issue(world.agent.user)
    get_user_model().objects.filter(username="agent").update(is_active=False)
    assert not works(token)
    get_user_model().objects.filter(username="agent").update(is_active=True)
    assert works(token)


def test_token_dies_while_the_name_is_locked_out_everywhere(world):
    token, _record = issue(world.agent.user)
    # 30 failures spread over ten addresses: the per-name ceiling (see test_lockout.py).
    for n in range(10):
        AccessAttempt.objects.create(
            username="agent",
            ip_address=f"203.0.113.{n}",
            user_agent="x",
            failures_since_start=3,
            attempt_time=timezone.now(),
        )
    assert settings.AXES_USERNAME_FAILURE_LIMIT == 30
    assert not works(token)
    # Another user's token is not affected.
    other, _record = issue(world.tech.user)
    assert works(other)
    # The lockout ends with the cool-off window: the token works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(hours=1))
    assert works(token)


def test_a_lock_of_the_name_at_one_address_leaves_its_tokens_alone(world):
    # Five wrong passwords from anywhere must not cut off the parking gate's integration.
    token, _record = issue(world.agent.user)
    AccessAttempt.objects.create(
        username="agent",
        ip_address="203.0.113.9",
        user_agent="x",
        failures_since_start=settings.AXES_FAILURE_LIMIT,
        attempt_time=timezone.now(),
    )
    assert works(token)


def test_token_keeps_working_when_the_secret_key_is_rotated_with_a_fallback(world, settings):
    token, _record = issue(world.agent.user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50
    assert works(token)


def test_token_stores_no_password_hash(world):
    _token, record = issue(world.agent.user)
    assert record.password_fingerprint
    assert world.agent.user.password not in record.password_fingerprint
    assert record.password_fingerprint != world.agent.user.password


def test_authenticating_a_token_is_one_query(world, django_assert_num_queries):
    token, record = issue(world.agent.user)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    with django_assert_num_queries(1):
        user = services.api_token_authenticate(token)
    assert user == world.agent.user


def test_revoked_token_is_401(world):
    token, record = issue(world.agent.user)
    services.api_token_revoke(token=record, by=world.agent.user)
    response = me(Client(), token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


# --- The page ----------------------------------------------------------------------------------


def test_page_lists_own_tokens_but_never_the_tokens_themselves(world, login):
    token, record = issue(world.agent.user, name="停车场道闸")
    other_token, _other = issue(world.tech.user, name="维修App")
    html = login("agent").get(reverse("core:api_tokens")).content.decode()
    assert "停车场道闸" in html and "从未使用" in html and "有效" in html
    assert token not in html and record.digest not in html
    assert "维修App" not in html and other_token not in html


def test_page_says_what_to_do_without_tokens(world, login):
    html = login("agent").get(reverse("core:api_tokens")).content.decode()
    assert "您还没有访问令牌" in html and "/api/v1/auth/token" in html


def test_page_shows_why_a_token_stopped_working(world, login):
    _token, revoked = issue(world.agent.user, name="旧道闸")
    services.api_token_revoke(token=revoked, by=world.agent.user)
    issue(world.agent.user, name="电梯报警")
    user = get_user_model().objects.get(username="agent")
    user.set_password(NEW_PASSWORD)
    user.save()
    html = login("agent").get(reverse("core:api_tokens")).content.decode()
    assert "已吊销" in html and "密码已修改，已失效" in html


def test_the_user_menu_links_to_the_token_page(world, login):
    html = login("agent").get(reverse("core:room_list")).content.decode()
    assert reverse("core:api_tokens") in html


def test_revoke_one_on_the_page(world, login):
    token, record = issue(world.agent.user)
    kept, _kept = issue(world.agent.user, name="电梯报警")
    client = login("agent")
    response = client.post(reverse("core:api_token_revoke", args=[record.pk]), follow=True)
    assert "已吊销访问令牌" in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_at is not None and record.revoked_by == world.agent.user
    assert not works(token)
    assert works(kept)


def test_revoke_all_on_the_page(world, login):
    tokens = [issue(world.agent.user, name=f"系统{n}")[0] for n in range(3)]
    other, _record = issue(world.tech.user)
    response = login("agent").post(reverse("core:api_token_revoke_all"), follow=True)
    assert "已吊销 3 个访问令牌" in response.content.decode()
    assert not any(works(t) for t in tokens)
    assert works(other)


def test_revoke_on_the_page_is_a_post(world, login):
    _token, record = issue(world.agent.user)
    response = login("agent").get(reverse("core:api_token_revoke", args=[record.pk]))
    assert response.status_code == 405


def test_another_users_token_is_404_on_the_page(world, login):
    token, record = issue(world.tech.user)
    response = login("agent").post(reverse("core:api_token_revoke", args=[record.pk]))
    assert response.status_code == 404
    assert works(token)


def test_token_page_needs_login(client, world):
    response = client.get(reverse("core:api_tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- The API -----------------------------------------------------------------------------------


def test_api_lists_own_tokens_without_the_tokens(world):
    token, record = issue(world.agent.user, name="停车场道闸")
    issue(world.tech.user, name="维修App")
    response = Client().get("/api/v1/auth/tokens", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == record.pk and item["name"] == "停车场道闸"
    assert item["state"] == "active" and item["state_display"] == "有效"
    assert {"created_at", "last_used_at", "expires_at", "revoked_at"} <= set(item)
    assert token not in response.content.decode()
    assert record.digest not in response.content.decode()


def test_api_revokes_one(world):
    token, record = issue(world.agent.user)
    kept, _kept = issue(world.agent.user, name="电梯报警")
    response = bearer_post(Client(), f"/auth/tokens/{record.pk}/revoke", kept)
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert not works(token) and works(kept)
    # Again: nothing changes, still revoked.
    again = bearer_post(Client(), f"/auth/tokens/{record.pk}/revoke", kept)
    assert again.status_code == 200 and again.json()["revoked_at"] == response.json()["revoked_at"]


def test_api_revokes_all_the_callers_tokens_this_one_too(world):
    token, _record = issue(world.agent.user)
    second, _record = issue(world.agent.user)
    other, _record = issue(world.tech.user)
    response = bearer_post(Client(), "/auth/tokens/revoke-all", token)
    assert response.status_code == 200 and response.json() == {"revoked": 2}
    assert not works(token) and not works(second)
    assert works(other)


def test_api_another_users_token_is_404(world):
    token, _record = issue(world.agent.user)
    other_token, other = issue(world.tech.user)
    response = bearer_post(Client(), f"/auth/tokens/{other.pk}/revoke", token)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert works(other_token)


def test_api_revoke_with_the_session_needs_csrf(world):
    _token, record = issue(world.agent.user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.agent.user)
    response = client.post(
        f"/api/v1/auth/tokens/{record.pk}/revoke", {}, content_type="application/json"
    )
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.revoked_at is None


# --- Administrators ----------------------------------------------------------------------------


def test_superuser_revokes_anyones_token_through_the_api(world, root):
    token, record = issue(world.agent.user)
    admin_token, _record = issue(root)
    response = bearer_post(Client(), f"/auth/tokens/{record.pk}/revoke", admin_token)
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.revoked_by == root
    assert not works(token)


def test_superuser_revokes_tokens_in_the_django_admin(world, root):
    token, record = issue(world.agent.user)
    kept, _kept = issue(world.tech.user)
    client = Client()
    client.force_login(root)
    changelist = reverse("admin:core_apitoken_changelist")
    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist, {"action": "revoke", "_selected_action": [record.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "已吊销 1 个访问令牌" in response.content.decode()
    record.refresh_from_db()
    assert record.revoked_by == root
    assert not works(token) and works(kept)


def test_only_a_superuser_revokes_other_peoples_tokens_in_the_service(world):
    _token, record = issue(world.tech.user)
    with pytest.raises(services.PermissionDenied):
        services.api_token_revoke(token=record, by=world.agent.user)
    with pytest.raises(services.PermissionDenied):
        services.api_token_revoke_all(user=world.tech.user, by=world.agent.user)
    with pytest.raises(services.PermissionDenied):
        services.api_token_revoke_selected(tokens=ApiToken.objects.all(), by=world.agent.user)
