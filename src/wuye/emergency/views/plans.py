"""Pages: plans."""

urlpatterns: list = []
