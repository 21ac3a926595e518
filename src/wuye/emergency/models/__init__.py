"""应急处理 (manual ch.7): one module per topic."""

from .groups import *  # noqa: F403
from .health import *  # noqa: F403
from .incidents import *  # noqa: F403
from .outages import *  # noqa: F403
from .plans import *  # noqa: F403
from .reminders import *  # noqa: F403
from .supplies import *  # noqa: F403
