from django.urls import include, path

from .views import company, compliance

app_name = "quality"

urlpatterns = [
    path("", include([*compliance.urlpatterns, *company.urlpatterns])),
]
