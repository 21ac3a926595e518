"""The demo of environment (环境管理): both estates' cleaning zones and plans, green areas and
their seasonal plan, the store, and two weeks of tasks and checks with a few failures and one
rectification open. Called by ``web``'s demo command after the estates, staff and facilities."""

from __future__ import annotations


def load_environment_demo(estates: list) -> dict:
    """``estates``: the demo's two estates (阳光花园, 翠湖苑), with their buildings, public areas,
    staff (users ``env_head``, ``cleaner``, ``cleaner2``, ``gardener``) and facilities loaded.
    Returns counts for the demo summary."""
    context: dict = {}
    context.update(_demo_cleaning(estates, context))
    context.update(_demo_greening(estates, context))
    context.update(_demo_store(estates, context))
    context.update(_demo_inspection(estates, context))
    context.update(_demo_history(estates, context))
    return context


# --- Cleaning (h-clean): zones with cleaners, the cleaning plan ---


def _demo_cleaning(estates: list, context: dict) -> dict:
    return {}


# --- Greening (h-green): positioning, green areas, the seasonal plan ---


def _demo_greening(estates: list, context: dict) -> dict:
    import datetime as dt

    from django.contrib.auth import get_user_model

    from wuye.core import services as core_services
    from wuye.core.choices import DepartmentKind, Role
    from wuye.fieldwork.services.certificates import certificate_create

    from .services.green import green_area_create
    from .services.greening import greening_plan_seed
    from .services.landscape import landscape_plan_record
    from .services.skills import training_record

    User = get_user_model()
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    liu = User.objects.get(username="gardener")
    zhao = core_services.staff_create(
        company=estates[1].company, username="gardener2", password=None, name="赵师傅",
        mobile="13705719201", employee_no="HJ9201", department=DepartmentKind.ENVIRONMENT,
        role=Role.GARDENER, estates=[estates[1]], position="绿化工", by=admin,
    )  # fmt: skip
    zhao.user.password = liu.password  # the demo's one password (its hash)
    zhao.user.save(update_fields=["password"])
    gardeners = [liu.staff, zhao]
    today = dt.date.today()
    for staff in gardeners:
        certificate_create(
            kind="gardener", number=f"LH-{staff.employee_no}", issuer="市人力资源和社会保障局",
            issued_on=dt.date(2021, 5, 1), expires_on=today + dt.timedelta(days=900),
            staff=staff, by=admin,
        )  # fmt: skip
        certificate_create(
            kind="plant_protection", number=f"ZB-{staff.employee_no}", issuer="市植保站",
            issued_on=dt.date(2024, 3, 1), expires_on=today + dt.timedelta(days=20),
            staff=staff, by=admin,
        )  # fmt: skip
    plans = (
        (
            "high_end",
            "乔木+灌木+花卉分层种植：香樟林为骨架，红叶石楠绿篱围合，入口月季花坛，中心草坪开阔通透。",
        ),
        ("first_home", "乔木+草坪为主，养护经济：行道树遮阴，宅间草坪，少量灌木点缀。"),
    )
    areas = (
        (("中心草坪", "lawn", "马尼拉草", "1800"), ("香樟林", "tree", "香樟", "950"),
         ("红叶石楠绿篱", "shrub", "红叶石楠", "320"), ("月季花坛", "flower_bed", "月季", "120"),
         ("北门复层绿地", "mixed", "桂花、杜鹃、麦冬", "460")),
        (("宅间草坪", "lawn", "高羊茅", "2200"), ("行道树", "tree", "银杏、栾树", "600"),
         ("黄杨绿篱", "shrub", "大叶黄杨", "210"),
         ("入口花坛", "flower_bed", "一串红、三色堇", "80")),
    )  # fmt: skip
    lines = 0
    for estate, (positioning, text), rows, staff in zip(
        estates, plans, areas, gardeners, strict=True
    ):
        landscape_plan_record(estate=estate, by=admin, positioning=positioning, landscape_plan=text)
        for name, kind, planting, size in rows:
            green_area_create(
                estate=estate, by=admin, name=name, kind=kind, planting=planting, area_m2=size,
                gardeners=[staff],
            )  # fmt: skip
        lines += len(greening_plan_seed(estate=estate, by=admin).created)
        training_record(
            estate=estate, by=admin, topic="常见病虫害识别与生物防治", trainer="市植保站 王工",
            held_on=today - dt.timedelta(days=40), attendees=[staff],
        )  # fmt: skip
    return {"green_areas": sum(len(r) for r in areas), "greening_lines": lines}


# --- Store and pest control (h-store) ---


def _demo_store(estates: list, context: dict) -> dict:
    """Each estate one store with its products and movements, one product below its minimum,
    this month's check done, and a few treatments on the estate's green areas (when the
    greening demo made any)."""
    import datetime as dt
    import io
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from wuye.core.models import Staff
    from wuye.workflow.attachments import attachment_store

    from .models import GreenArea
    from .services import pests, store_checks, stores

    def staff(username: str):
        return Staff.objects.filter(user__username=username).select_related("user").first()

    def photo(user):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (120, 160, 120)).save(out, "JPEG")
        upload = SimpleUploadedFile("store.jpg", out.getvalue(), content_type="image/jpeg")
        return attachment_store(upload=upload, by=user)

    head = staff("env_head")
    if head is None:
        return {}
    # name, kind, spec, unit, eco_compliant, compliance note, minimum, stock in, drawn
    products = [
        (
            "84消毒液",
            "disinfectant",
            "500ml",
            "瓶",
            True,
            "消毒产品卫生安全评价报告备案",
            10,
            40,
            12,
        ),
        ("中性清洁剂", "cleaning", "5L", "桶", True, "中国环境标志（十环）认证", 2, 6, 2),
        ("洁厕剂", "cleaning", "500ml", "瓶", True, "中国环境标志（十环）认证", 6, 10, 6),
        ("吡虫啉", "pesticide", "10%可湿性粉剂 100g", "袋", True, "农药登记证 低毒", 2, 5, 0),
        ("七星瓢虫卵卡", "biological", "每卡约20粒", "张", True, "天敌昆虫", 10, 60, 0),
        ("有机复合肥", "fertiliser", "40kg", "袋", True, "有机肥料登记证", 2, 8, 3),
        ("一次性手套", "protective", "100只/盒", "盒", False, "", 5, 12, 4),
        ("口罩", "protective", "50只/盒", "盒", False, "", 5, 10, 3),
    ]
    counts = {"stores": 0, "products": 0, "movements": 0, "store_checks": 0, "treatments": 0}
    now = timezone.now()
    for index, estate in enumerate(estates):
        keeper = staff("cleaner" if index == 0 else "cleaner2")
        if keeper is not None and not keeper.estates.filter(pk=estate.pk).exists():
            keeper = None
        store = stores.store_create(
            estate=estate, name=("保洁工具间", "绿化药剂间")[index % 2],
            location=("1栋地下室B1-03（上锁铁柜）", "物业用房一层储物间（上锁）")[index % 2],
            keeper=keeper, by=head.user,
        )  # fmt: skip
        counts["stores"] += 1
        made = {}
        for name, kind, spec, unit, eco, note, minimum, stock, drawn in products:
            product = stores.product_create(
                store=store, name=name, kind=kind, spec=spec, unit=unit, eco_compliant=eco,
                compliance_note=note, minimum=Decimal(minimum), by=head.user,
            )  # fmt: skip
            stores.stock_in(product=product, quantity=stock, purpose="月度采购", by=head.user)
            counts["movements"] += 1
            if drawn:
                stores.stock_out(product=product, quantity=drawn, purpose="日常保洁领用",
                                 by=head.user)  # fmt: skip
                counts["movements"] += 1
            made[name] = product
            counts["products"] += 1
        # One product below its minimum (the board's "stock below minimum").
        stores.stock_out(product=made["洁厕剂"], quantity=1, purpose="公共卫生间清洁",
                         by=head.user)  # fmt: skip
        counts["movements"] += 1
        store_checks.store_check_record(
            store=store, fixed_place=True, locked=True, out_of_reach=True, labelled=True,
            photo=photo(head.user), by=head.user,
        )  # fmt: skip
        counts["store_checks"] += 1
        areas = list(GreenArea.objects.filter(estate=estate, active=True).order_by("id")[:2])
        if not areas:  # the greening demo made none: two areas of our own to treat
            areas = [
                GreenArea.objects.create(estate=estate, name=name, kind=kind, created_at=now)
                for name, kind in (("月季花坛", "flower_bed"), ("南门红叶石楠绿篱", "shrub"))
            ]
        gardener = staff("gardener")
        if gardener is None or not gardener.estates.filter(pk=estate.pk).exists():
            gardener = head
        area = areas[0]
        pests.treatment_record(
            green_area=area, pest="蚜虫", method="biological", measure="释放七星瓢虫",
            product=made["七星瓢虫卵卡"], quantity=5, by=gardener.user,
            at=now - dt.timedelta(days=5),
        )  # fmt: skip
        pests.treatment_record(
            green_area=area, pest="蚜虫", method="chemical", measure="喷施吡虫啉",
            product=made["吡虫啉"], dose="1:2000", quantity=1, by=gardener.user,
            reason="释放瓢虫五天后蚜虫仍在新梢扩散，需局部喷药压低虫口",
            at=now - dt.timedelta(days=1),
        )  # fmt: skip
        counts["treatments"] += 2
        if len(areas) > 1:
            pests.treatment_record(
                green_area=areas[1], pest="红蜘蛛", method="physical", measure="高压水枪冲洗叶背",
                by=gardener.user, at=now - dt.timedelta(days=2),
            )  # fmt: skip
            counts["treatments"] += 1
    return counts


# --- Inspection (h-inspect): checklists, the patrol and spot-check plans ---


def _demo_inspection(estates: list, context: dict) -> dict:
    """The record forms (company-wide, by the executive), the environment head's daily patrol and
    weekly spot check and greening inspection, and this week's spot-check sample."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from wuye.core.shortcuts import estate_tz

    from .services.inspections import inspection_plans_setup
    from .services.sampling import spot_sample_draw

    users = get_user_model().objects
    executive = users.filter(staff__role="executive").order_by("pk").first()
    head = users.filter(username="env_head").first()
    plans = samples = 0
    for estate in estates:
        by = executive or head
        if by is None:
            continue
        found = inspection_plans_setup(estate=estate, by=by, assignee=head)
        plans += 3 if found else 0
        today = timezone.now().astimezone(estate_tz(estate)).date()
        spot_sample_draw(estate=estate, week_start=today - dt.timedelta(days=today.weekday()))
        samples += 1
    return {"inspection_plans": plans, "spot_samples": samples}


# --- History (h-board): two weeks of tasks done and checks, failures, one rectification open ---


def _demo_history(estates: list, context: dict) -> dict:
    return {}
