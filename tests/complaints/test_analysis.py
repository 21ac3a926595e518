"""Complaint analysis (投诉分析, COMPLAINT-14/18): the figures of a week, the period in the estate's
time zone, the trend, the weekly job, the improvement measures, the page, its export and the API.

Every complaint goes through the services at the time it happens (the clock is moved step by
step), and a handling deadline is breached by the SLA sweep, so each figure is checked exactly.

The week analysed: Monday 2026-11-16 to Sunday 2026-11-22 (Shanghai). Ten complaints in it, one
the evening before and one just after, one of another estate; now is Monday 11-23 12:00.
"""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import make_staff
from wuye.complaints.models import Complaint, WeeklyAnalysis
from wuye.complaints.services import complaints as services
from wuye.complaints.services.analysis import (
    complaint_analysis,
    complaint_weekly_generate,
    subjects_of,
    weekly_measures_save,
)
from wuye.core.choices import DepartmentKind, Role
from wuye.core.services import api_token_issue
from wuye.jobs import JOBS
from wuye.workflow.choices import ClockState
from wuye.workflow.services import sla_sweep

SH = ZoneInfo("Asia/Shanghai")
MONDAY, SUNDAY = dt.date(2026, 11, 16), dt.date(2026, 11, 22)
NOW = "2026-11-23 12:00"
MEASURE = "电梯维保频率提高至每10天一次"


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


class Story:
    """Moves the clock and acts, as the people of the estate would."""

    def __init__(self, world, time_machine):
        self.world, self.tm = world, time_machine

    def when(self, text: str) -> None:
        self.tm.move_to(at(text), tick=False)

    def complaint(self, when: str, content: str, type: str, channel="phone", urgency="general",
                  estate=None, by=None, **extra) -> Complaint:  # fmt: skip
        self.when(when)
        if channel == "email":
            extra.setdefault("contact_email", "zhang@example.com")
        return services.complaint_create(
            estate=estate or self.world.estate, content=content, contact_name="张先生",
            contact_phone="13800138000", channel=channel, type=type, urgency=urgency,
            received_at=at(when), by=by or self.world.agent.user, **extra,
        )  # fmt: skip

    def act(self, when: str, complaint, action: str, user, note="", **data) -> Complaint:
        self.when(when)
        return services.complaint_act(
            complaint=complaint.pk, action=action, by=user, note=note, data=data
        )


@pytest.fixture
def story(world, time_machine):
    return Story(world, time_machine)


@pytest.fixture
def week(world, story):
    w, s = world, story
    agent, tech, head, owner = w.agent.user, w.tech.user, w.head.user, w.owner.user
    eq, other = "engineering_quality", "other"
    c = {}
    c["c0"] = s.complaint("2026-11-15 23:59", "电梯门夹人", eq)  # the week before
    c["c1"] = s.complaint("2026-11-16 09:00", "1栋301室业主投诉电梯经常故障", eq,
                          room=w.room, complainant=w.owner)  # fmt: skip
    s.act("2026-11-16 09:30", c["c1"], "assign", agent, department="engineering")
    c["c2"] = s.complaint("2026-11-16 14:00", "电梯又停了，困梯半小时", eq, "app", "urgent")
    s.act("2026-11-16 14:20", c["c2"], "assign", agent, department="engineering")
    c["c3"] = s.complaint("2026-11-17 10:00", "电梯按钮失灵", eq, "counter")
    s.act("2026-11-17 10:10", c["c3"], "assign", agent, department="engineering")
    s.act("2026-11-17 15:00", c["c1"], "resolve", tech, resolution="更换门机板", measure=MEASURE)
    s.act("2026-11-17 16:00", c["c1"], "reply", agent, channel="phone",
          text=f"非常抱歉给您带来不便。改进措施：{MEASURE}。我们会尽力解决。")  # fmt: skip
    s.act("2026-11-17 17:00", c["c1"], "rate", owner, satisfaction=5, comment="满意")
    c["c4"] = s.complaint("2026-11-17 20:00", "楼上装修噪音太大", "management")
    s.act("2026-11-17 20:30", c["c4"], "assign", agent, department="administration")
    c["c5"] = s.complaint("2026-11-18 09:00", "物业费收费不合理", "fees")
    s.act("2026-11-18 09:10", c["c5"], "assign", agent, department="finance")
    s.act("2026-11-18 09:20", c["c5"], "mark_major", agent, note="多户联名投诉")
    # Urgent, due 11-17 23:59:59: resolved late, the clock stops breached.
    s.act("2026-11-18 10:00", c["c2"], "resolve", tech, resolution="已修复", measure="加强巡检")
    s.act("2026-11-18 11:00", c["c3"], "resolve", tech, resolution="已更换", measure="加强巡检")
    c["c6"] = s.complaint("2026-11-18 15:00", "客服态度差，推诿", "service_attitude")
    s.act("2026-11-18 15:10", c["c6"], "assign", agent, department="customer_service")
    s.act("2026-11-19 10:00", c["c6"], "resolve", head, resolution="已约谈", measure="服务培训")
    s.act("2026-11-19 11:00", c["c6"], "reply", agent, channel="sms",
          text="非常抱歉，改进措施：服务培训。")  # fmt: skip
    s.act("2026-11-19 12:00", c["c6"], "archive", agent, satisfaction=3)
    c["c7"] = s.complaint("2026-11-19 11:00", "小区乱停车严重，车位不够", other, "app",
                          type_other="停车")  # fmt: skip
    c["c8"] = s.complaint("2026-11-20 16:00", "地下车库停车收费太贵", other, "email",
                          type_other="停车 ")  # fmt: skip
    s.act("2026-11-20 17:00", c["c8"], "cancel", agent, note="重复登记")
    c["c9"] = s.complaint("2026-11-21 08:00", "垃圾没人清运，异味很大", other,
                          urgency="urgent", type_other="环境卫生")  # fmt: skip
    # c4 (general, 11-17 20:00) was due Friday 11-20 23:59:59: the sweep breaches it.
    s.when("2026-11-21 09:00")
    sla_sweep()
    c["c10"] = s.complaint("2026-11-22 23:30", "卫生间天花板漏水", eq, urgency="urgent")
    c["c11"] = s.complaint("2026-11-23 00:10", "电梯异响", eq)  # the week after
    c["x"] = s.complaint("2026-11-18 10:00", "电梯坏了", eq, estate=w.other_estate,
                         by=w.outsider.user)  # fmt: skip
    s.act("2026-11-23 09:00", c["c1"], "reopen", owner, note="电梯又坏了")
    c["c1b"] = Complaint.objects.get(reopened_from=c["c1"])
    s.when(NOW)
    return c


def shares(rows, key="label"):
    return {r[key]: (r["count"], r["share"]) for r in rows}


# --- The figures ----------------------------------------------------------------------------------


def test_the_weeks_figures__COMPLAINT_14(world, week, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        f = complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert (f["start"], f["end"], f["days"], f["time_zone"]) == (
        "2026-11-16", "2026-11-22", 7, "Asia/Shanghai",
    )  # fmt: skip
    assert (f["total"], f["cancelled"], f["major"], f["reopened"]) == (10, 1, 1, 0)
    assert shares(f["by_type"]) == {
        "服务态度": (1, 0.1), "工程质量": (4, 0.4), "费用问题": (1, 0.1), "管理措施": (1, 0.1),
        "其他": (3, 0.3),
    }  # fmt: skip
    # 其他 with its free text grouped under it ("停车" and "停车 " are one).
    assert f["by_type"][-1]["others"] == [
        {"label": "停车", "count": 2, "share": 0.2},
        {"label": "环境卫生", "count": 1, "share": 0.1},
    ]
    assert [(d["code"], d["label"], d["count"], d["share"]) for d in f["by_department"]] == [
        ("engineering", "工程设备部", 3, 0.3),
        ("administration", "行政部", 1, 0.1),
        ("customer_service", "客户服务中心", 1, 0.1),
        ("finance", "财务部", 1, 0.1),
        ("unassigned", "未分派", 4, 0.4),
    ]
    assert shares(f["by_channel"]) == {
        "电话": (6, 0.6), "APP": (2, 0.2), "现场": (1, 0.1), "邮件": (1, 0.1), "接口": (0, 0.0),
    }  # fmt: skip
    assert shares(f["by_urgency"]) == {"一般": (7, 0.7), "紧急": (3, 0.3)}
    assert f["satisfaction"] == {"rated": 2, "average": 4.0}


def test_top_subjects_by_keywords__elevator_30_percent__COMPLAINT_14(world, week):
    f = complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert f["keywords_scanned"] == 10
    # Ties keep the dictionary's order; 卫生间 (c10) is not 卫生, 环境卫生 (c9's type) is.
    assert [(s["label"], s["count"], s["share"]) for s in f["top_subjects"]] == [
        ("电梯", 3, 0.3),
        ("停车/车位", 2, 0.2),
        ("物业费/收费", 2, 0.2),
        ("漏水/渗水", 1, 0.1),
        ("噪音", 1, 0.1),
        ("保洁/卫生", 1, 0.1),
        ("垃圾", 1, 0.1),
        ("装修", 1, 0.1),
        ("服务态度", 1, 0.1),
        ("异味", 1, 0.1),
    ]
    assert "困梯" in f["top_subjects"][0]["words"]


def test_top_subjects_by_type__other_split_by_its_text(world, week):
    f = complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert [(t["label"], t["count"], t["share"]) for t in f["top_types"]] == [
        ("工程质量", 4, 0.4),
        ("其他：停车", 2, 0.2),
        ("服务态度", 1, 0.1),
        ("费用问题", 1, 0.1),
        ("管理措施", 1, 0.1),
        ("其他：环境卫生", 1, 0.1),
    ]


def test_subject_dictionary():
    assert subjects_of("电梯经常故障，困梯") == ["elevator"]
    assert subjects_of("卫生间漏水") == ["leak"]
    assert subjects_of("楼道卫生差，很脏") == ["cleaning"]
    assert subjects_of("猫眼坏了") == []
    assert subjects_of("邻居养狗扰民") == ["noise", "pets"]
    assert subjects_of("今天天气很好") == []


def test_overdue_rate_counts_breached_handling_clocks__COMPLAINT_09_10(world, week):
    """c2 resolved after its 1-working-day deadline, c4 breached by the sweep: 2 overdue of the 9
    complaints with a handling clock (the cancelled c8 does not count)."""
    assert week["c4"].case.clocks.get(key="handle_general").state == ClockState.BREACHED
    assert week["c2"].case.clocks.get(key="handle_urgent").state == ClockState.BREACHED
    f = complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert f["handling"] == {"with_clock": 9, "overdue": 2, "overdue_rate": 0.2222}


def test_a_running_clock_past_due_is_overdue_before_the_sweep(world, week, story):
    # Tuesday 11-24 09:00: c5 (general, due Monday 23:59:59), c9 and c10 (urgent, due Monday)
    # are late though no sweep has run since Saturday.
    story.when("2026-11-24 09:00")
    f = complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert f["handling"] == {"with_clock": 9, "overdue": 5, "overdue_rate": 0.5556}


def test_period_is_local_days_of_the_estate(world, week):
    f = complaint_analysis(estate=world.estate, start=SUNDAY, end=SUNDAY)
    assert f["total"] == 1  # c10 at 23:30 on Sunday
    monday2 = dt.date(2026, 11, 23)
    f = complaint_analysis(estate=world.estate, start=monday2, end=monday2)
    assert (f["total"], f["reopened"]) == (2, 1)  # c11 at 00:10 and c1 reopened at 09:00
    f = complaint_analysis(estate=world.estate, start=dt.date(2026, 11, 15),
                           end=dt.date(2026, 11, 15))  # fmt: skip
    assert f["total"] == 1  # c0 at 23:59


def test_period_in_another_time_zone(world, week):
    # In Ürümqi (UTC+6) c10 came at 21:30 and c11 at 22:10 on Sunday: both in that Sunday.
    world.estate.time_zone = "Asia/Urumqi"
    f = complaint_analysis(estate=world.estate, start=SUNDAY, end=SUNDAY)
    assert (f["total"], f["time_zone"]) == (2, "Asia/Urumqi")


def test_trend_is_eight_monday_weeks_ending_with_the_periods(world, week):
    f = complaint_analysis(estate=world.estate, start=dt.date(2026, 11, 18), end=SUNDAY)
    assert [(w["week_start"], w["week_end"], w["count"]) for w in f["trend"]] == [
        ("2026-09-28", "2026-10-04", 0),
        ("2026-10-05", "2026-10-11", 0),
        ("2026-10-12", "2026-10-18", 0),
        ("2026-10-19", "2026-10-25", 0),
        ("2026-10-26", "2026-11-01", 0),
        ("2026-11-02", "2026-11-08", 0),
        ("2026-11-09", "2026-11-15", 1),  # c0, Sunday 23:59
        ("2026-11-16", "2026-11-22", 10),
    ]
    f = complaint_analysis(
        estate=world.estate, start=dt.date(2026, 11, 23), end=dt.date(2026, 11, 23)
    )
    assert [w["count"] for w in f["trend"]][-3:] == [1, 10, 2]


def test_nothing_to_divide_gives_no_share(world):
    f = complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert f["total"] == 0 and f["top_subjects"] == [] and f["top_types"] == []
    assert f["handling"]["overdue_rate"] is None and f["satisfaction"]["average"] is None
    assert all(r["share"] is None for r in f["by_type"]) and f["by_department"] == []
    json.dumps(f)  # JSON-safe as it is


# --- The weekly job ----------------------------------------------------------------------------


def test_weekly_job_is_registered():
    assert any(
        j.name == "complaint_weekly_analysis"
        and j.path == "wuye.complaints.services.analysis.complaint_weekly_generate"
        for j in JOBS
    )


def test_weekly_job_creates_one_row_per_estate_per_week_and_is_idempotent(world, week, story):
    assert complaint_weekly_generate() == 2  # both estates, the week of 11-16
    assert complaint_weekly_generate() == 0
    rows = {r.estate_id: r for r in WeeklyAnalysis.objects.all()}
    assert set(rows) == {world.estate.pk, world.other_estate.pk}
    mine = rows[world.estate.pk]
    assert mine.week_start == MONDAY and mine.generated_at == at(NOW)
    assert mine.figures == complaint_analysis(estate=world.estate, start=MONDAY, end=SUNDAY)
    assert mine.figures["top_subjects"][0]["label"] == "电梯"
    assert rows[world.other_estate.pk].figures["total"] == 1
    # Sunday 11-29 23:00: the week of 11-23 has not ended yet.
    story.when("2026-11-29 23:00")
    assert complaint_weekly_generate() == 0
    story.when("2026-11-30 00:05")
    assert complaint_weekly_generate() == 2
    assert complaint_weekly_generate(now=at("2026-12-01 10:00")) == 0
    assert WeeklyAnalysis.objects.filter(week_start=dt.date(2026, 11, 23)).count() == 2


def test_weekly_job_takes_each_estates_time_zone(world, story):
    world.estate.time_zone = "Asia/Urumqi"
    world.estate.save(update_fields=["time_zone"])
    # 01:00 Monday in Shanghai is still 23:00 Sunday in Ürümqi: its week has not ended.
    assert complaint_weekly_generate(now=at("2026-11-23 01:00")) == 2
    weeks = dict(WeeklyAnalysis.objects.values_list("estate_id", "week_start"))
    assert weeks == {world.estate.pk: dt.date(2026, 11, 9), world.other_estate.pk: MONDAY}


# --- Improvement measures ------------------------------------------------------------------------


@pytest.fixture
def stored(world, week):
    complaint_weekly_generate()
    return WeeklyAnalysis.objects.get(estate=world.estate, week_start=MONDAY)


def test_heads_and_executives_record_the_measures__COMPLAINT_18(world, stored):
    weekly_measures_save(analysis=stored, measures=f"  {MEASURE}  ", by=world.head.user)
    stored.refresh_from_db()
    assert (stored.measures, stored.measures_by) == (MEASURE, world.head.user)
    weekly_measures_save(analysis=stored, measures="加强巡检", by=world.exec.user)
    stored.refresh_from_db()
    assert (stored.measures, stored.measures_by) == ("加强巡检", world.exec.user)


def test_others_may_not_record_measures(world, stored):
    other_head = make_staff(world.company, "otherhead", Role.DEPARTMENT_HEAD,
                            DepartmentKind.ENGINEERING, [world.other_estate])  # fmt: skip
    for user in (world.agent.user, world.tech.user, world.owner.user, other_head.user):
        with pytest.raises(PermissionDenied):
            weekly_measures_save(analysis=stored, measures="x", by=user)
    with pytest.raises(ValidationError) as error:
        weekly_measures_save(analysis=stored, measures="长" * 2001, by=world.head.user)
    assert "measures" in error.value.message_dict
    stored.refresh_from_db()
    assert stored.measures == "" and stored.measures_by is None


# --- The page -----------------------------------------------------------------------------------


def url(estate, **params) -> str:
    base = reverse("complaints:analysis", args=[estate.pk])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def chart_data(html: str) -> dict:
    part = html.split('id="complaint-analysis-data" type="application/json">')[1]
    return json.loads(part.split("</script>")[0])


def test_page_counts_the_last_week_while_none_is_stored(world, week, login,
                                                        django_assert_max_num_queries):  # fmt: skip
    client = login("agent")
    with django_assert_max_num_queries(20):
        r = client.get(url(world.estate))
    assert r.status_code == 200
    html = r.content.decode()
    assert "投诉分析" in html and "2026-11-16（周一）至 2026-11-22（周日）" in html
    assert "实时统计" in html and "电梯 30%" in html and "22.2%" in html
    assert "/static/web/vendor/echarts/echarts.min.js" in html
    assert "/static/web/complaint_analysis.js" in html
    data = chart_data(html)
    assert data["types"]["items"][0] == {"name": "工程质量", "value": 4, "pct": "40%"}
    assert data["subjects"]["labels"][:3] == ["电梯", "停车/车位", "物业费/收费"]
    assert data["subjects"]["pcts"][0] == "30%"
    assert data["trend"]["values"] == [0, 0, 0, 0, 0, 0, 1, 10]
    assert data["departments"]["labels"][-1] == "未分派"
    assert "其他：停车" in html and "└ 停车" in html
    # Every count leads to the desk's list behind it.
    listed = reverse("complaints:list") + "?received_from=2026-11-16&amp;received_to=2026-11-22"
    assert f'href="{listed}"' in html and f'href="{listed}&amp;type=fees"' in html
    assert f'href="{listed}&amp;department=engineering"' in html
    r = client.get(
        reverse("complaints:list"),
        {"received_from": "2026-11-16", "received_to": "2026-11-22", "type": "fees"},
    )
    assert r.status_code == 200 and week["c5"].case.number in r.content.decode()
    assert week["c4"].case.number not in r.content.decode()
    # The link in the navigation, under 客服中心.
    assert f'href="{url(world.estate)}"' in html
    # No stored week: the measures are recorded on a stored week.
    assert "请在上方选择一周已生成的周分析" in html


def test_page_shows_a_stored_week_and_its_measures_form_to_a_head(world, stored, login):
    stored.figures = {**stored.figures, "total": 99}  # kept as generated, not recounted
    stored.save(update_fields=["figures"])
    html = login("head").get(url(world.estate)).content.decode()
    assert "周分析" in html and ">99<" in html
    assert 'name="measures"' in html
    assert reverse("complaints:analysis_measures", args=[world.estate.pk, stored.pk]) in html
    html = login("agent").get(url(world.estate, week="2026-11-16")).content.decode()
    assert 'name="measures"' not in html and "尚未填写本周的改进措施" in html


def test_saving_the_measures_from_the_page(world, stored, login):
    post_url = reverse("complaints:analysis_measures", args=[world.estate.pk, stored.pk])
    r = login("head").post(post_url, {"measures": MEASURE})
    assert r.status_code == 302 and r["Location"].endswith("?week=2026-11-16")
    stored.refresh_from_db()
    assert stored.measures == MEASURE
    html = login("agent").get(r["Location"]).content.decode()
    assert MEASURE in html and "填写人：head" in html
    # Too long: the error next to the field, the text kept.
    r = login("head").post(post_url, {"measures": "长" * 2001})
    assert r.status_code == 200 and "长" * 2001 in r.content.decode()
    assert "field-error" in r.content.decode()
    # An agent may read, not write.
    r = login("agent").post(post_url, {"measures": "改掉"})
    assert r.status_code == 302
    stored.refresh_from_db()
    assert stored.measures == MEASURE
    # Another estate's week: not found.
    other = WeeklyAnalysis.objects.get(estate=world.other_estate)
    bad = reverse("complaints:analysis_measures", args=[world.estate.pk, other.pk])
    assert login("head").post(bad, {"measures": "x"}).status_code == 404


def test_page_custom_range_and_its_errors(world, week, login):
    client = login("agent")
    html = client.get(url(world.estate, start="2026-11-22", end="2026-11-23")).content.decode()
    assert "2026-11-22（周日）至 2026-11-23（周一）" in html and "实时统计" in html
    r = client.get(url(world.estate, start="2026-11-25", end="2026-11-01"))
    html = r.content.decode()
    assert r.status_code == 200 and "开始日期不能晚于结束日期" in html
    assert 'value="2026-11-25"' in html  # the input is kept
    html = client.get(url(world.estate, start="2025-11-01", end="2026-11-22")).content.decode()
    assert "统计区间最长 366 天" in html
    html = client.get(url(world.estate, start="", end="2026-11-22")).content.decode()
    assert "field-error" in html
    html = client.get(url(world.estate, week="2026-11-09")).content.decode()
    assert "该周还没有生成分析" in html


def test_page_scoping(client, world, login):
    assert client.get(url(world.estate)).status_code == 302  # to the login page
    assert login("outsider").get(url(world.estate)).status_code == 404
    assert login("agent").get(url(world.other_estate)).status_code == 404
    assert login("owner").get(url(world.estate)).status_code == 403
    assert login("exec").get(url(world.other_estate)).status_code == 200
    export = reverse("complaints:analysis_export", args=[world.estate.pk])
    assert login("outsider").get(export).status_code == 404


def test_export_has_one_sheet_per_breakdown_with_chinese_headers(world, stored, login):
    weekly_measures_save(analysis=stored, measures=MEASURE, by=world.head.user)
    export = reverse("complaints:analysis_export", args=[world.estate.pk])
    r = login("agent").get(export, {"week": "2026-11-16"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "20261116-20261122.xlsx" in r["Content-Disposition"]
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["概况", "按类型", "按责任部门", "按渠道", "按紧急程度",
                               "高频问题（关键词）", "高频问题（类型）", "近8周趋势"]  # fmt: skip

    def rows(name):
        return [list(row) for row in book[name].iter_rows(values_only=True)]

    overview = {row[0]: row[1] for row in rows("概况")[1:]}
    assert overview["投诉总数"] == 10 and overview["超时率"] == 0.2222
    assert overview["改进措施"] == MEASURE and overview["平均满意度（5分制）"] == 4
    assert rows("按类型")[0] == ["投诉类型", "其他类型说明", "件数", "占比"]
    assert ["其他", "停车", 2, 0.2] in rows("按类型")
    assert rows("按责任部门")[0] == ["责任部门", "件数", "占比"]
    assert rows("按责任部门")[-1] == ["未分派", 4, 0.4]
    assert rows("按渠道")[1] == ["电话", 6, 0.6]
    assert rows("按紧急程度")[0] == ["紧急程度", "件数", "占比"]
    assert rows("高频问题（关键词）")[0] == ["排名", "问题", "关键词", "涉及件数", "占比"]
    assert rows("高频问题（关键词）")[1][:2] == [1, "电梯"]
    assert rows("高频问题（关键词）")[1][3:] == [3, 0.3]
    assert rows("高频问题（类型）")[2] == [2, "其他：停车", 2, 0.2]
    assert rows("近8周趋势")[0] == ["周一", "周日", "投诉件数"]
    assert rows("近8周趋势")[-1] == ["2026-11-16", "2026-11-22", 10]
    # A custom range exports what it counted.
    r = login("agent").get(export, {"start": "2026-11-23", "end": "2026-11-23"})
    book = load_workbook(io.BytesIO(r.content))
    assert {row[0]: row[1] for row in rows("概况")[1:]}["投诉总数"] == 2


# --- API ------------------------------------------------------------------------------------------


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def get(client, user, **params):
    return client.get("/api/v1/complaints/analysis", params, **(auth(user) if user else {}))


def test_api_gives_the_same_figures(client, world, week):
    r = get(client, world.agent.user, estate=world.estate.pk, start="2026-11-16",
            end="2026-11-22")  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["start"], body["end"], body["total"]) == ("2026-11-16", "2026-11-22", 10)
    assert body["top_subjects"][0] == {
        "code": "elevator", "label": "电梯", "words": ["电梯", "困梯", "扶梯", "轿厢"],
        "count": 3, "share": 0.3,
    }  # fmt: skip
    assert body["handling"] == {"with_clock": 9, "overdue": 2, "overdue_rate": 0.2222}
    assert body["trend"][-1] == {"week_start": "2026-11-16", "week_end": "2026-11-22",
                                 "count": 10}  # fmt: skip
    assert body["by_type"][-1]["others"][0] == {"label": "停车", "count": 2, "share": 0.2}
    assert body["weekly_analysis"] is None


def test_api_defaults_to_the_last_complete_week(client, world, stored):
    weekly_measures_save(analysis=stored, measures=MEASURE, by=world.head.user)
    body = get(client, world.exec.user, estate=world.estate.pk).json()
    assert (body["start"], body["end"], body["total"]) == ("2026-11-16", "2026-11-22", 10)
    assert body["weekly_analysis"]["id"] == stored.pk
    assert body["weekly_analysis"]["measures"] == MEASURE


def test_api_scoping_and_bad_ranges(client, world):
    estate = world.estate.pk
    assert get(client, None, estate=estate).status_code == 401
    assert get(client, world.outsider.user, estate=estate).status_code == 404
    assert get(client, world.owner.user, estate=estate).status_code == 404
    assert get(client, world.agent.user, estate=999999).status_code == 404
    r = get(client, world.agent.user, estate=estate, start="2026-11-22", end="2026-11-16")
    assert r.status_code == 400 and "start" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, estate=estate, start="2025-11-21", end="2026-11-22")
    assert r.status_code == 400 and "end" in r.json()["error"]["fields"]  # 367 days
    r = get(client, world.agent.user, estate=estate, start="2025-11-22", end="2026-11-22")
    assert r.status_code == 200 and r.json()["days"] == 366
    assert get(client, world.agent.user, estate=estate, start="2026-13-01").status_code == 400
    r = get(client, world.agent.user, estate=estate, start="9999-12-31")
    assert r.status_code == 400 and "start" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, estate=estate, end="0001-01-01")
    assert r.status_code == 400 and "end" in r.json()["error"]["fields"]
    r = get(client, world.agent.user, estate=estate, start="2026-11-16")  # a week from it
    assert (r.json()["start"], r.json()["end"]) == ("2026-11-16", "2026-11-22")
