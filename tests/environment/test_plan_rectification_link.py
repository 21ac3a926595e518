"""A recurring cause changes the plan (CLEAN-15, GREEN-11) on the plan's own pages: the
rectification's link opens the green area with the rectification carried through its forms, the
change made there is the plan revision the rectification needs, and it can then be closed. A
rectification of another area, or one already closed, cannot be linked."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.environment import inspect_helpers
from tests.environment.inspect_helpers import answers, at
from tests.environment.test_rectifications import done, recheck
from wuye.environment.models import GreenArea, PlanRevision
from wuye.environment.services.greening import plan_line_add
from wuye.environment.services.inspections import inspection_record
from wuye.environment.services.landscape import landscape_plan_record
from wuye.environment.services.rectifications import (
    plan_link,
    rectification_act,
    rectification_cause_set,
    rectification_needs_plan_change,
)
from wuye.environment.services.revisions import revision_record

pytestmark = pytest.mark.django_db
env = inspect_helpers.env  # the fixture


def fail_lawn(w):
    return inspection_record(
        kind="green_weekly", green_area=w.lawn, by=w.env_head.user,
        answers=answers(w.green_form, w.env_head.user, p3=2),
    ).rectification  # fmt: skip


def recurring(w, time_machine):
    first = done(w, fail_lawn(w))
    data = {"answers": answers(w.green_form), "cause_kind": "frequency", "cause": "浇水不够"}
    rectification_act(rectification=first, action="recheck_pass", by=w.env_head.user, data=data)
    time_machine.move_to(at("2026-10-09 09:30"), tick=False)
    second = done(w, fail_lawn(w))
    rectification_cause_set(rectification=second, cause_kind="frequency", cause="仍然干旱",
                            by=w.env_head.user)  # fmt: skip
    second.refresh_from_db()
    assert rectification_needs_plan_change(second)
    return second


@pytest.fixture
def planned(env):
    landscape_plan_record(estate=env.estate, by=env.env_head.user, positioning="first_home",
                          landscape_plan="乔木+草坪，开阔草坪为主。")  # fmt: skip
    return env


def test_the_area_page_carries_the_rectification_into_the_plan_change__GREEN_11(
    planned, client, time_machine
):
    w = planned
    second = recurring(w, time_machine)
    link = plan_link(second)
    assert link == f"/environment/green/areas/{w.lawn.pk}/?rectification={second.pk}" or (
        f"rectification={second.pk}" in link
    )
    client.force_login(w.env_head.user)
    page = client.get(link)
    assert page.status_code == 200
    assert second.case.number in page.content.decode()
    response = client.post(
        f"/environment/greening/areas/{w.lawn.pk}/lines/new/",
        {"work": "water", "season": "autumn", "reason": "秋季干旱，增加浇水",
         "rectification": str(second.pk)},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = PlanRevision.objects.get(rectification=second)
    assert revision.green_area == w.lawn and "秋季干旱" in revision.reason
    second.refresh_from_db()
    assert not rectification_needs_plan_change(second)
    data = {"answers": answers(w.green_form)}
    closed = rectification_act(rectification=second, action="recheck_pass", by=w.env_head.user,
                               data=data)  # fmt: skip
    assert closed.case.status == "closed"


def test_a_plan_change_cannot_answer_another_areas_or_a_closed_rectification__CLEAN_15(
    planned, time_machine
):
    w = planned
    second = recurring(w, time_machine)
    shrubs = GreenArea.objects.create(estate=w.estate, name="红叶石楠绿篱", kind="shrub",
                                      created_at=at("2026-07-01"))  # fmt: skip
    shrubs.gardeners.add(w.gardener)
    with pytest.raises(ValidationError) as error:
        plan_line_add(area=shrubs, by=w.env_head.user, work="water", season="autumn",
                      reason="干旱", rectification=second)  # fmt: skip
    assert "rectification" in error.value.message_dict
    assert not PlanRevision.objects.filter(rectification=second).exists()
    assert not shrubs.plan_lines.exists()  # nothing written
    # A closed one: the cleaning zone's rectification, re-checked and closed.
    other = done(w, inspection_record(
        kind="patrol", zone=w.lobby, by=w.env_head.user,
        answers=answers(w.clean_form, w.env_head.user, p2=3),
    ).rectification)  # fmt: skip
    other = recheck(w, other, cause_kind="method", cause="抹布未分色")
    assert other.closed_at is not None
    with pytest.raises(ValidationError):
        revision_record(estate=w.estate, zone=w.lobby, reason="改用分色抹布", changes={},
                        by=w.env_head.user, rectification=other)  # fmt: skip
