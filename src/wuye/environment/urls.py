"""Pages of environment (``environment:``), one module per topic, under ``/environment/``."""

from django.urls import include, path

app_name = "environment"

urlpatterns: list = [
    path("environment/", include([
    ])),
]  # fmt: skip
