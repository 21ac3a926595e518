"""Fire-prevention publicity (火灾预防宣传, FIRE-07): the estate's yearly plan of topics by month,
each published by customer service (FIRE-01) through the notice board — on the board, and to
the residents by SMS and in the app (their inbox) — and the plan showing what was published
and what is overdue."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.exceptions import Conflict
from wuye.core.models import Estate
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text
from wuye.notify.choices import Channel, NoticeCategory
from wuye.notify.notices import notice_create

from ..choices import PublicityChannel
from ..models import PublicityTopic

# FIRE-01 / FIRE-07: customer service does the publicity; its head and the executives too.
PUBLICITY_ROLES = frozenset({Role.CS_AGENT, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
YEAR_MIN, YEAR_MAX = 2000, 2100
# A year's plan as the manual suggests it, with seasonal topics (FIRE-07).
DEFAULT_PLAN: tuple[tuple[int, str, str], ...] = (
    (1, "春节期间安全燃放烟花爆竹",
     "春节临近，请在政府允许的区域燃放烟花爆竹，不要在楼道、阳台、地下车库燃放，远离易燃物。"),
    (3, "楼道禁止堆放杂物",
     "楼道和消防通道是逃生通道，请不要在楼道内堆放杂物、纸箱、自行车，保持通道畅通。"),
    (5, "禁止私拉乱接电线",
     "私拉乱接电线容易引发火灾，请使用合格的电器和插座，不要超负荷用电。"),
    (7, "夏季用电与空调防火",
     "夏季用电负荷大，请定期检查空调和电线，外出时关闭电器电源。"),
    (9, "电动车不得进楼入户充电",
     "电动自行车请在小区集中充电点充电，不得推入楼道、电梯或家中充电。"),
    (11, "冬季用火用电安全",
     "11月9日是全国消防日。冬季取暖请注意用火用电安全，不要使用大功率电器长时间无人看管。"),
)  # fmt: skip


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _require(actor: Actor, estate: Estate) -> None:
    if actor.is_superuser:
        return
    if estate.pk not in actor.estate_ids or actor.staff is None:
        raise Http404
    if actor.role not in PUBLICITY_ROLES:
        raise PermissionDenied(_("消防宣传由客服中心负责发布"))


def _channels(raw: Sequence[str] | None) -> list[str]:
    chosen = list(dict.fromkeys(raw or ()))
    if any(c not in PublicityChannel.values for c in chosen):
        raise ValidationError({"channels": [_("宣传渠道只能是公告栏、短信或APP")]})
    if PublicityChannel.BOARD not in chosen:
        chosen.insert(0, PublicityChannel.BOARD)  # every topic goes on the board
    return chosen


@transaction.atomic
def publicity_topic_create(
    *, estate: Estate, year: int, month: int, title: str, body: str, by,
    channels: Sequence[str] | None = None,
) -> PublicityTopic:  # fmt: skip
    """Add a topic to the estate's yearly plan (FIRE-07)."""
    actor = _actor(by)
    _require(actor, estate)
    errors: dict[str, list[str]] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors["title"] = [_("请填写宣传主题，如 楼道禁止堆放杂物")]
    if not body:
        errors["body"] = [_("请填写宣传内容")]
    check_model_text(PublicityTopic, errors, title=title, body=body)
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = [_("年度不正确")]
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = [_("请选择 1 至 12 月")]
    try:
        chosen = _channels(
            channels or (PublicityChannel.BOARD, PublicityChannel.SMS, PublicityChannel.APP)
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            return PublicityTopic.objects.create(
                estate=estate, year=year, month=month, title=title, body=body, channels=chosen
            )
    except IntegrityError:
        raise Conflict(_("该月已有同名宣传主题"), code="duplicate") from None


@transaction.atomic
def publicity_plan_seed(*, estate: Estate, year: int, by) -> list[PublicityTopic]:
    """Fill a year's plan with the usual topics (those the plan lacks)."""
    actor = _actor(by)
    _require(actor, estate)
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({"year": [_("年度不正确")]})
    made = []
    for month, title, body in DEFAULT_PLAN:
        if PublicityTopic.objects.filter(estate=estate, year=year, month=month, title=title):
            continue
        made.append(publicity_topic_create(estate=estate, year=year, month=month, title=title,
                                           body=body, by=actor))  # fmt: skip
    return made


@transaction.atomic
def publicity_publish(*, topic: PublicityTopic | int, by) -> PublicityTopic:
    """Publish a planned topic (FIRE-07): a fire-safety notice on the board, sent to the
    residents by SMS and in the app as the topic's channels say; by customer service (FIRE-01)."""
    actor = _actor(by)
    pk = topic.pk if isinstance(topic, PublicityTopic) else topic
    try:
        topic = PublicityTopic.objects.select_for_update().select_related("estate").get(pk=pk)
    except (PublicityTopic.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    _require(actor, topic.estate)
    if topic.published_at is not None:
        raise Conflict(_("该主题已发布"), code="already_published")
    to_residents = [
        Channel.SMS if c == PublicityChannel.SMS else Channel.INBOX
        for c in topic.channels
        if c in (PublicityChannel.SMS, PublicityChannel.APP)
    ]
    notice = notice_create(
        estate=topic.estate, title=topic.title, body=topic.body,
        category=NoticeCategory.FIRE_SAFETY, notify_residents=bool(to_residents),
        channels=to_residents or [Channel.INBOX], by=actor.user,
    )  # fmt: skip
    topic.notice = notice
    topic.published_at = timezone.now()
    topic.published_by = actor.user
    topic.save(update_fields=["notice", "published_at", "published_by"])
    return topic


def may_publish(actor: Actor, estate: Estate) -> bool:
    """Whether the actor may plan and publish this estate's publicity (FIRE-01)."""
    try:
        _require(actor, estate)
    except (Http404, PermissionDenied):
        return False
    return True
