"""No rule ID of the manual (REPAIR-09, TAKEOVER-15, FEE-11 …) in the text users read (issue 13
§6): they stay in code, tests, comments and the admin. As every demo login, every menu page and a
repair, a complaint, a room's bills, a move-in, a takeover and an intervention project of the demo
(``tests/web/menu_walk.py``); and the messages and clock names the walk cannot reach."""

from __future__ import annotations

import pytest
from django.urls import resolve

from tests.web.menu_walk import RULE_ID, demo_logins, visible_text


@pytest.mark.django_db
def test_no_page_of_any_demo_login_shows_a_rule_id(demo_walk):
    pages = [v for v in demo_walk if v.status == 200 and v.html]
    # Every login read pages, the record pages included for those who may open them.
    assert {v.login for v in pages} == set(demo_logins())
    shown = sorted(
        {
            f"{v.login} {v.url}: {match}"
            for v in pages
            for match in RULE_ID.findall(visible_text(v.html))
        }
    )
    assert shown == []
    # The records' staff pages opened (the resident's and technician's pages are not the exec's).
    opened = {resolve(v.url).view_name for v in pages if v.kind == "detail" and v.login == "exec"}
    assert {"repairs:detail", "complaints:detail", "billing:room_ledger", "residents:move_in",
            "handover:takeover_detail", "handover:project_detail"} <= opened  # fmt: skip


def test_the_pattern_finds_rule_ids_and_leaves_case_numbers():
    text = visible_text(
        "<p>派单时限 <small>REPAIR-09</small></p><!-- FEE-11 --><script>x='INTAKE-06'</script>"
        "<p>BX-20261126-0001 B1-001 (TAKEOVER-11/13)</p>"
    )
    assert RULE_ID.findall(text) == ["REPAIR-09", "TAKEOVER-11"]


def test_deadline_messages_name_no_rule():
    from wuye.notify.templates import TEMPLATES

    context = {"number": "BX-20261207-0001", "title": "漏水", "rule": "REPAIR-05",
               "due_at": "2026-12-07 14:00"}  # fmt: skip
    for key in ("sla_warning", "sla_breached"):
        body = str(TEMPLATES[key].body) % context
        assert "BX-20261207-0001" in body and not RULE_ID.search(body), body
