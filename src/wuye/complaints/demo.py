"""Demo complaints in 阳光花园, at every step of the loop, made through the services."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from wuye.complaints.services import complaints as services

REPLY = (
    "{name}您好，给您带来不便，我们深表歉意。{resolution}。改进措施：{measure}。"
    "我们会尽力做好后续服务，感谢您的监督。"
)


def load_complaints_demo(estates) -> int:
    """A dozen complaints of the last weeks in the first estate. Returns how many."""
    User = get_user_model()
    estate = estates[0]
    agent, cs_head, eng_head, owner = (
        User.objects.get(username=u) for u in ("agent", "cs_head", "eng_head", "owner")
    )
    now = timezone.now()
    rooms = list(estate.rooms.order_by("id")[20:40])

    def receive(content, kind, hours_ago, urgency="general", by=agent, room=None, **kw):
        return services.complaint_create(
            estate=estate, content=content, contact_name=kw.pop("name", "业主"),
            contact_phone="13800138000", channel=kw.pop("channel", "phone"), type=kind,
            urgency=urgency, room=room, received_at=now - dt.timedelta(hours=hours_ago),
            by=by, **kw,
        )  # fmt: skip

    def act(c, action, user, **kw):
        return services.complaint_act(complaint=c, action=action, by=user, **kw)

    made = []
    made.append(receive("3栋电梯这周已经停了两次，老人上下楼很不方便", "engineering_quality", 0.3,
                        room=rooms[0]))  # fmt: skip
    made.append(receive("楼上装修噪音太大，中午也不停", "management", 2, room=rooms[1]))
    c = receive("家里漏水，楼上一直渗下来", "engineering_quality", 5, "urgent", room=rooms[2])
    act(c, "assign", agent, data={"department": "engineering"}, assignee=eng_head)
    act(c, "progress", eng_head, note="已上门查看，楼上卫生间防水层破损，已联系楼上业主")
    made.append(c)
    c = receive("物业费账单多收了一个月", "fees", 30, room=rooms[3])
    act(c, "assign", agent, data={"department": "finance"})
    made.append(c)
    # Resolved and replied; one rated, one archived from the phone call.
    for n, (text, kind, dept, score) in enumerate([
        ("夜班保安态度恶劣", "service_attitude", "order", 4),
        ("小区南门路灯坏了一周没人修", "engineering_quality", "engineering", None),
        ("垃圾桶满了没人清理，有异味", "management", "environment", 3),
    ]):  # fmt: skip
        c = receive(text, kind, 70 + n * 24, room=rooms[4 + n])
        head = User.objects.filter(staff__department__kind=dept, staff__role="department_head")
        head = head.first() or cs_head
        act(c, "assign", agent, data={"department": dept})
        act(c, "resolve", head, data={"resolution": "已处理并当面向业主说明",
                                      "measure": "加强每日巡查，主管每周抽查"})  # fmt: skip
        text_reply = REPLY.format(name="业主", resolution="已处理并当面向业主说明",
                                  measure="加强每日巡查，主管每周抽查")  # fmt: skip
        act(c, "reply", agent, data={"channel": "phone", "text": text_reply})
        if score:
            act(c, "archive", agent, data={"satisfaction": score, "comment": "电话回访"})
        made.append(c)
    # The demo owner's own complaint, replied in the portal: they can rate or reopen it.
    c = receive("1栋大堂门禁经常刷不开", "engineering_quality", 50, by=owner)
    act(c, "assign", agent, data={"department": "engineering"})
    act(c, "resolve", eng_head, data={"resolution": "更换门禁读卡模块",
                                      "measure": "门禁设备纳入每周巡检"})  # fmt: skip
    text = REPLY.format(name=owner.resident.name, resolution="已更换门禁读卡模块",
                        measure="门禁设备纳入每周巡检")  # fmt: skip
    act(c, "reply", agent, data={"channel": "app", "text": text})
    made.append(c)
    # A major complaint waiting for an executive's approval.
    c = receive("车库多次发生车辆被刮，监控看不清", "management", 26, room=rooms[8])
    act(c, "assign", agent, data={"department": "order"})
    act(c, "mark_major", cs_head, note="涉及业主财产，多次投诉")
    order_head = User.objects.get(username="order_head")
    act(c, "resolve", order_head, data={"resolution": "更换车库高清摄像头8个",
                                        "measure": "车库每2小时巡逻一次"})  # fmt: skip
    made.append(c)
    return len(made)
