"""The demo (``wuye demo``) shows the handover and move-in features: 阳光花园 9栋 with its
pre-intervention at the completion acceptance, its takeover confirmed (TAKEOVER-08) and a
move-in batch notified on time (MOVEIN-03), one owner at the house inspection."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from wuye.billing.models import Bill, BillStatus
from wuye.handover.models import HandoverProject, SuggestionStatus
from wuye.handover.selectors import takeover_confirmed
from wuye.residents.models import MoveInBatch


def test_demo_has_a_confirmed_takeover_and_a_notified_batch__TAKEOVER_08_MOVEIN_03(db, client):
    call_command("demo", stdout=StringIO())
    users = get_user_model().objects

    project = HandoverProject.objects.get(estate__name="阳光花园")
    assert project.developer == "杭州阳光置业有限公司"
    assert project.intervention_case.status == "completion"
    assert sorted(project.suggestions.values_list("status", flat=True)) == sorted(
        [SuggestionStatus.ADOPTED, SuggestionStatus.REJECTED, SuggestionStatus.SUBMITTED,
         SuggestionStatus.SUBMITTED]
    )  # fmt: skip
    assert project.inspections.filter(concealed_works=True, event__attachments__isnull=False)
    assert project.meetings.count() == 2

    plan = project.plans.get()
    assert plan.building.name == "9栋" and plan.case.status == "confirmed"
    assert plan.property_signatory and plan.developer_signatory
    defects = list(plan.defects.select_related("case"))
    assert len(defects) == 2 and all(d.case.status == "closed" for d in defects)
    assert plan.notices.count() == 1
    card = plan.documents.get(category="warranty")
    assert card.equipment.name == "9栋1号客梯" and card.equipment.warranty_until
    assert takeover_confirmed(plan.building)

    batch = MoveInBatch.objects.get(building=plan.building)
    assert batch.status == "notified" and batch.notices.count() == 8
    assert batch.notified_at.date() < batch.starts_at.date()
    inspected = batch.move_ins.get(case__status="inspected")
    assert [d.case.status for d in inspected.defects.select_related("case")] == ["open"]
    bills = Bill.objects.filter(pk__in=inspected.bills)
    assert bills.count() == 2 and all(b.status == BillStatus.PAID for b in bills)

    # What the demo users see.
    client.force_login(users.get(username="eng_head"))
    page = client.get(reverse("handover:takeover_detail", args=[plan.pk]))
    assert page.status_code == 200 and "已确认验收" in page.content.decode()
    page = client.get(reverse("handover:project_detail", args=[project.pk]))
    assert page.status_code == 200 and "竣工验收配合" in page.content.decode()
    client.force_login(users.get(username="agent"))
    page = client.get(reverse("residents:batch", args=[batch.pk]))
    assert page.status_code == 200 and "已通知" in page.content.decode()
    page = client.get(reverse("residents:move_in", args=[inspected.pk]))
    assert page.status_code == 200 and "飘窗下墙面空鼓" in page.content.decode()
