"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

from .views import incidents as guard_incidents
from .views import obstructions as guard_obstructions
from .views import patrols as guard_patrols
from .views import decoration, parcels, passes, visitors
from .views import fire_facilities
from .views import drills, fires, publicity
from .views import gates, vehicles

app_name = "security"

urlpatterns: list = [
    path("security/", include([
        *guard_patrols.urlpatterns,  # guards
        *guard_obstructions.urlpatterns,  # guards
        *guard_incidents.urlpatterns,  # guards
        *visitors.urlpatterns, *passes.urlpatterns, *parcels.urlpatterns,
        *decoration.urlpatterns,
    ])),
]  # fmt: skip
    path("security/", include([*fire_facilities.urlpatterns])),
    path("security/", include([*fires.urlpatterns, *drills.urlpatterns, *publicity.urlpatterns])),
    path("security/", include([*vehicles.urlpatterns, *gates.urlpatterns])),
]
