"""Benchmark of the emergencies chapter (issue 18), SQLite or PostgreSQL (``DATABASE_URL``), in a
database of its own (bench.planned_db):

(a) paging an incident to a 3,000-household estate: a Ⅰ-level public-health event opened for the
    whole estate (the three groups paged by SMS and inbox) and its information released to every
    household (a notice, an SMS and an inbox message each), **in one transaction**; timed over
    ``RUNS`` incidents, the messages counted. Target: under 2 s.
(b) delivering those messages: ``notify.services.outbox_deliver`` in this one process with the
    recording SMS backend, messages per second (the SMS provider's round trip is not in it).

Run: ``make bench emergency`` (or ``python -m bench emergency``).
"""

from __future__ import annotations

import os
import statistics
import time

HOUSEHOLDS = int(os.environ.get("WUYE_BENCH_HOUSEHOLDS", 3000))
RUNS = int(os.environ.get("WUYE_BENCH_RUNS", 5))
BUILDINGS = 30


def _world():
    """A company with one estate of ``HOUSEHOLDS`` occupied rooms, each with a resident who has
    a login (the app's audience), and the three emergency groups (12 staff)."""
    import datetime as dt
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from wuye.core.choices import DepartmentKind, Relation, Role
    from wuye.core.models import (
        Building,
        Company,
        Department,
        Estate,
        Occupancy,
        Resident,
        Room,
        Staff,
        Unit,
    )
    from wuye.emergency.choices import GroupKind
    from wuye.emergency.models import EmergencyGroup, GroupMember

    User = get_user_model()
    company = Company.objects.create(name="应急基准测试物业")
    estate = Estate.objects.create(company=company, code="EMG", name="应急基准测试苑")
    buildings = Building.objects.bulk_create(
        Building(estate=estate, name=f"{n}栋", sort=n) for n in range(1, BUILDINGS + 1)
    )
    units = Unit.objects.bulk_create(
        Unit(estate=estate, building=b, name="1单元") for b in buildings
    )
    per = -(-HOUSEHOLDS // BUILDINGS)
    rooms = Room.objects.bulk_create(
        Room(estate=estate, building=u.building, unit=u, number=f"{n // 4 + 1}{n % 4 + 1:02d}",
             floor=n // 4 + 1, area=Decimal("89.50"))
        for u in units for n in range(per)
    )[:HOUSEHOLDS]  # fmt: skip
    password = make_password(None)
    users = User.objects.bulk_create(
        User(username=f"emg_r{n:05d}", password=password) for n in range(len(rooms))
    )
    residents = Resident.objects.bulk_create(
        Resident(company=company, user=u, name=f"住户{n}", mobile=f"139{n:08d}",
                 id_number=f"X{n:017d}")
        for n, u in enumerate(users)
    )  # fmt: skip
    Occupancy.objects.bulk_create(
        Occupancy(estate=estate, room=r, resident=p, relation=Relation.OWNER,
                  start_date=dt.date(2020, 1, 1))
        for r, p in zip(rooms, residents, strict=True)
    )  # fmt: skip

    def staff(username, role, kind):
        user = User.objects.create_user(username=username, password=None)
        dept, _ = Department.objects.get_or_create(company=company, kind=kind)
        member = Staff.objects.create(company=company, user=user, employee_no=username,
                                      name=username, mobile="13700000000", department=dept,
                                      role=role)  # fmt: skip
        member.estates.add(estate)
        return member

    groups = {
        GroupKind.COMMAND: [staff(f"emg_exec{n}", Role.EXECUTIVE, DepartmentKind.EXECUTIVE)
                            for n in range(3)],
        GroupKind.ONSITE: [staff(f"emg_guard{n}", Role.GUARD, DepartmentKind.ORDER)
                           for n in range(3)]
        + [staff(f"emg_tech{n}", Role.TECHNICIAN, DepartmentKind.ENGINEERING) for n in range(2)]
        + [staff("emg_agent", Role.CS_AGENT, DepartmentKind.CUSTOMER_SERVICE)],
        GroupKind.LOGISTICS: [staff(f"emg_admin{n}", Role.CS_AGENT, DepartmentKind.ADMINISTRATION)
                              for n in range(3)],
    }  # fmt: skip
    for kind, members in groups.items():
        group = EmergencyGroup.objects.create(company=company, estate=estate, kind=kind)
        for order, member in enumerate(members):
            GroupMember.objects.create(group=group, staff=member, order=order, on_call=True)
    agent = groups[GroupKind.ONSITE][-1].user
    return estate, agent


def run() -> str:
    from django.db import transaction
    from django.urls import reverse

    from bench.planned_db import bench_database, peak_rss_mb
    from wuye.core.scoping import actor_for
    from wuye.emergency.choices import IncidentKind
    from wuye.emergency.services.incidents import incident_open
    from wuye.emergency.services.records import release_publish
    from wuye.notify.models import Message
    from wuye.notify.services import outbox_deliver

    with bench_database("emergency"):
        started = time.perf_counter()
        estate, agent = _world()
        built = time.perf_counter() - started
        reverse("emergency:incident_detail", args=[1])  # load the URLs before timing
        times, counts = [], []
        for n in range(RUNS):
            before = Message.objects.count()
            started = time.perf_counter()
            with transaction.atomic():
                incident = incident_open(
                    estate=estate, kind=IncidentKind.HEALTH, place="全小区", whole_estate=True,
                    description=f"基准演练 {n}", exercise=True, by=agent,
                )  # fmt: skip
                release_publish(
                    incident=incident, title="全小区封闭管理", actor=actor_for(agent),
                    body="请业主居家，生活物资由物业配送。",
                )  # fmt: skip
            times.append(time.perf_counter() - started)
            counts.append(Message.objects.count() - before)
        started = time.perf_counter()
        delivered = 0
        while True:
            sent = outbox_deliver(batch=500, budget=600)
            delivered += sent
            if not sent:
                break
        deliver_s = time.perf_counter() - started
        return (
            f"(a) paging + release to {HOUSEHOLDS} households in one transaction: "
            f"p50 {statistics.median(times):.2f} s, max {max(times):.2f} s over {RUNS} runs "
            f"({counts[0]} messages each; target < 2 s) · "
            f"(b) outbox delivery in one process: {delivered} SMS in {deliver_s:.1f} s "
            f"({delivered / deliver_s:.0f}/s) · world built in {built:.1f} s · "
            f"peak RSS {peak_rss_mb():.0f} MB"
        )
