"""The cleaning API: zones, the plan, today's tasks, the protection check and weather through
the same services as the pages, scoped, errors as JSON (CLEAN-01..16)."""

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at
from tests.facilities.equip_helpers import Api
from tests.images import photo_of

clean = clean_helpers.clean
planned = clean_helpers.planned


def test_zones_plan_and_revision_through_the_api__CLEAN_01_04_05(clean, client):
    w = clean
    head = Api(client, w.env_head.user)
    built = head.post("/environment/zones/build",
                      {"estate": w.estate.pk, "cleaners": [w.cleaner.pk]})  # fmt: skip
    assert {z["kind"] for z in built} == {"road", "corridor", "elevator", "toilet", "garage"}
    assert head.post("/environment/zones/build", {"estate": w.estate.pk}) == []
    seeded = head.post("/environment/cleaning-plan/seed", {"estate": w.estate.pk})
    road = next(x for x in seeded if x["work"] == "sweep" and x["zone_name"] == "小区主干道")
    assert road["frequency"] == "每天 2 次：07:00、14:00"
    changed = head.patch(f"/environment/cleaning-plan/{road['id']}",
                         {"times": ["06:30", "14:00"], "reason": "早高峰前清扫"})  # fmt: skip
    assert changed["times"] == ["06:30", "14:00"]
    head.call("patch", f"/environment/cleaning-plan/{road['id']}", {"times": ["25:00"],
              "reason": "x"}, expect=400)  # fmt: skip
    revisions = head.get(f"/environment/cleaning-plan/revisions?estate={w.estate.pk}")
    assert revisions["items"][0]["reason"] == "早高峰前清扫"
    cleaner = Api(client, w.cleaner.user)
    cleaner.call("patch", f"/environment/cleaning-plan/{road['id']}",
                 {"times": ["08:00"], "reason": "x"}, expect=403)  # fmt: skip
    outsider = Api(client, w.outsider.user)
    outsider.get(f"/environment/cleaning-plan/{road['id']}", expect=404)
    made = head.call("post", "/environment/zones", {"estate": w.estate.pk, "name": "北广场",
                     "kind": "square"}, expect=201).json()  # fmt: skip
    head.call("post", "/environment/cleaning-plan", {"zone": made["id"], "work": "sweep",
              "times": ["08:00"], "reason": "新增"}, expect=400)  # fmt: skip
    profile = head.get(f"/environment/profiles/{w.estate.pk}")
    assert (profile["disinfectant_ml"], profile["water_ml"]) == (99, 9901)
    assert (profile["toilets_open"], profile["toilets_close"]) == ("07:00", "21:00")
    # CLEAN-08: the toilets' hours as the head types them; a bad time is a 400, nothing changed.
    head.call("patch", f"/environment/profiles/{w.estate.pk}",
              {"toilets_open": "7:00", "reason": "x"}, expect=400)  # fmt: skip
    changed = head.call("patch", f"/environment/profiles/{w.estate.pk}",
                        {"toilets_open": "06:30", "toilets_close": "22:00",
                         "reason": "夏季延长开放"}, expect=200).json()  # fmt: skip
    assert (changed["toilets_open"], changed["toilets_close"]) == ("06:30", "22:00")


def test_a_cleaner_checks_protection_and_completes_a_task__CLEAN_16(planned, client,
                                                                    time_machine):  # fmt: skip
    w = planned
    time_machine.move_to(at("2026-07-07 07:05"), tick=False)
    cleaner = Api(client, w.cleaner.user)
    tasks = cleaner.get(f"/environment/my-tasks?estate={w.estate.pk}")
    road = next(t for t in tasks if t["work"] == "sweep" and t["place"] == "小区主干道")
    assert road["group"] == "now" and road["photos"] == 1
    from wuye.workflow.models import PlannedTask

    spec = PlannedTask.objects.get(pk=road["id"]).schedule.spec
    items = spec.checklist.items.order_by("position")
    answers = [{"item": i.pk, "value": True} for i in items]
    photo = str(photo_of(w.cleaner.user).pk)
    refused = cleaner.call(
        "post",
        f"/environment/my-tasks/{road['id']}/complete",
        {"answers": answers, "photos": [photo]},
        expect=409,
    ).json()
    assert "防护用品" in refused["error"]["message"]
    cleaner.call("post", "/environment/protection-checks",
                 {"estate": w.estate.pk, "items": ["gloves", "mask"]}, expect=201)  # fmt: skip
    cleaner.call("post", f"/environment/my-tasks/{road['id']}/complete",
                 {"answers": answers, "photos": [photo]}, expect=201)  # fmt: skip
    again = cleaner.get(f"/environment/my-tasks?estate={w.estate.pk}")
    assert next(t for t in again if t["id"] == road["id"])["group"] == "done"
    head = Api(client, w.env_head.user)
    checks = head.get(f"/environment/protection-checks?estate={w.estate.pk}&on=2026-07-07")
    assert checks["count"] == 1 and checks["items"][0]["passed"]


def test_rain_through_the_api__CLEAN_07(planned, client, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 11:00"), tick=False)
    head = Api(client, w.env_head.user)
    made = head.call("post", "/environment/weather", {"estate": w.estate.pk, "kind": "rain",
                     "at": "2026-07-07T10:50:00+08:00"}, expect=201).json()  # fmt: skip
    assert made["tasks_created"] == 1
    Api(client, w.cleaner.user).call(
        "post",
        "/environment/weather",
        {"estate": w.estate.pk, "kind": "rain", "at": "2026-07-07T10:50:00+08:00"},
        expect=403,
    )
    assert head.get(f"/environment/weather?estate={w.estate.pk}")["count"] == 1
