"""INTAKE-09: the property-management premises are sized at a set proportion of the project's
total floor area. The manual gives no figure: each project records the proportion its contract
or local regulation sets, and the design review cannot end while the premises fall short."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.handover.test_intervention import act, people, project, ready, review, status
from tests.handover.test_intervention import frozen as frozen
from wuye.core.exceptions import Conflict
from wuye.handover.models import HandoverProject
from wuye.handover.services import intervention as svc

__all__ = ["people", "project"]  # fixtures


def _figures(project) -> tuple:
    project = HandoverProject.objects.get(pk=project.pk)
    return (project.total_floor_area, project.premises_area, project.premises_ratio,
            project.intervention_case.status)  # fmt: skip


def _to_review(w, project):
    ready(w, project)
    act(w, project, "start_design_review")
    review(w, project)


def test_too_small_premises_keep_the_design_review_open__INTAKE_09(people, project):
    w = people
    _to_review(w, project)
    # 56000 ㎡ × 0.4 % = 224 ㎡ required; 200 ㎡ is short.
    svc.premises_area_set(project=project, total_floor_area="56000", premises_area="200",
                          premises_ratio="0.4", by=w.lead.user)  # fmt: skip
    before = _figures(project)
    with pytest.raises(Conflict) as refused:
        act(w, project, "start_construction")
    message = refused.value.message
    assert "物业管理用房面积" in message and "224.00" in message and "INTAKE" not in message
    assert _figures(project) == before and status(project) == "design_review"
    svc.premises_area_set(project=project, total_floor_area="56000", premises_area="224",
                          premises_ratio="0.4", by=w.lead.user)  # fmt: skip
    act(w, project, "start_construction")
    assert status(project) == "construction"


def test_a_set_ratio_needs_both_areas__INTAKE_09(people, project):
    w = people
    _to_review(w, project)
    svc.premises_area_set(project=project, total_floor_area="56000", premises_ratio="0.4",
                          by=w.lead.user)  # fmt: skip
    with pytest.raises(Conflict) as refused:
        act(w, project, "start_construction")
    assert "物业管理用房面积" in refused.value.message
    assert status(project) == "design_review"


def test_without_a_ratio_the_areas_are_not_checked__INTAKE_09(people, project):
    w = people
    _to_review(w, project)
    svc.premises_area_set(project=project, total_floor_area="56000", premises_area="1",
                          by=w.lead.user)  # fmt: skip
    assert svc.premises_check(HandoverProject.objects.get(pk=project.pk))["ok"] is None
    act(w, project, "start_construction")
    assert status(project) == "construction"


@pytest.mark.parametrize(
    ("field", "value"),
    [("premises_ratio", "0"), ("premises_ratio", "100.5"), ("premises_ratio", "abc"),
     ("premises_area", "-3"), ("premises_area", "12.345"), ("total_floor_area", "0")],
)  # fmt: skip
def test_bad_figures_are_refused_and_change_nothing__INTAKE_09(people, project, field, value):
    w = people
    before = _figures(project)
    values = {"total_floor_area": "56000", "premises_area": "300", "premises_ratio": "0.4"}
    values[field] = value
    with pytest.raises(ValidationError) as refused:
        svc.premises_area_set(project=project, **values, by=w.lead.user)
    assert field in refused.value.message_dict
    assert _figures(project) == before


def test_only_a_lead_sets_the_figures__INTAKE_09(people, project):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.premises_area_set(project=project, premises_ratio="0.4", by=people.tech.user)
    assert _figures(project)[2] is None


def test_the_project_page_edits_and_shows_the_proportion__INTAKE_09(people, project, login):
    client = login("enghead")
    url = reverse("handover:premises", args=[project.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"total_floor_area": "56000", "premises_area": "200",
                            "premises_ratio": "120"})  # fmt: skip
    assert bad.status_code == 400 and "物业用房配置比例" in bad.content.decode()
    assert _figures(project)[2] is None
    r = client.post(url, {"total_floor_area": "56000", "premises_area": "200",
                          "premises_ratio": "0.4"})  # fmt: skip
    assert r.status_code == 302
    page = client.get(reverse("handover:project_detail", args=[project.pk])).content.decode()
    assert "224.00 ㎡" in page and "面积不达标" in page and "INTAKE" not in page
    client.post(url, {"total_floor_area": "56000", "premises_area": "230",
                      "premises_ratio": "0.4"})  # fmt: skip
    page = client.get(reverse("handover:project_detail", args=[project.pk])).content.decode()
    assert "面积达标" in page and "面积不达标" not in page


def test_the_api_edits_the_same_figures__INTAKE_09(people, project, client):
    from wuye.core.services import api_token_issue

    token, _ = api_token_issue(user=people.lead.user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    path = f"/api/v1/handover/projects/{project.pk}/premises"
    r = client.patch(path, {"premises_ratio": "150"}, content_type="application/json", **auth)
    assert r.status_code == 400 and "premises_ratio" in r.json()["error"]["fields"]
    assert _figures(project)[2] is None
    r = client.patch(path, {"premises_area": "200", "premises_ratio": 0.4},
                     content_type="application/json", **auth)  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total_floor_area"] == "56000.00" and body["required_area"] == "224.00"
    assert body["meets_ratio"] is False and "224.00" in body["problem"]
    assert _figures(project)[1:3] == (Decimal("200.00"), Decimal("0.400"))
    tech = {"HTTP_AUTHORIZATION": f"Bearer {api_token_issue(user=people.tech.user)[0]}"}
    r = client.patch(path, {"premises_ratio": None}, content_type="application/json", **tech)
    assert r.status_code == 403 and _figures(project)[2] == Decimal("0.400")
    assert client.get(path, **tech).json()["meets_ratio"] is False
