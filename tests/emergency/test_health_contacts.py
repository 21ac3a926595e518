"""The close-contact register (EMERG-HEALTH-08): only the executives and the customer-service
head; every list, detail, export and change logged; mobiles masked in lists; never in the API
or the admin; deleted by a job when the retention period after the event has passed, the
access log kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.emergency.choices import AccessAction
from wuye.emergency.models import CloseContact, ContactAccess
from wuye.emergency.services import contacts
from wuye.emergency.services.incidents import incident_act

from .health_helpers import at

pytestmark = pytest.mark.django_db


def _add(w, by=None, **kw):
    values = {"name": "赵某", "mobile": "13812345678", "room": w.room2.pk,
              "relation": "同乘电梯", "contact_on": dt.date(2026, 8, 10)}  # fmt: skip
    values.update(kw)
    return contacts.contact_create(incident=w.incident, by=(by or w.head).user, **values)


def test_only_executives_and_the_customer_service_head__EMERG_HEALTH_08(hw):
    w = hw
    row = _add(w)
    contacts.contact_list(incident=w.incident, by=w.exec.user)
    for staff in (w.agent, w.guard, w.order_head, w.tech, w.cleaner):
        with pytest.raises(PermissionDenied):
            contacts.contact_list(incident=w.incident, by=staff.user)
        with pytest.raises(PermissionDenied):
            contacts.contact_get(incident=w.incident, contact=row.pk, by=staff.user)
        with pytest.raises(PermissionDenied):
            _add(w, by=staff)
    with pytest.raises(Http404):  # another estate's staff do not even see the event
        contacts.contact_list(incident=w.incident, by=w.outsider.user)
    with pytest.raises(Http404):  # a resident neither
        contacts.contact_list(incident=w.incident, by=w.owner.user)
    assert CloseContact.objects.count() == 1


def test_every_look_and_change_is_logged_without_naming_anyone__EMERG_HEALTH_08(hw):
    w = hw
    row = _add(w)
    _add(w, name="钱某", mobile="")
    assert len(contacts.contact_list(incident=w.incident, by=w.head.user)) == 2
    contacts.contact_get(incident=w.incident, contact=row.pk, by=w.exec.user)
    contacts.contact_update(incident=w.incident, contact=row.pk, by=w.head.user,
                            relation="同一楼层")  # fmt: skip
    contacts.contacts_export_rows(incident=w.incident, by=w.exec.user)
    log = list(
        ContactAccess.objects.order_by("pk").values_list(
            "action", "user__username", "contact_ref", "count"
        )
    )
    assert log == [
        (AccessAction.CREATE, "head", row.pk, 1),
        (AccessAction.CREATE, "head", row.pk + 1, 1),
        (AccessAction.LIST, "head", None, 2),
        (AccessAction.VIEW, "exec", row.pk, 1),
        (AccessAction.UPDATE, "head", row.pk, 1),
        (AccessAction.EXPORT, "exec", None, 2),
    ]
    field_names = {f.name for f in ContactAccess._meta.get_fields()}
    assert not {"name", "mobile", "room"} & field_names


def test_input_is_checked_and_mobiles_are_masked__EMERG_HEALTH_08(hw):
    w = hw
    with pytest.raises(ValidationError) as error:
        _add(w, name="", mobile="abc", room=w.other_room.pk)
    assert {"name", "mobile", "room"} <= set(error.value.message_dict)
    assert not CloseContact.objects.exists()
    assert contacts.mask_mobile("13812345678") == "138****5678"
    assert contacts.mask_mobile("") == ""


def test_never_in_the_api_or_the_admin__EMERG_HEALTH_08(hw):
    from ninja.openapi.schema import get_schema

    from wuye.api import api

    assert CloseContact not in admin.site._registry
    api.mount_routers()
    schema = get_schema(api, path_prefix="")
    paths = " ".join(schema["paths"]).lower()
    assert "close-contact" not in paths and "close_contact" not in paths
    for name, component in schema["components"]["schemas"].items():
        fields = set(component.get("properties", {}))
        assert not {"relation", "contact_on"} <= fields, name


def _close_incident(w, when):
    incident_act(incident=w.incident, action="cancel", by=w.exec.user, note="疾控排除")
    w.incident.refresh_from_db()
    assert w.incident.case.closed_at == when


@pytest.mark.parametrize("days", [30, 10])
def test_the_register_is_deleted_after_the_retention_period__EMERG_HEALTH_08(
    hw, time_machine, settings, days
):
    w = hw
    settings.WUYE_CLOSE_CONTACT_RETENTION_DAYS = days
    _add(w)
    _add(w, name="孙某")
    contacts.contact_list(incident=w.incident, by=w.head.user)
    time_machine.move_to(at("2026-08-20 10:00"), tick=False)
    _close_incident(w, at("2026-08-20 10:00"))
    last = dt.date(2026, 8, 20) + dt.timedelta(days=days)  # the Nth calendar day after
    time_machine.move_to(at(f"{last.isoformat()} 23:59:59"), tick=False)
    assert contacts.contact_purge_expired() == 0
    time_machine.move_to(at(f"{(last + dt.timedelta(days=1)).isoformat()} 00:00:01"), tick=False)
    assert contacts.contact_purge_expired() == 2
    assert contacts.contact_purge_expired() == 0  # idempotent
    assert not CloseContact.objects.exists()
    purge = ContactAccess.objects.get(action=AccessAction.PURGE)
    assert purge.count == 2 and purge.user is None
    assert ContactAccess.objects.filter(action=AccessAction.LIST).exists()  # the log is kept


def test_an_open_event_keeps_its_register__EMERG_HEALTH_08(hw, time_machine):
    _add(hw)
    time_machine.move_to(at("2027-08-12 03:00"), tick=False)
    assert contacts.contact_purge_expired() == 0
    assert CloseContact.objects.count() == 1
