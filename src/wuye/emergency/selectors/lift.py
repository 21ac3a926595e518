"""Reads of elevator entrapments (电梯困人, EMERG-LIFT): the entrapments a user may see — staff
of the estate, the contractor only those it was called to — the lifts of an estate's register,
and the clocks of one entrapment side by side."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from wuye.core.scoping import Actor, actor_for
from wuye.facilities.choices import EquipmentCategory
from wuye.facilities.models import Equipment
from wuye.workflow.models import SlaClock

from ..choices import IncidentKind
from ..choices import IncidentStatus as S
from ..models import Incident

# The clocks of an entrapment in the order the desk reads them (DESIGN.md): the guard's five
# minutes, the contractor's thirty from the call, the rescue's thirty from the alarm; then
# engineering's five on the fault.
CLOCK_RULES = ("EMERG-LIFT-04", "EMERG-LIFT-05", "EQUIP-FAULT-11", "EQUIP-FAULT-10")
CLOCK_LABELS = {
    "EMERG-LIFT-04": _("秩序员到场（报警后5分钟）"),
    "EMERG-LIFT-05": _("维保单位到场（来电后30分钟）"),
    "EQUIP-FAULT-11": _("解救被困人员（报警后30分钟）"),
    "EQUIP-FAULT-10": _("工程人员到场（报警后5分钟）"),
}


def _actor(user_or_actor) -> Actor:
    return user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)


def entrapment_list(
    *,
    actor: Actor,
    estate_id: int | None = None,
    status: str = "",
    open_only: bool = False,
    q: str = "",
) -> QuerySet[Incident]:
    """Entrapments the actor may see, the running ones first, then the latest."""
    rows = Incident.objects.filter(kind=IncidentKind.ENTRAPMENT, fault__isnull=False)
    if not actor.is_superuser:
        rows = rows.filter(estate_id__in=actor.estate_ids)
        if actor.staff is None:
            if actor.contractor is None:
                return rows.none()
            rows = rows.filter(fault__contractor=actor.contractor)
    if estate_id is not None:
        rows = rows.filter(estate_id=estate_id)
    if status:
        rows = rows.filter(case__status=status)
    if open_only:
        rows = rows.filter(case__status__in=(S.ACTIVE, S.FOLLOWUP))
    if q:
        rows = rows.filter(case__number__icontains=q) | rows.filter(place__icontains=q)
    return rows.select_related(
        "case", "estate", "fault__equipment", "fault__contractor", "fault__case"
    ).order_by("case__closed_at", "-reported_at", "-pk")


def entrapment_get_for_user(user, pk) -> Incident:
    """One entrapment the user may see, else 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    found = entrapment_list(actor=_actor(user)).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def lift_choices(estate) -> QuerySet[Equipment]:
    """The estate's elevators in the equipment register, by code."""
    return Equipment.objects.filter(estate=estate, category=EquipmentCategory.ELEVATOR).order_by(
        "code"
    )


def entrapment_clocks(incident: Incident) -> list:
    """The incident's and the fault's clocks, the entrapment's four in the desk's order."""
    cases = [incident.case_id] + ([incident.fault.case_id] if incident.fault_id else [])
    clocks = {c.rule: c for c in SlaClock.objects.filter(case_id__in=cases)}
    chosen = [clocks[r] for r in CLOCK_RULES if r in clocks]
    for clock in chosen:
        clock.label = CLOCK_LABELS[clock.rule]
    return chosen
