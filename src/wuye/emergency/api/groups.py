"""The organisation API (应急组织架构, EMERG-01..03): the groups an estate uses, members added,
changed (leader, on call) and removed — the same services as the pages."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, ApiError, Id, IdParam, Text
from wuye.core.models import Company, Staff
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..selectors import organisation as selectors
from ..services import organisation as services

router = Router(tags=["emergency"])


class GroupMemberOut(Schema):
    id: int
    staff: int = Field(..., alias="staff_id")
    name: str = Field(..., alias="staff.name")
    duty: str
    leader: bool
    on_call: bool


class GroupMemberAddOut(GroupMemberOut):
    warning: str = ""


class GroupOut(Schema):
    kind: str
    label: str
    source: str = Field(..., description="estate 本项目 / company 公司统一 / executives 企业高层")
    group: int | None
    members: list[dict]
    warnings: list[str]


class GroupMemberIn(Schema):
    estate: Id | None = Field(None, description="不填为公司统一的小组")
    kind: Text = Field(..., max_length=20)
    staff: Id
    duty: Text = Field("", max_length=40)
    leader: bool = False
    on_call: bool = False


class GroupMemberPatch(Schema):
    duty: Text | None = Field(None, max_length=40)
    leader: bool | None = None
    on_call: bool | None = None


@router.get("/emergency/groups", response={200: list[GroupOut], **READ_ERRORS})
def group_list(request: HttpRequest, estate: IdParam):
    """The three groups as the estate uses them: its own, else the company's, else (command)
    the executives."""
    chosen = get_or_404(visible_estates(actor_for(request.auth)), estate)
    return [
        {"kind": v.kind, "label": str(v.label), "source": v.source,
         "group": v.group.pk if v.group else None, "warnings": v.warnings,
         "members": [{"staff": getattr(m, "staff", m).pk, "name": getattr(m, "staff", m).name,
                      "leader": getattr(m, "leader", False), "on_call": getattr(m, "on_call",
                                                                                False)}
                     for m in v.members]}
        for v in services.groups_effective(chosen)
    ]  # fmt: skip


@router.post("/emergency/groups/members", response={201: GroupMemberAddOut, **WRITE_ERRORS})
def group_member_add(request: HttpRequest, payload: GroupMemberIn):
    """Add a member; ``warning`` says when the department does not fit the group."""
    actor = actor_for(request.auth)
    estate = None
    if payload.estate is not None:
        estate = get_or_404(visible_estates(actor), payload.estate)
    company = estate.company if estate else Company.objects.filter(pk=actor.company_id).first()
    if company is None:
        raise ApiError(404, "not_found", "Not Found")
    staff = Staff.objects.filter(pk=payload.staff, company=company).first()
    if staff is None:
        message = _("请选择本公司的在职员工")
        raise ApiError(400, "invalid", message, {"staff": [message]})
    group = services.group_get_or_create(company=company, estate=estate, kind=payload.kind,
                                         by=request.auth)  # fmt: skip
    member, warning = services.member_add(group=group, staff=staff, by=request.auth,
                                          duty=payload.duty, leader=payload.leader,
                                          on_call=payload.on_call)  # fmt: skip
    member.warning = warning
    return Status(201, member)


@router.patch("/emergency/groups/members/{int:member_id}",
              response={200: GroupMemberOut, **WRITE_ERRORS})  # fmt: skip
def group_member_update(request: HttpRequest, member_id: IdParam, payload: GroupMemberPatch):
    """Change the duty, leader (one per group) or on-call flag."""
    member = selectors.member_get_for_user(request.auth, member_id)
    return services.member_update(member=member, by=request.auth,
                                  **payload.dict(exclude_unset=True))  # fmt: skip


@router.post("/emergency/groups/members/{int:member_id}/remove",
             response={204: None, **WRITE_ERRORS})  # fmt: skip
def group_member_remove(request: HttpRequest, member_id: IdParam):
    member = selectors.member_get_for_user(request.auth, member_id)
    services.member_remove(member=member, by=request.auth)
    return Status(204, None)
