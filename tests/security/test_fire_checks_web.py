"""The fire facility pages: the register with its filters, export and labels, the facility's
page, the phone check screen opened from the QR label, the month's progress and a replacement
closed on its page (FIRE-01, FIRE-02, FIRE-03, FIRE-06)."""

from tests.security import fire_helpers
from tests.security.fire_helpers import passing
from wuye.security.models import FireReplacement
from wuye.security.services.fire_facilities import fire_checks_setup

fire = fire_helpers.fire  # the fixture


def test_register_page_filters_and_exports__FIRE_01(fire, login):
    client = login("guard")
    page = client.get("/security/fire/?kind=extinguisher")
    assert page.status_code == 200
    text = page.content.decode()
    assert "MHQ-1-01" in text and "XHS-1-01" not in text
    assert "登记消防设施" not in text  # guards inspect; engineering registers
    xlsx = client.get("/security/fire/export.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "登记消防设施" in login("tech").get("/security/fire/").content.decode()
    assert login("guard").get("/security/fire/new/").status_code == 403


def test_engineering_registers_a_facility_on_its_form__FIRE_01(fire, login):
    client = login("tech")
    r = client.post("/security/fire/new/", {
        "kind": "extinguisher", "code": "MHQ-1-05", "name": "1栋5层灭火器",
        "agent": "dry_powder", "rated_pressure": "1.20",
    })  # fmt: skip
    assert r.status_code == 200 and "请填写灭火器的有效期" in r.content.decode()
    r = client.post("/security/fire/new/", {
        "kind": "extinguisher", "code": "MHQ-1-05", "name": "1栋5层灭火器",
        "agent": "dry_powder", "rated_pressure": "1.20", "expires_on": "2029-05-31",
    })  # fmt: skip
    assert r.status_code == 302


def test_scan_opens_the_phone_check_screen_and_a_failure_opens_replacement__FIRE_03_FIRE_06(
    fire, login
):
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    client = login("guard")
    r = client.get(f"/security/fire/q/{fire.ext.equipment.qr_token}/")
    assert r.status_code == 302 and r["Location"] == f"/security/fire/{fire.ext.pk}/check/"
    screen = client.get(r["Location"]).content.decode()
    assert "消防设施检查记录表" in screen and "压力表指针在绿区" in screen
    answers = passing(fire.ext, **{"压力表指针在绿区": False, "压力读数": "0.8"})
    form = {f"item-{a['item']}": ("1" if a["value"] is True else "0" if a["value"] is False
                                  else a["value"]) for a in answers}  # fmt: skip
    # A missing answer keeps the others and says which.
    first = next(iter(form))
    short = {k: v for k, v in form.items() if k != first}
    r = client.post(f"/security/fire/{fire.ext.pk}/check/", short)
    assert r.status_code == 200 and "此项为必填项" in r.content.decode()
    r = client.post(f"/security/fire/{fire.ext.pk}/check/", form)
    assert r.status_code == 302
    replacement = FireReplacement.objects.get(facility=fire.ext)
    detail = client.get(f"/security/fire/{fire.ext.pk}/").content.decode()
    assert replacement.case.number in detail and "灭火器月度检查" in detail
    tech = login("tech")
    r = tech.post(f"/security/fire/replacements/{replacement.pk}/",
                  {"expires_on": "2031-01-31", "pressure": "1.2"})  # fmt: skip
    assert r.status_code == 302
    replacement.refresh_from_db()
    assert replacement.closed_at is not None
    listing = tech.get("/security/fire/replacements/?state=closed").content.decode()
    assert replacement.case.number in listing


def test_progress_page_counts_the_month_and_starts_with_inspection__FIRE_02_FIRE_03(fire, login):
    fire_checks_setup(estate=fire.estate, by=fire.order_head.user)
    page = login("order_head").get("/security/fire/progress/").content.decode()
    assert page.index("消防设施检查") < page.index("火灾预防宣传") < page.index("善后处理")
    assert "待检查 2" in page


def test_setup_button_for_the_heads_only__FIRE_03(fire, login):
    assert "制定检查计划" in login("order_head").get("/security/fire/").content.decode()
    assert login("guard").post("/security/fire/setup/").status_code == 403
    r = login("order_head").post("/security/fire/setup/")
    assert r.status_code == 302
    fire.ext.refresh_from_db()
    assert fire.ext.monthly_schedule_id is not None
