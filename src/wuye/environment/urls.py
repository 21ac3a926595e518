"""Pages of environment (``environment:``), one module per topic, under ``/environment/``."""

from django.urls import include, path

from .views import (
    board,
    cleaning,
    green,
    greening,
    inspections,
    my_tasks,
    pests,
    rectifications,
    stores,
    weather,
    zones,
)

app_name = "environment"

urlpatterns: list = [
    path("environment/", include([
        *zones.urlpatterns,
        *cleaning.urlpatterns,
        *my_tasks.urlpatterns,
        *weather.urlpatterns,
        *inspections.urlpatterns,
        *rectifications.urlpatterns,
        *green.urlpatterns,
        *greening.urlpatterns,
        *stores.urlpatterns,
        *pests.urlpatterns,
        *board.urlpatterns,
    ])),
]  # fmt: skip
