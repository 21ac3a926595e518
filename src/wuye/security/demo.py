"""Demo order and safety of 阳光花园 (manual ch.6), one function per topic, each made through the
services so clocks, messages and records are real."""

from __future__ import annotations


def load_security_demo(estates) -> dict:
    """Load every topic's demo into the estates; returns counts for the demo summary."""
    counts: dict = {}
    counts.update(_load_visitors(estates))
    return counts


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
