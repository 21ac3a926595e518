"""秩序与消防 (manual ch.6): one module per topic."""

from .decoration import *  # noqa: F403
from .drills import *  # noqa: F403
from .fire_facilities import *  # noqa: F403
from .fires import *  # noqa: F403
from .gates import *  # noqa: F403
from .guards import *  # noqa: F403
from .incidents import *  # noqa: F403
from .obstructions import *  # noqa: F403
from .parcels import *  # noqa: F403
from .passes import *  # noqa: F403
from .patrols import *  # noqa: F403
from .publicity import *  # noqa: F403
from .vehicles import *  # noqa: F403
from .visitors import *  # noqa: F403
