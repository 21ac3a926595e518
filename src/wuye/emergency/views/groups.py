"""Pages: groups."""

urlpatterns: list = []
