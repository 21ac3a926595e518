"""Reply templates (回复模板) for the desk: the text the agent starts from when telling the owner
the result (COMPLAINT-12).

Every template apologises sincerely and states the improvement measure (COMPLAINT-13) and never
promises "一定解决" (COMPLAINT-17); ``services.reply_check`` is the rule, and a test renders every
template through it. The texts stay Chinese in every UI language: they are sent to the owner, and
the rule's check reads Chinese words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wuye.complaints.models import Complaint


@dataclass(frozen=True)
class ReplyTemplate:
    key: str
    label: str | Promise
    text: str  # %(name)s, %(resolution)s, %(measure)s


TEMPLATES: tuple[ReplyTemplate, ...] = (
    ReplyTemplate(
        "general",
        _("通用"),
        "%(name)s，您好！关于您反映的问题，给您带来不便，我们深表歉意。"
        "经核实处理，%(resolution)s。"
        "我们的改进措施：%(measure)s。"
        "感谢您的监督，如仍有不满意之处，欢迎随时联系客服中心，我们会尽力解决。",
    ),
    ReplyTemplate(
        "engineering",
        _("工程维修"),
        "%(name)s，您好！您反映的设施设备问题给您的生活带来了不便，我们真诚地向您道歉。"
        "工程部已到现场处理：%(resolution)s。"
        "为避免同类问题再次发生，我们的改进措施是：%(measure)s。"
        "后续如发现异常，请随时告诉我们，我们会尽力解决。",
    ),
    ReplyTemplate(
        "fees",
        _("费用说明"),
        "%(name)s，您好！对于收费问题给您造成的困扰，我们深表歉意。"
        "经财务部核对：%(resolution)s。"
        "我们的改进措施：%(measure)s，收费标准和明细可在物业服务中心查阅。"
        "如您对费用仍有疑问，欢迎来电或到客服中心咨询，我们会尽力为您说明清楚。",
    ),
    ReplyTemplate(
        "attitude",
        _("服务态度"),
        "%(name)s，您好！对于工作人员服务不周给您带来的不愉快，我们诚恳地向您道歉。"
        "经调查，%(resolution)s。"
        "我们的改进措施：%(measure)s。"
        "感谢您的批评指正，我们会加强培训、改进服务，欢迎您继续监督。",
    ),
)
BY_KEY = {t.key: t for t in TEMPLATES}
# The template an agent starts from for each complaint type.
FOR_TYPE = {
    "service_attitude": "attitude",
    "engineering_quality": "engineering",
    "fees": "fees",
}


def template_for(complaint: Complaint) -> str:
    return FOR_TYPE.get(complaint.type, "general")


def _sentence(text: str) -> str:
    """A resolution or measure inside a sentence: trimmed, without its own closing stop."""
    return " ".join((text or "").split()).rstrip("。.；;，,")


def render_reply(key: str, complaint: Complaint) -> str:
    """The template's text for this complaint (the complainant's name, its resolution and its
    improvement measure filled in); an unknown key gives the general template."""
    template = BY_KEY.get(key) or BY_KEY["general"]
    return template.text % {
        "name": complaint.contact_name or "业主",
        "resolution": _sentence(complaint.resolution) or "（处理结果）",
        "measure": _sentence(complaint.measure) or "（改进措施）",
    }
