"""What the guards' case services share: who may report on patrol, the photo they must take."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from wuye.core.scoping import Actor
from wuye.workflow.attachments import attachments_resolve
from wuye.workflow.models import AttachmentKind

from ..processes import ORDER_TEAM


def check_guard(actor: Actor, estate_id: int) -> None:
    """GUARD-02: guards and the order department's leads of the estate report on patrol."""
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404
    if actor.role not in ORDER_TEAM:
        raise PermissionDenied(_("只有秩序员或部门负责人可以上报巡逻异常"))


def require_photo(actor: Actor, attachments) -> list:
    """GUARD-11: what is found on patrol is photographed on the spot (at least one photo)."""
    resolved = attachments_resolve(attachments, actor=actor, case=None)
    if not any(a.kind == AttachmentKind.PHOTO for a in resolved):
        raise ValidationError({"attachments": [_("请现场拍照（至少一张）")]})
    return resolved
