"""Gardeners' skills (GREEN-14: "绿化人员需掌握专业知识", e.g. recognising common pests and
diseases, pruning technique): their certificates of kinds ``gardener``, ``plant_protection`` and
``training`` in the field-work layer's register.

A training session (常见病虫害识别、修剪技术…) is recorded as one ``training`` certificate per
attendee, all with the session's reference number (``PX-<estate>-<date>-<nn>``), issued on the
day and valid for ``TRAINING_VALID_MONTHS`` (then the gardener is trained again): training
records and certificates are one thing in the layer, warned about by its expiry sweep like any
other certificate. The issuer column carries the trainer and the topic ("讲师（主题）").
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wuye.core.models import Estate, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_date
from wuye.fieldwork.choices import CertificateKind
from wuye.fieldwork.models import Certificate
from wuye.fieldwork.services.certificates import certificate_create

from ..choices import TRAINING_PREFIX
from ..selectors.green import estate_gardeners
from .greening import plan_lock
from .landscape import check_lead

__all__ = [
    "SKILL_KINDS",
    "TRAINING_VALID_MONTHS",
    "Training",
    "training_issuer",
    "training_record",
]

# GREEN-14: what a gardener's professional knowledge is shown by.
SKILL_KINDS = (CertificateKind.GARDENER, CertificateKind.PLANT_PROTECTION, CertificateKind.TRAINING)
TRAINING_VALID_MONTHS = 12
TOPIC_MAX = 40
TRAINER_MAX = 40
ATTENDEES_MAX = 100


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def training_issuer(trainer: str, topic: str) -> str:
    return f"{trainer}（{topic}）"


@dataclass(frozen=True)
class Training:
    number: str
    held_on: dt.date
    expires_on: dt.date
    certificates: list[Certificate]


@transaction.atomic
def training_record(
    *,
    estate: Estate,
    by,
    topic: str,
    held_on: dt.date,
    trainer: str,
    attendees: list[Staff],
) -> Training:
    """Record a training of the estate's gardeners (GREEN-14): one ``training`` certificate per
    attendee with the session's reference, issued on ``held_on``, valid for a year."""
    actor = _actor(by)
    check_lead(actor, estate.pk, _("只有部门负责人或企业高层可以登记培训"))
    errors: dict[str, list[str]] = {}
    topic = str(topic or "").strip()
    trainer = str(trainer or "").strip()
    if not topic:
        errors["topic"] = [_("请填写培训主题，如 常见病虫害识别")]
    elif len(topic) > TOPIC_MAX:
        errors["topic"] = [_("培训主题不能超过 %(n)d 个字") % {"n": TOPIC_MAX}]
    if not trainer:
        errors["trainer"] = [_("请填写讲师")]
    elif len(trainer) > TRAINER_MAX:
        errors["trainer"] = [_("讲师不能超过 %(n)d 个字") % {"n": TRAINER_MAX}]
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = [_("请填写培训日期")]
    else:
        check_date(held_on, field="held_on", label=_("培训日期"), errors=errors)
    people = list(dict.fromkeys(attendees or []))
    allowed = set(estate_gardeners(estate).values_list("pk", flat=True))
    if not people:
        errors["attendees"] = [_("请选择参加培训的绿化工")]
    elif len(people) > ATTENDEES_MAX:
        errors["attendees"] = [_("参加人数不能超过 %(n)d 人") % {"n": ATTENDEES_MAX}]
    elif any(getattr(p, "pk", None) not in allowed for p in people):
        errors["attendees"] = [_("参加培训的须为本项目在职的绿化工")]
    if errors:
        raise ValidationError(errors)
    plan_lock(estate)  # one reference per session, even when two are recorded at once
    prefix = f"{TRAINING_PREFIX}{estate.code}-{held_on:%Y%m%d}-"
    taken = set(
        Certificate.objects.filter(
            kind=CertificateKind.TRAINING, company_id=estate.company_id, number__startswith=prefix
        ).values_list("number", flat=True)
    )
    number = next(f"{prefix}{n:02d}" for n in range(1, 1000) if f"{prefix}{n:02d}" not in taken)
    expires_on = add_months(held_on, TRAINING_VALID_MONTHS) - dt.timedelta(days=1)
    certificates = [
        certificate_create(
            kind=CertificateKind.TRAINING,
            number=number,
            issuer=training_issuer(trainer, topic),
            issued_on=held_on,
            expires_on=expires_on,
            staff=person,
            by=actor,
        )
        for person in sorted(people, key=lambda p: (p.name, p.pk))
    ]
    return Training(
        number=number, held_on=held_on, expires_on=expires_on, certificates=certificates
    )
