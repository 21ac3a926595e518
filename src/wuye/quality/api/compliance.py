"""Compliance with the manual, per rule, in the API (合规率, QUALITY-02/03): the month's shares of
deadlines kept per process and clock, the cases that broke one, and the table as .xlsx — the
figures of the compliance page, read through the same selectors."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from pydantic import StringConstraints

from wuye.base.api import READ_ERRORS, XLSX, ErrorOut, IdParam, Term, file_download, paginated
from wuye.core.scoping import actor_for
from wuye.quality.documents.compliance import compliance_xlsx_response
from wuye.quality.selectors import (
    ComplianceScope,
    ComplianceTable,
    compliance_breaches,
    compliance_process,
    compliance_scope,
    compliance_table,
    late_seconds,
    month_parse,
)
from wuye.workflow.models import SlaClock

# Only department heads, auditors and executives read compliance: others get 403 (declared).
ROLE_READ_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: ErrorOut}

router = Router(tags=["quality"])

Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]


class ComplianceClockOut(Schema):
    key: str = Field(..., description="The clock's key in its process.", examples=["handle"])
    name: str = Field(..., examples=["处理时限"])
    target: str = Field(..., description="The manual's deadline.", examples=["24 小时内"])
    decided: int = Field(..., description="Clocks due in the month that were met or broken.")
    kept: int = Field(..., description="Of those, stopped on or before their due time.")
    breached: int
    share: float | None = Field(..., ge=0, le=1, description="kept / decided; null if none.")


class ComplianceProcessOut(Schema):
    process: str = Field(..., examples=["repair"])
    label: str = Field(..., examples=["报修"])
    decided: int
    kept: int
    clocks: list[ComplianceClockOut]


class ComplianceOut(Schema):
    estate_id: int | None = Field(..., description="null: every estate of the caller.")
    month: str = Field(..., examples=["2026-11"])
    counted_at: dt.datetime = Field(..., description="Open clocks past due by then are broken.")
    decided: int
    kept: int
    share: float | None = Field(..., ge=0, le=1)
    processes: list[ComplianceProcessOut]


class ComplianceBreachOut(Schema):
    case_id: int
    case_number: str = Field(..., alias="case.number")
    estate_id: int = Field(..., alias="case.estate_id")
    title: str = Field(..., alias="case.title")
    due_at: dt.datetime
    stopped_at: dt.datetime | None = Field(..., description="null: still not done (未完成).")
    late_seconds: int = Field(..., description="How late: when stopped, or now when still open.")

    @staticmethod
    def resolve_late_seconds(obj: SlaClock) -> int:
        return int(late_seconds(obj, timezone.now()))


def _scope(request: HttpRequest, estate: int | None, month: str | None) -> ComplianceScope:
    """The month asked (default: this month, local time), of an estate of the caller's (else a
    404), or of every estate for the executives (others: a 400 asking for the estate)."""
    return compliance_scope(
        actor=actor_for(request.auth),
        estate_id=estate,
        month=month_parse(month) if month else None,
        now=timezone.now(),
    )


def _table_out(table: ComplianceTable) -> dict:
    scope = table.scope
    return {
        "estate_id": scope.estate.pk if scope.estate else None,
        "month": scope.month_text,
        "counted_at": table.now,
        "decided": table.decided,
        "kept": table.kept,
        "share": table.share,
        "processes": [
            {
                "process": g.process,
                "label": g.label,
                "decided": g.decided,
                "kept": g.kept,
                "clocks": [
                    {
                        "key": r.key,
                        "name": r.name,
                        "target": r.target,
                        "decided": r.decided,
                        "kept": r.kept,
                        "breached": r.breached,
                        "share": r.share,
                    }
                    for r in g.rows
                ],
            }
            for g in table.groups
        ],
    }


@router.get("/quality/compliance", response={200: ComplianceOut, **ROLE_READ_ERRORS})
def compliance_get(
    request: HttpRequest, estate: IdParam | None = None, month: Month | None = None
) -> dict:
    """The share of each process's deadlines kept among those due in ``month`` (YYYY-MM, local
    time; default this month): met, or broken (breached, or still open past due now); withdrawn
    clocks and clocks not yet due do not count. Department heads, auditors and executives of the
    estate; executives may leave out ``estate`` for every estate."""
    scope = _scope(request, estate, month)
    return _table_out(compliance_table(scope=scope, now=timezone.now()))


@router.get(
    "/quality/compliance/breaches", response={200: list[ComplianceBreachOut], **ROLE_READ_ERRORS}
)
@paginated
def compliance_breaches_get(
    request: HttpRequest,
    process: Term,
    clock: Term,
    estate: IdParam | None = None,
    month: Month | None = None,
):
    """The clocks of ``process``/``clock`` (the key) due in the month that were not kept, with
    their cases, earliest due first."""
    scope = _scope(request, estate, month)
    compliance_process(process, clock)
    return compliance_breaches(scope=scope, process=process, key=clock, now=timezone.now())


@router.get(
    "/quality/compliance.xlsx", response=ROLE_READ_ERRORS, openapi_extra=file_download(XLSX)
)
def compliance_xlsx(
    request: HttpRequest, estate: IdParam | None = None, month: Month | None = None
) -> HttpResponse:
    """The month's table as the page exports it (.xlsx)."""
    scope = _scope(request, estate, month)
    table = compliance_table(scope=scope, now=timezone.now())
    return compliance_xlsx_response(table, scope.label)
