"""The takeover plan (TAKEOVER-04/14), its checklist (TAKEOVER-05/11/12/13) and the steps of the
plan."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import PublicAreaKind
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, PublicArea, Staff
from wuye.core.scoping import Actor
from wuye.core.validators import check_date, check_model_text
from wuye.facilities.models import Equipment, EquipmentCategory
from wuye.handover.choices import InterventionStatus, TakeoverStatus
from wuye.handover.models import (
    CheckItem,
    CheckResult,
    CheckSystem,
    DocumentCategory,
    HandoverProject,
    TakeoverDefect,
    TakeoverPlan,
    Team,
    TeamMember,
    TeamRole,
)
from wuye.handover.processes import LEADS, TAKEOVER, TAKEOVER_DEFECT, TEAM
from wuye.handover.services.takeover.common import _int, _plan_locked
from wuye.workflow import services as engine

from .common import (
    BEFORE_COMPLETION,
    ELEVATOR_RUNS,
    OPEN_PLAN,
    TEAM_ROLE_OF_DEPARTMENT,
    _actor,
    _check_action_role,
    _in_scope,
    _lead_only,
    _require,
)
from .confirmation import takeover_confirm

# --- The plan (TAKEOVER-04/14) and its checklist (TAKEOVER-05/11/12/13) --------------------------


def _team_rows(project: HandoverProject, team, errors: dict) -> list[tuple[Staff, str]]:
    """TAKEOVER-02: active staff of the estate from customer service, engineering and order
    maintenance, at least one of each."""
    rows: list[tuple[Staff, str]] = []
    seen: set[int] = set()
    for member in team or []:
        staff = member
        if not isinstance(staff, Staff):
            staff = Staff.objects.filter(pk=member).select_related("department").first()
        if staff is None or staff.pk in seen:
            continue
        seen.add(staff.pk)
        kind = staff.department.kind if staff.department_id else ""
        if (
            not staff.is_active
            or staff.company_id != project.estate.company_id
            or not staff.estates.filter(pk=project.estate_id).exists()
        ):
            errors.setdefault("team", []).append(
                _("%(name)s 不是本项目的在职员工") % {"name": staff.name}
            )
        elif kind not in TEAM_ROLE_OF_DEPARTMENT:
            errors.setdefault("team", []).append(
                _("%(name)s 不属于客服、工程或秩序部门") % {"name": staff.name}
            )
        else:
            rows.append((staff, TEAM_ROLE_OF_DEPARTMENT[kind]))
    if "team" not in errors:
        missing = [r.label for r in TeamRole if r not in {role for _s, role in rows}]
        if missing:
            errors["team"] = [
                _("接管验收小组须有客服、工程、秩序三方人员，还缺：%(roles)s")
                % {"roles": "、".join(str(m) for m in missing)}
            ]
    return rows


@transaction.atomic
def takeover_plan_create(
    *,
    project: HandoverProject,
    standards: str,
    tools: str,
    planned_on: dt.date | None,
    owner_representatives: str,
    team,
    building: Building | None = None,
    scope_structure: bool = True,
    scope_equipment: bool = True,
    scope_public: bool = True,
    by,
) -> TakeoverPlan:
    """《接管验收方案》 (TAKEOVER-04): scope, standards, tools, date, the team (TAKEOVER-02) and
    the owners' representatives invited (TAKEOVER-14). Opens the ``takeover`` case and writes the
    default checklist of the scope, to be edited while preparing."""
    actor = _actor(by)
    estate = project.estate
    _in_scope(actor, estate)
    _lead_only(actor)
    errors: dict[str, list[str]] = {}
    standards, tools = (standards or "").strip(), (tools or "").strip()
    representatives = (owner_representatives or "").strip()
    if not standards:
        errors["standards"] = [_("请填写验收标准，如《建筑工程质量验收统一标准》")]
    if not tools:
        errors["tools"] = [_("请填写验收工具，如验房仪、卷尺")]
    if planned_on is None:
        errors["planned_on"] = [_("请选择计划验收日期")]
    check_date(planned_on, field="planned_on", label=_("计划验收日期"), errors=errors)
    check_model_text(TakeoverPlan, errors, standards=standards, tools=tools,
                     owner_representatives=representatives)  # fmt: skip
    if not representatives:
        errors["owner_representatives"] = [_("接管验收须邀请业主代表参加，请填写受邀业主代表")]
    if not (scope_structure or scope_equipment or scope_public):
        errors["scope_structure"] = [_("请至少选择一项验收范围")]
    if building is not None and building.estate_id != estate.pk:
        errors["building"] = [_("该楼栋不属于本项目")]
    rows = _team_rows(project, team, errors)
    if errors:
        raise ValidationError(errors)
    # TAKEOVER-01: after the completion acceptance. A project followed from its planning stage
    # is ready once its pre-intervention has reached the completion-acceptance support.
    intervention = (
        HandoverProject.objects.filter(pk=project.pk)
        .values_list("intervention_case__status", flat=True)
        .first()
    )
    if intervention in BEFORE_COMPLETION:
        raise Conflict(
            _("项目竣工验收合格后才能开始接管验收（前期介入当前为“%(step)s”）")
            % {"step": InterventionStatus(intervention).label},
            code="before_completion",
        )
    same = TakeoverPlan.objects.filter(project=project, case__status__in=OPEN_PLAN)
    same = same.filter(building=building) if building else same.filter(building__isnull=True)
    if same.exists():
        raise Conflict(_("该范围已有进行中的接管验收方案"), code="plan_open")
    where = building.name if building else _("全项目")
    case = engine.case_open(
        process=TAKEOVER, estate=estate, by=actor,
        title=_("接管验收 %(estate)s %(where)s") % {"estate": estate.name, "where": where},
    )  # fmt: skip
    plan = TakeoverPlan.objects.create(
        project=project, building=building, case=case, scope_structure=scope_structure,
        scope_equipment=scope_equipment, scope_public=scope_public, standards=standards,
        tools=tools, planned_on=planned_on, owner_representatives=representatives,
        created_at=timezone.now(), created_by=actor.user,
    )  # fmt: skip
    for staff, role in rows:
        TeamMember.objects.update_or_create(
            project=project, team=Team.TAKEOVER, staff=staff, defaults={"role": role}
        )
    CheckItem.objects.bulk_create(default_check_items(plan))
    return plan


def _buildings(plan: TakeoverPlan) -> list[Building]:
    if plan.building_id:
        return [plan.building]
    return list(Building.objects.filter(estate_id=plan.project.estate_id).order_by("sort", "id"))


def default_check_items(plan: TakeoverPlan) -> list[CheckItem]:
    """The default checklist of a plan's scope (TAKEOVER-05), per building: the structure, walls
    and floors (TAKEOVER-11), water and power lines; one item per elevator (three empty runs,
    TAKEOVER-12) and the fire systems; the public areas (clean and undamaged, TAKEOVER-13)."""
    items: list[CheckItem] = []

    def add(system, name, standard, building=None):
        items.append(CheckItem(plan=plan, building=building, system=system, name=name,
                               standard=standard, sort=len(items) + 1))  # fmt: skip

    estate_id = plan.project.estate_id
    buildings = _buildings(plan)
    elevators = Equipment.objects.filter(estate_id=estate_id, category=EquipmentCategory.ELEVATOR)
    for b in buildings:
        if plan.scope_structure:
            add(CheckSystem.STRUCTURE, _("房屋主体结构"), _("无结构性裂缝"), b)
            add(CheckSystem.WALL, _("墙面"), _("墙面平整，无空鼓、裂缝、渗水"), b)
            add(CheckSystem.FLOOR, _("地面"), _("地面平整，无起砂、空鼓、裂缝"), b)
            add(CheckSystem.WATER, _("给排水管线"), _("通水试验无渗漏，排水通畅"), b)
            add(CheckSystem.POWER, _("电气线路"), _("通电正常，开关插座、配电箱无异常"), b)
        if plan.scope_equipment:
            lifts = [e.name for e in elevators if e.building_id == b.pk]
            if not lifts:  # not registered yet: the elevator cars of the building's public areas
                lifts = list(
                    PublicArea.objects.filter(
                        estate_id=estate_id, building=b, kind=PublicAreaKind.ELEVATOR
                    ).values_list("name", flat=True)
                )
            for name in lifts:
                add(CheckSystem.ELEVATOR, _("电梯：%(name)s") % {"name": name},
                    _("空载运行3次无异常"), b)  # fmt: skip
            add(CheckSystem.FIRE, _("消防设施"),
                _("消火栓、喷淋、烟感、应急照明及疏散指示完好有效"), b)  # fmt: skip
    if plan.scope_equipment:
        for e in elevators.filter(building__isnull=True):
            add(CheckSystem.ELEVATOR, _("电梯：%(name)s") % {"name": e.name},
                _("空载运行3次无异常"))  # fmt: skip
    if plan.scope_public:
        areas = PublicArea.objects.filter(estate_id=estate_id).exclude(kind=PublicAreaKind.ELEVATOR)
        if plan.building_id:
            areas = areas.filter(building_id=plan.building_id)
        areas = list(areas.select_related("building").order_by("building_id", "id"))
        for area in areas:
            add(CheckSystem.PUBLIC, _("公共区域：%(name)s") % {"name": area.name},
                _("清洁、无破损"), area.building)  # fmt: skip
        if not areas:
            add(CheckSystem.PUBLIC, _("公共区域（大堂、楼梯间、道路、绿化）"),
                _("清洁、无破损"), plan.building)  # fmt: skip
    return items


def _while_preparing(plan: TakeoverPlan) -> None:
    if plan.case.status != TakeoverStatus.PREPARING:
        raise Conflict(_("现场检查已开始，检查清单不能再增删"), code="invalid_state")


@transaction.atomic
def check_item_add(
    *,
    plan: TakeoverPlan,
    system: str,
    name: str,
    standard: str,
    building: Building | None = None,
    by,
) -> CheckItem:
    """Add a line to the checklist while preparing."""
    actor = _actor(by)
    _in_scope(actor, plan.project.estate_id)
    _lead_only(actor)
    plan = _plan_locked(plan)
    _while_preparing(plan)
    errors: dict[str, list[str]] = {}
    name, standard = (name or "").strip(), (standard or "").strip()
    if system not in CheckSystem.values:
        errors["system"] = [_("请选择检查系统")]
    if not name:
        errors["name"] = [_("请填写检查项目")]
    elif len(name) > 100:
        errors["name"] = [_("最多 100 个字符")]
    if system == CheckSystem.ELEVATOR and not standard:
        standard = _("空载运行3次无异常")
    if not standard:
        errors["standard"] = [_("请填写合格标准")]
    elif len(standard) > 200:
        errors["standard"] = [_("最多 200 个字符")]
    if building is not None and building.estate_id != plan.project.estate_id:
        errors["building"] = [_("该楼栋不属于本项目")]
    if errors:
        raise ValidationError(errors)
    last = plan.items.order_by("-sort").values_list("sort", flat=True).first() or 0
    return CheckItem.objects.create(plan=plan, building=building, system=system, name=name,
                                    standard=standard, sort=last + 1)  # fmt: skip


# The acceptance criteria a plan's scope must keep on its checklist: the structure without
# structural cracks and flat walls (TAKEOVER-11), the common areas clean and undamaged
# (TAKEOVER-13). Scope flag → the systems of which each building keeps at least one line.
REQUIRED_SYSTEMS = {
    "scope_structure": (CheckSystem.STRUCTURE, CheckSystem.WALL),  # TAKEOVER-11
    "scope_public": (CheckSystem.PUBLIC,),  # TAKEOVER-13
}


@transaction.atomic
def check_item_remove(*, item: CheckItem, by) -> None:
    """Remove a line while preparing; never the last line of an acceptance criterion of the
    plan's scope (TAKEOVER-11: structure and walls of each building; TAKEOVER-13: the common
    areas), which would let the takeover be confirmed without checking it."""
    actor = _actor(by)
    _in_scope(actor, item.plan.project.estate_id)
    _lead_only(actor)
    plan = _plan_locked(item.plan)
    _while_preparing(plan)
    for flag, systems in REQUIRED_SYSTEMS.items():
        if getattr(plan, flag) and item.system in systems:
            others = plan.items.filter(system=item.system).exclude(pk=item.pk)
            if item.system != CheckSystem.PUBLIC and item.building_id is not None:
                others = others.filter(building_id=item.building_id)  # per building
            if not others.exists():
                raise Conflict(
                    _("“%(name)s”是验收标准的必查项，不能删除") % {"name": item.name},
                    code="required_item",
                )
    item.delete()


# --- Acting on the plan --------------------------------------------------------------------------


def _check_team_member(actor: Actor, plan: TakeoverPlan) -> None:
    """TAKEOVER-02: the checks are made by the takeover team (its leads may too)."""
    if actor.is_superuser or actor.role in LEADS:
        return
    if (
        actor.staff is None
        or not TeamMember.objects.filter(
            project_id=plan.project_id, team=Team.TAKEOVER, staff=actor.staff
        ).exists()
    ):
        raise PermissionDenied(_("只有接管验收小组成员可以登记检查结果"))


@transaction.atomic
def check_item_record(
    *,
    item: CheckItem,
    result: str,
    by,
    note: str = "",
    elevator_runs_ok: int = 0,
    description: str = "",
    location: str = "",
    attachments: list | None = None,
) -> CheckItem:
    """One line of the on-site checklist: passed or failed, with a note and photos bound to a
    ``check`` event of the plan's case. An elevator passes only after three empty runs without
    anomaly (TAKEOVER-12). A failed line becomes a defect (a ``takeover_defect`` case) with its
    description and location; it is then closed by re-inspection, not by checking it again."""
    actor = _actor(by)
    plan = item.plan
    _in_scope(actor, plan.project.estate_id)
    _require(actor, TEAM, _("您的角色不能登记检查结果"))
    _check_team_member(actor, plan)
    plan = _plan_locked(plan)
    item = CheckItem.objects.select_for_update().get(pk=item.pk)
    if item.result == CheckResult.FAILED:
        raise Conflict(_("该项已登记问题，请在问题整改中复查关闭"), code="already_failed")
    errors: dict[str, list[str]] = {}
    note = (note or "").strip()
    description, location = (description or "").strip(), (location or "").strip()
    runs = max(0, _int(elevator_runs_ok))
    if result not in (CheckResult.PASSED, CheckResult.FAILED):
        errors["result"] = [_("请选择合格或不合格")]
    if len(note) > 200:
        errors["note"] = [_("检查记录最多 200 个字符")]
    lift = item.system == CheckSystem.ELEVATOR
    if lift and result == CheckResult.PASSED and runs < ELEVATOR_RUNS:
        errors["elevator_runs_ok"] = [
            _("电梯须空载运行3次均无异常方可判定合格，目前 %(n)d 次") % {"n": runs}
        ]
    if result == CheckResult.FAILED:
        description = description or note
        if not description:
            errors["description"] = [_("请描述发现的问题，如“3层走廊墙面裂缝约50厘米”")]
        if not attachments:
            errors["photos"] = [_("不合格项请拍照留证")]
        check_model_text(TakeoverDefect, errors, description=description, location=location)
    if errors:
        raise ValidationError(errors)
    where = item.building.name if item.building_id else ""
    location = location or f"{where} {item.name}".strip()[:100]
    data = {"item": item.pk, "item_name": item.name, "result": result}
    if item.system == CheckSystem.ELEVATOR:
        data["elevator_runs_ok"] = runs
    label = CheckResult(result).label
    event_note = f"{item.name}：{label}" + (f"，{note}" if note else "")
    if result == CheckResult.FAILED and description != note:
        event_note += f"（{description}）"
    act = engine.case_act(case=plan.case, action="check", by=actor, note=event_note[:1000],
                          data=data, attachments=attachments)  # fmt: skip
    item.result = result
    item.note = note
    item.elevator_runs_ok = runs if item.system == CheckSystem.ELEVATOR else 0
    item.event = act.event
    item.checked_by = actor.user
    item.checked_at = act.event.at
    item.save()
    if result == CheckResult.FAILED:
        case = engine.case_open(
            process=TAKEOVER_DEFECT, estate=plan.project.estate, by=actor, at=act.event.at,
            title=f"{location} {description}"[:200], note=description,
            data={"plan": plan.pk, "item": item.pk, "location": location},
        )  # fmt: skip
        TakeoverDefect.objects.create(plan=plan, item=item, case=case, description=description,
                                      location=location, created_at=act.event.at)  # fmt: skip
    return item


@transaction.atomic
def takeover_plan_act(
    *,
    plan: TakeoverPlan,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> TakeoverPlan:
    """Any step of the plan's case, with the rules of the manual on top of the engine's:
    the inspection starts with a checklist; the confirmation only when every item is checked
    and every defect closed (TAKEOVER-08); the handover ends with the documents, warranty cards
    included (TAKEOVER-09/10)."""
    data = dict(data or {})
    if action == "check":
        item = plan.items.filter(pk=_int(data.get("item"), -1)).first()
        if item is None:
            raise ValidationError({"item": [_("请在检查清单中逐项登记")]})
        check_item_record(item=item, result=data.get("result", ""), by=by, note=note,
                          elevator_runs_ok=data.get("elevator_runs_ok", 0),
                          description=data.get("description", ""),
                          location=data.get("location", ""), attachments=attachments)  # fmt: skip
        return plan
    if action == "confirm":
        scan = (attachments or [None])[0]
        return takeover_confirm(
            plan=plan, by=by, property_signatory=data.get("property_signatory", ""),
            developer_signatory=data.get("developer_signatory", ""), scan=scan, note=note,
        )  # fmt: skip
    actor = _actor(by)
    _in_scope(actor, plan.project.estate_id)
    plan = _plan_locked(plan)
    decl = TAKEOVER.action(action)  # an unknown action is a ProcessError: callers check names
    _check_action_role(actor, decl)
    if action == "start_inspection" and not plan.items.exists():
        raise Conflict(_("检查清单为空，请先添加检查项目"), code="no_items")
    if action == "hand_over_documents" and plan.case.status == TakeoverStatus.CONFIRMED:
        _check_documents_complete(plan)
    result = engine.case_act(case=plan.case, action=action, by=actor, note=note, data=data,
                             attachments=attachments)  # fmt: skip
    plan.case = result.case
    return plan


def _check_documents_complete(plan: TakeoverPlan) -> None:
    documents = plan.documents.all()
    if not documents.exists():
        raise Conflict(_("尚未登记任何移交资料"), code="no_documents")
    if plan.scope_equipment and not documents.filter(category=DocumentCategory.WARRANTY).exists():
        raise Conflict(_("移交资料须包含设施设备保修卡"), code="no_warranty_card")


def takeover_case_act(*, case, action: str, by, **kwargs) -> TakeoverPlan:
    """The takeover process's service for the generic case page and API (Process.service)."""
    return takeover_plan_act(plan=case.takeover_plan, action=action, by=by, **kwargs)
