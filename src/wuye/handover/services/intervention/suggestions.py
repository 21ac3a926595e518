"""Written design-review suggestions and the developer's answers (INTAKE-05/09/10/11/13)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.handover.models import (
    DesignSuggestion,
    HandoverProject,
    SuggestionStatus,
    SuggestionTopic,
)
from wuye.workflow import services as engine

from .common import _actor, _case, _check_member, _local_date, estate_zone, local_today
from .team import _clean_past_date, _clean_text

# --- Design-review suggestions (INTAKE-05/09/10/11/13) -------------------------------------------


def suggestion_number_next(project: HandoverProject, year: int) -> str:
    """JY-YG-2026-003: the project's written suggestions of the year, in order."""
    prefix = f"JY-{project.estate.code}-{year}-"
    taken = set(
        DesignSuggestion.objects.filter(project=project, number__startswith=prefix).values_list(
            "number", flat=True
        )
    )
    n = len(taken) + 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def _at_day(project: HandoverProject, day: dt.date | None) -> dt.datetime:
    """A past day as a time on it (noon, local); today or none: now."""
    now = timezone.now()
    if day is None or day >= local_today(project, now):
        return now
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=estate_zone(project))


@transaction.atomic
def suggestion_submit(
    *,
    project: HandoverProject,
    topic: str,
    title: str,
    content: str,
    number: str = "",
    submitted_on=None,
    by,
) -> DesignSuggestion:
    """A suggestion to the developer, in writing (INTAKE-13: a numbered letter, never a verbal
    promise), recorded as a ``suggest`` event; it stays open until the answer is recorded."""
    actor = _actor(by)
    _check_member(actor, project)
    case = _case(project)
    errors: dict[str, list[str]] = {}
    if topic not in SuggestionTopic.values:
        errors["topic"] = [_("请选择建议类别")]
    title = _clean_text(title, "title", errors, required=True, label=_("请填写标题"))
    if len(title) > 100:
        errors["title"] = [_("标题不能超过 100 字")]
    content = _clean_text(
        content, "content", errors, required=True, label=_("请填写书面建议的内容")
    )
    day = _clean_past_date(project, submitted_on, "submitted_on", errors, required=False)
    number = str(number or "").strip()
    if len(number) > 32:
        errors["number"] = [_("函件编号不能超过 32 个字符")]
    elif number and DesignSuggestion.objects.filter(project=project, number=number).exists():
        errors["number"] = [_("函件编号 %(number)s 已被使用") % {"number": number}]
    if errors:
        raise ValidationError(errors)
    submitted_at = _at_day(project, day)
    number = number or suggestion_number_next(
        project, timezone.localtime(submitted_at, estate_zone(project)).year
    )
    try:
        with transaction.atomic():
            suggestion = DesignSuggestion.objects.create(
                project=project, number=number, topic=topic, title=title, content=content,
                submitted_at=submitted_at, submitted_by=actor.user,
            )  # fmt: skip
    except IntegrityError:
        message = _("函件编号 %(number)s 刚被他人使用，请重新提交") % {"number": number}
        raise Conflict(message) from None
    engine.case_act(
        case=case, action="suggest", by=actor,
        note=_("书面建议 %(number)s【%(topic)s】%(title)s：%(content)s")
        % {"number": number, "topic": SuggestionTopic(topic).label, "title": title,
           "content": content},
        data={"suggestion": suggestion.pk, "number": number, "topic": topic},
    )  # fmt: skip
    return suggestion


OUTCOMES = (SuggestionStatus.ADOPTED, SuggestionStatus.REJECTED)


@transaction.atomic
def suggestion_answer(
    *, suggestion: DesignSuggestion, outcome: str, answer: str, answered_on=None, by
) -> DesignSuggestion:
    """The developer's written answer to a suggestion: adopted or not. Recorded once."""
    actor = _actor(by)
    project = suggestion.project
    _check_member(actor, project)
    case = _case(project)
    suggestion = DesignSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.SUBMITTED:
        raise Conflict(
            _("建议 %(number)s 已登记答复（%(status)s）")
            % {"number": suggestion.number, "status": suggestion.get_status_display()},
            code="already_answered",
        )
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = [_("请选择开发企业是否采纳")]
    answer = _clean_text(answer, "answer", errors, required=True, label=_("请填写开发企业的答复"))
    day = _clean_past_date(project, answered_on, "answered_on", errors, required=False)
    if day is not None and day < _local_date(project, suggestion.submitted_at):
        errors["answered_on"] = [_("答复日期不能早于建议提交日期")]
    if errors:
        raise ValidationError(errors)
    suggestion.status = outcome
    suggestion.developer_answer = answer
    suggestion.answered_at = _at_day(project, day)
    suggestion.answer_recorded_by = actor.user
    suggestion.save(
        update_fields=["status", "developer_answer", "answered_at", "answer_recorded_by"]
    )
    engine.case_act(
        case=case, action="answer", by=actor,
        note=_("建议 %(number)s 开发企业答复（%(outcome)s）：%(answer)s")
        % {"number": suggestion.number, "outcome": SuggestionStatus(outcome).label,
           "answer": answer},
        data={"suggestion": suggestion.pk, "number": suggestion.number, "outcome": outcome},
    )  # fmt: skip
    return suggestion


def suggestion_list(
    project: HandoverProject, *, status: str = "", topic: str = "", q: str = ""
) -> QuerySet[DesignSuggestion]:
    qs = project.suggestions.select_related("submitted_by__staff").order_by("-submitted_at", "-id")
    if status == "open":
        qs = qs.filter(status=SuggestionStatus.SUBMITTED)
    elif status in SuggestionStatus.values:
        qs = qs.filter(status=status)
    if topic in SuggestionTopic.values:
        qs = qs.filter(topic=topic)
    if q.strip():
        q = q.strip()
        qs = qs.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    return qs


def elevator_ratio(project: HandoverProject) -> list[dict]:
    """INTAKE-10 helper: each building's households (rooms entered) against its elevators
    (equipment of category elevator), where known."""
    from wuye.facilities.models import Equipment, EquipmentCategory

    buildings = project.estate.buildings.annotate(households=Count("rooms")).order_by(
        "sort", "name"
    )
    elevators = dict(
        Equipment.objects.filter(
            estate=project.estate, category=EquipmentCategory.ELEVATOR, building__isnull=False
        )
        .values_list("building_id")
        .annotate(n=Count("id"))
        .values_list("building_id", "n")
    )
    rows = []
    for b in buildings:
        n = elevators.get(b.pk, 0)
        rows.append(
            {
                "building": b.name,
                "households": b.households,
                "elevators": n,
                "per_elevator": round(b.households / n, 1) if n else None,
            }
        )
    return rows
