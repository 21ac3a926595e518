"""Pages: zones (filled in by h-clean)."""

urlpatterns: list = []
