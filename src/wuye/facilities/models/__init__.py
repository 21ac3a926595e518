"""设施设备 (manual ch.4): the register, operation logs and anomalies, maintenance, faults."""

from .anomalies import *  # noqa: F403
from .equipment import *  # noqa: F403
from .faults import *  # noqa: F403
from .logs import *  # noqa: F403
from .maintenance import *  # noqa: F403
