"""秩序与消防 (manual ch.6): one module per topic."""

from .fire_facilities import *  # noqa: F403
