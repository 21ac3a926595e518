"""Production background work: one Celery worker on the Redis at 127.0.0.1:6379 runs a job."""

import os
import subprocess
import sys
import uuid

import pytest

from tests.db_cache import copy_migrated_sqlite

REDIS = os.environ.get("WUYE_TEST_REDIS", "redis://127.0.0.1:6379")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def worker(tmp_path):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not answering at {REDIS}")
        pytest.skip(f"Redis is not answering at {REDIS}")
    queue = f"wuye-test-{uuid.uuid4().hex[:8]}"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        WUYE_VAR_DIR=str(tmp_path),
        REDIS_URL=f"{REDIS}/0",
        CELERY_RESULT_BACKEND=f"{REDIS}/1",
    )
    copy_migrated_sqlite(tmp_path / "wuye.sqlite3")  # tests/db_cache.py: migrated once per run
    subprocess.run(
        [sys.executable, "-m", "wuye", "migrate", "-v0"], env=env, check=True, timeout=120
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "wuye", "worker", "--pool", "solo",
         "--concurrency", "1", "-Q", queue, "--without-gossip", "--without-mingle",
         "--loglevel", "WARNING"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield queue
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_celery_worker_on_redis_runs_the_periodic_job(worker):
    from celery import Celery

    client = Celery("wuye-test", broker=f"{REDIS}/0", backend=f"{REDIS}/1")
    result = client.send_task("wuye.run_job", args=["api_token_purge"], queue=worker)
    # The worker ran the real job against its own (empty) database: no expired token to purge.
    assert result.get(timeout=60) == 0


def test_beat_schedules_every_job_of_the_one_list():
    from wuye.celery import app
    from wuye.jobs import JOBS

    app.loader.import_default_modules()
    app.finalize()
    scheduled = {entry["args"][0] for entry in app.conf.beat_schedule.values()}
    assert scheduled == {job.name for job in JOBS}
