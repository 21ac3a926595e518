"""Demo handover: 阳光花园's second phase, building 9栋, from the developer's project to a signed
《接管验收确认书》, all through the services (so cases, events, clocks and photos are what real use
would leave).

- the project (杭州阳光置业有限公司) and its pre-intervention past 施工跟进, now at 竣工验收配合
  (TAKEOVER-01: the takeover follows the completion acceptance): the 《前期介入协议》,
  a team of customer service, engineering and order staff, three written suggestions (one
  adopted, one rejected, one waiting), two site inspections (one of concealed works, with
  photos) and two weekly meetings;
- 9栋 entered (8 rooms, an owner registered in each) with its lift in the equipment register;
- the takeover of 9栋: every item checked, two defects on one 《整改通知书》, one closed at the
  first re-inspection, the other sent back once then closed; the confirmation signed and the
  documents received, the lift's warranty card among them. Move-in may start (TAKEOVER-15).
"""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuye.core import services as core
from wuye.core.choices import PublicAreaKind, Relation
from wuye.core.models import Staff
from wuye.core.validators import id_number_check_code
from wuye.facilities import services as facilities
from wuye.handover.services import intervention
from wuye.handover.services import takeover as services

from .models import CheckResult, CheckSystem, DocumentCategory, SuggestionStatus

DEVELOPER = "杭州阳光置业有限公司"
BUILDING = "9栋"
# (room number, floor, area, owner, mobile); the ID numbers are made up with a valid check digit.
OWNERS = [
    ("101", 1, "126.75", "王建华", "13905710901"),
    ("102", 1, "108.20", "李秀英", "13905710902"),
    ("201", 2, "126.75", "张志强", "13905710903"),
    ("202", 2, "108.20", "刘丽娟", "13905710904"),
    ("301", 3, "126.75", "陈海燕", "13905710905"),
    ("302", 3, "108.20", "杨晓东", "13905710906"),
    ("401", 4, "143.60", "赵玉兰", "13905710907"),
    ("402", 4, "143.60", "黄文明", "13905710908"),
]


def demo_photo(user, text: str = "", color=(59, 130, 246)):
    """A small generated PNG stored as a photo of ``user`` (to be bound to an action's event)."""
    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store

    image = Image.new("RGB", (320, 240), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 200), fill=color)
    draw.line((40, 200, 280, 40), fill=(255, 255, 255), width=6)
    if text:
        draw.text((48, 210), text, fill=(30, 41, 59))
    out = io.BytesIO()
    image.save(out, "PNG")
    upload = SimpleUploadedFile("现场照片.png", out.getvalue(), "image/png")
    return attachment_store(upload=upload, kind="photo", by=user)


def _id_number(n: int) -> str:
    # 330110 (余杭区) is not used by the roster's draw: no clash with an existing resident.
    first17 = f"330110{dt.date(1975, 1, 1) + dt.timedelta(days=397 * n):%Y%m%d}{900 + n:03d}"
    return first17 + id_number_check_code(first17)


def _building(estate, admin, today: dt.date):
    """9栋: one unit, four floors of two flats, each with its owner registered from today; its
    lobby and lift car as public areas."""
    building = core.building_create(estate=estate, name=BUILDING, floors=4, sort=9, by=admin)
    unit = core.unit_create(building=building, name="1单元", sort=1, by=admin)
    for n, (number, floor, area, name, mobile) in enumerate(OWNERS, start=1):
        room = core.room_create(building=building, unit=unit, number=number, floor=floor,
                                area=area, by=admin)  # fmt: skip
        core.resident_register(room=room, name=name, mobile=mobile, id_number=_id_number(n),
                               relation=Relation.OWNER, start_date=today, by=admin)  # fmt: skip
    core.public_area_create(estate=estate, kind=PublicAreaKind.LOBBY, name=f"{BUILDING}大堂",
                            building=building, by=admin)  # fmt: skip
    core.public_area_create(estate=estate, kind=PublicAreaKind.ELEVATOR, name=f"{BUILDING}电梯",
                            building=building, by=admin)  # fmt: skip
    return building


def _intervention(project, users: dict, team: dict, today: dt.date) -> None:
    """The pre-intervention through 施工跟进 to 竣工验收配合 (INTAKE-03; TAKEOVER-01: the
    takeover comes after the completion acceptance), its records dated over the last months."""
    lead, agent, tech, guard = users["eng_head"], users["agent"], users["tech"], users["guard"]
    intervention.intervention_start(project, lead)
    project.refresh_from_db()
    day = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    intervention.agreement_record(
        project=project, signed_on=day(120),
        scope="阳光花园二期（9栋）规划设计评审、施工跟进、竣工验收配合至交付使用",
        duties="开发企业按时提供规划设计图纸和施工进度，邀请物业参加例会和隐蔽工程验收；"
               "物业公司派出前期介入小组，书面提出建议并跟踪落实",
        attachments=[demo_photo(lead, "agreement", (100, 116, 139))], by=lead,
    )  # fmt: skip
    for staff, role in ((team["agent"], "customer_service"), (team["tech"], "engineering"),
                        (team["tech2"], "engineering"), (team["guard"], "security")):  # fmt: skip
        intervention.team_member_add(project=project, staff=staff, role=role, by=lead)
    intervention.intervention_act(project=project, action="start_design_review", by=lead)
    adopted = intervention.suggestion_submit(
        project=project, topic="elevator", title="9栋增设一部无障碍电梯",
        content="9栋每单元仅一部电梯，建议增设一部可容纳担架的无障碍电梯，方便老人和急救。",
        submitted_on=day(100), by=tech,
    )  # fmt: skip
    rejected = intervention.suggestion_submit(
        project=project, topic="premises", title="物业服务用房移至一楼",
        content="规划中的物业服务用房位于地下一层，业主办事不便，建议调整至9栋一楼临街位置。",
        submitted_on=day(95), by=agent,
    )  # fmt: skip
    intervention.suggestion_submit(
        project=project, topic="parking", title="地下车库预留充电桩电源",
        content="建议地下车库按车位数30%预留新能源汽车充电桩电源和桥架。",
        submitted_on=day(60), by=tech,
    )  # fmt: skip
    intervention.suggestion_answer(
        suggestion=adopted, outcome=SuggestionStatus.ADOPTED, answered_on=day(85), by=tech,
        answer="同意。设计院已修改9栋电梯井道，增设一部1050kg无障碍电梯。",
    )  # fmt: skip
    intervention.suggestion_answer(
        suggestion=rejected, outcome=SuggestionStatus.REJECTED, answered_on=day(80), by=agent,
        answer="一楼临街位置已规划为商铺，物业服务用房维持原方案，入口增设无障碍坡道。",
    )  # fmt: skip
    intervention.suggestion_submit(
        project=project, topic="concealed", title="给排水管道封闭前通知物业验看",
        content="建议地下室和管井内给排水、电气管道封闭前通知物业到场验看并拍照留档，便于日后维修。",
        submitted_on=day(90), by=tech,
    )  # fmt: skip
    intervention.intervention_act(project=project, action="start_construction", by=lead)
    intervention.inspection_record(
        project=project, inspected_on=day(10), location="9栋地下室给排水管道",
        findings="给水管道已安装完毕，封闭前检查管道走向和试压记录，照片留档。",
        concealed_works=True, rectification="3处管卡间距过大，请施工单位加装后再封闭。",
        attachments=[demo_photo(tech, "pipe"), demo_photo(tech, "pipe", (16, 185, 129))],
        by=tech,
    )  # fmt: skip
    attendees = "开发企业 王建华、施工单位 钱工、物业 赵志强、陈静、李师傅"
    intervention.meeting_record(
        project=project, held_on=day(7), attendees=attendees,
        minutes="通报9栋外立面和屋面施工进度；地下室给排水管卡已整改。",
        decisions="9栋竣工验收定于下周，物业派员参加。", by=agent,
    )  # fmt: skip
    intervention.intervention_act(project=project, action="start_completion", by=lead)
    intervention.inspection_record(
        project=project, inspected_on=day(2), location="9栋物业用房、电梯及消防设施",
        findings="配合竣工验收：物业用房水电到位；电梯已取得检验合格证；"
                 "2层消火栓箱玻璃破损，已记入接管验收。",
        checks=["premises", "equipment"], by=guard,
    )  # fmt: skip
    intervention.meeting_record(
        project=project, held_on=today, attendees=attendees,
        minutes="9栋竣工验收合格，商定接管验收和入住安排。",
        decisions="9栋接管验收今日进行，业主代表王建华、李秀英参加。",
        open_points="充电桩电源预留待开发企业答复", by=agent,
    )  # fmt: skip


def _takeover(project, building, users: dict, team: dict, today: dt.date):
    """The takeover of 9栋 through to the documents (TAKEOVER-03), with two defects."""
    lead, tech = users["eng_head"], users["tech"]
    lift = facilities.equipment_create(
        estate=project.estate, building=building, code="DT-9-01", name="9栋1号客梯",
        category="elevator", location="9栋1单元", manufacturer="日立电梯（中国）有限公司",
        model_no="HGP-1050", by=lead,
    )  # fmt: skip
    plan = services.takeover_plan_create(
        project=project, building=building, planned_on=today,
        standards="《建筑工程施工质量验收统一标准》GB 50300、《物业承接查验办法》",
        tools="验房仪、空鼓锤、卷尺、水平尺、插座检测仪",
        owner_representatives="业主代表 王建华 13905710901；业主代表 李秀英 13905710902",
        team=[team["agent"], team["tech"], team["guard"]], by=lead,
    )  # fmt: skip
    services.takeover_plan_act(plan=plan, action="start_inspection", by=lead)
    failures = {
        CheckSystem.WALL: ("3层楼梯间墙面裂缝约50厘米", "9栋3层楼梯间"),
        CheckSystem.FIRE: ("2层消火栓箱玻璃破损，水带缺失", "9栋2层消防前室"),
    }
    for item in plan.items.order_by("sort", "id"):
        if item.system in failures:
            description, location = failures[item.system]
            services.check_item_record(
                item=item, result=CheckResult.FAILED, description=description, location=location,
                attachments=[demo_photo(tech, item.system, (239, 68, 68))], by=tech,
            )  # fmt: skip
        else:
            services.check_item_record(
                item=item, result=CheckResult.PASSED, by=tech,
                elevator_runs_ok=services.ELEVATOR_RUNS if item.system == "elevator" else 0,
            )  # fmt: skip
    services.rectification_notice_issue(plan=plan, by=lead)
    wall, fire = plan.defects.order_by("id")
    act = services.takeover_defect_act
    act(defect=wall, action="report_fixed", by=tech, note="开发企业：裂缝已凿开修补并重新粉刷")
    act(defect=wall, action="reinspect_pass", by=tech, note="复查合格，墙面平整无裂缝",
        attachments=[demo_photo(tech, "wall")])  # fmt: skip
    act(defect=fire, action="report_fixed", by=tech, note="开发企业：已更换消火栓箱玻璃")
    act(defect=fire, action="reinspect_fail", by=tech, note="玻璃已换，水带仍未配齐，退回整改")
    act(defect=fire, action="report_fixed", by=tech, note="开发企业：已补配水带和水枪")
    act(defect=fire, action="reinspect_pass", by=tech, note="复查合格，消火栓箱配件齐全",
        attachments=[demo_photo(tech, "fire")])  # fmt: skip
    plan = services.takeover_confirm(
        plan=plan, property_signatory="赵志强", developer_signatory="王建华", by=lead,
        scan=demo_photo(lead, "signed", (100, 116, 139)), note="9栋接管验收合格",
    )  # fmt: skip
    for category, name, copies in (
        (DocumentCategory.PROPERTY_RIGHTS, "9栋竣工验收备案表", 1),
        (DocumentCategory.DRAWING, "9栋建筑、结构、水电竣工图", 2),
        (DocumentCategory.MANUAL, "9栋1号客梯使用维护说明书", 1),
    ):
        services.handover_document_add(plan=plan, category=category, name=name, copies=copies,
                                       by=lead)  # fmt: skip
    services.handover_document_add(
        plan=plan, category=DocumentCategory.WARRANTY, name="9栋1号客梯保修卡", by=lead,
        equipment=lift, warranty_from=today,
        warranty_until=dt.date(today.year + 2, today.month, min(today.day, 28)),
        warranty_unit="日立电梯（中国）有限公司杭州分公司", warranty_contact="0571-88001234",
    )  # fmt: skip
    return plan


def load_handover_demo(estates) -> int:
    """9栋 of 阳光花园 and its project, pre-intervention and confirmed takeover. Returns the
    number of takeover plans made."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=("admin", "eng_head", "agent", "tech", "tech2", "guard"))}  # fmt: skip
    team = {s.user.username: s for s in Staff.objects.filter(
        user__username__in=("agent", "tech", "tech2", "guard")).select_related("user")}  # fmt: skip
    estate = estates[0]
    today = timezone.localtime(timezone.now(), ZoneInfo(estate.time_zone or "Asia/Shanghai")).date()
    building = _building(estate, users["admin"], today)
    project = services.project_create(
        estate=estate, developer=DEVELOPER, design_unit="浙江省建筑设计研究院",
        contractor="浙江华建建设集团有限公司", total_floor_area="32680.50", by=users["eng_head"],
    )  # fmt: skip
    _intervention(project, users, team, today)
    _takeover(project, building, users, team, today)
    return project.plans.count()
