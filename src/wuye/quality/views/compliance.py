"""Quality pages: compliance with the manual, per rule (合规率 / 服务承诺兑现, QUALITY-02/03) — the
share of each process's deadlines kept in a month, for an estate (or the whole company, for the
executives), the cases that broke one, and the month's table as .xlsx.

The same figures as ``GET /api/v1/quality/compliance`` and ``…/compliance/breaches``: both read
``quality.selectors``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wuye.base.pages import paginate, render_list
from wuye.core.middleware import SESSION_KEY
from wuye.core.scoping import actor_for, visible_estates
from wuye.core.shortcuts import staff_required
from wuye.core.templatetags.wuye import duration_text
from wuye.quality.documents.compliance import compliance_xlsx_response
from wuye.quality.selectors import (
    ComplianceScope,
    compliance_breaches,
    compliance_process,
    compliance_scope,
    compliance_table,
    late_seconds,
    may_pick_all_estates,
    may_read_compliance,
    month_parse,
)

ALL = "all"  # the estate picker's "every estate" (executives)


def _scope(request) -> tuple[ComplianceScope, dict]:
    """The estate and month asked for (``?estate=<id>|all&month=YYYY-MM``), by default the
    current estate and this month; with what the pickers show."""
    actor = actor_for(request.user)
    if not may_read_compliance(actor):
        raise PermissionDenied(_("只有部门负责人、内审员和企业高层可以查看合规率"))
    estates = list(visible_estates(actor).order_by("name", "pk"))
    asked = request.GET.get("estate", "")
    all_allowed = may_pick_all_estates(actor)
    if asked == ALL and all_allowed:
        estate_id = None
    elif asked == ALL:
        raise PermissionDenied(_("只有企业高层可以查看全部项目"))
    elif asked:
        try:
            estate_id = int(asked)
        except ValueError:
            raise Http404 from None
    else:
        current = getattr(request, "estate", None)
        if current is not None and any(e.pk == current.pk for e in estates):
            estate_id = current.pk
        elif estates:
            estate_id = estates[0].pk
        else:
            raise Http404
    month_error = ""
    try:
        month = month_parse(request.GET["month"]) if request.GET.get("month") else None
    except ValidationError as error:
        month, month_error = None, error.message_dict["month"][0]
    scope = compliance_scope(actor=actor, estate_id=estate_id, month=month, now=timezone.now())
    if scope.estate is not None:
        # Looking at an estate makes it the current one, so the header and the page agree.
        request.session[SESSION_KEY] = scope.estate.pk
        request.estate = scope.estate
    pickers = {
        "estates": estates,
        "all_allowed": all_allowed,
        "estate_value": str(scope.estate.pk) if scope.estate else ALL,
        "month_error": month_error,
    }
    return scope, pickers


def _query(scope: ComplianceScope, **more: str) -> str:
    estate = str(scope.estate.pk) if scope.estate else ALL
    return urlencode({"estate": estate, "month": scope.month_text, **more})


@staff_required
def compliance(request):
    scope, pickers = _scope(request)
    table = compliance_table(scope=scope, now=timezone.now())
    groups = [
        {
            "group": group,
            "rows": [
                {
                    "row": row,
                    "breaches_url": reverse("quality:compliance_breaches")
                    + "?"
                    + _query(scope, process=row.process, clock=row.key),
                }
                for row in group.rows
            ],
        }
        for group in table.groups
    ]
    context = {
        **pickers,
        "scope": scope,
        "scope_label": scope.label,
        "table": table,
        "groups": groups,
        "export_url": reverse("quality:compliance_export") + "?" + _query(scope),
    }
    return render(request, "quality/compliance/page.html", context)


@staff_required
def compliance_breaches_page(request):
    """The cases that broke one kind of clock in the month (QUALITY-02: the evidence)."""
    scope, pickers = _scope(request)
    code, key = request.GET.get("process", ""), request.GET.get("clock", "")
    process, clock_name = compliance_process(code, key)
    now = timezone.now()
    page = paginate(request, compliance_breaches(scope=scope, process=code, key=key, now=now))
    rows = [
        {
            "clock": clock,
            "late": duration_text(late_seconds(clock, now)),
        }
        for clock in page.object_list
    ]
    context = {
        **pickers,
        "scope": scope,
        "scope_label": scope.label,
        "process_label": process.label,
        "clock_name": clock_name,
        "page": page,
        "rows": rows,
        "back_url": reverse("quality:compliance") + "?" + _query(scope),
        "filtered": False,
    }
    return render_list(
        request,
        "quality/compliance/breaches.html",
        "quality/compliance/partials/breaches.html",
        context,
    )


@staff_required
def compliance_export(request):
    """The month's table as .xlsx, the figures the page shows."""
    scope, _pickers = _scope(request)
    table = compliance_table(scope=scope, now=timezone.now())
    return compliance_xlsx_response(table, scope.label)


urlpatterns: list = [
    path("quality/compliance/", compliance, name="compliance"),
    path("quality/compliance/breaches/", compliance_breaches_page, name="compliance_breaches"),
    path("quality/compliance/export/", compliance_export, name="compliance_export"),
]
