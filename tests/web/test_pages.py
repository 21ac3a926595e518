"""The core pages: who sees what, masking, forms, filters, exports, HTMX fragments, query counts."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import OccupancyFactory, RoomFactory, UnitFactory
from wuye.core.models import Contractor, Occupancy, Resident, Room

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    return response.content.decode()


# --- Every page renders for the right user ---------------------------------------------------


@pytest.mark.parametrize("username", ["agent", "tech", "head", "exec"])
def test_staff_pages_render(world, login, username):
    client = login(username)
    if username == "exec":
        client.post(reverse("web:estate_switch"), {"estate": world.estate.pk})
    urls = [
        reverse("core:estate_overview", args=[world.estate.pk]),
        reverse("core:room_list"),
        reverse("core:room_detail", args=[world.room.pk]),
        reverse("core:resident_list"),
        reverse("core:resident_detail", args=[world.owner.pk]),
        reverse("core:staff_list"),
        reverse("core:contractor_list"),
        reverse("core:room_export"),
        reverse("core:resident_export"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["agent", "head", "exec"])
def test_roster_writers_open_room_create(world, login, username):
    client = login(username)
    client.post(reverse("web:estate_switch"), {"estate": world.estate.pk})
    assert client.get(reverse("core:room_create")).status_code == 200


def test_technician_cannot_create_rooms_or_import(world, login):
    client = login("tech")
    assert client.get(reverse("core:room_create")).status_code == 403
    assert client.get(reverse("core:roster")).status_code == 403


def test_resident_sees_own_room_detail(world, login):
    response = login("owner").get(reverse("core:room_detail", args=[world.room.pk]))
    assert response.status_code == 200
    assert world.owner.name in html_of(response)
    assert "登记住户" not in html_of(response)


# --- Scope: outside is a 404 -----------------------------------------------------------------


def test_outsider_gets_404_on_room_and_resident_of_another_estate(world, login):
    client = login("outsider")
    assert client.get(reverse("core:room_detail", args=[world.room.pk])).status_code == 404
    assert client.get(reverse("core:resident_detail", args=[world.owner.pk])).status_code == 404
    assert client.get(reverse("core:estate_overview", args=[world.estate.pk])).status_code == 404


def test_owner_gets_404_on_neighbours_room(world, login):
    client = login("owner")
    assert client.get(reverse("core:room_detail", args=[world.room2.pk])).status_code == 404


def test_contractor_gets_404_on_rooms(world, login):
    client = login("lift")
    assert client.get(reverse("core:room_detail", args=[world.room.pk])).status_code == 404


def test_resident_cannot_post_to_room_detail(world, login):
    response = login("owner").post(
        reverse("core:room_detail", args=[world.room.pk]),
        {"name": "王五", "mobile": "13912345678", "relation": "family"},
    )
    assert response.status_code == 403


# --- Masking ---------------------------------------------------------------------------------


def test_resident_detail_masks_mobile_for_technician_and_shows_it_to_agent(world, login):
    mobile, id_number = world.owner.mobile, world.owner.id_number
    masked = f"{mobile[:3]}****{mobile[-4:]}"
    html = html_of(login("tech").get(reverse("core:resident_detail", args=[world.owner.pk])))
    assert masked in html and mobile not in html
    assert id_number not in html
    html = html_of(login("agent").get(reverse("core:resident_detail", args=[world.owner.pk])))
    assert mobile in html and id_number in html


def test_lists_always_mask(world, login):
    mobile = world.owner.mobile
    for name in ("core:resident_list", "core:room_list"):
        html = html_of(login("agent").get(reverse(name)))
        assert mobile not in html
    html = html_of(login("agent").get(reverse("core:resident_list")))
    assert f"{mobile[:3]}****{mobile[-4:]}" in html


def test_room_detail_masks_for_technician(world, login):
    mobile = world.owner.mobile
    html = html_of(login("tech").get(reverse("core:room_detail", args=[world.room.pk])))
    assert mobile not in html and f"{mobile[:3]}****{mobile[-4:]}" in html
    html = html_of(login("agent").get(reverse("core:room_detail", args=[world.room.pk])))
    assert mobile in html


def test_staff_list_masks_mobile_and_shows_role_labels(world, login):
    html = html_of(login("agent").get(reverse("core:staff_list")))
    assert "137****0000" in html and "13700000000" not in html
    assert "客服专员" in html and "维修技术员" in html
    assert "客户服务中心" in html and "工程设备部" in html


# --- Forms -----------------------------------------------------------------------------------


def test_register_resident_with_bad_phone_shows_field_error_and_writes_nothing(world, login):
    before = (Resident.objects.count(), Occupancy.objects.count())
    response = login("agent").post(
        reverse("core:room_detail", args=[world.room.pk]),
        {"name": "张三", "mobile": "12345", "id_number": "", "relation": "tenant"},
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "手机号应为 11 位" in html
    assert 'value="张三"' in html and 'value="12345"' in html
    assert (Resident.objects.count(), Occupancy.objects.count()) == before


def test_register_resident_writes_and_redirects(world, login):
    response = login("agent").post(
        reverse("core:room_detail", args=[world.room.pk]),
        {"name": "张三", "mobile": "139 1234 5678", "relation": "tenant"},
    )
    assert response.status_code == 302
    occupancy = Occupancy.objects.get(resident__name="张三")
    assert occupancy.room == world.room and occupancy.relation == "tenant"
    assert occupancy.resident.mobile == "13912345678"


def test_register_resident_bad_id_number_error_is_next_to_the_field(world, login):
    response = login("agent").post(
        reverse("core:room_detail", args=[world.room.pk]),
        {
            "name": "张三",
            "mobile": "13912345678",
            "id_number": "110105194912310021",
            "relation": "owner",
        },
    )
    html = html_of(response)
    assert "身份证号校验位不正确" in html
    assert html.index("身份证号校验位不正确") > html.index('name="id_number"')


def test_room_create(world, login):
    client = login("agent")
    building = world.room.building
    response = client.post(
        reverse("core:room_create"),
        {
            "building": building.pk,
            "unit": world.room.unit.pk,
            "number": "401",
            "floor": "4",
            "area": "120.5",
            "use": "residential",
        },
    )
    room = Room.objects.get(number="401")
    assert response["Location"] == reverse("core:room_detail", args=[room.pk])
    assert room.area == Decimal("120.50")


def test_room_create_errors_stay_next_to_fields(world, login):
    client = login("agent")
    response = client.post(
        reverse("core:room_create"),
        {
            "building": world.room.building.pk,
            "unit": world.room.unit.pk,
            "number": "402",
            "floor": "4",
            "area": "abc",
            "use": "residential",
        },
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "建筑面积应为数字" in html
    assert 'value="402"' in html
    assert not Room.objects.filter(number="402").exists()


def test_room_create_offers_only_this_estates_buildings(world, login):
    html = html_of(login("agent").get(reverse("core:room_create")))
    assert "1栋" in html and "8栋" not in html


# --- Filters, HTMX, pagination ---------------------------------------------------------------


def test_room_list_search_by_desk_shorthand(world, login):
    response = login("agent").get(reverse("core:room_list"), {"search": "1-2-301"})
    html = html_of(response)
    assert world.room.label in html
    assert world.room2.label not in html
    assert "共 1 套" in html


def test_room_list_filters_by_occupancy_and_building(world, login):
    client = login("agent")
    empty = RoomFactory(unit=world.room.unit, number="303")
    html = html_of(client.get(reverse("core:room_list"), {"occupied": "no"}))
    assert empty.label in html and world.room.label not in html
    html = html_of(client.get(reverse("core:room_list"), {"occupied": "yes"}))
    assert world.room.label in html and empty.label not in html
    other = UnitFactory(building__estate=world.estate, building__name="5栋", name="1单元")
    far = RoomFactory(unit=other, number="101")
    html = html_of(client.get(reverse("core:room_list"), {"building": other.building.pk}))
    assert far.label in html and world.room.label not in html


def test_room_list_filter_does_not_leak_other_estates_buildings(world, login):
    other_building = world.other_room.building
    html = html_of(login("agent").get(reverse("core:room_list"), {"building": other_building.pk}))
    assert world.other_room.label not in html


def test_room_list_htmx_returns_only_the_results(world, login):
    client = login("agent")
    response = client.get(
        reverse("core:room_list"), {"search": "301"}, headers={"HX-Request": "true"}
    )
    html = html_of(response)
    assert "<html" not in html and 'class="sidenav"' not in html
    assert world.room.label in html
    assert "HX-Request" in response["Vary"]
    # A history restore (back button) gets the whole page.
    response = client.get(
        reverse("core:room_list"),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in html_of(response)


def test_room_list_is_sorted_and_paginated(world, login):
    unit = world.room.unit
    for floor in range(4, 16):
        for n in range(1, 6):
            RoomFactory(unit=unit, number=f"{floor}{n:02d}", floor=floor)
    client = login("agent")
    response = client.get(reverse("core:room_list"))
    page = response.context["page"]
    assert page.paginator.count == 62
    assert len(page.object_list) == 50
    numbers = [r.number for r in page.object_list]
    assert numbers[:3] == ["301", "302", "401"]
    assert "第 1 / 2 页" in html_of(response)
    response = client.get(reverse("core:room_list"), {"page": 2})
    assert len(response.context["page"].object_list) == 12
    assert client.get(reverse("core:room_list"), {"page": "x"}).status_code == 200


def test_room_list_query_count_is_bounded(world, login, django_assert_max_num_queries):
    unit = world.room.unit
    for i in range(58):
        room = RoomFactory(unit=unit, number=f"{1000 + i}", floor=10 + i // 4)
        OccupancyFactory(room=room)
    client = login("agent")
    client.get(reverse("core:room_list"))  # warm the session
    with django_assert_max_num_queries(16):
        response = client.get(reverse("core:room_list"))
    assert response.context["page"].paginator.count == 60


def test_resident_list_query_count_is_bounded(world, login, django_assert_max_num_queries):
    unit = world.room.unit
    for i in range(40):
        OccupancyFactory(room=RoomFactory(unit=unit, number=f"{2000 + i}"))
    client = login("agent")
    client.get(reverse("core:resident_list"))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("core:resident_list"))
    assert response.context["page"].paginator.count == 42


def test_resident_list_search_by_name_and_phone(world, login):
    client = login("agent")
    html = html_of(client.get(reverse("core:resident_list"), {"search": world.owner.name}))
    assert world.owner.name in html and world.neighbour.name not in html
    html = html_of(
        client.get(reverse("core:resident_list"), {"search": world.neighbour.mobile[-4:]})
    )
    assert world.neighbour.name in html


def test_resident_list_shows_only_this_estates_people(world, login):
    html = html_of(login("agent").get(reverse("core:resident_list")))
    assert world.owner.name in html and world.other_owner.name not in html


def test_empty_list_says_what_to_do(world, login):
    html = html_of(login("agent").get(reverse("core:room_list"), {"search": "9-9-999"}))
    assert "没有符合条件的房屋" in html


# --- Exports ---------------------------------------------------------------------------------


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return workbook.active


def test_room_export_has_exactly_the_filtered_rows(world, login):
    RoomFactory(unit=world.room.unit, number="303")
    client = login("agent")
    sheet = _sheet(client.get(reverse("core:room_export"), {"search": "1-2-301"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("楼栋", "单元", "房号")
    assert len(rows) == 2
    assert rows[1][:3] == ("1栋", "2单元", "301")
    sheet = _sheet(client.get(reverse("core:room_export"), {"occupied": "no"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["303"]
    sheet = _sheet(client.get(reverse("core:room_export")))
    assert sheet.max_row == 1 + 3


def test_room_export_text_cells_and_masking(world, login):
    sheet = _sheet(login("tech").get(reverse("core:room_export"), {"search": "1-2-301"}))
    header = [c.value for c in sheet[1]]
    number = sheet.cell(row=2, column=header.index("房号") + 1)
    mobile = sheet.cell(row=2, column=header.index("手机号") + 1)
    assert number.data_type == "s" and number.number_format == "@"
    assert mobile.value == world.owner.mobile_masked
    sheet = _sheet(login("agent").get(reverse("core:room_export"), {"search": "1-2-301"}))
    assert sheet.cell(row=2, column=header.index("手机号") + 1).value == world.owner.mobile


def test_resident_export_masks_for_technician(world, login):
    sheet = _sheet(login("tech").get(reverse("core:resident_export")))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "手机号", "身份证号", "房屋", "关系")
    assert len(rows) == 3
    mobiles = {r[1] for r in rows[1:]}
    assert world.owner.mobile_masked in mobiles and world.owner.mobile not in mobiles


# --- Overview, staff, contractors -------------------------------------------------------------


def test_estate_overview_figures(world, login):
    response = login("agent").get(reverse("core:estate_overview", args=[world.estate.pk]))
    html = html_of(response)
    assert response.context["o"]["room_count"] == 2
    assert "100.0%" in html
    assert "1栋" in html
    assert "客户服务中心" in html


def test_room_detail_shows_area_and_past_occupants(world, login):
    Occupancy.objects.create(
        estate=world.estate,
        room=world.room,
        resident=world.neighbour,
        relation="tenant",
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2019, 12, 31),
    )
    html = html_of(login("agent").get(reverse("core:room_detail", args=[world.room.pk])))
    assert "89.50 m²" in html
    assert "历史住户" in html and "2019-12-31" in html
    # A resident sees who lives there now, not who lived there before.
    html = html_of(login("owner").get(reverse("core:room_detail", args=[world.room.pk])))
    assert "历史住户" not in html


def test_contractor_list_highlights_expiring_qualifications(world, login):
    today = dt.date.today()
    contractor = world.contractor
    contractor.qualification_expires_on = today - dt.timedelta(days=1)
    contractor.save()
    soon = Contractor.objects.create(
        company=world.company,
        name="绿源保洁服务有限公司",
        qualification="保洁资质",
        qualification_expires_on=today + dt.timedelta(days=10),
    )
    soon.estates.set([world.estate])
    html = html_of(login("agent").get(reverse("core:contractor_list")))
    assert 'class="row-breach"' in html and "已过期" in html
    assert 'class="row-warn"' in html and "即将到期" in html


def test_owner_sees_own_number_in_full_and_family_masked(world, login):
    from tests.factories import OccupancyFactory
    from wuye.core.choices import Relation

    family = OccupancyFactory(room=world.room, relation=Relation.FAMILY).resident
    html = html_of(login("owner").get(reverse("web:home")))
    assert world.owner.mobile in html
    assert family.mobile not in html
    assert f"{family.mobile[:3]}****{family.mobile[-4:]}" in html
