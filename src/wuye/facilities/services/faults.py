"""Equipment faults (设施设备故障处理, EQUIP-FAULT-01..15): opened from monitoring, an operator's
anomaly or an owner's repair order, reported at once to engineering and customer service, worked
on site (with the maintenance contractor when specialist work is needed), accepted by a test,
told to the owners, summed up in a 《故障处理报告》 whose preventive measures become schedules
that really run. Every step goes through the engine (``workflow.services.case_act``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Contractor, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import NOTE_MAX, check_model_text
from wuye.notify.choices import Channel, NoticeCategory
from wuye.notify.notices import notice_create
from wuye.notify.services import message_enqueue_bulk, recipient_language
from wuye.workflow import schedules as schedule_services
from wuye.workflow.models import Case, Frequency, Schedule
from wuye.workflow.services import SYSTEM_ROLE, case_act, case_open

from ..models import (
    Equipment,
    EquipmentCategory,
    Fault,
    FaultReport,
    FaultSeverity,
    FaultSource,
    FaultTestRun,
    PreventiveMeasure,
)
from ..processes import EQUIPMENT_ANOMALY, EQUIPMENT_FAULT
from .anomalies import anomaly_mark_fault

# EQUIP-FAULT-05: the on-duty person reports — an engineer, the desk, a guard in the control
# room — and the managers above them.
FAULT_REPORT_ROLES = frozenset(
    {Role.TECHNICIAN, Role.CS_AGENT, Role.GUARD, Role.DEPARTMENT_HEAD, Role.EXECUTIVE}
)
# EQUIP-FAULT-07: three no-load runs of an elevator, each normal.
ELEVATOR_TEST_RUNS = 3
# Equipment that serves the whole estate: its owners are all told (EQUIP-FAULT-08).
ESTATE_WIDE = frozenset({EquipmentCategory.POWER, EquipmentCategory.WATER})
MEASURES_MAX = 10
MEASURE_INTERVAL_MAX = 366
NOTICE_TITLE_MAX = 100


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _in_scope(actor: Actor, fault: Fault) -> None:
    """Staff of the estate, or the contractor the fault was called to (else 404)."""
    if actor.is_superuser:
        return
    if fault.estate_id not in actor.estate_ids:
        raise Http404
    if actor.staff is None and not (
        actor.contractor is not None and fault.contractor_id == actor.contractor.pk
    ):
        raise Http404


# --- Opening: detection and the report (EQUIP-FAULT-04/05) ------------------------------------


def _check_source(source: str, source_case: Case | None, equipment: Equipment, errors) -> None:
    if source not in FaultSource.values:
        errors["source"] = [_("请选择故障发现途径")]
        return
    if source_case is None:
        if source in (FaultSource.ANOMALY, FaultSource.REPAIR):
            errors["source_case"] = [_("请选择发现该故障的工单")]
        return
    if source_case.estate_id != equipment.estate_id:
        errors["source_case"] = [_("该工单不属于本项目")]
    elif source == FaultSource.REPAIR and source_case.process != "repair":
        errors["source_case"] = [_("请选择一张报修单")]
    elif source == FaultSource.ANOMALY and source_case.process != EQUIPMENT_ANOMALY.code:
        errors["source_case"] = [_("请选择一条运行异常记录")]
    elif source == FaultSource.MONITORING:
        errors["source_case"] = [_("监控报警发现的故障无需选择来源工单")]


def _report_recipients(estate) -> list:
    """EQUIP-FAULT-05: the heads of engineering and customer service, and the desk."""
    staff = Staff.objects.filter(
        Q(role=Role.DEPARTMENT_HEAD,
          department__kind__in=(DepartmentKind.ENGINEERING, DepartmentKind.CUSTOMER_SERVICE))
        | Q(role=Role.CS_AGENT),
        company_id=estate.company_id, estates=estate, is_active=True,
    ).select_related("user")  # fmt: skip
    return [s.user for s in staff]


def _tell(users, *, estate, key: str, title, body, ref: str, url: str = "") -> int:
    """Inbox messages in each recipient's language, in the caller's transaction (the outbox)."""
    requests = []
    for user in users:
        with translation.override(recipient_language(user)):
            context = {"title": str(title()), "body": str(body())}
        requests.append(
            {"recipient": user, "template": "notice", "context": context,
             "channels": [Channel.INBOX], "estate": estate, "ref": ref, "url": url,
             "idempotency_key": f"{key}:{user.pk}"}
        )  # fmt: skip
    return message_enqueue_bulk(requests)


def _fault_url(fault: Fault) -> str:
    from django.urls import reverse

    return reverse("facilities:fault_detail", args=[fault.pk])


@transaction.atomic
def fault_create(
    *,
    equipment: Equipment,
    severity: str,
    source: str,
    description: str,
    by,
    entrapment: bool = False,
    source_case: Case | None = None,
    detected_at: dt.datetime | None = None,
    attachments: list | None = None,
) -> Fault:
    """Open a fault (故障发现, EQUIP-FAULT-04) and report it at once to engineering and customer
    service (EQUIP-FAULT-05): the case, its clocks from the report time (EQUIP-FAULT-12/13, and
    for a trapped lift EQUIP-FAULT-10/11) and the inbox messages commit together."""
    actor = _actor(by)
    estate = equipment.estate
    # A monitoring system reports in its own estate (fieldwork's alarm actor, EQUIP-FAULT-04).
    system = actor.role == SYSTEM_ROLE and estate.pk in actor.estate_ids
    if not (actor.is_superuser or system):
        if estate.pk not in actor.estate_ids or actor.staff is None:
            raise Http404
        if actor.role not in FAULT_REPORT_ROLES:
            raise PermissionDenied(_("只有值班人员、工程部和客服中心可以上报设备故障"))
    errors: dict[str, list[str]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("请描述故障现象，如 电梯停在5楼不动")]
    check_model_text(Fault, errors, description=description)
    if severity not in FaultSeverity.values:
        errors["severity"] = [_("请选择故障等级")]
    if entrapment and equipment.category != EquipmentCategory.ELEVATOR:
        errors["entrapment"] = [_("只有电梯故障可以标记为困人")]
    _check_source(source, source_case, equipment, errors)
    if source_case is not None and Fault.objects.filter(source_case=source_case).exists():
        errors.setdefault("source_case", []).append(_("该工单已生成过故障，请直接关联"))
    if errors:
        raise ValidationError(errors)
    title = _("%(equipment)s故障") % {"equipment": equipment.name}
    if entrapment:
        title = _("%(equipment)s困人") % {"equipment": equipment.name}
    case = case_open(
        process=EQUIPMENT_FAULT, estate=estate, title=title, by=actor, at=detected_at,
        note=description, attachments=attachments,
        data={"severity": severity, "entrapment": "yes" if entrapment else "no",
              "equipment": equipment.pk, "source": source,
              "source_case": source_case.pk if source_case else None},
    )  # fmt: skip
    fault = Fault.objects.create(
        case=case, estate=estate, equipment=equipment, severity=severity, entrapment=entrapment,
        source=source, source_case=source_case, description=description,
        detected_at=case.created_at,
        reported_by=actor.user if getattr(actor.user, "is_authenticated", False) else None,
    )  # fmt: skip
    severity_label = FaultSeverity(severity).label
    _tell(
        _report_recipients(estate), estate=estate, key=f"fault:{fault.pk}:reported",
        title=lambda: _("设备故障 %(number)s") % {"number": case.number},
        body=lambda: (
            _("%(equipment)s（%(location)s）发生%(severity)s%(trapped)s：%(description)s")
            % {"equipment": equipment.name, "location": equipment.location or estate.name,
               "severity": severity_label, "trapped": _("，有人被困") if entrapment else "",
               "description": description[:200]}
        ),
        ref=case.number, url=_fault_url(fault),
    )  # fmt: skip
    if source_case is not None and source_case.process == EQUIPMENT_ANOMALY.code:
        # EQUIP-OPS-08: the anomaly is closed as turned into this fault, linked both ways.
        anomaly_mark_fault(anomaly_case=source_case, fault_case=case, by=actor)
    return fault


# --- The steps ----------------------------------------------------------------------------------


def _precheck(actor: Actor, action: str, case: Case) -> None:
    """The engine's role and state checks, before a step writes its own records."""
    decl = EQUIPMENT_FAULT.action(action)
    if not actor.is_superuser and actor.role not in decl.roles:
        raise PermissionDenied(_("您的角色不能执行“%(action)s”") % {"action": decl.label})
    if case.status not in decl.sources:
        raise Conflict(
            _("工单当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": EQUIPMENT_FAULT.state_label(case.status), "action": decl.label},
            code="invalid_state",
        )


def _contractor_for(fault: Fault, value: Any) -> Contractor:
    """EQUIP-FAULT-06: a contractor of the company serving this estate, qualified today."""
    try:
        pk = int(value.pk if isinstance(value, Contractor) else value)
        contractor = Contractor.objects.get(
            pk=pk, company_id=fault.estate.company_id, estates=fault.estate_id
        )
    except (TypeError, ValueError, Contractor.DoesNotExist):
        raise ValidationError({"contractor": [_("请选择为本项目服务的维保单位")]}) from None
    today = timezone.localdate()
    if not contractor.qualification_valid_on(today):
        raise ValidationError(
            {"contractor": [_("该维保单位资质已于 %(day)s 过期，不能安排其维修")
                            % {"day": contractor.qualification_expires_on}]}
        )  # fmt: skip
    return contractor


def _runs(fault: Fault) -> list[FaultTestRun]:
    return list(fault.test_runs.filter(repair_round=fault.repair_round).order_by("number"))


def _record_run(fault: Fault, *, normal: bool, note: str, actor: Actor, now) -> FaultTestRun:
    runs = _runs(fault)
    if len(runs) >= ELEVATOR_TEST_RUNS:
        raise Conflict(_("已记录 3 次试运行，请确认验收"), code="runs_done")
    return FaultTestRun.objects.create(
        fault=fault, repair_round=fault.repair_round, number=len(runs) + 1, normal=normal,
        note=note[:200], at=now, by=actor.user,
    )  # fmt: skip


def _notice(fault: Fault, *, actor: Actor, title: str, body: str) -> int:
    """EQUIP-FAULT-08/14: a notice to the residents the fault affects — its building's, or the
    whole estate's for estate-wide systems — on the board and in their inbox."""
    equipment = fault.equipment
    building = None if equipment.category in ESTATE_WIDE else equipment.building
    notice = notice_create(
        estate=fault.estate, title=title, body=body, category=NoticeCategory.GENERAL,
        building=building, notify_residents=True, channels=[Channel.INBOX], by=actor.user,
    )  # fmt: skip
    return notice.pk


def _notice_inputs(fault: Fault, data: dict, outcome: bool) -> tuple[str, str]:
    body = str(data.get("body") or "").strip()
    title = str(data.get("title") or "").strip()
    if not title:
        title = (_("%(equipment)s故障处理结果") if outcome else _("%(equipment)s故障通知")) % {
            "equipment": fault.equipment.name
        }
    errors = {}
    if not body:
        errors["body"] = [_("请填写通知内容，如 电梯故障正在维修，预计1小时内恢复")]
    elif len(body) > NOTE_MAX:
        errors["body"] = [_("通知内容不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    if len(title) > NOTICE_TITLE_MAX:
        errors["title"] = [_("标题不能超过 %(n)d 个字") % {"n": NOTICE_TITLE_MAX}]
    if errors:
        raise ValidationError(errors)
    return title, body


def _require_engineering_head(actor: Actor) -> None:
    """EQUIP-FAULT-09: engineering writes the report — its head, or an executive."""
    if actor.is_superuser or actor.role == Role.EXECUTIVE:
        return
    if actor.role == Role.DEPARTMENT_HEAD and actor.staff.department.kind == (
        DepartmentKind.ENGINEERING
    ):
        return
    raise PermissionDenied(_("只有工程设备部负责人或企业高层可以编写故障处理报告"))


def _measures(fault: Fault, raw: Any) -> list[dict]:
    """The preventive measures of a report: each a text and its period in days."""
    if not isinstance(raw, list) or not raw:
        raise ValidationError({"measures": [_("请至少填写一项预防措施，如 每周清洁传感器")]})
    if len(raw) > MEASURES_MAX:
        raise ValidationError({"measures": [_("预防措施最多 %(n)d 项") % {"n": MEASURES_MAX}]})
    clean, problems = [], []
    for index, item in enumerate(raw, start=1):
        item = item if isinstance(item, dict) else {}
        text = str(item.get("text") or "").strip()
        try:
            days = int(item.get("interval_days"))
        except (TypeError, ValueError):
            days = 0
        if not text or len(text) > 200:
            problems.append(_("第 %(n)d 项：请填写措施内容（200 字以内）") % {"n": index})
        elif not 1 <= days <= MEASURE_INTERVAL_MAX:
            problems.append(_("第 %(n)d 项：执行周期应为 1 至 366 天") % {"n": index})
        else:
            clean.append({"text": text, "interval_days": days})
    if problems:
        raise ValidationError({"measures": problems})
    return clean


def _write_report(fault: Fault, *, actor: Actor, data: dict, now) -> dict:
    """EQUIP-FAULT-09/15: the report and, for each preventive measure, a recurring schedule of
    planned tasks on the equipment (kind ``preventive``) that the engine's generator fills."""
    _require_engineering_head(actor)
    errors: dict[str, list[str]] = {}
    cause = str(data.get("cause") or "").strip()
    handling = str(data.get("handling") or "").strip()
    if not cause:
        errors["cause"] = [_("请填写原因分析")]
    if not handling:
        errors["handling"] = [_("请填写处理经过")]
    check_model_text(FaultReport, errors, cause=cause, handling=handling)
    try:
        measures = _measures(fault, data.get("measures"))
    except ValidationError as error:
        errors.update(error.message_dict)
        measures = []
    if errors:
        raise ValidationError(errors)
    if FaultReport.objects.filter(fault=fault).exists():
        raise Conflict(_("该故障已有处理报告"), code="report_exists")
    report = FaultReport.objects.create(
        fault=fault, cause=cause, handling=handling, written_by=actor.user, written_at=now
    )
    from wuye.fieldwork.models import TaskSpec  # the field-work layer below: its data

    subject_type = ContentType.objects.get_for_model(Equipment)
    anchor = timezone.localtime(now, schedule_services._zone(fault.estate)).date()
    summary = []
    for measure in measures:
        schedule = schedule_services.schedule_create(
            estate=fault.estate, by=actor, kind="preventive", rule="EQUIP-FAULT-15",
            name=(f"{fault.equipment.code} {measure['text']}")[:100],
            frequency=Frequency.INTERVAL_DAYS, interval=measure["interval_days"],
            anchor=anchor + dt.timedelta(days=measure["interval_days"]),
            assignee_role=Role.TECHNICIAN, department=DepartmentKind.ENGINEERING,
        )  # fmt: skip
        TaskSpec.objects.create(
            schedule=schedule, subject_type=subject_type, subject_id=fault.equipment_id
        )
        item = PreventiveMeasure.objects.create(
            report=report, text=measure["text"], interval_days=measure["interval_days"],
            schedule=schedule,
        )  # fmt: skip
        summary.append({"measure": item.pk, "schedule": schedule.pk, "text": item.text})
    return {"report": report.pk, "measures": summary}


@transaction.atomic
def fault_act(
    *,
    fault: Fault | int,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> Fault:
    """One step of a fault, with the rules of the step (the engine checks role and state):

    - ``call_contractor`` (EQUIP-FAULT-06): ``data["contractor"]``, qualified today; its
      accounts are told and may then see and act on the fault;
    - ``rescue`` (EQUIP-FAULT-11): a trapped lift only, once;
    - ``test_run`` / ``test_fail`` (EQUIP-FAULT-07): an elevator's no-load runs, one by one;
      a run that is not normal sends the repair back (its clocks reopen);
    - ``accept``: an elevator after 3 normal runs of this repair; other equipment with the
      test's note;
    - ``inform`` / ``inform_outcome`` (EQUIP-FAULT-08/14): ``data["body"]`` (and ``title``)
      posted as a notice to the affected residents;
    - ``write_report`` (EQUIP-FAULT-09/15): ``data`` cause, handling, measures
      ([{text, interval_days}]); engineering's head or an executive;
    - ``reclassify``: ``data["severity"]``; ``link_repair``: ``data["order"]`` (a repair order).
    """
    actor = None if by is None else _actor(by)
    pk = fault.pk if isinstance(fault, Fault) else fault
    try:
        fault = Fault.objects.select_for_update().select_related("estate", "equipment").get(pk=pk)
    except (Fault.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if actor is None:
        raise PermissionDenied(_("该操作须由人执行"))
    _in_scope(actor, fault)
    _precheck(actor, action, fault.case)  # an unknown action: ProcessError (callers check)
    data = dict(data or {})
    note = note or ""
    now = timezone.now()
    elevator = fault.equipment.category == EquipmentCategory.ELEVATOR
    changed: list[str] = []
    # Checks that need no writing come first; the engine then checks role and state.
    if action == "call_contractor":
        contractor = _contractor_for(fault, data.get("contractor"))
        data["contractor"] = contractor.pk
        data["contractor_name"] = contractor.name
    elif action in ("rescue",) and not fault.entrapment:
        raise Conflict(_("该故障没有人员被困"), code="not_entrapment")
    elif action == "rescue" and fault.rescued_at is not None:
        raise Conflict(_("已记录被困人员解救"), code="already_rescued")
    elif action == "contractor_arrive" and fault.contractor_id is None:
        raise Conflict(_("尚未联系维保单位"), code="no_contractor")
    elif action == "test_run" and not elevator:
        raise Conflict(_("只有电梯需要逐次记录空载试运行，其他设备请填写测试情况后验收"),
                       code="not_elevator")  # fmt: skip
    elif action == "accept" and not elevator and not note.strip():
        raise ValidationError({"note": [_("请填写测试情况，如 水泵试运行30分钟，压力正常")]})
    elif action == "reclassify" and data.get("severity") not in FaultSeverity.values:
        raise ValidationError({"severity": [_("请选择故障等级")]})
    if action in ("inform", "inform_outcome"):
        title, body = _notice_inputs(fault, data, outcome=action == "inform_outcome")
        data = {"title": title, "body": body}
    if action == "link_repair":
        order = _repair_order(fault, data.get("order"), actor)
        data = {"order": order.pk, "case": order.case_id, "number": order.case.number}
    if action == "accept" and elevator:
        runs = _runs(fault)
        if len(runs) < ELEVATOR_TEST_RUNS or not all(r.normal for r in runs):
            raise Conflict(
                _("电梯须空载试运行 3 次且均正常才能验收（已记录 %(n)d 次）") % {"n": len(runs)},
                code="runs_missing",
            )
    # What the step produces (the notice, the report) is written first, so the event records it;
    # a refusal below rolls it back with everything else.
    if action in ("inform", "inform_outcome"):
        data["notice"] = _notice(fault, actor=actor, title=data["title"], body=data["body"])
    elif action == "write_report":
        data = {"report": _write_report(fault, actor=actor, data=data, now=now)}
    result = case_act(case=fault.case, action=action, by=actor, note=note, data=data,
                      attachments=attachments)  # fmt: skip
    fault.case = result.case
    if action == "arrive":
        fault.arrived_at = now
        changed.append("arrived_at")
    elif action == "call_contractor":
        fault.contractor_id = data["contractor"]
        fault.contractor_called_at = now
        fault.contractor_arrived_at = None
        changed += ["contractor", "contractor_called_at", "contractor_arrived_at"]
        users = [a.user for a in contractor.accounts.select_related("user") if a.user.is_active]
        _tell(
            users, estate=fault.estate, key=f"fault:{fault.pk}:contractor:{result.event.pk}",
            title=lambda: _("维修请求 %(number)s") % {"number": fault.case.number},
            body=lambda: _("%(estate)s %(equipment)s（%(location)s）故障，请派人到场处理。")
            % {"estate": fault.estate.name, "equipment": fault.equipment.name,
               "location": fault.equipment.location or ""},
            ref=fault.case.number, url=_fault_url(fault),
        )  # fmt: skip
    elif action == "contractor_arrive":
        fault.contractor_arrived_at = now
        changed.append("contractor_arrived_at")
    elif action == "rescue":
        fault.rescued_at = now
        changed.append("rescued_at")
    elif action == "repair_done":
        fault.repaired_at = now
        fault.repair_round += 1
        changed += ["repaired_at", "repair_round"]
    elif action == "test_run":
        _record_run(fault, normal=True, note=note, actor=actor, now=now)
    elif action == "test_fail":
        if elevator:
            _record_run(fault, normal=False, note=note, actor=actor, now=now)
        fault.repaired_at = None
        changed.append("repaired_at")
    elif action == "accept":
        fault.accepted_at = now
        changed.append("accepted_at")
    elif action == "reclassify":
        fault.severity = data["severity"]
        changed.append("severity")
    elif action == "link_repair":
        fault.linked_cases.add(order.case_id)
    if changed:
        fault.save(update_fields=changed)
    return fault


def fault_case_act(*, case: Case, action: str, by, **kwargs) -> Fault:
    """The engine's routing (``Process.service``): the generic case page and API take a
    fault's steps through ``fault_act``."""
    kwargs.pop("assignee", None)
    return fault_act(fault=case.fault.pk, action=action, by=by, **kwargs)


# --- Repair orders (EQUIP-FAULT-04) -------------------------------------------------------------


def _repair_order(fault: Fault | None, value: Any, actor: Actor, estate=None):
    from wuye.repairs.models import RepairOrder

    estate_id = fault.estate_id if fault is not None else estate.pk
    try:
        order = RepairOrder.objects.select_related("case").get(
            pk=int(value.pk if isinstance(value, RepairOrder) else value), estate_id=estate_id
        )
    except (TypeError, ValueError, RepairOrder.DoesNotExist):
        raise ValidationError({"order": [_("请选择本项目的报修单")]}) from None
    if order.public_area_id is None:
        raise ValidationError({"order": [_("只有公共设施设备的报修可以关联设备故障")]})
    if fault is not None and (
        fault.source_case_id == order.case_id
        or fault.linked_cases.filter(pk=order.case_id).exists()
    ):
        raise Conflict(_("该报修单已关联此故障"), code="already_linked")
    return order


@transaction.atomic
def fault_link_repair(
    *,
    order,
    by,
    fault: Fault | None = None,
    equipment: Equipment | None = None,
    severity: str = FaultSeverity.GENERAL,
    description: str = "",
) -> Fault:
    """Engineering links a repair order about common equipment to a fault: an existing one (a
    ``link_repair`` step on it) or a new one found through that order (EQUIP-FAULT-04), whose
    description defaults to the owner's words."""
    actor = _actor(by)
    if fault is not None:
        return fault_act(fault=fault, action="link_repair", by=actor, data={"order": order})
    if equipment is None:
        raise ValidationError({"equipment": [_("请选择故障设备")]})
    if not actor.is_superuser and (
        equipment.estate_id not in actor.estate_ids or actor.staff is None
    ):
        raise Http404
    if not (actor.is_superuser or actor.role in EQUIPMENT_FAULT.action("link_repair").roles):
        raise PermissionDenied(_("只有工程部人员和管理层可以把报修单转为设备故障"))
    order = _repair_order(None, order, actor, estate=equipment.estate)
    return fault_create(
        equipment=equipment, severity=severity, source=FaultSource.REPAIR,
        description=description or order.description, by=actor, source_case=order.case,
    )  # fmt: skip


def fault_schedules(fault: Fault) -> list[Schedule]:
    """The schedules of a fault's preventive measures (the report's), in order."""
    return list(Schedule.objects.filter(preventive_measure__report__fault=fault).order_by("id"))
