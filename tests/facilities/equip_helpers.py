"""What the facilities tests share: an engineering head, the equipment of the test estate."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    """A local time in Asia/Shanghai: at(2026, 11, 30, 23, 55)."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


POWER_OK = {"voltage": "380", "current": "120", "transformer_temperature": "55"}


class Api:
    """The API as a client with a bearer token sees it."""

    def __init__(self, client, user):
        from wuye.core.services import api_token_issue

        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def call(self, method, path, body=None, expect=200):
        kwargs = {"content_type": "application/json"} if body is not None else {}
        r = getattr(self.client, method)(
            f"/api/v1{path}", *(() if body is None else (body,)), **kwargs, **self.auth
        )
        assert r.status_code == expect, r.content[:500]
        return r

    def get(self, path, expect=200):
        return self.call("get", path, expect=expect).json()

    def post(self, path, body=None, expect=200):
        return self.call("post", path, body or {}, expect=expect).json()

    def patch(self, path, body, expect=200):
        return self.call("patch", path, body, expect=expect).json()
