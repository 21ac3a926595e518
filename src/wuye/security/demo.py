"""Demo order and safety of 阳光花园 (manual ch.6), one function per topic, each made through the
services so clocks, messages and records are real."""

from __future__ import annotations


def load_security_demo(estates) -> dict:
    """Load every topic's demo into the estates; returns counts for the demo summary."""
    counts: dict = {}
    counts.update(_load_fireevents(estates))
    return counts


# --- Fire events (火灾、消防演练、消防宣传) -----------------------------------------------


def _fire_photo(user, color=(239, 68, 68)):
    """A small generated PNG stored as a photo of ``user`` (bound to a drill's record)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from wuye.workflow.attachments import attachment_store

    image = Image.new("RGB", (320, 240), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 200), fill=color)
    draw.line((40, 200, 280, 40), fill=(255, 255, 255), width=6)
    out = io.BytesIO()
    image.save(out, "PNG")
    upload = SimpleUploadedFile("演练照片.png", out.getvalue(), "image/png")
    return attachment_store(upload=upload, kind="photo", by=user)


def _load_fireevents(estates) -> dict:
    """阳光花园: last year's drill and this year's (one done with photos and a summary, one
    planned), this year's publicity plan with the past months' topics published but one, and a
    closed kitchen fire with its aftermath (FIRE-07..13, VEHICLE-13)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from .choices import EVACUATION_REQUIRED
    from .services import drills, fires, publicity

    User = get_user_model()
    estate = estates[0]
    head = User.objects.get(username="order_head")
    guard = User.objects.get(username="guard")
    agent = User.objects.get(username="agent")
    today = timezone.localdate()
    checklist = [*EVACUATION_REQUIRED, "fire_lane_clear", "headcount"]
    record = {"participants": "秩序部全体、客服中心、1栋业主代表",
              "checklist": checklist}  # fmt: skip
    last = drills.drill_plan(
        estate=estate, planned_on=dt.date(today.year - 1, 11, 9), scenario="高层住宅火灾疏散演练",
        organiser=head.staff, by=head,
    )  # fmt: skip
    drills.drill_act(
        drill=last, action="record", by=head, attachments=[_fire_photo(head)],
        data={**record, "held_on": dt.date(today.year - 1, 11, 9).isoformat(),
              "participant_count": 42,
              "summary": "1栋住户经楼梯疏散用时7分钟；电梯迫降首层；车辆经东门消防通道驶离。"},
    )  # fmt: skip
    held = min(today, dt.date(today.year, 5, 20))
    done = drills.drill_plan(
        estate=estate, planned_on=held, scenario="地下车库火灾扑救及车辆疏散演练",
        organiser=head.staff, by=head,
    )  # fmt: skip
    drills.drill_act(
        drill=done, action="record", by=guard,
        attachments=[_fire_photo(guard), _fire_photo(guard, (59, 130, 246))],
        data={**record, "held_on": held.isoformat(), "participant_count": 28,
              "summary": "灭火器实操全员合格；车辆疏散时东门道闸需手动抬杆，已报工程部整改。"},
    )  # fmt: skip
    drills.drill_plan(
        estate=estate, planned_on=today + dt.timedelta(days=20), scenario="夜间火灾报警及疏散演练",
        organiser=guard.staff, by=head,
    )  # fmt: skip
    topics = publicity.publicity_plan_seed(estate=estate, year=today.year, by=agent)
    past = [t for t in topics if t.month < today.month]
    for topic in past[:-1]:  # the last past month's topic stays overdue
        publicity.publicity_publish(topic=topic, by=agent)
    fire = fires.fire_report(
        estate=estate, place="2栋1单元502室厨房", size="small", trapped="no", called_119=True,
        called_119_by="马强", description="油锅起火，住户已离开厨房", by=guard,
    )  # fmt: skip
    fires.fire_act(fire=fire, action="fight", by=guard,
                   data={"facilities": ["extinguisher", "fire_blanket"]})  # fmt: skip
    fires.fire_act(fire=fire, action="brigade_arrive", by=guard)
    fires.fire_act(fire=fire, action="evacuate", by=guard)
    fires.fire_act(fire=fire, action="evacuated", by=guard, data={"checklist": checklist})
    fires.fire_act(
        fire=fire, action="close", by=head, note="厨房墙面熏黑，已通知业主联系保险。",
        data={"investigated_by": "区消防救援大队", "cause": "油锅过热起火，住户离开灶台",
              "site_cleared": True, "order_restored": True},
    )  # fmt: skip
    return {"fire_drills": 3, "fire_publicity": len(topics), "fires": 1}
