"""The demo owner's flat (阳光花园 1栋1单元101室) is a home, not a shop (issue 13 §6): their pages
say 住宅. The demo's shops are the street-facing ground floor of 1栋2单元."""

from __future__ import annotations

import io
import random

import openpyxl
import pytest
from django.urls import reverse

from tests.web.menu_walk import visible_text
from wuye.web.management.commands.demo import ESTATES, _roster_workbook


def test_demo_roster_makes_the_owners_flat_a_home_and_keeps_shops_elsewhere():
    workbook = openpyxl.load_workbook(
        io.BytesIO(_roster_workbook(random.Random(2026), ESTATES[0], [0]))
    )
    rows = workbook["房屋"].iter_rows(min_row=2, values_only=True)
    uses = {(b, u, n): use for b, u, n, _floor, _area, use in rows}
    assert uses[("1栋", "1单元", "101")] == "住宅"
    shops = {k for k, use in uses.items() if use == "商铺"}
    assert shops == {("1栋", "2单元", "101"), ("1栋", "2单元", "102")}


@pytest.mark.django_db
def test_the_demo_owners_pages_show_a_home(demo_walk):
    owner = {v.url: v for v in demo_walk if v.login == "owner"}
    for url in (reverse("web:home"), next(u for u in owner if u.startswith("/rooms/"))):
        page = owner[url]
        assert page.status == 200, url
        text = visible_text(page.html)
        assert "1栋1单元101室" in text and "住宅" in text and "商铺" not in text, url
