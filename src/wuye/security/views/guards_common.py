"""What the guards' pages share: the action form and its errors as a flash message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.workflow.attachments import attachments_from_request
from wuye.workflow.services import allowed_actions


def case_step(request, obj, action: str, act, target: str, data: dict | None = None):
    """Take ``action`` on ``obj``'s case through ``act`` with the posted note and photos; the
    outcome as a message; back to ``target``."""
    if action not in {a.name for a in allowed_actions(case=obj.case, user=request.user)}:
        messages.error(request, _("您现在不能执行这个操作"))
        return redirect(target, pk=obj.pk)
    try:
        attachments = attachments_from_request(request, case=obj.case)
        act(obj, action=action, by=request.user, note=request.POST.get("note", "")[:2000],
            data=data, attachments=attachments or None)  # fmt: skip
    except ValidationError as exc:
        text = "；".join(
            m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms
        )
        messages.error(request, text)
    except (Conflict, PermissionDenied) as exc:
        messages.error(request, getattr(exc, "message", None) or str(exc))
    else:
        messages.success(request, _("已处理"))
    return redirect(target, pk=obj.pk)
