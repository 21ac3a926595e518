"""Inspections (检查考核): the environment department's daily patrol (CLEAN-12), weekly spot check
(CLEAN-13) and weekly greening inspection (GREEN-11), each result written on the record form —
《清洁卫生检查记录表》 (CLEAN-14) or 《绿化养护检查记录表》 (GREEN-11) — item by item with
points and photos. A failed result opens a rectification at once, in the same transaction
(CLEAN-15).

The forms are field-work checklists of READING items in points (unit "分"): ``high`` is the
item's full points, ``low`` its pass mark. A result fails when any item is below its pass mark
or the total is below ``PASS_PERCENT`` of the full score; a failed item carries its note and its
photo (the stain is the proof). Each record copies the items as they were asked.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz
from wuye.fieldwork.choices import ItemKind
from wuye.fieldwork.models import Checklist, ChecklistItem
from wuye.fieldwork.services.checklists import checklist_create
from wuye.fieldwork.services.records import person_name
from wuye.workflow.attachments import attachments_bind_record, attachments_resolve
from wuye.workflow.models import AttachmentKind, PlannedTask, PlannedTaskStatus
from wuye.workflow.schedules import planned_task_complete

from ..choices import InspectionKind
from ..models import CleaningZone, GreenArea, Inspection, InspectionItem, Rectification, SpotSample
from ..processes import GREEN_CHECK_KIND, PATROL_KIND, SPOT_CHECK_KIND
from .rectification_open import rectification_open
from .responsibility import check_lead, responsible_staff

__all__ = [
    "CLEAN_FORM",
    "GREEN_FORM",
    "PASS_PERCENT",
    "check_lead",
    "inspection_form",
    "inspection_forms_setup",
    "inspection_plans_setup",
    "inspection_record",
    "round_close",
    "round_progress",
]

# A result below this share of the full score fails, even with every item at its pass mark.
PASS_PERCENT = Decimal("80")
CLEAN_KIND = "clean_inspection"
GREEN_KIND = "green_inspection"
CLEAN_FORM = "清洁卫生检查记录表"  # CLEAN-14
GREEN_FORM = "绿化养护检查记录表"  # GREEN-11
# (label, full points, pass mark)
CLEAN_ITEMS = (
    ("地面无垃圾杂物", 10, 6),
    ("地面无污渍水渍", 10, 6),
    ("墙面、扶手、门窗无积尘", 10, 6),
    ("垃圾桶清理及时、无满溢", 10, 6),
    ("按要求消毒、消毒记录完整", 10, 6),
    ("电梯轿厢、镜面、洁具表面洁净", 10, 6),
    ("无异味、通风良好", 10, 6),
    ("无蜘蛛网、无乱张贴", 10, 6),
    ("清洁工具和用品摆放整齐", 10, 6),
    ("作业人员佩戴手套、口罩等防护用品", 10, 6),
)
GREEN_ITEMS = (
    ("修剪整齐、树形美观", 10, 6),
    ("无病虫害", 10, 6),
    ("浇水及时、无干旱", 10, 6),
    ("无杂草", 10, 6),
    ("无枯枝落叶、无垃圾", 10, 6),
    ("草坪平整、无斑秃", 10, 6),
    ("花卉长势良好、无残花", 10, 6),
    ("树木支撑和防寒设施完好", 10, 6),
    ("施肥合理、无肥害", 10, 6),
    ("绿化围栏、标识牌完好", 10, 6),
)
FORMS = {
    CLEAN_KIND: (CLEAN_FORM, CLEAN_ITEMS, "CLEAN-14"),
    GREEN_KIND: (GREEN_FORM, GREEN_ITEMS, "GREEN-11"),
}
NOTE_MAX = 1000
ITEM_NOTE_MAX = 200
TENTH = Decimal("0.1")
# A rectification's own deadline, when the inspector sets one (hours).
DEADLINE_HOURS_MAX = 720


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


# --- The record forms (CLEAN-14, GREEN-11) -----------------------------------------------------


def _form_items(items) -> list[dict]:
    return [
        {"label": label, "kind": ItemKind.READING, "unit": "分", "low": str(low),
         "high": str(full), "hint": _("满分 %(full)s 分，%(low)s 分合格") % {"full": full,
                                                                        "low": low}}
        for label, full, low in items
    ]  # fmt: skip


@transaction.atomic
def inspection_forms_setup(*, estate: Estate, by) -> dict[str, Checklist]:
    """The two record forms, made where missing: company-wide when an executive sets them up,
    else for the estate (a department head may not write company-wide templates). Returns them
    by kind. Run again, it creates nothing."""
    actor = _actor(by)
    check_lead(actor, estate.pk)
    found = {}
    for kind, (name, items, _rule) in FORMS.items():
        form = inspection_form(estate, kind)
        if form is None:
            company_wide = actor.is_superuser or actor.role == Role.EXECUTIVE
            form = checklist_create(
                name=name, kind=kind, by=actor, estate=None if company_wide else estate,
                company=estate.company if company_wide else None,
                source=f"《{name}》", items=_form_items(items),
            )  # fmt: skip
        found[kind] = form
    return found


def inspection_form(estate: Estate, kind: str) -> Checklist | None:
    """The form in use: the estate's own, else the company's."""
    forms = Checklist.objects.filter(
        Q(estate=estate) | Q(estate__isnull=True), company_id=estate.company_id, kind=kind,
        active=True,
    ).order_by("estate_id", "-id")  # fmt: skip
    own = [f for f in forms if f.estate_id == estate.pk]
    return own[0] if own else forms.first()


def _form_for(estate: Estate, subject) -> Checklist:
    kind = CLEAN_KIND if isinstance(subject, CleaningZone) else GREEN_KIND
    form = inspection_form(estate, kind)
    if form is None:
        raise ValidationError({"checklist": [_("尚未设置检查记录表，请先初始化检查计划")]})
    return form


# --- Recording one result ----------------------------------------------------------------------


def _points(value, field: str, errors: dict) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        errors.setdefault(field, []).append(_("请填写得分"))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("得分应为数字"))
        return None
    if not number.is_finite() or number != number.quantize(TENTH):
        errors.setdefault(field, []).append(_("得分最多保留一位小数"))
        return None
    return number


def _answers(
    items: list[ChecklistItem], answers, actor: Actor
) -> tuple[list[dict], dict[str, list[str]]]:
    """Each item answered once: points 0..full, a failed item with its note and photo."""
    errors: dict[str, list[str]] = {}
    if not isinstance(answers, list | tuple):
        return [], {"answers": [_("请逐项打分")]}
    by_item: dict[int, dict] = {}
    for answer in answers:
        item_id = answer.get("item") if isinstance(answer, dict) else None
        if not isinstance(item_id, int) or isinstance(item_id, bool):
            errors.setdefault("answers", []).append(_("检查项不存在"))
            continue
        if item_id in by_item:
            errors.setdefault("answers", []).append(_("同一检查项只能打一次分"))
        by_item[item_id] = answer
    known = {item.pk for item in items}
    if set(by_item) - known:
        errors.setdefault("answers", []).append(_("检查项不属于这张记录表"))
    rows = []
    for item in items:
        field = f"item_{item.pk}"
        answer = by_item.get(item.pk)
        if answer is None:
            errors.setdefault(field, []).append(_("请为“%(label)s”打分") % {"label": item.label})
            continue
        score = _points(answer.get("score"), field, errors)
        # The record keeps points to one decimal (the model's columns).
        full = item.high.quantize(TENTH)
        mark = (item.low if item.low is not None else Decimal(0)).quantize(TENTH)
        if score is not None and not Decimal(0) <= score <= full:
            errors.setdefault(field, []).append(
                _("得分应在 0 到 %(full)s 之间") % {"full": _num(full)}
            )
            score = None
        note = str(answer.get("note") or "").strip()
        if len(note) > ITEM_NOTE_MAX:
            errors.setdefault(field, []).append(
                _("问题描述不能超过 %(n)d 个字") % {"n": ITEM_NOTE_MAX}
            )
        photo = answer.get("photo") or None
        if score is None:
            continue
        passed = score >= mark
        if not passed and not note:
            errors.setdefault(field, []).append(
                _("“%(label)s”不合格，请写明问题") % {"label": item.label}
            )
        if not passed and photo is None:
            errors.setdefault(field, []).append(
                _("“%(label)s”不合格，请拍照留证") % {"label": item.label}
            )
        rows.append({"item": item, "score": score.quantize(TENTH), "full": full, "mark": mark,
                     "passed": passed, "note": note, "photo": photo})  # fmt: skip
    if errors:
        return rows, errors
    photos = [r["photo"] for r in rows if r["photo"] is not None]
    try:
        resolved = attachments_resolve(photos, actor=actor, case=None)
    except ValidationError as error:
        return rows, {"answers": error.messages}
    if any(a.kind != AttachmentKind.PHOTO for a in resolved):
        return rows, {"answers": [_("检查项只能附照片")]}
    if len(resolved) != len(photos):
        return rows, {"answers": [_("同一张照片不能用于两个检查项")]}
    for row, attachment in zip([r for r in rows if r["photo"] is not None], resolved, strict=True):
        row["photo"] = attachment
    return rows, {}


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _check_subject(kind: str, estate: Estate, zone, green_area) -> object:
    errors: dict[str, list[str]] = {}
    if kind not in InspectionKind.values:
        raise ValidationError({"kind": [_("请选择检查类型")]})
    if (zone is None) == (green_area is None):
        raise ValidationError({"zone": [_("请选择一个清洁区域或绿化区域")]})
    subject = zone or green_area
    if subject.estate_id != estate.pk:
        raise Http404
    if not subject.active:
        errors["zone"] = [_("该区域已停用")]
    if kind in (InspectionKind.PATROL, InspectionKind.SPOT_CHECK) and zone is None:
        errors["zone"] = [_("每日巡查和每周抽检针对清洁区域")]
    if kind == InspectionKind.GREEN_WEEKLY and green_area is None:
        errors["green_area"] = [_("绿化每周检查针对绿化区域")]
    if errors:
        raise ValidationError(errors)
    return subject


def _local_day(moment: dt.datetime, estate: Estate) -> dt.date:
    return moment.astimezone(estate_tz(estate)).date()


def _round_task(estate: Estate, kind: str, at: dt.datetime) -> PlannedTask | None:
    """The head's patrol / weekly task the result belongs to: the open one whose period holds
    ``at`` (patrol: that day; weekly: from its start to its due)."""
    schedule_kind = {
        InspectionKind.PATROL: PATROL_KIND,
        InspectionKind.SPOT_CHECK: SPOT_CHECK_KIND,
        InspectionKind.GREEN_WEEKLY: GREEN_CHECK_KIND,
    }.get(kind)
    if schedule_kind is None:
        return None
    return (
        PlannedTask.objects.filter(
            estate=estate, schedule__kind=schedule_kind, schedule__active=True,
            scheduled_for__lte=at, due_at__gte=at,
        ).order_by("scheduled_for").first()
    )  # fmt: skip


@transaction.atomic
def inspection_record(
    *,
    kind: str,
    by,
    answers: list,
    zone: CleaningZone | None = None,
    green_area: GreenArea | None = None,
    note: str = "",
    sample: SpotSample | None = None,
    task: PlannedTask | None = None,
    rechecks: Rectification | None = None,
    deadline_hours: int | None = None,
) -> Inspection:
    """Write one zone's or area's result on its record form. A failed patrol, spot check or
    greening inspection opens its rectification in the same transaction (CLEAN-15, GREEN-11),
    ``deadline_hours`` the inspector's own deadline (else the process clock's). The head's
    round task is completed when its last zone or area is in. Bad input: ValidationError,
    nothing written."""
    actor = _actor(by)
    subject_estate = (zone or green_area).estate if (zone or green_area) else None
    if subject_estate is None:
        raise ValidationError({"zone": [_("请选择一个清洁区域或绿化区域")]})
    estate = Estate.objects.get(pk=subject_estate.pk)
    check_lead(actor, estate.pk)
    subject = _check_subject(kind, estate, zone, green_area)
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("检查意见不能超过 %(n)d 个字") % {"n": NOTE_MAX}]
    if kind == InspectionKind.SPOT_CHECK and sample is None:
        errors["sample"] = [_("每周抽检须按系统抽取的样本进行")]
    if sample is not None:
        if kind != InspectionKind.SPOT_CHECK or sample.estate_id != estate.pk:
            errors["sample"] = [_("抽检样本不属于本项目")]
        elif zone is not None and zone.pk not in {p.get("zone") for p in sample.picks}:
            errors["sample"] = [_("该区域不在本周抽检样本中")]
    if (kind == InspectionKind.RECHECK) != (rechecks is not None):
        errors["kind"] = [_("整改复查须针对一项整改")]
    if rechecks is not None and (rechecks.zone_id, rechecks.green_area_id) != (
        getattr(zone, "pk", None),
        getattr(green_area, "pk", None),
    ):
        errors["zone"] = [_("复查的区域须与整改的区域一致")]
    if deadline_hours is not None and (
        isinstance(deadline_hours, bool) or not isinstance(deadline_hours, int)
        or not 1 <= deadline_hours <= DEADLINE_HOURS_MAX
    ):  # fmt: skip
        errors["deadline_hours"] = [_("整改期限应为 1 到 %(n)d 小时") % {"n": DEADLINE_HOURS_MAX}]
    form = _form_for(estate, subject)
    items = [i for i in form.items.order_by("position") if i.kind == ItemKind.READING and i.high]
    if not items:
        errors["checklist"] = [_("检查记录表没有可打分的检查项")]
    rows, found = _answers(items, answers, actor)
    for field, messages in found.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    total = sum((r["score"] for r in rows), Decimal(0))
    full = sum((r["full"] for r in rows), Decimal(0))
    passed = all(r["passed"] for r in rows) and total * 100 >= full * PASS_PERCENT
    staff = responsible_staff(subject)
    inspection = Inspection.objects.create(
        estate=estate, kind=kind, zone=zone, green_area=green_area, sample=sample, task=task,
        round_task=_round_task(estate, kind, now), checklist=form,
        checklist_name=form.name, inspector=actor.user,
        inspector_name=person_name(actor.user, actor)[:100],
        responsible_name="、".join(s.name for s in staff)[:200], at=now, score=total,
        full_score=full, passed=passed, note=note, rechecks=rechecks,
    )  # fmt: skip
    InspectionItem.objects.bulk_create(
        InspectionItem(
            inspection=inspection,
            position=index,
            label=r["item"].label[:200],
            full_score=r["full"],
            pass_score=r["mark"],
            score=r["score"],
            passed=r["passed"],
            note=r["note"],
            photo=r["photo"],
        )
        for index, r in enumerate(rows, start=1)
    )
    attachments_bind_record(
        [r["photo"] for r in rows if r["photo"] is not None],
        estate=estate, ref=f"environment.inspection:{inspection.pk}",
    )  # fmt: skip
    if not passed and kind != InspectionKind.RECHECK:
        rectification_open(inspection=inspection, by=actor, deadline_hours=deadline_hours)
    if inspection.round_task is not None:
        _complete_if_all_in(inspection.round_task, actor)
    return inspection


# --- The head's rounds: daily patrol, weekly spot check, weekly greening ------------------------


def round_progress(task: PlannedTask) -> dict:
    """What the round needs and what is in: ``subjects`` (zones or areas, or the sample's picks)
    each with its result of the round's period (or None)."""
    estate = task.estate
    kind = task.schedule.kind
    start, end = task.scheduled_for, task.due_at
    if kind == PATROL_KIND:
        day = _local_day(task.scheduled_for, estate)
        tz = estate_tz(estate)
        start = dt.datetime.combine(day, dt.time(0), tz)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
        subjects = list(CleaningZone.objects.filter(estate=estate, active=True))
        results = Inspection.objects.filter(
            estate=estate, kind=InspectionKind.PATROL, at__gte=start, at__lt=end
        )
        key = "zone_id"
    elif kind == GREEN_CHECK_KIND:
        subjects = list(GreenArea.objects.filter(estate=estate, active=True))
        results = Inspection.objects.filter(
            estate=estate, kind=InspectionKind.GREEN_WEEKLY, at__gte=start, at__lte=end
        )
        key = "green_area_id"
    else:
        monday = _local_day(task.scheduled_for, estate)
        monday -= dt.timedelta(days=monday.weekday())
        sample = SpotSample.objects.filter(estate=estate, week_start=monday).first()
        ids = [p["zone"] for p in (sample.picks if sample else [])]
        zones = CleaningZone.objects.in_bulk(ids)
        subjects = [zones[i] for i in ids if i in zones]
        results = Inspection.objects.filter(sample=sample) if sample else Inspection.objects.none()
        key = "zone_id"
    latest: dict[int, Inspection] = {}
    for result in results.order_by("at", "id"):
        latest[getattr(result, key)] = result
    return {
        "task": task,
        "rows": [{"subject": s, "result": latest.get(s.pk)} for s in subjects],
        "done": bool(subjects) and all(s.pk in latest for s in subjects),
    }


def _complete_if_all_in(task: PlannedTask, actor: Actor) -> None:
    task = PlannedTask.objects.select_related("schedule", "estate").get(pk=task.pk)
    if task.status not in (PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED):
        return
    if round_progress(task)["done"]:
        planned_task_complete(task=task, by=actor, note=_("全部区域已检查"))


@transaction.atomic
def round_close(*, task: PlannedTask, by, note: str) -> PlannedTask:
    """Close the head's round before every zone or area is in: the note says why, and the
    zones not reached are named on the task, so the gap stays visible (CLEAN-12)."""
    actor = _actor(by)
    check_lead(actor, task.estate_id)
    task = PlannedTask.objects.select_related("schedule", "estate").get(pk=task.pk)
    if task.schedule.kind not in (PATROL_KIND, SPOT_CHECK_KIND, GREEN_CHECK_KIND):
        raise Http404
    note = (note or "").strip()
    missing = [row["subject"].name for row in round_progress(task)["rows"] if not row["result"]]
    if missing and not note:
        raise ValidationError({"note": [_("还有区域未检查，请说明原因")]})
    if missing:
        note = _("未检查：%(zones)s。%(note)s") % {"zones": "、".join(missing), "note": note}
    return planned_task_complete(task=task, by=actor, note=note[:2000])


# --- The head's planned rounds -----------------------------------------------------------------

# (schedule kind, name, rule, form kind)
ROUNDS = (
    (PATROL_KIND, "环境每日巡查", "CLEAN-12", CLEAN_KIND),
    (SPOT_CHECK_KIND, "清洁卫生每周抽检", "CLEAN-13", CLEAN_KIND),
    (GREEN_CHECK_KIND, "绿化养护每周检查", "GREEN-11", GREEN_KIND),
)


@transaction.atomic
def inspection_plans_setup(*, estate: Estate, by, assignee=None) -> dict[str, object]:
    """The estate's record forms and the head's three planned rounds, made where missing: the
    daily patrol (CLEAN-12, every day, due by the day's end), the weekly spot check (CLEAN-13)
    and the weekly greening inspection (GREEN-11), both every 7 days from a Monday and due by
    that Sunday's end. ``assignee``: the user who does them (default: the environment
    department's head, by role). Returns the forms and schedules by kind."""
    from wuye.fieldwork.services.tasks import plan_create
    from wuye.workflow.models import Frequency, Schedule

    actor = _actor(by)
    check_lead(actor, estate.pk)
    forms = inspection_forms_setup(estate=estate, by=actor)
    today = timezone.now().astimezone(estate_tz(estate)).date()
    monday = today - dt.timedelta(days=today.weekday())
    found: dict[str, object] = dict(forms)
    for kind, name, rule, form_kind in ROUNDS:
        schedule = Schedule.objects.filter(estate=estate, kind=kind, active=True).first()
        if schedule is None:
            daily = kind == PATROL_KIND
            schedule = plan_create(
                estate=estate, name=name, kind=kind, rule=rule, by=actor,
                frequency=Frequency.DAILY if daily else Frequency.INTERVAL_DAYS,
                interval=1 if daily else 7, times=["08:00"], anchor=today if daily else monday,
                due_amount=0 if daily else 6, due_unit="days", assignee=assignee,
                assignee_role="" if assignee is not None else Role.DEPARTMENT_HEAD,
                department=DepartmentKind.ENVIRONMENT, checklist=forms[form_kind],
            )  # fmt: skip
        found[kind] = schedule
    return found
