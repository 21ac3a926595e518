"""Pages: stores (filled in by h-store)."""

urlpatterns: list = []
