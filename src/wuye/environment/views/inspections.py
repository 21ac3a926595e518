"""Pages: inspections (filled in by h-inspect)."""

urlpatterns: list = []
