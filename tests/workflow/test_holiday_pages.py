"""The calendar beyond 2026 (issue 13 §5): the home-page banner of a year nobody entered, the
page 节假日安排 (paste the State Council's notice, preview, save) and its API."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model

from wuye.core.services import api_token_issue
from wuye.workflow.calendar import due_working_days
from wuye.workflow.models import Holiday, HolidayKind

SH = ZoneInfo("Asia/Shanghai")
NOTICES = Path(__file__).parent / "notices"
URL = "/holidays/"
BANNER = "年的法定节假日安排还没有录入"

pytestmark = pytest.mark.django_db


def notice_text(name: str) -> str:
    return (NOTICES / f"{name}.txt").read_text(encoding="utf-8")


@pytest.fixture
def root(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", "x")


def home(client, user) -> str:
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    return response.content.decode()


def freeze(time_machine, *args) -> None:
    time_machine.move_to(dt.datetime(*args, tzinfo=SH), tick=False)


# --- the banner ----------------------------------------------------------------------------


def test_no_banner_on_31_october(client, world, root, time_machine):
    freeze(time_machine, 2026, 10, 31, 23, 59, 59)
    assert BANNER not in home(client, world.exec.user)
    assert BANNER not in home(client, root)


def test_banner_from_1_november_for_executives_and_administrators(
    client, world, root, time_machine
):
    freeze(time_machine, 2026, 11, 1, 0, 0)
    for user in (world.exec.user, root):
        page = home(client, user)
        assert "2027 年的法定节假日安排还没有录入" in page
        assert f'href="{URL}"' in page


def test_no_banner_for_other_roles(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    for user in (world.head.user, world.agent.user, world.tech.user, world.owner.user):
        assert BANNER not in home(client, user)


def test_no_banner_once_the_year_is_entered(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    assert BANNER in home(client, world.exec.user)
    client.post(URL, {"text": notice_text("2027-example"), "save": "1"})
    assert Holiday.objects.filter(date__year=2027).exists()
    assert BANNER not in home(client, world.exec.user)


def test_banner_for_any_unknown_next_year(client, world, time_machine):
    Holiday.objects.create(date=dt.date(2027, 1, 1), kind=HolidayKind.HOLIDAY, name="元旦")
    freeze(time_machine, 2027, 10, 31, 12, 0)
    assert BANNER not in home(client, world.exec.user)
    freeze(time_machine, 2027, 11, 1, 12, 0)
    assert "2028 年的法定节假日安排还没有录入" in home(client, world.exec.user)


def test_banner_on_the_home_page_of_an_administrator_without_estates(client, root, time_machine):
    freeze(time_machine, 2026, 11, 2, 9, 0)
    page = home(client, root)  # no estate at all: the "no estate" home page
    assert "还没有可以查看的项目" in page and BANNER in page


# --- the page ------------------------------------------------------------------------------


def test_page_only_for_executives_and_administrators(client, world, root, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    for user in (world.head.user, world.agent.user):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert (
            client.post(URL, {"text": notice_text("2027-example"), "save": "1"}).status_code == 403
        )
    assert not Holiday.objects.exists()
    for user in (world.exec.user, root):
        client.force_login(user)
        page = client.get(URL).content.decode()
        assert "粘贴国务院放假通知" in page
    client.logout()
    assert client.get(URL).status_code == 302  # to the login


def test_menu_item_for_executives_only(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    client.force_login(world.exec.user)
    assert f'href="{URL}"' in client.get(URL).content.decode()
    client.force_login(world.head.user)
    assert f'href="{URL}"' not in client.get("/", follow=True).content.decode()


def test_preview_then_save_then_deadlines_count_2027(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    client.force_login(world.exec.user)
    page = client.get(URL).content.decode()
    assert 'data-year="2027"' in page and "未录入" in page

    response = client.post(URL, {"text": notice_text("2027-example"), "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2027 年安排预览" in page and "放假 28 天，调休上班 6 天" in page
    assert 'data-date="2027-02-05" data-kind="holiday"' in page
    assert 'data-date="2027-01-31" data-kind="workday"' in page
    assert page.count("<tr data-date=") == 34
    assert not Holiday.objects.exists()  # a preview saves nothing

    start = dt.datetime(2027, 2, 4, 10, 0, tzinfo=SH)
    assert due_working_days(start, 3, SH).date() == dt.date(2027, 2, 9)  # weekends only
    # The preview's own form sends the same text back.
    hidden = dict(re.findall(r'<input type="hidden" name="(year|text)" value="([^"]*)">', page))
    assert html.unescape(hidden["text"]) == notice_text("2027-example")
    response = client.post(URL, {**{k: html.unescape(v) for k, v in hidden.items()}, "save": "1"})
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    assert "已保存 2027 年的安排：放假 28 天，调休上班 6 天" in page
    assert "已录入" in page
    assert Holiday.objects.filter(estate__isnull=True, date__year=2027).count() == 34
    # A complaint received the day before 除夕: Feb 5–12 off, due Wednesday 17th.
    assert due_working_days(start, 3, SH) == dt.datetime(2027, 2, 17, 23, 59, 59, tzinfo=SH)


def test_preview_with_year_field_for_text_without_title(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    client.force_login(world.exec.user)
    text = "一、元旦：1月1日（周五）至3日（周日）放假，共3天。"
    page = client.post(URL, {"text": text}).content.decode()
    assert "没有找到年份" in page
    page = client.post(URL, {"text": text, "year": "2027"}).content.decode()
    assert "2027 年安排预览" in page and page.count("<tr data-date=") == 3


def test_unparseable_text_lists_the_problems_and_saves_nothing(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    Holiday.objects.create(date=dt.date(2027, 3, 8), kind=HolidayKind.HOLIDAY, name="旧的")
    client.force_login(world.exec.user)
    broken = (
        notice_text("2027-example")
        .replace("4月3日（周六）", "4月3日（周日）")
        .replace("6月9日（周三）放假1天", "6月9日前后放假")
    )
    for action in ("preview", "save"):
        response = client.post(URL, {"text": broken, action: "1"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "什么都没有保存" in page
        assert "三、清明节：“4月3日”是星期六，通知中写的是“周日”" in page
        assert "五、端午节：没有看懂“6月9日前后放假”" in page
        assert 'id="preview"' not in page
    assert list(Holiday.objects.values_list("name", flat=True)) == ["旧的"]


def test_empty_and_overlong_text_are_form_errors(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    client.force_login(world.exec.user)
    assert "这个字段是必填项" in client.post(URL, {"text": ""}).content.decode()
    page = client.post(URL, {"text": "一" * 20_001, "year": "2027"}).content.decode()
    assert "has-error" in page and not Holiday.objects.exists()
    page = client.post(URL, {"text": "一、元旦：1月1日放假。", "year": "1999"}).content.decode()
    assert "has-error" in page


# --- the API -------------------------------------------------------------------------------


def bearer(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post(client, path: str, body: dict, user):
    return client.post(
        f"/api/v1/holidays{path}", body, content_type="application/json", **bearer(user)
    )


def test_api_status_preview_and_save(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    status = client.get("/api/v1/holidays", **bearer(world.exec.user)).json()
    assert status["missing_years"] == [2027]
    assert {y["year"]: y["source"] for y in status["years"]} == {2026: "package", 2027: "missing"}

    preview = post(client, "/preview", {"text": notice_text("2027-example")}, world.exec.user)
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert (body["year"], body["holidays"], body["workdays"], body["replaces"]) == (2027, 28, 6, 0)
    assert body["days"][0] == {
        "date": "2027-01-01",
        "weekday": "星期五",
        "kind": "holiday",
        "kind_label": "放假",
        "name": "元旦",
    }
    assert not Holiday.objects.exists()

    saved = post(client, "", {"text": notice_text("2027-example")}, world.exec.user)
    assert saved.status_code == 200 and saved.json()["holidays"] == 28
    assert Holiday.objects.filter(date__year=2027).count() == 34
    status = client.get("/api/v1/holidays", **bearer(world.exec.user)).json()
    assert status["missing_years"] == []
    start = dt.datetime(2027, 2, 4, 10, 0, tzinfo=SH)
    assert due_working_days(start, 3, SH).date() == dt.date(2027, 2, 17)


def test_api_lists_every_problem_and_saves_nothing(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    broken = notice_text("2027-example").replace("共7天", "共8天").replace("5月8日", "5月7日")
    for path in ("/preview", ""):
        response = post(client, path, {"text": broken}, world.exec.user)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["fields"]["__all__"] == [
            "四、劳动节：“5月7日”是星期五，通知中写的是“周六”",
            "七、国庆节：写的是共 8 天，但日期算下来是 7 天",
        ]
    assert not Holiday.objects.exists()


def test_api_bad_input_is_a_400_never_a_500(client, world, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    for body in (
        {"text": "一、元旦：1月1日放假。\x00"},
        {"text": "一" * 20_001, "year": 2027},
        {"text": "一、元旦：1月1日放假。", "year": 1999},
        {"text": "一、元旦：1月1日放假。"},  # no year
        {"text": 3},
        {},
    ):
        response = post(client, "/preview", body, world.exec.user)
        assert response.status_code == 400, (body, response.content)
        assert response.json()["error"]["message"]


def test_api_only_for_executives_and_administrators(client, world, root, time_machine):
    freeze(time_machine, 2026, 12, 6, 10, 0)
    for user in (world.head.user, world.agent.user):
        assert client.get("/api/v1/holidays", **bearer(user)).status_code == 403
        for path in ("/preview", ""):
            response = post(client, path, {"text": notice_text("2027-example")}, user)
            assert response.status_code == 403
            assert response.json()["error"]["message"] == "只有企业高层和系统管理员可以录入节假日"
    assert not Holiday.objects.exists()
    assert post(client, "", {"text": notice_text("2027-example")}, root).status_code == 200
