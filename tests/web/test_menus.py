"""Every menu item opens for the role that sees it (issue 13 §6: the auditor's menu linked to
入住回访需求, a page that answered 403). The menus are walked as every demo login on the demo data,
and as every staff role on the test world."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_staff
from tests.web.menu_walk import demo_logins, menu_links
from wuye.core.choices import DepartmentKind, Role
from wuye.core.scoping import actor_for
from wuye.web.navigation import navigation_for

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
