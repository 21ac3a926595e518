"""The header's search (web.search): one box finds a room, a person or a case by its number, in the
estates the user may see; ``/search/?q=`` groups the hits (房屋 / 人员 / 工单) and goes straight to
a case whose number is typed in full; ``GET /api/v1/search`` answers the same. Staff only."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import OccupancyFactory, RoomFactory
from wuye.complaints.services.complaints import complaint_create
from wuye.core.scoping import actor_for
from wuye.web.search import CASES, LIMIT, PEOPLE, ROOMS, search

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
URL = reverse("web:search")


@pytest.fixture
def day(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 17, 9, 0, tzinfo=SH), tick=False)
    return world


def complaint(world, *, estate=None, by=None):
    return complaint_create(
        estate=estate or world.estate, content="楼上装修噪音太大", contact_name="王女士",
        contact_phone="13800000001", channel="phone", type="management", urgency="general",
        room=world.room if estate is None else None, by=(by or world.agent).user,
    )  # fmt: skip


def titles(user, text: str) -> dict[str, list[str]]:
    result = search(actor_for(user), text)
    return {g.key: [h.title for h in g.hits] for g in result.groups}


class _Hits(HTMLParser):
    """The hrefs of the result links (``ul.search-hits``)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._in = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "search-hits" in (attrs.get("class") or ""):
            self._in += 1
        elif tag == "a" and self._in:
            self.urls.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "ul" and self._in:
            self._in -= 1


def page_urls(html: str) -> list[str]:
    parser = _Hits()
    parser.feed(html)
    return parser.urls


# --- Each group ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1栋2单元301", "1-2-301", "301", "1栋301"])
def test_a_room_is_found_the_way_the_desk_types_it(world, typed):
    assert titles(world.agent.user, typed)[ROOMS] == [world.room.label]


def test_the_page_links_the_room_to_its_page(world, login):
    response = login("agent").get(URL, {"q": "1栋2单元301"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "房屋" in html and "人员" in html and "工单" in html
    assert reverse("core:room_detail", args=[world.room.pk]) in page_urls(html)


def test_a_resident_is_found_by_name_or_mobile_and_shown_masked(world, login):
    owner = world.owner
    assert titles(world.agent.user, owner.name)[PEOPLE] == [owner.name]
    assert titles(world.agent.user, owner.mobile[-8:])[PEOPLE] == [owner.name]
    html = login("agent").get(URL, {"q": owner.mobile}).content.decode()
    hits = html[html.index('class="search-hits"') :]  # the box above holds what was typed
    assert owner.mobile_masked in hits and owner.mobile not in hits
    assert reverse("core:resident_detail", args=[owner.pk]) in page_urls(html)


def test_staff_are_found_by_name(world):
    hits = search(actor_for(world.agent.user), "tech").groups[1].hits
    assert [(h.kind, h.title) for h in hits] == [("staff", "tech")]
    assert hits[0].url == reverse("core:staff_list") + "?search=tech"


def test_a_case_is_found_by_part_of_its_number(day):
    first, second = complaint(day), complaint(day)
    prefix = first.case.number.rsplit("-", 1)[0]  # TS-20261117
    found = titles(day.agent.user, prefix)[CASES]
    assert sorted(found) == sorted([first.case.number, second.case.number])


def test_one_case_number_typed_in_full_opens_the_case(day, login):
    c = complaint(day)
    complaint(day)
    response = login("agent").get(URL, {"q": f"  {c.case.number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("workflow:case_detail", args=[c.case.pk])


def test_a_number_in_two_estates_lists_both_instead_of_choosing(day, login):
    """Numbers count per estate: the first complaint of the day has the same number in both."""
    mine = complaint(day)
    theirs = complaint(day, estate=day.other_estate, by=day.outsider)
    assert mine.case.number == theirs.case.number
    response = login("exec").get(URL, {"q": mine.case.number})  # sees both estates
    assert response.status_code == 200
    assert sorted(page_urls(response.content.decode())) == sorted(
        reverse("workflow:case_detail", args=[c.case.pk]) for c in (mine, theirs)
    )
    # The desk of one estate sees one: it opens.
    assert login("agent").get(URL, {"q": mine.case.number}).status_code == 302


# --- Scoping across estates ----------------------------------------------------------------------


def test_each_user_finds_only_their_estates(day):
    complaint(day, estate=day.other_estate, by=day.outsider)
    other = day.other_room  # 8栋1单元101, in the other estate
    assert titles(day.agent.user, "101")[ROOMS] == []
    assert titles(day.outsider.user, "101")[ROOMS] == [other.label]
    assert titles(day.exec.user, "8栋1单元101")[ROOMS] == [other.label]
    assert titles(day.agent.user, day.other_owner.name)[PEOPLE] == []
    assert titles(day.exec.user, day.other_owner.name)[PEOPLE] == [day.other_owner.name]
    assert titles(day.agent.user, "outsider")[PEOPLE] == []  # works in the other estate only
    assert titles(day.agent.user, "TS-")[CASES] == []
    assert len(titles(day.outsider.user, "TS-")[CASES]) == 1


# --- Short queries, residents, the API ---------------------------------------------------------


def test_a_short_query_says_so_and_searches_nothing(world, login, django_assert_num_queries):
    actor = actor_for(world.agent.user)
    with django_assert_num_queries(0):
        result = search(actor, " 1 ")
    assert result.message and result.groups == []
    html = login("agent").get(URL, {"q": "1"}).content.decode()
    assert "请至少输入 2 个字再搜索" in html
    response = login("agent").get("/api/v1/search", {"q": "1"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["q"] == ["请至少输入 2 个字再搜索"]


@pytest.mark.parametrize("username", ["owner", "lift"])
def test_residents_and_contractors_have_no_search(world, login, username):
    client = login(username)
    assert client.get(URL, {"q": "301"}).status_code == 403
    assert client.get("/api/v1/search", {"q": "301"}).status_code == 403
    assert 'class="header-search"' not in client.get("/", follow=True).content.decode()


def test_staff_have_the_box_in_the_header(world, login):
    html = login("tech").get("/", follow=True).content.decode()
    assert 'class="header-search"' in html and f'action="{URL}"' in html


def test_the_api_answers_what_the_page_shows(day, login):
    complaint(day)
    client = login("head")
    for text in ("301", day.owner.name, "TS-", "tech"):
        page = page_urls(client.get(URL, {"q": text}).content.decode())
        body = client.get("/api/v1/search", {"q": text}).json()
        assert [g["key"] for g in body["groups"]] == [ROOMS, PEOPLE, CASES]
        assert [h["url"] for g in body["groups"] for h in g["hits"]] == page, text
        assert body["exact"] == ""


def test_the_api_gives_the_exact_case(day, login):
    c = complaint(day)
    body = login("agent").get("/api/v1/search", {"q": c.case.number}).json()
    assert body["exact"] == reverse("workflow:case_detail", args=[c.case.pk])
    assert body["groups"][2]["count"] == 1


# --- Limits and the query count ------------------------------------------------------------------


def test_each_group_shows_twenty_and_counts_all_in_a_bounded_number_of_queries(
    day, login, django_assert_max_num_queries
):
    unit = day.room.unit
    for n in range(LIMIT + 5):
        OccupancyFactory(room=RoomFactory(unit=unit, number=f"9{n:02d}"))
    for _ in range(LIMIT + 5):
        complaint(day)
    client = login("agent")
    client.get("/")  # the session's estate, settled before counting
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"q": "90"})  # rooms 900..909, residents, cases
    assert response.status_code == 200
    result = search(actor_for(day.agent.user), "TS-")
    cases = result.groups[2]
    assert cases.count == LIMIT + 5 and len(cases.hits) == LIMIT
    rooms = search(actor_for(day.agent.user), "9").message  # one character: nothing searched
    assert rooms
    people = search(actor_for(day.agent.user), "住户")
    assert people.groups[1].count >= LIMIT + 5 and len(people.groups[1].hits) == LIMIT
    html = client.get(URL, {"q": "TS-"}).content.decode()
    assert f"只显示前 {LIMIT} 条（共 {LIMIT + 5} 条）" in html


@pytest.mark.parametrize(
    "typed", ["\x00301", "30\x001", "%_", "1" * 500, "' OR 1=1 --", "\u200b\u200b"]
)
def test_odd_input_is_searched_as_text_never_an_error(world, login, typed):
    client = login("agent")
    assert client.get(URL, {"q": typed}).status_code in (200, 302)
    assert client.get("/api/v1/search", {"q": typed}).status_code in (200, 400)
