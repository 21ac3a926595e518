"""环境管理 (manual ch.5): one module per topic."""

from .green import *  # noqa: F403
from .inspections import *  # noqa: F403
from .pests import *  # noqa: F403
from .plans import *  # noqa: F403
from .profiles import *  # noqa: F403
from .protection import *  # noqa: F403
from .stores import *  # noqa: F403
from .weather import *  # noqa: F403
from .zones import *  # noqa: F403
