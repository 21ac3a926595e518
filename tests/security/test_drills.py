"""Fire drills (FIRE-13): planned, carried out with participants, photos, a summary and the
evacuation checklist; the 1 November flag to the executives, once, across a year boundary."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.images import photo_of
from tests.security.fireevents_helpers import REQUIRED_CHECKLIST, at, fire_world
from wuye.core.exceptions import Conflict
from wuye.core.scoping import actor_for
from wuye.notify.models import Message
from wuye.security.selectors.drills import drill_year_summary
from wuye.security.services.drills import drill_act, drill_flag_missing, drill_plan

RECORD = {"participant_count": 36, "participants": "秩序部全体、1栋业主代表",
          "summary": "疏散用时6分钟，楼梯口指引到位", "checklist": REQUIRED_CHECKLIST}  # fmt: skip


@pytest.fixture
def fw(world):
    return fire_world(world)


def plan(w, day: dt.date, **kwargs):
    values = {"estate": w.estate, "planned_on": day, "scenario": "高层住宅火灾疏散演练",
              "organiser": w.ohead, "by": w.ohead.user}  # fmt: skip
    values.update(kwargs)
    return drill_plan(**values)


def hold(w, drill, **data):
    return drill_act(drill=drill, action="record", by=w.g1.user, data={**RECORD, **data},
                     attachments=[photo_of(w.g1.user)])  # fmt: skip


def flags(w):
    return Message.objects.filter(idempotency_key__startswith=f"fire_drill_missing:{w.estate.pk}:")


def test_a_drill_is_planned_then_recorded_with_participants_photos_and_summary__FIRE_13(fw):
    with time_machine.travel(at(2026, 5, 10, 9, 0), tick=False):
        drill = plan(fw, dt.date(2026, 5, 20))
    assert drill.case.number.startswith("YL-") and drill.case.status == "planned"
    with time_machine.travel(at(2026, 5, 20, 16, 0), tick=False):
        with pytest.raises(ValidationError) as refused:  # photos are part of the record
            drill_act(drill=drill, action="record", by=fw.g1.user, data=RECORD)
        with pytest.raises(ValidationError) as refused:
            hold(fw, drill, participants="", checklist=["escape_routes"])
        assert {"participants", "checklist"} <= set(refused.value.message_dict)
        drill = hold(fw, drill)
    assert drill.case.status == "done" and drill.held_on == dt.date(2026, 5, 20)
    assert drill.participant_count == 36 and drill.evacuation["lifts_recalled"]
    assert drill.case.events.get(action="record").attachments.count() == 1


def test_only_the_order_department_and_managers_plan_drills__FIRE_13(fw):
    with pytest.raises(PermissionDenied):
        plan(fw, dt.date(2026, 5, 20), by=fw.agent.user)
    with pytest.raises(Http404):
        plan(fw, dt.date(2026, 5, 20), by=fw.outsider.user)
    with pytest.raises(ValidationError):
        plan(fw, dt.date(2026, 5, 20), organiser=fw.outsider)


def test_executives_hear_on_1_november_of_an_estate_without_a_drill_once__FIRE_13(fw):
    with time_machine.travel(at(2025, 12, 10, 10, 0), tick=False):
        hold(fw, plan(fw, dt.date(2025, 12, 10)))  # last year's drill does not count
    with time_machine.travel(at(2026, 10, 31, 23, 59), tick=False):
        assert drill_flag_missing() == 0
    # 1 November 2026 is a Sunday: the flag is a calendar date, not a working day.
    with time_machine.travel(at(2026, 11, 1, 0, 1), tick=False):
        drill_flag_missing()
        drill_flag_missing()  # idempotent
    sent = flags(fw)
    assert list(sent.values_list("recipient__username", "channel")) == [("exec", "inbox")]
    assert "2026" in sent.get().subject
    # The other estate of the company has no drill either; it is flagged for itself.
    assert Message.objects.filter(
        idempotency_key__startswith=f"fire_drill_missing:{fw.other_estate.pk}:2026"
    ).exists()


def test_the_flag_starts_afresh_in_the_new_year__FIRE_13(fw):
    with time_machine.travel(at(2026, 11, 1, 8, 0), tick=False):
        drill_flag_missing()
    with time_machine.travel(at(2026, 12, 28, 10, 0), tick=False):
        hold(fw, plan(fw, dt.date(2026, 12, 28)))
    with time_machine.travel(at(2027, 1, 2, 8, 0), tick=False):
        drill_flag_missing()  # January: nothing yet for 2027
    assert flags(fw).count() == 1
    with time_machine.travel(at(2027, 11, 1, 8, 0), tick=False):
        drill_flag_missing()  # the 2026 drill does not count for 2027
    assert sorted(k.split(":")[2] for k in flags(fw).values_list("idempotency_key", flat=True)) == [
        "2026", "2027",
    ]  # fmt: skip


def test_an_estate_with_a_drill_done_this_year_is_not_flagged_and_counts_one_of_two__FIRE_13(fw):
    with time_machine.travel(at(2026, 6, 1, 10, 0), tick=False):
        hold(fw, plan(fw, dt.date(2026, 6, 1)))
        plan(fw, dt.date(2026, 11, 20))
    with time_machine.travel(at(2026, 11, 2, 8, 0), tick=False):
        drill_flag_missing()
    assert not flags(fw).exists()
    rows = drill_year_summary(actor=actor_for(fw.exec.user), year=2026)
    mine = next(r for r in rows if r.estate == fw.estate)
    assert (mine.done, mine.planned, mine.met, mine.target_max) == (1, 1, True, 2)


def test_a_cancelled_drill_needs_its_reason_and_cannot_be_recorded__FIRE_13(fw):
    drill = plan(fw, dt.date(2026, 5, 20))
    with pytest.raises(ValidationError):
        drill_act(drill=drill, action="cancel", by=fw.ohead.user)
    drill_act(drill=drill, action="cancel", by=fw.ohead.user, note="台风预警，改期")
    with pytest.raises(Conflict):
        hold(fw, drill)


def test_a_drill_held_in_the_national_day_holiday_counts_for_its_year__FIRE_13(fw):
    with time_machine.travel(at(2026, 10, 3, 10, 0), tick=False):  # 国庆 holiday
        hold(fw, plan(fw, dt.date(2026, 10, 3)))
    with time_machine.travel(at(2026, 11, 1, 8, 0), tick=False):
        drill_flag_missing()
    assert not flags(fw).exists()
