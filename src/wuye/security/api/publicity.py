"""Fire-prevention publicity API (消防宣传, FIRE-07): the plan of a year with each topic's state,
adding a topic, filling a year with the usual topics, publishing a topic (customer service)."""

import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, Id, IdParam, Text, paginated
from wuye.core.scoping import actor_for, get_or_404, visible_estates

from ..selectors import publicity as selectors
from ..services import publicity as services

router = Router(tags=["security"])
Year = Annotated[int, Field(ge=2000, le=2100)]
Month = Annotated[int, Field(ge=1, le=12)]


class PublicityTopicIn(Schema):
    estate: Id
    year: int = Field(..., ge=2000, le=2100)
    month: int = Field(..., ge=1, le=12)
    title: Text = Field(..., max_length=100, examples=["楼道禁止堆放杂物"])
    body: Text = Field(..., max_length=5000)
    channels: list[Text] = Field(default_factory=list, max_length=3, examples=[["board", "sms"]])


class PublicitySeedIn(Schema):
    estate: Id
    year: int = Field(..., ge=2000, le=2100)


class PublicityTopicOut(Schema):
    id: int
    estate: int = Field(..., alias="estate_id")
    year: int
    month: int
    title: str
    body: str
    channels: list[str]
    state: str
    notice: int | None = Field(None, alias="notice_id")
    published_at: dt.datetime | None

    @staticmethod
    def resolve_state(obj) -> str:
        today = timezone.localdate(timezone=ZoneInfo(obj.estate.time_zone or "Asia/Shanghai"))
        return getattr(obj, "state", None) or selectors.topic_state(obj, today)


@router.get("/security/publicity", response={200: list[PublicityTopicOut], **READ_ERRORS})
@paginated
def publicity_list(request: HttpRequest, estate: IdParam | None = None,
                   year: Year | None = None,
                   month: Month | None = None):  # fmt: skip
    """The plan: topics by month, each published / due / overdue / planned."""
    return selectors.publicity_list(actor=actor_for(request.auth), estate_id=estate, year=year,
                                    month=month)  # fmt: skip


@router.get("/security/publicity/{int:topic_id}", response={200: PublicityTopicOut, **READ_ERRORS})
def publicity_detail(request: HttpRequest, topic_id: IdParam):
    return selectors.publicity_get_for_user(request.auth, topic_id)


@router.post("/security/publicity", response={201: PublicityTopicOut, **WRITE_ERRORS})
def publicity_create(request: HttpRequest, payload: PublicityTopicIn):
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    topic = services.publicity_topic_create(
        estate=estate, year=payload.year, month=payload.month, title=payload.title,
        body=payload.body, channels=payload.channels or None, by=request.auth,
    )  # fmt: skip
    return Status(201, topic)


@router.post("/security/publicity/plan", response={200: list[PublicityTopicOut], **WRITE_ERRORS})
def publicity_seed(request: HttpRequest, payload: PublicitySeedIn):
    """Fill a year with the usual topics it lacks; returns those added."""
    estate = get_or_404(visible_estates(actor_for(request.auth)), payload.estate)
    return services.publicity_plan_seed(estate=estate, year=payload.year, by=request.auth)


@router.post("/security/publicity/{int:topic_id}/publish",
             response={200: PublicityTopicOut, **WRITE_ERRORS})  # fmt: skip
def publicity_publish(request: HttpRequest, topic_id: IdParam):
    """Publish the topic on the board and to the residents by SMS and in the app (FIRE-07)."""
    topic = selectors.publicity_get_for_user(request.auth, topic_id)
    return services.publicity_publish(topic=topic, by=request.auth)
