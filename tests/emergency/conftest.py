"""Fixtures of the emergency tests."""

from .health_helpers import hw  # noqa: F401  (h-health)
from .helpers import emg  # noqa: F401
