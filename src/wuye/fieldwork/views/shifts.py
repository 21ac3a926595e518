"""Pages of field work: shifts."""

urlpatterns: list = []
