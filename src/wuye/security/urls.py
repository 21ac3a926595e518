"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

from .views import (
    decoration,
    drills,
    fire_facilities,
    fires,
    gates,
    parcels,
    passes,
    publicity,
    vehicles,
    visitors,
)
from .views import incidents as guard_incidents
from .views import obstructions as guard_obstructions
from .views import patrols as guard_patrols

app_name = "security"

urlpatterns: list = [
    path("security/", include([
        *guard_patrols.urlpatterns,
        *guard_obstructions.urlpatterns,
        *guard_incidents.urlpatterns,
        *visitors.urlpatterns,
        *passes.urlpatterns,
        *parcels.urlpatterns,
        *decoration.urlpatterns,
        *fire_facilities.urlpatterns,
        *fires.urlpatterns,
        *drills.urlpatterns,
        *publicity.urlpatterns,
        *vehicles.urlpatterns,
        *gates.urlpatterns,
    ])),
]  # fmt: skip
