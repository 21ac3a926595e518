"""Pages of field work (``fieldwork:``), one module per topic."""

from .views import certificates, checklists, devices, records, rounds, shifts, tasks

app_name = "fieldwork"

urlpatterns = [
    *checklists.urlpatterns,
    *records.urlpatterns,
    *tasks.urlpatterns,
    *rounds.urlpatterns,
    *shifts.urlpatterns,
    *certificates.urlpatterns,
    *devices.urlpatterns,
]
