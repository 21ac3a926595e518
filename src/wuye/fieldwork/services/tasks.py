"""Planned work (计划作业): a schedule of the engine (``workflow.Schedule``) with what each of its
tasks requires (``TaskSpec``: subject, checklist, route, contractor, certificate, photos,
signature), created, changed and stopped together. The recurrence itself (calendar or from the
last completion) and the task writes are ``wuye.workflow.schedules``."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.models import Contractor, Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.shortcuts import estate_tz as zone_of
from wuye.workflow.choices import TargetUnit
from wuye.workflow.models import RecurrenceBasis, Schedule
from wuye.workflow.schedules import schedule_create, schedule_deactivate, schedule_update

from ..choices import CERTIFICATE_HOLDER, CertificateHolder, CertificateKind
from ..models import Checklist, Route, TaskSpec
from .certificates import require_certificate

__all__ = [
    "PHOTOS_MAX",
    "SUBJECT_MODELS",
    "plan_create",
    "plan_deactivate",
    "plan_refs_resolve",
    "plan_update",
]

PHOTOS_MAX = 20
# What a planned task may be done on: "<app_label>.<model>" of rows that carry their estate.
SUBJECT_MODELS = (
    "facilities.equipment",
    "core.publicarea",
    "core.building",
    "fieldwork.device",  # EQUIP-OPS-12: the monitoring systems are maintained too
    "environment.cleaningzone",  # CLEAN-04/05: a cleaning zone's planned cleaning
    "environment.greenarea",  # GREEN-05: a green area's seasonal maintenance
)
SPEC_FIELDS = ("subject", "checklist", "route", "contractor", "certificate", "photos", "signature")


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def subject_label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _check_spec(estate: Estate, spec: dict, errors: dict[str, list[str]]) -> None:
    """Each part of the spec belongs to the estate (or, a checklist template, its company)."""

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    subject = spec["subject"]
    if subject is not None and (
        subject_label(type(subject)) not in SUBJECT_MODELS
        or getattr(subject, "estate_id", None) != estate.pk
    ):
        error("subject", _("作业对象须为本项目的设备、公共区域、楼栋或监控设备"))
    checklist = spec["checklist"]
    if checklist is not None and (
        checklist.company_id != estate.company_id
        or checklist.estate_id not in (None, estate.pk)
        or not checklist.active
    ):
        error("checklist", _("检查表须为本项目或本企业在用的检查表"))
    route = spec["route"]
    if route is not None and (route.estate_id != estate.pk or not route.active):
        error("route", _("巡查路线须为本项目在用的路线"))
    contractor: Contractor | None = spec["contractor"]
    if contractor is not None and (
        contractor.company_id != estate.company_id
        or not contractor.estates.filter(pk=estate.pk).exists()
    ):
        error("contractor", _("维保单位须为服务本项目的单位"))
    kind = spec["certificate"]
    if kind and kind not in CertificateKind.values:
        error("certificate", _("请选择所需证书/资质"))
    elif kind and contractor is not None:
        if CERTIFICATE_HOLDER[kind] == CertificateHolder.STAFF:
            error("certificate", _("维保单位实施的作业须选择单位资质，而不是个人证书"))
    elif kind and CERTIFICATE_HOLDER[kind] == CertificateHolder.CONTRACTOR:
        error("certificate", _("单位资质只适用于由维保单位实施的作业"))
    photos = spec["photos"]
    if not isinstance(photos, int) or isinstance(photos, bool) or not 0 <= photos <= PHOTOS_MAX:
        error("photos", _("至少照片数须为 0 到 %(max)d") % {"max": PHOTOS_MAX})
    if not isinstance(spec["signature"], bool):
        error("signature", _("请选择是否需要签名"))


def _check_qualified(
    estate: Estate, spec: dict, assignee, anchor: dt.date | None, errors: dict
) -> None:
    """EQUIP-OPS-11 / EQUIP-MAINT-12: whoever the plan assigns holds the certificate it needs,
    valid from the day the plan starts (today at the earliest)."""
    kind = spec["certificate"]
    if not kind or errors.get("certificate") or kind not in CertificateKind.values:
        return
    today = timezone.now().astimezone(zone_of(estate)).date()
    on = max(today, anchor) if isinstance(anchor, dt.date) else today
    try:
        if spec["contractor"] is not None and not errors.get("contractor"):
            require_certificate(kind=kind, on=on, contractor=spec["contractor"])
        elif assignee is not None and getattr(assignee, "staff", None) is not None:
            require_certificate(kind=kind, on=on, staff=assignee.staff)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)


def _spec_row(spec: dict) -> dict:
    subject = spec["subject"]
    return {
        "subject_type": ContentType.objects.get_for_model(subject) if subject else None,
        "subject_id": subject.pk if subject else None,
        "checklist": spec["checklist"],
        "route": spec["route"],
        "contractor": spec["contractor"],
        "certificate": spec["certificate"],
        "photos": spec["photos"],
        "signature": spec["signature"],
    }


@transaction.atomic
def plan_create(
    *,
    estate: Estate,
    name: str,
    kind: str,
    frequency: str,
    by,
    basis: str = RecurrenceBasis.CALENDAR,
    rule: str = "",
    interval: int = 1,
    times: list[str] | None = None,
    day_of_month: int | None = None,
    months: list[int] | None = None,
    anchor: dt.date | None = None,
    end: dt.date | None = None,
    due_amount: int = 0,
    due_unit: str = TargetUnit.DAYS,
    assignee=None,
    assignee_role: str = "",
    department: str = "",
    subject=None,
    checklist: Checklist | None = None,
    route: Route | None = None,
    contractor: Contractor | None = None,
    certificate: str = "",
    photos: int = 0,
    signature: bool = False,
) -> Schedule:
    """Plan recurring field work: the schedule and what each of its tasks requires, in one
    transaction. Work done by a contractor may have no assignee of its own. A plan that needs a
    certificate is refused when the contractor or the assignee holds no valid one."""
    spec = {
        "subject": subject, "checklist": checklist, "route": route, "contractor": contractor,
        "certificate": certificate or "", "photos": photos, "signature": signature,
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    _check_spec(estate, spec, errors)
    _check_qualified(estate, spec, assignee, anchor, errors)
    schedule = schedule_create(
        estate=estate, name=name, kind=kind, frequency=frequency, by=_actor(by), basis=basis,
        rule=rule, interval=interval, times=times, day_of_month=day_of_month, months=months,
        anchor=anchor, end=end, due_amount=due_amount, due_unit=due_unit, assignee=assignee,
        assignee_role=assignee_role, department=department, errors=errors,
        needs_assignee=contractor is None,
    )  # fmt: skip
    TaskSpec.objects.create(schedule=schedule, **_spec_row(spec))
    return schedule


@transaction.atomic
def plan_update(*, schedule: Schedule, by, **changes) -> Schedule:
    """Change a plan: its schedule (``workflow.schedules.UPDATABLE``) and what its tasks
    require. The certificate is checked again whenever the plan keeps needing one."""
    actor = _actor(by)
    schedule = Schedule.objects.select_for_update().select_related("estate").get(pk=schedule.pk)
    spec_row = TaskSpec.objects.select_for_update().filter(schedule=schedule).first()
    current = {
        "subject": spec_row.subject if spec_row else None,
        "checklist": spec_row.checklist if spec_row else None,
        "route": spec_row.route if spec_row else None,
        "contractor": spec_row.contractor if spec_row else None,
        "certificate": spec_row.certificate if spec_row else "",
        "photos": spec_row.photos if spec_row else 0,
        "signature": spec_row.signature if spec_row else False,
    }
    spec = current | {k: v for k, v in changes.items() if k in SPEC_FIELDS}
    spec["certificate"] = spec["certificate"] or ""
    rest = {k: v for k, v in changes.items() if k not in SPEC_FIELDS}
    errors: dict[str, list[str]] = {}
    _check_spec(schedule.estate, spec, errors)
    assignee = rest.get("assignee", schedule.assignee)
    _check_qualified(schedule.estate, spec, assignee, None, errors)
    schedule = schedule_update(
        schedule=schedule, by=actor, errors=errors,
        needs_assignee=spec["contractor"] is None, **rest,
    )  # fmt: skip
    TaskSpec.objects.update_or_create(schedule=schedule, defaults=_spec_row(spec))
    return schedule


def plan_deactivate(*, schedule: Schedule, by) -> int:
    """Stop a plan: no more tasks; its future tasks are cancelled, the past ones kept (done,
    missed, or still running). Returns how many were cancelled."""
    return schedule_deactivate(schedule=schedule, by=_actor(by))


def plan_refs_resolve(*, estate: Estate, **ids) -> dict:
    """The rows a plan names by id (from a form or the API): ``subject`` ("app.model", id),
    ``checklist``, ``route``, ``contractor``, ``assignee`` (a user id). An id of nothing the
    estate's company has is a ValidationError on its field; only the keys given are returned."""
    from django.contrib.auth import get_user_model

    errors: dict[str, list[str]] = {}
    found: dict = {}
    lookups = {
        "checklist": (Checklist.objects.filter(company_id=estate.company_id), _("检查表不存在")),
        "route": (Route.objects.filter(estate=estate), _("巡查路线不存在")),
        "contractor": (
            Contractor.objects.filter(company_id=estate.company_id),
            _("维保单位不存在"),
        ),
        "assignee": (
            get_user_model().objects.filter(staff__company_id=estate.company_id),
            _("执行人不存在"),
        ),
    }
    for field, (qs, message) in lookups.items():
        if field not in ids:
            continue
        if ids[field] is None:
            found[field] = None
        elif (row := qs.filter(pk=ids[field]).first()) is None:
            errors[field] = [message]
        else:
            found[field] = row
    if "subject" in ids:
        found["subject"] = None
        if ids["subject"] is not None:
            label, pk = ids["subject"]
            model = None
            if label in SUBJECT_MODELS:
                model = ContentType.objects.get_by_natural_key(*label.split(".")).model_class()
            row = model._default_manager.filter(pk=pk, estate=estate).first() if model else None
            if row is None:
                errors["subject"] = [_("作业对象须为本项目的设备、公共区域、楼栋或监控设备")]
            found["subject"] = row
    if errors:
        raise ValidationError(errors)
    return found
