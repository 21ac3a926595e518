"""Pages: incidents (placeholder while the API is built)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from ..models import Incident


@login_required
def incident_detail(request, pk: int):
    incident = get_object_or_404(Incident, pk=pk)
    return HttpResponse(incident.case.number)


def supply_list(request):
    return HttpResponse("")


urlpatterns: list = [
    path("incidents/<int:pk>/", incident_detail, name="incident_detail"),
    path("supplies/", supply_list, name="supply_list"),
]
