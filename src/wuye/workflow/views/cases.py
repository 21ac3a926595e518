"""The generic case page: status and clocks on top, the actions this user may take, the timeline.

Domain apps (repairs, complaints…) will show their own details above the same partials."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wuye.core.exceptions import Conflict
from wuye.core.scoping import get_or_404
from wuye.core.shortcuts import staff_required
from wuye.workflow import attachments, selectors, services
from wuye.workflow.engine import get_process


def _context(request, case) -> dict:
    process = get_process(case.process)
    return {
        "case": case,
        "process": process,
        "status_label": process.state(case.status).label,
        "clocks": list(case.clocks.all()),
        "actions": services.allowed_actions(case=case, user=request.user),
        "assignable": selectors.assignable_users(case),
        "events": selectors.case_timeline_labelled(case),
    }


@staff_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(request.user, pk)
    page = get_process(case.process).page
    if page is not None:  # the domain's own page (a repair order's)
        return redirect(page(case))
    return render(request, "workflow/case_detail.html", _context(request, case))


@staff_required
def case_timeline(request, pk: int):
    case = selectors.case_get_for_user(request.user, pk)
    return render(
        request,
        "workflow/partials/timeline.html",
        {"case": case, "events": selectors.case_timeline_labelled(case)},
    )


@require_POST
@staff_required
def case_action(request, pk: int, action: str):
    case = selectors.case_get_for_user(request.user, pk)
    assignee = None
    if request.POST.get("assignee"):
        assignee = get_or_404(selectors.assignable_users(case), request.POST["assignee"])
    try:
        services.case_act_routed(
            case=case, action=action, by=request.user, note=request.POST.get("note", ""),
            assignee=assignee,
        )  # fmt: skip
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    except ValidationError as exc:
        for field_errors in exc.message_dict.values():
            for message in field_errors:
                messages.error(request, message)
    else:
        messages.success(request, _("已记录"))
    return redirect("workflow:case_detail", pk=case.pk)


@require_GET
@login_required
def attachment_file(request, pk):
    """The file of an attachment, to its uploader and to whoever may see its case (else 404).
    ``?size=thumb``: its thumbnail. Residents too: they see the photos of their own reports."""
    attachment = attachments.attachment_get_for_user(request.user, pk)
    thumb = request.GET.get("size") == "thumb" and bool(attachment.thumbnail)
    field = attachment.thumbnail if thumb else attachment.file
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    stem = PurePath(attachment.original_name).stem or str(attachment.pk)
    ext = PurePath(field.name).suffix
    response = FileResponse(
        handle,
        content_type="image/jpeg" if thumb else attachment.content_type,
        filename=f"{stem}{ext}",
        as_attachment=False,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The bytes are ours (re-encoded by Pillow), but a browser should never run anything here.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
