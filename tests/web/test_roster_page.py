"""资料导入导出: template download, upload with every bad row listed, export."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wuye.core.models import Room

roster = pytest.importorskip("wuye.core.roster")

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rooms=(), people=()) -> SimpleUploadedFile:
    workbook = openpyxl.load_workbook(io.BytesIO(roster.roster_template()))
    for row in rooms:
        workbook["房屋"].append(list(row))
    for row in people:
        workbook["业主住户"].append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue(), content_type=XLSX)


def test_roster_page_renders_for_agent(world, login):
    response = login("agent").get(reverse("core:roster"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "下载导入模板" in html and "导出全部资料" in html


def test_template_download_opens(world, login):
    response = login("agent").get(reverse("core:roster_template"))
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "房屋" in workbook.sheetnames


def test_export_download_opens(world, login):
    response = login("agent").get(reverse("core:roster_export"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))


def test_upload_imports_and_shows_counts(world, login):
    client = login("agent")
    upload = _workbook(rooms=[("1栋", "2单元", "501", 5, 99.5, "住宅")])
    response = client.post(reverse("core:roster"), {"file": upload}, follow=True)
    html = response.content.decode()
    assert "导入完成" in html and "房屋 1 套" in html
    assert Room.objects.filter(estate=world.estate, number="501").exists()


def test_upload_with_bad_rows_lists_every_one_and_imports_nothing(world, login):
    client = login("agent")
    before = Room.objects.count()
    upload = _workbook(
        rooms=[
            ("1栋", "2单元", "601", 6, "abc", "住宅"),
            ("1栋", "2单元", "602", "六", 80, "住宅"),
        ]
    )
    response = client.post(reverse("core:roster"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "没有导入任何数据" in html
    for header in ("工作表", "行号", "列", "问题"):
        assert header in html
    errors = response.context["errors"]
    assert {e.row for e in errors} >= {2, 3}
    assert Room.objects.count() == before


def test_upload_of_a_non_xlsx_file_is_refused_next_to_the_field(world, login):
    client = login("agent")
    upload = SimpleUploadedFile("rooms.csv", b"a,b\n", content_type="text/csv")
    response = client.post(reverse("core:roster"), {"file": upload})
    assert ".xlsx" in response.content.decode()
    assert response.context["form"].errors["file"]


def test_roster_page_is_refused_to_technician_and_residents(world, login):
    assert login("tech").get(reverse("core:roster")).status_code == 403
    assert login("tech").get(reverse("core:roster_export")).status_code == 403
    assert login("owner").get(reverse("core:roster")).status_code == 403
