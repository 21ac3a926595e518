"""设施设备 (manual ch.4): the register, operation logs and anomalies, maintenance, faults."""

from .equipment import *  # noqa: F403
from .faults import *  # noqa: F403
