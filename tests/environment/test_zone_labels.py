"""The zones' QR label sheet (CLEAN-01/04): one label per zone with the estate, its name, kind,
responsible cleaners and code; the QR opens the zone's phone page. The page and the API give the
same sheet, all zones or the filtered ones; other estates' are 404."""

from __future__ import annotations

import pytest

from tests.environment import clean_helpers
from tests.facilities.equip_helpers import Api
from tests.pdf_tools import needs_pdf_tools, pdf_text
from wuye.environment.documents import zone_labels

pytestmark = pytest.mark.django_db
clean = clean_helpers.clean
planned = clean_helpers.planned


@pytest.fixture
def zoned(clean):
    from wuye.environment.services.zones import zones_build

    w = clean
    w.zones = {z.name: z for z in zones_build(estate=w.estate, by=w.env_head.user,
                                              cleaners=[w.cleaner])}  # fmt: skip
    return w


@needs_pdf_tools
def test_label_sheet_names_each_zone_and_its_cleaner__CLEAN_04(zoned, login, monkeypatch):
    w = zoned
    urls = []
    original = zone_labels._qr_png
    monkeypatch.setattr(zone_labels, "_qr_png", lambda url: urls.append(url) or original(url))
    response = login("env_head").get("/environment/zones/labels.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    road = w.zones["小区主干道"]
    assert "小区主干道" in text and "2栋楼道及楼梯间" in text and "地下车库" in text
    assert "张阿姨" in text and road.code in text and "阳光测试苑" in text
    assert "扫码查看本区域今日清洁任务" in text
    # Each QR opens the zone's phone page, an absolute address.
    assert f"http://testserver/environment/z/{road.code}/" in urls
    assert len(urls) == len(w.zones)


@needs_pdf_tools
def test_label_sheet_of_the_filtered_zones_page_and_api__CLEAN_01(zoned, login, client):
    w = zoned
    text = pdf_text(login("env_head").get("/environment/zones/labels.pdf?kind=garage").content)
    assert "地下车库" in text and "小区主干道" not in text
    api = Api(client, w.env_head.user)
    r = api.call("get", f"/environment/zones/labels.pdf?estate={w.estate.pk}&kind=toilet")
    assert r["Content-Type"] == "application/pdf"
    text = pdf_text(r.content)
    assert "会所公共卫生间" in text and "地下车库" not in text
    # Another estate's sheet is 404; no zone matching says so on the sheet.
    api.call("get", f"/environment/zones/labels.pdf?estate={w.other_estate.pk}", expect=404)
    text = pdf_text(login("env_head").get("/environment/zones/labels.pdf?kind=square").content)
    assert "没有符合条件的清洁区域" in text


def test_label_sheet_is_refused_to_a_cleaner(zoned, login):
    assert login("cleaner").get("/environment/zones/labels.pdf").status_code == 403
