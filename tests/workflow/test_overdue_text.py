"""How late a clock is, as the desk reads it ("已超时 2 小时 15 分"), and how long is left."""

import datetime as dt

import pytest

from wuye.core.templatetags.wuye import due_in, overdue_by

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("late", "text"),
    [
        (dt.timedelta(hours=2, minutes=15), "已超时 2 小时 15 分"),
        (dt.timedelta(hours=2, minutes=14, seconds=1), "已超时 2 小时 15 分"),  # rounded up
        (dt.timedelta(seconds=5), "已超时 1 分"),
        (dt.timedelta(hours=3), "已超时 3 小时"),
        (dt.timedelta(days=2, hours=3, minutes=40), "已超时 2 天 3 小时"),
        (dt.timedelta(days=1), "已超时 1 天"),
    ],
)
def test_overdue_says_by_how_much(late, text):
    assert overdue_by(NOW - late, NOW) == text
    assert due_in(NOW - late, NOW) == text


def test_not_yet_due_is_not_overdue():
    assert overdue_by(NOW + dt.timedelta(minutes=1), NOW) == ""
    assert overdue_by(None, NOW) == ""
    assert due_in(NOW + dt.timedelta(minutes=30), NOW) == "剩余 30 分"
