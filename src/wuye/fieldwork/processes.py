"""Field work's process: the follow-up (整改) a failed check item or an out-of-range reading
opens, and the registry through which a chapter app opens its own case instead.

- ``fieldwork_followup`` (整改, ``ZG-…``): open → rectified → verified (closed); verification may
  send the work back to open (a rejection: the rectification was not accepted). The manual gives
  no deadline for a rectification found on a round or a service, so no clock runs.
- ``register_followup(kind, opener)``: work of a schedule ``kind`` (facilities: "maintenance",
  "operation") opens the chapter's own case (an anomaly, a fault) with ``opener(answer, by)``;
  every other kind falls back to the generic follow-up.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from wuye.core.choices import STAFF_ROLES, Role
from wuye.workflow.engine import Action, Process, State, register

OPEN, RECTIFIED, VERIFIED = "open", "rectified", "verified"
STAFF = frozenset(STAFF_ROLES)
LEADS = frozenset({Role.DEPARTMENT_HEAD, Role.EXECUTIVE})

FOLLOWUP = register(
    Process(
        code="fieldwork_followup",
        label=_("整改"),
        prefix="ZG",
        states=(
            State(OPEN, _("待整改")),
            State(RECTIFIED, _("已整改待验证")),
            State(VERIFIED, _("已验证"), terminal=True),
        ),
        initial=OPEN,
        actions=(
            Action("rectify", _("整改完成"), (OPEN,), RECTIFIED, STAFF, note_required=True),
            Action("verify", _("验证通过"), (RECTIFIED,), VERIFIED, LEADS),
            Action("send_back", _("验证不通过，退回整改"), (RECTIFIED,), OPEN, LEADS,
                   note_required=True, rejects=True),
            Action("comment", _("备注"), (OPEN, RECTIFIED), None, STAFF, note_required=True),
        ),
    )
)  # fmt: skip

Opener = Callable[..., object]  # (answer: ChecklistAnswer, by) -> workflow.Case
_OPENERS: dict[str, Opener] = {}


def register_followup(kind: str, opener: Opener) -> Opener:
    """Open follow-ups of work of schedule ``kind`` with ``opener(answer, by) -> Case`` (called
    inside the transaction that links the case to the answer). Called once per kind, at start-up
    (an app's processes.py)."""
    if not kind or not callable(opener):
        raise ValueError("register_followup needs a kind and a callable")
    if kind in _OPENERS and _OPENERS[kind] is not opener:
        raise ValueError(f"a follow-up opener for {kind!r} is registered twice")
    _OPENERS[kind] = opener
    return opener


def followup_opener(kind: str) -> Opener:
    """The opener of work of ``kind``: the chapter's own, else the generic follow-up."""
    return _OPENERS.get(kind, generic_followup_open)


def answer_summary(answer) -> str:
    """What was found, in words: 「电机温度」读数 95 ℃，超出正常范围（40–80）."""
    if answer.out_of_range:
        low = "" if answer.low is None else f"{answer.low.normalize():f}"
        high = "" if answer.high is None else f"{answer.high.normalize():f}"
        return _t("「%(label)s」读数 %(value)s %(unit)s，超出正常范围（%(low)s–%(high)s）") % {
            "label": answer.label,
            "value": f"{answer.number.normalize():f}",
            "unit": answer.unit,
            "low": low,
            "high": high,
        }
    return _t("「%(label)s」检查结果为不正常") % {"label": answer.label}


def generic_followup_open(answer, by):
    """The generic follow-up (整改) of a flagged answer; its data names the record and item."""
    from wuye.workflow.services import case_open

    record = answer.record
    return case_open(
        process=FOLLOWUP,
        estate=record.estate,
        title=_t("整改：%(label)s") % {"label": answer.label},
        by=by,
        note=answer_summary(answer),
        data={
            "record": record.pk,
            "task": record.task_id,
            "answer": answer.pk,
            "item": answer.position,
            "label": answer.label,
        },
    )
