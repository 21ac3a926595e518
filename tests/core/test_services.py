import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from wuye.core import services
from wuye.core.choices import Relation
from wuye.core.models import Occupancy, Resident, Room
from wuye.core.scoping import actor_for
from wuye.core.selectors import resident_list, room_get_for_user, room_list
from wuye.core.validators import mask_id_number, mask_mobile, validate_id_number

GOOD_ID = "11010519491231002X"


def test_id_number_checksum_gb11643():
    validate_id_number(GOOD_ID)
    with pytest.raises(ValidationError):
        validate_id_number("110105194912310021")  # wrong check code
    with pytest.raises(ValidationError):
        validate_id_number("110105194913310028")  # month 13


def test_masks():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_id_number(GOOD_ID) == "1101**********002X"


def test_resident_register_rejects_bad_phone_and_writes_nothing(world):
    before = (Resident.objects.count(), Occupancy.objects.count())
    with pytest.raises(ValidationError) as err:
        services.resident_register(
            room=world.room, name="张三", mobile="12345", id_number=GOOD_ID, by=world.agent.user
        )
    assert "mobile" in err.value.message_dict
    assert (Resident.objects.count(), Occupancy.objects.count()) == before


def test_resident_register_rejects_bad_id_checksum(world):
    with pytest.raises(ValidationError) as err:
        services.resident_register(
            room=world.room,
            name="张三",
            mobile="13800138000",
            id_number="110105194912310021",
            by=world.agent.user,
        )
    assert "id_number" in err.value.message_dict


def test_resident_register_creates_resident_and_occupancy(world):
    occ = services.resident_register(
        room=world.room,
        name="张三",
        mobile="138 0013 8000",
        id_number=GOOD_ID.lower(),
        relation=Relation.FAMILY,
        start_date=dt.date(2026, 1, 1),
        by=world.agent.user,
    )
    assert occ.resident.mobile == "13800138000"
    assert occ.resident.id_number == GOOD_ID


def test_duplicate_room_is_refused(world):
    with pytest.raises(ValidationError):
        services.room_create(
            building=world.room.building,
            unit=world.room.unit,
            number="301",
            floor=3,
            area="90",
            by=world.agent.user,
        )
    assert Room.objects.filter(number="301", unit=world.room.unit).count() == 1


def test_technician_may_not_write_roster(world):
    with pytest.raises(PermissionDenied):
        services.room_create(
            building=world.room.building,
            unit=world.room.unit,
            number="999",
            floor=9,
            area="90",
            by=world.tech.user,
        )


def test_other_estate_is_404_for_staff(world):
    with pytest.raises(Http404):
        room_get_for_user(world.outsider.user, world.room.pk)
    with pytest.raises(Http404):
        services.room_create(
            building=world.room.building, number="999", floor=9, area="90", by=world.outsider.user
        )


def test_resident_sees_only_own_rooms(world):
    actor = actor_for(world.owner.user)
    assert list(room_list(actor=actor)) == [world.room]
    assert list(resident_list(actor=actor)) == [world.owner]
    with pytest.raises(Http404):
        room_get_for_user(world.owner.user, world.room2.pk)


def test_executive_sees_every_estate_of_the_company(world):
    actor = actor_for(world.exec.user)
    assert {r.pk for r in room_list(actor=actor)} == {
        world.room.pk,
        world.room2.pk,
        world.other_room.pk,
    }


def test_contractor_sees_no_roster(world):
    actor = actor_for(world.contractor.accounts.get().user)
    assert room_list(actor=actor).count() == 0
    assert resident_list(actor=actor).count() == 0


@pytest.mark.parametrize("bad", ["nan", "inf", "-1", "0", "abc", ""])
def test_room_area_must_be_a_positive_number(world, bad):
    with pytest.raises(ValidationError) as err:
        services.room_create(
            building=world.room.building,
            unit=world.room.unit,
            number="999",
            floor=9,
            area=bad,
            by=world.agent.user,
        )
    assert "area" in err.value.message_dict
