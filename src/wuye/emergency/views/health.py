"""Pages: health."""

urlpatterns: list = []
