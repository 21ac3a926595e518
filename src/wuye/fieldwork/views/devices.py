"""Pages of field work: devices."""

urlpatterns: list = []
