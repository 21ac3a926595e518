"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

from .views import decoration, parcels, passes, visitors

app_name = "security"

urlpatterns: list = [
    path("security/", include([
        *visitors.urlpatterns, *passes.urlpatterns, *parcels.urlpatterns,
        *decoration.urlpatterns,
    ])),
]  # fmt: skip
