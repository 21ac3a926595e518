"""The store's Excel files: the stock (物料库存, exactly the filtered product list), the movements
ledger (出入库台账) and the pest treatments (病虫害防治记录), each exactly what the list shows."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.http import HttpResponse
from django.utils.translation import gettext as _

from wuye.base.pages import excel_time
from wuye.base.xlsx import dated_filename, xlsx_response

from ..choices import MovementKind, PestMethod, ProductKind
from ..models import PestTreatment, Product, StockMovement

__all__ = ["movements_xlsx", "stock_xlsx", "treatments_xlsx"]

SH = ZoneInfo("Asia/Shanghai")


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _person(user) -> str:
    staff = getattr(user, "staff", None) if user is not None else None
    if staff is not None:
        return staff.name
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _zone(estate) -> ZoneInfo:
    return ZoneInfo(estate.time_zone or "Asia/Shanghai") if estate is not None else SH


def stock_xlsx(products: Iterable[Product], estate_name: str = "") -> HttpResponse:
    headers = [_("存放点"), _("名称"), _("类别"), _("规格"), _("单位"), _("库存"), _("最低库存"),
               _("低于最低库存"), _("符合环保要求"), _("环保依据")]  # fmt: skip
    rows = (
        [
            p.store.name,
            p.name,
            str(ProductKind(p.kind).label),
            p.spec,
            p.unit,
            p.stock,
            p.minimum,
            _yes(p.stock < p.minimum),
            _yes(p.eco_compliant),
            p.compliance_note,
        ]
        for p in products
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("物料库存")), title=_("物料库存"),
        headers=headers, rows=rows, widths=(16, 18, 14, 12, 6, 10, 10, 12, 12, 30),
    )  # fmt: skip


def movements_xlsx(movements: Iterable[StockMovement], estate_name: str = "") -> HttpResponse:
    headers = [_("时间"), _("存放点"), _("物料"), _("规格"), _("类型"), _("数量"), _("单位"),
               _("结存"), _("用途/来源"), _("经办人")]  # fmt: skip
    rows = (
        [
            excel_time(m.at, _zone(m.product.store.estate)),
            m.product.store.name,
            m.product.name,
            m.product.spec,
            str(MovementKind(m.kind).label),
            m.quantity,
            m.product.unit,
            m.balance,
            m.purpose,
            _person(m.by),
        ]
        for m in movements
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("出入库台账")), title=_("出入库台账"),
        headers=headers, rows=rows, widths=(18, 16, 18, 12, 10, 10, 6, 10, 36, 10),
    )  # fmt: skip


def treatments_xlsx(treatments: Iterable[PestTreatment], estate_name: str = "") -> HttpResponse:
    headers = [_("实施时间"), _("绿化区域"), _("病虫害"), _("防治方式"), _("防治措施"),
               _("药剂/天敌"), _("用量/稀释比例"), _("出库数量"), _("采用化学防治的原因"),
               _("实施人")]  # fmt: skip
    rows = (
        [
            excel_time(t.at, _zone(t.estate)),
            t.green_area.name,
            t.pest,
            str(PestMethod(t.method).label),
            t.measure,
            str(t.product) if t.product_id else "",
            t.dose,
            t.quantity,
            t.reason,
            _person(t.by),
        ]
        for t in treatments
    )
    return xlsx_response(
        filename=dated_filename(estate_name, _("病虫害防治记录")), title=_("病虫害防治记录"),
        headers=headers, rows=rows, widths=(18, 16, 10, 10, 24, 16, 14, 10, 36, 10),
    )  # fmt: skip
