"""The store and pest treatments through the API: the same services and refusals as the pages
(CLEAN-11, CLEAN-17, GREEN-13, GREEN-15)."""

from __future__ import annotations

import pytest

from tests.environment import store_helpers
from tests.facilities.equip_helpers import Api
from tests.images import photo_of
from wuye.environment.models import PestTreatment

store_world = store_helpers.store_world  # the fixture

pytestmark = pytest.mark.django_db


def test_stores_products_and_stock_through_the_api__CLEAN_11_17(store_world, client):
    w = store_world
    head = Api(client, w.env_head.user)
    store = head.post("/environment/stores", {
        "estate": w.estate.pk, "name": "绿化药剂间", "location": "苗圃北侧",
        "keeper": w.gardener.pk,
    }, expect=201)  # fmt: skip
    assert store["keeper_name"] == "gardener" and store["check_schedule"]
    shelf = head.post("/environment/stores", {"estate": w.estate.pk, "name": "开放架",
                      "location": "前台", "locked": False}, expect=201)  # fmt: skip
    # CLEAN-17: no pesticide in an unlocked store.
    body = {"store": shelf["id"], "name": "吡虫啉", "kind": "pesticide", "unit": "瓶",
            "eco_compliant": True}  # fmt: skip
    r = head.post("/environment/products", body, expect=400)
    assert "kind" in r["error"]["fields"]
    made = head.post("/environment/products", {"store": store["id"], "name": "有机复合肥",
                     "kind": "fertiliser", "unit": "袋", "eco_compliant": True,
                     "minimum": "2"}, expect=201)  # fmt: skip
    assert made["below_minimum"] is True
    gardener = Api(client, w.gardener.user)
    moved = gardener.post(f"/environment/products/{made['id']}/stock-in",
                          {"quantity": "5", "purpose": "采购"}, expect=201)  # fmt: skip
    assert moved["balance"] == "5.000"
    r = gardener.post(f"/environment/products/{made['id']}/stock-out",
                      {"quantity": "6", "purpose": "施肥"}, expect=400)  # fmt: skip
    assert "库存不足" in r["error"]["fields"]["quantity"][0]
    gardener.post(f"/environment/products/{made['id']}/stock-out",
                  {"quantity": "4", "purpose": "秋季施肥"}, expect=201)  # fmt: skip
    low = head.get(f"/environment/products/below-minimum?estate={w.estate.pk}")
    assert made["id"] in [p["id"] for p in low]
    adjust = head.post(f"/environment/products/{made['id']}/adjust",
                       {"counted": "0", "reason": "受潮报损"}, expect=201)  # fmt: skip
    assert adjust["kind"] == "adjust"
    ledger = head.get(f"/environment/stock-movements?estate={w.estate.pk}&kind=out")
    assert ledger["count"] == 1
    r = head.call("get", f"/environment/stock-movements/export.xlsx?estate={w.estate.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    r = head.call("get", f"/environment/products/export.xlsx?estate={w.estate.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    # Other estates' rows are 404; a cleaner cannot set up stores.
    Api(client, w.other_head.user).get(f"/environment/stores/{store['id']}", expect=404)
    Api(client, w.cleaner.user).post("/environment/stores", {
        "estate": w.estate.pk, "name": "x", "location": "y"}, expect=403)  # fmt: skip


def test_non_compliant_product_only_disposed_through_the_api__CLEAN_11(store_world, client):
    w = store_world
    head = Api(client, w.env_head.user)
    made = head.post("/environment/products", {"store": w.store.pk, "name": "来源不明清洁剂",
                     "kind": "cleaning", "unit": "瓶"}, expect=201)  # fmt: skip
    assert made["issuable"] is False
    head.post(f"/environment/products/{made['id']}/stock-in", {"quantity": "2"}, expect=201)
    r = head.post(f"/environment/products/{made['id']}/stock-out",
                  {"quantity": "1", "purpose": "楼道"}, expect=400)  # fmt: skip
    assert "不符合环保要求" in r["error"]["fields"]["product"][0]
    body = {"quantity": "2", "purpose": "退回供应商", "dispose": True}
    out = head.post(f"/environment/products/{made['id']}/stock-out", body, expect=201)
    assert out["purpose"].startswith("退回/报废")


def test_the_monthly_check_through_the_api__CLEAN_17(store_world, client):
    w = store_world
    keeper = Api(client, w.cleaner.user)
    body = {"fixed_place": True, "locked": True, "out_of_reach": True, "labelled": True,
            "photo": str(photo_of(w.cleaner.user).pk)}  # fmt: skip
    check = keeper.post(f"/environment/stores/{w.store.pk}/checks", body, expect=201)
    assert check["passed"] and check["month"] == "2026-06-01"
    body["photo"] = str(photo_of(w.cleaner.user).pk)
    keeper.post(f"/environment/stores/{w.store.pk}/checks", body, expect=409)
    assert keeper.get(f"/environment/store-checks?estate={w.estate.pk}")["count"] == 1


def test_treatments_through_the_api__GREEN_13_15(store_world, client):
    w = store_world
    Api(client, w.env_head.user).post(f"/environment/products/{w.pesticide.pk}/stock-in",
                                      {"quantity": "4"}, expect=201)  # fmt: skip
    gardener = Api(client, w.gardener.user)
    chem = {"green_area": w.area.pk, "pest": "蚜虫", "method": "chemical",
            "measure": "喷施吡虫啉", "product": w.pesticide.pk, "dose": "1:1000",
            "quantity": "1"}  # fmt: skip
    r = gardener.post("/environment/pest-treatments", chem, expect=400)
    assert "reason" in r["error"]["fields"]
    gardener.post("/environment/pest-treatments", {"green_area": w.area.pk, "pest": "蚜虫",
                  "method": "biological", "measure": "释放七星瓢虫"}, expect=201)  # fmt: skip
    chem["reason"] = "瓢虫释放后蚜虫仍在扩散，嫩梢受害严重"
    made = gardener.post("/environment/pest-treatments", chem, expect=201)
    assert made["product_name"] == "吡虫啉 100g"
    listed = gardener.get(f"/environment/pest-treatments?estate={w.estate.pk}&method=chemical")
    assert [t["id"] for t in listed["items"]] == [made["id"]]
    r = gardener.call("get", f"/environment/pest-treatments/export.xlsx?estate={w.estate.pk}")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    Api(client, w.other_head.user).get(f"/environment/pest-treatments/{made['id']}", expect=404)
    assert PestTreatment.objects.count() == 2
