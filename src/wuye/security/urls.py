"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

from .views import fire_facilities

app_name = "security"

urlpatterns: list = [
    path("security/", include([*fire_facilities.urlpatterns])),
]
