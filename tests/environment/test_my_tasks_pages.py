"""The phone pages: today's tasks, the protection check, completing a task with a photo
(CLEAN-05, CLEAN-16)."""

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at, day_tasks, line_of
from tests.images import make_jpeg

clean = clean_helpers.clean
planned = clean_helpers.planned


def test_a_cleaner_checks_protection_then_completes_with_a_photo__CLEAN_16(
    planned, login, time_machine
):
    w = planned
    time_machine.move_to(at("2026-07-07 07:05"), tick=False)
    client = login("cleaner")
    page = client.get("/environment/my/")
    text = page.content.decode()
    assert page.status_code == 200 and "小区主干道" in text and "防护用品检查" in text
    assert "CLEAN-" not in text
    task = day_tasks(line_of(w, "小区主干道", "sweep"), "2026-07-07")[0]
    items = task.schedule.spec.checklist.items.order_by("position")
    data = {f"item-{i.pk}": "yes" for i in items}
    r = client.post(f"/environment/my/tasks/{task.pk}/", {**data, "photos": make_jpeg("a.jpg")})
    assert r.status_code == 302 and r["Location"] == "/environment/my/protection/"
    r = client.post("/environment/my/protection/", {"items": ["gloves"]})
    assert r.status_code == 200 and "不合格" in r.content.decode()
    r = client.post("/environment/my/protection/", {"items": ["gloves", "mask"]})
    assert r.status_code == 302
    r = client.post(f"/environment/my/tasks/{task.pk}/", data)
    assert r.status_code == 400  # the plan asks for a photo
    r = client.post(f"/environment/my/tasks/{task.pk}/", {**data, "photos": make_jpeg("a.jpg")})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    zone = w.zones["小区主干道"]
    scan = client.get(f"/environment/z/{zone.code}/")
    assert scan.status_code == 200 and "已完成" in scan.content.decode()
    assert login("cleaner_ch").get(f"/environment/z/{zone.code}/").status_code == 404
