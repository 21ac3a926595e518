"""The field-work layer's data, one module per topic."""

from .certificates import *  # noqa: F403
from .checklists import *  # noqa: F403
from .devices import *  # noqa: F403
from .records import *  # noqa: F403
from .rounds import *  # noqa: F403
from .shifts import *  # noqa: F403
from .tasks import *  # noqa: F403
