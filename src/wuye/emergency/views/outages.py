"""Pages: outages."""

urlpatterns: list = []
