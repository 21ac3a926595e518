"""Every menu item opens for the role that sees it (issue 13 §6: the auditor's menu linked to
入住回访需求, a page that answered 403). The menus are walked as every demo login on the demo data,
and as every staff role on the test world."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.web.menu_walk import demo_logins, menu_links
from wuye.core.choices import DepartmentKind, Role
from wuye.core.scoping import actor_for
from wuye.web.navigation import NAVIGATION, navigation_for

STAFF_ROLES = [r for r in Role if r not in (Role.RESIDENT, Role.CONTRACTOR)]


@pytest.mark.django_db
def test_every_menu_item_of_every_demo_login_opens(demo_walk):
    assert {v.login for v in demo_walk} == set(demo_logins())
    menus = [v for v in demo_walk if v.kind == "menu"]
    by_login = {login: [v.url for v in menus if v.login == login] for login in demo_logins()}
    # Everyone has the brand, the inbox and the user menu; the staff their side navigation.
    for login in ("lift", "owner", "auditor"):
        assert {reverse("web:home"), reverse("notify:inbox")} <= set(by_login[login]), login
    assert reverse("repairs:my_list") in by_login["owner"]
    assert len(by_login["auditor"]) > 20 and len(by_login["exec"]) > 30
    failed = [(v.login, v.url, v.status) for v in menus if v.status != 200]
    assert failed == []


@pytest.mark.django_db
def test_the_auditor_reads_and_has_no_move_in_work_list(demo_walk):
    urls = [v.url for v in demo_walk if v.login == "auditor" and v.kind == "menu"]
    # 入住回访需求 is the move-in desk's work routed to departments: not an auditor's page.
    assert reverse("residents:needs") not in urls
    # What an auditor reads is there: repairs, complaints, their statistics, the fee ledgers.
    for name in ("repairs:list", "complaints:list", "complaints:ledger", "billing:rooms",
                 "billing:arrears", "billing:fee_report"):  # fmt: skip
        assert reverse(name) in urls, name


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_each_staff_role_opens_every_item_of_its_menu(world, client, role):
    staff = make_staff(world.company, f"r_{role}", role, DepartmentKind.ADMINISTRATION,
                       [world.estate])  # fmt: skip
    client.force_login(staff.user)
    links = menu_links(client.get("/", follow=True).content.decode())
    assert reverse("web:home") in links and reverse("password_change") in links
    failed = [
        (url, status)
        for url in links
        if (status := client.get(url, follow=True).status_code) != 200
    ]
    assert failed == []


@pytest.mark.django_db
def test_navigation_shows_move_in_needs_to_the_move_in_staff_only(world):
    def labels(role):
        staff = make_staff(world.company, f"n_{role}", role, DepartmentKind.ADMINISTRATION,
                           [world.estate])  # fmt: skip
        groups = navigation_for(actor_for(staff.user), world.estate, None)
        return [str(item["label"]) for group in groups for item in group["items"]]

    assert "入住回访需求" not in labels(Role.AUDITOR)
    assert "入住回访需求" in labels(Role.CS_AGENT)
    assert "入住回访需求" in labels(Role.GUARD)


# --- Menus by role: each role's own work first, the rest under 更多 (issue 19) ----------------


_LOGINS = itertools.count(1)


def _menu(world, role, department=DepartmentKind.ADMINISTRATION, estates=None):
    # A short login: it is also the employee number, 20 characters at most (PostgreSQL says so).
    staff = make_staff(world.company, f"menu{next(_LOGINS)}", role, department,
                       [world.estate] if estates is None else estates)  # fmt: skip
    return navigation_for(actor_for(staff.user), world.estate, None)


def _labels(groups, part):
    return [str(item["label"]) for group in groups for item in group[part]]


@pytest.mark.django_db
def test_the_agents_top_level_is_the_desks_work_and_finance_is_under_more(world):
    groups = _menu(world, Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE)
    top = _labels(groups, "top")
    assert len(top) <= 15, top
    desk = {"我的待办", "报修工单", "登记报修", "投诉工单", "登记投诉", "房屋", "业主住户"}
    assert desk <= set(top)
    finance = next(g for g in groups if g["key"] == "finance")
    assert finance["top"] == [] and len(finance["more"]) >= 10
    assert "收费台账" in _labels(groups, "more")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "department", "own"),
    [
        (Role.TECHNICIAN, DepartmentKind.ENGINEERING, {"我的维修工单", "设备故障", "我的任务"}),
        (Role.GUARD, DepartmentKind.ORDER, {"我的班次", "门岗扫码", "我的巡查", "消防设施"}),
        (Role.CLEANER, DepartmentKind.ENVIRONMENT, {"今日任务", "我的整改", "防护用品检查"}),
        (Role.GARDENER, DepartmentKind.ENVIRONMENT, {"今日任务", "绿化养护计划", "病虫害防治"}),
        (Role.FINANCE_CLERK, DepartmentKind.FINANCE, {"收费台账", "欠费催缴", "收银日结",
                                                      "发票管理", "账单生成", "律师函审批"}),
        (Role.AUDITOR, DepartmentKind.ADMINISTRATION, {"投诉处理台账", "报修统计", "收费报表"}),
        (Role.EXECUTIVE, DepartmentKind.EXECUTIVE, {"项目概况", "投诉分析", "突发事件"}),
    ],
)  # fmt: skip
def test_each_role_sees_its_own_work_first(world, role, department, own):
    groups = _menu(world, role, department)
    top = _labels(groups, "top")
    assert own <= set(top), own - set(top)
    assert len(top) <= 20, top
    assert _labels(groups, "more"), "the rest of the role's pages are under 更多"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("department", "group"),
    [(DepartmentKind.ENGINEERING, "engineering"), (DepartmentKind.ORDER, "order"),
     (DepartmentKind.ENVIRONMENT, "environment"), (DepartmentKind.FINANCE, "finance"),
     (DepartmentKind.CUSTOMER_SERVICE, "customer_service")],
)  # fmt: skip
def test_a_department_head_sees_the_departments_group_first(world, department, group):
    groups = {g["key"]: g for g in _menu(world, Role.DEPARTMENT_HEAD, department)}
    assert groups[group]["more"] == [] and groups[group]["top"]
    others = [k for k in groups if k not in (group, "mine", "estate", "emergency")]
    assert any(groups[k]["more"] for k in others)


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_more_keeps_every_page_of_the_role(world, role):
    """更多 hides nothing: every item the role may open is once at the top or once under 更多."""
    staff = make_staff(world.company, f"k_{role}", role, DepartmentKind.ADMINISTRATION,
                       [world.estate])  # fmt: skip
    actor = actor_for(staff.user)
    groups = navigation_for(actor, world.estate, None)
    visible = [(g.key, str(i.label)) for g in NAVIGATION for i in g.items
               if i.visible_to(actor, world.estate)]  # fmt: skip
    shown = [(g["key"], str(i["label"])) for g in groups for part in ("top", "more")
             for i in g[part]]  # fmt: skip
    assert sorted(shown) == sorted(visible)


@pytest.mark.django_db
def test_more_is_closed_until_its_page_is_the_current_one(world, login):
    client = login("agent")
    html = client.get("/", follow=True).content.decode()
    assert '<details class="nav-more">' in html and "<summary>更多</summary>" in html
    # The fee ledger, under 更多 for the desk: open there, the current page marked.
    html = client.get(reverse("billing:rooms"), follow=True).content.decode()
    assert '<details class="nav-more" open>' in html
    more = html[html.index('<details class="nav-more"') :]
    assert f'<a href="{reverse("billing:rooms")}" class="active" aria-current="page">' in more


@pytest.mark.django_db
def test_residents_have_no_more(world, login):
    html = login("owner").get("/", follow=True).content.decode()
    assert "nav-more" not in html
