"""Confirmation (TAKEOVER-08): only with every defect closed."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.handover.choices import TakeoverStatus
from wuye.handover.models import (
    CheckResult,
    TakeoverPlan,
)
from wuye.handover.processes import TAKEOVER
from wuye.handover.services.takeover.common import _plan_locked
from wuye.workflow import services as engine
from wuye.workflow.models import Attachment

from .common import _actor, _check_action_role, _in_scope, open_defects

# --- Confirmation (TAKEOVER-08) ------------------------------------------------------------------


def confirmation_blockers(plan: TakeoverPlan) -> list[str]:
    """Why the 《接管验收确认书》 cannot be signed yet ([] when it can)."""
    reasons = []
    pending = plan.items.filter(result=CheckResult.PENDING).count()
    if pending:
        reasons.append(_("还有 %(n)d 项检查未完成") % {"n": pending})
    still_open = list(open_defects(plan).select_related("case").order_by("id"))
    if still_open:
        reasons.append(
            _("还有 %(n)d 个问题未整改关闭：%(numbers)s")
            % {"n": len(still_open), "numbers": "、".join(d.case.number for d in still_open)}
        )
    return reasons


@transaction.atomic
def takeover_confirm(
    *,
    plan: TakeoverPlan,
    property_signatory: str,
    developer_signatory: str,
    by,
    scan: Attachment | UUID | str | None = None,
    note: str = "",
) -> TakeoverPlan:
    """Sign the 《接管验收确认书》: only once every item is checked and every defect of the plan is
    closed by re-inspection (TAKEOVER-08), else refused and nothing changes. Both sides'
    signatories are recorded; a scan of the signed paper may be attached."""
    actor = _actor(by)
    _in_scope(actor, plan.project.estate_id)
    _check_action_role(actor, TAKEOVER.action("confirm"))
    plan = _plan_locked(plan)
    errors: dict[str, list[str]] = {}
    names = {"property_signatory": (property_signatory or "").strip(),
             "developer_signatory": (developer_signatory or "").strip()}  # fmt: skip
    for key, value in names.items():
        if not value:
            errors[key] = [_("请填写签署人姓名")]
        elif len(value) > 50:
            errors[key] = [_("最多 50 个字符")]
    if errors:
        raise ValidationError(errors)
    if plan.case.status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING):
        blockers = confirmation_blockers(plan)
        if blockers:
            raise Conflict(
                _("不能签署接管验收确认书：%(reasons)s") % {"reasons": "；".join(blockers)},
                code="defects_open",
            )
    result = engine.case_act(case=plan.case, action="confirm", by=actor, note=note, data=names,
                             attachments=[scan] if scan is not None else None)  # fmt: skip
    plan.case = result.case
    if scan is not None and not isinstance(scan, Attachment):
        # An id (the API, the generic case route): the attachment the engine checked and bound.
        scan = result.event.attachments.first()
    plan.confirmed_at = result.event.at
    plan.property_signatory = names["property_signatory"]
    plan.developer_signatory = names["developer_signatory"]
    plan.confirmation_scan = scan
    plan.save(update_fields=["confirmed_at", "property_signatory", "developer_signatory",
                             "confirmation_scan"])  # fmt: skip
    return plan
