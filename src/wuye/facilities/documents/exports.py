"""The equipment register as an Excel file: exactly the filtered list."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import EquipmentCategory, EquipmentStatus
from ..models import Equipment


def equipment_xlsx(equipment: Iterable[Equipment], estate_name: str = "") -> HttpResponse:
    headers = [
        _("设备编号"),
        _("设备名称"),
        _("类别"),
        _("楼栋"),
        _("安装位置"),
        _("设备状态"),
        _("维保单位"),
        _("启用日期"),
        _("法定检验项目"),
        _("上次检验日期"),
        _("下次检验到期日"),
        _("检验合格证编号"),
        _("生产厂家"),
        _("型号"),
        _("保修截止日"),
    ]
    rows = (
        [
            e.code,
            e.name,
            str(EquipmentCategory(e.category).label),
            e.building.name if e.building_id else "",
            e.location,
            str(EquipmentStatus(e.status).label),
            e.contractor.name if e.contractor_id else "",
            e.commissioned_on,
            e.inspection_name,
            e.inspected_on,
            e.inspection_due_on,
            e.inspection_certificate_no,
            e.manufacturer,
            e.model_no,
            e.warranty_until,
        ]
        for e in equipment
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("设备台账")),
        title=_("设备台账"),
        headers=headers,
        rows=rows,
        text_columns=(0, 11),
        widths=(14, 22, 12, 8, 18, 8, 24, 12, 12, 12, 12, 18, 20, 14, 12),
    )
