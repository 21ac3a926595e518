"""Periodic jobs: one list, read by the embedded scheduler loop and by Celery beat alike.

Each job is a plain idempotent function (dotted path) and how often it runs, in seconds. Later
apps add theirs here (SLA sweep, outbox delivery, schedule generation, billing runs…).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import close_old_connections

log = logging.getLogger("wuye.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    path: str
    every: float  # seconds

    def resolve(self) -> Callable[[], object]:
        module, _, attr = self.path.rpartition(".")
        return getattr(importlib.import_module(module), attr)


JOBS: list[Job] = [
    Job("api_token_purge", "wuye.core.services.api_token_purge_expired", 3600),
    Job("idempotency_key_purge", "wuye.core.idempotency.idempotency_key_purge", 3600),
    Job("sla_sweep", "wuye.workflow.services.sla_sweep", 60),
    Job("outbox_deliver", "wuye.notify.services.outbox_deliver", 10),
    Job("notice_publish_due", "wuye.notify.notices.notice_publish_due", 60),
    Job("schedule_generate", "wuye.workflow.schedules.schedule_generate", 300),
    Job("planned_task_sweep_missed", "wuye.workflow.schedules.planned_task_sweep_missed", 60),
    Job("repair_auto_close", "wuye.repairs.services.repair_auto_close", 600),
    Job(
        "complaint_escalate_breached",
        "wuye.complaints.services.complaints.complaint_escalate_breached",
        300,
    ),
    Job(
        "complaint_weekly_analysis",
        "wuye.complaints.services.analysis.complaint_weekly_generate",
        3600,
    ),
    Job("bill_notify_due", "wuye.billing.services.bill_notify_due", 3600),
    Job("dunning_sweep", "wuye.billing.services.dunning_sweep", 3600),
    Job("billing_run_execute", "wuye.billing.services.billing_run_execute", 10),
    Job("attachment_purge_unbound", "wuye.workflow.attachments.attachment_purge_unbound", 3600),
    # Rounds whose window ended: missed checkpoints named, the department head told.
    Job("round_sweep_missed", "wuye.fieldwork.services.rounds.round_sweep_missed", 60),
    Job(
        "certificate_sweep_expiry",
        "wuye.fieldwork.services.certificates.certificate_sweep_expiry",
        3600,
    ),
    # FIRE-13: from 1 November, estates without a drill done this year, to the executives.
    Job("fire_drill_flag_missing", "wuye.security.services.drills.drill_flag_missing", 3600),
    # FIRE-14 / VEHICLE-12: obstructions whose re-check is due, the guards on duty told.
    Job(
        "obstruction_recheck_remind",
        "wuye.security.services.obstructions.obstruction_recheck_remind",
        300,
    ),
    # FIRE-06: expired extinguishers get a replacement, those expiring in 30 days a warning
    # (idempotent, so hourly: each estate's new day is seen within the hour).
    Job("fire_expiry_sweep", "wuye.security.services.fire_checks.fire_expiry_sweep", 3600),
    # --- Environment (ch.5): cleaning (h-clean) ---
    # --- Environment: inspection and rectification (h-inspect) ---
    # CLEAN-13: this week's and next week's spot-check sample of every estate (idempotent).
    Job(
        "spot_sample_draw_next_week",
        "wuye.environment.services.sampling.spot_sample_draw_next_week",
        3600,
    ),
    # --- Environment: greening (h-green) ---
    # --- Environment: store (h-store) ---
    # --- Emergency (ch.7): incidents, supplies (h-incidents) ---
    # Pages not acknowledged within 5 minutes: sent again once, the command leader told.
    Job("emergency_page_remind", "wuye.emergency.services.reminders.page_remind_sweep", 30),
    # EMERG-03: overdue counts, low, expiring and expired supplies, to the logistics group daily.
    Job("emergency_supply_sweep", "wuye.emergency.services.supplies.supply_sweep", 3600),
    # --- Emergency: elevator entrapment (h-lift) ---
    # --- Emergency: outages (h-outage) ---
    # EMERG-OUTAGE-07: provision tasks past their due time, to the head, then the command group.
    Job(
        "outage_provision_overdue",
        "wuye.emergency.services.outage_overdue.provision_sweep_overdue",
        60,
    ),
    # --- Emergency: public health (h-health) ---
    # EMERG-HEALTH-05/06: closures past their end stop their twice-a-day disinfection.
    Job("closure_sweep_ended", "wuye.emergency.services.health.closure_sweep_ended", 60),
    # EMERG-HEALTH-08: close-contact registers past their retention period are deleted.
    Job("contact_purge_expired", "wuye.emergency.services.contacts.contact_purge_expired", 3600),
]


def run_job(job: Job) -> object:
    return job.resolve()()


def run_forever(stop: threading.Event, jobs: list[Job] | None = None, tick: float = 1.0) -> None:
    """The embedded scheduler: run each due job; a failing one is logged and run again next time."""
    jobs = list(JOBS if jobs is None else jobs)
    next_run = {job.name: 0.0 for job in jobs}
    log.info("scheduler started: %s", ", ".join(job.name for job in jobs))
    while not stop.is_set():
        now = time.monotonic()
        for job in jobs:
            if now >= next_run[job.name]:
                # A long-lived loop must not keep a connection the server has dropped.
                close_old_connections()
                try:
                    run_job(job)
                except Exception:
                    log.exception("periodic job %s failed", job.name)
                finally:
                    close_old_connections()
                next_run[job.name] = time.monotonic() + job.every
        stop.wait(tick)
