"""Pages of field work: certificates."""

urlpatterns: list = []
