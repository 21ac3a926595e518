"""Pages of security (``security:``), one module per topic, under ``/security/``."""

from django.urls import include, path

from .views import drills, fires, publicity

app_name = "security"

urlpatterns: list = [
    path("security/", include([*fires.urlpatterns, *drills.urlpatterns, *publicity.urlpatterns])),
]
