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
    return {}


# --- Store and pest control (h-store) ---


def _demo_store(estates: list, context: dict) -> dict:
    return {}


# --- Inspection (h-inspect): checklists, the patrol and spot-check plans ---


def _demo_inspection(estates: list, context: dict) -> dict:
    return {}


# --- History (h-board): two weeks of tasks done and checks, failures, one rectification open ---


def _demo_history(estates: list, context: dict) -> dict:
    """Two weeks of history on what the other parts set up (skipped where they set up nothing):
    the environment plans' tasks of the past 14 days, most done (a few late, a few missed), a
    daily patrol of a third of the zones, a weekly greening check, each past week's spot-check
    sample and its checks with a failure; every failure rectified and re-checked but one, left
    open for the user ``cleaner``. Written in bulk (the demo runs in tests): the past cannot go
    through the services, which stamp the present."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.utils import timezone

    from wuye.core.models import Staff
    from wuye.core.shortcuts import estate_tz
    from wuye.fieldwork.models import TaskRecord
    from wuye.workflow.models import PlannedTask, PlannedTaskStatus, RecurrenceBasis, Schedule
    from wuye.workflow.schedules import planned_task_sweep_missed, schedule_generate
    from wuye.workflow.services import case_act, case_open

    from .choices import InspectionKind
    from .models import (
        CleaningZone,
        GreenArea,
        Inspection,
        InspectionItem,
        PlanLine,
        Rectification,
        SpotSample,
    )

    DAYS = 14
    ITEMS = ("地面干净无垃圾", "墙面、扶手无灰尘污渍", "垃圾桶清理及时、无异味", "作业工具摆放整齐")
    GREEN_ITEMS = ("草坪修剪平整", "灌木造型整齐", "无病虫害、无枯枝", "浇水施肥到位")
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(
        username__in=["env_head", "cleaner", "cleaner2", "gardener"])}  # fmt: skip
    head = users.get("env_head")
    if head is None:
        return {}
    now = timezone.now()
    rng = random.Random(20261130)
    done_rows: list[PlannedTask] = []
    records: list[TaskRecord] = []
    inspections: list[Inspection] = []
    items: list[tuple[int, tuple[str, ...], int | None]] = []  # (index, labels, failed position)
    failures: list[int] = []  # indexes into ``inspections`` of the failures to rectify
    names = dict(Staff.objects.values_list("user_id", "name"))
    open_left = Rectification.objects.filter(closed_at__isnull=True).exists()

    def inspection(estate, kind, subject, at, failed_at=None, sample=None):
        is_zone = isinstance(subject, CleaningZone)
        people = subject.cleaners.all() if is_zone else subject.gardeners.all()
        score = Decimal(rng.choice((88, 92, 95, 96, 100))) if failed_at is None else Decimal(65)
        inspections.append(Inspection(
            estate=estate, kind=kind, zone=subject if is_zone else None,
            green_area=None if is_zone else subject, sample=sample,
            checklist_name="清洁卫生检查记录表" if is_zone else "绿化养护检查记录表",
            inspector=head, inspector_name=names.get(head.pk, head.get_username()),
            responsible_name="、".join(p.name for p in people), at=at, score=score,
            full_score=Decimal(100), passed=failed_at is None,
            note="" if failed_at is None else "存在不合格项，要求整改",
        ))  # fmt: skip
        items.append((len(inspections) - 1, ITEMS if is_zone else GREEN_ITEMS, failed_at))
        if failed_at is not None:
            failures.append(len(inspections) - 1)

    lines_made = 0
    for estate in estates:
        lines = list(
            PlanLine.objects.filter(
                estate=estate, active=True, schedule__active=True
            ).select_related("schedule", "zone", "green_area")
        )
        zone = estate_tz(estate)
        today = now.astimezone(zone).date()
        start = dt.datetime.combine(today - dt.timedelta(days=DAYS), dt.time.min, tzinfo=zone)
        calendar_lines = [ln for ln in lines if ln.schedule.basis == RecurrenceBasis.CALENDAR]
        if calendar_lines:
            # The plan has run for two weeks: its tasks from then are written by the engine.
            ids = [ln.schedule_id for ln in calendar_lines]
            Schedule.objects.filter(pk__in=ids, anchor__gt=start.date()).update(anchor=start.date())
            Schedule.objects.filter(pk__in=ids).update(generated_until=start, created_at=start)
            PlanLine.objects.filter(pk__in=[ln.pk for ln in calendar_lines]).update(
                created_at=start
            )
            lines_made += len(calendar_lines)
    if lines_made:
        schedule_generate(now=now)
    for e_index, estate in enumerate(estates):
        zone = estate_tz(estate)
        today = now.astimezone(zone).date()
        start = dt.datetime.combine(today - dt.timedelta(days=DAYS), dt.time.min, tzinfo=zone)
        zones = list(CleaningZone.objects.filter(estate=estate, active=True).order_by("id"))
        areas = list(GreenArea.objects.filter(estate=estate, active=True).order_by("id"))
        if not zones and not areas:
            continue
        fallback = users.get("cleaner" if e_index == 0 else "cleaner2") or head
        past = (
            PlannedTask.objects.filter(
                estate=estate,
                status=PlannedTaskStatus.PLANNED,
                scheduled_for__gte=start,
                due_at__lt=now,
                schedule__environment_line__isnull=False,
            )
            .select_related(
                "schedule__assignee",
                "schedule__environment_line__zone",
                "schedule__environment_line__green_area",
            )
            .order_by("scheduled_for", "id")
        )
        for task in past:
            roll = rng.random()
            if roll < 0.03:
                continue  # not done: the sweep marks it missed
            span = max(60, int((task.due_at - task.scheduled_for).total_seconds()))
            offset = rng.randint(span // 6, span * 5 // 6) if roll > 0.08 else span + 1200
            task.done_at = min(task.scheduled_for + dt.timedelta(seconds=offset), now)
            task.done_by = task.schedule.assignee or fallback
            task.status = PlannedTaskStatus.DONE
            done_rows.append(task)
            line = task.schedule.environment_line
            subject = line.zone or line.green_area
            records.append(TaskRecord(
                task=task, estate=estate, schedule_name=task.schedule.name,
                kind=task.schedule.kind, rule=task.schedule.rule,
                subject=str(subject)[:200] if subject else "", scheduled_for=task.scheduled_for,
                due_at=task.due_at, done_by=task.done_by,
                done_by_name=names.get(task.done_by.pk, task.done_by.get_username())[:100],
                done_at=task.done_at, late=task.done_at > task.due_at,
            ))  # fmt: skip
        # CLEAN-12: the daily patrol, a third of the zones a day, at 10:00.
        for d in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=d)
            at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=zone)
            for z in zones[d % 3 :: 3]:
                at += dt.timedelta(minutes=12)
                # One failed patrol a week ago in the first estate (rectified since).
                failed = 2 if (e_index == 0 and d == 7 and z == zones[d % 3]) else None
                inspection(estate, InspectionKind.PATROL, z, at, failed)
            # GREEN-11: the weekly greening check, on Thursdays.
            if day.weekday() == 3:
                for n, a in enumerate(areas):
                    inspection(estate, InspectionKind.GREEN_WEEKLY, a,
                               at + dt.timedelta(hours=4, minutes=10 * n))  # fmt: skip
        # CLEAN-13: each past week's spot check, drawn on Monday, checked on Wednesday.
        monday = today - dt.timedelta(days=today.weekday())
        for weeks in (2, 1):
            week = monday - dt.timedelta(days=7 * weeks)
            if not zones or SpotSample.objects.filter(estate=estate, week_start=week).exists():
                continue
            picks = rng.sample(zones, min(3, len(zones)))
            sample = SpotSample.objects.create(
                estate=estate, week_start=week, seed=rng.randrange(2**31),
                picks=[{"zone": z.pk, "task": None} for z in picks], drawn_by=head,
                drawn_at=dt.datetime.combine(week, dt.time(8, 30), tzinfo=zone),
            )  # fmt: skip
            for n, z in enumerate(picks):
                at = dt.datetime.combine(week + dt.timedelta(days=2), dt.time(14, 20 * n),
                                         tzinfo=zone)  # fmt: skip
                # The last week's first pick fails: in the first estate, the one left open.
                inspection(estate, InspectionKind.SPOT_CHECK, z, at,
                           0 if (weeks == 1 and n == 0) else None, sample)  # fmt: skip

    PlannedTask.objects.bulk_update(done_rows, ["status", "done_at", "done_by"], batch_size=500)
    TaskRecord.objects.bulk_create(records, batch_size=500)
    missed = planned_task_sweep_missed(now=now)
    Inspection.objects.bulk_create(inspections, batch_size=500)
    item_rows = []
    for index, labels, failed_at in items:
        record = inspections[index]
        for position, label in enumerate(labels):
            bad = position == failed_at
            # A failed record's items add up to its 65: the failed item 5, the others 20.
            score = (Decimal(5) if bad else Decimal(20)) if not record.passed else record.score / 4
            item_rows.append(InspectionItem(
                inspection=record, position=position + 1, label=label, full_score=Decimal(25),
                pass_score=Decimal(15), score=score, passed=not bad,
                note=("电梯间地面有污渍" if position == 0 else "有积灰") if bad else "",
            ))  # fmt: skip
    InspectionItem.objects.bulk_create(item_rows, batch_size=1000)

    # CLEAN-15: every failure is rectified by the zone's cleaner and re-checked, but the latest
    # failure of the first estate, left open for ``cleaner``.
    failures.sort(key=lambda i: inspections[i].at)
    latest_first = next(
        (i for i in reversed(failures) if inspections[i].estate_id == estates[0].pk), None
    )
    opened = 0
    for index in failures:
        failed = inspections[index]
        keep_open = index == latest_first and not open_left and "cleaner" in users
        worker = users["cleaner"] if keep_open else None
        if worker is None:
            people = (
                Staff.objects.filter(
                    Q(cleaning_zones=failed.zone)
                    if failed.zone_id
                    else Q(green_areas=failed.green_area)
                )
                .select_related("user")
                .first()
            )
            worker = people.user if people else users.get("cleaner") or head
        staff = Staff.objects.filter(user=worker).first()
        if staff is None:
            continue
        at = min(failed.at + dt.timedelta(minutes=30), now)
        case = case_open(
            process="environment_rectification", estate=failed.estate,
            title=f"{failed.zone or failed.green_area} 整改", by=head, at=at, assignee=worker,
            note=failed.note,
        )  # fmt: skip
        problem = "；".join(
            f"{r.label}（{r.note}）" if r.note else r.label
            for r in item_rows if r.inspection is failed and not r.passed
        )  # fmt: skip
        rect = Rectification.objects.create(
            case=case, estate=failed.estate, inspection=failed, zone=failed.zone,
            green_area=failed.green_area, assignee=staff, problem=problem[:500] or failed.note,
            deadline=at + dt.timedelta(hours=24), cause_kind="frequency",
            cause="清洁人员巡查频率不够，污渍未及时清理",
        )  # fmt: skip
        if keep_open:
            opened += 1
            continue
        done_at = min(at + dt.timedelta(hours=6), now)
        case_act(case=case, action="done", by=worker, note="已重新清洁并消毒，拍照留存")
        case_act(case=case, action="recheck_pass", by=head, note="复查合格")
        recheck = Inspection.objects.create(
            estate=failed.estate, kind=InspectionKind.RECHECK, zone=failed.zone,
            green_area=failed.green_area, checklist_name=failed.checklist_name, inspector=head,
            inspector_name=failed.inspector_name, responsible_name=failed.responsible_name,
            at=min(done_at + dt.timedelta(hours=2), now), score=Decimal(95),
            full_score=Decimal(100), passed=True, note="复查合格", rechecks=rect,
        )  # fmt: skip
        Rectification.objects.filter(pk=rect.pk).update(
            done_at=done_at, done_note="已重新清洁并消毒", closed_at=recheck.at
        )
    return {
        "environment_tasks_done": len(done_rows),
        "environment_tasks_missed": missed,
        "environment_inspections": len(inspections),
        "environment_rectifications_open": opened,
    }
