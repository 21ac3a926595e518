"""The store and pest pages with the test client: lists, forms, refusals shown on the form,
exports, the phone check form (CLEAN-11, CLEAN-17, GREEN-13, GREEN-15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.environment import store_helpers
from tests.images import make_jpeg
from wuye.environment.models import PestTreatment, StockMovement, StoreCheck
from wuye.environment.services import stores as services

store_world = store_helpers.store_world  # the fixture
pytestmark = pytest.mark.django_db


def _as(client, user, estate):
    client.force_login(user)
    session = client.session
    session["wuye_estate_id"] = estate.pk
    session.save()
    return client


def test_store_pages_list_detail_and_stock_forms__CLEAN_17(store_world, client):
    w = store_world
    c = _as(client, w.env_head.user, w.estate)
    services.stock_in(product=w.bleach, quantity="3", by=w.env_head.user)
    r = c.get(reverse("environment:store_list"))
    assert r.status_code == 200 and "保洁工具间" in r.content.decode()
    assert "库存低于最低库存" in r.content.decode()
    r = c.get(reverse("environment:store_detail", args=[w.store.pk]))
    assert "84消毒液" in r.content.decode()
    r = c.post(reverse("environment:stock_out", args=[w.bleach.pk]),
               {"quantity": "5", "purpose": "电梯间消毒"})  # fmt: skip
    assert r.status_code == 200 and "库存不足" in r.content.decode()
    r = c.post(reverse("environment:stock_out", args=[w.bleach.pk]),
               {"quantity": "2", "purpose": "电梯间消毒"})  # fmt: skip
    assert r.status_code == 302 and StockMovement.objects.filter(kind="out").count() == 1
    r = c.post(reverse("environment:store_create"),
               {"name": "开放架", "location": "前台", "out_of_reach": "on"})  # fmt: skip
    assert r.status_code == 302
    r = c.get(reverse("environment:movement_list") + "?kind=out")
    assert "电梯间消毒" in r.content.decode()
    r = c.get(reverse("environment:movement_export"))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = c.get(reverse("environment:product_list") + "?low=on")
    assert "84消毒液" in r.content.decode()
    assert c.get(reverse("environment:product_export")).status_code == 200
    assert c.get(reverse("environment:store_check_list")).status_code == 200


def test_the_keeper_checks_the_store_on_the_phone__CLEAN_17(store_world, client):
    w = store_world
    c = _as(client, w.cleaner.user, w.estate)
    url = reverse("environment:store_check", args=[w.store.pk])
    assert c.get(url).status_code == 200
    r = c.post(url, {"fixed_place": "1", "locked": "1", "out_of_reach": "1", "labelled": "1"})
    assert "请拍照留存存放点现状" in r.content.decode()
    r = c.post(url, {"fixed_place": "1", "locked": "1", "out_of_reach": "1", "labelled": "1",
                     "photos": make_jpeg()})  # fmt: skip
    assert r.status_code == 302 and StoreCheck.objects.get().passed


def test_other_estates_store_is_404(store_world, client):
    w = store_world
    c = _as(client, w.other_head.user, w.other_estate)
    assert c.get(reverse("environment:store_detail", args=[w.store.pk])).status_code == 404


def test_the_gardener_records_a_treatment_on_the_phone__GREEN_13(store_world, client):
    w = store_world
    services.stock_in(product=w.pesticide, quantity="3", by=w.env_head.user)
    c = _as(client, w.gardener.user, w.estate)
    url = reverse("environment:treatment_record")
    assert c.get(url).status_code == 200
    chem = {"green_area": w.area.pk, "pest": "蚜虫", "method": "chemical",
            "measure": "喷施吡虫啉", "product": w.pesticide.pk, "dose": "1:1000",
            "quantity": "1"}  # fmt: skip
    r = c.post(url, chem)
    assert r.status_code == 200 and "化学防治须说明生物防治不足以控制的原因" in r.content.decode()
    assert PestTreatment.objects.count() == 0
    r = c.post(url, {"green_area": w.area.pk, "pest": "蚜虫", "method": "biological",
                     "measure": "释放七星瓢虫"})  # fmt: skip
    assert r.status_code == 302
    r = c.post(url, chem | {"reason": "瓢虫释放后蚜虫仍在扩散，嫩梢受害严重"})
    assert r.status_code == 302
    r = c.get(reverse("environment:treatment_list") + "?method=chemical")
    assert "喷施吡虫啉" in r.content.decode()
    assert c.get(reverse("environment:treatment_export")).status_code == 200
    t = PestTreatment.objects.get(method="chemical")
    assert c.get(reverse("environment:treatment_detail", args=[t.pk])).status_code == 200
