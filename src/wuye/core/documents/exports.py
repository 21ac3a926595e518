"""The core's spreadsheets: the room and resident lists as the pages filter them, and the roster
(导入模板, 房屋住户资料). The pages and the API answer the same files."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from wuye.base.xlsx import dated_filename, file_response, xlsx_response
from wuye.core import roster
from wuye.core.models import Estate, Resident, Room
from wuye.core.scoping import Actor
from wuye.core.validators import mask_id_number, mask_mobile


def _joined(values: Iterable[str]) -> str:
    return pgettext("list separator in a cell", "；").join(values)


def rooms_xlsx_response(*, estate: Estate, rooms: Iterable[Room], actor: Actor) -> HttpResponse:
    """房屋: each room with the people living in it today (``rooms`` from
    ``selectors.rooms_with_occupants``); phone and ID masked unless the role may see them."""
    show = actor.can_see_pii()
    rows = []
    for room in rooms:
        people = room.current_occupancies
        rows.append(
            [
                room.building.name,
                room.unit.name if room.unit_id else "",
                room.number,
                room.floor,
                room.area,
                room.get_use_display(),
                _("已入住") if people else _("空置"),
                _joined(
                    _("%(name)s（%(relation)s）")
                    % {"name": o.resident.name, "relation": o.get_relation_display()}
                    for o in people
                ),
                _joined(
                    o.resident.mobile if show else mask_mobile(o.resident.mobile) for o in people
                ),
                _joined(
                    o.resident.id_number if show else mask_id_number(o.resident.id_number)
                    for o in people
                ),
            ]
        )
    headers = [_("楼栋"), _("单元"), _("房号"), _("楼层"), _("建筑面积(m²)"), _("用途"),
               _("状态"), _("住户"), _("手机号"), _("身份证号")]  # fmt: skip
    return xlsx_response(
        filename=dated_filename(estate.name, _("房屋")),
        title=_("房屋"),
        headers=headers,
        rows=rows,
        text_columns=(0, 1, 2, 8, 9),
        widths=(10, 10, 10, 6, 14, 8, 8, 30, 28, 44),
    )


def residents_xlsx_response(
    *, estate: Estate, residents: Iterable[Resident], actor: Actor
) -> HttpResponse:
    """业主住户: each person with their rooms in this estate (``residents`` from
    ``selectors.residents_with_rooms_here``); phone and ID masked unless the role may see them."""
    show = actor.can_see_pii()
    rows = [
        [
            r.name,
            r.mobile if show else mask_mobile(r.mobile),
            r.id_number if show else mask_id_number(r.id_number),
            _joined(o.room.label for o in r.rooms_here),
            _joined(o.get_relation_display() for o in r.rooms_here),
        ]
        for r in residents
    ]
    return xlsx_response(
        filename=dated_filename(estate.name, _("业主住户")),
        title=_("业主住户"),
        headers=[_("姓名"), _("手机号"), _("身份证号"), _("房屋"), _("关系")],
        rows=rows,
        text_columns=(1, 2),
        widths=(12, 16, 22, 30, 16),
    )


def roster_template_response() -> HttpResponse:
    """The empty roster workbook to fill in (房屋住户导入模板)."""
    return file_response(roster.roster_template(), _("房屋住户导入模板.xlsx"))


def roster_export_response(*, estate: Estate, by) -> HttpResponse:
    """The estate's buildings, rooms and residents in the import's own format (the service
    checks who may export)."""
    content = roster.roster_export(estate=estate, by=by)
    return file_response(content, dated_filename(estate.name, _("房屋住户资料")))
