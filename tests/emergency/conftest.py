"""Fixtures of the emergency tests."""

from .helpers import emg  # noqa: F401
