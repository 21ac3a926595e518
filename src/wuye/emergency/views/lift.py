"""Pages: lift."""

urlpatterns: list = []
