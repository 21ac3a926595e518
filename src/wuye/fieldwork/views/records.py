"""Pages of field work: filling a planned task's checklist on a phone (作业记录), the records list,
a record (read-only: what was asked and answered, out-of-range marked, photos, signature,
who and when, follow-ups), its PDF, and opening a follow-up (整改) from a flagged answer.

Staff of the estate, or the contractor a plan names, fill a task; residents get a 404. The same
services as the API (``services.records``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.base.pdf import CJKFontMissing, font_missing_response
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import current_estate, estate_tz, render_local, staff_required
from wuye.workflow.attachments import attachment_store, attachments_from_request
from wuye.workflow.models import AttachmentKind

from ..choices import ItemKind
from ..documents.records import answer_text, normal_range, record_pdf_response
from ..selectors import records as selectors
from ..services import records as services


def _answers_from_post(request, items, errors: dict) -> list[dict]:
    """The page's fields as the service's answers; an item's photo is stored first."""
    answers = []
    for item in items:
        key = f"item-{item.pk}"
        if item.kind == ItemKind.PHOTO:
            upload = request.FILES.get(f"{key}-photo")
            if upload is None:
                continue
            try:
                value = str(attachment_store(upload=upload, by=request.user).pk)
            except ValidationError as error:
                errors[key] = [m for ms in error.message_dict.values() for m in ms]
                continue
        elif item.kind == ItemKind.CHECK:
            raw = request.POST.get(key, "")
            value = {"yes": True, "no": False}.get(raw, raw or None)
        else:
            value = request.POST.get(key, "")
        answers.append({"item": item.pk, "value": value})
    return answers


def _render_fill(request, task, form, *, errors=None, status=200):
    for item in form.items:
        item.key = f"item-{item.pk}"
        item.errors = (errors or {}).get(item.key, [])
        item.value = request.POST.get(f"item-{item.pk}", "") if request.method == "POST" else ""
    context = {
        "task": task,
        "form": form,
        "errors": errors or {},
        "note": request.POST.get("note", "") if request.method == "POST" else "",
        "record": getattr(task, "record", None) if hasattr(task, "record") else None,
        "is_staff": actor_for(request.user).staff is not None,
    }
    return render_local(request, "fieldwork/records/fill.html", context, task.estate, status)


@login_required
def task_fill(request, pk: int):
    """填写检查表 — the phone page of one planned task; POST completes it."""
    task = selectors.task_get_for_completion(request.user, pk)
    form = selectors.task_form(task)
    if request.method != "POST":
        return _render_fill(request, task, form)
    errors: dict[str, list[str]] = {}
    answers = _answers_from_post(request, form.items, errors)
    try:
        files = attachments_from_request(request)
    except ValidationError as error:
        errors.update(error.message_dict)
        files = []
    if errors:
        return _render_fill(request, task, form, errors=errors, status=400)
    signature = next((a.pk for a in files if a.kind == AttachmentKind.SIGNATURE), None)
    try:
        record = services.task_complete(
            task=task, answers=answers, by=request.user, signature=signature,
            photos=[a.pk for a in files if a.kind == AttachmentKind.PHOTO],
            note=request.POST.get("note", ""),
            latitude=request.POST.get("latitude") or None,
            longitude=request.POST.get("longitude") or None,
            open_followups=request.POST.get("open_followups") == "on",
        )  # fmt: skip
    except ValidationError as error:
        return _render_fill(request, task, form, errors=error.message_dict, status=400)
    except Conflict as error:  # done by someone else meanwhile, or cancelled
        messages.error(request, error.message)
        return redirect("fieldwork:task_fill", task.pk)
    messages.success(request, _("已提交作业记录"))
    return redirect("fieldwork:record_detail", record.pk)


def _date(text: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


@staff_required
def record_list(request):
    """作业记录 — of the current estate: kind, completion date, flagged, late; newest first."""
    estate = current_estate(request)
    zone = estate_tz(estate) if estate is not None else None
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))

    def moment(day, days=0):
        if day is None or zone is None:
            return None
        return dt.datetime.combine(day + dt.timedelta(days=days), dt.time.min, tzinfo=zone)

    flags = {"1": True, "0": False}
    qs = selectors.record_list(
        actor=actor_for(request.user), estate=estate.pk if estate else None,
        kind=request.GET.get("kind", "").strip()[:30], done_from=moment(start),
        done_to=moment(end, 1), flagged=flags.get(request.GET.get("flagged", "")),
        late=flags.get(request.GET.get("late", "")),
    )  # fmt: skip
    context = {"page": paginate(request, qs), "estate": estate}
    return render_list(request, "fieldwork/records/list.html",
                       "fieldwork/records/partials/results.html", context)  # fmt: skip


@login_required
def record_detail(request, pk: int):
    record = selectors.task_record_get_for_user(request.user, pk)
    parts = selectors.record_parts(record)
    for answer in parts.answers:
        answer.shown = answer_text(answer)
        answer.range = normal_range(answer)
    actor = actor_for(request.user)
    context = {
        "record": record,
        "parts": parts,
        "can_follow_up": actor.is_superuser
        or actor.staff is not None
        or (actor.contractor is not None and record.contractor_id == actor.contractor.pk),
    }
    return render_local(request, "fieldwork/records/detail.html", context, record.estate)


@require_GET
@login_required
def record_pdf(request, pk: int) -> HttpResponse:
    record = selectors.task_record_get_for_user(request.user, pk)
    try:
        return record_pdf_response(record)
    except CJKFontMissing as error:
        return font_missing_response(error, _("无法生成作业记录"))


@require_POST
@login_required
def record_followup(request, pk: int, answer_pk: int):
    """Open the follow-up of one flagged answer, from the record's page."""
    record = selectors.task_record_get_for_user(request.user, pk)
    answer = get_object_or_404(record.answers.all(), pk=answer_pk)
    try:
        case = services.followup_open(answer=answer, by=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已发起整改：%(number)s") % {"number": case.number})
    return redirect(reverse("fieldwork:record_detail", args=[pk]) + f"#answer-{answer.pk}")


urlpatterns = [
    path("fieldwork/tasks/<int:pk>/fill/", task_fill, name="task_fill"),
    path("fieldwork/records/", record_list, name="record_list"),
    path("fieldwork/records/<int:pk>/", record_detail, name="record_detail"),
    path("fieldwork/records/<int:pk>/record.pdf", record_pdf, name="record_pdf"),
    path("fieldwork/records/<int:pk>/answers/<int:answer_pk>/followup/", record_followup,
         name="record_followup"),
]  # fmt: skip
