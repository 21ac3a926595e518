"""What every app's API shares, with no app behind it: the types of what a client sends (bounded
text, strict ids, dates in range), the error shape, the list shape and its pagination, and the
documentation of a file download. The API itself (its auth, its error handlers, the routers of
the apps) is :mod:`wuye.api`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import AfterValidator, Strict, StringConstraints

from wuye.base.bounds import DATE_MAX, DATE_MIN

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


# --- Shared schema pieces ---------------------------------------------------------------------


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store or compare a NUL character; refuse it as bad input, not a 500.
    if "\x00" in value:
        raise ValueError(_("不能包含空字符"))
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
"""A string from a client: use it for every text field and query parameter."""

NOTE_MAX = 2000  # a note of one step, as the services bound it (core.validators.NOTE_MAX)
SEARCH_MAX = 100  # a search term or a filter value in a query string

# The length is checked before _no_nul, so its error is the string's (string_too_long).
Note = Annotated[str, StringConstraints(max_length=NOTE_MAX), AfterValidator(_no_nul)]
"""A note, reason or comment of one step (at most 2,000 characters, like the services)."""

Term = Annotated[str, StringConstraints(max_length=SEARCH_MAX), AfterValidator(_no_nul)]
"""A search term or filter value of a query string."""

Id = Annotated[int, Strict(), Field(ge=1, le=2**63 - 1)]
"""The id of a row in a JSON body: a JSON integer, strictly (``true`` is not row 1, nor is
``"1"`` or ``1.0``); beyond 64 bits the database would raise."""

IdParam = Annotated[int, Field(ge=1, le=2**63 - 1)]
"""The id of a row in a path or a query string, where every value is text: ``?estate=3``."""

# The dates and times a client sends: far enough from the limits of date arithmetic (year 1 and
# 9999) that nothing computed from them overflows, and wide enough for any real record. Dates are
# the services' own bounds (core.validators: a move-in as old as the roster import takes);
# times of events (a report, a gate passage) are of this century.
DATETIME_MIN_YEAR, DATETIME_MAX_YEAR = 2000, 2100


def _date_in_range(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(
            _("日期应在 %(min)s 至 %(max)s 之间")
            % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
        )
    return value


def _datetime_in_range(value: dt.datetime) -> dt.datetime:
    if not DATETIME_MIN_YEAR <= value.year <= DATETIME_MAX_YEAR:
        raise ValueError(
            _("时间应在 %(min)d 年至 %(max)d 年之间")
            % {"min": DATETIME_MIN_YEAR, "max": DATETIME_MAX_YEAR}
        )
    return value


Day = Annotated[dt.date, AfterValidator(_date_in_range)]
"""A date from a client, 1900-01-01 to 2100-12-31 (the services' bounds)."""

When = Annotated[dt.datetime, AfterValidator(_datetime_in_range)]
"""A time from a client, in the years 2000 to 2100."""


class ErrorDetail(Schema):
    code: str = Field(..., examples=["invalid"])
    message: str
    fields: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per field; `__all__` for the whole request."
    )


class ErrorOut(Schema):
    error: ErrorDetail


READ_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut}


PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_download(*media_types: str, description: str = "") -> dict[str, Any]:
    """``openapi_extra`` of an endpoint that answers a file (a PDF, a spreadsheet) rather than
    JSON: ``@router.get(..., response=READ_ERRORS, openapi_extra=file_download(PDF))``, and the
    handler returns the page's own ``HttpResponse``."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {
        "responses": {
            "200": {
                "description": description or "File",
                "content": {media_type: binary for media_type in media_types},
            }
        }
    }


class ApiError(HttpError):
    """An answer in the error shape, for a handler to raise: ``ApiError(429, "locked_out", …)``."""

    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(status_code, str(message))
        self.code = code
        self.fields = fields or {}


class Pagination(LimitOffsetPagination):
    """``limit`` (default 50, at most 200) and ``offset``; answers ``{"items", "count"}``."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=gettext_lazy("每页条数（最多 200）")
        )
        offset: int = Field(0, ge=0, le=2**31 - 1, description=gettext_lazy("跳过的条数"))

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


def paginated(func: Callable) -> Callable:
    """Decorate a list endpoint that returns a queryset (under ``@router.get(...)``)."""
    return paginate(Pagination)(func)
