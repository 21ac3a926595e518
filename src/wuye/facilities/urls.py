"""Pages of facilities (``facilities:``), one module per topic."""

app_name = "facilities"

urlpatterns: list = []
