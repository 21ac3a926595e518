"""The shell: sign-in, lockout, home by role, estate switcher, language, navigation, errors."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from wuye.core.middleware import SESSION_KEY

pytestmark = pytest.mark.django_db

PAGES = [
    reverse("web:home"),
    reverse("core:room_list"),
    reverse("core:resident_list"),
    reverse("core:staff_list"),
    reverse("core:contractor_list"),
    reverse("core:roster"),
    reverse("password_change"),
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(client, world, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_is_sent_to_login_from_details(client, world):
    for url in (
        reverse("core:room_detail", args=[world.room.pk]),
        reverse("core:resident_detail", args=[world.owner.pk]),
        reverse("core:estate_overview", args=[world.estate.pk]),
    ):
        assert client.get(url)["Location"].startswith(reverse("login"))


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_login_page_renders_in_chinese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录" in html and "用户名" in html and 'lang="zh-hans"' in html
    assert "/static/web/vendor/htmx.min.js" in html and "/static/web/wuye.css" in html


def test_login_then_home_is_the_staff_work_queue(client, world):
    response = client.post(
        reverse("login"), {"username": "agent", "password": world.password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:home")
    html = response.content.decode()
    assert "我的待办" in html and "阳光测试苑" in html  # the estate switcher
    assert reverse("core:estate_overview", args=[world.estate.pk]) in html  # 项目概况 in the menu


def test_wrong_password_shows_error_and_keeps_username(client, world):
    response = client.post(reverse("login"), {"username": "agent", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in html
    assert 'value="agent"' in html


def test_five_failures_lock_the_account(client, world):
    for _ in range(5):
        client.post(reverse("login"), {"username": "agent", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "agent", "password": world.password})
    html = response.content.decode()
    assert response.status_code == 429
    assert "账号已锁定" in html and "15 分钟" in html
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, world, login):
    login("agent")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_pages_render(world, login):
    client = login("agent")
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": world.password,
            "new_password1": "Yangguang-2026-xin",
            "new_password2": "Yangguang-2026-xin",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200
    user = get_user_model().objects.get(username="agent")
    assert user.check_password("Yangguang-2026-xin")


def test_home_for_resident_lists_their_rooms(world, login):
    response = login("owner").get(reverse("web:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的房屋" in html
    assert world.room.label in html
    assert world.room2.label not in html
    assert world.owner.name in html


def test_home_for_contractor_says_no_work_yet(world, login):
    response = login("lift").get(reverse("web:home"))
    assert response.status_code == 200
    assert "暂无指派给贵单位的工单" in response.content.decode()


def test_home_for_staff_without_estate_says_what_to_do(world, login):
    world.tech.estates.clear()
    response = login("tech").get(reverse("web:home"))
    assert response.status_code == 200
    assert "联系" in response.content.decode()


def test_home_for_user_without_any_record(client, db):
    user = get_user_model().objects.create_user("nobody", password="x")
    client.force_login(user)
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    assert "联系管理员" in response.content.decode()


def test_staff_pages_are_forbidden_to_residents_and_contractors(world, login):
    for username in ("owner", "lift"):
        client = login(username)
        for name in ("core:room_list", "core:resident_list", "core:staff_list"):
            response = client.get(reverse(name))
            assert response.status_code == 403, (username, name)
            assert "没有权限" in response.content.decode()


def test_estate_switcher_refuses_an_estate_outside_scope(world, login):
    client = login("agent")
    response = client.post(reverse("web:estate_switch"), {"estate": world.other_estate.pk})
    assert response.status_code == 404
    assert client.session.get(SESSION_KEY) != world.other_estate.pk


def test_estate_switcher_accepts_a_visible_estate(world, login):
    client = login("exec")
    response = client.post(
        reverse("web:estate_switch"),
        {"estate": world.other_estate.pk, "next": reverse("core:room_list") + "?building=3"},
    )
    assert response.status_code == 302
    # Back to the same list, without the old estate's filters.
    assert response["Location"] == reverse("core:room_list")
    assert client.session[SESSION_KEY] == world.other_estate.pk
    html = client.get(reverse("core:room_list")).content.decode()
    assert world.other_room.label in html
    assert world.room.label not in html


def test_estate_switcher_from_a_detail_page_goes_home(world, login):
    client = login("exec")
    response = client.post(
        reverse("web:estate_switch"),
        {
            "estate": world.other_estate.pk,
            "next": reverse("core:room_detail", args=[world.room.pk]),
        },
    )
    assert response["Location"] == reverse("web:home")


def test_estate_switcher_ignores_an_outside_next(world, login):
    client = login("exec")
    response = client.post(
        reverse("web:estate_switch"),
        {"estate": world.estate.pk, "next": "https://example.com/"},
    )
    assert response["Location"] == reverse("web:home")


def test_switcher_shows_only_visible_estates(world, login):
    html = login("exec").get(reverse("core:room_list")).content.decode()
    assert 'name="estate"' in html and "翠湖测试苑" in html
    html = login("agent").get(reverse("core:room_list")).content.decode()
    assert "翠湖测试苑" not in html


def test_language_switch_to_english(world, login):
    client = login("agent")
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("core:room_list")})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:room_list")
    html = client.get(reverse("core:room_list")).content.decode()
    assert 'lang="en"' in html
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    assert 'lang="zh-hans"' in client.get(reverse("core:room_list")).content.decode()


def test_navigation_shows_only_pages_that_exist(world, login):
    html = login("agent").get(reverse("core:room_list")).content.decode()
    for label in ("项目资料", "项目概况", "房屋", "业主住户", "员工", "维保单位", "资料导入导出"):
        assert label in html
    # Department groups without pages yet are not shown (秩序管理 has the gate's pages now,
    # which customer service covers too).
    for label in ("环境管理", "品质管理"):
        assert f"<h2>{label}</h2>" not in html
    assert 'aria-current="page"' in html


def test_navigation_hides_roster_from_roles_that_cannot_write(world, login):
    html = login("tech").get(reverse("core:room_list")).content.decode()
    assert reverse("core:roster") not in html
    html = login("owner").get(reverse("web:home")).content.decode()
    assert f'href="{reverse("core:room_list")}"' not in html
    # A resident's menu: their rooms and their repairs, nothing of the staff's.
    assert reverse("repairs:my_list") in html and "工程设备" not in html


def test_user_menu_shows_name_role_and_actions(world, login):
    html = login("agent").get(reverse("core:room_list")).content.decode()
    assert "客服专员" in html
    assert reverse("password_change") in html
    assert reverse("logout") in html
    assert "退出" in html


def test_messages_are_displayed(world, login):
    client = login("agent")
    response = client.post(
        reverse("core:room_detail", args=[world.room.pk]),
        {"name": "王五", "mobile": "13912345678", "relation": "family"},
        follow=True,
    )
    assert "已登记 王五" in response.content.decode()


def test_unknown_page_is_a_friendly_404(world, login):
    response = login("agent").get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
