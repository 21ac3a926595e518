"""Pest and disease treatments (病虫害防治记录, GREEN-13/15): each records the pest, the green area
and the method; biological control first, chemical control second.

The rules, as decided for issue 17:

- Every treatment names its pest, its green area (of the estate) and its measure (释放七星瓢虫,
  黄板诱杀, 人工剪除, 喷施吡虫啉…). Biological and physical treatments need no reason. A biological
  one may use a product of kind biological (a ladybird egg card) from a store of the estate; a
  physical one uses no product.
- GREEN-13, a chemical treatment states why biological control is not enough (``reason``, at
  least ``REASON_MIN`` characters of real text), and biological first over time: it is refused
  unless a biological or physical treatment of the same green area and the same pest was
  recorded within the last ``BIOLOGICAL_FIRST_DAYS`` days — or it is declared an outbreak
  (``urgent=True``: the pest spreads faster than natural enemies can act, 虫害爆发), in which
  case the reason must explain it.
- GREEN-15, a chemical treatment uses a product of kind pesticide from a store of the same
  estate that meets the environmental requirements (``eco_compliant``), states the dose (用量/稀释
  比例) and the quantity used, drawn from the store in the same transaction (a stock movement
  naming the treatment): not enough stock refuses the treatment, nothing written.
- A treatment that carries out a planned pest-control task (a greening plan line of the same
  area, work 病虫害防治 or 防治蚜虫) completes that task through field work's ``task_complete``.
- The record is never changed afterwards.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wuye.core.choices import Role
from wuye.core.scoping import Actor, actor_for
from wuye.core.validators import check_model_text
from wuye.fieldwork.services.records import task_complete
from wuye.workflow.models import PlannedTask, PlannedTaskStatus

from ..choices import PEST_WORK, PestMethod, ProductKind
from ..models import GreenArea, PestTreatment, PlanLine, Product
from .stores import in_estate, issuable, quantity_clean, stock_out

__all__ = [
    "BIOLOGICAL_FIRST_DAYS",
    "REASON_MIN",
    "TREATMENT_ROLES",
    "treatment_record",
]

# GREEN-02: gardeners carry out the treatments; the department's head and the executives may.
TREATMENT_ROLES = frozenset({Role.GARDENER, Role.DEPARTMENT_HEAD, Role.EXECUTIVE})
# GREEN-13: a chemical treatment's reason is a sentence, not "无" or "需要".
REASON_MIN = 8
# GREEN-13: how recent a biological or physical attempt on the same area and pest must be for a
# chemical treatment to follow it (a month: a ladybird release works within one to two weeks).
BIOLOGICAL_FIRST_DAYS = 30
# The planned work a treatment can carry out.
# Products each method may use.
METHOD_PRODUCTS = {
    PestMethod.BIOLOGICAL: frozenset({ProductKind.BIOLOGICAL}),
    PestMethod.CHEMICAL: frozenset({ProductKind.PESTICIDE}),
    PestMethod.PHYSICAL: frozenset(),
}


def _actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def _meaningful(text: str) -> bool:
    """At least REASON_MIN characters that are letters or digits, not one character repeated."""
    letters = [c for c in text if c.isalnum()]
    return len(letters) >= REASON_MIN and len(set(letters)) > 1


def _task(task, green_area: GreenArea, errors: dict) -> PlannedTask | None:
    if task is None:
        return None
    if not isinstance(task, PlannedTask) or task.estate_id != green_area.estate_id:
        errors.setdefault("task", []).append(_("计划任务不存在"))
        return None
    line = PlanLine.objects.filter(schedule_id=task.schedule_id).first()
    if line is None or line.green_area_id != green_area.pk or line.work not in PEST_WORK:
        errors.setdefault("task", []).append(_("该计划任务不是本绿化区域的病虫害防治任务"))
        return None
    if task.status not in (PlannedTaskStatus.PLANNED, PlannedTaskStatus.MISSED):
        errors.setdefault("task", []).append(_("该计划任务已完成或已取消"))
    return task


def recent_non_chemical(green_area: GreenArea, pest: str, at: dt.datetime) -> PestTreatment | None:
    """GREEN-13: the latest biological or physical treatment of the area and pest within
    ``BIOLOGICAL_FIRST_DAYS`` days before ``at``."""
    return (
        PestTreatment.objects.filter(
            green_area=green_area,
            pest=pest,
            method__in=(PestMethod.BIOLOGICAL, PestMethod.PHYSICAL),
            at__gte=at - dt.timedelta(days=BIOLOGICAL_FIRST_DAYS),
            at__lte=at,
        )
        .order_by("-at")
        .first()
    )


def _product(product, method: str, green_area: GreenArea, errors: dict) -> Product | None:
    allowed = METHOD_PRODUCTS.get(method, frozenset())
    if product is None:
        if method == PestMethod.CHEMICAL:  # GREEN-15
            errors.setdefault("product", []).append(_("化学防治须选择存放点中符合环保要求的农药"))
        return None
    if not isinstance(product, Product) or product.store.estate_id != green_area.estate_id:
        errors.setdefault("product", []).append(_("药剂须取自本项目的存放点"))
        return None
    if not allowed:
        errors.setdefault("product", []).append(_("物理防治不使用药剂"))
    elif product.kind not in allowed:
        message = {
            PestMethod.CHEMICAL: _("化学防治须使用农药类物料"),
            PestMethod.BIOLOGICAL: _("生物防治只能使用生物防治制剂或天敌"),
        }[method]
        errors.setdefault("product", []).append(message)
    elif not issuable(product):  # GREEN-15
        errors.setdefault("product", []).append(
            _("%(name)s不符合环保要求，不得使用") % {"name": product}
        )
    elif not product.active or not product.store.active:
        errors.setdefault("product", []).append(_("物料或存放点已停用"))
    return product


@transaction.atomic
def treatment_record(
    *,
    green_area: GreenArea,
    pest: str,
    method: str,
    measure: str,
    by,
    product: Product | None = None,
    dose: str = "",
    quantity=None,
    reason: str = "",
    task: PlannedTask | None = None,
    at: dt.datetime | None = None,
    urgent: bool = False,
    note: str = "",
) -> PestTreatment:
    """Record a pest treatment (GREEN-13/15; see the module's rules). ``at`` when it was done
    (default now; not in the future, at most 7 days back). ``quantity`` of ``product`` is
    drawn from its store. ``urgent``: a chemical treatment of an outbreak without a biological
    attempt first. Refusals are a ValidationError field by field, nothing written."""
    actor = _actor(by)
    in_estate(actor, green_area.estate_id)
    if not actor.is_superuser and actor.role not in TREATMENT_ROLES:
        raise PermissionDenied(_("病虫害防治由绿化人员实施并记录"))
    now = timezone.now()
    errors: dict[str, list[str]] = {}

    def text(value, field: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            errors.setdefault(field, []).append(_("格式不正确"))
            return ""
        return value.strip()

    pest, measure, dose = text(pest, "pest"), text(measure, "measure"), text(dose, "dose")
    reason, note = text(reason, "reason"), text(note, "note")
    if not pest:
        errors.setdefault("pest", []).append(_("请填写病虫害名称"))
    if not measure:
        errors.setdefault("measure", []).append(_("请填写防治措施"))
    check_model_text(PestTreatment, errors, pest=pest, measure=measure, dose=dose,
                     reason=reason, note=note)  # fmt: skip
    if method not in PestMethod.values:
        errors.setdefault("method", []).append(_("请选择防治方式"))
    if not isinstance(urgent, bool):
        errors.setdefault("urgent", []).append(_("请选择是或否"))
    if not green_area.active:
        errors.setdefault("green_area", []).append(_("绿化区域已停用"))
    at = at or now
    if not isinstance(at, dt.datetime) or timezone.is_naive(at):
        errors.setdefault("at", []).append(_("请填写实施时间"))
        at = now
    elif at > now + dt.timedelta(minutes=5):
        errors.setdefault("at", []).append(_("实施时间不能晚于现在"))
    elif at < now - dt.timedelta(days=7):
        errors.setdefault("at", []).append(_("只能补记 7 天内的防治"))
    amount = None
    if quantity is not None and quantity != "":
        try:
            amount = quantity_clean(quantity)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    product = _product(product, method, green_area, errors)
    if method == PestMethod.CHEMICAL:
        # GREEN-13: why biological control is not enough.
        if not reason:
            errors.setdefault("reason", []).append(_("化学防治须说明生物防治不足以控制的原因"))
        elif not _meaningful(reason):
            errors.setdefault("reason", []).append(
                _("请具体说明原因（至少 %(n)d 个字）") % {"n": REASON_MIN}
            )
        # GREEN-15: the dose and the quantity drawn from the store.
        if not dose:
            errors.setdefault("dose", []).append(_("化学防治须填写用量或稀释比例"))
        if amount is None and "quantity" not in errors:
            errors.setdefault("quantity", []).append(_("请填写农药出库数量"))
        # GREEN-13: biological first, unless an outbreak.
        if pest and urgent is not True and recent_non_chemical(green_area, pest, at) is None:
            errors.setdefault("method", []).append(
                _("近 %(days)d 天内该区域未对“%(pest)s”采取生物或物理防治，应先采用生物防治；"
                  "如虫害爆发须立即用药，请勾选“虫害爆发”并说明情况")
                % {"days": BIOLOGICAL_FIRST_DAYS, "pest": pest}
            )  # fmt: skip
    elif amount is not None and product is None:
        errors.setdefault("quantity", []).append(_("未选择药剂或天敌，无需填写出库数量"))
    task = _task(task, green_area, errors)
    if errors:
        raise ValidationError(errors)
    treatment = PestTreatment.objects.create(
        estate_id=green_area.estate_id, green_area=green_area, pest=pest, method=method,
        measure=measure, reason=reason, product=product, dose=dose, quantity=amount, task=task,
        by=actor.user, at=at, note=note,
    )  # fmt: skip
    if product is not None and amount is not None:
        stock_out(
            product=product, quantity=amount, by=actor, treatment=treatment,
            purpose=_("病虫害防治：%(area)s %(pest)s") % {"area": green_area.name, "pest": pest},
        )  # fmt: skip
    if task is not None:
        summary = _("%(method)s：%(measure)s（%(pest)s）") % {
            "method": PestMethod(method).label, "measure": measure, "pest": pest}  # fmt: skip
        task_complete(task=task, answers=[], by=actor, note=summary[:2000])
    return treatment
