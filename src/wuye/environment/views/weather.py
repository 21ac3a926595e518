"""Pages: weather (filled in by h-clean)."""

urlpatterns: list = []
