"""What the repair services share: the repeat window, the emergency words, the acting person."""

from __future__ import annotations

import re
from decimal import Decimal

from ..choices import Category

REPEAT_WINDOW_DAYS = 30  # REPAIR-13: the same problem must not come back within 30 days
# Steps that give the order to a technician: the one given it must arrive themselves (REPAIR-14/15).
ASSIGNING_ACTIONS = ("dispatch", "grab", "reassign")
CENT = Decimal("0.01")

# REPAIR-04: words that mark an emergency (e.g. a burst pipe); the agent may still change it.
EMERGENCY_WORDS = ("爆裂", "爆管", "漏水严重", "大量漏水", "漏电", "停电", "冒烟", "着火", "起火",
                   "困人", "燃气", "煤气", "跑水", "水淹")  # fmt: skip
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


# REPAIR-04: words that name the kind of fault, per category, the first category that matches
# wins (gas and lifts before electricity, whose words they share; a street lamp is a public
# facility, not a fitting in a flat). The agent may still choose another category.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Category.GAS, ("燃气", "煤气", "天然气")),
    (Category.ELEVATOR, ("电梯", "困人", "轿厢")),
    (Category.PUBLIC, ("路灯", "楼道灯", "道闸", "门禁", "健身器材", "绿化", "化粪池", "监控")),
    (Category.ELECTRICAL, ("漏电", "停电", "断电", "没电", "跳闸", "插座", "开关面板", "电线",
                           "空气开关", "电表", "灯", "冒烟")),
    (Category.PLUMBING, ("水管", "漏水", "水龙头", "下水", "堵塞", "堵了", "马桶", "地漏", "水压",
                         "没水", "停水", "爆管", "爆裂", "跑水", "水表", "水箱", "角阀", "花洒",
                         "淋浴", "水淹", "渗漏")),
    (Category.DOORS_WINDOWS, ("门锁", "锁芯", "门", "窗", "合页", "玻璃")),
    (Category.WALLS, ("墙", "地面", "地砖", "瓷砖", "地板", "裂缝", "天花", "吊顶", "发霉",
                      "空鼓", "脱落")),
)  # fmt: skip
