"""What the board's and the scores' tests share: the environment department of the test estate
(its head, two cleaners, a gardener), zones and a green area with their plan lines on the
field-work layer, and rows of what the other topics write (inspections, rectifications, the
spot-check sample, the store), built with the models and the engine's services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from tests.factories import DepartmentKind, Role, make_staff
from wuye.environment.models import (
    CleaningZone,
    GreenArea,
    Inspection,
    PlanLine,
    Product,
    Rectification,
    Store,
)
from wuye.environment.processes import CLEANING_KIND, GREENING_KIND
from wuye.fieldwork.services.tasks import plan_create
from wuye.workflow.models import PlannedTask
from wuye.workflow.services import case_open

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    """A local time in Asia/Shanghai: at(2026, 11, 30, 8, 0)."""
    return dt.datetime(*args, tzinfo=SHANGHAI)


class Api:
    """The API as a client with a bearer token sees it."""

    def __init__(self, client, user):
        from wuye.core.services import api_token_issue

        token, _ = api_token_issue(user=user)
        self.client, self.auth = client, {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path, expect=200, json=True):
        r = self.client.get(f"/api/v1{path}", **self.auth)
        assert r.status_code == expect, r.content[:500]
        return r.json() if json else r


def department(world):
    """The environment department of the test estate: ``env_head``, cleaners ``cleaner`` (张阿姨)
    and ``cleaner2`` (李阿姨), ``gardener`` (刘师傅), an ``auditor``; ``other_cleaner`` of the other
    estate."""
    w = world
    w.env_head = make_staff(w.company, "env_head", Role.DEPARTMENT_HEAD,
                            DepartmentKind.ENVIRONMENT, [w.estate], name="何丽")  # fmt: skip
    w.cleaner = make_staff(w.company, "cleaner", Role.CLEANER, DepartmentKind.ENVIRONMENT,
                           [w.estate], name="张阿姨")  # fmt: skip
    w.cleaner2 = make_staff(w.company, "cleaner2", Role.CLEANER, DepartmentKind.ENVIRONMENT,
                            [w.estate], name="李阿姨")  # fmt: skip
    w.gardener = make_staff(w.company, "gardener", Role.GARDENER, DepartmentKind.ENVIRONMENT,
                            [w.estate], name="刘师傅")  # fmt: skip
    w.auditor = make_staff(w.company, "auditor", Role.AUDITOR, DepartmentKind.ADMINISTRATION,
                           [w.estate], name="许审计")  # fmt: skip
    w.other_cleaner = make_staff(w.company, "other_cleaner", Role.CLEANER,
                                 DepartmentKind.ENVIRONMENT, [w.other_estate])  # fmt: skip
    return w


def zone(estate, name: str, kind: str, cleaners=()) -> CleaningZone:
    z = CleaningZone.objects.create(estate=estate, name=name, kind=kind, created_at=timezone.now())
    z.cleaners.set(cleaners)
    return z


def green_area(estate, name: str, gardeners=()) -> GreenArea:
    a = GreenArea.objects.create(estate=estate, name=name, kind="lawn", created_at=timezone.now())
    a.gardeners.set(gardeners)
    return a


def line(
    head, subject, work: str, times: list[str], assignee, *, due_hours: int = 2, **schedule
) -> PlanLine:
    """A plan line on the field-work layer: a daily schedule at ``times`` whose tasks are due
    ``due_hours`` after they start (0: the end of the day), for ``assignee`` (a Staff)."""
    is_zone = isinstance(subject, CleaningZone)
    fields = {"frequency": "daily", "times": times} | schedule
    if due_hours:
        fields |= {"due_amount": due_hours, "due_unit": "hours"}
    s = plan_create(
        estate=subject.estate, name=f"{subject.name} {work}",
        kind=CLEANING_KIND if is_zone else GREENING_KIND, by=head.user,
        assignee=assignee.user if assignee else None,
        assignee_role="" if assignee else ("cleaner" if is_zone else "gardener"),
        department="environment", subject=subject, **fields,
    )  # fmt: skip
    return PlanLine.objects.create(
        estate=subject.estate, zone=subject if is_zone else None,
        green_area=None if is_zone else subject, work=work, schedule=s,
        created_at=timezone.now(),
    )  # fmt: skip


def task_at(plan_line: PlanLine, moment: dt.datetime) -> PlannedTask:
    return PlannedTask.objects.get(schedule=plan_line.schedule, scheduled_for=moment)


def inspection(
    w, subject, when: dt.datetime, score, *, full=100, kind="patrol", responsible="", **extra
) -> Inspection:
    is_zone = isinstance(subject, CleaningZone)
    score, full = Decimal(str(score)), Decimal(str(full))
    return Inspection.objects.create(
        estate=subject.estate, kind=kind, zone=subject if is_zone else None,
        green_area=None if is_zone else subject, inspector=w.env_head.user,
        inspector_name=w.env_head.name, responsible_name=responsible, at=when, score=score,
        full_score=full, passed=extra.pop("passed", score >= full * Decimal("0.8")), **extra,
    )  # fmt: skip


def rectification(w, failed: Inspection, assignee, deadline: dt.datetime, problem: str):
    case = case_open(
        process="environment_rectification", estate=failed.estate,
        title=f"{failed.zone or failed.green_area} 整改", by=w.env_head.user,
        assignee=assignee.user,
    )  # fmt: skip
    return Rectification.objects.create(
        case=case, estate=failed.estate, inspection=failed, zone=failed.zone,
        green_area=failed.green_area, assignee=assignee, problem=problem, deadline=deadline,
    )  # fmt: skip


def product(estate, name: str, stock, minimum, *, store: Store | None = None, **extra) -> Product:
    store = store or Store.objects.get_or_create(
        estate=estate, name="保洁工具间",
        defaults={"location": "1栋地下室", "created_at": timezone.now()},
    )[0]  # fmt: skip
    return Product.objects.create(
        store=store, name=name, kind=extra.pop("kind", "disinfectant"), unit="瓶",
        stock=Decimal(str(stock)), minimum=Decimal(str(minimum)), created_at=timezone.now(),
        **extra,
    )  # fmt: skip
