"""The project as a whole: settings from the environment, production checks, health, jobs."""

import os
import subprocess
import sys
import threading

import pytest

from tests.db_cache import copy_migrated_sqlite
from wuye import jobs
from wuye.core.models import ApiToken
from wuye.core.services import api_token_issue


def _wuye(*args: str, env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    full_env.update({"WUYE_VAR_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "-m", "wuye", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "WUYE_ENV": "production",
    "SECRET_KEY": "x" * 20 + "-production-secret-key-of-enough-length-and-variety-9f3k",
    "ALLOWED_HOSTS": "wuye.example.com",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
}


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = _wuye("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV,
                   tmp_path=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _wuye("check", env={"WUYE_ENV": "production", "ALLOWED_HOSTS": "x"}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_embedded_mode_generates_and_keeps_a_secret_key(tmp_path):
    assert _wuye("check", env={}, tmp_path=tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert _wuye("check", env={}, tmp_path=tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


def test_healthz_checks_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_token_purge_job_is_idempotent(world, time_machine):
    time_machine.move_to("2026-11-26 10:00 +08:00")
    api_token_issue(user=world.agent.user)
    time_machine.move_to("2027-01-26 10:00 +08:00")
    fresh, _ = api_token_issue(user=world.agent.user)
    job = next(j for j in jobs.JOBS if j.name == "api_token_purge")
    assert jobs.run_job(job) == 1
    assert jobs.run_job(job) == 0
    assert ApiToken.objects.filter(digest=ApiToken.hash(fresh)).exists()


@pytest.mark.django_db(transaction=True)
def test_scheduler_loop_runs_jobs_and_survives_a_failing_one():
    calls: list[str] = []
    stop = threading.Event()

    def ok():
        calls.append("ok")
        if calls.count("ok") >= 2:
            stop.set()

    def boom():
        calls.append("boom")
        raise RuntimeError("job failed")

    import types

    module = types.ModuleType("wuye_test_jobs")
    module.ok, module.boom = ok, boom
    sys.modules["wuye_test_jobs"] = module
    try:
        loop = [jobs.Job("boom", "wuye_test_jobs.boom", 0), jobs.Job("ok", "wuye_test_jobs.ok", 0)]
        thread = threading.Thread(target=jobs.run_forever, args=(stop, loop, 0.01))
        thread.start()
        thread.join(timeout=10)
    finally:
        stop.set()
        del sys.modules["wuye_test_jobs"]
    assert calls.count("ok") >= 2 and calls.count("boom") >= 2


def test_wuye_serve_answers_and_runs_the_scheduler(tmp_path):
    """What `make run` starts: gunicorn with the scheduler thread, static files included."""
    import socket
    import time
    import urllib.request

    copy_migrated_sqlite(tmp_path / "wuye.sqlite3")  # tests/db_cache.py: migrated once per run
    assert _wuye("migrate", "-v0", env={}, tmp_path=tmp_path).returncode == 0
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env["WUYE_VAR_DIR"] = str(tmp_path)
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "wuye", "serve", "--port", str(port), "--workers", "1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/web/wuye.css") as r:
            assert len(r.read()) > 1000
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/") as r:
            assert "登录" in r.read().decode()
        while "scheduler started: api_token_purge" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=20)
