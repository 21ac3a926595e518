"""English: the catalogue is complete and compiled, and an English user sees no Chinese UI text.

Chinese is the source language (the msgids); only data (names of estates, buildings, people) and
the language switch's own "中文" stay Chinese on an English page.
"""

from __future__ import annotations

import gettext
import html as html_lib
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import BuildingFactory, RoomFactory
from wuye.core.models import (
    Building,
    Company,
    Contractor,
    ContractorAccount,
    Estate,
    Position,
    Resident,
    Staff,
    Unit,
)
from wuye.core.roster import RowError

LOCALE_DIR = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# Chinese characters and Chinese punctuation (，。：；「」（）、 and full-width forms).
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.fixture(autouse=True)
def _default_language():
    # A request in English leaves English active in this thread; later tests expect Chinese.
    translation.deactivate()
    yield
    translation.deactivate()


# --- The catalogue ------------------------------------------------------------------------------


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text[1:-1])


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr {index: text}, flags."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        entry: dict = {"msgctxt": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        key: tuple | None = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                assert key is not None, block
                if key[0] == "msgstr":
                    entry["msgstr"][key[1]] += _unquote(line)
                else:
                    entry[key[0]] += _unquote(line)
            else:
                keyword, _sep, value = line.partition(" ")
                if keyword.startswith("msgstr["):
                    key = ("msgstr", int(keyword[7:-1]))
                    entry["msgstr"][key[1]] = _unquote(value)
                elif keyword == "msgstr":
                    key = ("msgstr", 0)
                    entry["msgstr"][0] = _unquote(value)
                else:
                    assert keyword in ("msgctxt", "msgid", "msgid_plural"), line
                    key = (keyword,)
                    entry[keyword] = _unquote(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def _name(entry: dict) -> str:
    return f"{entry['msgctxt']}|{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


def test_po_header_is_english_and_not_fuzzy(po_entries):
    header = po_entries[0]
    assert header["msgid"] == ""
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


def test_po_every_entry_is_translated(po_entries):
    entries = po_entries[1:]
    assert len(entries) > 300  # the parser found the catalogue, not an empty file
    untranslated = [_name(e) for e in entries if not all(s.strip() for s in e["msgstr"].values())]
    fuzzy = [_name(e) for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    plurals = [e for e in entries if e["msgid_plural"] is not None]
    assert all(sorted(e["msgstr"]) == [0, 1] for e in plurals), [_name(e) for e in plurals]


def test_po_translations_keep_placeholders_and_are_english(po_entries):
    problems = []
    for entry in po_entries[1:]:
        wanted = sorted(PLACEHOLDER.findall(entry["msgid"]))
        for text in entry["msgstr"].values():
            if sorted(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"placeholders differ: {_name(entry)!r} → {text!r}")
            # A Chinese licence plate (京A12345) keeps its province character in every language.
            if CHINESE.search(PLATE.sub("", text)):
                problems.append(f"Chinese in the translation: {_name(entry)!r} → {text!r}")
    assert not problems, "\n".join(problems)


def _catalog_of_po(entries: list[dict]) -> dict:
    catalog = {}
    for entry in entries[1:]:
        msgid = entry["msgid"]
        if entry["msgctxt"] is not None:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if entry["msgid_plural"] is None:
            catalog[msgid] = entry["msgstr"][0]
        else:
            for index, text in entry["msgstr"].items():
                catalog[(msgid, index)] = text
    return catalog


def _catalog_of_mo(path: Path) -> dict:
    with path.open("rb") as fp:
        catalog = dict(gettext.GNUTranslations(fp)._catalog)
    catalog.pop("", None)  # the header
    return catalog


def test_mo_is_compiled_from_the_current_po(po_entries):
    """The committed .mo holds exactly the .po's translations (`make messages` was run)."""
    assert MO_FILE.exists(), "run: make messages"
    assert _catalog_of_mo(MO_FILE) == _catalog_of_po(po_entries), "the .mo is stale: make messages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
def test_mo_matches_msgfmt_output(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO_FILE)], check=True, timeout=60
    )
    assert _catalog_of_mo(MO_FILE) == _catalog_of_mo(fresh), "the .mo is stale: make messages"


# --- English pages ------------------------------------------------------------------------------

# Attributes whose values people read (or hear, with a screen reader).
READ_ATTRIBUTES = re.compile(r'\s(?:placeholder|title|aria-label|data-label|alt)="([^"]*)"')


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    # The avatar is the first character of the user's name: data, like the name.
    page = re.sub(r'<span class="avatar"[^>]*>[^<]*</span>', " ", page)
    attributes = " ".join(READ_ATTRIBUTES.findall(page))
    text = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return html_lib.unescape(f"{text} {attributes}")


def data_values() -> list[str]:
    """Everything in the database that is data, not UI: names stay as they were entered."""
    values: set[str] = {"中文"}  # the language switch names each language in that language
    fields = [
        (Company, ("name", "short_name")),
        (Estate, ("name", "address")),
        (Building, ("name",)),
        (Unit, ("name",)),
        (Resident, ("name", "note")),
        (Staff, ("name",)),
        (Position, ("name",)),
        (Contractor, ("name", "scope", "qualification", "contact_name")),
        (ContractorAccount, ("name",)),
    ]
    for model, names in fields:
        for row in model.objects.values_list(*names):
            values.update(v for v in row if v)
    return sorted(values, key=len, reverse=True)


def chinese_left(page: str) -> list[str]:
    text = visible_text(page)
    for value in data_values():
        text = text.replace(value, " ")
    text = re.sub(r"\s+", " ", text)
    return [text[max(0, m.start() - 40) : m.end() + 40] for m in CHINESE.finditer(text)]


def in_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def assert_english(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert '<html lang="en"' in page, url
    left = chinese_left(page)
    assert not left, f"Chinese UI text on {url}:\n" + "\n".join(f"  …{s}…" for s in left)


@pytest.mark.django_db
def test_staff_pages_in_english(world, login):
    # A room without a unit, so the "1栋 Room 101" form of the label is on the list too.
    building = BuildingFactory(estate=world.estate, name="9栋")
    RoomFactory(unit=None, building=building, estate=world.estate, number="101")
    client = in_english(login("agent"))
    urls = [
        reverse("core:estate_overview", args=[world.estate.pk]),
        reverse("core:room_list"),
        reverse("core:room_list") + "?search=nothing-matches",
        reverse("core:room_detail", args=[world.room.pk]),
        reverse("core:room_create"),
        reverse("core:resident_list"),
        reverse("core:resident_detail", args=[world.owner.pk]),
        reverse("core:staff_list"),
        reverse("core:contractor_list"),
        reverse("core:roster"),
        reverse("password_change"),
        reverse("password_change_done"),
    ]
    for url in urls:
        assert_english(client, url)


@pytest.mark.django_db
def test_login_page_in_english(client, world):
    assert_english(in_english(client), reverse("login"))
    response = client.post(reverse("login"), {"username": "agent", "password": "wrong"})
    assert not chinese_left(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["owner", "lift"])
def test_resident_and_contractor_homes_in_english(world, login, username):
    assert_english(in_english(login(username)), reverse("web:home"))


@pytest.mark.django_db
def test_form_errors_and_messages_in_english(world, login):
    client = in_english(login("agent"))
    url = reverse("core:room_detail", args=[world.room.pk])
    response = client.post(url, {"name": "", "mobile": "123", "relation": "owner"})
    assert response.status_code == 200
    assert not chinese_left(response.content.decode())
    response = client.post(
        url, {"name": "Li Lei", "mobile": "13912345678", "relation": "tenant"}, follow=True
    )
    page = response.content.decode()
    assert "Registered Li Lei in" in page and "(Tenant)" in page
    assert not chinese_left(page)


@pytest.mark.django_db
def test_error_pages_in_english(world, login):
    client = in_english(login("tech"))
    response = client.get(reverse("core:roster"))
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    assert not chinese_left(response.content.decode())
    response = client.get(reverse("core:room_detail", args=[world.other_room.pk]))
    assert response.status_code == 404
    assert not chinese_left(response.content.decode())


@pytest.mark.django_db
def test_chinese_stays_the_default(world, login):
    page = login("agent").get(reverse("core:room_list")).content.decode()
    assert '<html lang="zh-hans"' in page and "新增房屋" in page
    assert world.room.label == "1栋2单元301室"


# --- Formats that depend on the language --------------------------------------------------------


@pytest.mark.django_db
def test_room_label_in_english(world):
    no_unit = RoomFactory(
        unit=None, building=world.room.building, estate=world.estate, number="1201"
    )
    with translation.override("en"):
        assert world.room.label == "1栋 2单元 Room 301"
        assert no_unit.label == "1栋 Room 1201"
    with translation.override("zh-hans"):
        assert no_unit.label == "1栋1201室"


def test_roster_errors_in_english():
    error = RowError("房屋", 2, "房号", "请填写房号")
    with translation.override("en"):
        assert str(error) == "Sheet “房屋” row 2 column “房号”: 请填写房号"
    assert str(error) == "「房屋」表 第 2 行 「房号」：请填写房号"


# --- The API answers in the caller's language ---------------------------------------------------


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client, world, login):
    response = client.get("/api/v1/rooms/999999", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["error"]["message"].startswith("Log in first")

    client = login("agent")
    english = client.get("/api/v1/rooms/999999", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["error"] == {
        "code": "not_found",
        "message": "Not found, or you may not see it",
        "fields": {},
    }
    chinese = client.get("/api/v1/rooms/999999", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    assert chinese["error"]["message"] == "未找到，或您无权查看"
    assert client.get("/api/v1/rooms/999999").json()["error"]["message"] == "未找到，或您无权查看"

    response = client.post(
        "/api/v1/auth/token",
        {"username": "agent"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"password": ["This field is required"]}


@pytest.mark.django_db
def test_api_docs_in_english(client, world):
    schema = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert schema["info"]["title"] == "Wuye Property Operations API"
    assert "Items per page (at most 200)" in str(schema)
