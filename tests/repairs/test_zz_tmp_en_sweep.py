# TEMPORARY (translator's sweep) - deleted right after running.
import pytest
from django.urls import reverse
from tests.images import photo_of, signature_of
from tests.repairs.helpers import ARRIVAL, act, at, report
from tests.web.test_i18n import chinese_left, in_english
from wuye.core.choices import PublicAreaKind
from wuye.core.models import PublicArea
from wuye.repairs import services
from wuye.repairs.models import RepairOrder
from wuye.repairs.views.portal import qr_token
from wuye.workflow.services import sla_sweep

DATA = ["卫生间水龙头漏水", "张先生", "角阀老化", "更换水龙头", "个", "厨房水管爆裂", "1栋大堂", "门锁坏了", "等了很久", "项", "阀芯老化"]

def left(page):
    out = chinese_left(page)
    return [s for s in out if not any(d in s for d in DATA)], out

@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine

def test_sweep(world, login, client, frozen):
    tap = services.price_item_save(estate=world.estate, name="更换水龙头", category="plumbing",
                                   unit="个", price="35", by=world.exec.user)
    lobby = PublicArea.objects.create(estate=world.estate, building=world.room.building,
                                      kind=PublicAreaKind.LOBBY, name="1栋大堂")
    o1 = report(world)  # waiting dispatch
    o2 = report(world, description="厨房水管爆裂", room=world.room2)
    o3 = report(world, by=world.owner.user, channel="app") if False else report(world)
    tech = world.tech.user
    for o in (o3,):
        act(o, "dispatch", world.agent.user, assignee=tech)
        act(o, "accept", tech)
        act(o, "arrive", tech, data=ARRIVAL)
        act(o, "complete", tech, attachments=[photo_of(tech)],
            data={"diagnosis": "角阀老化", "charges": [{"item": tap.pk, "quantity": "2"}],
                  "materials": [{"name": "角阀", "quantity": "1", "unit": "个"}]})
    o4 = report(world)
    act(o4, "dispatch", world.agent.user, assignee=tech)
    act(o4, "accept", tech)
    act(o4, "arrive", tech, data=ARRIVAL)
    act(o4, "complete", tech, attachments=[photo_of(tech)], data={"diagnosis": "角阀老化"})
    act(o4, "confirm", world.owner.user)
    act(o4, "revisit", world.agent.user, data={"satisfaction": 2, "quality": 2, "attitude": 3, "comment": "等了很久"})
    frozen.move_to(at("2026-11-27 12:00"), tick=False)
    sla_sweep()
    report(world, room=world.room)  # repeat of o4? same place & category
    problems = {}
    def check(c, url):
        r = c.get(url, follow=True)
        assert r.status_code == 200, (url, r.status_code)
        real, allx = left(r.content.decode())
        if allx: problems[url] = (real, allx)
    c = in_english(login("agent"))
    for url in [reverse("repairs:list"), reverse("repairs:list") + "?tab=overdue", reverse("repairs:list") + "?tab=dispatch&search=zzz",
                reverse("repairs:create"), reverse("repairs:prices"), reverse("repairs:qr_sheet"),
                reverse("repairs:kpis", args=[world.estate.pk]), reverse("web:home")] + \
               [reverse("repairs:detail", args=[o.pk]) for o in RepairOrder.objects.all()]:
        check(c, url)
    c = in_english(login("tech"))
    for url in [reverse("repairs:tech_home"), reverse("repairs:tech_home") + "?tab=pool"] + \
               [reverse("repairs:tech_detail", args=[o.pk]) for o in RepairOrder.objects.all()]:
        check(c, url)
    c = in_english(login("owner"))
    for url in [reverse("repairs:my_list"), reverse("repairs:my_new"), reverse("web:home"),
                reverse("repairs:qr_report", args=[qr_token(lobby)]),
                reverse("repairs:qr_report", args=[qr_token(world.room.building)])] + \
               [reverse("repairs:my_detail", args=[o.pk]) for o in RepairOrder.objects.filter(room=world.room)]:
        check(c, url)
    def post(c, url, data):
        r = c.post(url, data, follow=True)
        real, allx = left(r.content.decode())
        if allx: problems["POST " + url] = (real, allx)
    c = in_english(login("agent"))
    for url in [reverse("repairs:suggest") + "?description=水管爆裂", reverse("repairs:suggest") + "?description=x",
                reverse("repairs:room_lookup") + "?room=3", reverse("repairs:room_lookup") + "?room=999",
                reverse("repairs:price_edit", args=[tap.pk]), reverse("workflow:case_detail", args=[o1.case.pk]),
                reverse("workflow:case_detail", args=[o4.case.pk]), reverse("notify:inbox") if False else reverse("repairs:list")]:
        check(c, url)
    post(c, reverse("repairs:create"), {"place_kind": "room", "room": "999", "description": ""})
    post(c, reverse("repairs:act", args=[o1.pk, "dispatch"]), {})
    post(c, reverse("repairs:act", args=[o1.pk, "cancel"]), {})
    post(c, reverse("repairs:prices"), {"name": "", "price": "abc"})
    post(c, reverse("repairs:act", args=[o1.pk, "comment"]), {"note": "hello"})
    c = in_english(login("tech"))
    post(c, reverse("repairs:act", args=[o1.pk, "grab"]), {})
    post(c, reverse("repairs:act", args=[o1.pk, "accept"]), {})
    post(c, reverse("repairs:act", args=[o1.pk, "arrive"]), {})
    post(c, reverse("repairs:act", args=[o1.pk, "complete"]), {"diagnosis": ""})
    c = in_english(login("owner"))
    post(c, reverse("repairs:my_new"), {"description": ""})
    post(c, reverse("repairs:my_act", args=[o3.pk, "reject"]), {"note": ""})
    post(c, reverse("repairs:my_act", args=[o3.pk, "confirm"]), {"amount": "1.00"})
    post(c, reverse("repairs:my_act", args=[o3.pk, "comment"]), {"note": "hi"})
    check(c, reverse("notify:inbox") if False else reverse("repairs:my_list"))
    for u in ("agent", "tech", "owner", "head"):
        check(in_english(login(u)), reverse("notify:inbox"))
    import re
    seen = {}
    for url, (real, allx) in problems.items():
        for s in real:
            for run in re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+", s):
                seen.setdefault(run, (url, s))
    for run, (url, s) in seen.items():
        print("!!", run, "|", url, "|", s)
