"""Checklist templates (检查表): created, edited, items added / edited / reordered / removed,
deactivated, copied — by executives and department heads only; company-wide ones by executives;
an edit never changes a completed record (EQUIP-MAINT-07). Service, API and pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from tests.fieldwork.checks_helpers import auth, checklist, eng_head
from wuye.fieldwork.models import Checklist, ChecklistItem
from wuye.fieldwork.services import checklists as services

API = "/api/v1"
ITEMS = [
    {"label": "制动器检查", "kind": "check"},
    {"label": "电机温度", "kind": "reading", "unit": "℃", "low": "10", "high": "80"},
    {"label": "机房照片", "kind": "photo", "required": False},
]


def labels(c: Checklist) -> list[str]:
    return list(c.items.order_by("position").values_list("label", flat=True))


# --- Services -----------------------------------------------------------------------------------


def test_a_department_head_creates_edits_and_orders_items(world):
    head = eng_head(world).user
    c = services.checklist_create(name="水泵房巡查", kind="patrol", by=head, estate=world.estate,
                                  source="设备说明书", items=ITEMS)  # fmt: skip
    assert labels(c) == ["制动器检查", "电机温度", "机房照片"]
    reading = c.items.get(kind="reading")
    assert (reading.low, reading.high, reading.unit) == (Decimal("10"), Decimal("80"), "℃")
    note = services.checklist_item_add(checklist=c, by=head, label="其他", kind="note",
                                       required=False)  # fmt: skip
    assert note.position == 4
    ids = list(c.items.order_by("position").values_list("pk", flat=True))
    services.checklist_items_reorder(checklist=c, order=ids[::-1], by=head)
    assert labels(c) == ["其他", "机房照片", "电机温度", "制动器检查"]
    services.checklist_item_remove(item=c.items.get(label="机房照片"), by=head)
    assert list(c.items.order_by("position").values_list("position", flat=True)) == [1, 2, 3]
    services.checklist_item_update(item=reading, by=head, high="85.5")
    reading.refresh_from_db()
    assert reading.high == Decimal("85.5")
    services.checklist_update(checklist=c, by=head, name="水泵房日常巡查", source="")
    c.refresh_from_db()
    assert c.name == "水泵房日常巡查" and c.source == ""
    services.checklist_set_active(checklist=c, active=False, by=head)
    c.refresh_from_db()
    assert not c.active


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"label": "", "kind": "check"}, "label"),
        ({"label": "x", "kind": "gauge"}, "kind"),
        ({"label": "x", "kind": "check", "low": 1}, "kind"),  # only a reading has a range
        ({"label": "x", "kind": "reading", "low": 9, "high": 1}, "high"),
        ({"label": "x", "kind": "reading", "low": "abc"}, "low"),
        ({"label": "x", "kind": "reading", "high": "1e15"}, "high"),
        ({"label": "x", "kind": "reading", "high": "1.2345"}, "high"),
        ({"label": "x" * 201, "kind": "check"}, "label"),
    ],
)
def test_bad_items_are_refused_field_by_field_and_change_nothing(world, fields, field):
    head = eng_head(world).user
    c = checklist(world)
    before = labels(c)
    with pytest.raises(ValidationError) as error:
        services.checklist_item_add(checklist=c, by=head, **fields)
    assert field in error.value.message_dict
    assert labels(c) == before


def test_a_bad_reorder_is_refused(world):
    head = eng_head(world).user
    c = checklist(world)
    ids = list(c.items.values_list("pk", flat=True))
    for order in (ids[:-1], [*ids, ids[0]], [*ids[:-1], 999999]):
        with pytest.raises(ValidationError):
            services.checklist_items_reorder(checklist=c, order=order, by=head)
    assert labels(c) == ["制动器检查", "电机温度", "机房照片", "其他情况"]


def test_only_executives_and_department_heads_write(world):
    for user in (world.tech.user, world.agent.user):
        with pytest.raises(PermissionDenied):
            services.checklist_create(name="x", kind="patrol", by=user, estate=world.estate)
    with pytest.raises(Http404):
        services.checklist_create(name="x", kind="patrol", by=world.outsider.user,
                                  estate=world.estate)  # fmt: skip
    with pytest.raises(Http404):
        services.checklist_create(name="x", kind="patrol", by=world.owner.user,
                                  estate=world.estate)  # fmt: skip
    # A company-wide template: executives only.
    with pytest.raises(PermissionDenied):
        services.checklist_create(name="x", kind="patrol", by=world.head.user)
    c = services.checklist_create(name="消防月检", kind="fire_check", by=world.exec.user)
    assert c.estate is None and c.company == world.company
    with pytest.raises(PermissionDenied):
        services.checklist_item_add(checklist=c, by=world.head.user, label="x", kind="check")
    assert not Checklist.objects.filter(name="x").exists()


def test_a_copy_has_the_same_items_and_is_its_own(world):
    head = eng_head(world).user
    c = checklist(world)
    copy = services.checklist_copy(checklist=c, by=head, estate=world.estate)
    assert copy.pk != c.pk and copy.name == "电梯半月保养（副本）"
    assert labels(copy) == labels(c)
    services.checklist_item_remove(item=copy.items.first(), by=head)
    assert len(labels(c)) == 4
    with pytest.raises(Http404):
        services.checklist_copy(checklist=c, by=world.outsider.user, estate=world.other_estate)


# --- API ----------------------------------------------------------------------------------------


def test_api_create_read_edit_reorder_remove_copy(client, world):
    head = eng_head(world).user
    r = client.post(f"{API}/fieldwork/checklists", {"name": "电梯半月保养", "kind": "maintenance",
                    "estate": world.estate.pk, "items": ITEMS}, content_type="application/json",
                    **auth(head))  # fmt: skip
    assert r.status_code == 201, r.content
    c = r.json()
    assert [i["label"] for i in c["items"]] == ["制动器检查", "电机温度", "机房照片"]
    url = f"{API}/fieldwork/checklists/{c['id']}"
    r = client.post(f"{url}/items", {"label": "钢丝绳润滑", "kind": "check"},
                    content_type="application/json", **auth(head))  # fmt: skip
    assert r.status_code == 201 and r.json()["position"] == 4
    item = r.json()["id"]
    r = client.patch(f"{API}/fieldwork/checklist-items/{item}", {"required": False},
                     content_type="application/json", **auth(head))  # fmt: skip
    assert r.status_code == 200 and r.json()["required"] is False
    ids = [i["id"] for i in client.get(url, **auth(head)).json()["items"]]
    r = client.post(f"{url}/reorder", {"items": [item, *ids[:-1]]},
                    content_type="application/json", **auth(head))  # fmt: skip
    assert r.status_code == 200 and r.json()["items"][0]["label"] == "钢丝绳润滑"
    r = client.post(f"{url}/reorder", {"items": [item]}, content_type="application/json",
                    **auth(head))  # fmt: skip
    assert r.status_code == 400
    assert client.delete(f"{API}/fieldwork/checklist-items/{item}", **auth(head)).status_code == 204
    r = client.patch(url, {"name": "电梯保养", "source": "《电梯维护保养规则》"},
                     content_type="application/json", **auth(head))  # fmt: skip
    assert r.json()["name"] == "电梯保养"
    r = client.post(f"{url}/copy", {"estate": world.estate.pk}, content_type="application/json",
                    **auth(head))  # fmt: skip
    assert r.status_code == 201 and len(r.json()["items"]) == 3
    assert client.post(f"{url}/deactivate", **auth(head)).json()["active"] is False
    r = client.get(f"{API}/fieldwork/checklists?active=false", **auth(world.tech.user))
    assert r.json()["count"] == 1 and r.json()["items"][0]["items"] == 3
    assert client.post(f"{url}/activate", **auth(head)).json()["active"] is True


def test_api_errors_and_scope(client, world):
    c = checklist(world)
    url = f"{API}/fieldwork/checklists/{c.pk}"
    assert client.get(url, **auth(world.outsider.user)).status_code == 404
    assert client.get(url, **auth(world.owner.user)).status_code == 404
    assert client.get(f"{API}/fieldwork/checklists", **auth(world.owner.user)).json()["count"] == 0
    r = client.post(f"{url}/items", {"label": "x", "kind": "check"},
                    content_type="application/json", **auth(world.tech.user))  # fmt: skip
    assert r.status_code == 403
    r = client.post(f"{url}/items", {"label": "x", "kind": "reading", "low": 5, "high": 1},
                    content_type="application/json", **auth(world.head.user))  # fmt: skip
    assert r.status_code == 400 and "high" in r.json()["error"]["fields"]
    r = client.post(f"{API}/fieldwork/checklists", {"name": "x", "kind": "Bad Kind",
                    "estate": world.estate.pk}, content_type="application/json",
                    **auth(world.head.user))  # fmt: skip
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = client.post(f"{API}/fieldwork/checklists", {"name": "x", "kind": "patrol",
                    "estate": world.other_estate.pk}, content_type="application/json",
                    **auth(world.head.user))  # fmt: skip
    assert r.status_code == 404
    item = c.items.first()
    assert client.delete(f"{API}/fieldwork/checklist-items/{item.pk}",
                         **auth(world.outsider.user)).status_code == 404  # fmt: skip
    assert ChecklistItem.objects.filter(pk=item.pk).exists()


# --- Pages --------------------------------------------------------------------------------------


def test_the_list_filters_and_the_editor_writes(login, world):
    eng_head(world)
    c = checklist(world)
    checklist(world, kind="patrol", name="夜间巡逻")
    client = login("enghead")
    r = client.get(reverse("fieldwork:checklist_list"), {"kind": "patrol"})
    assert r.status_code == 200 and "夜间巡逻" in r.content.decode()
    assert "电梯半月保养" not in r.content.decode()
    r = client.get(reverse("fieldwork:checklist_detail", args=[c.pk]))
    assert r.status_code == 200 and "添加检查项" in r.content.decode()
    r = client.post(reverse("fieldwork:checklist_item_add", args=[c.pk]),
                    {"label": "油位", "kind": "reading", "unit": "mm", "low": "5", "high": "20",
                     "required": "on"})  # fmt: skip
    assert r.status_code == 302 and labels(c)[-1] == "油位"
    r = client.post(reverse("fieldwork:checklist_item_add", args=[c.pk]),
                    {"label": "坏的", "kind": "reading", "low": "20", "high": "5"})  # fmt: skip
    assert r.status_code == 400 and "上限不能小于下限" in r.content.decode()
    assert "坏的" in r.content.decode()  # the input is kept
    last = c.items.get(label="油位")
    client.post(reverse("fieldwork:checklist_item_move", args=[last.pk]), {"direction": "up"})
    assert labels(c)[-2] == "油位"
    client.post(
        reverse("fieldwork:checklist_item_edit", args=[last.pk]),
        {"label": "油位（mm）", "kind": "reading", "unit": "mm", "low": "5", "high": "25"},
    )
    assert c.items.get(pk=last.pk).high == 25
    client.post(reverse("fieldwork:checklist_item_remove", args=[last.pk]))
    assert "油位（mm）" not in labels(c)
    client.post(reverse("fieldwork:checklist_active", args=[c.pk]), {"active": "0"})
    c.refresh_from_db()
    assert not c.active
    r = client.post(reverse("fieldwork:checklist_copy", args=[c.pk]))
    assert r.status_code == 302 and Checklist.objects.filter(name="电梯半月保养（副本）").exists()
    r = client.post(reverse("fieldwork:checklist_create"), {"name": "", "kind": "patrol"})
    assert r.status_code == 400 and "请填写名称" in r.content.decode()
    r = client.post(reverse("fieldwork:checklist_create"), {"name": "配电房巡查", "kind": "patrol"})
    assert r.status_code == 302 and Checklist.objects.get(name="配电房巡查").estate == world.estate


def test_pages_scope_and_roles(login, world):
    c = checklist(world)
    assert login("outsider").get(reverse("fieldwork:checklist_detail", args=[c.pk])
                                 ).status_code == 404  # fmt: skip
    assert login("owner").get(reverse("fieldwork:checklist_list")).status_code == 403
    client = login("tech")
    r = client.get(reverse("fieldwork:checklist_detail", args=[c.pk]))
    assert r.status_code == 200 and "添加检查项" not in r.content.decode()
    r = client.post(reverse("fieldwork:checklist_item_add", args=[c.pk]),
                    {"label": "x", "kind": "check"})  # fmt: skip
    assert r.status_code == 403 and "x" not in labels(c)
