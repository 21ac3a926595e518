"""Pages: board (filled in by h-board)."""

urlpatterns: list = []
