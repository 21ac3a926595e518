"""Validation and masking of Chinese mobile numbers and resident ID numbers (GB 11643)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
