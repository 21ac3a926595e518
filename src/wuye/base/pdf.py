"""Printable documents (《维修验收单》, 《收款收据》, …) as PDF: the CJK font, a base document
class, the amount in capital numerals and the 503 page a server answers with when it has no
Chinese font.

Library: fpdf2. It is pure Python (fontTools, Pillow, defusedxml), and it embeds a *subset* of an
OpenType font with a ToUnicode map, CFF-flavoured OpenType inside a TTC included
(``collection_font_number``). So the Chinese text prints and shows on any viewer, and can be
searched and copied. ReportLab cannot embed CFF outlines, which is what Noto Sans CJK has (it would
fall back to non-embedded CID fonts that many viewers and printers render as boxes); WeasyPrint
needs Pango and friends from the system. A document takes about 0.8 s (most of it reading the
font), fine for a page printed one at a time.

Font: no pip package in the package cache we install from ships a CJK font, and bundling one
(Noto Sans CJK SC is ~16 MB per weight) in our own wheel is not worth it. The font is looked up at
run time: ``settings.WUYE["CJK_FONT"]`` (a path; a collection's face is picked by name) if set,
then :data:`FONT_CANDIDATES`, the paths where Debian, Ubuntu, Fedora, Arch and Alpine install Noto
CJK, WenQuanYi, Droid Sans Fallback and AR PL. Debian: ``apt-get install fonts-noto-cjk``. When
none is there, :func:`cjk_font` raises :class:`CJKFontMissing` and the view answers 503 with a
message that says so (:func:`font_missing_response`), rather than a form of empty boxes.

Usage::

    pdf = CJKDocument(document=_("收据"))   # raises CJKFontMissing first
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)           # family "cjk", regular "" and bold "B"
    ...
    return pdf_response(bytes(pdf.output()), filename)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import Align, TableCellFillMode, WrapMode

from wuye.base import formats

# fontTools logs every subsetting step at INFO: a dozen lines per document in the server's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

# (regular, bold or None). A collection (.ttc) is searched for its Simplified Chinese face.
FONT_CANDIDATES: tuple[tuple[str, str | None], ...] = (
    # Debian / Ubuntu: fonts-noto-cjk
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    # Fedora (google-noto-sans-cjk-fonts; older: google-noto-cjk-fonts), Arch, Alpine
    ("/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    # WenQuanYi: Debian fonts-wqy-microhei / fonts-wqy-zenhei, Arch
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", None),
    ("/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc", None),
    # Droid Sans Fallback: Debian fonts-droid-fallback
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
    ("/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", None),
    # AR PL: Debian fonts-arphic-uming / ukai
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", None),
)  # fmt: skip

FAMILY = "cjk"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
SHADE = (235, 238, 242)


class CJKFontMissing(RuntimeError):
    """No font with Chinese glyphs on this machine: no document rather than one of empty boxes."""


def cjk_font(
    candidates: Sequence[tuple[str, str | None]] | None = None, document: str | None = None
) -> tuple[str, str | None]:
    """The (regular, bold) font files to use; raises :class:`CJKFontMissing`.

    ``candidates`` defaults to :data:`FONT_CANDIDATES`; ``document`` names what cannot be made in
    the error message (default: a PDF file)."""
    candidates = FONT_CANDIDATES if candidates is None else tuple(candidates)
    configured = getattr(settings, "WUYE", {}).get("CJK_FONT")
    if configured:
        candidates = ((str(configured), None), *candidates)
    for regular, bold in candidates:
        if Path(regular).is_file():
            return regular, bold if bold and Path(bold).is_file() else None
    raise CJKFontMissing(
        _("服务器未安装中文字体（如 fonts-noto-cjk），无法生成%(document)s")
        % {"document": document or _("PDF文件")}
    )


@lru_cache(maxsize=16)
def face_number(path: str) -> int:
    """The Simplified Chinese face of a font collection (Noto CJK: JP, KR, SC, TC, HK), else 0."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        for number, font in enumerate(collection.fonts):
            family = font["name"].getDebugName(1) or ""
            if family.endswith(" SC") and "Mono" not in family:
                return number
    return 0


def add_cjk_fonts(pdf: FPDF, regular: str, bold: str | None = None) -> None:
    """Register family :data:`FAMILY` ("cjk") on ``pdf``: "" regular and "B" bold (the regular
    face again when the font has no bold)."""
    pdf.add_font(FAMILY, "", regular, collection_font_number=face_number(regular))
    bold = bold or regular
    pdf.add_font(FAMILY, "B", bold, collection_font_number=face_number(bold))


class CJKDocument(FPDF):
    """An FPDF with the CJK faces registered (family "cjk"), language zh-CN, and a footer with
    ``footer_text`` on the left and the page number on the right.

    The font is looked up first: :class:`CJKFontMissing` is raised before any work is done."""

    header_text = ""  # printed at the top of continuation pages
    footer_text = ""
    footer_pages = True

    def __init__(
        self,
        *args,
        document: str | None = None,
        candidates: Sequence[tuple[str, str | None]] | None = None,
        **kwargs,
    ) -> None:
        regular, bold = cjk_font(candidates, document=document)
        kwargs.setdefault("unit", "mm")
        super().__init__(*args, **kwargs)
        add_cjk_fonts(self, regular, bold)
        self.set_lang("zh-CN")
        self.set_creator(str(getattr(settings, "WUYE", {}).get("SITE_NAME", "")))

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        if self.page_no() > 1 and self.header_text:
            self.set_font(FAMILY, size=8)
            self.set_text_color(*MUTED)
            self.cell(self.content_width, 5, self.header_text, align=Align.R,
                      new_x="LMARGIN", new_y="NEXT")  # fmt: skip
            self.ln(2)
            self.set_text_color(*INK)

    def footer(self) -> None:
        if not (self.footer_text or self.footer_pages):
            return
        width = self.content_width
        self.set_y(-11)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(width / 2, 5, self.footer_text, align=Align.L)
        if self.footer_pages:
            self.cell(
                width / 2, 5, _("第 %(page)s 页 / 共 %(pages)s 页") % {"page": self.page_no(),
                                                                   "pages": "{nb}"},
                align=Align.R,
            )  # fmt: skip
        self.set_text_color(*INK)


# --- formatting ----------------------------------------------------------------------------------


def form_table(pdf: FPDF, col_widths, *, width: float | None = None, padding=(1.4, 2), **kwargs):
    """A bordered table of a printed form: left-aligned, middle, CJK text wrapped by character
    (Chinese has no spaces to break at), no fill unless a cell asks for it."""
    pdf.set_font(FAMILY, size=10)
    return pdf.table(
        width=width or pdf.epw,
        col_widths=col_widths,
        first_row_as_headings=False,
        text_align=Align.L,
        v_align="MIDDLE",
        line_height=5,
        padding=padding,
        wrapmode=WrapMode.CHAR,
        cell_fill_mode=TableCellFillMode.NONE,
        **kwargs,
    )


def money(value: Decimal | None) -> str:
    """¥1,234.50: the same format as the pages' ``money`` filter (thousands separators)."""
    return formats.money(Decimal(value or 0))


def quantity(value: Decimal | None) -> str:
    """2.00 → 2, 1.50 → 1.5."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def when(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    """2026-11-26 14:05 in ``zone`` (the estate's time zone)."""
    if value is None:
        return ""
    return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")


DIGITS = "零壹贰叁肆伍陆柒捌玖"
GROUP_UNITS = ("", "拾", "佰", "仟")
SECTION_UNITS = ("", "万", "亿")


def rmb_upper(value: Decimal) -> str:
    """The amount in capital numerals, as on a Chinese receipt: 1012.50 → 壹仟零壹拾贰元伍角整."""
    cents = int((Decimal(value) * 100).quantize(Decimal(1)))
    if cents < 0:
        return "负" + rmb_upper(Decimal(-cents) / 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    text = ""
    if yuan:
        sections = []
        while yuan:
            sections.append(yuan % 10000)
            yuan //= 10000
        zero = False  # a zero waiting to be written before the next non-zero digit
        for index in range(len(sections) - 1, -1, -1):
            section = sections[index]
            if section == 0:
                zero = bool(text)
                continue
            for position in range(3, -1, -1):
                digit = section // 10**position % 10
                if digit == 0:
                    zero = zero or bool(text)
                    continue
                if zero:
                    text += DIGITS[0]
                    zero = False
                text += DIGITS[digit] + GROUP_UNITS[position]
            text += SECTION_UNITS[index]
        text += "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += DIGITS[0]
    if fen:
        return text + DIGITS[fen] + "分"
    return text + "整"


# --- responses -----------------------------------------------------------------------------------


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """Shown in the browser (inline), never cached: documents carry names and amounts."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def font_missing_response(error: CJKFontMissing, title: str) -> HttpResponse:
    """503: a document of empty boxes is worse than none; say what the server lacks.
    ``title``: e.g. 无法生成收据."""
    page = format_html(
        '<!doctype html><html lang="zh-Hans"><meta charset="utf-8"><title>{}</title>'
        '<h1>{}</h1><p>{}</p><p><a href="{}">{}</a></p></html>',
        title, title, str(error), reverse("web:home"), _("返回首页"),
    )  # fmt: skip
    return HttpResponse(page, status=503)
