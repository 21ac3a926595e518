"""Design-review suggestion pages (INTAKE-05/09/10/13): the list and its spreadsheet, a new
suggestion, one suggestion with the developer's answer, and its letter."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wuye.base.pages import paginate
from wuye.base.pdf import CJKFontMissing, font_missing_response, pdf_response
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.scoping import actor_for, get_or_404
from wuye.core.shortcuts import staff_required
from wuye.handover.documents.intervention_report import (
    suggestion_letter_pdf,
)
from wuye.handover.documents.suggestions import suggestion_workbook
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    SuggestionStatus,
)
from wuye.handover.processes import TEAM
from wuye.handover.services import intervention as svc
from wuye.handover.views.intervention import (
    AnswerForm,
    P,
    SuggestionFilter,
    SuggestionForm,
    _project,
    _render,
    _stage_context,
    _suggestion_counts,
)


def _suggestions(request, project: HandoverProject):
    form = SuggestionFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    qs = svc.suggestion_list(project, status=data.get("status", ""), topic=data.get("topic", ""),
                             q=data.get("q", ""))  # fmt: skip
    return form, qs


@require_GET
@staff_required
def suggestion_list(request, pk: int):
    project = _project(request, pk)
    form, qs = _suggestions(request, project)
    context = _stage_context(request, project)
    context.update({"filter_form": form, "page": paginate(request, qs),
                    "counts": _suggestion_counts(project),
                    "filtered": any(v for k, v in request.GET.items() if k != "page")})  # fmt: skip
    return _render(request, "suggestion_list.html", context, project)


@require_GET
@staff_required
def suggestion_export(request, pk: int):
    project = _project(request, pk)
    _form, qs = _suggestions(request, project)
    return suggestion_workbook(project, qs)


@staff_required
def suggestion_create(request, pk: int):
    project = _project(request, pk)
    form = SuggestionForm(request.POST or None, initial={"topic": request.GET.get("topic", "")})
    if request.method == "POST" and form.is_valid():
        try:
            suggestion = svc.suggestion_submit(project=project, by=request.user,
                                               **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(
                request, _("已书面提交建议 %(number)s，请打印建议函送达开发企业")
                % {"number": suggestion.number},
            )  # fmt: skip
            return redirect("handover:suggestion_detail", pk=project.pk, sid=suggestion.pk)
    context = {"form": form, "elevators": svc.elevator_ratio(project)}
    return _render(request, "suggestion_form.html", context, project)


def _suggestion(project: HandoverProject, sid: int) -> DesignSuggestion:
    return get_or_404(project.suggestions.select_related("submitted_by__staff"), sid)


@staff_required
def suggestion_detail(request, pk: int, sid: int):
    project = _project(request, pk)
    suggestion = _suggestion(project, sid)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.suggestion_answer(suggestion=suggestion, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except (Conflict, PermissionDenied) as exc:
            form.add_error(None, getattr(exc, "message", None) or str(exc))
        else:
            messages.success(request, _("已登记开发企业答复"))
            return redirect("handover:suggestion_detail", pk=project.pk, sid=suggestion.pk)
    actor = actor_for(request.user)
    context = {
        "suggestion": suggestion, "form": form,
        "can_answer": suggestion.status == SuggestionStatus.SUBMITTED
        and (actor.is_superuser or actor.role in TEAM),
        "elevators": svc.elevator_ratio(project) if suggestion.topic == "elevator" else None,
    }  # fmt: skip
    return _render(request, "suggestion_detail.html", context, project)


@require_GET
@staff_required
def suggestion_letter(request, pk: int, sid: int):
    project = _project(request, pk)
    suggestion = _suggestion(project, sid)
    try:
        content = suggestion_letter_pdf(suggestion)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成建议函"))
    return pdf_response(content, _("建议函-%(number)s.pdf") % {"number": suggestion.number})


urlpatterns = [
    path(P + "suggestions/", suggestion_list, name="suggestion_list"),
    path(P + "suggestions/export/", suggestion_export, name="suggestion_export"),
    path(P + "suggestions/new/", suggestion_create, name="suggestion_create"),
    path(P + "suggestions/<int:sid>/", suggestion_detail, name="suggestion_detail"),
    path(P + "suggestions/<int:sid>/letter.pdf", suggestion_letter, name="suggestion_letter"),
]
