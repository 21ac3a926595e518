"""The Repair Acceptance Slip 《维修验收单》 (REPAIR-10) as a PDF: who may fetch it, and that its
Chinese text is really there (an embedded font subset with a ToUnicode map, so text extraction
finds the labels) — not boxes, not a font the viewer may lack."""

import base64
import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from tests.pdf_tools import needs_font
from wuye.repairs import services
from wuye.repairs.documents import acceptance as slip
from wuye.workflow.attachments import attachment_store, attachment_store_signature

SH = ZoneInfo("Asia/Shanghai")
ARRIVAL = {"badge_uniform": True, "dust_sheet": True}


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SH)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(at("2026-11-26 10:00"), tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(user):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 200, 220)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("after.jpg", buffer.getvalue(), content_type="image/jpeg")
    return attachment_store(upload=upload, by=user)


def signature(user):
    """A scribble on a transparent canvas, as the signature pad sends it."""
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(40, 120), (90, 40), (130, 125), (185, 45), (230, 118)], fill=(20, 30, 90, 255),
              width=7, joint="curve")  # fmt: skip
    draw.line([(270, 60), (420, 60), (340, 30), (330, 140), (440, 110)], fill=(20, 30, 90, 255),
              width=7, joint="curve")  # fmt: skip
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return attachment_store_signature(data_url=data_url, by=user)


def repaired(world, frozen, *, sign: bool = True):
    """A leak reported at 10:00, dispatched, repaired with two charged valves, signed for."""
    valve = services.price_item_save(
        estate=world.estate, name="更换角阀", category="plumbing", unit="个", price="35.00",
        by=world.exec.user,
    )  # fmt: skip
    order = services.repair_order_create(
        estate=world.estate, room=world.room, description="卫生间洗手盆下角阀漏水，地面有积水",
        contact_name="张先生", contact_phone="13800138000", channel="phone",
        by=world.agent.user,
    )  # fmt: skip
    act = services.repair_order_act
    act(order=order, action="dispatch", by=world.agent.user, assignee=world.tech.user)
    frozen.move_to(at("2026-11-26 10:20"), tick=False)
    act(order=order, action="accept", by=world.tech.user)
    frozen.move_to(at("2026-11-26 10:45"), tick=False)
    act(order=order, action="arrive", by=world.tech.user, data=ARRIVAL)
    frozen.move_to(at("2026-11-26 11:30"), tick=False)
    act(order=order, action="complete", by=world.tech.user,
        attachments=[photo(world.tech.user)], data={
        "diagnosis": "角阀阀芯老化开裂",
        "materials": [{"name": "角阀", "quantity": "2", "unit": "个"},
                      {"name": "生料带", "quantity": "0.5", "unit": "卷"}],
        "charges": [{"item": valve.pk, "quantity": 2}],
    })  # fmt: skip
    if sign:
        frozen.move_to(at("2026-11-26 11:40"), tick=False)
        act(order=order, action="sign_off", by=world.tech.user, data={"amount": "70.00"},
            attachments=[signature(world.tech.user)])  # fmt: skip
    order.refresh_from_db()
    return order


def url(order) -> str:
    return reverse("repairs:acceptance_pdf", args=[order.pk])


def text_of(content: bytes) -> str:
    """The text as PDFium (Chrome's PDF engine) reads it: through the embedded font's ToUnicode
    map. (pypdf cannot: it reads the font's embedded CMap encoding as one byte per code.)"""
    document = pdfium.PdfDocument(content)
    return "\n".join(page.get_textpage().get_text_bounded() for page in document)


def images_on_first_page(content: bytes) -> int:
    page = pdfium.PdfDocument(content)[0]
    return sum(1 for _obj in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))


@needs_font
def test_owner_gets_the_slip_inline_as_pdf__REPAIR_10(world, frozen, login):
    order = repaired(world, frozen)
    r = login("owner").get(url(order))
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    # RFC 5987: 维修验收单-BX-20261126-0001.pdf, shown in the browser rather than saved.
    assert r["Content-Disposition"] == (
        "inline; filename*=utf-8''"
        "%E7%BB%B4%E4%BF%AE%E9%AA%8C%E6%94%B6%E5%8D%95-BX-20261126-0001.pdf"
    )


@needs_font
def test_staff_of_the_estate_may_print_it(world, frozen, login):
    order = repaired(world, frozen)
    assert login("agent").get(url(order)).status_code == 200


def test_others_get_404_and_strangers_the_login_page(world, frozen, client, login):
    order = repaired(world, frozen, sign=False)
    r = client.get(url(order))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))
    assert login("outsider").get(url(order)).status_code == 404  # staff of another estate
    assert login("neighbour").get(url(order)).status_code == 404  # lives in another room


@needs_font
def test_the_slip_carries_the_order_in_chinese__REPAIR_10_REPAIR_11(world, frozen, login):
    order = repaired(world, frozen)
    frozen.move_to(at("2026-11-26 16:05"), tick=False)
    content = login("owner").get(url(order)).content
    assert re.search(rb"/FontFile[23] ", content)  # the font travels inside the file
    text = text_of(content)
    for label in ("维修验收单", "报修单号", "报修时间", "报修地点", "联系人", "联系电话",
                  "报修内容", "紧急程度", "类别", "派单时间", "到场时间", "完成时间", "维修人员",
                  "故障诊断", "维修用料", "收费明细", "单价", "数量", "金额", "合计", "验收结果",
                  "验收方式", "业主签字"):  # fmt: skip
        assert label in text, label
    assert "测试物业" in text and "阳光测试苑" in text
    assert "BX-20261126-0001" in text
    assert "1栋2单元301室" in text and "13800138000" in text
    assert "卫生间洗手盆下角阀漏水" in text and "角阀阀芯老化开裂" in text
    assert "生料带" in text and "0.5" in text
    assert "更换角阀" in text and "¥35.00" in text and "¥70.00" in text
    assert "柒拾元整" in text  # the total in capitals, as on a receipt
    assert "业主现场签字" in text  # signed on the technician's phone
    # Times in the estate's time zone.
    for time in ("2026-11-26 10:00", "2026-11-26 10:45", "2026-11-26 11:30", "2026-11-26 11:40"):
        assert time in text, time
    assert "打印时间：2026-11-26 16:05" in text


@needs_font
def test_the_owners_signature_is_printed_in_its_box__REPAIR_10(world, frozen, login):
    content = login("owner").get(url(repaired(world, frozen))).content
    assert images_on_first_page(content) == 1  # the signature drawn on the technician's phone


@needs_font
def test_without_the_attachment_model_the_box_is_left_empty(world, frozen, monkeypatch):
    import wuye.workflow.models

    order = repaired(world, frozen)
    monkeypatch.delattr(wuye.workflow.models, "Attachment")  # an engine without attachments
    assert slip.signature_image(order) is None
    assert images_on_first_page(slip.acceptance_pdf(order)) == 0


@needs_font
def test_times_follow_the_estates_time_zone(world, frozen, login):
    order = repaired(world, frozen)
    world.estate.time_zone = "Asia/Tokyo"  # one hour ahead of Shanghai
    world.estate.save(update_fields=["time_zone"])
    text = text_of(login("owner").get(url(order)).content)
    assert "2026-11-26 11:00" in text and "2026-11-26 12:30" in text


@needs_font
def test_an_unaccepted_order_prints_a_blank_form_to_sign_on_paper(world, frozen, login):
    order = repaired(world, frozen, sign=False)
    content = login("agent").get(url(order)).content
    text = text_of(content)
    assert re.search(r"□\s*合格\s*□\s*不合格", text)
    assert "年" in text and "月" in text and "日" in text
    assert "回访记录" not in text  # no revisit yet
    assert images_on_first_page(content) == 0  # the box is left to sign in


@needs_font
def test_the_revisit_is_printed_when_there_is_one__REPAIR_12(world, frozen, login):
    order = repaired(world, frozen)
    services.repair_order_act(order=order, action="revisit", by=world.agent.user, data={
        "satisfaction": 5, "quality": 4, "attitude": 5, "comment": "师傅很细心",
    })  # fmt: skip
    text = text_of(login("owner").get(url(order)).content)
    assert "回访记录" in text and "满意度" in text and "师傅很细心" in text
    assert "4 分" in text


def test_without_a_cjk_font_the_server_says_so(world, frozen, login, settings, monkeypatch):
    order = repaired(world, frozen, sign=False)
    monkeypatch.setattr(slip, "FONT_CANDIDATES", (("/nonexistent/font.ttc", None),))
    settings.WUYE = {**settings.WUYE, "CJK_FONT": ""}
    r = login("owner").get(url(order))
    assert r.status_code == 503
    assert "服务器未安装中文字体（如 fonts-noto-cjk），无法生成验收单" in r.content.decode()


@pytest.mark.parametrize(
    ("amount", "words"),
    [("0", "零元整"), ("0.05", "伍分"), ("0.50", "伍角整"), ("12.50", "壹拾贰元伍角整"),
     ("70.00", "柒拾元整"), ("1012.05", "壹仟零壹拾贰元零伍分"), ("100000", "壹拾万元整"),
     ("10000.10", "壹万元壹角整"), ("200300", "贰拾万零叁佰元整"),
     ("100000001", "壹亿零壹元整")],
)  # fmt: skip
def test_amount_in_capitals(amount, words):
    assert slip.rmb_upper(Decimal(amount)) == words


def test_money_and_quantities():
    assert slip.money(Decimal("12.5")) == "¥12.50"
    assert slip.quantity(Decimal("2.00")) == "2" and slip.quantity(Decimal("1.50")) == "1.5"
