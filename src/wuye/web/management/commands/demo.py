"""``wuye demo``: load the demo company once (idempotent) and print the demo logins.

One company, two estates (阳光花园, 翠湖苑) with about a thousand rooms, owners, family members and
tenants, public areas, parking spaces, staff in every department and a lift contractor. Rooms and
residents go through the roster import, so the demo walks the same validated path as a real
estate's first upload.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from wuye.core import services
from wuye.core.choices import DepartmentKind, ParkingKind, PublicAreaKind, Relation, Role
from wuye.core.models import Company, Estate, Resident
from wuye.core.validators import id_number_check_code

COMPANY = "安居物业服务有限公司"
PASSWORD = "wuye2026"
# (estate code, name, address, buildings, units per building, floors, rooms per floor)
ESTATES = [
    ("YGHY", "阳光花园", "杭州市西湖区文三路 188 号", 8, 2, 18, 2),
    ("CHY", "翠湖苑", "杭州市滨江区江南大道 66 号", 6, 2, 16, 2),
]
# Each estate's service phone (物业服务电话): the complaint and repair forms show it.
ESTATE_PHONES = {"YGHY": "0571-88886666", "CHY": "0571-86667777"}
# (username, name, role, department, position, estates: "all" | index list)
STAFF = [
    ("exec", "周建国", Role.EXECUTIVE, DepartmentKind.EXECUTIVE, "总经理", "all"),
    ("cs_head", "林晓红", Role.DEPARTMENT_HEAD, DepartmentKind.CUSTOMER_SERVICE, "客服经理", "all"),
    ("agent", "陈静", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, "客服专员", [0]),
    ("agent2", "王芳", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE, "客服专员", [1]),
    ("eng_head", "赵志强", Role.DEPARTMENT_HEAD, DepartmentKind.ENGINEERING, "工程经理", "all"),
    ("tech", "李师傅", Role.TECHNICIAN, DepartmentKind.ENGINEERING, "水电工", [0]),
    ("tech2", "孙师傅", Role.TECHNICIAN, DepartmentKind.ENGINEERING, "维修工", [0]),
    ("tech3", "吴师傅", Role.TECHNICIAN, DepartmentKind.ENGINEERING, "水电工", [1]),
    ("order_head", "郑刚", Role.DEPARTMENT_HEAD, DepartmentKind.ORDER, "秩序主管", "all"),
    ("guard", "马强", Role.GUARD, DepartmentKind.ORDER, "秩序员", [0]),
    ("env_head", "何丽", Role.DEPARTMENT_HEAD, DepartmentKind.ENVIRONMENT, "环境主管", "all"),
    ("cleaner", "张阿姨", Role.CLEANER, DepartmentKind.ENVIRONMENT, "保洁员", [0]),
    ("cleaner2", "李阿姨", Role.CLEANER, DepartmentKind.ENVIRONMENT, "保洁员", [1]),
    ("gardener", "刘师傅", Role.GARDENER, DepartmentKind.ENVIRONMENT, "绿化工", [0]),
    ("finance", "黄会计", Role.FINANCE_CLERK, DepartmentKind.FINANCE, "收费员", "all"),
    ("auditor", "许审计", Role.AUDITOR, DepartmentKind.ADMINISTRATION, "内审专员", "all"),
]
LOGINS = [
    ("admin", "系统管理员 (Django admin)"),
    ("exec", "企业高层，全部项目"),
    ("cs_head", "客服中心负责人"),
    ("agent", "客服专员，阳光花园"),
    ("eng_head", "工程设备部负责人"),
    ("tech", "维修技术员，阳光花园"),
    ("guard", "秩序员，阳光花园"),
    ("env_head", "环境管理部负责人"),
    ("cleaner", "保洁员，阳光花园"),
    ("gardener", "绿化工，阳光花园"),
    ("finance", "财务专员"),
    ("auditor", "内审员"),
    ("owner", "业主，阳光花园 1栋1单元101室"),
    ("lift", "维保单位（电梯维保）"),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉淑珍海燕晓东文"


def print_logins(out) -> None:
    out.write(f"演示账号 / demo logins (密码 password: {PASSWORD}):")
    for username, what in LOGINS:
        out.write(f"  {username:<10} {what}")


class Command(BaseCommand):
    help = "Load the demo company (two estates, ~1,000 rooms, staff of every role). Idempotent."

    def handle(self, *args, **options):
        if Company.objects.filter(name=COMPANY).exists():
            self.stdout.write("演示数据已存在 / demo data already loaded.")
            return
        with transaction.atomic():
            counts = load_demo()
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入 / demo data loaded: {counts}"))


def _person(rng: random.Random, n: int) -> tuple[str, str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    mobile = rng.choice(["138", "139", "186", "135", "159", "177"]) + f"{rng.randrange(10**8):08d}"
    region = rng.choice(["330106", "330108", "330102", "110105", "320102", "440305"])
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 50))
    first17 = f"{region}{birth:%Y%m%d}{n % 1000:03d}"
    return name, mobile, first17 + id_number_check_code(first17)


def _roster_workbook(rng: random.Random, spec, serial: list[int]) -> bytes:
    from openpyxl import Workbook

    _code, _name, _addr, buildings, units, floors, per_floor = spec
    wb = Workbook()
    ws_b = wb.active
    ws_b.title = "楼栋"
    ws_b.append(["楼栋", "层数"])
    ws_r = wb.create_sheet("房屋")
    ws_r.append(["楼栋", "单元", "房号", "楼层", "建筑面积(m²)", "用途"])
    ws_p = wb.create_sheet("业主住户")
    ws_p.append(["楼栋", "单元", "房号", "姓名", "手机号", "身份证号", "关系", "起始日期"])
    for b in range(1, buildings + 1):
        ws_b.append([f"{b}栋", floors])
        for u in range(1, units + 1):
            for f in range(1, floors + 1):
                for r in range(1, per_floor + 1):
                    number = f"{f}{r:02d}"
                    area = rng.choice(["89.50", "108.20", "126.75", "143.60"])
                    # The street-facing ground floor of 1栋2单元 holds the shops; the demo owner's
                    # 1栋1单元101室 is a home.
                    use = "商铺" if f == 1 and b == 1 and u == 2 else "住宅"
                    ws_r.append([f"{b}栋", f"{u}单元", number, f, area, use])
                    if rng.random() < 0.12:
                        continue  # not yet handed over / vacant
                    since = dt.date(2019, 6, 1) + dt.timedelta(days=rng.randrange(365 * 6))
                    people = [Relation.OWNER]
                    if rng.random() < 0.5:
                        people.append(Relation.FAMILY)
                    if rng.random() < 0.1:
                        people = [Relation.OWNER, Relation.TENANT]
                    for relation in people:
                        serial[0] += 1
                        name, mobile, id_number = _person(rng, serial[0])
                        label = str(Relation(relation).label)
                        ws_p.append(
                            [f"{b}栋", f"{u}单元", number, name, mobile, id_number, label, since]
                        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def load_demo() -> dict[str, int]:
    from wuye.core.roster import roster_import

    User = get_user_model()
    rng = random.Random(2026)
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", "admin@example.invalid", PASSWORD)
    company = Company.objects.create(name=COMPANY, short_name="安居物业")
    estates: list[Estate] = [
        services.estate_create(
            company=company,
            code=code,
            name=name,
            address=addr,
            phone=ESTATE_PHONES.get(code, ""),
            by=admin,
        )
        for code, name, addr, *_ in ESTATES
    ]
    serial = [0]
    rooms = 0
    for spec, estate in zip(ESTATES, estates, strict=True):
        result = roster_import(
            estate=estate, file=io.BytesIO(_roster_workbook(rng, spec, serial)), by=admin
        )
        rooms += result.rooms
        for building in estate.buildings.all():
            services.public_area_create(
                estate=estate,
                kind=PublicAreaKind.LOBBY,
                name=f"{building.name}大堂",
                building=building,
                by=admin,
            )
            services.public_area_create(
                estate=estate,
                kind=PublicAreaKind.ELEVATOR,
                name=f"{building.name}电梯",
                building=building,
                by=admin,
            )
        for kind, name in [
            (PublicAreaKind.GARAGE, "地下车库"),
            (PublicAreaKind.ROAD, "主干道"),
            (PublicAreaKind.GREEN_BELT, "中心绿化带"),
            (PublicAreaKind.PLAYGROUND, "儿童游乐场"),
            (PublicAreaKind.GATE, "南大门"),
            (PublicAreaKind.PLANT_ROOM, "水泵房"),
        ]:
            services.public_area_create(estate=estate, kind=kind, name=name, by=admin)
        owners = list(
            Resident.objects.filter(
                occupancies__estate=estate, occupancies__relation=Relation.OWNER
            )
            .distinct()
            .order_by("id")[:80]
        )
        for i in range(120):
            holder = owners[i] if i < len(owners) else None
            services.parking_space_create(
                estate=estate,
                number=f"B1-{i + 1:03d}",
                zone="地下一层",
                kind=ParkingKind.OWNED if holder else ParkingKind.VISITOR,
                holder=holder,
                by=admin,
            )
    for n, (username, name, role, dept, position, where) in enumerate(STAFF):
        services.staff_create(
            company=company,
            username=username,
            password=PASSWORD,
            name=name,
            mobile=f"1370571{n:04d}",
            employee_no=f"AJ{n + 1:04d}",
            department=dept,
            role=role,
            position=position,
            estates=estates if where == "all" else [estates[i] for i in where],
            by=admin,
        )
    services.contractor_create(
        company=company,
        name="杭州安达电梯维保有限公司",
        scope="电梯维保",
        qualification="特种设备安装改造维修许可证（电梯）A级",
        qualification_expires_on=dt.date(2028, 6, 30),
        contact_name="钱经理",
        contact_mobile="13957112345",
        estates=estates,
        by=admin,
    )
    contractor = company.contractors.get()
    lift_user = User.objects.create_user("lift", password=PASSWORD, first_name="钱经理")
    contractor.accounts.create(user=lift_user, name="钱经理")
    # The demo owner: the owner of 阳光花园 1栋1单元101室 gets a portal login.
    owner = Resident.objects.filter(
        occupancies__room__estate=estates[0],
        occupancies__room__building__name="1栋",
        occupancies__room__unit__name="1单元",
        occupancies__room__number="101",
        occupancies__relation=Relation.OWNER,
    ).first()
    if owner is None:  # the random draw left 101 vacant: register one
        room = estates[0].rooms.get(building__name="1栋", unit__name="1单元", number="101")
        owner = services.resident_register(
            room=room, name="张伟", mobile="13800138000", relation=Relation.OWNER, by=admin
        ).resident
    owner.user = User.objects.create_user("owner", password=PASSWORD, first_name=owner.name)
    owner.save(update_fields=["user"])
    from wuye.repairs.demo import load_repairs_demo

    repairs = load_repairs_demo(estates)
    from wuye.complaints.demo import load_complaints_demo

    complaints = load_complaints_demo(estates)
    from wuye.billing.demo import load_fees_demo

    bills = load_fees_demo(estates)
    from wuye.handover.demo import load_handover_demo

    takeovers = load_handover_demo(estates)
    from wuye.residents.demo import load_move_in_demo

    move_in_notices = load_move_in_demo(estates)
    from wuye.facilities.demo import load_facilities_demo

    equipment = load_facilities_demo(estates)
    from wuye.security.demo import load_security_demo

    security = load_security_demo(estates)
    from wuye.environment.demo import load_environment_demo

    environment = load_environment_demo(estates)
    from wuye.emergency.demo import load_emergency_demo

    emergency = load_emergency_demo(estates)
    return {
        **security,
        **environment,
        **emergency,
        "equipment": equipment,
        "bills": bills,
        "takeover_plans": takeovers,
        "move_in_notices": move_in_notices,
        "repair_orders": repairs,
        "complaints": complaints,
        "estates": len(estates),
        "rooms": rooms,
        "residents": Resident.objects.filter(company=company).count(),
    }
