"""秩序与消防 (manual ch.6): one module per topic."""

from .decoration import *  # noqa: F403
from .parcels import *  # noqa: F403
from .passes import *  # noqa: F403
from .visitors import *  # noqa: F403
