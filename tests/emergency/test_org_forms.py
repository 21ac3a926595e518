"""The group, plan and supply pages' forms: a refused write shows the page again (4xx) with the
error next to the field and what was typed kept, nothing changed; the group page's on-call flag
swaps its member's row by htmx and still works as a plain form (EMERG-01..03)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from wuye.emergency.choices import IncidentKind
from wuye.emergency.models import GroupMember, PlanStep, SupplyCheck, SupplyItem
from wuye.emergency.services.plans import plan_ensure
from wuye.emergency.services.supplies import item_create

pytestmark = pytest.mark.django_db


def field_errors(html: str) -> list[str]:
    return re.findall(r'class="field-error">([^<]+)<', html)


def value_of(html: str, field_id: str) -> str:
    found = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html)
    assert found, field_id
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


# --- Groups -----------------------------------------------------------------------------------


def test_a_refused_member_is_shown_next_to_the_field_with_the_input_kept__EMERG_02(emg, login):
    w = emg
    client = login("order_head")
    url = reverse("emergency:group_member_add")
    # Already in the on-site group: the service refuses; the duty typed stays.
    twice = client.post(url, {"kind": "onsite", "scope": "estate", "staff": w.guard.pk,
                              "duty": "副组长", "on_call": "on"})  # fmt: skip
    html = twice.content.decode()
    assert twice.status_code == 400 and field_errors(html) == ["该员工已在本小组中"]
    assert value_of(html, "id_duty") == "副组长"
    assert re.search(rf'<option value="{w.guard.pk}" selected>', html)
    # Someone of another estate is not on the list at all.
    other = client.post(url, {"kind": "onsite", "scope": "estate", "staff": w.outsider.pk})
    assert other.status_code == 400
    assert "请选择本公司的在职员工" in field_errors(other.content.decode())
    assert GroupMember.objects.filter(group=w.onsite).count() == 4


def test_only_executives_change_the_command_group_on_the_page__EMERG_01(emg, login):
    w = emg
    refused = login("order_head").post(reverse("emergency:group_member_add"),
                                       {"kind": "command", "scope": "company",
                                        "staff": w.order_head.pk})  # fmt: skip
    assert refused.status_code == 403
    assert "应急指挥小组只能由企业高层调整" in refused.content.decode()
    body = {"kind": "logistics", "scope": "estate", "staff": w.tech.pk}
    added = login("exec").post(reverse("emergency:group_member_add"), body)
    assert added.status_code == 302
    assert GroupMember.objects.filter(group=w.logistics, staff=w.tech).exists()


def test_the_on_call_flag_swaps_the_members_row_by_htmx__EMERG_02(emg, login):
    w = emg
    member = GroupMember.objects.get(group=w.onsite, staff=w.tech)
    client = login("order_head")
    page = client.get(reverse("emergency:group_list")).content.decode()
    url = reverse("emergency:group_member_toggle", args=[member.pk, "on_call"])
    assert f'hx-post="{url}"' in page and f'hx-target="#member-{member.pk}"' in page
    row = client.post(url, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert row.status_code == 200 and "<html" not in html
    assert html.startswith(f'<li class="incident-member" id="member-{member.pk}">')
    assert "值班中" in html and 'aria-pressed="true"' in html
    member.refresh_from_db()
    assert member.on_call
    # Without script, the same form: the flag changes and the whole page comes back.
    plain = client.post(url)
    member.refresh_from_db()
    assert plain.status_code == 302 and not member.on_call


def test_a_refused_htmx_toggle_changes_nothing_and_reloads_the_page__EMERG_02(emg, login):
    w = emg
    member = GroupMember.objects.get(group=w.onsite, staff=w.tech)
    client = login("agent")
    url = reverse("emergency:group_member_toggle", args=[member.pk, "on_call"])
    assert url not in client.get(reverse("emergency:group_list")).content.decode()
    refused = client.post(url, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    assert refused["HX-Redirect"] == reverse("emergency:group_list")
    member.refresh_from_db()
    assert not member.on_call
    page = client.get(reverse("emergency:group_list")).content.decode()
    assert "只有部门负责人或企业高层可以调整应急小组" in page


# --- Plans ------------------------------------------------------------------------------------


def test_a_refused_step_keeps_what_was_typed_next_to_the_field(emg, login):
    w = emg
    plan = plan_ensure(company=w.company, kind=IncidentKind.FIRE, by=w.exec.user)
    client = login("exec")
    url = reverse("emergency:plan_step_save", args=[plan.pk])
    empty = client.post(url, {"title": "", "guidance": "先断电再灭火"})
    html = empty.content.decode()
    assert empty.status_code == 400 and field_errors(html)
    assert "先断电再灭火" in html[html.index('id="step-new"') :]
    twice = client.post(url, {"title": "清点人数", "checklist": "已清点\n已清点"})
    html = twice.content.decode()
    assert twice.status_code == 400 and field_errors(html) == ["确认事项不能重复"]
    assert value_of(html, "new-title") == "清点人数"
    step = plan.steps.order_by("order").first()
    changed = client.post(url, {"step": step.pk, "title": "x" * 61, "guidance": "改过的要点"})
    html = changed.content.decode()
    assert changed.status_code == 400
    own = html[html.index(f'id="step-{step.pk}"') :]
    assert "改过的要点" in own[: own.index("</section>")] and field_errors(own)
    plan.refresh_from_db()
    assert plan.version == 1 and not PlanStep.objects.filter(title="清点人数").exists()


def test_a_refused_move_or_removal_says_why_on_the_page(emg, login):
    w = emg
    plan = plan_ensure(company=w.company, kind=IncidentKind.ENTRAPMENT, by=w.exec.user)
    client = login("exec")
    first = plan.steps.order_by("order").first()
    up = client.post(reverse("emergency:plan_step_act", args=[plan.pk, first.pk, "up"]))
    assert up.status_code == 400 and "已经是第一步或最后一步" in up.content.decode()
    remove = client.post(reverse("emergency:plan_step_act", args=[plan.pk, first.pk, "remove"]))
    assert remove.status_code == 403 and "手册规定的步骤不能删除" in remove.content.decode()
    bad = client.post(reverse("emergency:plan_adopt"), {"kind": "meteor"})
    assert bad.status_code == 400 and "请选择事件类型" in bad.content.decode()
    plan.refresh_from_db()
    assert plan.version == 1


# --- Supplies ---------------------------------------------------------------------------------


def test_a_refused_supply_keeps_what_was_typed__EMERG_03(emg, login):
    w = emg
    item_create(estate=w.estate, by=w.clerk.user, category="water", name="瓶装水", unit="箱")
    client = login("clerk")
    url = reverse("emergency:supply_create")
    missing = client.post(url, {"category": "lighting", "name": "", "unit": "个",
                                "location": "物业仓库"})  # fmt: skip
    html = missing.content.decode()
    assert missing.status_code == 400 and len(field_errors(html)) == 1
    assert value_of(html, "s-location") == "物业仓库" and value_of(html, "s-unit") == "个"
    twice = client.post(url, {"category": "water", "name": "瓶装水", "unit": "箱",
                              "quantity": "3"})  # fmt: skip
    html = twice.content.decode()
    assert twice.status_code == 400 and field_errors(html) == ["本项目已有同名物资"]
    assert value_of(html, "s-quantity") == "3"
    assert SupplyItem.objects.count() == 1


def test_a_refused_restock_is_shown_on_its_row__EMERG_03(emg, login):
    w = emg
    item = item_create(estate=w.estate, by=w.clerk.user, category="water", name="瓶装水",
                       unit="箱", quantity=2)  # fmt: skip
    client = login("clerk")
    url = reverse("emergency:supply_restock", args=[item.pk])
    zero = client.post(url, {"quantity": "0"})
    html = zero.content.decode()
    assert zero.status_code == 400 and field_errors(html)
    assert value_of(html, f"r{item.pk}-quantity") == "0"
    assert login("guard").post(url, {"quantity": "5"}).status_code == 403
    item.refresh_from_db()
    assert item.quantity == 2


def test_a_refused_count_keeps_every_line_entered__EMERG_03(emg, login):
    w = emg
    water = item_create(estate=w.estate, by=w.clerk.user, category="water", name="瓶装水",
                        unit="箱", quantity=12)  # fmt: skip
    lamp = item_create(estate=w.estate, by=w.clerk.user, category="lighting", name="应急灯",
                       unit="个", quantity=5)  # fmt: skip
    client = login("clerk")
    sent = {f"counted-{water.pk}": "11", f"note-{water.pk}": "一箱破损",
            f"counted-{lamp.pk}": "-1"}  # fmt: skip
    refused = client.post(reverse("emergency:supply_check"), sent)
    html = refused.content.decode()
    assert refused.status_code == 400 and "数量应在" in html
    assert value_of(html, f"c-{water.pk}") == "11" and value_of(html, f"n-{water.pk}") == "一箱破损"
    assert value_of(html, f"c-{lamp.pk}") == "-1"
    assert f'name="usable-{water.pk}" checked' not in html  # unticked as sent
    assert not SupplyCheck.objects.exists()
