"""Forms of the complaint desk pages. They shape the input for the services; the rules (content
length, contact details, who handles, what a reply must say…) live in ``services``, whose
ValidationError lands next to the field here (``wuye.core.forms.add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from wuye.complaints.choices import (
    SUGGESTED_DEPARTMENT,
    Channel,
    ComplaintType,
    ReplyChannel,
    Urgency,
)
from wuye.complaints.models import CONTENT_MAX, REPLY_MAX, RESOLUTION_MAX, Complaint
from wuye.complaints.processes import COMPLAINT
from wuye.complaints.services.complaints import HANDLING_DEPARTMENTS
from wuye.complaints.services.replies import TEMPLATES, render_reply, template_for
from wuye.core.choices import DepartmentKind
from wuye.core.models import Building, Estate, Staff
from wuye.core.selectors import find_rooms
from wuye.core.validators import NOTE_MAX

DEPARTMENTS = [(k.value, k.label) for k in HANDLING_DEPARTMENTS]
SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]
# The channels of a complaint taken at the desk (residents use the APP, systems the API).
DESK_CHANNELS = [(c.value, c.label) for c in (Channel.PHONE, Channel.COUNTER, Channel.EMAIL)]


def _text(placeholder="", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, "autocomplete": "off", **attrs})


def _area(rows=2, **attrs) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


def suggested_department(type_: str) -> str:
    """Step 3: the department a complaint of this type usually goes to."""
    try:
        return SUGGESTED_DEPARTMENT[ComplaintType(type_)].value
    except ValueError:
        return DepartmentKind.CUSTOMER_SERVICE.value


# --- Intake (COMPLAINT-05/06/07) ----------------------------------------------------------------


class ComplaintIntakeForm(forms.Form):
    """登记投诉 — a call, a visit or a letter at the desk, classified, optionally assigned."""

    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False,
        empty_label=_("全部楼栋"),
    )  # fmt: skip
    room = forms.CharField(
        label=_("房号"), max_length=40, required=False, widget=_text(_("如 1-2-301 或 301")),
        help_text=_("可不填；填写后自动查找房屋和业主"),
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("投诉渠道"), choices=DESK_CHANNELS, initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )  # fmt: skip
    contact_name = forms.CharField(label=_("联系人"), max_length=50, widget=_text())
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=_text("13800138000", inputmode="tel")
    )
    contact_email = forms.EmailField(
        label=_("电子邮箱"), required=False,
        widget=forms.EmailInput(attrs={"placeholder": "name@example.com", "autocomplete": "off"}),
        help_text=_("邮件投诉必填，回复会寄到这个邮箱"),
        error_messages={"invalid": _("请填写正确的邮箱地址，如 name@example.com")},
    )  # fmt: skip
    content = forms.CharField(
        label=_("投诉内容"), strip=True,
        # COMPLAINT-16: no maxlength — the browser would cut a long account off silently; the
        # counter warns and the service refuses more than CONTENT_MAX with the text kept.
        widget=_area(6, placeholder=_("如：1栋301室业主投诉电梯经常故障，上周已停运两次"),
                     **{"data-counter-max": CONTENT_MAX}),
        error_messages={"required": _("请填写投诉内容")},
    )  # fmt: skip
    type = forms.ChoiceField(
        label=_("投诉类型"), choices=[("", _("请选择投诉类型")), *ComplaintType.choices],
        error_messages={"required": _("请选择投诉类型")},
    )  # fmt: skip
    type_other = forms.CharField(
        label=_("其他类型说明"), max_length=50, required=False, widget=_text(_("如：停车管理"))
    )
    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.GENERAL,
        widget=forms.RadioSelect,
        help_text=_("一般投诉 3 个工作日内处理完毕，紧急投诉（如“家里漏水”）1 个工作日内"),
    )  # fmt: skip
    assign_now = forms.BooleanField(label=_("登记后立即分派"), required=False)
    department = forms.ChoiceField(
        label=_("责任部门"), choices=[("", _("按投诉类型建议")), *DEPARTMENTS], required=False
    )

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by(
            "sort", "name"
        )

    def clean(self):
        data = super().clean()
        data["room_obj"] = None
        text = (data.get("room") or "").strip()
        if text:
            rooms = list(find_rooms(self.estate, text, data.get("building"))[:6])
            if not rooms:
                self.add_error("room", _("本项目没有找到这个房号，请核对楼栋、单元和房号"))
            elif len(rooms) > 1:
                self.add_error("room", _("有多套房屋符合，请输入完整的楼栋-单元-房号，如 1-2-301"))
            else:
                # The service makes the room's resident with this mobile the complainant.
                data["room_obj"] = rooms[0]
        if data.get("assign_now") and not data.get("department") and data.get("type"):
            data["department"] = suggested_department(data["type"])
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "estate": self.estate,
            "room": data["room_obj"],
            "content": data["content"],
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "contact_email": data.get("contact_email") or "",
            "channel": data["channel"],
            "type": data["type"],
            "type_other": data.get("type_other", ""),
            "urgency": data["urgency"],
        }


# --- Actions on a complaint ---------------------------------------------------------------------

NOTE_LABELS = {
    "assign": _("分派说明"),
    "reclassify": _("调整原因"),
    "reassign": _("改派原因"),
    "progress": _("今日处理进展"),
    "mark_major": _("列为重大投诉的原因"),
    "approve": _("审批意见"),
    "send_back": _("退回原因"),
    "cancel": _("撤销原因"),
    "reopen": _("重新处理原因"),
    "comment": _("备注内容"),
}
NOTE_PLACEHOLDERS = {
    "progress": _("如：已联系电梯维保单位，明天上午到场检修"),
    "mark_major": _("如：多户联名投诉，涉及安全隐患"),
    "send_back": _("如：处理结果未回应业主的主要诉求，请补充"),
}


class ActionForm(forms.Form):
    """One step on a complaint. ``service_args()`` gives ``note``, ``data`` and ``assignee`` for
    ``complaint_act``. Whether the note is required follows the process declaration."""

    note = forms.CharField(label=_("说明"), max_length=NOTE_MAX, required=False, widget=_area())
    data_fields: tuple[str, ...] = ()

    def __init__(self, data=None, files=None, *, complaint: Complaint, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(data, files, **kwargs)
        self.complaint, self.action = complaint, action
        self.decl = COMPLAINT.action(action)
        note = self.fields.get("note")
        if note is not None:
            note.required = self.decl.note_required
            note.label = NOTE_LABELS.get(action, _("说明"))
            note.error_messages["required"] = _("请填写%(what)s") % {"what": note.label}
            if action in NOTE_PLACEHOLDERS:
                note.widget.attrs["placeholder"] = NOTE_PLACEHOLDERS[action]
        for name in self.decl.requires:
            field = self.fields.get(name)
            if field is not None and not isinstance(field, forms.BooleanField):
                field.required = True
                field.error_messages["required"] = _("此项为必填项")

    @property
    def label(self):
        if self.action == "resolve" and self.complaint.is_major:
            return _("处理完成，提交审批")
        return self.decl.label

    def service_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.data_fields}

    def service_args(self) -> dict:
        return {
            "note": self.cleaned_data.get("note", ""),
            "data": self.service_data(),
            "assignee": self.cleaned_data.get("assignee"),
        }


class ReclassifyForm(ActionForm):
    """调整分类 (COMPLAINT-06/07): the handling deadline follows the new urgency."""

    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    type = forms.ChoiceField(label=_("投诉类型"), choices=ComplaintType.choices)
    data_fields = ("urgency", "type")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("urgency", self.complaint.urgency)
        self.initial.setdefault("type", self.complaint.type)
        self.order_fields(["urgency", "type", "note"])


def staff_choices(estate: Estate) -> list:
    """The estate's active staff who can handle a complaint, grouped by department (an
    executive approves; they do not handle)."""
    staff = (
        Staff.objects.filter(estates=estate, is_active=True)
        .exclude(department__kind=DepartmentKind.EXECUTIVE)
        .select_related("department")
        .order_by("department__kind", "name")
    )
    groups: dict[str, list] = {}
    for s in staff:
        label = _("%(name)s（%(role)s）") % {"name": s.name, "role": s.get_role_display()}
        groups.setdefault(s.department.kind, []).append((str(s.user_id), label))
    return [
        (DepartmentKind(kind).label, groups[kind])
        for kind in DepartmentKind.values
        if kind in groups
    ]


class AssignForm(ActionForm):
    """分派 / 改派 (COMPLAINT-08): the responsible department, a person of it if wanted."""

    department = forms.ChoiceField(label=_("责任部门"), choices=DEPARTMENTS)
    assignee = forms.ChoiceField(
        label=_("处理人"), required=False,
        help_text=_("可不选：由该部门负责人安排"),
    )  # fmt: skip
    data_fields = ("department",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        c = self.complaint
        self.suggestion = suggested_department(c.type)
        self.initial.setdefault("department", c.department or self.suggestion)
        if c.case.assignee_id and self.action == "reassign":
            self.initial.setdefault("assignee", str(c.case.assignee_id))
        self.fields["assignee"].choices = [("", _("不指定")), *staff_choices(c.estate)]
        self.fields["assignee"].error_messages["invalid_choice"] = _("请从本项目的员工中选择")
        self.order_fields(["department", "assignee", "note"])

    def clean_assignee(self):
        pk = self.cleaned_data.get("assignee")
        if not pk:
            return None
        return get_user_model().objects.filter(pk=pk).select_related("staff").first()


class ResolveForm(ActionForm):
    """处理完成 (the department's result and the improvement measure, COMPLAINT-13); a major
    complaint's goes to an executive for approval (COMPLAINT-03)."""

    resolution = forms.CharField(
        label=_("处理结果"), max_length=RESOLUTION_MAX,
        widget=_area(3, placeholder=_("如：已更换电梯主板，试运行正常")),
    )  # fmt: skip
    measure = forms.CharField(
        label=_("改进措施"), max_length=REPLY_MAX,
        widget=_area(2, placeholder=_("如：电梯维护频率提高至每10天一次")),
    )  # fmt: skip
    data_fields = ("resolution", "measure")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.initial.setdefault("resolution", self.complaint.resolution)
        self.initial.setdefault("measure", self.complaint.measure)


class ReplyForm(ActionForm):
    """回复业主 (COMPLAINT-12/13/17): the text starts from a template; the service checks it."""

    template = forms.ChoiceField(
        label=_("回复模板"), required=False,
        choices=[(t.key, t.label) for t in TEMPLATES],
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("回复方式"), choices=ReplyChannel.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("回复内容"), max_length=REPLY_MAX, widget=_area(6))
    data_fields = ("channel", "text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        c = self.complaint
        key = template_for(c)
        self.initial.setdefault("template", key)
        self.initial.setdefault("text", render_reply(key, c))
        self.initial.setdefault(
            "channel", ReplyChannel.APP if c.complainant_id else ReplyChannel.PHONE
        )
        self.templates = {t.key: render_reply(t.key, c) for t in TEMPLATES}


class ArchiveForm(ActionForm):
    """归档: the satisfaction the owner gave on the phone, if any."""

    satisfaction = forms.ChoiceField(
        label=_("业主满意度（电话回访）"), choices=SCORES, required=False,
        widget=forms.RadioSelect, help_text=_("5 分最满意；业主未评价可不选"),
    )  # fmt: skip
    comment = forms.CharField(
        label=_("业主意见"), max_length=REPLY_MAX, required=False, widget=_area()
    )
    data_fields = ("satisfaction", "comment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class CommentForm(ActionForm):
    internal = forms.BooleanField(label=_("内部备注（业主看不到）"), required=False, initial=True)
    data_fields = ("internal",)


class LinkRepairForm(ActionForm):
    """关联报修单: "the elevator keeps failing" traceable to its repair orders."""

    repair_order = forms.CharField(
        label=_("报修单号"), max_length=30, widget=_text(_("如 BX-20261126-0001"))
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]

    def service_data(self) -> dict:
        from wuye.repairs.models import RepairOrder

        number = self.cleaned_data["repair_order"].strip().upper()
        order = RepairOrder.objects.filter(
            estate_id=self.complaint.estate_id, case__number=number
        ).first()
        return {"repair_order": order.pk if order is not None else ""}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "reclassify": ReclassifyForm,
    "assign": AssignForm,
    "reassign": AssignForm,
    "resolve": ResolveForm,
    "submit_approval": ResolveForm,
    "reply": ReplyForm,
    "archive": ArchiveForm,
    "comment": CommentForm,
    "link_repair": LinkRepairForm,
}


def action_form(action: str, complaint: Complaint, data=None, files=None, **kwargs) -> ActionForm:
    return ACTION_FORMS.get(action, ActionForm)(
        data, files, complaint=complaint, action=action, **kwargs
    )
