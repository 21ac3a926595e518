"""``wuye serve``: the embedded mode: gunicorn serving the app, and the scheduler loop.

The scheduler runs in its own process (``wuye scheduler``), started and stopped with the server,
so however many workers serve requests the periodic jobs run in one place — and no thread of
the scheduler is alive when gunicorn forks its workers (a fork while another thread holds the
import or SQLite lock would leave the worker hanging). Production runs gunicorn on its own and
Celery beat + workers instead (README).
"""

from __future__ import annotations

import subprocess
import sys

from django.core.management.base import BaseCommand
from gunicorn.app.base import BaseApplication

from wuye.web.management.commands.demo import print_logins


class EmbeddedServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            if key in self.cfg.settings:  # control_socket_disable is new in gunicorn 24+
                self.cfg.set(key, value)

    def load(self):
        from wuye.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Wuye with its scheduler loop (embedded mode; production uses gunicorn + Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-scheduler", action="store_true")

    def handle(self, *args, host: str, port: str, workers: int, threads: int, **options):
        scheduler = None
        if not options["no_scheduler"]:
            scheduler = subprocess.Popen([sys.executable, "-m", "wuye", "scheduler"])
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nWuye 已启动 / is running: {url}"))
        print_logins(self.stdout)
        self.stdout.flush()
        try:
            EmbeddedServer(
                {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "accesslog": "-",
                    "timeout": 60,
                    # No control socket in ~/.gunicorn: several embedded servers may share a home.
                    "control_socket_disable": True,
                }
            ).run()
        finally:
            if scheduler is not None:
                scheduler.terminate()
                scheduler.wait(timeout=30)
