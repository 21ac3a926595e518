"""Validation and masking of Chinese mobile numbers and resident ID numbers (GB 11643), and the
bounds of every text, number and date a person types (issue 12)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wuye.base.bounds import DATE_MAX, DATE_MIN

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK_CODES = "10X98765432"


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a +86 / 0086 prefix."""
    value = re.sub(r"[\s\-]", "", str(value or ""))
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def validate_cn_mobile(value: str) -> None:
    if not MOBILE_RE.match(value or ""):
        raise ValidationError(
            _("手机号应为 11 位，以 1 开头，如 13800138000"), code="invalid_mobile"
        )


def normalize_id_number(value: str) -> str:
    return re.sub(r"\s", "", str(value or "")).upper()


def id_number_check_code(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CODES[total % 11]


def validate_id_number(value: str) -> None:
    """GB 11643: 17 digits, a valid birth date, then the MOD 11-2 check code."""
    if not value:
        return
    if not ID_RE.match(value):
        raise ValidationError(_("身份证号应为 18 位（末位可为 X）"), code="invalid_id_format")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效"), code="invalid_id_birth") from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("身份证号中的出生日期无效"), code="invalid_id_birth")
    if id_number_check_code(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对"), code="invalid_id_checksum")


def mask_mobile(value: str) -> str:
    """138****1234."""
    if not value or len(value) < 7:
        return value or ""
    return f"{value[:3]}****{value[-4:]}"


def mask_id_number(value: str) -> str:
    """1101**********1234."""
    if not value or len(value) < 8:
        return value or ""
    return f"{value[:4]}{'*' * (len(value) - 8)}{value[-4:]}"


# --- Bounds of what people type (issue 12) ------------------------------------------------------
# Every free text a person types, every amount and every date is checked against these in the
# service that writes it, so the web forms and the API refuse the same input with the same words,
# and nothing is written. Forms reuse the same numbers as ``maxlength`` so the browser stops it too.

NOTE_MAX = 2000  # a note, reason, reply, comment or finding of one step (说明、原因、回复、意见)
TEXT_MAX = 5000  # a long text: a notice's body, minutes of a meeting, an agreement's terms
# An action's data (workflow.Event.data) as the engine stores it: ``json.dumps(data,
# ensure_ascii=False)`` encoded as UTF-8, so a Chinese character counts as its 3 bytes.
DATA_MAX_BYTES = 16 * 1024


def text_too_long(label, limit: int) -> str:
    return _("%(label)s不能超过 %(limit)d 个字") % {"label": label, "limit": limit}


def check_max_chars(errors: dict | None = None, **fields: tuple[object, int, object]) -> dict:
    """``field=(value, limit, label)``: every value longer than its limit is an error on its
    field. With ``errors`` (a dict of lists) the errors are added there for the caller to raise
    with its others; without, a ValidationError is raised at once."""
    found: dict[str, list[str]] = {} if errors is None else errors
    for name, (value, limit, label) in fields.items():
        if value is not None and len(str(value)) > limit:
            found.setdefault(name, []).append(text_too_long(label, limit))
    if errors is None and found:
        raise ValidationError(found)
    return found


def check_model_text(model, errors: dict | None = None, **values) -> dict:
    """Refuse text longer than the model field's ``max_length`` (TextFields carry one too: the
    forms take it as ``maxlength``, but the model does not check it itself). The message names
    the field's label: {"measure": ["改进措施不能超过 2000 个字"]}."""
    fields = {}
    for name, value in values.items():
        field = model._meta.get_field(name)
        fields[name] = (value, field.max_length, field.verbose_name)
    return check_max_chars(errors, **fields)


def check_field_text(model, field: str, value, *, key: str | None = None,
                     errors: dict | None = None) -> dict:  # fmt: skip
    """As check_model_text for one field whose input has another name (``key``): a refund's
    ``reason``, a decision's ``note`` stored as ``decision_note``."""
    f = model._meta.get_field(field)
    return check_max_chars(errors, **{key or field: (value, f.max_length, f.verbose_name)})


def check_data_size(data, *, field: str = "data", limit: int = DATA_MAX_BYTES) -> None:
    """Refuse a JSON object bigger than ``limit`` bytes as it would be stored (UTF-8)."""
    import json

    # default=str: a value JSON cannot say (a Decimal, a date) counts as its text.
    size = len(json.dumps(data, ensure_ascii=False, default=str).encode())
    if size > limit:
        raise ValidationError(
            {field: [_("提交的数据不能超过 %(kb)d KB") % {"kb": limit // 1024}]}, code="too_large"
        )


def decimal_places_message(label, places: int) -> str:
    if places == 2:
        return _("%(label)s最多两位小数") % {"label": label}
    return _("%(label)s最多 %(places)d 位小数") % {"label": label, "places": places}


def exact_decimal(value, *, places: int, field: str, label, invalid=None) -> Decimal:
    """The number a person typed, refused (never rounded) when it has more decimal places than
    the field stores: 89.505 for a 2-place area is an error, not 89.51 (or 89.50)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        number = None
    exact = None
    if number is not None and number.is_finite():
        try:
            exact = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:  # more digits than the context holds: not a real amount
            exact = None
    if exact is None:
        raise ValidationError({field: [invalid or _("%(label)s应为数字") % {"label": label}]})
    if number != exact:
        raise ValidationError({field: [decimal_places_message(label, places)]})
    return exact


def check_date(value, *, field: str, label, errors: dict | None = None) -> dict:
    """A date a person typed must be within DATE_MIN..DATE_MAX (years 1900–2100)."""
    found: dict[str, list[str]] = {} if errors is None else errors
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        found.setdefault(field, []).append(
            _("%(label)s应在 %(min)s 至 %(max)s 之间")
            % {"label": label, "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
        )
    if errors is None and found:
        raise ValidationError(found)
    return found
