"""Site inspections, with the concealed works photographed (INTAKE-06/11)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.handover.models import (
    HandoverProject,
    SiteInspection,
)
from wuye.handover.processes import INTERVENTION
from wuye.handover.services.intervention.common import COMPLETION_CHECKS, _int
from wuye.workflow import services as engine

from .common import (
    INSPECTION_STATES,
    MAX_INTERVAL_DAYS,
    I,
    _actor,
    _case,
    _check_lead,
    _check_member,
)
from .team import _clean_past_date, _clean_text

# --- Site inspections (INTAKE-06/11) --------------------------------------------------------------


@transaction.atomic
def inspection_record(
    *,
    project: HandoverProject,
    inspected_on,
    location: str,
    findings: str,
    concealed_works: bool = False,
    rectification: str = "",
    attachments: list | None = None,
    checks: list[str] | tuple[str, ...] = (),
    by,
) -> SiteInspection:
    """A construction-site inspection (INTAKE-06): what was seen where, the rectification
    opinion raised, and for concealed works the photos that keep them traceable (INTAKE-11)."""
    actor = _actor(by)
    _check_member(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    day = _clean_past_date(project, inspected_on, "inspected_on", errors)
    location = _clean_text(location, "location", errors, required=True,
                           label=_("请填写巡查部位，如“3栋地下室给水管”"))  # fmt: skip
    if len(location) > 100:
        errors["location"] = [_("巡查部位不能超过 100 字")]
    findings = _clean_text(findings, "findings", errors, required=True,
                           label=_("请填写巡查情况"))  # fmt: skip
    rectification = _clean_text(rectification, "rectification", errors, required=False)
    checks = [c for c in COMPLETION_CHECKS if c in set(checks or ())]
    if checks and case.status != I.COMPLETION:
        errors["checks"] = [_("物业用房、设施设备安装质量的检查在“竣工验收配合”阶段登记")]
    files = list(attachments or [])
    if concealed_works and not files:
        # INTAKE-11: concealed works leave a photo record for later maintenance.
        errors["photos"] = [_("涉及隐蔽工程的巡查须上传施工照片")]
    if errors:
        raise ValidationError(errors)
    if case.status not in INSPECTION_STATES:
        raise Conflict(
            _("工地巡查在“施工跟进”和“竣工验收配合”阶段登记，本项目当前为“%(status)s”")
            % {"status": INTERVENTION.state(case.status).label},
            code="invalid_state",
        )
    note = _("%(day)s 巡查 %(location)s：%(findings)s") % {
        "day": day.isoformat(), "location": location, "findings": findings,
    }  # fmt: skip
    if concealed_works:
        note += _("（隐蔽工程）")
    if rectification:
        note += "\n" + _("整改意见：%(text)s") % {"text": rectification}
    result = engine.case_act(
        case=case, action="inspect", by=actor, note=note, attachments=files,
        data={"inspected_on": day.isoformat(), "location": location,
              "concealed_works": bool(concealed_works), "checks": checks},
    )  # fmt: skip
    return SiteInspection.objects.create(
        project=project, inspected_on=day, location=location, findings=findings,
        concealed_works=bool(concealed_works), rectification=rectification, event=result.event,
        inspector=actor.user, recorded_at=result.event.at,
    )  # fmt: skip


@transaction.atomic
def inspection_interval_set(*, project: HandoverProject, days, by) -> HandoverProject:
    """INTAKE-06 says "periodically" without a figure: each project sets its interval."""
    actor = _actor(by)
    _check_lead(actor, project)
    value = _int(days)
    if value is None or not 1 <= value <= MAX_INTERVAL_DAYS:
        raise ValidationError({"days": [_("巡查周期应为 1～%(n)d 天") % {"n": MAX_INTERVAL_DAYS}]})
    project.inspection_interval_days = value
    project.save(update_fields=["inspection_interval_days"])
    return project
