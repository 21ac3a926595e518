"""Every write of the takeover acceptance (接管验收, TAKEOVER-*): the project, the plan and its
checklist, the on-site checks, defects and 《整改通知书》, the confirmation and the documents.

The plan runs as a ``takeover`` case and each defect as a ``takeover_defect`` case of the engine
(processes.py): the engine checks who may act and in which state, writes the timeline and runs the
15-working-day clock (TAKEOVER-07); the rules of the manual that are more than a state and a role
are checked here, before anything is written. ``takeover_case_act`` and ``defect_case_act`` are the
processes' service hooks, so the generic case page and API go through the same rules.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import DepartmentKind, PublicAreaKind
from wuye.core.exceptions import Conflict
from wuye.core.models import Building, Estate, PublicArea, Staff
from wuye.core.scoping import Actor, actor_for, get_or_404, scope_to_estates
from wuye.core.validators import check_date, check_model_text, exact_decimal
from wuye.facilities import services as facilities
from wuye.facilities.models import Equipment, EquipmentCategory
from wuye.handover.choices import DefectStatus, InterventionStatus, TakeoverStatus
from wuye.handover.models import (
    CheckItem,
    CheckResult,
    CheckSystem,
    DocumentCategory,
    HandoverDocument,
    HandoverProject,
    RectificationNotice,
    TakeoverDefect,
    TakeoverPlan,
    Team,
    TeamMember,
    TeamRole,
)
from wuye.handover.processes import LEADS, TAKEOVER, TAKEOVER_DEFECT, TEAM
from wuye.workflow import services as engine
from wuye.workflow.models import Attachment

ELEVATOR_RUNS = 3  # TAKEOVER-12: three empty runs without anomaly
NOTICE_PREFIX = "ZGTZ"
# TAKEOVER-02: the team comes from customer service, engineering and order maintenance.
TEAM_ROLE_OF_DEPARTMENT = {
    DepartmentKind.CUSTOMER_SERVICE: TeamRole.CUSTOMER_SERVICE,
    DepartmentKind.ENGINEERING: TeamRole.ENGINEERING,
    DepartmentKind.ORDER: TeamRole.SECURITY,
}
OPEN_PLAN = (TakeoverStatus.PREPARING, TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING)
BEFORE_COMPLETION = (
    InterventionStatus.LIAISON,
    InterventionStatus.DESIGN_REVIEW,
    InterventionStatus.CONSTRUCTION,
)


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _in_scope(actor: Actor, estate: Estate | int) -> None:
    estate_id = estate if isinstance(estate, int) else estate.pk
    if not actor.is_superuser and estate_id not in actor.estate_ids:
        raise Http404


def _require(actor: Actor, roles: frozenset, message: str) -> None:
    if not (actor.is_superuser or actor.role in roles):
        raise PermissionDenied(message)


def _check_action_role(actor: Actor, action) -> None:
    """The engine's role rule, asked before this service reads or writes anything."""
    _require(actor, action.roles,
             _("您的角色不能执行“%(action)s”") % {"action": action.label})  # fmt: skip


def _lead_only(actor: Actor) -> None:
    _require(actor, LEADS, _("只有部门负责人或公司管理层可以执行此操作"))


# --- Reads used by the pages ---------------------------------------------------------------------


def takeover_plan_list(*, actor: Actor) -> QuerySet[TakeoverPlan]:
    """The plans of the estates this person works in (staff only)."""
    return scope_to_estates(
        TakeoverPlan.objects.select_related("project__estate", "building", "case"),
        actor,
        "project__estate",
    )


def takeover_plan_get_for_user(user, pk) -> TakeoverPlan:
    return get_or_404(takeover_plan_list(actor=_actor(user)), pk)


def takeover_defect_get_for_user(user, pk) -> TakeoverDefect:
    qs = scope_to_estates(
        TakeoverDefect.objects.select_related(
            "plan__project__estate", "plan__building", "item__building", "case", "notice"
        ),
        _actor(user),
        "plan__project__estate",
    )
    return get_or_404(qs, pk)


def check_item_get_for_user(user, pk) -> CheckItem:
    qs = scope_to_estates(
        CheckItem.objects.select_related("plan__project__estate", "plan__case", "building"),
        _actor(user),
        "plan__project__estate",
    )
    return get_or_404(qs, pk)


def rectification_notice_get_for_user(user, pk) -> RectificationNotice:
    qs = scope_to_estates(
        RectificationNotice.objects.select_related("plan__project__estate__company"),
        _actor(user),
        "plan__project__estate",
    )
    return get_or_404(qs, pk)


def plan_estate(plan: TakeoverPlan) -> Estate:
    return plan.project.estate


def open_defects(plan: TakeoverPlan) -> QuerySet[TakeoverDefect]:
    return plan.defects.exclude(case__status=DefectStatus.CLOSED)


# --- The project ---------------------------------------------------------------------------------


@transaction.atomic
def project_create(
    *,
    estate: Estate,
    developer: str,
    design_unit: str = "",
    contractor: str = "",
    total_floor_area=None,
    by,
) -> HandoverProject:
    """接管项目: the estate being handed over by its developer. One per estate: a second is
    refused (Conflict), the existing one is not returned."""
    actor = _actor(by)
    _in_scope(actor, estate)
    _lead_only(actor)
    errors: dict[str, list[str]] = {}
    developer = (developer or "").strip()
    if not developer:
        errors["developer"] = [_("请填写开发企业名称")]
    area = None
    if total_floor_area not in (None, ""):
        try:  # two decimal places at most: refused, not rounded
            area = exact_decimal(
                total_floor_area, places=2, field="total_floor_area", label=_("总建筑面积"),
                invalid=_("请填写数字，如 56000.50"),
            )  # fmt: skip
        except ValidationError as e:
            errors.update(e.message_dict)
        else:
            if area <= 0 or area >= Decimal("1e10"):
                errors["total_floor_area"] = [_("总建筑面积应大于 0")]
    values = {"developer": developer, "design_unit": (design_unit or "").strip(),
              "contractor": (contractor or "").strip()}  # fmt: skip
    for key, value in values.items():
        if len(value) > 100:
            errors.setdefault(key, []).append(_("最多 100 个字符"))
    if errors:
        raise ValidationError(errors)
    if HandoverProject.objects.select_for_update().filter(estate=estate).exists():
        raise Conflict(_("%(estate)s 已登记接管项目") % {"estate": estate.name}, code="exists")
    return HandoverProject.objects.create(
        estate=estate, total_floor_area=area, created_at=timezone.now(), created_by=actor.user,
        **values,
    )  # fmt: skip


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


def _plan_locked(plan: TakeoverPlan) -> TakeoverPlan:
    return (
        TakeoverPlan.objects.select_for_update(of=("self",))
        .select_related("project__estate", "case", "building")
        .get(pk=plan.pk)
    )


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


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


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


# --- Rectification (TAKEOVER-06/07) ---------------------------------------------------------------


def _notice_number(estate: Estate, at: dt.datetime) -> str:
    # Per estate and day (the case counter); the estate's id keeps it unique across estates.
    number = engine.case_number_next(estate=estate, prefix=NOTICE_PREFIX, at=at)
    return number.replace(f"{NOTICE_PREFIX}-", f"{NOTICE_PREFIX}-{estate.pk}-", 1)


@transaction.atomic
def rectification_notice_issue(
    *, plan: TakeoverPlan, by, defects: list[TakeoverDefect] | None = None
) -> RectificationNotice:
    """《整改通知书》 (TAKEOVER-06) to the developer for the plan's defects waiting for one (or the
    ones named): each defect's case gets ``notify``, which starts its 15-working-day clock on the
    engine's calendar (TAKEOVER-07); the notice's deadline is that clock's due time. Issuing the
    first notice moves the plan from the on-site inspection into rectification (TAKEOVER-03)."""
    actor = _actor(by)
    _in_scope(actor, plan.project.estate_id)
    _require(actor, TAKEOVER_DEFECT.action("notify").roles,
             _("只有部门负责人或公司管理层可以发出整改通知书"))  # fmt: skip
    plan = _plan_locked(plan)
    if plan.case.status not in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING):
        raise Conflict(
            _("接管验收当前为“%(status)s”，不能发出整改通知书")
            % {"status": TAKEOVER.state(plan.case.status).label},
            code="invalid_state",
        )
    waiting = plan.defects.select_for_update(of=("self",)).filter(
        case__status=DefectStatus.FOUND, notice__isnull=True
    )
    if defects is not None:
        waiting = waiting.filter(pk__in=[d.pk for d in defects])
    waiting = list(waiting.select_related("case").order_by("id"))
    if not waiting or (defects is not None and len(waiting) != len({d.pk for d in defects})):
        raise Conflict(_("没有待发整改通知的问题"), code="nothing_to_notify")
    estate = plan.project.estate
    now = timezone.now()
    number = _notice_number(estate, now)
    due = None
    for defect in waiting:
        engine.case_act(case=defect.case, action="notify", by=actor,
                        data={"notice": number})  # fmt: skip
        clock = defect.case.clocks.get(key="rectify")
        due = clock.due_at if due is None else max(due, clock.due_at)
    notice = RectificationNotice.objects.create(
        plan=plan, number=number, issued_at=now, due_at=due,
        addressed_to=plan.project.developer, issued_by=actor.user,
    )  # fmt: skip
    TakeoverDefect.objects.filter(pk__in=[d.pk for d in waiting]).update(notice=notice)
    if plan.case.status == TakeoverStatus.INSPECTING:
        engine.case_act(case=plan.case, action="start_rectification", by=actor,
                        note=_("发出整改通知书 %(number)s") % {"number": number})  # fmt: skip
    else:
        engine.case_act(case=plan.case, action="comment", by=actor,
                        note=_("发出整改通知书 %(number)s，%(n)d 项问题")
                        % {"number": number, "n": len(waiting)})  # fmt: skip
    return notice


@transaction.atomic
def takeover_defect_act(
    *,
    defect: TakeoverDefect,
    action: str,
    by,
    note: str = "",
    data: dict | None = None,
    attachments: list | None = None,
    assignee=None,
) -> TakeoverDefect:
    """A step of a defect: ``notify`` issues a 《整改通知书》 for it alone; the developer's report
    that it is fixed, and the re-inspection that closes it (the clock stops) or sends it back
    (the clock keeps running: the deadline of the notice stands)."""
    actor = _actor(by)
    _in_scope(actor, defect.plan.project.estate_id)
    if action == "notify":
        rectification_notice_issue(plan=defect.plan, by=actor, defects=[defect])
    else:
        TAKEOVER_DEFECT.action(action)
        engine.case_act(case=defect.case, action=action, by=actor, note=note, data=data,
                        attachments=attachments)  # fmt: skip
    return TakeoverDefect.objects.select_related("case", "notice").get(pk=defect.pk)


def defect_case_act(*, case, action: str, by, **kwargs) -> TakeoverDefect:
    """The takeover_defect process's service for the generic case page and API."""
    return takeover_defect_act(defect=case.takeover_defect, action=action, by=by, **kwargs)


# --- Confirmation (TAKEOVER-08) ------------------------------------------------------------------


def confirmation_blockers(plan: TakeoverPlan) -> list[str]:
    """Why the 《接管验收确认书》 cannot be signed yet ([] when it can)."""
    reasons = []
    pending = plan.items.filter(result=CheckResult.PENDING).count()
    if pending:
        reasons.append(_("还有 %(n)d 项检查未完成") % {"n": pending})
    still_open = list(open_defects(plan).select_related("case").order_by("id"))
    if still_open:
        reasons.append(
            _("还有 %(n)d 个问题未整改关闭：%(numbers)s")
            % {"n": len(still_open), "numbers": "、".join(d.case.number for d in still_open)}
        )
    return reasons


@transaction.atomic
def takeover_confirm(
    *,
    plan: TakeoverPlan,
    property_signatory: str,
    developer_signatory: str,
    by,
    scan: Attachment | UUID | str | None = None,
    note: str = "",
) -> TakeoverPlan:
    """Sign the 《接管验收确认书》: only once every item is checked and every defect of the plan is
    closed by re-inspection (TAKEOVER-08), else refused and nothing changes. Both sides'
    signatories are recorded; a scan of the signed paper may be attached."""
    actor = _actor(by)
    _in_scope(actor, plan.project.estate_id)
    _check_action_role(actor, TAKEOVER.action("confirm"))
    plan = _plan_locked(plan)
    errors: dict[str, list[str]] = {}
    names = {"property_signatory": (property_signatory or "").strip(),
             "developer_signatory": (developer_signatory or "").strip()}  # fmt: skip
    for key, value in names.items():
        if not value:
            errors[key] = [_("请填写签署人姓名")]
        elif len(value) > 50:
            errors[key] = [_("最多 50 个字符")]
    if errors:
        raise ValidationError(errors)
    if plan.case.status in (TakeoverStatus.INSPECTING, TakeoverStatus.RECTIFYING):
        blockers = confirmation_blockers(plan)
        if blockers:
            raise Conflict(
                _("不能签署接管验收确认书：%(reasons)s") % {"reasons": "；".join(blockers)},
                code="defects_open",
            )
    result = engine.case_act(case=plan.case, action="confirm", by=actor, note=note, data=names,
                             attachments=[scan] if scan is not None else None)  # fmt: skip
    plan.case = result.case
    if scan is not None and not isinstance(scan, Attachment):
        # An id (the API, the generic case route): the attachment the engine checked and bound.
        scan = result.event.attachments.first()
    plan.confirmed_at = result.event.at
    plan.property_signatory = names["property_signatory"]
    plan.developer_signatory = names["developer_signatory"]
    plan.confirmation_scan = scan
    plan.save(update_fields=["confirmed_at", "property_signatory", "developer_signatory",
                             "confirmation_scan"])  # fmt: skip
    return plan


# --- Documents (TAKEOVER-09/10) ------------------------------------------------------------------


@transaction.atomic
def handover_document_add(
    *,
    plan: TakeoverPlan,
    category: str,
    name: str,
    by,
    copies: int = 1,
    note: str = "",
    equipment: Equipment | None = None,
    new_equipment: dict | None = None,
    warranty_from: dt.date | None = None,
    warranty_until: dt.date | None = None,
    warranty_unit: str = "",
    warranty_contact: str = "",
) -> HandoverDocument:
    """A line of the 《资料移交清单》 (TAKEOVER-09), after the confirmation (TAKEOVER-03). A
    warranty card names the equipment (an existing one of the estate, or ``new_equipment``:
    code, name, category… to register it), its warranty period and the responsible unit, and
    writes them onto the equipment (TAKEOVER-10)."""
    actor = _actor(by)
    estate = plan.project.estate
    _in_scope(actor, estate)
    _require(actor, TEAM, _("您的角色不能登记移交资料"))
    plan = _plan_locked(plan)
    if plan.case.status != TakeoverStatus.CONFIRMED:
        raise Conflict(
            _("签署接管验收确认书后才能登记移交资料")
            if plan.case.status in OPEN_PLAN
            else _("资料移交已完成"),
            code="invalid_state",
        )
    errors: dict[str, list[str]] = {}
    name, note = (name or "").strip(), (note or "").strip()
    copies = _int(copies, 0)
    if category not in DocumentCategory.values:
        errors["category"] = [_("请选择资料类别")]
    if not name:
        errors["name"] = [_("请填写资料名称")]
    elif len(name) > 100:
        errors["name"] = [_("最多 100 个字符")]
    if not 1 <= copies <= 999:
        errors["copies"] = [_("份数应为 1 至 999")]
    if len(note) > 200:
        errors["note"] = [_("备注最多 200 个字符")]
    warranty = category == DocumentCategory.WARRANTY
    if warranty:
        if equipment is None and not new_equipment:
            errors["equipment"] = [_("保修卡须注明对应的设备：选择已有设备或登记新设备")]
        elif equipment is not None and equipment.estate_id != estate.pk:
            errors["equipment"] = [_("该设备不属于本项目")]
        check_date(warranty_from, field="warranty_from", label=_("保修起始日"), errors=errors)
        check_date(warranty_until, field="warranty_until", label=_("保修截止日"), errors=errors)
        if warranty_until is None:
            errors["warranty_until"] = [_("请填写保修截止日")]
        elif warranty_from is not None and warranty_until < warranty_from:
            errors["warranty_until"] = [_("保修截止日不能早于保修起始日")]
        if not (warranty_unit or "").strip():
            errors["warranty_unit"] = [_("请填写保修责任单位")]
    if errors:
        raise ValidationError(errors)
    if warranty:
        if equipment is None:
            try:
                equipment = facilities.equipment_create(estate=estate, by=actor, **new_equipment)
            except TypeError:
                raise ValidationError({"equipment": [_("新设备信息不完整")]}) from None
        equipment = facilities.equipment_warranty_set(
            equipment=equipment, warranty_from=warranty_from, warranty_until=warranty_until,
            warranty_unit=warranty_unit, warranty_contact=warranty_contact, by=actor,
        )  # fmt: skip
    document = HandoverDocument.objects.create(
        plan=plan, category=category, name=name, copies=copies,
        equipment=equipment if warranty else None,
        warranty_from=warranty_from if warranty else None,
        warranty_until=warranty_until if warranty else None,
        warranty_unit=(warranty_unit or "").strip() if warranty else "",
        received_at=timezone.now(), received_by=actor.user, note=note,
    )  # fmt: skip
    engine.case_act(
        case=plan.case, action="comment", by=actor,
        note=_("接收移交资料：%(category)s《%(name)s》%(copies)d 份")
        % {"category": document.get_category_display(), "name": name, "copies": copies},
        data={"document": document.pk},
    )  # fmt: skip
    return document


def move_in_allowed(estate: Estate) -> list[tuple[Building, bool]]:
    """TAKEOVER-15 for a page: each building of the estate and whether its takeover is
    confirmed (move-in may start)."""
    accepted_all = TakeoverPlan.objects.filter(
        project__estate=estate, building__isnull=True,
        case__status__in=(TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED),
    ).exists()  # fmt: skip
    buildings = list(Building.objects.filter(estate=estate).order_by("sort", "id"))
    if accepted_all:
        return [(b, True) for b in buildings]
    accepted = set(
        TakeoverPlan.objects.filter(
            Q(building__in=buildings),
            case__status__in=(TakeoverStatus.CONFIRMED, TakeoverStatus.DOCUMENTED),
        ).values_list("building_id", flat=True)
    )
    return [(b, b.pk in accepted) for b in buildings]
