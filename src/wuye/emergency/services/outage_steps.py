"""The steps of an outage's plan that the outage's own services complete (EMERG-OUTAGE-03), for
the generic ``step`` action to refuse (``incidents.OWNED_STEPS``): each is done by what it waits
for, so that its rule is kept. Read from ``outages``' step codes; kept apart from that module so
it stays the outage's alone.

- the notice (EMERG-OUTAGE-04..06): sent by the registration itself, to every household;
- the provision (EMERG-OUTAGE-07/08/12/13): done when its tasks are;
- the investigation (EMERG-OUTAGE-09): done when engineering records the cause;
- the restoration: its action announces it and returns the elevators stopped for the outage;
- the follow-up (EMERG-OUTAGE-11): done when every sampled household has been called.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ..models import Incident, Outage
from . import outage_provision as outages

__all__ = ["OWNED_STEPS", "owned_steps"]

OWNED_STEPS = {
    outages.STEP_NOTICE: _("停水停电通知在登记时已发给受影响住户，无需在此完成"),
    outages.STEP_PROVISION: _("请在停水停电页面完成各项保障任务，全部完成后此步骤自动完成"),
    outages.STEP_INVESTIGATE: _("请在停水停电页面由工程设备部记录故障原因，此步骤随之完成"),
    outages.STEP_RESTORE: _("请在停水停电页面点击“确认已恢复供应”，住户会收到恢复通知"),
    outages.STEP_FOLLOWUP: _("请在停水停电页面回访抽取的住户，全部回访后此步骤自动完成"),
}


def owned_steps(incident: Incident) -> dict:
    """The steps of this outage that its own services complete ({code: where}). An outage
    registered on the incident form has no outage record (no notice, tasks or sample): its
    steps are the generic ones."""
    if not Outage.objects.filter(incident_id=incident.pk).exists():
        return {}
    return OWNED_STEPS
