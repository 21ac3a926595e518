"""Pages: green (filled in by h-green)."""

urlpatterns: list = []
