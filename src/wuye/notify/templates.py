"""Message templates: what each kind of message says, in Chinese (the msgids); English comes
from the catalogue.

A template is rendered once, when the message is enqueued, in the recipient's language, with
``%(name)s`` placeholders filled from the caller's context. Every kind of message of every app
has its entry in ``TEMPLATES`` below, so all the wording is in one file. SMS and the inbox send
the body; email sends subject and body.

Context values: a datetime is shown as ``2026-11-26 14:05`` in the estate's time zone, a date
as ``2026-11-26``; anything else as ``str()`` (lazy translations in the recipient's language).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MessageTemplate:
    subject: str | Promise
    body: str | Promise


TEMPLATES: dict[str, MessageTemplate] = {
    # A free text (announcements, a person writing to a person): the caller gives both parts,
    # already in the words it wants; they are data, not translated.
    "notice": MessageTemplate(subject="%(title)s", body="%(body)s"),
    # The engine: context number, title (and due_at, rule for the clocks).
    "case_assigned": MessageTemplate(
        subject=_("新工单 %(number)s"),
        body=_("您有一张新工单 %(number)s「%(title)s」，请及时处理。"),
    ),
    "sla_warning": MessageTemplate(
        subject=_("工单即将超时 %(number)s"),
        body=_("工单 %(number)s「%(title)s」的时限将于 %(due_at)s 到期，请尽快处理。"),
    ),
    "sla_breached": MessageTemplate(
        subject=_("工单已超时 %(number)s"),
        body=_("工单 %(number)s「%(title)s」的时限已于 %(due_at)s 超时，请立即处理。"),
    ),
    # Repairs: what the resident is told (context number, title; technician for dispatch).
    "repair_dispatched": MessageTemplate(
        subject=_("报修已派单 %(number)s"),
        body=_("您的报修 %(number)s「%(title)s」已安排维修人员 %(technician)s，请保持电话畅通。"),
    ),
    "repair_arrived": MessageTemplate(
        subject=_("维修人员已到达 %(number)s"),
        body=_("维修人员已到达现场处理您的报修 %(number)s「%(title)s」。"),
    ),
    "repair_completed": MessageTemplate(
        subject=_("维修已完成，请验收 %(number)s"),
        body=_("您的报修 %(number)s「%(title)s」已维修完成，请在“我的报修”中确认验收或提出问题。"),
    ),
    "repair_rejected": MessageTemplate(
        subject=_("业主验收未通过 %(number)s"),
        body=_("报修 %(number)s「%(title)s」业主验收未通过：%(reason)s。请尽快处理。"),
    ),
    "repair_auto_closed": MessageTemplate(
        subject=_("报修已关闭 %(number)s"),
        body=_(
            "您的报修 %(number)s「%(title)s」完工后 %(days)s 天未验收，已自动关闭。"
            "如仍有问题请重新报修。"
        ),
    ),
    "repair_comment": MessageTemplate(
        subject=_("报修有新留言 %(number)s"),
        body=_("报修 %(number)s「%(title)s」有新留言：%(note)s"),
    ),
    # A low revisit score: customer service follows up (context number, title, scores).
    "repair_follow_up": MessageTemplate(
        subject=_("回访低分待跟进 %(number)s"),
        body=_(
            "报修 %(number)s「%(title)s」回访评分偏低（满意度 %(satisfaction)s，"
            "维修质量 %(quality)s，服务态度 %(attitude)s），已生成跟进工单 %(follow_up)s，请跟进。"
        ),
    ),
    # Complaints (context number, title).
    "complaint_assigned": MessageTemplate(
        subject=_("新投诉待处理 %(number)s"),
        body=_("投诉 %(number)s「%(title)s」已分派给%(department)s，请在时限内处理并记录进展。"),
    ),
    "complaint_approval": MessageTemplate(
        subject=_("重大投诉待审批 %(number)s"),
        body=_("重大投诉 %(number)s「%(title)s」的处理结果已提交，请审批。"),
    ),
    "complaint_sent_back": MessageTemplate(
        subject=_("投诉处理结果被退回 %(number)s"),
        body=_("投诉 %(number)s「%(title)s」的处理结果未获批准：%(reason)s。请重新处理。"),
    ),
    "complaint_replied": MessageTemplate(
        subject=_("您的投诉已回复 %(number)s"),
        body=_("您的投诉 %(number)s 已处理：%(reply)s"),
    ),
    # Fees (FEE-05): the time, the amount and the channels (context room, amount, due).
    "bill_notice": MessageTemplate(
        subject=_("缴费通知 %(room)s"),
        body=_(
            "您的房屋 %(room)s 有待缴费用 ¥%(amount)s，请于 %(due)s 前缴纳。"
            "可通过微信支付、支付宝、银行转账或到物业服务中心（现金、POS刷卡）缴纳。"
        ),
    ),
    # FEE-10: the Payment Reminder Notice (context room, amount, since), courteous (FEE-13).
    "dunning_reminder": MessageTemplate(
        subject=_("催缴通知书 %(room)s"),
        body=_(
            "尊敬的业主：您的房屋 %(room)s 自 %(since)s 起有物业费用 ¥%(amount)s 尚未缴纳。"
            "如已缴纳请忽略本通知；如有疑问请联系物业服务中心，感谢您的理解与支持。"
        ),
    ),
    # FEE-06: the invoice a payer asked for is issued (context title, amount, number).
    "invoice_issued": MessageTemplate(
        subject=_("发票已开具 %(number)s"),
        body=_("您申请的发票（%(title)s，¥%(amount)s）已开具，发票号码 %(number)s。"),
    ),
    # MOVEIN-03: the move-in notice (context estate, building, start, end, place, documents, fees).
    "move_in_notice": MessageTemplate(
        subject=_("入住通知：%(building)s"),
        body=_(
            "尊敬的业主：您好！%(estate)s%(building)s定于 %(start)s 至 %(end)s "
            "在%(place)s办理入住。请携带：%(documents)s。需缴费用：%(fees)s。"
        ),
    ),
    # MOVEIN-11: a need learned at the follow-up visit, for the department (context number,
    # room, name, need).
    "move_in_need": MessageTemplate(
        subject=_("入住回访需求 %(number)s"),
        body=_("%(room)s 业主%(name)s：%(need)s，请及时处理。"),
    ),
    # MOVEIN-01: the order department guides the vehicles on the move-in days.
    "move_in_guidance": MessageTemplate(
        subject=_("入住车辆引导 %(number)s"),
        body=_("%(need)s。"),
    ),
    # INTAKE-08: the pre-intervention report went to the developer and the executives
    # (context estate, developer).
    "intervention_report": MessageTemplate(
        subject=_("《前期介入报告》已提交：%(estate)s"),
        body=_(
            "%(estate)s 的前期介入已完成总结，《前期介入报告》已提交开发企业（%(developer)s）"
            "与企业高层，请查阅。"
        ),
    ),
    # One message for many cases escalated in the same sweep (context count, numbers).
    "sla_warning_digest": MessageTemplate(
        subject=_("%(count)s 张工单即将超时"),
        body=_("以下 %(count)s 张工单的时限即将到期，请尽快处理：%(numbers)s"),
    ),
    "sla_breached_digest": MessageTemplate(
        subject=_("%(count)s 张工单已超时"),
        body=_("以下 %(count)s 张工单已超时，请立即处理：%(numbers)s"),
    ),
}


def get_template(key: str) -> MessageTemplate:
    try:
        return TEMPLATES[key]
    except KeyError:
        raise ValueError(f"unknown message template {key!r}") from None


def format_value(value: Any, tz: dt.tzinfo) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, tz)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def render(
    key: str, context: dict[str, Any], *, language: str, time_zone: str | None = None
) -> tuple[str, str]:
    """Subject and body of a template in a language. A missing context key is a ValueError:
    the caller's bug, found in its tests, never a half-filled message."""
    template = get_template(key)
    tz = zoneinfo.ZoneInfo(time_zone) if time_zone else timezone.get_default_timezone()
    with translation.override(language):
        values = {name: format_value(value, tz) for name, value in context.items()}
        try:
            subject = str(template.subject) % values
            body = str(template.body) % values
        except KeyError as exc:
            raise ValueError(
                f"message template {key!r} needs context key {exc.args[0]!r}"
            ) from None
    # A subject is one line.
    return " ".join(subject.split())[:200], body
