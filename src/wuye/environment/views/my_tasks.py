"""Pages: my_tasks (filled in by h-clean)."""

urlpatterns: list = []
