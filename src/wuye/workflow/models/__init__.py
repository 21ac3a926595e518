"""Models of the process engine, split by sub-domain."""

from .attachments import *  # noqa: F403
from .calendar import *  # noqa: F403
from .cases import *  # noqa: F403
from .schedules import *  # noqa: F403
