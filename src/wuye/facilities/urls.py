"""Pages of facilities (``facilities:``), one module per topic."""

from .views import faults

app_name = "facilities"

urlpatterns: list = [
    *faults.urlpatterns,
]
