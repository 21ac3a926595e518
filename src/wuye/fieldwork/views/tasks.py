"""Pages of field work: tasks."""

urlpatterns: list = []
