"""Forms of the repair pages. They shape the input for the services; the rules (what an action
requires, charges from the price list, the checklist on arrival…) live in the services, whose
ValidationError lands next to the field here (``wuye.core.forms.add_service_errors``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wuye.core.models import Building, Estate, PublicArea
from wuye.core.selectors import find_rooms
from wuye.core.validators import NOTE_MAX
from wuye.repairs.choices import Category, Channel, RepeatCause, Urgency
from wuye.repairs.models import COMMENT_MAX, PriceItem, RepairOrder
from wuye.repairs.processes import REPAIR
from wuye.repairs.services import technicians_by_workload

SCORES = [(str(n), str(n)) for n in range(5, 0, -1)]


def _text(placeholder="", **attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, "autocomplete": "off", **attrs})


# --- Intake (REPAIR-02) ------------------------------------------------------------------------


class RepairIntakeForm(forms.Form):
    """登记报修 — a call or a visit at the desk (REPAIR-02), classified (REPAIR-04)."""

    PLACE_ROOM, PLACE_AREA = "room", "area"

    place_kind = forms.ChoiceField(
        label=_("位置类型"),
        choices=[(PLACE_ROOM, _("房屋")), (PLACE_AREA, _("公共区域"))],
        initial=PLACE_ROOM,
        widget=forms.RadioSelect,
    )
    building = forms.ModelChoiceField(
        label=_("楼栋"), queryset=Building.objects.none(), required=False,
        empty_label=_("全部楼栋"),
    )  # fmt: skip
    room = forms.CharField(
        label=_("房号"), max_length=40, required=False,
        widget=_text(_("如 1-2-301 或 301")),
        help_text=_("楼栋-单元-房号，输入后自动查找"),
    )  # fmt: skip
    public_area = forms.ModelChoiceField(
        label=_("公共区域"), queryset=PublicArea.objects.none(), required=False,
        empty_label=_("请选择公共区域"),
    )  # fmt: skip
    description = forms.CharField(
        label=_("报修内容"), max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：卫生间水管漏水")}),
    )  # fmt: skip
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=[("", _("按系统建议")), *Urgency.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[("", _("按系统建议")), *Category.choices],
        required=False,
        help_text=_("不选则按报修内容建议的类别"),
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=50, widget=_text())
    contact_phone = forms.CharField(
        label=_("联系电话"), max_length=20, widget=_text("13800138000", inputmode="tel")
    )
    preferred_time = forms.CharField(
        label=_("期望上门时间"), max_length=60, required=False,
        widget=_text(_("如：今天下午3点后")),
    )  # fmt: skip
    channel = forms.ChoiceField(
        label=_("报修渠道"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.COUNTER, Channel.COUNTER.label)],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, estate: Estate, **kwargs):
        super().__init__(*args, **kwargs)
        self.estate = estate
        self.fields["building"].queryset = Building.objects.filter(estate=estate).order_by(
            "sort", "name"
        )
        self.fields["public_area"].queryset = PublicArea.objects.filter(estate=estate).order_by(
            "kind", "name"
        )

    def clean(self):
        data = super().clean()
        data["room_obj"] = data["area_obj"] = None
        if data.get("place_kind") == self.PLACE_AREA:
            if data.get("public_area") is None and "public_area" not in self.errors:
                self.add_error("public_area", _("请选择公共区域"))
            data["area_obj"] = data.get("public_area")
        elif data.get("place_kind") == self.PLACE_ROOM:
            text = data.get("room", "")
            rooms = list(find_rooms(self.estate, text, data.get("building"))[:6])
            if not text.strip():
                self.add_error("room", _("请输入房号，如 1-2-301"))
            elif not rooms:
                self.add_error("room", _("本项目没有找到这个房号，请核对楼栋、单元和房号"))
            elif len(rooms) > 1:
                self.add_error("room", _("有多套房屋符合，请输入完整的楼栋-单元-房号，如 1-2-301"))
            else:
                data["room_obj"] = rooms[0]
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "estate": self.estate,
            "room": data["room_obj"],
            "public_area": data["area_obj"],
            "description": data["description"],
            "urgency": data.get("urgency") or None,  # None: the suggestion (REPAIR-04)
            "category": data.get("category") or None,  # None: the suggestion (REPAIR-04)
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "preferred_time": data.get("preferred_time", ""),
            "channel": data["channel"],
        }


# --- Actions on an order -----------------------------------------------------------------------

NOTE_LABELS = {
    "close": _("关闭原因"),
    "cancel": _("取消原因"),
    "hand_back": _("退单原因"),
    "reassign": _("改派原因"),
    "reclassify": _("调整原因"),
    "comment": _("备注内容"),
}


class ActionForm(forms.Form):
    """One step on an order. ``service_args()`` gives ``note``, ``data`` and ``assignee`` for
    ``repair_order_act``. Whether the note is required follows the process declaration."""

    note = forms.CharField(
        label=_("说明"), max_length=NOTE_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    data_fields: tuple[str, ...] = ()

    def __init__(self, data=None, files=None, *, order: RepairOrder, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(data, files, **kwargs)
        self.order, self.action = order, action
        self.decl = REPAIR.action(action)
        self.fields["note"].required = self.decl.note_required
        self.fields["note"].label = NOTE_LABELS.get(action, _("说明"))
        for name in self.decl.requires:
            field = self.fields.get(name)
            # Checkboxes (the arrival checklist) are left to the service and its own words.
            if field is not None and not isinstance(field, forms.BooleanField):
                field.required = True
                field.error_messages["required"] = _("此项为必填项")
        self.fields["note"].error_messages["required"] = _("请填写%(what)s") % {
            "what": self.fields["note"].label
        }

    @property
    def label(self):
        return self.decl.label

    def service_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.data_fields}

    def service_args(self) -> dict:
        return {
            "note": self.cleaned_data.get("note", ""),
            "data": self.service_data(),
            "assignee": self.cleaned_data.get("assignee"),
        }


class TechnicianChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.staff.name if hasattr(user, "staff") else user.get_username()
        return _("%(name)s（在办 %(n)d 单）") % {"name": name, "n": user.open_orders}


class DispatchForm(ActionForm):
    """派单 / 改派 — to a technician of the order's estate, least loaded first (REPAIR-07)."""

    assignee = TechnicianChoiceField(
        label=_("维修人员"), queryset=None, empty_label=_("请选择维修人员")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        technicians = technicians_by_workload(self.order.estate).select_related("staff")
        self.fields["assignee"].queryset = technicians
        self.fields["assignee"].error_messages["invalid_choice"] = _("请从本项目的维修人员中选择")
        self.order_fields(["assignee", "note"])


class ReclassifyForm(ActionForm):
    """调整分类 (REPAIR-04): the clocks follow the new urgency."""

    urgency = forms.ChoiceField(
        label=_("紧急程度"), choices=Urgency.choices, widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    data_fields = ("urgency", "category")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("urgency", self.order.urgency)
        self.initial.setdefault("category", self.order.category)
        self.order_fields(["urgency", "category", "note"])


class RevisitForm(ActionForm):
    """回访 (REPAIR-12): satisfaction, repair quality and service attitude, 1–5."""

    satisfaction = forms.ChoiceField(
        label=_("总体满意度"), choices=SCORES, required=False, widget=forms.RadioSelect
    )
    quality = forms.ChoiceField(
        label=_("维修质量"), choices=SCORES, required=False, widget=forms.RadioSelect
    )
    attitude = forms.ChoiceField(
        label=_("服务态度"), choices=SCORES, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("业主意见"), max_length=COMMENT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    data_fields = ("satisfaction", "quality", "attitude", "comment")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class RepeatCauseForm(ActionForm):
    """返修原因 (REPAIR-13): parts quality is the manual's exception."""

    # Nothing is chosen for the desk: the first option is a prompt, not a cause (REPAIR-13).
    cause = forms.ChoiceField(
        label=_("返修原因"),
        choices=[("", _("请选择返修原因")), *RepeatCause.choices],
        error_messages={"required": _("请选择返修原因")},
    )
    data_fields = ("cause",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("cause", self.order.repeat_cause or None)
        self.order_fields(["cause", "note"])


class CommentForm(ActionForm):
    internal = forms.BooleanField(label=_("内部备注（业主看不到）"), required=False, initial=True)
    data_fields = ("internal",)


class ArriveForm(ActionForm):
    """到达现场, with the manual's conduct checklist (REPAIR-14/15); the service checks it."""

    badge_uniform = forms.BooleanField(label=_("已佩戴工牌、穿着统一工服"), required=False)
    dust_sheet = forms.BooleanField(label=_("已铺设防尘布等保护措施"), required=False)
    data_fields = ("badge_uniform", "dust_sheet")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]


class DiagnoseForm(ActionForm):
    diagnosis = forms.CharField(
        label=_("故障诊断"), max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("如：角阀老化渗水，需更换")}),
    )  # fmt: skip
    data_fields = ("diagnosis",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.initial.setdefault("diagnosis", self.order.diagnosis)


class CompleteForm(ActionForm):
    """完成维修: after photos, the diagnosis, materials used and chargeable items picked from the
    estate's price list (REPAIR-11). Rows come as parallel lists (``material_name`` …)."""

    diagnosis = forms.CharField(
        label=_("故障诊断及处理"), max_length=NOTE_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    # Not inputs: the places where the service's errors about the rows and photos are shown.
    materials = forms.CharField(required=False, widget=forms.HiddenInput)
    charges = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("备注")
        self.initial.setdefault("diagnosis", self.order.diagnosis)
        self.material_rows = self._rows(("name", "quantity", "unit"), "material")
        self.charge_rows = self._rows(("item", "quantity"), "charge")

    def _rows(self, keys: tuple[str, ...], prefix: str) -> list[dict]:
        if not self.is_bound:
            return []
        columns = [self.data.getlist(self.add_prefix(f"{prefix}_{key}")) for key in keys]
        rows = []
        # A row counts once its first column (the material's name, the price item) is filled:
        # the quantity and unit of an empty row are prefilled on the page.
        for values in zip(*columns, strict=False):
            row = {key: str(value).strip() for key, value in zip(keys, values, strict=True)}
            if row[keys[0]]:
                rows.append(row)
        return rows

    def service_data(self) -> dict:
        return {
            "diagnosis": self.cleaned_data.get("diagnosis", ""),
            "materials": [
                {"name": r["name"], "quantity": r["quantity"] or "1", "unit": r["unit"]}
                for r in self.material_rows
            ],
            "charges": [
                {"item": r["item"], "quantity": r["quantity"] or "1"} for r in self.charge_rows
            ],
        }


class SignOffForm(ActionForm):
    """业主签字验收 (REPAIR-10): the owner signs on the technician's phone for the amount shown
    (REPAIR-11); a changed amount is a conflict and must be shown again."""

    amount = forms.CharField(widget=forms.HiddenInput, required=False)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.initial.setdefault("amount", f"{self.order.charge_total:.2f}")

    def service_data(self) -> dict:
        return {"amount": self.cleaned_data.get("amount", "")}


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "dispatch": DispatchForm,
    "reassign": DispatchForm,
    "reclassify": ReclassifyForm,
    "revisit": RevisitForm,
    "revisit_early": RevisitForm,
    "repeat_cause": RepeatCauseForm,
    "comment": CommentForm,
    "arrive": ArriveForm,
    "diagnose": DiagnoseForm,
    "complete": CompleteForm,
    "sign_off": SignOffForm,
}


def action_form(action: str, order: RepairOrder, data=None, files=None) -> ActionForm:
    return ACTION_FORMS.get(action, ActionForm)(data, files, order=order, action=action)


# --- Price list (REPAIR-11) --------------------------------------------------------------------


class PriceItemForm(forms.Form):
    name = forms.CharField(label=_("收费项目"), max_length=60, widget=_text(_("如：更换水龙头")))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    unit = forms.CharField(label=_("单位"), max_length=10, initial="项", widget=_text(_("如：个")))
    price = forms.DecimalField(
        label=_("单价（元）"), min_value=0, max_digits=10, decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "35.00"}),
    )  # fmt: skip
    note = forms.CharField(label=_("说明"), max_length=200, required=False, widget=_text())
    is_active = forms.BooleanField(label=_("在用"), required=False, initial=True)

    @classmethod
    def for_item(cls, item: PriceItem | None, data=None) -> PriceItemForm:
        initial = None
        if item is not None:
            initial = {f: getattr(item, f) for f in ("name", "category", "unit", "price", "note",
                                                      "is_active")}  # fmt: skip
        return cls(data, initial=initial, prefix="price")
