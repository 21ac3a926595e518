"""``wuye serve``: the embedded mode: the web server and the scheduler loop in one process."""

from __future__ import annotations

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from wuye.core.management.commands.demo import print_logins
from wuye.jobs import run_forever


class Command(BaseCommand):
    help = "Serve Wuye with its scheduler loop (embedded mode; production uses gunicorn + Celery)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-scheduler", action="store_true")

    def handle(self, *args, host: str, port: str, no_scheduler: bool, **options):
        stop = threading.Event()
        if not no_scheduler:
            threading.Thread(
                target=run_forever, args=(stop,), name="wuye-scheduler", daemon=True
            ).start()
        url = f"http://{host}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nWuye 已启动 / is running: {url}"))
        print_logins(self.stdout)
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False, use_threading=True)
        finally:
            stop.set()
