"""Pages: pests (filled in by h-store)."""

urlpatterns: list = []
