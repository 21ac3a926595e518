"""Content-Security-Policy (django-csp): every page sends a strict policy (scripts and styles from
our own static files only: no 'unsafe-inline', no 'unsafe-eval'), and neither the templates nor the
rendered pages carry what that policy would refuse — inline scripts, style attributes or blocks,
on…= event handlers, javascript: links, htmx's hx-on. The browser tests (tests/browser) fail on
any violation the browser itself reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import wuye

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
TEMPLATES = sorted(Path(wuye.__file__).parent.glob("*/templates/**/*.html"))

# An inline script: a <script> without src= that is not json_script's data block.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=[\"']application/json[\"'])[^>]*>", re.I
)
STYLE_BLOCK = re.compile(r"<style\b", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)
HX_ON = re.compile(r"\shx-on[:-]", re.I)

REFUSED = {
    "inline <script>": INLINE_SCRIPT,
    "<style> block": STYLE_BLOCK,
    "style attribute": STYLE_ATTR,
    "on… event handler": HANDLER_ATTR,
    "javascript: URL": JS_URL,
    "hx-on": HX_ON,
}


def directives(response) -> dict[str, list[str]]:
    assert HEADER in response.headers, f"no {HEADER} on {response.request['PATH_INFO']}"
    parsed: dict[str, list[str]] = {}
    for part in response.headers[HEADER].split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


def refused_in(text: str) -> list[str]:
    return [
        f"{what}: {m.group(0)[:120]!r}" for what, rx in REFUSED.items() for m in rx.finditer(text)
    ]


def test_the_policy_allows_no_inline_script_or_style(client):
    policy = directives(client.get(reverse("login")))
    assert policy["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert policy[name] == ["'self'"], name
        assert "'unsafe-inline'" not in policy[name]
        assert "'unsafe-eval'" not in policy[name]
    assert set(policy["img-src"]) == {"'self'", "data:", "blob:"}
    assert policy["connect-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_templates_carry_nothing_the_policy_refuses():
    assert len(TEMPLATES) > 50
    found = []
    for path in TEMPLATES:
        for problem in refused_in(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(Path(wuye.__file__).parent)}: {problem}")
    assert not found, "\n".join(found)


STAFF_PAGES = [
    ("web:home", []),
    ("core:estate_overview", ["estate"]),
    ("core:staff_list", []),
    ("repairs:list", []),
    ("repairs:create", []),
    ("repairs:qr_sheet", []),
    ("complaints:list", []),
    ("complaints:create", []),
    ("complaints:ledger", []),
    ("billing:rooms", []),
    ("billing:room_ledger", ["room"]),
    ("billing:meter_readings", []),
    ("residents:dashboard", []),
]
MANAGER_PAGES = [
    ("repairs:kpis", ["estate"]),
    ("complaints:analysis", ["estate"]),
    ("billing:fee_report", []),
    ("billing:fee_income", []),
]
RESIDENT_PAGES = [
    ("web:home", []),
    ("repairs:my_list", []),
    ("repairs:my_new", []),
    ("complaints:my_new", []),
    ("billing:my_bills", []),
]


def _url(world, name, args):
    return reverse(name, args=[getattr(world, a).pk for a in args])


@pytest.mark.parametrize(
    "username, pages",
    [("agent", STAFF_PAGES), ("exec", MANAGER_PAGES), ("owner", RESIDENT_PAGES)],
)
def test_rendered_pages_send_the_policy_and_nothing_it_refuses(world, login, username, pages):
    client = login(username)
    if username == "exec":
        client.post(reverse("web:estate_switch"), {"estate": world.estate.pk})
    for name, args in pages:
        url = _url(world, name, args)
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        directives(response)
        problems = refused_in(response.content.decode())
        assert not problems, f"{url}:\n" + "\n".join(problems)


def test_admin_login_and_api_docs_send_the_policy(client):
    for url in (reverse("admin:login"), reverse("api:openapi-view")):
        response = client.get(url)
        assert response.status_code == 200, url
        policy = directives(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
    docs = client.get(reverse("api:openapi-view")).content.decode()
    assert not INLINE_SCRIPT.search(docs)
