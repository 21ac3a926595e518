"""Attachments: photos and signatures checked by decoding, stored under safe names, bound once to
an action of their uploader, served only to who may see them."""

import base64
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from tests.images import (
    heic_bytes,
    jpeg_bytes,
    make_heic,
    make_jpeg,
    make_png,
    make_signature_data_url,
    make_webp,
    photo_of,
    signature_of,
    upload,
)
from tests.workflow.toy import TOY
from wuye.core.services import api_token_issue
from wuye.workflow import attachments, services
from wuye.workflow.attachments import (
    attachment_purge_unbound,
    attachment_store,
    attachment_store_signature,
    attachments_from_request,
)
from wuye.workflow.models import Attachment

SH = ZoneInfo("Asia/Shanghai")
INVALID = "文件不是有效的图片（支持 JPG、PNG、WebP、HEIC）"
STORED = re.compile(r"^attachments/\d{4}/\d{2}/[0-9a-f-]{36}(_thumb)?\.(jpg|png|webp)$")


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def case(world, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 30, 15, 0, tzinfo=SH), tick=False)
    return services.case_open(
        process=TOY, estate=world.estate, title="厨房漏水", by=world.agent.user
    )


@pytest.fixture
def working(case, world):
    """The toy case dispatched to ``tech`` and accepted: ready to complete."""
    services.case_act(case=case, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    services.case_act(case=case, action="accept", by=world.tech.user)
    return case


def complete(case, user, files):
    return services.case_act(case=case, action="complete", by=user, attachments=files)


def auth(user) -> dict:
    token, _ = api_token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- Checked by decoding ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "ext"),
    [(make_jpeg, "image/jpeg", "jpg"), (make_png, "image/png", "png"),
     (make_webp, "image/webp", "webp"), (make_heic, "image/jpeg", "jpg")],
)  # fmt: skip
def test_jpeg_png_webp_and_heic_are_accepted(world, media, make, content_type, ext):
    a = attachment_store(upload=make(), by=world.tech.user)
    assert (a.kind, a.content_type, a.width, a.height) == ("photo", content_type, 48, 32)
    assert STORED.match(a.file.name) and a.file.name.endswith(f".{ext}")
    assert a.size == (media / a.file.name).stat().st_size
    with Image.open(media / a.file.name) as stored:
        assert stored.format == {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext]
    with Image.open(media / a.thumbnail.name) as thumb:
        assert thumb.format == "JPEG"
    assert a.case is None and a.event is None and a.uploaded_by == world.tech.user


def test_heic_is_stored_as_a_jpeg_browsers_can_show(world, media):
    a = attachment_store(upload=make_heic("IMG_0042.HEIC"), by=world.owner.user)
    assert a.content_type == "image/jpeg" and a.file.name.endswith(".jpg")
    assert a.original_name == "IMG_0042.HEIC"
    assert (media / a.file.name).read_bytes()[:3] == b"\xff\xd8\xff"


def _pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "PDF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"just some text, not a picture",
        jpeg_bytes()[:200],  # truncated
        _pdf(),
        b"<html><script>alert(1)</script></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        Image.new("RGB", (8, 8)).tobytes(),
    ],
    ids=["text", "truncated", "pdf", "html", "svg", "raw"],
)
def test_anything_that_does_not_decode_is_refused_and_nothing_is_stored(world, media, data):
    with pytest.raises(ValidationError) as err:
        attachment_store(upload=upload(data, "photo.jpg"), by=world.tech.user)
    assert err.value.message_dict == {"photos": [INVALID]}
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_a_gif_decodes_but_is_not_an_accepted_format(world, media):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "GIF")
    with pytest.raises(ValidationError) as err:
        attachment_store(upload=upload(buffer.getvalue(), "a.gif"), by=world.tech.user)
    assert err.value.message_dict == {"photos": [INVALID]}


def test_more_than_10_mb_is_refused_and_nothing_is_stored(world, media):
    big = jpeg_bytes() + b"\0" * (11 * 1024 * 1024)
    with pytest.raises(ValidationError) as err:
        attachment_store(upload=upload(big, "big.jpg"), by=world.tech.user)
    assert err.value.message_dict == {"photos": ["照片不能超过 10 MB"]}
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_an_empty_file_is_refused(world, media):
    with pytest.raises(ValidationError) as err:
        attachment_store(upload=upload(b"", "empty.jpg"), by=world.tech.user)
    assert "空" in err.value.message_dict["photos"][0]
    assert not Attachment.objects.exists()


def test_too_many_pixels_is_refused_before_decoding(world, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PIXELS", 1000)
    with pytest.raises(ValidationError) as err:
        attachment_store(upload=make_jpeg(), by=world.tech.user)
    assert "尺寸过大" in err.value.message_dict["photos"][0]


def test_the_stored_name_is_never_the_clients(world, media):
    a = attachment_store(upload=make_jpeg("../../etc/passwd.jpg"), by=world.tech.user)
    assert STORED.match(a.file.name) and str(a.pk) in a.file.name
    assert (media / a.file.name).resolve().is_relative_to(media.resolve() / "attachments")
    assert a.original_name == "passwd.jpg"
    a = attachment_store(upload=make_jpeg("..\\..\\x\x00\x1b.jpg"), by=world.tech.user)
    assert a.original_name == "x.jpg"


def test_exif_orientation_is_applied_and_gps_dropped(world, media):
    image = Image.new("RGB", (60, 20), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held upright: rotate 90° to show it
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    a = attachment_store(upload=upload(buffer.getvalue()), by=world.tech.user)
    assert (a.width, a.height) == (20, 60)
    with Image.open(media / a.file.name) as stored:
        assert stored.size == (20, 60) and not stored.getexif()


def test_an_iphone_heic_is_turned_upright_once(world):
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (60, 20), (255, 0, 0)).save(buffer, "HEIF", exif=exif.tobytes())
    a = attachment_store(upload=upload(buffer.getvalue(), "IMG_2.HEIC"), by=world.tech.user)
    assert (a.content_type, a.width, a.height) == ("image/jpeg", 20, 60)


def test_a_big_photo_is_scaled_down(world, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_SIDE", 24)
    a = attachment_store(upload=make_jpeg(), by=world.tech.user)
    assert (a.width, a.height) == (24, 16)


def test_uploading_for_a_case_the_user_cannot_see_is_a_404(world, case):
    with pytest.raises(Http404):
        attachment_store(upload=make_jpeg(), by=world.outsider.user, case=case)
    with pytest.raises(Http404):
        attachment_store(upload=make_jpeg(), by=world.owner.user, case=case)
    assert attachment_store(upload=make_jpeg(), by=world.agent.user, case=case).case == case


def test_anonymous_cannot_upload(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        attachment_store(upload=make_jpeg(), by=AnonymousUser())


# --- Signatures -------------------------------------------------------------------------------


def test_a_signature_data_url_is_stored_as_png(world, media):
    a = attachment_store_signature(data_url=make_signature_data_url(), by=world.owner.user)
    assert (a.kind, a.content_type, a.width, a.height) == ("signature", "image/png", 300, 100)
    assert a.file.name.endswith(".png") and a.original_name == "签名.png"


@pytest.mark.parametrize(
    "data_url",
    [make_signature_data_url(blank=True), "",
     "data:image/png;base64," + base64.b64encode(
         (lambda b: (Image.new("RGB", (50, 20), "white").save(b, "PNG"), b.getvalue())[1])(
             io.BytesIO())).decode()],
    ids=["transparent", "nothing", "white"],
)  # fmt: skip
def test_an_empty_signature_is_refused(world, media, data_url):
    with pytest.raises(ValidationError) as err:
        attachment_store_signature(data_url=data_url, by=world.owner.user)
    assert err.value.message_dict == {"signature": ["请签名确认"]}
    assert not Attachment.objects.exists() and stored_files(media) == []


@pytest.mark.parametrize(
    "data_url",
    ["data:image/png;base64,!!!", "data:image/svg+xml;base64,PHN2Zz4=",
     "data:image/png;base64," + base64.b64encode(jpeg_bytes()).decode()],
    ids=["not-base64", "svg", "jpeg-as-png"],
)  # fmt: skip
def test_a_signature_must_be_a_png(world, data_url):
    with pytest.raises(ValidationError) as err:
        attachment_store_signature(data_url=data_url, by=world.owner.user)
    assert list(err.value.message_dict) == ["signature"]


def test_a_signature_over_1_mb_is_refused(world, settings):
    settings.WUYE_SIGNATURE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as err:
        attachment_store_signature(data_url=make_signature_data_url(size=(900, 300)),
                                   by=world.owner.user)  # fmt: skip
    assert "不能超过" in err.value.message_dict["signature"][0]


# --- Binding to an action ---------------------------------------------------------------------


def test_complete_binds_photo_and_signature_to_its_event(world, working):
    photo, sign = photo_of(world.tech.user), signature_of(world.tech.user)
    # An id, a {"id": ...} and an object are all accepted.
    event = complete(working, world.tech.user, [str(photo.pk), {"id": str(sign.pk)}]).event
    photo.refresh_from_db()
    sign.refresh_from_db()
    assert (photo.event, photo.case, sign.event, sign.case) == (event, working, event, working)
    assert event.data["attachments"] == [
        {"id": str(photo.pk), "kind": "photo", "name": "after.jpg"},
        {"id": str(sign.pk), "kind": "signature", "name": "签名.png"},
    ]


def test_photos_and_signature_are_counted_from_real_attachments(world, working):
    with pytest.raises(ValidationError) as err:
        complete(working, world.tech.user, [signature_of(world.tech.user)])
    assert list(err.value.message_dict) == ["photos"]
    with pytest.raises(ValidationError) as err:
        complete(working, world.tech.user, [photo_of(world.tech.user), photo_of(world.tech.user)])
    assert list(err.value.message_dict) == ["signature"]
    # Naming one photo twice is still one photo.
    photo = photo_of(world.tech.user)
    with pytest.raises(ValidationError) as err:
        complete(working, world.tech.user, [photo, photo.pk])
    assert list(err.value.message_dict) == ["signature"]
    assert not Attachment.objects.filter(event__isnull=False).exists()


def test_another_users_upload_cannot_be_bound(world, working):
    theirs = photo_of(world.agent.user)
    with pytest.raises(ValidationError) as err:
        complete(working, world.tech.user, [theirs, signature_of(world.tech.user)])
    assert err.value.message_dict == {"attachments": ["附件不存在，或不是您上传的"]}
    theirs.refresh_from_db()
    assert theirs.event is None and working.events.count() == 3


@pytest.mark.parametrize(
    "bad", ["not-a-uuid", {"id": None}, "00000000-0000-0000-0000-000000000000"]
)
def test_an_unknown_attachment_is_refused(world, working, bad):
    with pytest.raises(ValidationError) as err:
        complete(working, world.tech.user, [bad])
    assert list(err.value.message_dict) == ["attachments"]


def test_an_attachment_cannot_be_bound_twice(world, working, time_machine):
    photo, sign = photo_of(world.tech.user), signature_of(world.tech.user)
    complete(working, world.tech.user, [photo, sign])
    other = services.case_open(process=TOY, estate=world.estate, title="门锁", by=world.agent.user)
    services.case_act(case=other, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    services.case_act(case=other, action="accept", by=world.tech.user)
    with pytest.raises(ValidationError) as err:
        complete(other, world.tech.user, [photo, signature_of(world.tech.user)])
    assert "已被使用" in err.value.message_dict["attachments"][0]


def test_a_photo_uploaded_for_one_case_cannot_go_to_another(world, working):
    other = services.case_open(process=TOY, estate=world.estate, title="门锁", by=world.agent.user)
    photo = photo_of(world.tech.user, case=other)
    with pytest.raises(ValidationError) as err:
        complete(working, world.tech.user, [photo, signature_of(world.tech.user)])
    assert err.value.message_dict == {"attachments": ["附件属于另一张工单"]}


def test_the_bind_is_guarded_by_a_conditional_update(world, working):
    """Two actions racing past the checks with one photo: the second bind matches no row."""
    photo = photo_of(world.tech.user)
    event = complete(working, world.tech.user, [photo, signature_of(world.tech.user)]).event
    stale = Attachment.objects.get(pk=photo.pk)
    stale.event = None
    with pytest.raises(ValidationError):
        attachments.attachments_bind([stale], case=working, event=event)


def test_a_superuser_may_bind_anyones_upload(world, working):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    result = complete(working, admin, [photo_of(world.tech.user), signature_of(world.owner.user)])
    assert result.event.attachments.count() == 2


def test_case_open_binds_the_reporters_photos_to_the_created_event(world):
    photo = photo_of(world.agent.user)
    case = services.case_open(
        process=TOY, estate=world.estate, title="漏水", by=world.agent.user, attachments=[photo]
    )
    photo.refresh_from_db()
    created = case.events.get()
    assert (photo.case, photo.event) == (case, created)
    assert created.data["attachments"][0]["id"] == str(photo.pk)
    with pytest.raises(ValidationError):
        services.case_open(
            process=TOY, estate=world.estate, title="又漏", by=world.agent.user,
            attachments=[photo],
        )  # fmt: skip


def test_attachments_from_a_posted_form(world, media):
    request = RequestFactory().post(
        "/", {"photos": [make_jpeg("a.jpg"), make_heic("b.heic")],
              "signature": make_signature_data_url()},
    )  # fmt: skip
    request.user = world.tech.user
    stored = attachments_from_request(request)
    assert [(a.kind, a.original_name) for a in stored] == [
        ("photo", "a.jpg"), ("photo", "b.heic"), ("signature", "签名.png"),
    ]  # fmt: skip
    request = RequestFactory().post(
        "/", {"photos": [make_jpeg("ok.jpg"), upload(b"nope", "bad.jpg")]}
    )
    request.user = world.tech.user
    with pytest.raises(ValidationError):
        attachments_from_request(request)
    assert Attachment.objects.count() == 3  # the good photo of the bad form was not stored
    request = RequestFactory().post("/", {"note": "x", "signature": ""})
    request.user = world.tech.user
    assert attachments_from_request(request) == []


def test_unused_uploads_are_purged_after_two_days(
    world, working, media, time_machine, django_capture_on_commit_callbacks
):
    used, sign, unused = (photo_of(world.tech.user), signature_of(world.tech.user),
                          photo_of(world.tech.user))  # fmt: skip
    complete(working, world.tech.user, [used, sign])
    assert attachment_purge_unbound() == 0
    time_machine.move_to(dt.datetime(2026, 10, 3, 15, 0, tzinfo=SH), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert attachment_purge_unbound() == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {used.pk, sign.pk}
    assert not (media / unused.file.name).exists()


# --- Serving ----------------------------------------------------------------------------------


def url(a, **query) -> str:
    base = reverse("workflow:attachment", args=[a.pk])
    return f"{base}?size=thumb" if query.get("thumb") else base


def test_the_uploader_gets_the_file_with_safe_headers(world, login):
    a = photo_of(world.tech.user)
    response = login("tech").get(url(a))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    thumb = login("tech").get(url(a, thumb=True))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_who_may_see_the_case_may_see_its_attachments(world, working, client, login):
    photo = photo_of(world.tech.user)
    complete(working, world.tech.user, [photo, signature_of(world.tech.user)])
    assert login("agent").get(url(photo)).status_code == 200  # staff of the estate
    assert login("exec").get(url(photo)).status_code == 200
    assert login("outsider").get(url(photo)).status_code == 404  # staff of another estate
    assert login("owner").get(url(photo)).status_code == 404  # a resident who can't see it
    client.logout()
    anonymous = client.get(url(photo))
    assert anonymous.status_code == 302 and not hasattr(anonymous, "streaming_content")


def test_an_unbound_upload_is_only_the_uploaders(world, login):
    a = attachment_store(upload=make_heic(), by=world.owner.user)
    assert login("owner").get(url(a)).status_code == 200
    assert login("neighbour").get(url(a)).status_code == 404
    assert login("agent").get(url(a)).status_code == 404


def test_the_timeline_shows_thumbnails_linking_to_the_photo(world, working, login):
    photo = photo_of(world.tech.user)
    complete(working, world.tech.user, [photo, signature_of(world.tech.user)])
    html = login("agent").get(reverse("workflow:case_detail", args=[working.pk])).content.decode()
    assert f'href="{url(photo)}"' in html
    assert f'src="{url(photo, thumb=True)}"' in html


# --- API --------------------------------------------------------------------------------------


def test_api_upload_then_complete_with_the_ids(client, world, working):
    tech = auth(world.tech.user)
    r = client.post("/api/v1/attachments", {"file": make_heic("IMG_1.HEIC")}, **tech)
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["kind"] == "photo" and body["name"] == "IMG_1.HEIC"
    assert (body["content_type"], body["width"], body["height"]) == ("image/jpeg", 48, 32)
    assert body["url"] == reverse("workflow:attachment", args=[body["id"]])
    assert body["size"] > 0
    r = client.post("/api/v1/attachments/signature",
                    {"data_url": make_signature_data_url()}, content_type="application/json",
                    **tech)  # fmt: skip
    assert r.status_code == 201 and r.json()["kind"] == "signature"
    sign = r.json()["id"]
    r = client.post(f"/api/v1/cases/{working.pk}/complete", {"attachments": [body["id"], sign]},
                    content_type="application/json", **tech)  # fmt: skip
    assert r.status_code == 200, r.json()
    assert [a["id"] for a in r.json()["events"][-1]["data"]["attachments"]] == [body["id"], sign]


def test_api_upload_refusals_are_400s_in_the_error_shape(client, world, case):
    tech = auth(world.tech.user)
    r = client.post("/api/v1/attachments", {"file": upload(b"%PDF-1.4", "x.jpg")}, **tech)
    assert r.status_code == 400
    assert r.json()["error"]["fields"] == {"photos": [INVALID]}
    r = client.post("/api/v1/attachments", {}, **tech)
    assert r.status_code == 400 and "file" in r.json()["error"]["fields"]
    r = client.post("/api/v1/attachments", {"file": make_jpeg(), "kind": "video"}, **tech)
    assert r.status_code == 400 and "kind" in r.json()["error"]["fields"]
    r = client.post("/api/v1/attachments/signature",
                    {"data_url": make_signature_data_url(blank=True)},
                    content_type="application/json", **tech)  # fmt: skip
    assert r.status_code == 400 and r.json()["error"]["message"] == "请签名确认"
    r = client.post("/api/v1/attachments", {"file": make_jpeg(), "case": case.pk},
                    **auth(world.outsider.user))  # fmt: skip
    assert r.status_code == 404
    assert client.post("/api/v1/attachments", {"file": make_jpeg()}).status_code == 401
    assert not Attachment.objects.exists()


def test_api_binding_someone_elses_upload_is_a_400(client, world, working):
    theirs = photo_of(world.agent.user)
    r = client.post(f"/api/v1/cases/{working.pk}/complete",
                    {"attachments": [{"id": str(theirs.pk)}]},
                    content_type="application/json", **auth(world.tech.user))  # fmt: skip
    assert r.status_code == 400 and "attachments" in r.json()["error"]["fields"]


def test_heic_bytes_decode_with_the_registered_opener():
    with Image.open(io.BytesIO(heic_bytes())) as image:
        assert image.format == "HEIF"


def test_the_photo_and_signature_fields_render_for_phones():
    from django.template.loader import render_to_string

    html = render_to_string("workflow/partials/photo_field.html", {"required": True})
    assert 'name="photos"' in html and 'accept="image/*' in html
    assert 'capture="environment"' in html and " multiple" in html and "web/photo_field.js" in html
    html = render_to_string("workflow/partials/signature_field.html", {"required": True})
    assert 'class="signature-pad"' in html and 'name="signature"' in html
    assert "清除" in html and "web/signature.js" in html and "data-required" in html
