"""Demo repairs: each estate's price list and, in 阳光花园, orders at every step of the flow, all
made through the services (so clocks, events and messages are what real use would leave)."""

from __future__ import annotations

import base64
import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from wuye.core.models import PublicArea

from . import services
from .choices import Category

# 收费标准 (REPAIR-11): what an owner pays for work on their own fittings.
PRICE_LIST = [
    (Category.PLUMBING, "更换水龙头（不含材料）", "个", "30.00"),
    (Category.PLUMBING, "更换角阀", "个", "25.00"),
    (Category.PLUMBING, "更换进水软管", "根", "15.00"),
    (Category.PLUMBING, "疏通下水道（户内）", "次", "80.00"),
    (Category.PLUMBING, "更换马桶水箱配件", "套", "45.00"),
    (Category.ELECTRICAL, "更换插座/开关面板", "个", "20.00"),
    (Category.ELECTRICAL, "更换灯具（户内）", "盏", "30.00"),
    (Category.ELECTRICAL, "更换空气开关", "个", "35.00"),
    (Category.DOORS_WINDOWS, "更换门锁锁芯", "个", "60.00"),
    (Category.DOORS_WINDOWS, "调整门窗合页", "扇", "20.00"),
    (Category.WALLS, "墙面局部修补（户内）", "平方米", "40.00"),
    (Category.OTHER, "上门检测费（业主自有设施）", "次", "20.00"),
]
ARRIVAL = {"badge_uniform": True, "dust_sheet": True}


def _photo(user):
    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store

    image = Image.new("RGB", (480, 360), (226, 232, 240))
    ImageDraw.Draw(image).rectangle((120, 90, 360, 270), fill=(59, 130, 246))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    upload = SimpleUploadedFile("现场照片.jpg", out.getvalue(), "image/jpeg")
    return attachment_store(upload=upload, kind="photo", by=user)


def load_repairs_demo(estates) -> int:
    """Price lists for every estate; a dozen orders in 阳光花园. Returns the number of orders."""
    User = get_user_model()
    admin = User.objects.get(username="admin")
    for estate in estates:
        for category, name, unit, price in PRICE_LIST:
            services.price_item_save(estate=estate, name=name, category=category, unit=unit,
                                     price=price, by=admin)  # fmt: skip
    estate = estates[0]
    agent, tech, tech2, owner = (
        User.objects.get(username=u) for u in ("agent", "tech", "tech2", "owner")
    )
    room = owner.resident.occupancies.first().room
    rooms = list(estate.rooms.exclude(pk=room.pk).order_by("id")[:10])
    lobby = estate.public_areas.filter(name="1栋大堂").first()
    now = timezone.now()
    tap = estate.repair_prices.get(name="更换水龙头（不含材料）")

    def report(description, place, hours_ago, category, by=agent, **kw):
        extra = {"public_area": place} if isinstance(place, PublicArea) else {"room": place}
        return services.repair_order_create(
            estate=estate, description=description, contact_name=kw.pop("contact", "业主"),
            contact_phone="13800138000", channel=kw.pop("channel", "phone"), category=category,
            reported_at=now - dt.timedelta(hours=hours_ago), by=by, **extra, **kw,
        )  # fmt: skip

    def act(order, action, user, **kw):
        return services.repair_order_act(order=order, action=action, by=user, **kw)

    orders = []
    # Waiting for dispatch: one fresh, one emergency already late.
    orders.append(report("客厅墙面出现裂缝，约30厘米", rooms[0], 0.2, Category.WALLS))
    orders.append(report("卫生间水管爆裂，水流不止", rooms[1], 0.5, Category.PLUMBING))
    orders.append(report("大堂感应门关不上", lobby, 1.5, Category.DOORS_WINDOWS))
    # Dispatched, accepted, on site.
    o = report("厨房插座没电", rooms[2], 3, Category.ELECTRICAL)
    act(o, "dispatch", agent, assignee=tech)
    orders.append(o)
    o = report("阳台地漏堵塞，积水", rooms[3], 4, Category.PLUMBING)
    act(o, "dispatch", agent, assignee=tech2)
    act(o, "accept", tech2)
    act(o, "arrive", tech2, data=ARRIVAL)
    orders.append(o)
    # The demo owner's own order, completed with a charge: waiting for their acceptance.
    o = report("厨房水龙头一直滴水", room, 20, Category.PLUMBING, by=owner,
               contact=owner.resident.name)  # fmt: skip
    act(o, "grab", tech)
    act(o, "accept", tech)
    act(o, "arrive", tech, data=ARRIVAL)
    act(o, "complete", tech, attachments=[_photo(tech)],
        data={"diagnosis": "水龙头阀芯磨损，整体更换", "charges": [{"item": tap.pk, "quantity": 1}],
              "materials": [{"name": "生料带", "quantity": 1, "unit": "卷"}]})  # fmt: skip
    orders.append(o)
    # Accepted, waiting for the revisit; and finished ones with scores.
    for n, (text, category, score) in enumerate([
        ("卧室灯不亮", Category.ELECTRICAL, None),
        ("入户门锁芯卡住", Category.DOORS_WINDOWS, 5),
        ("马桶水箱一直进水", Category.PLUMBING, 4),
        ("书房墙面渗水发霉", Category.WALLS, 2),
    ]):  # fmt: skip
        o = report(text, rooms[4 + n], 30 + n * 5, category)
        act(o, "dispatch", agent, assignee=tech if n % 2 else tech2)
        worker = tech if n % 2 else tech2
        act(o, "accept", worker)
        act(o, "arrive", worker, data=ARRIVAL)
        act(o, "complete", worker, attachments=[_photo(worker)], data={"diagnosis": "已修复"})
        act(o, "sign_off", worker, attachments=[_signature(worker)])
        if score is not None:
            act(o, "revisit", agent, data={"satisfaction": score, "quality": score,
                                           "attitude": max(score, 3)})  # fmt: skip
        orders.append(o)
    # A repeat: the same room and category as the 马桶 order, within 30 days.
    orders.append(report("马桶又开始漏水", rooms[6], 0.1, Category.PLUMBING))
    return len(orders)


def _signature(user):
    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store_signature

    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line((20, 70, 90, 25, 160, 75, 280, 30), fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    return attachment_store_signature(data_url=data_url, by=user)
