"""A recording SMS backend slowed to a provider's round trip (a few milliseconds a text)."""

from __future__ import annotations

import time

from wuye.notify.channels import RecordingSmsBackend


class SlowRecordingBackend(RecordingSmsBackend):
    def send(self, *, mobile, text, message=None):
        time.sleep(0.005)
        super().send(mobile=mobile, text=text, message=message)
