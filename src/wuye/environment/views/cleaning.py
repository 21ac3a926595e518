"""Pages: cleaning (filled in by h-clean)."""

urlpatterns: list = []
