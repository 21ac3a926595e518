"""The holiday schedule's API: which years are entered, and entering one from the State
Council's notice (``POST /holidays/preview`` shows what ``POST /holidays`` saves). Executives and
administrators only; the page 节假日安排 calls the same services (``holiday_notice``)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from wuye.base.api import READ_ERRORS, WRITE_ERRORS, ErrorOut, Text
from wuye.workflow.calendar import missing_holiday_years
from wuye.workflow.holiday_notice import (
    NOTICE_MAX_CHARS,
    YEAR_MAX,
    YEAR_MIN,
    holiday_notice_preview,
    holiday_notice_save,
    holiday_years,
    may_enter_holidays,
)

router = Router(tags=["holidays"])


class HolidayNoticeIn(Schema):
    text: Text = Field(
        ...,
        max_length=NOTICE_MAX_CHARS,
        description="The notice's text, title included (国务院办公厅关于××年部分节假日安排的通知)",
    )
    year: int | None = Field(
        None, ge=YEAR_MIN, le=YEAR_MAX, description="Needed only when the text has no title"
    )


class HolidayNoticeDayOut(Schema):
    date: dt.date
    weekday: str
    kind: str = Field(..., description="holiday (放假) or workday (调休上班)")
    kind_label: str
    name: str


class HolidayNoticeOut(Schema):
    year: int
    holidays: int
    workdays: int
    replaces: int = Field(..., description="Entered days of that year the save replaces")
    package_knows: bool
    days: list[HolidayNoticeDayOut]

    @staticmethod
    def resolve_holidays(obj) -> int:
        return len(obj.holidays)

    @staticmethod
    def resolve_workdays(obj) -> int:
        return len(obj.workdays)


class HolidayYearOut(Schema):
    year: int
    source: str = Field(..., description="entered, package (built in) or missing (weekends only)")
    holidays: int
    workdays: int


class HolidayStatusOut(Schema):
    missing_years: list[int] = Field(
        ..., description="Years to enter now: this year if missing, next year from 1 November"
    )
    years: list[HolidayYearOut]


@router.get("/holidays", response={200: HolidayStatusOut, **READ_ERRORS, 403: ErrorOut})
def holiday_status(request: HttpRequest):
    """The years of the home page's reminder, and where each year's holidays come from."""
    if not may_enter_holidays(request.auth):
        raise PermissionDenied(_("只有企业高层和系统管理员可以录入节假日"))
    return {"missing_years": missing_holiday_years(), "years": holiday_years()}


@router.post("/holidays/preview", response={200: HolidayNoticeOut, **WRITE_ERRORS})
def holiday_preview(request: HttpRequest, payload: HolidayNoticeIn):
    """Parse the notice: its holidays and make-up working days; nothing is saved. A text that is
    not fully understood is a 400 listing every part (``fields.__all__``)."""
    return holiday_notice_preview(text=payload.text, year=payload.year, by=request.auth)


@router.post("/holidays", response={200: HolidayNoticeOut, **WRITE_ERRORS})
def holiday_save(request: HttpRequest, payload: HolidayNoticeIn):
    """Parse the notice and replace that year's nationwide holidays by it, in one transaction."""
    return holiday_notice_save(text=payload.text, year=payload.year, by=request.auth)
