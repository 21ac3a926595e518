"""Equipment anomalies (设备异常, EQUIP-OPS-08/09): reported by an operator, from a log entry, from
a round's checklist or by a monitoring alarm; engineering is told at once (inbox, in the same
transaction) and acknowledges within 10 minutes of the finding; then it is dismissed, fixed on
the spot or turned into a fault."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text
from wuye.notify import services as notify
from wuye.workflow import services as engine
from wuye.workflow.models import Case
from wuye.workflow.services import SYSTEM_ROLE

from ..choices import AnomalySource, AnomalyStatus
from ..models import Anomaly, Equipment
from ..models.anomalies import DEDUP_MAX
from ..processes import ANOMALY_OPEN, EQUIPMENT_ANOMALY, STAFF
from ..selectors.anomalies import anomaly_get_for_user


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _check_report(actor: Actor, equipment: Equipment) -> None:
    # The register is the staff's: to a resident or a contractor the equipment does not exist.
    # A monitoring system reports in its own estate (fieldwork's alarm actor, EQUIP-OPS-04/08).
    if actor.role == SYSTEM_ROLE and equipment.estate_id in actor.estate_ids:
        return
    if not actor.is_superuser and (
        actor.staff is None or equipment.estate_id not in actor.estate_ids
    ):
        raise Http404
    if not (actor.is_superuser or actor.role in STAFF):
        raise PermissionDenied(_("只有本项目的员工可以上报设备异常"))


def engineering_recipients(estate) -> list:
    """Who is told of a new anomaly: the estate's engineering staff on duty and their head."""
    staff = Staff.objects.filter(
        company_id=estate.company_id,
        is_active=True,
        estates=estate,
        department__kind=DepartmentKind.ENGINEERING,
        role__in=(Role.TECHNICIAN, Role.DEPARTMENT_HEAD),
    ).select_related("user")
    return [s.user for s in staff]


def _notify_engineering(anomaly: Anomaly) -> int:
    """EQUIP-OPS-08/09: engineering hears of it at once, in the reporting transaction."""
    case, equipment = anomaly.case, anomaly.equipment
    url = reverse("facilities:anomaly_detail", args=[anomaly.pk])
    requests = []
    for user in engineering_recipients(anomaly.estate):
        with translation.override(notify.recipient_language(user)):
            title = _("设备异常 %(number)s：%(equipment)s") % {
                "number": case.number,
                "equipment": f"{equipment.code} {equipment.name}",
            }
            body = _("%(source)s：%(description)s。请在发现后 10 分钟内确认接报。") % {
                "source": AnomalySource(anomaly.source).label,
                "description": anomaly.description,
            }
        requests.append(
            {
                "recipient": user,
                "template": "notice",
                "context": {"title": title, "body": body},
                "estate": anomaly.estate,
                "ref": f"facilities.anomaly:{anomaly.pk}",
                "url": url,
                "idempotency_key": f"equipment_anomaly_reported:{case.pk}",
            }
        )
    return notify.message_enqueue_bulk(requests)


def _clean_report(source: str, description: str, found_at, dedup: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if source not in AnomalySource.values:
        errors["source"] = [_("请选择发现途径")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("请描述异常情况，如 电梯停在5楼不动")]
    check_model_text(Anomaly, errors, description=description)
    if found_at is not None and (
        not isinstance(found_at, dt.datetime) or timezone.is_naive(found_at)
    ):
        errors["found_at"] = [_("发现时间无效")]
    elif found_at is not None and found_at > timezone.now() + dt.timedelta(minutes=5):
        errors["found_at"] = [_("发现时间不能晚于当前时间")]
    if len(dedup) > DEDUP_MAX:
        errors["dedup"] = [_("去重键最多 %(n)d 个字符") % {"n": DEDUP_MAX}]
    if errors:
        raise ValidationError(errors)
    return description, dedup


def anomaly_report(
    *,
    equipment: Equipment,
    source: str,
    description: str,
    found_at: dt.datetime | None = None,
    by,
    data: dict | None = None,
    dedup: str | None = None,
    attachments: list | None = None,
) -> Case:
    """EQUIP-OPS-08: report an anomaly on a piece of equipment and tell engineering at once.

    ``source``: an AnomalySource (operator, log, round, monitoring). ``found_at`` (default now)
    starts the 10-minute clock (EQUIP-OPS-09). ``dedup`` (a monitoring alarm's id, a checklist
    item's follow-up key): a second report with the same key in the estate returns the first
    case and writes nothing, also when both arrive at once."""
    actor = _actor(by)
    _check_report(actor, equipment)
    dedup = (dedup or "").strip()
    description, dedup = _clean_report(source, description, found_at, dedup)
    if dedup:
        existing = Anomaly.objects.filter(estate_id=equipment.estate_id, dedup_key=dedup).first()
        if existing is not None:
            return existing.case
    try:
        with transaction.atomic():
            anomaly = _open(
                equipment, source, description, found_at, actor, data, dedup, attachments
            )
    except IntegrityError:
        # The same key reported at the same moment: the other transaction's case stands.
        existing = Anomaly.objects.filter(estate_id=equipment.estate_id, dedup_key=dedup).first()
        if not dedup or existing is None:
            raise
        return existing.case
    return anomaly.case


def _open(equipment, source, description, found_at, actor, data, dedup, attachments) -> Anomaly:
    found_at = found_at or timezone.now()
    case = engine.case_open(
        process=EQUIPMENT_ANOMALY,
        estate=equipment.estate,
        title=f"{equipment.code} {equipment.name}：{description}"[:200],
        by=actor,
        at=found_at,
        data={"source": source, "equipment": equipment.pk},
        **({"attachments": attachments} if attachments else {}),
    )
    anomaly = Anomaly.objects.create(
        case=case,
        estate=equipment.estate,
        equipment=equipment,
        source=source,
        description=description,
        found_at=found_at,
        reported_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
        data=data or {},
        dedup_key=dedup,
    )
    _notify_engineering(anomaly)
    return anomaly


def _fault_case(anomaly: Anomaly, value) -> Case:
    """The fault a ``to_fault`` names: a case of another process in the same estate."""
    pk = value.pk if isinstance(value, Case) else value
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise ValidationError({"fault_case": [_("请指明故障工单")]})
    fault = Case.objects.filter(pk=pk, estate_id=anomaly.estate_id).first()
    if fault is None or fault.process == EQUIPMENT_ANOMALY.code:
        raise ValidationError({"fault_case": [_("故障工单不存在或不属于本项目")]})
    return fault


@transaction.atomic
def anomaly_case_act(
    *,
    case: Case,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> Anomaly:
    """One step of an anomaly (the engine's ``case_act`` with the anomaly's own record)."""
    anomaly = Anomaly.objects.select_for_update().get(case=case)
    actor = _actor(by)
    if not actor.is_superuser and anomaly.estate_id not in actor.estate_ids:
        raise Http404
    data = dict(data or {})
    fault = None
    if action == "to_fault" and data.get("fault_case") not in (None, ""):
        fault = _fault_case(anomaly, data["fault_case"])
        data["fault_case"] = fault.pk
        data["fault_number"] = fault.number
    result = engine.case_act(
        case=anomaly.case,
        action=action,
        by=actor,
        note=note,
        data=data,
        attachments=attachments,
        assignee=assignee,
    )
    now = result.event.at
    fields = []
    if action in ("acknowledge", "dismiss", "fix", "to_fault") and anomaly.acknowledged_at is None:
        anomaly.acknowledged_at, anomaly.acknowledged_by = now, actor.user
        fields += ["acknowledged_at", "acknowledged_by"]
    if action in ("dismiss", "fix", "to_fault"):
        anomaly.handled_at = now
        anomaly.resolution = note.strip()[:500]
        fields += ["handled_at", "resolution"]
    if fault is not None:
        anomaly.fault_case = fault
        fields.append("fault_case")
    if fields:
        anomaly.save(update_fields=fields)
    anomaly.case = result.case
    return anomaly


def anomaly_act(
    *,
    anomaly: Anomaly | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
) -> Anomaly:
    """The pages' and the API's way in: the anomaly as the user may see it, then its step."""
    actor = _actor(by)
    pk = anomaly.pk if isinstance(anomaly, Anomaly) else anomaly
    anomaly = anomaly_get_for_user(actor.user, pk)
    EQUIPMENT_ANOMALY.action(action)  # an unknown action is a programming error, not a 400
    return anomaly_case_act(
        case=anomaly.case, action=action, by=actor, note=note, data=data, attachments=attachments
    )


def anomaly_mark_fault(*, anomaly_case: Case, fault_case: Case, by, note: str = "") -> Anomaly:
    """EQUIP-OPS-08 → EQUIP-FAULT: the fault process calls this when it opens a fault from an
    anomaly (``fault_open(..., anomaly_case=...)``), inside its own transaction: the anomaly is
    closed as turned into that fault and links to it."""
    anomaly = Anomaly.objects.filter(case=anomaly_case).select_related("case").first()
    if anomaly is None:
        raise ValidationError({"anomaly_case": [_("设备异常不存在")]})
    if anomaly.case.status not in ANOMALY_OPEN:
        raise ValidationError({"anomaly_case": [_("该设备异常已处理，不能再转为故障")]})
    return anomaly_case_act(
        case=anomaly_case, action="to_fault", by=by, note=note, data={"fault_case": fault_case.pk}
    )


__all__ = [
    "AnomalyStatus",
    "anomaly_act",
    "anomaly_case_act",
    "anomaly_mark_fault",
    "anomaly_report",
    "engineering_recipients",
]
