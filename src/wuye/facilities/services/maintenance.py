"""Maintenance plans (《设施设备维护保养计划》, EQUIP-MAINT-03/04/05), engineering's verification of
a contractor's service (EQUIP-MAINT-06/11) and the monthly effectiveness review (EQUIP-MAINT-08).

A plan is written by a department head or an executive (draft → submitted), approved or sent
back by an executive only (EQUIP-MAINT-05); approval creates one schedule per piece of equipment
through field work's ``plan_create`` (kind ``maintenance``), so the engine generates the tasks.
An active plan is never edited: ``plan_revise`` makes a new draft version; the old version's
schedules keep running until the new one is approved."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Contractor, Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.core.validators import NOTE_MAX
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.models import ChecklistAnswer, FollowUp, TaskRecord
from wuye.fieldwork.services.certificates import require_certificate
from wuye.fieldwork.services.checklists import checklist_create
from wuye.fieldwork.services.records import followup_open, person_name
from wuye.fieldwork.services.tasks import plan_create, plan_deactivate
from wuye.workflow.models import Frequency, RecurrenceBasis

from ..choices import AnomalySource, EquipmentCategory, EquipmentStatus
from ..models import (
    Equipment,
    MaintenanceCheck,
    MaintenancePlan,
    MaintenancePlanEvent,
    MaintenancePlanSchedule,
    MaintenanceReview,
    MaintenanceVerification,
    PlanStatus,
)
from .anomalies import anomaly_report

__all__ = [
    "CATEGORY_CERTIFICATE",
    "TEMPLATES",
    "maintenance_verify",
    "plan_approve",
    "plan_draft",
    "plan_retire",
    "plan_return",
    "plan_revise",
    "plan_submit",
    "review_record",
]

WRITE_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
VERIFY_ROLES = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD, Role.TECHNICIAN})
KIND = "maintenance"

# EQUIP-MAINT-12: the qualification a contractor servicing the category must hold.
CATEGORY_CERTIFICATE = {
    EquipmentCategory.ELEVATOR: CertificateKind.ELEVATOR_MAINTENANCE,
    EquipmentCategory.FIRE: CertificateKind.FIRE_MAINTENANCE,
}


def _check(label: str) -> dict:
    return {"label": label, "kind": "check", "required": True}


# Standard plans the form prefills: category, name, rule, frequency, interval, items.
TEMPLATES: dict[str, dict] = {
    # EQUIP-MAINT-09: the elevator's routine service every 15 days.
    "elevator_routine": {
        "label": _("电梯半月保养"), "category": EquipmentCategory.ELEVATOR,
        "rule": "EQUIP-MAINT-09", "frequency": Frequency.INTERVAL_DAYS, "interval": 15,
        "items": ["钢丝绳润滑", "制动器检查", "门机构检查调整", "轿厢照明、通风检查",
                  "紧急报警装置试验", "机房、井道、底坑清洁"],
    },
    # EQUIP-MAINT-10: the elevator's full service every quarter.
    "elevator_quarterly": {
        "label": _("电梯季度全面保养"), "category": EquipmentCategory.ELEVATOR,
        "rule": "EQUIP-MAINT-10", "frequency": Frequency.QUARTERLY, "interval": 1,
        "items": ["曳引轮、导向轮磨损检查", "限速器、安全钳联动试验", "缓冲器检查",
                  "导轨润滑及紧固", "电气控制柜检查紧固", "平层准确度测试"],
    },
    # EQUIP-MAINT-01: the air conditioners cleaned once a year: every 12 months on the plan's
    # day (not every 365 days, which drifts a day in a leap year).
    "hvac_yearly": {
        "label": _("空调年度清洗保养"), "category": EquipmentCategory.HVAC,
        "rule": "EQUIP-MAINT-01", "frequency": Frequency.MONTHLY, "interval": 12,
        "items": ["过滤网清洗", "冷凝器、蒸发器清洗", "冷凝水管疏通", "运行电流检查"],
    },
    "water_pump_monthly": {
        "label": _("水泵月度保养"), "category": EquipmentCategory.WATER,
        "rule": "EQUIP-MAINT-01", "frequency": Frequency.MONTHLY, "interval": 1,
        "items": ["轴承润滑", "密封漏水检查", "运行噪声、振动检查", "控制柜及接线检查"],
    },
    "fire_monthly": {
        "label": _("消防设施月度保养"), "category": EquipmentCategory.FIRE,
        "rule": "EQUIP-MAINT-01", "frequency": Frequency.MONTHLY, "interval": 1,
        "items": ["消防泵手动启动试验", "报警控制器自检", "喷淋末端试水", "消火栓检查"],
    },
}  # fmt: skip


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _in_estate(actor: Actor, estate_id: int) -> None:
    if actor.is_superuser:
        return
    if actor.staff is None or estate_id not in actor.estate_ids:
        raise Http404


def _check_writer(actor: Actor, estate_id: int) -> None:
    _in_estate(actor, estate_id)
    if not actor.is_superuser and actor.role not in WRITE_ROLES:
        raise PermissionDenied(_("只有部门负责人或企业高层可以编制保养计划"))


def _check_executive(actor: Actor, estate_id: int) -> None:
    """EQUIP-MAINT-05: the plan is approved by the company's executives only."""
    _in_estate(actor, estate_id)
    if not actor.is_superuser and actor.role != Role.EXECUTIVE:
        raise PermissionDenied(_("保养计划须由企业高层审批"))


def _event(plan: MaintenancePlan, action: str, actor: Actor, note: str = "") -> None:
    MaintenancePlanEvent.objects.create(
        plan=plan, action=action, note=note, by=actor.user, at=timezone.now()
    )


def _note(value, field: str, errors: dict, *, required: bool = False, label: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("请填写%(label)s") % {"label": label}]
    elif len(text) > NOTE_MAX:
        errors[field] = [_("不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    return text


def _locked(plan: MaintenancePlan) -> MaintenancePlan:
    return MaintenancePlan.objects.select_for_update().select_related("estate").get(pk=plan.pk)


def plan_equipment(plan: MaintenancePlan) -> list[Equipment]:
    """What the plan services: its one piece, or every piece of its category in use."""
    if plan.equipment_id is not None:
        return [plan.equipment]
    return list(
        Equipment.objects.filter(estate_id=plan.estate_id, category=plan.category)
        .exclude(status=EquipmentStatus.STOPPED)
        .order_by("code")
    )


def _validate(estate: Estate, values: dict, errors: dict) -> dict:
    name = str(values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("请填写计划名称")]
    elif len(name) > 100:
        errors["name"] = [_("名称不能超过 100 个字")]
    equipment = values.get("equipment")
    category = values.get("category") or (equipment.category if equipment else "")
    if equipment is not None and equipment.estate_id != estate.pk:
        errors["equipment"] = [_("设备须为本项目的设备")]
    if category not in EquipmentCategory.values:
        errors["category"] = [_("请选择设备类别")]
    elif equipment is not None and equipment.category != category:
        errors["category"] = [_("设备类别与所选设备不符")]
    frequency = values.get("frequency")
    if frequency not in (Frequency.INTERVAL_DAYS, Frequency.MONTHLY, Frequency.QUARTERLY):
        errors["frequency"] = [_("请选择保养频次")]
    interval = values.get("interval", 1)
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 366:
        errors["interval"] = [_("间隔须为 1 到 366")]
    basis = values.get("basis") or RecurrenceBasis.CALENDAR
    if basis not in RecurrenceBasis.values:
        errors["basis"] = [_("请选择计算方式")]
    anchor = values.get("anchor")
    if not isinstance(anchor, dt.date) or isinstance(anchor, dt.datetime):
        errors["anchor"] = [_("请填写起始日期")]
    due_days = values.get("due_days", 3)
    if not isinstance(due_days, int) or isinstance(due_days, bool) or not 0 <= due_days <= 60:
        errors["due_days"] = [_("完成期限须为 0 到 60 天")]
    contractor: Contractor | None = values.get("contractor")
    if contractor is not None and (
        contractor.company_id != estate.company_id
        or not contractor.estates.filter(pk=estate.pk).exists()
    ):
        errors["contractor"] = [_("维保单位须为服务本项目的单位")]
    certificate = CATEGORY_CERTIFICATE.get(category, "") if contractor is not None else ""
    if certificate and "contractor" not in errors and isinstance(anchor, dt.date):
        # EQUIP-MAINT-12: an expired qualification blocks naming the contractor.
        today = timezone.now().astimezone(estate_tz(estate)).date()
        try:
            require_certificate(kind=certificate, on=max(today, anchor), contractor=contractor)
        except ValidationError as error:
            for messages in error.message_dict.values():
                errors.setdefault("contractor", []).extend(messages)
    standard = _note(values.get("standard"), "standard", errors)
    template = values.get("template") or ""
    if template and template not in TEMPLATES:
        errors["template"] = [_("请选择标准模板")]
    return {
        "name": name, "category": category, "equipment": equipment, "frequency": frequency,
        "interval": interval, "basis": basis, "anchor": anchor, "due_days": due_days,
        "contractor": contractor, "certificate": certificate, "standard": standard,
        "template": template, "rule": TEMPLATES[template]["rule"] if template in TEMPLATES
        else "EQUIP-MAINT-03",
    }  # fmt: skip


def _items(values: dict, template: str) -> list[dict]:
    items = values.get("items")
    if items is None and template in TEMPLATES:
        return [_check(label) for label in TEMPLATES[template]["items"]]
    return list(items or [])


@transaction.atomic
def plan_draft(*, estate: Estate, by, items: list[dict] | None = None, **values) -> MaintenancePlan:
    """A new draft plan (EQUIP-MAINT-03/04): ``name``, ``category`` or ``equipment``,
    ``frequency`` (interval_days, monthly, quarterly), ``interval``, ``basis``, ``anchor``,
    ``due_days``, ``contractor``, ``standard``, ``template`` (TEMPLATES; prefills the items when
    none are given) and the content ``items`` (checklist items)."""
    actor = _actor(by)
    _check_writer(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    clean = _validate(estate, values, errors)
    rows = _items({"items": items}, clean["template"])
    if not rows and not errors:
        errors["items"] = [_("请至少填写一项保养内容")]
    if errors:
        raise ValidationError(errors)
    checklist = checklist_create(
        name=clean["name"], kind=KIND, by=actor, estate=estate, source=clean["standard"],
        items=rows,
    )  # fmt: skip
    plan = MaintenancePlan.objects.create(
        estate=estate, checklist=checklist, created_by=actor.user, created_at=timezone.now(),
        **{k: v for k, v in clean.items()},
    )  # fmt: skip
    _event(plan, "draft", actor)
    return plan


@transaction.atomic
def plan_revise(*, plan: MaintenancePlan, by, items: list[dict] | None = None, **values):
    """Change a plan. A draft or a returned plan changes in place (a new checklist when items
    are given); an active one gets a new draft version, its schedules still running."""
    actor = _actor(by)
    plan = _locked(plan)
    _check_writer(actor, plan.estate_id)
    if plan.status in (PlanStatus.SUBMITTED, PlanStatus.SUPERSEDED, PlanStatus.RETIRED):
        raise Conflict(_("该计划当前不能修改"), code="invalid_state")
    if plan.status == PlanStatus.ACTIVE and MaintenancePlan.objects.filter(previous=plan).exists():
        raise Conflict(_("该计划已有待审批的新版本"), code="exists")
    current = {
        "name": plan.name, "category": plan.category, "equipment": plan.equipment,
        "frequency": plan.frequency, "interval": plan.interval, "basis": plan.basis,
        "anchor": plan.anchor, "due_days": plan.due_days, "contractor": plan.contractor,
        "standard": plan.standard, "template": plan.template,
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    clean = _validate(plan.estate, current | values, errors)
    if items is not None and not items:
        errors["items"] = [_("请至少填写一项保养内容")]
    if errors:
        raise ValidationError(errors)
    if items is None:
        rows = [
            {"label": i.label, "kind": i.kind, "unit": i.unit, "low": i.low, "high": i.high,
             "required": i.required, "hint": i.hint}
            for i in plan.checklist.items.order_by("position")
        ]  # fmt: skip
    else:
        rows = items
    checklist = checklist_create(
        name=clean["name"], kind=KIND, by=actor, estate=plan.estate, source=clean["standard"],
        items=rows,
    )  # fmt: skip
    if plan.status == PlanStatus.ACTIVE:
        new = MaintenancePlan.objects.create(
            estate=plan.estate, checklist=checklist, created_by=actor.user,
            created_at=timezone.now(), version=plan.version + 1, previous=plan, **clean,
        )  # fmt: skip
        _event(new, "revise", actor, _("由第 %(v)d 版修订") % {"v": plan.version})
        return new
    for field, value in clean.items():
        setattr(plan, field, value)
    plan.checklist = checklist
    if plan.status == PlanStatus.RETURNED:
        plan.status = PlanStatus.DRAFT
    plan.save()
    _event(plan, "edit", actor)
    return plan


@transaction.atomic
def plan_submit(*, plan: MaintenancePlan, by) -> MaintenancePlan:
    actor = _actor(by)
    plan = _locked(plan)
    _check_writer(actor, plan.estate_id)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise Conflict(_("只有草稿或退回的计划可以提交审批"), code="invalid_state")
    if not plan_equipment(plan):
        raise ValidationError({"equipment": [_("该类别下没有在用设备")]})
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    _event(plan, "submit", actor)
    return plan


@transaction.atomic
def plan_approve(*, plan: MaintenancePlan, by, note: str = "") -> MaintenancePlan:
    """EQUIP-MAINT-05: an executive approves (with a note on the resources it needs); one
    schedule per piece of equipment starts, and a previous version's schedules stop."""
    actor = _actor(by)
    plan = _locked(plan)
    _check_executive(actor, plan.estate_id)
    errors: dict[str, list[str]] = {}
    note = _note(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    if plan.status != PlanStatus.SUBMITTED:
        raise Conflict(_("只有待审批的计划可以审批"), code="invalid_state")
    if plan.previous_id is not None:
        previous = _locked(plan.previous)
        for link in previous.schedules.select_related("schedule"):
            if link.schedule.active:
                plan_deactivate(schedule=link.schedule, by=actor)
        previous.status = PlanStatus.SUPERSEDED
        previous.save(update_fields=["status"])
        _event(previous, "superseded", actor, _("第 %(v)d 版已批准") % {"v": plan.version})
    monthly_day = plan.anchor.day if plan.frequency == Frequency.MONTHLY else None
    for equipment in plan_equipment(plan):
        schedule = plan_create(
            estate=plan.estate, name=f"{plan.name} {equipment.code}"[:100], kind=KIND,
            rule=plan.rule, frequency=plan.frequency, interval=plan.interval, basis=plan.basis,
            anchor=plan.anchor, day_of_month=monthly_day,
            due_amount=plan.due_days, department="engineering", subject=equipment,
            checklist=plan.checklist, contractor=plan.contractor,
            certificate=plan.certificate, by=actor,
            assignee_role="" if plan.contractor_id else Role.TECHNICIAN,
        )  # fmt: skip
        MaintenancePlanSchedule.objects.create(plan=plan, schedule=schedule, equipment=equipment)
    plan.status = PlanStatus.ACTIVE
    plan.approval_note = note
    plan.approved_by = actor.user
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approval_note", "approved_by", "approved_at"])
    _event(plan, "approve", actor, note)
    return plan


@transaction.atomic
def plan_return(*, plan: MaintenancePlan, by, reason: str) -> MaintenancePlan:
    actor = _actor(by)
    plan = _locked(plan)
    _check_executive(actor, plan.estate_id)
    errors: dict[str, list[str]] = {}
    reason = _note(reason, "reason", errors, required=True, label=_("退回原因"))
    if errors:
        raise ValidationError(errors)
    if plan.status != PlanStatus.SUBMITTED:
        raise Conflict(_("只有待审批的计划可以退回"), code="invalid_state")
    plan.status = PlanStatus.RETURNED
    plan.return_reason = reason
    plan.save(update_fields=["status", "return_reason"])
    _event(plan, "return", actor, reason)
    return plan


@transaction.atomic
def plan_retire(*, plan: MaintenancePlan, by, note: str = "") -> MaintenancePlan:
    """Stop a plan: its schedules stop (future tasks cancelled, done ones kept)."""
    actor = _actor(by)
    plan = _locked(plan)
    _check_writer(actor, plan.estate_id)
    errors: dict[str, list[str]] = {}
    note = _note(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    if plan.status in (PlanStatus.RETIRED, PlanStatus.SUPERSEDED):
        raise Conflict(_("该计划已停用"), code="invalid_state")
    for link in plan.schedules.select_related("schedule"):
        if link.schedule.active:
            plan_deactivate(schedule=link.schedule, by=actor)
    plan.status = PlanStatus.RETIRED
    plan.save(update_fields=["status"])
    _event(plan, "retire", actor, note)
    return plan


@transaction.atomic
def maintenance_verify(
    *, record: TaskRecord, by, checks: list[dict], note: str = ""
) -> MaintenanceVerification:
    """EQUIP-MAINT-06/11: engineering (a technician, a head or an executive; never the
    contractor) checks a maintenance record item by item: ``checks`` are ``{"answer": <answer
    id>, "confirmed": bool, "note": str}``, one for every answer of the record; an item not done
    properly needs a note and opens a follow-up (an anomaly on the equipment)."""
    actor = _actor(by)
    record = TaskRecord.objects.select_related("estate").get(pk=record.pk)
    if actor.contractor is not None and record.contractor_id == actor.contractor.pk:
        raise PermissionDenied(_("只有工程部人员可以核对保养记录"))
    _in_estate(actor, record.estate_id)
    if record.kind != KIND:
        raise Http404
    if not actor.is_superuser and (actor.contractor is not None or actor.role not in VERIFY_ROLES):
        raise PermissionDenied(_("只有工程部人员可以核对保养记录"))
    errors: dict[str, list[str]] = {}
    note = _note(note, "note", errors)
    answers = {a.pk: a for a in record.answers.order_by("position")}
    given: dict[int, tuple[bool, str]] = {}
    if not isinstance(checks, list | tuple):
        errors["checks"] = [_("核对结果格式不正确")]
        checks = []
    for index, row in enumerate(checks, start=1):
        row = row if isinstance(row, dict) else {}
        pk, confirmed = row.get("answer"), row.get("confirmed")
        text = str(row.get("note") or "").strip()
        if not isinstance(pk, int) or isinstance(pk, bool) or pk not in answers or pk in given:
            errors[f"checks.{index}.answer"] = [_("核对项不属于该记录")]
            continue
        if not isinstance(confirmed, bool):
            errors[f"checks.{index}.confirmed"] = [_("请选择是否合格")]
            continue
        if not confirmed and not text:
            errors[f"checks.{index}.note"] = [_("不合格的项目请说明原因")]
        elif len(text) > 200:
            errors[f"checks.{index}.note"] = [_("说明不能超过 200 个字")]
        given[pk] = (confirmed, text)
    if not errors and set(given) != set(answers):
        errors["checks"] = [_("请逐项核对全部保养内容")]
    if errors:
        raise ValidationError(errors)
    user = actor.user
    try:
        with transaction.atomic():
            verification = MaintenanceVerification.objects.create(
                record=record, estate_id=record.estate_id,
                passed=all(ok for ok, _text in given.values()), note=note, verified_by=user,
                verified_by_name=person_name(user)[:100], verified_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        raise Conflict(_("该记录已核对"), code="exists") from None
    for pk, (confirmed, text) in given.items():
        case = None
        if not confirmed:
            case = _followup(record, answers[pk], text, actor)
        MaintenanceCheck.objects.create(
            verification=verification, answer=answers[pk], confirmed=confirmed, note=text,
            case=case,
        )  # fmt: skip
    return verification


def _followup(record: TaskRecord, answer: ChecklistAnswer, text: str, actor: Actor):
    """The follow-up of an item not done properly: the record's own follow-up when the
    contractor flagged it and none is open yet, else an anomaly on the serviced equipment."""
    if answer.flagged and not FollowUp.objects.filter(answer=answer).exists():
        return followup_open(answer=answer, by=actor)
    link = (
        MaintenancePlanSchedule.objects.select_related("equipment")
        .filter(schedule_id=record.task.schedule_id)
        .first()
    )
    if link is None:
        return None
    return anomaly_report(
        equipment=link.equipment, source=AnomalySource.ROUND, by=actor,
        description=_("保养核对不合格：%(item)s（%(note)s）")
        % {"item": answer.label, "note": text},
        data={"record": record.pk, "answer": answer.pk},
    )  # fmt: skip


@transaction.atomic
def review_record(
    *, estate: Estate, category: str, month: dt.date, by, conclusion: str, adjustment: str = ""
) -> MaintenanceReview:
    """EQUIP-MAINT-08: the month's conclusion and plan adjustment (one per estate, category and
    month; writing again replaces it, keeping who and when of the latest)."""
    actor = _actor(by)
    _check_writer(actor, estate.pk)
    errors: dict[str, list[str]] = {}
    if category not in EquipmentCategory.values:
        errors["category"] = [_("请选择设备类别")]
    if not isinstance(month, dt.date):
        errors["month"] = [_("请选择月份")]
    conclusion = _note(conclusion, "conclusion", errors, required=True, label=_("评估结论"))
    adjustment = _note(adjustment, "adjustment", errors)
    if errors:
        raise ValidationError(errors)
    review, _created = MaintenanceReview.objects.select_for_update().update_or_create(
        estate=estate, category=category, month=month.replace(day=1),
        defaults={"conclusion": conclusion, "adjustment": adjustment, "by": actor.user,
                  "at": timezone.now()},
    )  # fmt: skip
    return review


def plan_refs(*, estate: Estate, equipment: int | None = None, contractor: int | None = None):
    """The equipment and contractor a form or the API names by id (ValidationError on the
    field when the estate has no such row)."""
    from wuye.fieldwork.services.tasks import plan_refs_resolve

    found: dict = {"equipment": None}
    if equipment is not None:
        row = Equipment.objects.filter(estate=estate, pk=equipment).first()
        if row is None:
            raise ValidationError({"equipment": [_("设备不存在")]})
        found["equipment"] = row
    found.update(plan_refs_resolve(estate=estate, contractor=contractor))
    return found
