"""The filters of the desk's repair-order list (and its .xlsx export).

The FilterSet only shapes and validates the query string; the filtering itself is
``selectors.repair_order_list``, the one place that knows what each filter means.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from wuye.core.filters import search_input
from wuye.core.models import Building, Estate
from wuye.core.scoping import Actor
from wuye.repairs.selectors.orders import by_urgency, repair_order_list
from wuye.workflow.models import SlaClock

from .choices import Category, Status, Urgency
from .models import RepairOrder
from .services import technicians_by_workload

# The quick tabs above the list: (value, label, filters given to the selector).
TABS: tuple[tuple[str, str, dict], ...] = (
    ("", _("全部"), {}),
    ("dispatch", _("待派单"), {"status": [Status.WAITING_DISPATCH]}),
    ("working", _("处理中"), {"status": [Status.WAITING_ACCEPT, Status.IN_PROGRESS]}),
    ("acceptance", _("待验收"), {"status": [Status.WAITING_ACCEPTANCE]}),
    ("revisit", _("待回访"), {"status": [Status.WAITING_REVISIT]}),
    ("overdue", _("超时"), {"overdue": True}),
)
SORTS = (("due", _("按紧急和到期")), ("new", _("最新报修")))


def _checkbox(label) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(
        label=label, method="keep", widget=forms.CheckboxInput(attrs={"value": "1"})
    )


class RepairOrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="keep", widget=search_input(_("工单号、报修内容、联系人或电话"))
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Status.choices, method="keep", empty_label=_("全部状态")
    )
    urgency = django_filters.ChoiceFilter(
        label=_("紧急程度"), choices=Urgency.choices, method="keep", empty_label=_("全部")
    )
    category = django_filters.ChoiceFilter(
        label=_("类别"), choices=Category.choices, method="keep", empty_label=_("全部类别")
    )
    technician = django_filters.ModelChoiceFilter(
        label=_("维修人"), queryset=get_user_model().objects.none(), method="keep",
        empty_label=_("全部维修人"),
    )  # fmt: skip
    building = django_filters.ModelChoiceFilter(
        label=_("楼栋"), queryset=Building.objects.none(), method="keep",
        empty_label=_("全部楼栋"),
    )  # fmt: skip
    reported_from = django_filters.DateFilter(
        label=_("报修日期从"), method="keep",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    reported_to = django_filters.DateFilter(
        label=_("至"), method="keep",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip
    open_only = _checkbox(_("仅看未完成"))
    overdue = _checkbox(_("仅看超时"))
    repeat = _checkbox(_("仅看返修"))
    tab = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label, _f in TABS if value],
        method="keep",
        widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=SORTS, method="keep", empty_label=None
    )

    class Meta:
        model = RepairOrder
        fields: list[str] = []

    def __init__(self, data=None, *, actor: Actor, estate: Estate, **kwargs):
        super().__init__(data, queryset=RepairOrder.objects.none(), **kwargs)
        self.actor, self.estate = actor, estate
        self.filters["building"].queryset = Building.objects.filter(estate=estate).order_by(
            "sort", "name"
        )
        self.filters["technician"].queryset = technicians_by_workload(estate).select_related(
            "staff"
        )
        self.filters["technician"].field.label_from_instance = lambda u: u.staff.name

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the selector applies the filters (see ``qs``)

    def selector_args(self, *, with_tab: bool = True) -> dict:
        """The cleaned filters as ``repair_order_list`` takes them; invalid values are dropped
        (a hand-edited URL shows the list, not an error)."""
        self.form.is_valid()
        data = {k: v for k, v in self.form.cleaned_data.items() if k not in self.form.errors}
        tz = ZoneInfo(self.estate.time_zone or "Asia/Shanghai")

        def start_of(day: dt.date | None) -> dt.datetime | None:
            return dt.datetime.combine(day, dt.time.min, tzinfo=tz) if day else None

        to_day = data.get("reported_to")
        args: dict = {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "urgency": data.get("urgency") or "",
            "category": data.get("category") or "",
            "technician": data["technician"].pk if data.get("technician") else None,
            "building": data["building"].pk if data.get("building") else None,
            "reported_from": start_of(data.get("reported_from")),
            # The "to" date is inclusive on screen, exclusive for the selector: the next midnight.
            "reported_to": start_of(to_day + dt.timedelta(days=1)) if to_day else None,
            "open_only": bool(data.get("open_only")),
            "overdue": bool(data.get("overdue")),
            "repeat": bool(data.get("repeat")),
        }
        if with_tab:
            tab = dict((value, filters) for value, _label, filters in TABS)
            for key, value in tab.get(data.get("tab") or "", {}).items():
                if key == "status" and args["status"]:
                    # A status picked in the filters narrows the tab's statuses.
                    value = [s for s in value if s == args["status"]] or ["-"]
                args[key] = value
        return args

    @property
    def current_tab(self) -> str:
        self.form.is_valid()
        return self.form.cleaned_data.get("tab") or ""

    @property
    def qs(self) -> QuerySet[RepairOrder]:
        if not hasattr(self, "_qs"):
            orders = repair_order_list(
                actor=self.actor, estate_id=self.estate.pk, **self.selector_args()
            )
            self._qs = annotate_deadlines(orders, sort=self.form.cleaned_data.get("sort"))
        return self._qs

    def tab_counts(self) -> dict[str, int]:
        """How many orders each quick tab holds with the other filters applied."""
        args = self.selector_args(with_tab=False)
        counts = {}
        for value, _label, filters in TABS:
            tab_args = {**args, **filters}
            if "status" in filters and args["status"]:
                tab_args["status"] = [s for s in filters["status"] if s == args["status"]] or ["-"]
            counts[value] = repair_order_list(
                actor=self.actor, estate_id=self.estate.pk, **tab_args
            ).count()
        return counts


def annotate_deadlines(
    orders: QuerySet[RepairOrder], *, sort: str | None = None, now: dt.datetime | None = None
) -> QuerySet:
    """The next due time of a clock still counting, when it warns, and whether a deadline has
    been missed (超时: a breached clock not stopped), for the badges of a list. Sorted as every
    work list (``selectors.by_urgency``: overdue first, then emergencies, then the nearest due,
    the finished ones last), or newest first."""
    breached = SlaClock.objects.filter(
        case_id=OuterRef("case_id"), state="breached", stopped_at__isnull=True
    )
    orders = by_urgency(orders, now).annotate(breached=Exists(breached))
    if sort == "new":
        return orders.order_by("-reported_at", "-id")
    return orders
