"""Demo order and safety of 阳光花园 (manual ch.6), one function per topic, each made through the
services so clocks, messages and records are real."""

from __future__ import annotations

import datetime as dt


def load_security_demo(estates) -> dict:
    """Load every topic's demo into the estates; returns counts for the demo summary."""
    counts: dict = {}
    counts.update(_load_vehicles(estates))
    return counts


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
