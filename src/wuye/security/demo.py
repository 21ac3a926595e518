"""Demo order and safety of 阳光花园 (manual ch.6), one function per topic, each made through the
services so clocks, messages and records are real."""

from __future__ import annotations

import datetime as dt

# --- Guards ---


def _guards_picture(user, colour=(120, 110, 100)):
    """A small photo taken on the spot, stored for ``user`` (not yet bound to a case)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store

    image = Image.new("RGB", (320, 240), (190, 190, 185))
    ImageDraw.Draw(image).rectangle((60, 90, 260, 220), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG")
    upload = SimpleUploadedFile("xianchang.jpg", out.getvalue(), content_type="image/jpeg")
    return attachment_store(upload=upload, by=user)


def _guards_signature(user):
    """A drawn signature (a stroke of ink on a transparent canvas), stored for ``user``."""
    import base64
    import io

    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store_signature

    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line((20, 60, 80, 30, 150, 70, 270, 35), fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    return attachment_store_signature(data_url=data_url, by=user)


def _load_guards(estates) -> dict:
    """阳光花园's order department (GUARD-01…12, FIRE-14): a gate post and a patrol post with
    their guards and today's shifts, the gate's last handover signed by both with 三清 and the
    equipment checked, the conduct check of the guard on duty, the two patrol routes with today's
    rounds (the last general round missed a checkpoint, the head told), one open fire-lane
    obstruction found on patrol."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core import services as core_services
    from wuye.core.choices import DepartmentKind, Role
    from wuye.fieldwork.models import Round, RoundStatus, Scan
    from wuye.fieldwork.services import handovers
    from wuye.fieldwork.services import shifts as shift_services
    from wuye.fieldwork.services.rounds import round_sweep_missed
    from wuye.workflow.models import PlannedTask, PlannedTaskStatus, Schedule
    from wuye.workflow.schedules import schedule_generate

    from .services.guards import conduct_check_record, guard_post_create
    from .services.patrols import patrol_anomaly_report, patrol_routes_setup

    estate = estates[0]
    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    head = User.objects.get(username="order_head")
    guard = User.objects.get(username="guard")
    extra = [
        core_services.staff_create(
            company=estate.company, username=username, password=None, name=name,
            mobile=mobile, employee_no=number, department=DepartmentKind.ORDER,
            role=Role.GUARD, estates=[estate], position="秩序员", by=admin,
        ).user
        for username, name, mobile, number in (
            ("patrol1", "王磊", "13705719101", "AJ9101"),
            ("patrol2", "刘洋", "13705719102", "AJ9102"),
        )
    ]  # fmt: skip
    patrol1, patrol2 = extra
    for user in extra:
        user.password = guard.password  # the demo's one password (its hash)
        user.save(update_fields=["password"])

    zone = shift_services.estate_zone(estate)
    now = timezone.now()
    local = timezone.localtime(now, zone)
    midnight = dt.datetime.combine(local.date(), dt.time.min, zone)
    # Twelve-hour shifts, 08:00 and 20:00; the current one began at the last change.
    change = midnight + dt.timedelta(hours=8 if local.hour >= 8 else -4)
    if local.hour >= 20:
        change = midnight + dt.timedelta(hours=20)
    twelve = dt.timedelta(hours=12)

    gate = guard_post_create(estate=estate, name="东门岗", kind="gate", by=head)
    patrol_post = guard_post_create(
        estate=estate, name="巡逻岗", kind="patrol", by=head,
        equipment=["对讲机", "警棍", "强光手电", "巡更记录本"],
    )  # fmt: skip
    staff = {u.pk: u.staff for u in (guard, patrol1, patrol2)}
    outgoing, incoming, _next = (
        shift_services.shift_create(post=gate, starts_at=change + k * twelve,
                                    ends_at=change + (k + 1) * twelve, staff=[staff[who.pk]],
                                    name="白班" if (change + k * twelve).hour == 8 else "夜班",
                                    by=head)
        for k, who in ((-1, patrol1), (0, guard), (1, patrol1))
    )  # fmt: skip
    shift_services.shift_start(shift=outgoing, by=patrol1)
    handover = handovers.handover_open(shift=outgoing, by=patrol1, incoming_shift=incoming)
    handovers.handover_sign_outgoing(
        handover=handover, attachments=[_guards_signature(patrol1)], by=patrol1,
        operating_status="东门岗值守正常；外来人员登记12人，临时车辆5辆均已登记放行",
        anomalies="", articles="对讲机2台、警棍1根、手电筒1个、岗亭钥匙1串",
        equipment={name: True for name in gate.equipment},
        clears=["situation", "items", "records"],
        new_items=["3栋502装修工人出入证明日到期，提醒其办理续期"],
    )  # fmt: skip
    handovers.handover_sign_incoming(
        handover=handover, attachments=[_guards_signature(guard)], by=guard,
        clears=["situation", "items", "records"],
    )  # fmt: skip
    conduct_check_record(shift=incoming, by=guard, badge=True, uniform=True, polite=True)
    patrol_shift = shift_services.shift_create(
        post=patrol_post, starts_at=change, ends_at=change + twelve, staff=[staff[patrol2.pk]],
        name="白班" if change.hour == 8 else "夜班", by=head,
    )  # fmt: skip
    shift_services.shift_start(shift=patrol_shift, by=patrol2)
    conduct_check_record(shift=patrol_shift, by=patrol2, badge=True, uniform=True, polite=True)

    # The two patrol routes, planned since midnight: today's earlier rounds exist too.
    routes = patrol_routes_setup(estate=estate, by=head, anchor=midnight.date())
    for schedule in (routes.general_schedule, routes.key_schedule):
        Schedule.objects.filter(pk=schedule.pk).update(generated_until=midnight)
    schedule_generate(now=now, horizon=dt.timedelta(hours=12))
    walker = {True: patrol2, False: guard}
    scans = []
    for route, schedule in ((routes.general, routes.general_schedule),
                            (routes.key, routes.key_schedule)):  # fmt: skip
        points = list(route.checkpoints.order_by("position"))
        past = list(
            PlannedTask.objects.filter(schedule=schedule, due_at__lte=now).order_by("scheduled_for")
        )
        for n, task in enumerate(past):
            who = walker[n % 2 == 0]
            # The last general round before now: 各楼栋单元 was not visited.
            skip = route == routes.general and n == len(past) - 1
            rnd = Round.objects.create(
                task=task, route=route, estate=estate,
                started_at=task.scheduled_for + dt.timedelta(minutes=5),
            )  # fmt: skip
            at = rnd.started_at
            for point in points:
                at += dt.timedelta(minutes=12)
                if not (skip and point.position == 2):
                    scans.append(Scan(round=rnd, checkpoint=point, scanned_by=who, scanned_at=at))
            if not skip:
                Round.objects.filter(pk=rnd.pk).update(status=RoundStatus.DONE, closed_at=at)
                PlannedTask.objects.filter(pk=task.pk).update(
                    status=PlannedTaskStatus.DONE, done_at=at, done_by=who
                )
    Scan.objects.bulk_create(scans)
    round_sweep_missed(now=now)

    # Found on patrol this hour: cartons and an old sofa in 2栋's fire lane (FIRE-14).
    room = estate.rooms.select_related("building").order_by("id").first()
    car_park = routes.general.checkpoints.get(position=3)
    obstruction = patrol_anomaly_report(
        estate=estate, kind="fire_lane", description="纸箱和旧沙发堆放在消防通道，占用约2米",
        location="地下停车场B区消防通道", checkpoint=car_park, room=room,
        attachments=[_guards_picture(patrol2)], by=patrol2,
    )  # fmt: skip
    return {"guard_posts": 2, "patrol_routes": 2, "obstructions": 1 if obstruction else 0}


# --- Visitors ---

VISITORS = [
    # (name, first 17 digits of the ID number, reason, minutes ago, minutes stayed or None)
    ("刘洋", "33010619850312451", "guest", 190, 75),
    ("周师傅", "33012719790708123", "repair", 150, 40),
    ("吴敏", "33010219920115282", "housekeeping", 120, None),
    ("郑凯", "34122119880923471", "moving", 95, None),
    ("孙丽", "33068219950401362", "guest", 45, None),
]
PARCELS = [("顺丰速运", "SF1402837465912"), ("中通快递", "78312094556120"),
           ("京东物流", "JDVA20931847562")]  # fmt: skip


def _load_visitors(estates) -> dict:
    """阳光花园's gate today: visitors (some still inside), a resident's pre-registered guest
    pass, a decoration permit with a worker's pass scanned this morning, parcels waiting (couriers
    do not enter this estate: the gate receives them)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core.validators import id_number_check_code

    from .choices import PassKind
    from .services import decoration, parcels, passes, visitors

    estate = estates[0]
    User = get_user_model()
    guard, agent = User.objects.get(username="guard"), User.objects.get(username="agent")
    head = User.objects.filter(is_superuser=True).order_by("id").first()
    owner = User.objects.get(username="owner")
    rooms = list(estate.rooms.select_related("building", "unit").order_by("building__sort", "pk"))
    owner_room = owner.resident.occupancies.filter(estate=estate).first().room
    now = timezone.now()
    zone = visitors.estate_zone(estate)
    today = timezone.localtime(now, zone).date()
    visitors.visitor_settings_update(estate=estate, couriers_may_enter=False, by=head)
    made = 0
    for i, (name, first17, reason, ago, stayed) in enumerate(VISITORS):
        visitor = visitors.visitor_register(
            estate=estate, name=name, id_number=first17 + id_number_check_code(first17),
            reason=reason, room=rooms[(i * 7 + 3) % len(rooms)], gate="东门",
            mobile=f"1395711{2300 + i}", entered_at=now - dt.timedelta(minutes=ago), by=guard,
        )  # fmt: skip
        if stayed is not None:
            visitors.visitor_leave(
                visitor=visitor, left_at=visitor.entered_at + dt.timedelta(minutes=stayed),
                by=guard,
            )  # fmt: skip
        made += 1
    guest = passes.pass_issue(
        estate=estate, kind=PassKind.GUEST, visitor_name="王芳", visitor_mobile="13867123456",
        room=owner_room, valid_from=now, valid_until=now + dt.timedelta(hours=5), max_entries=2,
        by=owner,
    )  # fmt: skip
    deco_room = rooms[len(rooms) // 2]
    permit = decoration.decoration_permit_register(
        estate=estate, room=deco_room, company="杭州美家装饰工程有限公司",
        person_in_charge="赵建国", phone="13957118899",
        starts_on=today - dt.timedelta(days=3), ends_on=today + dt.timedelta(days=40), by=agent,
    )  # fmt: skip
    worker = passes.pass_issue(
        estate=estate, kind=PassKind.DECORATION, visitor_name="钱师傅",
        id_number="33012219800506213" + id_number_check_code("33012219800506213"),
        room=deco_room, valid_from=now - dt.timedelta(hours=1),
        valid_until=dt.datetime.combine(permit.ends_on, dt.time(18, 0), tzinfo=zone),
        max_entries=60, by=agent,
    )  # fmt: skip
    passes.pass_scan(estate=estate, code=worker.code, gate="东门", by=guard)
    for i, (company, tracking) in enumerate(PARCELS):
        parcels.parcel_receive(
            estate=estate, room=owner_room if i == 0 else rooms[(i * 11 + 5) % len(rooms)],
            courier_company=company, tracking_no=tracking, by=guard,
        )  # fmt: skip
    return {"visitors": made + 1, "temporary_passes": 2 if guest else 1,
            "parcels": len(PARCELS)}  # fmt: skip


# --- Fire facilities and their checks ---


def _load_fire_facilities(estates) -> int:
    """阳光花园's fire facilities: two extinguishers a building, a hydrant a building, the alarm
    panel, emergency lights and fire doors; the checks planned (FIRE-03/04/05) and this month's
    partly done by the guard; one extinguisher reads under pressure (its replacement open,
    FIRE-06) and one expires within the month (the daily job warns engineering)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core.shortcuts import estate_tz

    from .services.fire_checks import fire_check_submit, fire_check_task, fire_expiry_sweep
    from .services.fire_facilities import fire_checks_setup, fire_facility_create

    User = get_user_model()
    estate = estates[0]
    tech = User.objects.get(username="tech")
    guard = User.objects.get(username="guard")
    head = User.objects.get(username="order_head")
    today = timezone.localtime(timezone.now(), estate_tz(estate)).date()
    made = []

    def add(kind, code, name, **kw):
        made.append(fire_facility_create(estate=estate, kind=kind, code=code, name=name,
                                         by=tech, **kw))  # fmt: skip

    buildings = list(estate.buildings.order_by("id")[:6])
    for n, building in enumerate(buildings, start=1):
        for floor, years in ((1, 3), (3, 2)):
            add("extinguisher", f"MHQ-{n}-{floor:02d}", f"{building.name}{floor}层灭火器",
                building=building, location=f"{floor}层电梯厅消防箱", agent="dry_powder",
                capacity="4kg", rated_pressure=Decimal("1.20"),
                expires_on=today.replace(year=today.year + years))  # fmt: skip
        add("hydrant", f"XHS-{n}-01", f"{building.name}1层室内消火栓", building=building,
            location="1层楼梯间旁")  # fmt: skip
        add("fire_door", f"FHM-{n}-01", f"{building.name}楼梯间防火门", building=building,
            location="1层楼梯间")  # fmt: skip
    add("extinguisher", "MHQ-DX-01", "地下车库灭火器", location="地下车库B区", agent="dry_powder",
        capacity="8kg", rated_pressure=Decimal("1.20"),
        expires_on=today + dt.timedelta(days=20))  # fmt: skip
    add("alarm_panel", "BJ-01", "火灾报警控制器", location="消防控制室")
    add("emergency_light", "YJ-01", "地下车库应急照明", location="地下车库")
    add("emergency_light", "YJ-02", "物业中心疏散指示", location="物业服务中心")
    fire_checks_setup(estate=estate, by=head)
    # This month: the guard has done about half; one extinguisher reads under pressure.
    for index, facility in enumerate(made):
        facility.refresh_from_db()
        task = fire_check_task(facility)
        if task is None or (index % 2 and facility.equipment.code != "MHQ-1-03"):
            continue
        answers = []
        for item in task.schedule.spec.checklist.items.order_by("position"):
            value = str((item.low + item.high) / 2) if item.kind == "reading" else True
            if facility.equipment.code == "MHQ-1-03" and item.kind == "reading":
                value = "0.85"
            if facility.equipment.code == "MHQ-1-03" and item.label == "压力表指针在绿区":
                value = False
            answers.append({"item": item.pk, "value": value})
        fire_check_submit(facility=facility, answers=answers, by=guard,
                          note="压力不足，已报工程部" if facility.equipment.code == "MHQ-1-03"
                          else "")  # fmt: skip
    fire_expiry_sweep()
    return len(made)


# --- Fire events (火灾、消防演练、消防宣传) -----------------------------------------------


def _fire_photo(user, color=(239, 68, 68)):
    """A small generated PNG stored as a photo of ``user`` (bound to a drill's record)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store

    image = Image.new("RGB", (320, 240), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 200), fill=color)
    draw.line((40, 200, 280, 40), fill=(255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    upload = SimpleUploadedFile("演练照片.png", out.getvalue(), "image/png")
    return attachment_store(upload=upload, kind="photo", by=user)


def _exercise_report(drill, by) -> None:
    """The drill's exercise incident (FIRE-13 + ch.7) ended, its plan's steps done and its
    report written from the drill's record."""
    from wuye.emergency.services.incidents import incident_act

    drill.refresh_from_db()
    incident = drill.incident
    incident_act(incident=incident, action="end", by=by, note="演练结束，人员已全部疏散")
    for step in incident.steps.filter(done_at__isnull=True).order_by("order"):
        incident_act(incident=incident, action="step", by=by,
                     data={"step": step.code, "checks": list(step.checklist)})  # fmt: skip
    incident_act(incident=incident, action="write_report", by=by, data={
        "summary": f"{drill.scenario}，{drill.participants}参加，共{drill.participant_count}人。",
        "handling": drill.summary})  # fmt: skip


def _load_fireevents(estates) -> dict:
    """阳光花园: last year's drill and this year's (one done with photos and a summary, one
    planned), this year's publicity plan with the past months' topics published but one, and a
    closed kitchen fire with its aftermath (FIRE-07..13, VEHICLE-13)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from .choices import EVACUATION_REQUIRED
    from .services import drills, fires, publicity

    User = get_user_model()
    estate = estates[0]
    head = User.objects.get(username="order_head")
    guard = User.objects.get(username="guard")
    agent = User.objects.get(username="agent")
    today = timezone.localdate()
    checklist = [*EVACUATION_REQUIRED, "fire_lane_clear", "headcount"]
    record = {"participants": "秩序部全体、客服中心、1栋业主代表",
              "checklist": checklist}  # fmt: skip
    last = drills.drill_plan(
        estate=estate, planned_on=dt.date(today.year - 1, 11, 9), scenario="高层住宅火灾疏散演练",
        organiser=head.staff, by=head,
    )  # fmt: skip
    drills.drill_act(
        drill=last, action="record", by=head, attachments=[_fire_photo(head)],
        data={**record, "held_on": dt.date(today.year - 1, 11, 9).isoformat(),
              "participant_count": 42,
              "summary": "1栋住户经楼梯疏散用时7分钟；电梯迫降首层；车辆经东门消防通道驶离。"},
    )  # fmt: skip
    held = min(today, dt.date(today.year, 5, 20))
    done = drills.drill_plan(
        estate=estate, planned_on=held, scenario="地下车库火灾扑救及车辆疏散演练",
        organiser=head.staff, by=head,
    )  # fmt: skip
    drills.drill_act(
        drill=done, action="record", by=guard,
        attachments=[_fire_photo(guard), _fire_photo(guard, (59, 130, 246))],
        data={**record, "held_on": held.isoformat(), "participant_count": 28,
              "summary": "灭火器实操全员合格；车辆疏散时东门道闸需手动抬杆，已报工程部整改。"},
    )  # fmt: skip
    for drill in (last, done):  # each drill's exercise of the fire plan, run to its report
        _exercise_report(drill, head)
    drills.drill_plan(
        estate=estate, planned_on=today + dt.timedelta(days=20), scenario="夜间火灾报警及疏散演练",
        organiser=guard.staff, by=head,
    )  # fmt: skip
    topics = publicity.publicity_plan_seed(estate=estate, year=today.year, by=agent)
    past = [t for t in topics if t.month < today.month]
    for topic in past[:-1]:  # the last past month's topic stays overdue
        publicity.publicity_publish(topic=topic, by=agent)
    fire = fires.fire_report(
        estate=estate, place="2栋1单元502室厨房", size="small", trapped="no", called_119=True,
        called_119_by="马强", description="油锅起火，住户已离开厨房", by=guard,
    )  # fmt: skip
    fires.fire_act(fire=fire, action="fight", by=guard,
                   data={"facilities": ["extinguisher", "fire_blanket"]})  # fmt: skip
    fires.fire_act(fire=fire, action="brigade_arrive", by=guard)
    fires.fire_act(fire=fire, action="evacuate", by=guard)
    fires.fire_act(fire=fire, action="evacuated", by=guard, data={"checklist": checklist})
    fires.fire_act(
        fire=fire, action="close", by=head, note="厨房墙面熏黑，已通知业主联系保险。",
        data={"investigated_by": "区消防救援大队", "cause": "油锅过热起火，住户离开灶台",
              "site_cleared": True, "order_restored": True},
    )  # fmt: skip
    return {"fire_drills": 3, "fire_publicity": len(topics), "fires": 1}


# --- Vehicles ---

# Owners' plates in the ledger: the first half on spaces they hold, the rest on monthly passes.
DEMO_PLATES = ["浙A·8K123", "浙A·D52088", "浙A·6Q519", "浙A·F33321", "浙A·2M776", "浙A·D90877",
               "浙A·7H350", "浙A·5R212"]  # fmt: skip
DEMO_CARS = ["白色大众帕萨特", "蓝色比亚迪汉", "黑色丰田凯美瑞", "灰色理想L7", "红色本田雅阁",
             "白色特斯拉Model 3", "银色别克GL8", "黑色奥迪A4L"]  # fmt: skip


def _load_vehicles(estates) -> dict:
    """阳光花园's ledger (owners' cars with spaces and monthly passes), parking areas, the east
    gate with an entry and an exit camera, and today's events: owners coming and going,
    temporary cars inside, one paid exit, and one stay without an exit for the guard."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.billing import services as billing
    from wuye.core.choices import Relation
    from wuye.core.models import Occupancy, ParkingSpace

    from .choices import GateDirection, GateSource, ParkingAreaKind
    from .selectors.vehicles import plate_clean
    from .services import gates, stays, vehicles

    estate = estates[0]
    users = get_user_model().objects
    head, agent = users.get(username="order_head"), users.get(username="agent")
    guard, finance = users.get(username="guard"), users.get(username="finance")
    now = timezone.now()
    today = timezone.localdate(timezone=gates._zone(estate))
    for name, kind, capacity, where in (
        ("地下车库业主车位", ParkingAreaKind.OWNER, 120, "地下一层A、B区"),
        ("地面临时车位", ParkingAreaKind.TEMPORARY, 20, "东门内侧访客停车场"),
        ("东门电动车棚", ParkingAreaKind.EBIKE, 80, "东门岗亭旁"),
    ):
        vehicles.parking_area_save(estate=estate, name=name, kind=kind, capacity=capacity,
                                   location=where, by=head)  # fmt: skip
    entry, _secret = gates.gate_lane_create(estate=estate, gate="东门", name="东门入口",
                                            direction=GateDirection.ENTRY, by=head)  # fmt: skip
    exit_, _secret = gates.gate_lane_create(estate=estate, gate="东门", name="东门出口",
                                            direction=GateDirection.EXIT, by=head)  # fmt: skip
    # VEHICLE-08: finance's monthly rate for the 包月 charge item (the manual's 300 a month).
    billing.rate_set(item=vehicles.pass_item(estate), amount="300.00",
                     effective_from=dt.date(today.year - 1, 1, 1), by=finance)  # fmt: skip
    owners = list(
        Occupancy.objects.filter(Occupancy.current_q(), estate=estate, relation=Relation.OWNER)
        .select_related("resident", "room").order_by("room_id")[: len(DEMO_PLATES)]
    )  # fmt: skip
    plates = []
    for n, (occupancy, plate, car) in enumerate(zip(owners, DEMO_PLATES, DEMO_CARS, strict=False)):
        space = None
        if n < len(DEMO_PLATES) // 2:
            space, _made = ParkingSpace.objects.get_or_create(
                estate=estate, number=f"B1-{n + 1:03d}",
                defaults={"zone": "地下一层B区", "holder": occupancy.resident},
            )  # fmt: skip
        vehicle = vehicles.vehicle_register(
            estate=estate, plate=plate, owner_id=occupancy.resident_id, room_id=occupancy.room_id,
            parking_space_id=space.pk if space else None, description=car, by=agent,
        )  # fmt: skip
        if space is None:
            vehicles.monthly_pass_create(vehicle=vehicle, start=today.replace(day=1), months=3,
                                         by=agent)  # fmt: skip
        plates.append(vehicle.plate)

    def read(lane, plate, minutes_ago, key):
        return gates.gate_event_receive(device=lane.device, plate=plate,
                                        occurred_at=now - dt.timedelta(minutes=minutes_ago),
                                        camera_event_id=f"demo-{key}")  # fmt: skip

    # Owners leave for work and come back: the barrier opens for them (VEHICLE-10).
    for n, plate in enumerate(plates[:4]):
        read(exit_, plate, 600 - n * 7, f"owner-out-{n}")
    read(entry, plates[0], 95, "owner-in-0")
    # Temporary cars: two inside now, one 2 h 10 min inside paid and left (VEHICLE-06/07/11).
    read(entry, "沪B·7Y261", 180, "tmp-in-1")
    read(entry, "苏E·D81234", 40, "tmp-in-2")
    read(entry, "浙B·3C882", 130, "tmp-in-3")
    refused = read(exit_, "浙B·3C882", 0, "tmp-out-3a")
    if refused.event.stay is not None and refused.event.amount_due:
        stays.stay_pay(stay=refused.event.stay, channel="cash", by=guard)
        read(exit_, "浙B·3C882", 0, "tmp-out-3b")
    # A car the entry camera read yesterday and nobody saw leave: the guard resolves it.
    gates._record(estate=estate, direction=GateDirection.ENTRY, plate=plate_clean("皖A·9T605"),
                  at=now - dt.timedelta(hours=30), source=GateSource.MANUAL, user=guard,
                  note="外来送货车辆")  # fmt: skip
    return {"vehicles": len(plates)}


def load_security_demo(estates) -> dict:
    """Load every topic's demo into the estates; returns counts for the demo summary."""
    counts: dict = {}
    counts.update(_load_guards(estates))
    counts.update(_load_visitors(estates))
    counts["fire_facilities"] = _load_fire_facilities(estates)
    counts.update(_load_fireevents(estates))
    counts.update(_load_vehicles(estates))
    return counts
