"""Tiny real images for tests of attachments, and a helper to upload one as a user."""

from __future__ import annotations

import base64
import io

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _picture(size: tuple[int, int] = (48, 32), mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, size, (200, 60, 40) if mode == "RGB" else (200, 60, 40, 255))
    ImageDraw.Draw(image).rectangle((4, 4, size[0] // 2, size[1] // 2), fill=(20, 90, 200))
    return image


def jpeg_bytes(size: tuple[int, int] = (48, 32), **options) -> bytes:
    return _encode(_picture(size), "JPEG", **options)


def png_bytes(size: tuple[int, int] = (48, 32)) -> bytes:
    return _encode(_picture(size, "RGBA"), "PNG")


def webp_bytes(size: tuple[int, int] = (48, 32)) -> bytes:
    return _encode(_picture(size), "WEBP")


def heic_bytes(size: tuple[int, int] = (48, 32)) -> bytes:
    return _encode(_picture(size), "HEIF")


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    """A file as Django hands it to a view (``request.FILES``)."""
    return SimpleUploadedFile(name, data, content_type)


def make_jpeg(name: str = "photo.jpg", size: tuple[int, int] = (48, 32)) -> SimpleUploadedFile:
    return upload(jpeg_bytes(size), name, "image/jpeg")


def make_png(name: str = "photo.png", size: tuple[int, int] = (48, 32)) -> SimpleUploadedFile:
    return upload(png_bytes(size), name, "image/png")


def make_webp(name: str = "photo.webp", size: tuple[int, int] = (48, 32)) -> SimpleUploadedFile:
    return upload(webp_bytes(size), name, "image/webp")


def make_heic(name: str = "IMG_0001.HEIC", size: tuple[int, int] = (48, 32)) -> SimpleUploadedFile:
    return upload(heic_bytes(size), name, "image/heic")


def make_signature_data_url(blank: bool = False, size: tuple[int, int] = (300, 100)) -> str:
    """A canvas's ``toDataURL()``: transparent, with a stroke of ink unless ``blank``."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if not blank:
        ImageDraw.Draw(image).line(
            (10, 80, 120, 20, 200, 70, 290, 30), fill=(0, 0, 0, 255), width=4
        )
    return "data:image/png;base64," + base64.b64encode(_encode(image, "PNG")).decode()


def photo_of(user, case=None):
    """A stored photo uploaded by ``user`` (for an action's ``attachments``)."""
    from wuye.workflow.attachments import attachment_store

    return attachment_store(upload=make_jpeg("after.jpg"), by=user, case=case)


def signature_of(user, case=None):
    from wuye.workflow.attachments import attachment_store_signature

    return attachment_store_signature(data_url=make_signature_data_url(), by=user, case=case)
