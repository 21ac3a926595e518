"""秩序与消防 (manual ch.6): one module per topic."""

from .gates import *  # noqa: F403
from .vehicles import *  # noqa: F403
