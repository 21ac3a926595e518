from django.urls import include, path

from .views import compliance

app_name = "quality"

urlpatterns = [
    path("", include([*compliance.urlpatterns])),
]
