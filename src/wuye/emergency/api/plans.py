"""Response plans API (应急预案): the company's and the estates' plans, adopting the manual's,
editing the steps (version bumped on each change) — the same services as the pages."""

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, ApiError, Id, IdParam, Text
from wuye.core.models import Company
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..models import PlanStep
from ..selectors import organisation as selectors
from ..services import plans as services

router = Router(tags=["emergency"])


class EmergencyPlanStepOut(Schema):
    id: int
    order: int
    code: str
    title: str
    department: str
    guidance: str
    checklist: list[str]


class EmergencyPlanOut(Schema):
    id: int
    estate: int | None = Field(None, alias="estate_id")
    kind: str
    name: str
    goal: str
    cautions: str
    version: int
    updated_at: dt.datetime
    steps: list[EmergencyPlanStepOut]

    @staticmethod
    def resolve_steps(obj) -> list:
        return list(obj.steps.all())  # in order (PlanStep's ordering); prefetched in lists


class EmergencyPlanIn(Schema):
    kind: Text = Field(..., max_length=20)
    estate: Id | None = Field(None, description="不填为公司的预案")


class EmergencyPlanPatch(Schema):
    name: Text | None = Field(None, min_length=1, max_length=100)
    goal: Text | None = Field(None, max_length=200)
    cautions: Text | None = Field(None, max_length=2000)


class EmergencyPlanStepIn(Schema):
    title: Text = Field(..., min_length=1, max_length=60)
    department: Text = Field("", max_length=20)
    guidance: Text = Field("", max_length=1000)
    checklist: list[Text] = Field(default_factory=list, max_length=20)


class EmergencyPlanStepPatch(Schema):
    title: Text | None = Field(None, min_length=1, max_length=60)
    department: Text | None = Field(None, max_length=20)
    guidance: Text | None = Field(None, max_length=1000)
    checklist: list[Text] | None = Field(None, max_length=20)


class EmergencyPlanStepMoveIn(Schema):
    direction: Literal["up", "down"]


@router.get("/emergency/plans", response={200: list[EmergencyPlanOut], **READ_ERRORS})
def plan_list(request: HttpRequest, estate: IdParam | None = None):
    plans = selectors.plan_list(actor=request.auth, estate_id=estate)
    return list(plans.prefetch_related("steps"))


@router.post("/emergency/plans", response={201: EmergencyPlanOut, **WRITE_ERRORS})
def plan_adopt(request: HttpRequest, payload: EmergencyPlanIn):
    """采用手册预案: the company's plan from the manual's steps, or an estate's copy."""
    actor = actor_for(request.auth)
    estate = None
    if payload.estate is not None:
        estate = get_or_404(visible_estates(actor), payload.estate)
    company = estate.company if estate else Company.objects.filter(pk=actor.company_id).first()
    if company is None:
        raise ApiError(404, "not_found", "Not Found")
    plan = services.plan_ensure(company=company, kind=payload.kind, by=request.auth,
                                estate=estate)  # fmt: skip
    return Status(201, plan)


@router.get("/emergency/plans/{int:plan_id}", response={200: EmergencyPlanOut, **READ_ERRORS})
def plan_detail(request: HttpRequest, plan_id: IdParam):
    return selectors.plan_get_for_user(request.auth, plan_id)


@router.patch("/emergency/plans/{int:plan_id}", response={200: EmergencyPlanOut, **WRITE_ERRORS})
def plan_update(request: HttpRequest, plan_id: IdParam, payload: EmergencyPlanPatch):
    plan = selectors.plan_get_for_user(request.auth, plan_id)
    return services.plan_update(plan=plan, by=request.auth, **payload.dict(exclude_unset=True))


def _step(request, plan_id, step_id) -> PlanStep:
    plan = selectors.plan_get_for_user(request.auth, plan_id)
    return get_or_404(PlanStep.objects.filter(plan=plan).select_related("plan"), step_id)


@router.post("/emergency/plans/{int:plan_id}/steps",
             response={201: EmergencyPlanOut, **WRITE_ERRORS})  # fmt: skip
def plan_step_add(request: HttpRequest, plan_id: IdParam, payload: EmergencyPlanStepIn):
    plan = selectors.plan_get_for_user(request.auth, plan_id)
    services.plan_step_add(plan=plan, by=request.auth, **payload.dict())
    return Status(201, selectors.plan_get_for_user(request.auth, plan_id))


@router.patch("/emergency/plans/{int:plan_id}/steps/{int:step_id}",
              response={200: EmergencyPlanOut, **WRITE_ERRORS})  # fmt: skip
def plan_step_update(request: HttpRequest, plan_id: IdParam, step_id: IdParam,
                     payload: EmergencyPlanStepPatch):  # fmt: skip
    services.plan_step_update(step=_step(request, plan_id, step_id), by=request.auth,
                              **payload.dict(exclude_unset=True))  # fmt: skip
    return selectors.plan_get_for_user(request.auth, plan_id)


@router.post("/emergency/plans/{int:plan_id}/steps/{int:step_id}/move",
             response={200: EmergencyPlanOut, **WRITE_ERRORS})  # fmt: skip
def plan_step_move(request: HttpRequest, plan_id: IdParam, step_id: IdParam,
                   payload: EmergencyPlanStepMoveIn):  # fmt: skip
    services.plan_step_move(step=_step(request, plan_id, step_id), by=request.auth,
                            direction=payload.direction)  # fmt: skip
    return selectors.plan_get_for_user(request.auth, plan_id)


@router.post("/emergency/plans/{int:plan_id}/steps/{int:step_id}/remove",
             response={200: EmergencyPlanOut, **WRITE_ERRORS})  # fmt: skip
def plan_step_remove(request: HttpRequest, plan_id: IdParam, step_id: IdParam):
    """Remove a step the company or estate added (the manual's steps stay)."""
    services.plan_step_remove(step=_step(request, plan_id, step_id), by=request.auth)
    return selectors.plan_get_for_user(request.auth, plan_id)
