"""Forms of the residents' complaint pages (phone first). They shape the input and catch the
obvious mistakes before any photo is stored; the complaint rules (my room, my estate, the APP
channel, the contact phone, who may rate or reopen and until when) live in the services, whose
ValidationError lands next to the field here."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuye.complaints.choices import ComplaintType
from wuye.complaints.models import CONTENT_MAX
from wuye.complaints.services.complaints import PHONE_RE
from wuye.core.models import Room
from wuye.core.validators import normalize_mobile

MAX_PHOTOS = 6
NOTE_MAX = 1000
SCORES = [(n, str(n)) for n in range(5, 0, -1)]  # 5 first: the stars are laid out right to left


def _plain_newlines(text: str) -> str:
    # A browser posts a textarea's line breaks as CRLF; the counter on the page counts one
    # character per break, so the limit must too.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ComplaintForm(forms.Form):
    """我要投诉 — a resident's complaint (COMPLAINT-05/06). The urgency is not asked: the desk
    classifies (COMPLAINT-07), a resident's complaint starts as general."""

    type = forms.ChoiceField(
        label=_("投诉类型"),
        choices=ComplaintType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择投诉类型")},
    )
    type_other = forms.CharField(
        label=_("其他类型说明"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：装修噪音、邻里纠纷")}),
    )
    room = forms.ChoiceField(label=_("涉及房屋"), required=False)
    content = forms.CharField(
        label=_("投诉内容"),
        widget=forms.Textarea(
            attrs={
                "rows": 7,
                "placeholder": _("请写下发生了什么、在哪里、从什么时候开始，以及您希望怎样解决。"),
                "data-counter-max": CONTENT_MAX,
                "aria-describedby": "content-counter",
            }
        ),
        error_messages={"required": _("请写下您要反映的问题")},
    )
    contact_name = forms.CharField(
        label=_("联系人"),
        max_length=50,
        error_messages={"required": _("请填写联系人")},
    )
    contact_phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("请填写联系电话")},
    )

    field_order = ["type", "type_other", "room", "content", "contact_name", "contact_phone"]

    def __init__(self, *args, rooms: list[Room], **kwargs):
        super().__init__(*args, **kwargs)
        self.rooms = {r.pk: r for r in rooms}
        # Residents of rooms in more than one estate name the room: it says which estate.
        self.room_required = len({r.estate_id for r in rooms}) > 1
        empty = _("请选择房屋") if self.room_required else _("不涉及具体房屋")
        self.fields["room"].choices = [("", empty)] + [
            (str(r.pk), f"{r.estate.name} {r.label}" if self.room_required else r.label)
            for r in rooms
        ]
        self.fields["room"].required = self.room_required
        self.fields["room"].error_messages["required"] = _(
            "您在多个小区有房屋，请选择这次投诉涉及的房屋"
        )

    def clean_content(self) -> str:
        text = _plain_newlines(self.cleaned_data["content"]).strip()
        if len(text) > CONTENT_MAX:
            raise ValidationError(
                _("投诉内容不能超过 %(limit)d 字，现有 %(n)d 字，请删减 %(over)d 字后再提交")
                % {"limit": CONTENT_MAX, "n": len(text), "over": len(text) - CONTENT_MAX}
            )
        return text

    def clean_contact_phone(self) -> str:
        # The service's own pattern, checked before any photo is stored.
        phone = normalize_mobile(self.cleaned_data["contact_phone"])
        if not PHONE_RE.match(phone):
            raise ValidationError(_("请填写手机号或座机号，如 13800138000 或 0571-88886666"))
        return phone

    def clean_room(self) -> Room | None:
        value = self.cleaned_data.get("room") or ""
        if not value:
            return None
        room = self.rooms.get(int(value)) if value.isdigit() else None
        if room is None:
            raise ValidationError(_("请选择您自己的房屋"))
        return room

    def clean(self) -> dict:
        data = super().clean()
        # The estate complained about: the room's, or the only one the resident lives in.
        room = data.get("room")
        data["estate"] = room.estate if room is not None else next(iter(self.rooms.values())).estate
        if data.get("type") == ComplaintType.OTHER:
            if not data.get("type_other", "").strip() and "type_other" not in self.errors:
                self.add_error("type_other", _("选择“其他”时请写明投诉类型"))
        else:
            data["type_other"] = ""
        return data


class RateForm(forms.Form):
    """评价 — after the reply: how satisfied the resident is, 1–5 stars, and a word."""

    satisfaction = forms.TypedChoiceField(
        label=_("满意度"), choices=SCORES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("请点星星为处理结果打分")},
    )  # fmt: skip
    comment = forms.CharField(
        label=_("评价意见"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("选填：说说您的感受和建议")}),
    )


class ReopenForm(forms.Form):
    """不满意，要求重新处理 — the reason goes with the new, linked complaint."""

    note = forms.CharField(
        label=_("不满意的原因"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("如：电梯上周修好后又出现同样的故障")}
        ),
        error_messages={"required": _("请说明哪里还不满意，方便我们重新处理")},
    )

    def clean_note(self) -> str:
        return _plain_newlines(self.cleaned_data["note"]).strip()


class CommentForm(forms.Form):
    """补充说明 — more detail for the people handling the complaint (never internal)."""

    note = forms.CharField(
        label=_("补充内容"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("如：今天早上8点又出现了，可随时联系我")}
        ),
        error_messages={"required": _("请填写补充说明")},
    )

    def clean_note(self) -> str:
        return _plain_newlines(self.cleaned_data["note"]).strip()
