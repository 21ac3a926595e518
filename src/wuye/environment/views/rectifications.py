"""Pages: rectifications (filled in by h-inspect)."""

urlpatterns: list = []
