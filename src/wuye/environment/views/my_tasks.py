"""Pages: today's tasks on a cleaner's or gardener's phone (今日任务), the zone's QR page (the
same list for one zone), completing a task with its checklist and photos, and the start-of-shift
protective equipment check (CLEAN-16) — the same services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, render_local, staff_required
from wuye.fieldwork.choices import ItemKind
from wuye.fieldwork.selectors.records import task_form
from wuye.workflow.attachments import attachment_store, attachments_from_request
from wuye.workflow.models import AttachmentKind

from ..choices import ProtectiveItem
from ..models import ProtectionCheck
from ..selectors import my_tasks as selectors
from ..selectors import zones as zone_selectors
from ..services.my_tasks import my_task_complete
from ..services.protection import REQUIRED_ITEMS, protection_check_record, protection_passed


def _today_page(request, estate, zone=None):
    actor = actor_for(request.user)
    day = selectors.my_tasks_today(request.user, estate, zone=zone)
    checked = actor.staff is not None and protection_passed(staff=actor.staff, estate=estate)
    context = {"estate": estate, "day": day, "zone": zone, "checked": checked,
               "needs_check": actor.staff is not None and actor.role == "cleaner"}  # fmt: skip
    return render_local(request, "environment/my/today.html", context, estate)


@require_GET
@estate_page
def my_today(request, estate):
    return _today_page(request, estate)


@require_GET
@staff_required
def zone_scan(request, code: str):
    """The page a zone's QR label opens: today's tasks of the scanning person in that zone."""
    zone = zone_selectors.zone_get_by_code(request.user, code)
    return _today_page(request, zone.estate, zone)


def _answers(request, items, errors: dict) -> list[dict]:
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


def _render_do(request, task, form, errors=None, status=200):
    for item in form.items:
        item.key = f"item-{item.pk}"
        item.errors = (errors or {}).get(item.key, [])
        item.value = request.POST.get(item.key, "") if request.method == "POST" else ""
    context = {"task": task, "form": form, "errors": errors or {}, "record": None,
               "note": request.POST.get("note", "") if request.method == "POST" else "",
               "is_staff": False}  # fmt: skip
    return render_local(request, "fieldwork/records/fill.html", context, task.estate, status)


@require_http_methods(["GET", "POST"])
@staff_required
def my_task_do(request, pk: int):
    """One task on the phone: its checklist (the dilution of a disinfection), photos, done."""
    task = selectors.my_task_get(request.user, pk)
    form = task_form(task)
    if request.method != "POST":
        return _render_do(request, task, form)
    errors: dict[str, list[str]] = {}
    answers = _answers(request, form.items, errors)
    try:
        files = attachments_from_request(request)
    except ValidationError as error:
        errors.update(error.message_dict)
        files = []
    if errors:
        return _render_do(request, task, form, errors, 400)
    try:
        my_task_complete(
            task=task, by=request.user, answers=answers, note=request.POST.get("note", ""),
            photos=[a.pk for a in files if a.kind == AttachmentKind.PHOTO],
        )  # fmt: skip
    except ValidationError as error:
        return _render_do(request, task, form, error.message_dict, 400)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", None) or str(error))
        if getattr(error, "code", "") == "protection_check_required":
            return redirect("environment:protection_check")
        return redirect("environment:my_today")
    messages.success(request, _("任务已完成"))
    return redirect("environment:my_today")


@require_http_methods(["GET", "POST"])
@estate_page
def protection_check(request, estate):
    """CLEAN-16: gloves and mask before the first task of the day."""
    errors: list[str] = []
    if request.method == "POST":
        try:
            check = protection_check_record(
                estate=estate, by=request.user, items=request.POST.getlist("items"),
                note=request.POST.get("note", ""),
            )  # fmt: skip
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
        except (Conflict, PermissionDenied) as error:
            errors = [getattr(error, "message", None) or str(error)]
        else:
            if check.passed:
                messages.success(request, _("防护用品检查合格，可以开始今天的工作"))
                return redirect("environment:my_today")
            messages.error(request, _("手套和口罩必须佩戴，请戴好后重新确认；已通知环境主管"))
    actor = actor_for(request.user)
    today = timezone.localdate(timezone.now(), estate_tz_of(estate))
    checks = ProtectionCheck.objects.filter(estate=estate, on=today).select_related("staff")
    if actor.role not in ("department_head", "executive") and not actor.is_superuser:
        checks = checks.filter(staff=actor.staff)
    context = {"estate": estate, "items": ProtectiveItem.choices, "errors": errors,
               "required": REQUIRED_ITEMS, "checks": checks.order_by("staff__name"),
               "chosen": request.POST.getlist("items")}  # fmt: skip
    return render_local(request, "environment/my/protection.html", context, estate)


def estate_tz_of(estate):
    from wuye.core.shortcuts import estate_tz

    return estate_tz(estate)


urlpatterns = [
    path("my/", my_today, name="my_today"),
    path("my/protection/", protection_check, name="protection_check"),
    path("my/tasks/<int:pk>/", my_task_do, name="my_task_do"),
    path("z/<str:code>/", zone_scan, name="zone_scan"),
]
