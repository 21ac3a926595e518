"""Pages: supplies."""

urlpatterns: list = []
