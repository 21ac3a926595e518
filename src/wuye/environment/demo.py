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
    return {}


# --- Inspection (h-inspect): checklists, the patrol and spot-check plans ---


def _demo_inspection(estates: list, context: dict) -> dict:
    return {}


# --- History (h-board): two weeks of tasks done and checks, failures, one rectification open ---


def _demo_history(estates: list, context: dict) -> dict:
    return {}
