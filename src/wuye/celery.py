"""Production background work: ``celery -A wuye worker`` and ``celery -A wuye beat`` on Redis.

Beat schedules the same plain functions that the embedded loop runs (wuye.jobs.JOBS)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")

app = Celery("wuye")
app.config_from_object("django.conf:settings", namespace="CELERY")


@app.task(name="wuye.run_job")
def run_job(name: str):
    from wuye.jobs import JOBS
    from wuye.jobs import run_job as run

    job = next(j for j in JOBS if j.name == name)
    return run(job)


@app.on_after_finalize.connect
def _schedule(sender, **kwargs):
    from wuye.jobs import JOBS

    for job in JOBS:
        sender.add_periodic_task(job.every, run_job.s(job.name), name=job.name)
