"""Attachments (附件): photos and signatures, stored first, bound to an action's event later.

A client uploads its photos (``attachment_store``) or the signature drawn on a canvas
(``attachment_store_signature``) and gets their ids; the action (``services.case_act`` or
``case_open``) names the ids and binds them to its event. Every file is checked by decoding it
with Pillow — a renamed PDF, HTML or SVG is not an image — and is stored as Pillow writes it
again, never as sent:

- JPEG and HEIC/HEIF photos are stored as JPEG (browsers cannot show HEIC; the HEIC original is
  not kept), PNG as PNG, WebP as WebP;
- the EXIF orientation is applied to the pixels, and no metadata is written back (no GPS);
- a photo larger than 4096 px on its longest side is scaled down to it;
- a JPEG thumbnail (320 px) is made at upload, served with ``?size=thumb``.

The stored name is ``attachments/YYYY/MM/<uuid>.<ext>``; the client's file name is kept, cleaned,
for display only. Files are served by ``views.attachment_file`` to the uploader and to whoever
may see the case, never as static media.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from wuye.core.scoping import Actor, actor_for, get_or_404

from . import selectors
from .models import Attachment, AttachmentKind, Case

pillow_heif.register_heif_opener()

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_SIGNATURE_MAX_BYTES = 1024 * 1024
MAX_PIXELS = 50_000_000  # 50 MP: a phone's full-resolution photo; more is a decompression bomb
MAX_SIDE = 4096  # the stored picture's longest side
THUMB_SIDE = 320
MAX_PHOTOS_PER_REQUEST = 9
JPEG_QUALITY = 85

# Pillow's format → the format we store. MPO is the JPEG of phones that add a depth map.
STORED_FORMAT = {"JPEG": "JPEG", "MPO": "JPEG", "HEIF": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
CONTENT_TYPE = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
                "WEBP": ("image/webp", "webp")}  # fmt: skip
FIELD = {AttachmentKind.PHOTO: "photos", AttachmentKind.SIGNATURE: "signature"}

_DATA_URL = re.compile(r"^data:image/png;base64,(?P<data>[A-Za-z0-9+/=\s]*)$")


def max_bytes() -> int:
    return getattr(settings, "WUYE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def signature_max_bytes() -> int:
    return getattr(settings, "WUYE_SIGNATURE_MAX_BYTES", DEFAULT_SIGNATURE_MAX_BYTES)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}"


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


# --- Decoding and rendering (no writes) -------------------------------------------------------


@dataclass(frozen=True)
class Rendition:
    """What will be stored for one upload: the re-encoded picture and its thumbnail."""

    kind: str
    data: bytes
    thumbnail: bytes
    content_type: str
    ext: str
    width: int
    height: int
    original_name: str


def _invalid(field: str) -> ValidationError:
    if field == "signature":
        return ValidationError({field: [_("签名不是有效的 PNG 图片")]})
    return ValidationError({field: [_("文件不是有效的图片（支持 JPG、PNG、WebP、HEIC）")]})


def _decode(raw: bytes, field: str, formats: Iterable[str]) -> Image.Image:
    """Open and fully decode the bytes: anything Pillow cannot decode, or of another format, is
    refused. Pillow raises many kinds of errors on broken files, so any error here means "not a
    valid image"."""
    try:
        image = Image.open(io.BytesIO(raw))
        if image.format not in formats:
            raise _invalid(field)
        if image.width * image.height > MAX_PIXELS:
            raise ValidationError(
                {field: [_("图片尺寸过大（最多 %(n)d 万像素）") % {"n": MAX_PIXELS // 10_000}]}
            )
        image.load()
    except ValidationError:
        raise
    except Exception:
        raise _invalid(field) from None
    return image


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on a white background (JPEG has no transparency; a signature is ink on paper)."""
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        background.alpha_composite(rgba)
        return background.convert("RGB")
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        _flatten(image).save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **extra)
    elif fmt == "PNG":
        image.convert("RGBA" if _has_alpha(image) else "RGB").save(out, "PNG", **extra)
    else:
        image.convert("RGBA" if _has_alpha(image) else "RGB").save(
            out, "WEBP", quality=JPEG_QUALITY, **extra
        )
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    thumb = _flatten(image)
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    thumb.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


def _render(image: Image.Image, *, kind: str, original_name: str) -> Rendition:
    fmt = STORED_FORMAT[image.format]
    # A CMYK or greyscale profile would not describe the RGB pixels written below.
    icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
    image = ImageOps.exif_transpose(image)  # phones store portrait photos sideways + a tag
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    content_type, ext = CONTENT_TYPE[fmt]
    return Rendition(
        kind=kind,
        data=_encode(image, fmt, icc),
        thumbnail=_thumbnail(image),
        content_type=content_type,
        ext=ext,
        width=image.width,
        height=image.height,
        original_name=original_name,
    )


def clean_name(name: str | None, default: str) -> str:
    """The client's file name for display: no directories, no control characters, 120 at most."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return name[:120] or default


def photo_prepare(upload, kind: str = AttachmentKind.PHOTO) -> Rendition:
    """Check one uploaded file and render what will be stored (nothing is written)."""
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("附件类型应为照片或签名")]})
    field = FIELD[AttachmentKind(kind)]
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError({field: [_("照片不能超过 %(mb)s MB") % {"mb": _mb(limit)}]})
    upload.seek(0)
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise ValidationError({field: [_("照片不能超过 %(mb)s MB") % {"mb": _mb(limit)}]})
    if not raw:
        raise ValidationError({field: [_("文件是空的，请重新选择照片")]})
    image = _decode(raw, field, STORED_FORMAT)
    default = _("照片") if kind == AttachmentKind.PHOTO else _("签名")
    return _render(image, kind=kind, original_name=clean_name(upload.name, default))


def signature_prepare(data_url: str) -> Rendition:
    """Check a canvas's ``data:image/png;base64,…`` and render what will be stored."""
    limit = signature_max_bytes()
    data_url = (data_url or "").strip()
    if not data_url:
        raise ValidationError({"signature": [_("请签名确认")]})
    # base64 is 4/3 of the bytes: refuse an oversized string before decoding it.
    if len(data_url) > limit * 4 // 3 + 64:
        raise ValidationError({"signature": [_("签名图片不能超过 %(mb)s MB") % {"mb": _mb(limit)}]})
    match = _DATA_URL.match(data_url)
    if match is None:
        raise _invalid("signature")
    try:
        raw = base64.b64decode(re.sub(r"\s", "", match["data"]), validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("signature") from None
    if len(raw) > limit:
        raise ValidationError({"signature": [_("签名图片不能超过 %(mb)s MB") % {"mb": _mb(limit)}]})
    if not raw:
        raise ValidationError({"signature": [_("请签名确认")]})
    image = _decode(raw, "signature", {"PNG"})
    if _is_blank(image):
        raise ValidationError({"signature": [_("请签名确认")]})
    return _render(image, kind=AttachmentKind.SIGNATURE, original_name=_("签名.png"))


def _is_blank(image: Image.Image) -> bool:
    """All transparent or all white (an untouched canvas): fewer than 20 pixels of ink."""
    grey = _flatten(image).convert("L")
    return sum(grey.histogram()[:200]) < 20


# --- Storing ----------------------------------------------------------------------------------


def _check_uploader(actor: Actor, case: Case | None) -> None:
    if actor.user is None or not getattr(actor.user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if case is not None and not selectors.case_list(actor=actor).filter(pk=case.pk).exists():
        raise Http404


def _save(rendition: Rendition, *, actor: Actor, case: Case | None) -> Attachment:
    attachment = Attachment(
        id=uuid.uuid4(),
        case=case,
        kind=rendition.kind,
        content_type=rendition.content_type,
        size=len(rendition.data),
        width=rendition.width,
        height=rendition.height,
        original_name=rendition.original_name,
        uploaded_by=actor.user,
        uploaded_at=timezone.now(),
    )
    # The names passed here only carry the extension: upload_to builds the stored name.
    attachment.file.save(f"{attachment.pk}.{rendition.ext}", ContentFile(rendition.data), False)
    attachment.thumbnail.save(f"{attachment.pk}_thumb.jpg", ContentFile(rendition.thumbnail), False)
    try:
        attachment.save(force_insert=True)
    except Exception:
        _delete_files(attachment)
        raise
    return attachment


def _delete_files(attachment: Attachment) -> None:
    for field in (attachment.file, attachment.thumbnail):
        if field.name:
            field.storage.delete(field.name)


def attachment_store(*, upload, kind: str = AttachmentKind.PHOTO, by, case: Case | None = None
                     ) -> Attachment:  # fmt: skip
    """Store one uploaded photo (or signature image) of ``by``, not yet bound to any action.

    Refused with ValidationError (field ``photos``; ``signature`` for that kind) when it is not
    a JPEG, PNG, WebP or HEIC image that decodes, is empty or larger than the limit; with a 404
    when ``case`` is given and the user may not see it."""
    actor = _actor(by)
    _check_uploader(actor, case)
    return _save(photo_prepare(upload, kind), actor=actor, case=case)


def attachment_store_signature(*, data_url: str, by, case: Case | None = None) -> Attachment:
    """Store a signature drawn on a canvas (``data:image/png;base64,…``); an empty one is
    refused with “请签名确认”."""
    actor = _actor(by)
    _check_uploader(actor, case)
    return _save(signature_prepare(data_url), actor=actor, case=case)


def attachments_from_request(request, case: Case | None = None, by=None) -> list[Attachment]:
    """The photos (``photos`` files) and the signature (``signature`` data URL) of a posted form,
    stored; for a page view to hand to ``case_act(attachments=...)``. Every file is checked
    before any is stored, so one bad photo stores none (ValidationError)."""
    uploads = request.FILES.getlist("photos")
    signature = request.POST.get("signature", "").strip()
    if not uploads and not signature:
        return []  # nothing sent with this form
    actor = _actor(by if by is not None else request.user)
    _check_uploader(actor, case)
    if len(uploads) > MAX_PHOTOS_PER_REQUEST:
        raise ValidationError(
            {"photos": [_("一次最多上传 %(n)d 张照片") % {"n": MAX_PHOTOS_PER_REQUEST}]}
        )
    renditions = [photo_prepare(upload) for upload in uploads]
    if signature:
        renditions.append(signature_prepare(signature))
    with transaction.atomic():
        return [_save(r, actor=actor, case=case) for r in renditions]


# --- Binding (called by services.case_open / case_act) ----------------------------------------


def _attachment_id(item) -> uuid.UUID | None:
    if isinstance(item, Attachment):
        return item.pk
    if isinstance(item, dict):
        item = item.get("id")
    if isinstance(item, uuid.UUID):
        return item
    try:
        return uuid.UUID(str(item))
    except (ValueError, TypeError, AttributeError):
        return None


def attachments_resolve(items: Iterable | None, *, actor: Actor | None, case: Case | None
                        ) -> list[Attachment]:  # fmt: skip
    """The attachments an action names (objects, ids or ``{"id": ...}``), locked and checked:
    each exists, was uploaded by the actor (a superuser may use anyone's), is not used by
    another action yet and is for this case or for none. Else ValidationError ``attachments``."""
    items = list(items or [])
    if not items:
        return []
    ids: list[uuid.UUID] = []
    for item in items:
        pk = _attachment_id(item)
        if pk is None:
            raise ValidationError({"attachments": [_("附件不存在，或不是您上传的")]})
        if pk not in ids:
            ids.append(pk)
    qs = Attachment.objects.select_for_update().filter(pk__in=ids)
    if actor is None or not actor.is_superuser:
        uploader = actor.user if actor is not None else None
        if uploader is None or not getattr(uploader, "is_authenticated", False):
            raise ValidationError({"attachments": [_("附件不存在，或不是您上传的")]})
        qs = qs.filter(uploaded_by=uploader)
    found = {a.pk: a for a in qs}
    errors: list[str] = []
    if len(found) < len(ids):
        errors.append(_("附件不存在，或不是您上传的"))
    if any(a.event_id is not None or a.ref for a in found.values()):
        errors.append(_("附件已被使用，不能重复提交"))
    case_id = case.pk if case is not None else None
    if any(a.case_id not in (None, case_id) for a in found.values()):
        errors.append(_("附件属于另一张工单"))
    if errors:
        raise ValidationError({"attachments": errors})
    return [found[pk] for pk in ids]


def attachments_summary(attachments: list[Attachment]) -> list[dict[str, str]]:
    """What the event's data records of its attachments."""
    return [{"id": str(a.pk), "kind": a.kind, "name": a.original_name} for a in attachments]


def attachments_bind(attachments: list[Attachment], *, case: Case, event) -> None:
    """Bind the resolved attachments to the action's event. The conditional UPDATE is the
    guard against two actions binding the same attachment at once: one of them gets 0 rows."""
    if not attachments:
        return
    ids = [a.pk for a in attachments]
    bound = Attachment.objects.filter(pk__in=ids, event__isnull=True, ref="").update(
        case=case, event=event
    )
    if bound != len(ids):
        raise ValidationError({"attachments": [_("附件已被使用，不能重复提交")]})
    for a in attachments:
        a.case, a.event = case, event


def attachments_bind_record(attachments: list[Attachment], *, estate, ref: str) -> None:
    """Bind the resolved attachments (``attachments_resolve(..., case=None)``) to a field-work
    record of ``estate``: ``ref`` is "<app>.<model>:<pk>" (a task record, a round scan). Staff of
    the estate see them from then on. The conditional UPDATE guards against binding twice."""
    if not attachments:
        return
    if not ref or len(ref) > 60:
        raise ValueError(f"bad attachment ref {ref!r}")
    ids = [a.pk for a in attachments]
    bound = Attachment.objects.filter(
        pk__in=ids, event__isnull=True, case__isnull=True, ref=""
    ).update(estate=estate, ref=ref)
    if bound != len(ids):
        raise ValidationError({"attachments": [_("附件已被使用，不能重复提交")]})
    for a in attachments:
        a.estate, a.ref = estate, ref


def attachments_of_record(ref: str) -> list[Attachment]:
    """The attachments bound to one field-work record, in upload order."""
    return list(Attachment.objects.filter(ref=ref).order_by("uploaded_at", "id"))


# --- Reading ----------------------------------------------------------------------------------


def attachment_get_for_user(user, pk) -> Attachment:
    """The attachment if this user uploaded it, may see its case, or (a field-work record's) is
    staff of its estate; else a 404."""
    actor = actor_for(user)
    if actor.user is None or not getattr(actor.user, "is_authenticated", False):
        raise Http404
    qs = Attachment.objects.all()
    if not actor.is_superuser:
        visible = selectors.case_list(actor=actor).order_by().values("pk")
        seen = Q(uploaded_by=actor.user) | Q(case__in=visible)
        if actor.staff is not None:
            seen |= ~Q(ref="") & Q(estate_id__in=list(actor.estate_ids))
        qs = qs.filter(seen)
    return get_or_404(qs, pk)


def attachment_url(attachment: Attachment, thumb: bool = False) -> str:
    url = reverse("workflow:attachment", args=[attachment.pk])
    return f"{url}?size=thumb" if thumb else url


def attachment_purge_unbound(*, older_than: dt.timedelta = dt.timedelta(days=2)) -> int:
    """Periodic job: delete uploads no action used (an abandoned form), rows and files."""
    cutoff = timezone.now() - older_than
    deleted = 0
    unbound = {"event__isnull": True, "ref": ""}
    for attachment in Attachment.objects.filter(uploaded_at__lt=cutoff, **unbound):
        with transaction.atomic():
            # Conditional: an action may have bound it since it was read.
            if Attachment.objects.filter(pk=attachment.pk, **unbound).delete()[0]:
                transaction.on_commit(lambda a=attachment: _delete_files(a))
                deleted += 1
    return deleted


def attachment_sample_signature(*, by, case: Case | None = None) -> Attachment:
    """A drawn signature (one stroke of ink on a transparent canvas) stored for ``by``: the demo
    data's handovers and sign-offs, which no hand draws."""
    import base64
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(image).line((20, 70, 90, 25, 160, 75, 280, 30), fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()
    return attachment_store_signature(data_url=data_url, by=by, case=case)
