"""Every write of facilities (设施设备), one module per topic; the register's functions are
re-exported here for the takeover, which fills it."""

from .equipment import (
    EQUIPMENT_WRITE_ROLES,
    equipment_create,
    equipment_update,
    equipment_warranty_set,
)

__all__ = [
    "EQUIPMENT_WRITE_ROLES",
    "equipment_create",
    "equipment_update",
    "equipment_warranty_set",
]
