"""Pages: greening (filled in by h-green)."""

urlpatterns: list = []
