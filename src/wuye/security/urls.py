"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

app_name = "security"

urlpatterns: list = [
    path("security/", include([])),
]
