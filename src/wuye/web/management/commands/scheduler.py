"""``wuye scheduler``: run the periodic jobs of wuye.jobs in a loop (embedded mode)."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from wuye.jobs import run_forever


class Command(BaseCommand):
    help = "Run the periodic jobs until stopped (the embedded mode's scheduler loop)."

    def handle(self, *args, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        run_forever(stop)
