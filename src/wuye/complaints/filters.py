"""The filters of the desk's complaint list (and its .xlsx export).

The FilterSet only shapes and validates the query string; the filtering itself is
``selectors.complaint_list``, the one place that knows what each filter means.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import Case, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wuye.complaints.selectors.complaints import complaint_list, with_next_due
from wuye.complaints.services.complaints import HANDLING_DEPARTMENTS
from wuye.core.filters import search_input
from wuye.core.models import Estate
from wuye.core.scoping import Actor
from wuye.workflow.models import SlaClock

from .choices import Channel, ComplaintType, Status, Urgency
from .models import Complaint

# The quick tabs above the list: (value, label, filters given to the selector).
TABS: tuple[tuple[str, str, dict], ...] = (
    ("", _("全部"), {}),
    ("assign", _("待分派"), {"status": [Status.WAITING_ASSIGN]}),
    ("handling", _("处理中"), {"status": [Status.HANDLING]}),
    ("approval", _("待审批"), {"status": [Status.WAITING_APPROVAL]}),
    ("reply", _("待回复"), {"status": [Status.WAITING_REPLY]}),
    ("overdue", _("超时"), {"overdue": True}),
)
SORTS = (("due", _("按紧急程度和到期时间")), ("new", _("最新受理")))


def _checkbox(label) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(
        label=label, method="keep", widget=forms.CheckboxInput(attrs={"value": "1"})
    )


def _date(label) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label, method="keep",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )  # fmt: skip


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"), method="keep", widget=search_input(_("投诉单号、内容、联系人或电话"))
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Status.choices, method="keep", empty_label=_("全部状态")
    )
    type = django_filters.ChoiceFilter(
        label=_("投诉类型"), choices=ComplaintType.choices, method="keep",
        empty_label=_("全部类型"),
    )  # fmt: skip
    urgency = django_filters.ChoiceFilter(
        label=_("紧急程度"), choices=Urgency.choices, method="keep", empty_label=_("全部")
    )
    department = django_filters.ChoiceFilter(
        label=_("责任部门"), method="keep", empty_label=_("全部部门"),
        choices=[(k.value, k.label) for k in HANDLING_DEPARTMENTS],
    )  # fmt: skip
    channel = django_filters.ChoiceFilter(
        label=_("投诉渠道"), choices=Channel.choices, method="keep", empty_label=_("全部渠道")
    )
    received_from = _date(_("受理日期从"))
    received_to = _date(_("至"))
    open_only = _checkbox(_("仅看未完成"))
    overdue = _checkbox(_("仅看超时"))
    major = _checkbox(_("仅看重大投诉"))
    tab = django_filters.ChoiceFilter(
        choices=[(value, label) for value, label, _f in TABS if value],
        method="keep",
        widget=forms.HiddenInput,
    )
    sort = django_filters.ChoiceFilter(
        label=_("排序"), choices=SORTS, method="keep", empty_label=None
    )

    class Meta:
        model = Complaint
        fields: list[str] = []

    def __init__(self, data=None, *, actor: Actor, estate: Estate, department: str = "", **kwargs):
        """``department``: the department shown when the URL names none (the staff member's
        own, for staff outside the desk)."""
        if department and (data is None or "department" not in data):
            data = data.copy() if data is not None else {}
            data["department"] = department
        super().__init__(data, queryset=Complaint.objects.none(), **kwargs)
        self.actor, self.estate = actor, estate

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset  # the selector applies the filters (see ``qs``)

    def selector_args(self, *, with_tab: bool = True) -> dict:
        """The cleaned filters as ``complaint_list`` takes them; invalid values are dropped
        (a hand-edited URL shows the list, not an error)."""
        self.form.is_valid()
        data = {k: v for k, v in self.form.cleaned_data.items() if k not in self.form.errors}
        tz = ZoneInfo(self.estate.time_zone or "Asia/Shanghai")

        def start_of(day: dt.date | None) -> dt.datetime | None:
            return dt.datetime.combine(day, dt.time.min, tzinfo=tz) if day else None

        to_day = data.get("received_to")
        args: dict = {
            "q": (data.get("q") or "").strip(),
            "status": data.get("status") or "",
            "type": data.get("type") or "",
            "urgency": data.get("urgency") or "",
            "department": data.get("department") or "",
            "channel": data.get("channel") or "",
            "received_from": start_of(data.get("received_from")),
            # The "to" date is inclusive on screen, exclusive for the selector: the next midnight.
            "received_to": start_of(to_day + dt.timedelta(days=1)) if to_day else None,
            "open_only": bool(data.get("open_only")),
            "overdue": bool(data.get("overdue")),
            "major": bool(data.get("major")),
        }
        if with_tab:
            args = _with_tab(args, data.get("tab") or "")
        return args

    @property
    def current_tab(self) -> str:
        self.form.is_valid()
        return self.form.cleaned_data.get("tab") or ""

    @property
    def qs(self) -> QuerySet[Complaint]:
        if not hasattr(self, "_qs"):
            complaints = complaint_list(
                actor=self.actor, estate_id=self.estate.pk, **self.selector_args()
            )
            self._qs = annotate_deadlines(complaints, sort=self.form.cleaned_data.get("sort"))
        return self._qs

    def tab_counts(self) -> dict[str, int]:
        """How many complaints each quick tab holds with the other filters applied."""
        args = self.selector_args(with_tab=False)
        return {
            value: complaint_list(
                actor=self.actor, estate_id=self.estate.pk, **_with_tab(args, value)
            ).count()
            for value, _label, _filters in TABS
        }


def _with_tab(args: dict, tab: str) -> dict:
    args = dict(args)
    for key, value in dict((v, f) for v, _label, f in TABS).get(tab, {}).items():
        if key == "status" and args["status"]:
            # A status picked in the filters narrows the tab's statuses.
            value = [s for s in value if s == args["status"]] or ["-"]
        args[key] = value
    return args


def annotate_deadlines(
    complaints: QuerySet[Complaint], *, sort: str | None = None, now: dt.datetime | None = None
) -> QuerySet:
    """The next due time of a clock still counting (an overdue one included), when it warns, the
    assignment deadline (COMPLAINT-08) and whether a deadline has been missed (超时: a breached
    clock not stopped), for the badges of a list.

    The work list's order (issue 13, UX.md "what is about to breach, what breached"): the
    overdue first, then the rest still running, then the finished; within the first two, urgent
    before general (COMPLAINT-07), then the nearest due time (the most overdue first)."""
    now = now or timezone.now()
    breached = SlaClock.objects.filter(
        case_id=OuterRef("case_id"), state="breached", stopped_at__isnull=True
    )
    running = Q(case__clocks__state="running")
    complaints = with_next_due(complaints).annotate(
        next_warn=Min("case__clocks__warn_at", filter=running),
        assign_due=Min(
            "case__clocks__due_at",
            filter=Q(
                case__clocks__key="assign",
                case__clocks__state__in=("running", "breached"),
                case__clocks__stopped_at__isnull=True,
            ),
        ),
        breached=Exists(breached),
    )
    if sort == "new":
        return complaints.order_by("-received_at", "-id")
    complaints = complaints.annotate(
        work_rank=Case(
            When(Q(breached=True) | Q(next_due__lte=now), then=0),
            When(next_due__isnull=False, then=1),
            default=2,
            output_field=IntegerField(),
        ),
        urgency_rank=Case(
            When(Q(urgency=Urgency.URGENT) & Q(next_due__isnull=False), then=0),
            default=1,
            output_field=IntegerField(),
        ),
    )
    return complaints.order_by(
        "work_rank", "urgency_rank", F("next_due").asc(nulls_last=True), "-received_at", "-id"
    )
