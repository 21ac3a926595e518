"""An outbox worker in a process of its own, for the tests that kill workers mid-delivery
(``test_paging_delivery``): ``python -m tests.emergency.outbox_worker OFFSET`` delivers the
outbox until nothing is due, as if the clock read now + OFFSET seconds, through a recording
SMS backend slowed to a few milliseconds a text (a provider's round trip), so that a kill lands
in the middle of a batch."""

from __future__ import annotations

import datetime as dt
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuye.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from wuye.notify.services import outbox_deliver

    settings.WUYE_SMS_BACKEND = "tests.emergency.slow_sms.SlowRecordingBackend"
    offset = dt.timedelta(seconds=float(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print("ready", flush=True)
    while outbox_deliver(batch=20, now=timezone.now() + offset, budget=60):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
