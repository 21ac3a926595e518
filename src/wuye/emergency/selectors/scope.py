"""Who may see an incident: the reads' and the writes' one check (the services re-export it)."""

from __future__ import annotations

from django.http import Http404

from wuye.core.scoping import Actor, actor_for

from ..models import Incident

__all__ = ["as_actor", "in_scope"]


def as_actor(by) -> Actor:
    return by if isinstance(by, Actor) else actor_for(by)


def in_scope(actor: Actor, incident: Incident) -> None:
    """Staff of the incident's estate (else 404); a contractor only on the entrapment it was
    called to."""
    if actor.is_superuser:
        return
    if incident.estate_id not in actor.estate_ids:
        raise Http404
    if actor.staff is None:
        fault = incident.fault
        if not (actor.contractor is not None and fault is not None
                and fault.contractor_id == actor.contractor.pk):  # fmt: skip
            raise Http404
