"""Forms of the resident portal and the QR-code report. They only shape input; the repair rules
(place in my estate, contact phone, classification, confirmed amount, scores) live in the
services, whose ValidationError lands next to the field here (``add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import PublicAreaKind
from wuye.core.models import PublicArea, Room
from wuye.core.validators import normalize_mobile
from wuye.repairs.choices import Category
from wuye.repairs.services import PHONE_RE

MAX_PHOTOS = 6
SCORES = [(n, str(n)) for n in range(5, 0, -1)]  # 5 first: the stars are laid out right to left

# The place field's values: "room:<id>" or "pa:<id>".
ROOM, PUBLIC_AREA = "room", "pa"


def place_value(place: Room | PublicArea) -> str:
    return f"{ROOM if isinstance(place, Room) else PUBLIC_AREA}:{place.pk}"


def category_for_area(area: PublicArea) -> str:
    """The category a report from a public area starts with (the desk may reclassify)."""
    return Category.ELEVATOR if area.kind == PublicAreaKind.ELEVATOR else Category.PUBLIC


class ContactMixin(forms.Form):
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_contact_phone(self) -> str:
        # The service's own pattern, checked before any photo is stored.
        phone = normalize_mobile(self.cleaned_data["contact_phone"])
        if not PHONE_RE.match(phone):
            raise ValidationError(_("请填写手机号或座机号，如 13800138000 或 0571-88886666"))
        return phone


class DescriptionMixin(forms.Form):
    description = forms.CharField(
        label=_("问题描述"),
        max_length=1000,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("如：卫生间水管漏水，地面有积水"),
                   "data-emergency-input": ""}
        ),
        error_messages={"required": _("请填写报修内容，如“水管漏水”")},
    )  # fmt: skip


class ReportForm(DescriptionMixin, ContactMixin):
    """我要报修 — a resident's report for one of their rooms or a public area of their estate."""

    place = forms.ChoiceField(label=_("报修位置"))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices, initial=Category.OTHER)
    preferred_time = forms.CharField(
        label=_("期望上门时间"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：工作日晚上7点后"), "list": "times"}),
    )

    field_order = ["place", "description", "category", "contact_name", "contact_phone",
                   "preferred_time"]  # fmt: skip

    def __init__(self, *args, rooms, public_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms = {r.pk: r for r in rooms}
        self.public_areas = {a.pk: a for a in public_areas}
        choices: list = [("", _("请选择报修位置"))]
        if self.rooms:
            choices.append(
                (_("我的房屋"), [(place_value(r), r.label) for r in self.rooms.values()])
            )
        if self.public_areas:
            choices.append(
                (
                    _("公共区域"),
                    [(place_value(a), a.name) for a in self.public_areas.values()],
                )
            )
        self.fields["place"].choices = choices

    def clean_place(self) -> Room | PublicArea:
        kind, _sep, pk = self.cleaned_data["place"].partition(":")
        found = {ROOM: self.rooms, PUBLIC_AREA: self.public_areas}.get(kind, {})
        place = found.get(int(pk)) if pk.isdigit() else None
        if place is None:
            raise ValidationError(_("请选择报修位置"))
        return place


class QrReportForm(DescriptionMixin, ContactMixin):
    """The short form behind a QR code: the place is fixed by the code (a building's code
    without a lobby lets the reporter pick among that building's public areas)."""

    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    public_area = forms.ModelChoiceField(
        label=_("具体位置"), queryset=PublicArea.objects.none(), empty_label=_("请选择")
    )

    field_order = ["public_area", "description", "category", "contact_name", "contact_phone"]

    def __init__(self, *args, area: PublicArea | None, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        if area is not None:
            del self.fields["public_area"]
            self.fields["category"].initial = category_for_area(area)
        else:
            self.fields["public_area"].queryset = choices
            self.fields["category"].initial = Category.PUBLIC

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["place"] = self.area or cleaned.get("public_area")
        return cleaned


class RejectForm(forms.Form):
    """验收不通过 — REPAIR-10: the owner says what is still wrong."""

    note = forms.CharField(
        label=_("不通过原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：水管接口仍在滴水")}),
        error_messages={"required": _("请填写验收不通过的原因")},
    )


class RateForm(forms.Form):
    """评价 — REPAIR-12: satisfaction, repair quality and service attitude, 1–5 stars."""

    satisfaction = forms.TypedChoiceField(
        label=_("总体满意度"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("请为总体满意度打分")},
    )  # fmt: skip
    quality = forms.TypedChoiceField(
        label=_("维修质量"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("请为维修质量打分")},
    )  # fmt: skip
    attitude = forms.TypedChoiceField(
        label=_("服务态度"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("请为服务态度打分")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("意见和建议"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    """留言 — a message on the order, seen by the desk and the technician."""

    note = forms.CharField(
        label=_("留言内容"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：下午3点后家里有人")}),
        error_messages={"required": _("请填写留言内容")},
    )
