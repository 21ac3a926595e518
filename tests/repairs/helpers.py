"""What the repair tests share: the estate's time zone, the arrival checklist, reporting an
order at the desk and taking a step."""

import datetime as dt
from zoneinfo import ZoneInfo

from wuye.repairs import services

SH = ZoneInfo("Asia/Shanghai")
ARRIVAL = {"badge_uniform": True, "dust_sheet": True}  # REPAIR-14/15


def at(text: str) -> dt.datetime:
    """A wall-clock time in Shanghai: ``at("2026-11-26 10:00")``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


def report(world, description="卫生间水龙头漏水", by=None, **kwargs):
    """A repair reported by phone at the desk (by the agent unless ``by``)."""
    kwargs.setdefault("room", world.room)
    kwargs.setdefault("category", "plumbing")
    return services.repair_order_create(
        estate=world.estate, description=description, contact_name="张先生",
        contact_phone="13800138000", channel="phone", by=by or world.agent.user, **kwargs,
    )  # fmt: skip


def act(order, action, user, **kwargs):
    return services.repair_order_act(order=order, action=action, by=user, **kwargs)
