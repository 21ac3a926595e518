"""秩序与消防 (manual ch.6): one module per topic."""

from .drills import *  # noqa: F403
from .fires import *  # noqa: F403
from .publicity import *  # noqa: F403
