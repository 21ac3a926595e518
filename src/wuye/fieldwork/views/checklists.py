"""Pages of field work: checklists."""

urlpatterns: list = []
