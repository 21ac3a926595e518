"""API parity: what a page does, a client of the API (a WeChat mini-program, a company's ERP) can
do too. Read off the OpenAPI the API serves, not off the code:

- every action a person takes in a declared process has an endpoint that names it (a route's
  ``{action}`` documents its actions, or a route ends in the action's own name);
- every page of the UI is listed below with the operation that reads or does the same thing, or
  with the reason it has none (a login form, a printable sheet); a new page fails this test
  until its line is added, and every operation named here must exist.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from wuye.workflow.engine import SYSTEM, processes

NO_API = "none"

# page (URL name) → "METHOD /path" of the API (under /api/v1), or (NO_API, why).
PAGES: dict[str, str | tuple[str, str]] = {
    # The shell and sign-in: a client signs in with a token instead.
    "healthz": (NO_API, "the health check is itself for machines"),
    "set_language": (NO_API, "the UI's language; the API answers in the Accept-Language"),
    "login": "POST /auth/token",
    "logout": "POST /auth/tokens/{token_id}/revoke",
    "password_change": (NO_API, "a password is changed by its owner on the page only"),
    "password_change_done": (NO_API, "the page after changing a password"),
    "web:home": "GET /auth/me",
    "web:estate_switch": (NO_API, "the page's current estate; API lists take ?estate="),
    # Estates, rooms, residents, staff (core)
    "core:estate_overview": "GET /estates/{estate_id}",
    "core:room_list": "GET /rooms",
    "core:room_export": "GET /rooms/export.xlsx",
    "core:room_create": "POST /rooms",
    "core:room_detail": "GET /rooms/{room_id}",
    "core:resident_list": "GET /residents",
    "core:resident_export": "GET /residents/export.xlsx",
    "core:resident_detail": "GET /residents/{resident_id}",
    "core:staff_list": "GET /staff",
    "core:contractor_list": "GET /contractors",
    "core:roster": "POST /roster/import",
    "core:roster_template": "GET /roster/template.xlsx",
    "core:roster_export": "GET /roster/export.xlsx",
    "core:api_tokens": "GET /auth/tokens",
    "core:api_token_revoke": "POST /auth/tokens/{token_id}/revoke",
    "core:api_token_revoke_all": "POST /auth/tokens/revoke-all",
    # The engine
    "workflow:case_detail": "GET /cases/{case_id}",
    "workflow:case_timeline": "GET /cases/{case_id}",
    "workflow:case_action": "POST /cases/{case_id}/{action}",
    "workflow:attachment": (NO_API, "a file's own address, given as `url` in every attachment"),
    "workflow:holidays": "GET /holidays",
    # Messages and the notice board
    "notify:inbox": "GET /inbox",
    "notify:inbox_read": "POST /inbox/read",
    "notify:inbox_open": "GET /inbox/{message_id}",
    "notify:notice_list": "GET /notices",
    "notify:notice_create": "POST /notices",
    "notify:notice_detail": "GET /notices/{notice_id}",
    "notify:notice_withdraw": "POST /notices/{notice_id}/withdraw",
    "notify:notice_print": (NO_API, "the browser's print view of a notice in GET /notices/{id}"),
    # Repairs
    "repairs:list": "GET /repairs",
    "repairs:export": "GET /repairs/export.xlsx",
    "repairs:create": "POST /repairs",
    "repairs:suggest": "GET /repairs/suggestions",
    "repairs:room_lookup": "GET /rooms",
    "repairs:prices": "GET /repairs/prices",
    "repairs:price_edit": "PUT /repairs/prices/{item_id}",
    "repairs:detail": "GET /repairs/{order_id}",
    "repairs:dispatch_auto": "POST /repairs/{order_id}/dispatch_auto",
    "repairs:act": "POST /repairs/{order_id}/{action}",
    "repairs:tech_home": "GET /repairs",
    "repairs:tech_detail": "GET /repairs/{order_id}",
    "repairs:my_list": "GET /repairs",
    "repairs:my_new": "POST /repairs",
    "repairs:my_detail": "GET /repairs/{order_id}",
    "repairs:my_act": "POST /repairs/{order_id}/{action}",
    "repairs:qr_report": "POST /repairs",
    "repairs:qr_sheet": (NO_API, "a printable sheet of QR codes that lead to the report page"),
    "repairs:acceptance_pdf": "GET /repairs/{order_id}/acceptance.pdf",
    "repairs:kpis": "GET /repairs/kpis",
    # Complaints
    "complaints:list": "GET /complaints",
    "complaints:export": "GET /complaints/export.xlsx",
    "complaints:create": "POST /complaints",
    "complaints:room_lookup": "GET /rooms",
    "complaints:ledger": "GET /complaints/ledger",
    "complaints:ledger_export": "GET /complaints/ledger.xlsx",
    "complaints:detail": "GET /complaints/{complaint_id}",
    "complaints:act": "POST /complaints/{complaint_id}/{action}",
    "complaints:my_list": "GET /complaints",
    "complaints:my_new": "POST /complaints",
    "complaints:my_detail": "GET /complaints/{complaint_id}",
    "complaints:my_act": "POST /complaints/{complaint_id}/{action}",
    "complaints:analysis": "GET /complaints/analysis",
    "complaints:analysis_export": "GET /complaints/analysis.xlsx",
    "complaints:analysis_measures": "POST /complaints/analysis/measures",
}


@pytest.fixture(scope="module")
def operations(django_db_blocker) -> set[str]:
    from ninja.openapi.schema import get_schema

    from wuye.api import api

    api.mount_routers()
    with django_db_blocker.unblock():
        schema = get_schema(api, path_prefix="")
    found = set()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            found.add(f"{method.upper()} {path}")
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] == "action":
                    for name in param["schema"].get("enum", []):
                        found.add(f"{method.upper()} {path.replace('{action}', name)}")
    return found


def _page_names() -> list[str]:
    names: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("admin", "api"):
                    continue
                walk(pattern, prefix + (f"{pattern.namespace}:" if pattern.namespace else ""))
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.append(prefix + pattern.name)

    walk(get_resolver(), "")
    return sorted(set(names))


def test_every_action_of_every_process_has_an_endpoint(operations):
    missing = []
    for process in processes():
        for action in process.actions:
            if action.roles == frozenset({SYSTEM}):
                continue  # the scheduler's own step (an auto-close), taken by no one
            pattern = re.compile(rf"^POST /.*/({action.name}|{action.name.replace('_', '-')})$")
            if not any(pattern.match(op) for op in operations):
                missing.append(f"{process.code}.{action.name}")
    assert not missing, "actions without an endpoint: " + ", ".join(missing)


def test_every_page_is_listed_with_its_api():
    unlisted = [name for name in _page_names() if name not in PAGES]
    assert not unlisted, "pages to list in PAGES with their API operation: " + ", ".join(unlisted)


def test_every_listed_operation_exists(operations):
    missing = [
        f"{page} → {target}"
        for page, target in PAGES.items()
        if isinstance(target, str) and target not in operations
    ]
    assert not missing, "operations the API does not have:\n" + "\n".join(missing)


def test_a_page_without_an_api_says_why():
    for page, target in PAGES.items():
        if not isinstance(target, str):
            kind, why = target
            assert kind == NO_API and len(why) > 10, page
