"""Handover API: the pre-intervention project's premises figures (INTAKE-09) — the same service
as the project page. Steps of the process go through the generic case route."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import StringConstraints

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, IdParam
from wuye.handover.services import intervention as svc

router = Router(tags=["handover"])


class PremisesIn(Schema):
    """Areas in ㎡ and the proportion in %; a figure left out keeps its value, "" or null
    clears it."""

    total_floor_area: Annotated[str, StringConstraints(max_length=20)] | float | None = None
    premises_area: Annotated[str, StringConstraints(max_length=20)] | float | None = None
    premises_ratio: Annotated[str, StringConstraints(max_length=20)] | float | None = None


class PremisesOut(Schema):
    project: int
    total_floor_area: str | None
    premises_area: str | None
    premises_ratio: str | None
    required_area: str | None
    meets_ratio: bool | None
    problem: str


def _out(project) -> dict:
    check = svc.premises_check(project)

    def text(value):
        return None if value is None else str(value)

    return {"project": project.pk, "total_floor_area": text(check["total"]),
            "premises_area": text(check["area"]), "premises_ratio": text(check["ratio"]),
            "required_area": text(check["required"]), "meets_ratio": check["ok"],
            "problem": str(check["problem"])}  # fmt: skip


@router.get("/handover/projects/{int:project_id}/premises",
            response={200: PremisesOut, **READ_ERRORS})  # fmt: skip
def premises_detail(request: HttpRequest, project_id: IdParam):
    return _out(svc.project_get_for_user(request.auth, project_id))


@router.patch("/handover/projects/{int:project_id}/premises",
              response={200: PremisesOut, **WRITE_ERRORS})  # fmt: skip
def premises_update(request: HttpRequest, project_id: IdParam, payload: PremisesIn):
    project = svc.project_get_for_user(request.auth, project_id)
    given = payload.model_dump(exclude_unset=True)
    values = {f: getattr(project, f) for f in ("total_floor_area", "premises_area",
                                                "premises_ratio")}  # fmt: skip
    values.update({k: ("" if v is None else v) for k, v in given.items()})
    project = svc.premises_area_set(project=project, **values, by=request.auth)
    return _out(project)
