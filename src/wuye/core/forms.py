"""Forms of the core pages. They only shape input; the rules (valid mobile, ID check code, area,
who may write) live in the services, whose ValidationError lands next to the field here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import Relation, RoomUse
from .models import Building, Estate, Unit


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: by field where the form has that field,
    otherwise at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for message in messages:
            form.add_error(target, message)


class ResidentRegisterForm(forms.Form):
    """登记住户 — register a person in a room (services.resident_register)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    relation = forms.ChoiceField(label=_("关系"), choices=Relation.choices, initial=Relation.OWNER)
    start_date = forms.DateField(
        label=_("起始日期"),
        required=False,
        help_text=_("不填则为今天"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RoomForm(forms.Form):
    """新增房屋 — a room of the current estate (services.room_create)."""

    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), empty_label=_("请选择楼栋")
    )
    unit = forms.ModelChoiceField(
        label=_("单元"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("无单元"),
    )
    number = forms.CharField(label=_("房号"), max_length=20, help_text=_("如 301"))
    floor = forms.IntegerField(label=_("楼层"), min_value=-10, max_value=200)
    area = forms.CharField(
        label=_("建筑面积(m²)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("如 89.50"),
    )
    use = forms.ChoiceField(label=_("用途"), choices=RoomUse.choices, initial=RoomUse.RESIDENTIAL)

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        limit_places_to_estate(self, estate)


def limit_places_to_estate(form: forms.Form, estate: Estate) -> None:
    """Offer only the estate's buildings and units in a form's ``building`` / ``unit`` fields."""
    form.fields["building"].queryset = Building.objects.filter(estate=estate).order_by(
        "sort", "name"
    )
    form.fields["unit"].queryset = (
        Unit.objects.filter(estate=estate)
        .select_related("building")
        .order_by("building__sort", "building__name", "sort", "name")
    )


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("资料文件(.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("请上传 .xlsx 格式的文件（可先下载模板）"))
        return upload
