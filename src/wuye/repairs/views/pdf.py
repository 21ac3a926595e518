"""Repairs pages: pdf. Each module of this package lists its own ``urlpatterns``.

The Repair Acceptance Slip 《维修验收单》 (REPAIR-10) for anyone who may see the order: staff of
its estate, the residents of its room and whoever reported it; 404 for everyone else.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wuye.base.pdf import CJKFontMissing
from wuye.repairs.documents.acceptance import acceptance_pdf_response
from wuye.repairs.selectors.orders import repair_order_get_for_user


@require_GET
@login_required
def acceptance_pdf_view(request, pk: int) -> HttpResponse:
    order = repair_order_get_for_user(request.user, pk)
    try:
        return acceptance_pdf_response(order)
    except CJKFontMissing as error:
        # A form of empty boxes is worse than none: say what the server lacks.
        page = format_html(
            '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>{}</title>'
            '<h1>{}</h1><p>{}</p><p><a href="{}">{}</a></p></html>',
            _("无法生成验收单"), _("无法生成验收单"), str(error), reverse("web:home"),
            _("返回首页"),
        )  # fmt: skip
        return HttpResponse(page, status=503)


urlpatterns = [
    path("repairs/<int:pk>/acceptance.pdf", acceptance_pdf_view, name="acceptance_pdf"),
]
