"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

from .views import gates, vehicles

app_name = "security"

urlpatterns: list = [
    path("security/", include([*vehicles.urlpatterns, *gates.urlpatterns])),
]
