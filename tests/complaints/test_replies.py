"""The desk's reply templates keep the reply rules: a sincere apology and the improvement measure
(COMPLAINT-13), never a promise of "一定解决" (COMPLAINT-17)."""

import pytest

from wuye.complaints.models import Complaint
from wuye.complaints.services.complaints import FORBIDDEN_PROMISES, reply_check
from wuye.complaints.services.replies import TEMPLATES, render_reply, template_for


def sample(**kwargs) -> Complaint:
    values = {
        "contact_name": "王女士",
        "type": "engineering_quality",
        "resolution": "已更换电梯主板，试运行正常。",
        "measure": "电梯维护频率提高至每10天一次",
    }
    return Complaint(**(values | kwargs))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.key)
def test_every_template_passes_the_reply_check__COMPLAINT_13_17(template):
    complaint = sample()
    text = render_reply(template.key, complaint)
    assert reply_check(text, complaint) == []
    assert "王女士" in text and complaint.measure in text and "已更换电梯主板" in text
    assert not any(p in text for p in FORBIDDEN_PROMISES)
    assert "%(" not in text and "。。" not in text


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.key)
def test_a_template_with_its_placeholder_measure_cannot_be_sent__COMPLAINT_13(template):
    # Before the department writes its measure the template shows "（改进措施）": an apology and
    # the word, nothing the owner can hold us to. The check refuses it.
    complaint = sample(resolution="", measure="", contact_name="")
    text = render_reply(template.key, complaint)
    assert "（改进措施）" in text
    assert any("改进措施" in p for p in reply_check(text, complaint))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.key)
def test_a_template_with_its_measure_replaced_by_a_phrase_fails__COMPLAINT_13(template):
    # An agent who deletes the recorded measure and writes "我们将改进措施" is refused.
    complaint = sample()
    text = render_reply(template.key, complaint).replace(complaint.measure, "我们将改进措施")
    problems = reply_check(text, complaint)
    assert problems and complaint.measure in problems[0]


def test_the_template_follows_the_type_and_an_unknown_key_is_the_general_one():
    assert template_for(sample(type="fees")) == "fees"
    assert template_for(sample(type="service_attitude")) == "attitude"
    assert template_for(sample(type="management")) == "general"
    assert render_reply("nonsense", sample()) == render_reply("general", sample())


def test_a_measure_that_promises_too_much_is_caught__COMPLAINT_17():
    complaint = sample(measure="保证一定解决电梯问题")
    problems = reply_check(render_reply("general", complaint), complaint)
    assert any("一定解决" in p for p in problems)
