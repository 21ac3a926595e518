"""Response plans (应急预案): the company's plan per kind, seeded from the manual's steps
(``plan_defaults``) on first edit or by "采用手册预案", an estate's own copy of it, and the
editing of the steps (title, department, guidance, checklist; add, remove, reorder). Every change
bumps the plan's version. An incident copies its plan's steps when it opens
(``incidents.plan_steps_for``), so a change never rewrites a running incident.

The manual's own steps (their codes) cannot be removed: the order of EMERG-LIFT-02,
EMERG-OUTAGE-03 and EMERG-HEALTH-03 is the manual's, and the topic services complete those steps
by their own actions (the guard's arrival completes ``reassure``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, Role
from wuye.core.models import Company, Estate
from wuye.core.scoping import Actor

from ..choices import IncidentKind
from ..models import PlanStep, ResponsePlan
from .common import as_actor
from .plan_defaults import DEFAULT_PLANS

__all__ = [
    "plan_ensure",
    "plan_step_add",
    "plan_step_move",
    "plan_step_remove",
    "plan_step_update",
    "plan_update",
    "plans_in_use",
]

PLAN_EDITORS = frozenset({Role.EXECUTIVE, Role.DEPARTMENT_HEAD})
CHECK_ITEM_MAX = 100
CHECKLIST_MAX = 20


def _check_edit(actor: Actor, plan: ResponsePlan) -> None:
    if not actor.is_superuser:
        if actor.staff is None or actor.company_id != plan.company_id:
            raise Http404
        if plan.estate_id is not None and plan.estate_id not in actor.estate_ids:
            raise Http404
        if actor.role not in PLAN_EDITORS:
            raise PermissionDenied(_("只有部门负责人或企业高层可以修订应急预案"))
        if plan.estate_id is None and actor.role != Role.EXECUTIVE:
            raise PermissionDenied(_("公司的应急预案只能由企业高层修订"))


def _bump(plan: ResponsePlan, actor: Actor) -> None:
    ResponsePlan.objects.filter(pk=plan.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), updated_by=actor.user
    )
    plan.refresh_from_db(fields=["version", "updated_at", "updated_by"])


def _default_steps(kind: str) -> tuple[dict, list[dict]]:
    default = DEFAULT_PLANS[kind]
    head = {"name": str(default["name"]), "goal": str(default.get("goal", "")),
            "cautions": str(default.get("cautions", ""))}  # fmt: skip
    steps = [
        {"code": code, "title": str(title), "department": department, "guidance": str(guidance),
         "checklist": [str(c) for c in checklist]}
        for code, title, department, guidance, checklist in default["steps"]
    ]  # fmt: skip
    return head, steps


@transaction.atomic
def plan_ensure(*, company: Company, kind: str, by, estate: Estate | None = None) -> ResponsePlan:
    """The company's (``estate`` None) or the estate's plan of this kind, made when missing: the
    company's from the manual's steps ("采用手册预案"), an estate's as a copy of the company's
    (or of the manual's when the company has none)."""
    actor = as_actor(by)
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": [_("请选择事件类型")]})
    if estate is not None and estate.company_id != company.pk:
        raise Http404
    plan = ResponsePlan.objects.filter(company=company, estate=estate, kind=kind).first()
    if plan is not None:
        return plan
    probe = ResponsePlan(company=company, estate=estate, kind=kind)
    _check_edit(actor, probe)
    source = None
    if estate is not None:
        source = ResponsePlan.objects.filter(company=company, estate__isnull=True,
                                             kind=kind).first()  # fmt: skip
    if source is not None and source.steps.exists():
        head = {"name": source.name, "goal": source.goal, "cautions": source.cautions}
        steps = [
            {"code": s.code, "title": s.title, "department": s.department,
             "guidance": s.guidance, "checklist": list(s.checklist)}
            for s in source.steps.order_by("order")
        ]  # fmt: skip
    else:
        head, steps = _default_steps(kind)
    try:
        with transaction.atomic():
            plan = ResponsePlan.objects.create(company=company, estate=estate, kind=kind,
                                               updated_at=timezone.now(), updated_by=actor.user,
                                               **head)  # fmt: skip
    except IntegrityError:  # made at the same moment by someone else
        return ResponsePlan.objects.get(company=company, estate=estate, kind=kind)
    PlanStep.objects.bulk_create(PlanStep(plan=plan, order=n, **s) for n, s in enumerate(steps, 1))
    return plan


def plans_in_use(estate: Estate) -> dict[str, ResponsePlan]:
    """Each kind's plan the estate uses, in one query: its own, else the company's (as
    ``incidents.plan_for``); a kind missing here uses the manual's default."""
    found: dict[str, ResponsePlan] = {}
    plans = ResponsePlan.objects.filter(company_id=estate.company_id).filter(
        Q(estate__isnull=True) | Q(estate=estate)
    )
    for plan in plans.select_related("estate"):
        if plan.estate_id is not None or plan.kind not in found:  # the estate's own wins
            found[plan.kind] = plan
    return found


def _locked(plan: ResponsePlan, actor: Actor) -> ResponsePlan:
    plan = ResponsePlan.objects.select_for_update().get(pk=plan.pk)
    _check_edit(actor, plan)
    return plan


def _clean_step(values: dict, errors: dict) -> dict:
    clean: dict = {}
    if "title" in values:
        title = str(values["title"] or "").strip()
        if not title:
            errors["title"] = [_("请填写步骤名称")]
        elif len(title) > 60:
            errors["title"] = [_("步骤名称不能超过 60 个字")]
        clean["title"] = title
    if "department" in values:
        department = values["department"] or ""
        if department and department not in DepartmentKind.values:
            errors["department"] = [_("请选择责任部门")]
        clean["department"] = department
    if "guidance" in values:
        guidance = str(values["guidance"] or "").strip()
        if len(guidance) > 1000:
            errors["guidance"] = [_("操作要点不能超过 1000 个字")]
        clean["guidance"] = guidance
    if "checklist" in values:
        raw = values["checklist"] or []
        if isinstance(raw, str):
            raw = raw.splitlines()
        items = [str(i).strip() for i in raw if str(i).strip()]
        if len(items) > CHECKLIST_MAX or any(len(i) > CHECK_ITEM_MAX for i in items):
            errors["checklist"] = [_("确认事项最多 20 项，每项不超过 100 个字")]
        elif len(set(items)) != len(items):
            errors["checklist"] = [_("确认事项不能重复")]
        clean["checklist"] = items
    return clean


@transaction.atomic
def plan_update(*, plan: ResponsePlan, by, name: str | None = None, goal: str | None = None,
                cautions: str | None = None) -> ResponsePlan:  # fmt: skip
    actor = as_actor(by)
    plan = _locked(plan, actor)
    errors: dict[str, list[str]] = {}
    for key, value, limit in (("name", name, 100), ("goal", goal, 200),
                              ("cautions", cautions, 2000)):  # fmt: skip
        if value is None:
            continue
        value = value.strip()
        if key == "name" and not value:
            errors[key] = [_("请填写预案名称")]
        elif len(value) > limit:
            errors[key] = [_("不能超过 %(n)d 个字") % {"n": limit}]
        setattr(plan, key, value)
    if errors:
        raise ValidationError(errors)
    plan.save(update_fields=["name", "goal", "cautions"])
    _bump(plan, actor)
    return plan


@transaction.atomic
def plan_step_add(*, plan: ResponsePlan, by, title: str, department: str = "",
                  guidance: str = "", checklist=()) -> PlanStep:  # fmt: skip
    """A step of the estate's or company's own, added at the end."""
    actor = as_actor(by)
    plan = _locked(plan, actor)
    errors: dict[str, list[str]] = {}
    values = _clean_step({"title": title, "department": department, "guidance": guidance,
                          "checklist": checklist}, errors)  # fmt: skip
    if errors:
        raise ValidationError(errors)
    order = (plan.steps.aggregate(m=Max("order"))["m"] or 0) + 1
    code = f"custom{order}"
    while plan.steps.filter(code=code).exists():
        code += "x"
    step = PlanStep.objects.create(plan=plan, order=order, code=code, **values)
    _bump(plan, actor)
    return step


@transaction.atomic
def plan_step_update(*, step: PlanStep, by, **changes) -> PlanStep:
    actor = as_actor(by)
    plan = _locked(step.plan, actor)
    step = PlanStep.objects.get(pk=step.pk, plan=plan)
    errors: dict[str, list[str]] = {}
    values = _clean_step({k: v for k, v in changes.items() if v is not None}, errors)
    if errors:
        raise ValidationError(errors)
    for key, value in values.items():
        setattr(step, key, value)
    if values:
        step.save(update_fields=list(values))
        _bump(plan, actor)
    return step


def manual_codes(kind: str) -> set[str]:
    return {s[0] for s in DEFAULT_PLANS[kind]["steps"]}


@transaction.atomic
def plan_step_remove(*, step: PlanStep, by) -> None:
    """Remove a step the estate or company added; the manual's steps stay."""
    actor = as_actor(by)
    plan = _locked(step.plan, actor)
    step = PlanStep.objects.get(pk=step.pk, plan=plan)
    if step.code in manual_codes(plan.kind):
        raise PermissionDenied(_("手册规定的步骤不能删除，可修改其内容"))
    step.delete()
    _renumber(plan, list(plan.steps.order_by("order").values_list("pk", flat=True)))
    _bump(plan, actor)


def _renumber(plan: ResponsePlan, pks: list[int]) -> None:
    # Two passes: the (plan, order) uniqueness holds after each UPDATE.
    offset = 1000
    for n, pk in enumerate(pks, 1):
        PlanStep.objects.filter(pk=pk).update(order=offset + n)
    for n, pk in enumerate(pks, 1):
        PlanStep.objects.filter(pk=pk).update(order=n)


@transaction.atomic
def plan_step_move(*, step: PlanStep, by, direction: str) -> PlanStep:
    """Move a step one place up or down."""
    actor = as_actor(by)
    plan = _locked(step.plan, actor)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": [_("请选择上移或下移")]})
    pks = list(plan.steps.order_by("order").values_list("pk", flat=True))
    if step.pk not in pks:
        raise Http404
    i = pks.index(step.pk)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(pks):
        raise ValidationError({"direction": [_("已经是第一步或最后一步")]})
    pks[i], pks[j] = pks[j], pks[i]
    _renumber(plan, pks)
    _bump(plan, actor)
    step.refresh_from_db()
    return step
