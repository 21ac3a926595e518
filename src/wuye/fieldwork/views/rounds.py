"""Pages of field work: rounds."""

urlpatterns: list = []
