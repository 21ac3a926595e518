"""The company view (公司总览) for the executives: every estate of the company side by side —
breaches today and overdue now, the month's share kept of each key clock, the collection rate,
open major complaints and incidents — with the company's twelve months of shares kept and
breaches as a chart. Each estate opens its 项目概况; each breach figure the estate's compliance.

The same figures as ``GET /api/v1/quality/company``: both read ``quality.selectors.company_view``.
"""

from __future__ import annotations

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from wuye.core.scoping import actor_for
from wuye.core.shortcuts import staff_required
from wuye.quality.selectors import CompanyView, company_view


def _chart(view: CompanyView) -> dict:
    """The figures the chart script draws (json_script: no inline script under the CSP)."""
    return {
        "months": [m.month_text for m in view.trend],
        "shares": [None if m.share is None else round(m.share * 100, 1) for m in view.trend],
        "breaches": [m.breached for m in view.trend],
        "names": [_("按时率"), _("超时")],
    }


@staff_required
def company(request):
    view = company_view(actor=actor_for(request.user), now=timezone.now())
    compliance = reverse("quality:compliance")
    rows = [
        {
            "row": row,
            "shares": list(zip(view.key_clocks, row.shares, strict=True)),
            "overview_url": reverse("core:estate_overview", args=[row.estate.pk]),
            "compliance_url": compliance
            + "?"
            + urlencode({"estate": row.estate.pk, "month": view.month_text}),
        }
        for row in view.rows
    ]
    context = {
        "view": view,
        "rows": rows,
        "total_shares": list(zip(view.key_clocks, view.total.shares, strict=True)),
        "company_compliance_url": compliance
        + "?"
        + urlencode({"estate": "all", "month": view.month_text}),
        "chart": _chart(view),
    }
    return render(request, "quality/company/page.html", context)


urlpatterns: list = [
    path("quality/company/", company, name="company"),
]
