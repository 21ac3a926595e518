"""Pages of emergencies (``emergency:``), one module per topic, under ``/emergency/``."""

from django.urls import include, path

from .views import groups, health, incidents, lift, outages, plans, supplies

app_name = "emergency"

urlpatterns: list = [
    path("emergency/", include([
        *incidents.urlpatterns,
        *groups.urlpatterns,
        *plans.urlpatterns,
        *supplies.urlpatterns,
        *lift.urlpatterns,
        *outages.urlpatterns,
        *health.urlpatterns,
    ])),
]  # fmt: skip
