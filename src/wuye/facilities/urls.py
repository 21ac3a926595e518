"""Pages of facilities (``facilities:``), one module per topic, under ``/facilities/``."""

from django.urls import include, path

from .views import anomalies, board, equipment, faults, logs, maintenance

app_name = "facilities"

urlpatterns: list = [
    path("facilities/", include([*equipment.urlpatterns, *logs.urlpatterns,
                                 *anomalies.urlpatterns, *maintenance.urlpatterns,
                                 *board.urlpatterns])),
    *faults.urlpatterns,
]  # fmt: skip
