"""Store pages (物料存放点) for the department's head and the keepers: the stores with their
overdue check and low stock, a store with its products and checks, the forms (store, product,
stock in, stock out, count), the monthly check form, the stock list and the movements ledger
with their Excel files (CLEAN-11, CLEAN-17, GREEN-15)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from wuye.base.pages import paginate, render_list
from wuye.core.exceptions import Conflict
from wuye.core.forms import add_service_errors
from wuye.core.models import Staff
from wuye.core.scoping import actor_for
from wuye.core.shortcuts import estate_page, estate_tz, render_local, staff_required
from wuye.workflow.attachments import attachments_from_request

from ..choices import MovementKind, ProductKind
from ..documents.stock import movements_xlsx, stock_xlsx
from ..models import Store
from ..selectors import stores as selectors
from ..services import store_checks as checks
from ..services import stores as services

BLANK = [("", gettext_lazy("全部"))]
QTY = {"max_digits": 12, "decimal_places": 3}


class StoreForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    location = forms.CharField(
        label=gettext_lazy("存放位置"), max_length=100,
        help_text=gettext_lazy("固定的存放地点，如“1栋地下室B1-03”"),
    )  # fmt: skip
    keeper = forms.ModelChoiceField(
        label=gettext_lazy("保管人"), required=False, queryset=Staff.objects.none()
    )
    locked = forms.BooleanField(label=gettext_lazy("加锁"), required=False, initial=True)
    out_of_reach = forms.BooleanField(
        label=gettext_lazy("儿童无法接触"), required=False, initial=True
    )

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keeper"].queryset = Staff.objects.filter(estates=estate, is_active=True)


class ProductForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("类别"), choices=ProductKind.choices)
    spec = forms.CharField(label=gettext_lazy("规格"), max_length=60, required=False)
    unit = forms.CharField(label=gettext_lazy("单位"), max_length=10,
                           help_text=gettext_lazy("如 瓶、升、千克、盒"))  # fmt: skip
    eco_compliant = forms.BooleanField(label=gettext_lazy("符合环保要求"), required=False)
    compliance_note = forms.CharField(
        label=gettext_lazy("环保依据"), max_length=200, required=False,
        help_text=gettext_lazy("如环保认证、农药登记证号；不符合环保要求的物料不能领用"),
    )  # fmt: skip
    minimum = forms.DecimalField(label=gettext_lazy("最低库存"), min_value=0, initial=0, **QTY)


class StockInForm(forms.Form):
    quantity = forms.DecimalField(label=gettext_lazy("数量"), min_value=0, **QTY)
    purpose = forms.CharField(label=gettext_lazy("来源"), max_length=200, required=False,
                              help_text=gettext_lazy("供应商、送货单号"))  # fmt: skip


class StockOutForm(forms.Form):
    quantity = forms.DecimalField(label=gettext_lazy("数量"), min_value=0, **QTY)
    purpose = forms.CharField(label=gettext_lazy("用途"), max_length=200,
                              help_text=gettext_lazy("退回/报废时填写原因"))  # fmt: skip
    dispose = forms.BooleanField(label=gettext_lazy("退回/报废"), required=False)


class AdjustForm(forms.Form):
    counted = forms.DecimalField(label=gettext_lazy("实盘数量"), min_value=0, **QTY)
    reason = forms.CharField(label=gettext_lazy("盘点差异原因"), max_length=180)


class ProductFilter(forms.Form):
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    store = forms.ModelChoiceField(
        label=gettext_lazy("存放点"), required=False, queryset=Store.objects.none()
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("类别"), required=False, choices=BLANK + ProductKind.choices
    )
    low = forms.BooleanField(label=gettext_lazy("仅看低于最低库存"), required=False)

    def __init__(self, *args, estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(estate=estate)
        self.fields["store"].empty_label = _("全部")


class MovementFilter(ProductFilter):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"), required=False, choices=BLANK + MovementKind.choices
    )
    since = forms.DateField(label=gettext_lazy("从"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label=gettext_lazy("到"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["low"]


def _may_write(request) -> bool:
    actor = actor_for(request.user)
    return actor.is_superuser or actor.role in services.STORE_WRITE_ROLES


def _page(request, template: str, context: dict, estate):
    return render_local(request, f"environment/stores/{template}", context, estate)


@require_GET
@estate_page
def store_list(request, estate):
    stores = selectors.store_list(actor=actor_for(request.user), estate_id=estate.pk)
    context = {
        "estate": estate, "stores": stores, "may_write": _may_write(request),
        "low": selectors.products_below_minimum(estate),
    }  # fmt: skip
    return _page(request, "list.html", context, estate)


def _store_form(request, estate, store=None):
    if not _may_write(request):
        raise PermissionDenied(_("存放点和物料由环境管理部负责人登记"))
    initial = {}
    if store is not None:
        initial = {f: getattr(store, f) for f in ("name", "location", "keeper", "locked",
                                                  "out_of_reach")}  # fmt: skip
    form = StoreForm(request.POST or None, estate=estate, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if store is None:
                store = services.store_create(estate=estate, by=request.user, **form.cleaned_data)
            else:
                services.store_update(store=store, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存存放点 %(name)s") % {"name": store.name})
            return redirect("environment:store_detail", pk=store.pk)
    title = _("修改存放点") if store else _("登记存放点")
    return _page(request, "form.html", {"form": form, "title": title, "estate": estate,
                                        "back": _back(store)}, estate)  # fmt: skip


def _back(store=None, product=None) -> str:
    from django.urls import reverse

    if product is not None:
        return reverse("environment:store_detail", args=[product.store_id])
    if store is not None:
        return reverse("environment:store_detail", args=[store.pk])
    return reverse("environment:store_list")


@estate_page
def store_create(request, estate):
    return _store_form(request, estate)


@staff_required
def store_edit(request, pk: int):
    store = selectors.store_get_for_user(request.user, pk)
    return _store_form(request, store.estate, store)


@require_GET
@staff_required
def store_detail(request, pk: int):
    store = selectors.store_get_for_user(request.user, pk)
    actor = actor_for(request.user)
    context = {
        "store": store, "estate": store.estate, "may_write": _may_write(request),
        "products": selectors.product_list(actor=actor, store_id=store.pk, active=None),
        "checks": selectors.check_list(actor=actor, store_id=store.pk)[:12],
        "task": checks.store_check_task(store),
        "may_check": checks.may_check(actor, store),
    }  # fmt: skip
    return _page(request, "detail.html", context, store.estate)


@staff_required
def store_check(request, pk: int):
    """CLEAN-17: the monthly check form (phone-friendly)."""
    store = selectors.store_get_for_user(request.user, pk)
    errors: dict = {}
    if request.method == "POST":
        try:
            photos = attachments_from_request(request)
            checks.store_check_record(
                store=store, by=request.user, photo=photos[0] if photos else None,
                note=request.POST.get("note", ""),
                **{k: request.POST.get(k) in ("1", "on") for k in checks.CHECK_ITEMS},
            )  # fmt: skip
        except ValidationError as error:
            errors = error.message_dict
        except Conflict as error:
            messages.error(request, str(error))
            return redirect("environment:store_detail", pk=store.pk)
        else:
            messages.success(request, _("已提交 %(name)s 本月检查") % {"name": store.name})
            return redirect("environment:store_detail", pk=store.pk)
    items = [
        ("fixed_place", _("定点存放（物料都在本存放点内）")),
        ("locked", _("已加锁")),
        ("out_of_reach", _("儿童无法接触")),
        ("labelled", _("物料标识清楚")),
    ]
    context = {"store": store, "estate": store.estate, "errors": errors, "post": request.POST,
               "items": items, "task": checks.store_check_task(store)}  # fmt: skip
    return _page(request, "check.html", context, store.estate)


def _product_form(request, store, product=None):
    if not _may_write(request):
        raise PermissionDenied(_("存放点和物料由环境管理部负责人登记"))
    fields = ("name", "kind", "spec", "unit", "eco_compliant", "compliance_note", "minimum")
    initial = {f: getattr(product, f) for f in fields} if product else {}
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if product is None:
                product = services.product_create(store=store, by=request.user,
                                                  **form.cleaned_data)  # fmt: skip
            else:
                services.product_update(product=product, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存物料 %(name)s") % {"name": product})
            return redirect("environment:store_detail", pk=store.pk)
    title = _("修改物料") if product else _("登记物料")
    context = {"form": form, "title": f"{title} · {store.name}", "estate": store.estate,
               "back": _back(store)}  # fmt: skip
    return _page(request, "form.html", context, store.estate)


@staff_required
def product_create(request, pk: int):
    return _product_form(request, selectors.store_get_for_user(request.user, pk))


@staff_required
def product_edit(request, pk: int):
    product = selectors.product_get_for_user(request.user, pk)
    return _product_form(request, product.store, product)


def _movement_form(request, pk: int, form_class, title, run):
    product = selectors.product_get_for_user(request.user, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run(product, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已办理：%(name)s") % {"name": product})
            return redirect("environment:store_detail", pk=product.store_id)
    context = {"form": form, "title": f"{title} · {product}", "estate": product.store.estate,
               "product": product, "back": _back(product=product)}  # fmt: skip
    return _page(request, "form.html", context, product.store.estate)


@staff_required
def stock_in(request, pk: int):
    return _movement_form(request, pk, StockInForm, _("入库"), lambda p, data: services.stock_in(
        product=p, by=request.user, **data))  # fmt: skip


@staff_required
def stock_out(request, pk: int):
    return _movement_form(request, pk, StockOutForm, _("出库"), lambda p, data: services.stock_out(
        product=p, by=request.user, **data))  # fmt: skip


@staff_required
def stock_adjust(request, pk: int):
    return _movement_form(request, pk, AdjustForm, _("盘点调整"),
                          lambda p, data: services.stock_adjust(product=p, by=request.user,
                                                                **data))  # fmt: skip


def _products(request, estate):
    form = ProductFilter(request.GET or None, estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.product_list(
        actor=actor_for(request.user), estate_id=estate.pk,
        store_id=data["store"].pk if data.get("store") else None, kind=data.get("kind", ""),
        low=bool(data.get("low")), q=data.get("q", ""),
    )  # fmt: skip
    return form, qs


@require_GET
@estate_page
def product_list(request, estate):
    form, qs = _products(request, estate)
    context = {"estate": estate, "filter_form": form, "page": paginate(request, qs)}
    return render_list(request, "environment/stores/products.html",
                       "environment/stores/product_rows.html", context)  # fmt: skip


@require_GET
@estate_page
def product_export(request, estate):
    _form, qs = _products(request, estate)
    return stock_xlsx(qs, estate.name)


def _movements(request, estate):
    form = MovementFilter(request.GET or None, estate=estate)
    data = form.cleaned_data if form.is_valid() else {}
    qs = selectors.movement_list(
        actor=actor_for(request.user), estate_id=estate.pk,
        store_id=data["store"].pk if data.get("store") else None, kind=data.get("kind", ""),
        since=data.get("since"), until=data.get("until"), zone=estate_tz(estate),
        q=data.get("q", ""),
    )  # fmt: skip
    return form, qs


@require_GET
@estate_page
def movement_list(request, estate):
    form, qs = _movements(request, estate)
    context = {"estate": estate, "filter_form": form, "page": paginate(request, qs)}
    with timezone.override(estate_tz(estate)):
        return render_list(request, "environment/stores/movements.html",
                           "environment/stores/movement_rows.html", context)  # fmt: skip


@require_GET
@estate_page
def movement_export(request, estate):
    _form, qs = _movements(request, estate)
    return movements_xlsx(qs, estate.name)


@require_GET
@estate_page
def store_check_list(request, estate):
    qs = selectors.check_list(actor=actor_for(request.user), estate_id=estate.pk)
    context = {"estate": estate, "page": paginate(request, qs)}
    return _page(request, "checks.html", context, estate)


urlpatterns = [
    path("stores/", store_list, name="store_list"),
    path("stores/new/", store_create, name="store_create"),
    path("stores/checks/", store_check_list, name="store_check_list"),
    path("stores/<int:pk>/", store_detail, name="store_detail"),
    path("stores/<int:pk>/edit/", store_edit, name="store_edit"),
    path("stores/<int:pk>/check/", store_check, name="store_check"),
    path("stores/<int:pk>/products/new/", product_create, name="product_create"),
    path("products/", product_list, name="product_list"),
    path("products/export.xlsx", product_export, name="product_export"),
    path("products/<int:pk>/edit/", product_edit, name="product_edit"),
    path("products/<int:pk>/in/", stock_in, name="stock_in"),
    path("products/<int:pk>/out/", stock_out, name="stock_out"),
    path("products/<int:pk>/adjust/", stock_adjust, name="stock_adjust"),
    path("movements/", movement_list, name="movement_list"),
    path("movements/export.xlsx", movement_export, name="movement_export"),
]
