"""Forms of the notify pages. They only shape input; the rules (audience within the estate,
expiry after publishing, who may post) live in ``notices.notice_create``, whose
ValidationError lands next to the field here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.core.forms import limit_places_to_estate
from wuye.core.models import Building, Estate, Unit

from .choices import Channel, NoticeCategory, NoticeStatus
from .models import Notice

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class NoticeForm(forms.Form):
    """发布公告 — a notice of the current estate (notices.notice_create)."""

    title = forms.CharField(label=_("标题"), max_length=100)
    category = forms.ChoiceField(
        label=_("类别"), choices=NoticeCategory.choices, initial=NoticeCategory.GENERAL
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"),
        queryset=Building.objects.none(),
        required=False,
        empty_label=_("全体住户"),
        help_text=_("不选则面向全项目"),
    )
    unit = forms.ModelChoiceField(
        label=_("单元"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("整栋"),
        help_text=_("只面向某一单元时选择"),
    )
    publish_at = forms.DateTimeField(
        label=_("发布时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_INPUT,
        help_text=_("不填则立即发布；填写将来的时间则定时发布"),
    )
    expires_at = forms.DateTimeField(
        label=_("截止时间"),
        required=False,
        input_formats=DATETIME_FORMATS,
        widget=DATETIME_INPUT,
        help_text=_("到期后住户不再看到；不填则一直显示"),
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=Notice._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("空一行分段"),
    )
    notify_residents = forms.BooleanField(
        label=_("发布时通知住户"), required=False, help_text=_("发送给公告范围内的在住住户")
    )
    channels = forms.MultipleChoiceField(
        label=_("通知渠道"),
        choices=[(Channel.INBOX, Channel.INBOX.label), (Channel.SMS, Channel.SMS.label)],
        initial=[Channel.INBOX],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        limit_places_to_estate(self, estate)


class NoticeFilterForm(forms.Form):
    """The filters of the staff list (kept in the URL)."""

    search = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("标题或正文"), "autocomplete": "off"}
        ),
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *NoticeStatus.choices]
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *NoticeCategory.choices]
    )

    def filters(self) -> dict[str, str]:
        """The valid filters; an invalid value (a hand-edited URL) is ignored."""
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value}
