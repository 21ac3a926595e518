"""The weather page (天气记录): the head records rain (CLEAN-07: the main roads' sweeps at once)
or heat (GREEN-12) and is told how many tasks were created; the records list with a filter;
cleaners are refused; a bad form changes nothing."""

from __future__ import annotations

import pytest

from tests.environment import clean_helpers
from tests.environment.clean_helpers import at
from wuye.environment.models import WeatherRecord

pytestmark = pytest.mark.django_db
clean = clean_helpers.clean
planned = clean_helpers.planned


def test_head_records_rain_and_is_told_the_sweeps_created__CLEAN_07(planned, login, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 11:00"), tick=False)
    client = login("env_head")
    page = client.get("/environment/weather/")
    assert page.status_code == 200 and "还没有天气记录" in page.content.decode()
    r = client.post("/environment/weather/", {"kind": "rain", "at": "2026-07-07T10:40"},
                    follow=True)  # fmt: skip
    text = r.content.decode()
    assert "已登记降雨，生成主干道雨后清扫任务 1 项" in text
    record = WeatherRecord.objects.get(estate=w.estate)
    assert record.at == at("2026-07-07 10:40") and record.tasks_created == 1
    assert record.recorded_by == w.env_head.user
    assert "2026-07-07 10:40" in text and "CLEAN-" not in text


def test_time_left_empty_is_now_and_heat_needs_a_temperature__GREEN_12(
    planned, login, time_machine
):
    w = planned
    time_machine.move_to(at("2026-07-07 14:00"), tick=False)
    client = login("env_head")
    bad = client.post("/environment/weather/", {"kind": "heat"})
    assert bad.status_code == 200 and "请填写气温" in bad.content.decode()
    assert not WeatherRecord.objects.exists()
    bad = client.post("/environment/weather/", {"kind": "rain", "at": "2026-07-07T18:00"})
    assert bad.status_code == 200 and "时间不能晚于现在" in bad.content.decode()
    assert not WeatherRecord.objects.exists()
    r = client.post("/environment/weather/", {"kind": "heat", "temperature": "36.5"},
                    follow=True)  # fmt: skip
    assert "已登记高温，生成绿化加浇任务 0 项" in r.content.decode()
    record = WeatherRecord.objects.get(estate=w.estate)
    assert record.at == at("2026-07-07 14:00")
    page = client.get("/environment/weather/?kind=rain").content.decode()
    assert "没有符合条件的天气记录" in page
    assert "36.5 ℃" in client.get("/environment/weather/?kind=heat").content.decode()


def test_weather_page_refused_to_cleaners_and_scoped(planned, login, time_machine):
    w = planned
    time_machine.move_to(at("2026-07-07 11:00"), tick=False)
    cleaner = login("cleaner")
    assert cleaner.get("/environment/weather/").status_code == 403
    assert cleaner.post("/environment/weather/", {"kind": "rain"}).status_code == 403
    assert not WeatherRecord.objects.exists()
    WeatherRecord.objects.create(estate=w.other_estate, kind="rain", at=at("2026-07-07 09:00"),
                                 note="翠湖下雨", created_at=at("2026-07-07 09:00"))  # fmt: skip
    assert "翠湖下雨" not in login("env_head").get("/environment/weather/").content.decode()
