"""Gardeners' skills (GREEN-14): trainings as certificates, the skills table's states."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from wuye.environment.selectors.green import skills_table
from wuye.environment.services.skills import SKILL_KINDS, training_record
from wuye.fieldwork.models import Certificate

from . import green_helpers

pytestmark = pytest.mark.django_db
green = green_helpers.green  # the fixture


def test_a_training_is_one_certificate_per_attendee_valid_a_year__GREEN_14(green):
    first = training_record(
        estate=green.estate, by=green.env_head.user, topic="常见病虫害识别",
        held_on=dt.date(2028, 2, 29), trainer="植保站王工", attendees=[green.wang, green.liu],
    )  # fmt: skip
    assert first.number == "PX-YG-20280229-01"
    assert first.expires_on == dt.date(2029, 2, 27)  # a year from a leap day, inclusive
    assert {c.staff for c in first.certificates} == {green.wang, green.liu}
    assert all(c.issued_on == dt.date(2028, 2, 29) for c in first.certificates)
    second = training_record(
        estate=green.estate, by=green.env_head.user, topic="修剪技术",
        held_on=dt.date(2028, 2, 29), trainer="李工", attendees=[green.wang],
    )  # fmt: skip
    assert second.number == "PX-YG-20280229-02"
    assert "修剪技术" in second.certificates[0].issuer


def test_training_refuses_bad_input_and_non_leads__GREEN_14(green):
    with pytest.raises(ValidationError) as error:
        training_record(
            estate=green.estate, by=green.env_head.user, topic=" ", held_on=dt.date(2026, 11, 1),
            trainer="", attendees=[green.far_gardener],
        )  # fmt: skip
    assert set(error.value.message_dict) == {"topic", "trainer", "attendees"}
    with pytest.raises(PermissionDenied):
        training_record(
            estate=green.estate, by=green.liu.user, topic="修剪", held_on=dt.date(2026, 11, 1),
            trainer="李工", attendees=[green.liu],
        )  # fmt: skip
    assert not Certificate.objects.filter(kind="training").exists()


def test_skills_table_marks_valid_expiring_expired_and_missing__GREEN_14(green):
    green_helpers.plant_protection(green, green.wang, expires_on=dt.date(2026, 12, 10))
    today = dt.date(2026, 11, 17)
    rows = {row.staff.name: row for row in skills_table(green.estate, today, SKILL_KINDS)}
    liu = {c.kind: c.state for c in rows["刘师傅"].cells}
    wang = {c.kind: c.state for c in rows["小王"].cells}
    assert liu == {"gardener": "missing", "plant_protection": "valid", "training": "missing"}
    assert wang["plant_protection"] == "expiring"
    later = {
        r.staff.name: r for r in skills_table(green.estate, dt.date(2026, 12, 11), SKILL_KINDS)
    }
    assert {c.kind: c.state for c in later["小王"].cells}["plant_protection"] == "expired"
    assert "陈师傅" not in rows  # another estate's gardener
