"""What the emergency services share: the actor, the scope, the lock and the event."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from wuye.core.exceptions import Conflict
from wuye.core.scoping import Actor
from wuye.workflow.services import case_act

from ..models import (
    Incident,
)
from ..processes import (
    INCIDENT,
)
from ..selectors.scope import as_actor, in_scope

__all__ = ["as_actor", "in_scope", "incident_url", "lock_incident", "precheck", "record"]


def incident_url(incident: Incident) -> str:
    return reverse("emergency:incident_detail", args=[incident.pk])


def lock_incident(incident: Incident | int) -> Incident:
    pk = incident.pk if isinstance(incident, Incident) else incident
    try:
        return (Incident.objects.select_for_update(of=("self",))
                .select_related("estate", "case", "fault").get(pk=pk))  # fmt: skip
    except (Incident.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def precheck(actor: Actor, action: str, incident: Incident) -> None:
    decl = INCIDENT.action(action)
    if not actor.is_superuser and actor.role not in decl.roles:
        raise PermissionDenied(_("您的角色不能执行“%(action)s”") % {"action": decl.label})
    if incident.case.status not in decl.sources:
        raise Conflict(
            _("事件当前状态为“%(status)s”，不能执行“%(action)s”")
            % {"status": INCIDENT.state_label(incident.case.status), "action": decl.label},
            code="invalid_state",
        )


def record(incident: Incident, *, action: str, actor: Actor, note: str = "",
           data: dict | None = None, attachments=None):  # fmt: skip
    """The event of one action on the incident's case (role and state checked by the engine)."""
    result = case_act(case=incident.case, action=action, by=actor, note=note, data=data or {},
                      attachments=attachments)  # fmt: skip
    incident.case = result.case
    return result
