from django.urls import include, path

from .views import analysis, desk, portal

app_name = "complaints"

urlpatterns = [
    path("", include([*desk.urlpatterns, *portal.urlpatterns, *analysis.urlpatterns])),
]
