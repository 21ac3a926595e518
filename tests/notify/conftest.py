"""Fixtures of the notify tests: a channel that records what it was asked to send."""

from __future__ import annotations

import threading

import pytest

from wuye.notify import channels
from wuye.notify.channels import Channel, ChannelError


class RecordingChannel(Channel):
    """Counts sends per message id (thread-safe); fails while ``failing`` is set."""

    def __init__(self, name: str = "sms") -> None:
        self.name = name
        self.sent: list[int] = []
        self.failing: str | None = None
        self.permanent = False
        self.lock = threading.Lock()

    def address_for(self, user) -> str:
        return channels.user_mobile(user)

    def send(self, message) -> None:
        if self.failing:
            raise ChannelError(self.failing, permanent=self.permanent)
        with self.lock:
            self.sent.append(message.pk)


@pytest.fixture
def sms_channel(monkeypatch) -> RecordingChannel:
    """Replace the SMS channel with a recording one for the test."""
    channel = RecordingChannel("sms")
    monkeypatch.setitem(channels.CHANNELS, "sms", channel)
    return channel
